"""Project commands: ``init``, ``import``, ``import-codings``, ``segments``, ``excerpts``."""

from __future__ import annotations

import sys

from hrp_coding.cli import add_command


def register(subparsers) -> None:
    cmd = add_command(subparsers, "init", help="Create a project folder with a codebook.",
                      example="hrp-coding init my-study --codebook codebook/making_room.yaml", func=run_init)
    cmd.add_argument("study", metavar="STUDY", help="the project folder to create (must not exist or be empty)")
    cmd.add_argument("--codebook", required=True, metavar="FILE", help="the codebook YAML file")
    cmd.add_argument("--name", help="the study's name (default: the folder name)")
    cmd.add_argument("--unit", default="turn", choices=["turn", "sentence", "paragraph"], help="default unit")
    cmd.add_argument("--coders", nargs="*", default=(), metavar="CODER", help="coder roster (lowercase slugs)")

    cmd = add_command(subparsers, "import", help="Add transcripts (.txt .md .docx .vtt .srt) to a project.",
                      example="hrp-coding import my-study interviews/*.docx --attributes participants.csv "
                              "--deidentify names.txt", func=run_import)
    cmd.add_argument("study", metavar="STUDY", help="the project folder")
    cmd.add_argument("files", nargs="+", metavar="FILES", help="transcript files; the id is the file name stem")
    cmd.add_argument("--deidentify", metavar="NAMES.txt", help="names list: de-identify before storing")
    cmd.add_argument("--attributes", metavar="CSV", help="attributes table: a 'transcript' column (the id) and one "
                                                          "column per attribute")
    cmd.add_argument("--encoding", help="text encoding of .txt/.md files when not UTF-8 (e.g. cp1252)")

    cmd = add_command(subparsers, "import-codings", help="Import codings from a CSV (all rows valid, or nothing).",
                      example="hrp-coding import-codings my-study codings.csv", func=run_import_codings)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("csv", metavar="CSV", help="columns transcript, coder, code and start+end or quote; "
                                                "optional memo")
    cmd.add_argument("--coder", help="coder of rows without a coder column")

    cmd = add_command(subparsers, "segments", help="List the segments of every transcript.",
                      example="hrp-coding segments my-study --unit sentence --out segments.csv", func=run_segments)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("--unit", choices=["turn", "sentence", "paragraph"], help="default: the project's unit")
    cmd.add_argument("--out", metavar="CSV", help="write a CSV file instead of printing")

    cmd = add_command(subparsers, "excerpts", help="Print every passage coded with a code, across interviews.",
                      example="hrp-coding excerpts my-study holding --context turn", func=run_excerpts)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("code", metavar="CODE")
    cmd.add_argument("--context", default="0", help="characters of context, or 'turn' (default 0)")
    cmd.add_argument("--coders", nargs="*", metavar="CODER", help="only these coders")
    cmd.add_argument("--out", metavar="CSV", help="write a CSV file instead of printing")


def run_init(args) -> None:
    from hrp_coding.project import Project

    project = Project.init(args.study, codebook=args.codebook, name=args.name, default_unit=args.unit,
                           coders=args.coders)
    print(f"created {project.path} (codebook {project.codebook.name!r} v{project.codebook.version})")


def _attributes_table(path) -> dict[str, dict]:
    import csv

    from hrp_coding.errors import ProjectError

    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "transcript" not in (reader.fieldnames or []):
            raise ProjectError(f"{path}: the attributes table needs a 'transcript' column, has {reader.fieldnames}")
        table = {}
        for row in reader:
            tid = row.pop("transcript")
            row.pop("file", None)
            table[tid] = {k: v for k, v in row.items() if v not in (None, "")}
    return table


def run_import(args) -> None:
    from pathlib import Path

    from tqdm.auto import tqdm

    from hrp_coding.project import Project

    project = Project.open(args.study)
    attributes = _attributes_table(args.attributes) if args.attributes else {}
    deid = None
    if args.deidentify:
        deid = Path(args.deidentify)
        if not deid.is_file():
            raise FileNotFoundError(f"names list not found: {deid}")
    added = []
    for file in tqdm(args.files, desc="importing", unit="file", disable=len(args.files) < 3, file=sys.stderr):
        tid = Path(file).stem
        transcript = project.add_transcript(Path(file), transcript_id=tid, attributes=attributes.get(tid),
                                            deidentify=deid, encoding=args.encoding)
        added.append(transcript)
    for t in added:
        print(f"added {t.id}: {len(t.turns)} turns, {len(t.text.split())} words")


def run_import_codings(args) -> None:
    from hrp_coding.project import Project

    report = Project.open(args.study).import_codings(args.csv, coder=args.coder)
    print(report)


def _emit(frame, out) -> None:
    if out:
        frame.to_csv(out, index=False)
        print(f"wrote {len(frame)} rows to {out}")
    else:
        frame.to_csv(sys.stdout, index=False)


def run_segments(args) -> None:
    from hrp_coding.project import Project

    project = Project.open(args.study)
    _emit(project.segments(args.unit), args.out)


def run_excerpts(args) -> None:
    from hrp_coding.errors import ProjectError
    from hrp_coding.project import Project

    context = args.context if args.context == "turn" else None
    if context is None:
        try:
            context = int(args.context)
        except ValueError:
            raise ProjectError(f"--context must be a number of characters or 'turn', got {args.context!r}") from None
    frame = Project.open(args.study).excerpts(args.code, context=context, coders=args.coders or None)
    if args.out:
        _emit(frame, args.out)
        return
    for row in frame.itertuples(index=False):
        print(f"## {row.transcript} · {row.coder} · {row.start}-{row.end}")
        print(f"{row.before}[{row.text}]{row.after}".strip())
        print()
    print(f"{len(frame)} excerpts coded {args.code!r}")
