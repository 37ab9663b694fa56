"""Project commands: ``init``, ``import``, ``import-codings``, ``segments``, ``excerpts``."""

from __future__ import annotations

import sys

from hrp_coding.cli import add_command
from hrp_coding.units import SEGMENT_UNITS


def register(subparsers) -> None:
    """Add the project commands: ``init``, ``import``, ``remove``, ``add-coders``, ``import-codings``,
    ``segments`` and ``excerpts``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands, which gain the seven project commands.

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> args = build_parser().parse_args(["excerpts", "study", "holding", "--context", "turn"])
    >>> args.func is run_excerpts, args.context
    (True, 'turn')
    """
    cmd = add_command(subparsers, "init", help="Create a project folder with a codebook.",
                      example="hrp-coding init my-study --codebook codebook/making_room.yaml", func=run_init)
    cmd.add_argument("study", metavar="STUDY", help="the project folder to create (must not exist or be empty)")
    cmd.add_argument("--codebook", required=True, metavar="FILE", help="the codebook YAML file")
    cmd.add_argument("--name", help="the study's name (default: the folder name)")
    cmd.add_argument("--unit", default="turn", choices=SEGMENT_UNITS, help="default unit")
    cmd.add_argument("--coders", nargs="*", default=(), metavar="CODER", help="coder roster (lowercase slugs)")

    cmd = add_command(subparsers, "import", help="Add transcripts (.txt .md .docx .pdf .vtt .srt .csv .xlsx), all "
                      "or none, and print what was recognised in each.",
                      example="hrp-coding import my-study interviews/ --attributes participants.csv "
                              "--roles 'Dr. Lee=interviewer' --deidentify names.txt", func=run_import)
    cmd.add_argument("study", metavar="STUDY", help="the project folder")
    cmd.add_argument("files", nargs="+", metavar="FILES", help="transcript files or folders of them; the id is the "
                                                              "file name stem")
    cmd.add_argument("--deidentify", metavar="NAMES.txt", help="names list: de-identify before storing")
    cmd.add_argument("--attributes", metavar="CSV", help="attributes table: a 'transcript' column (the id) and one "
                                                          "column per attribute")
    cmd.add_argument("--encoding", help="text encoding when detection is not wanted: one for every text file "
                                        "(cp1252) or per file type (.txt=cp1252,.srt=utf-8)")
    cmd.add_argument("--speaker-pattern", metavar="REGEX", help="regular expression with a group (?P<speaker>...) "
                                                                "matched at line start, e.g. '(?P<speaker>[A-Z]+):'")
    cmd.add_argument("--roles", metavar="NAME=ROLE,...",
                     help="speaker roles, e.g. 'Dr. Lee=interviewer,Sam=participant'")
    from hrp_coding.transcripts.layout import LAYOUTS

    cmd.add_argument("--layout", choices=sorted(LAYOUTS), help="force a layout instead of detecting it")

    cmd = add_command(subparsers, "remove", help="Remove a transcript; its codings are removed with it (the journals "
                      "keep their history).", example="hrp-coding remove my-study P07", func=run_remove)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("transcripts", nargs="+", metavar="ID", help="transcript ids")

    cmd = add_command(subparsers, "add-coders", help="Declare coders: afterwards only roster coders may code.",
                      example="hrp-coding add-coders my-study ana ben", func=run_add_coders)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("coders", nargs="+", metavar="CODER", help="lowercase slugs")

    cmd = add_command(subparsers, "import-codings", help="Import codings from a CSV (all rows valid, or nothing).",
                      example="hrp-coding import-codings my-study codings.csv", func=run_import_codings)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("csv", metavar="CSV", help="columns transcript, coder, code and start+end or quote; "
                                                "optional memo")
    cmd.add_argument("--coder", help="coder of rows without a coder column")
    cmd.add_argument("--new-coders", action="store_true", help="accept coders not in the roster (and add them)")

    cmd = add_command(subparsers, "segments", help="List the segments of every transcript.",
                      example="hrp-coding segments my-study --unit sentence --out segments.csv", func=run_segments)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("--unit", choices=SEGMENT_UNITS, help="default: the project's unit")
    cmd.add_argument("--out", metavar="CSV", help="write a CSV file instead of printing")

    cmd = add_command(subparsers, "excerpts", help="Print every passage coded with a code, across interviews.",
                      example="hrp-coding excerpts my-study holding --context turn", func=run_excerpts)
    cmd.add_argument("study", metavar="STUDY")
    cmd.add_argument("code", metavar="CODE")
    cmd.add_argument("--context", default="0", help="characters of context, or 'turn' (default 0)")
    cmd.add_argument("--coders", nargs="*", metavar="CODER", help="only these coders")
    cmd.add_argument("--out", metavar="CSV", help="write a CSV file instead of printing")


def run_init(args) -> None:
    """Create a project folder from a codebook file.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``codebook``, ``name``, ``unit`` and ``coders`` (a closed roster when given).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> new = pathlib.Path(tempfile.mkdtemp()) / "new-study"
    >>> main(["init", str(new), "--codebook", str(tiny_study().path / "codebook.yaml"), "--coders", "ana", "ben"])
    ... # doctest: +ELLIPSIS
    created /.../new-study (codebook 'D' v1)
    0
    """
    from hrp_coding.project import Project

    project = Project.init(args.study, codebook=args.codebook, name=args.name, default_unit=args.unit,
                           coders=args.coders)
    print(f"created {project.path} (codebook {project.codebook.name!r} v{project.codebook.version})")


def _attributes_table(path) -> dict[str, dict]:
    from hrp_coding.transcripts.attributes import read_attributes_table

    rows = read_attributes_table(path)
    return {row["transcript"]: {k: v for k, v in row.items() if k not in ("transcript", "file")} for row in rows
            if "transcript" in row}


def _mapping(value: str | None, what: str) -> dict[str, str] | None:
    """'a=b,c=d' -> {'a': 'b', 'c': 'd'}."""
    from hrp_coding.errors import ProjectError

    if not value:
        return None
    out = {}
    for item in value.split(","):
        key, sep, val = item.partition("=")
        if not sep or not key.strip() or not val.strip():
            raise ProjectError(f"{what} expects NAME=VALUE pairs separated by commas, got {item!r}")
        out[key.strip()] = val.strip()
    return out


def _expand(files) -> tuple[list, list]:
    from pathlib import Path

    from hrp_coding.transcripts.readers import READERS

    found, ignored = [], []
    for name in files:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and not child.name.startswith("."):
                    (found if child.suffix.lower() in READERS else ignored).append(child)
        else:
            found.append(path)
    return found, ignored


def run_import(args) -> None:
    r"""Add transcript files (or folders of them) to a study, all or nothing, and print each layout report.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``files`` and the reader options (``deidentify``, ``attributes``, ``encoding``,
        ``speaker_pattern``, ``roles``, ``layout``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "P02.txt"
    >>> _ = file.write_text("Interviewer: Why?\nP02: Work.\n", encoding="utf-8")
    >>> main(["import", str(tiny_study().path), str(file)])  # doctest: +ELLIPSIS
    added P02: 2 turns, 4 words
    /.../P02.txt: layout 'labels' (speaker labels 'Name: text'), confidence 1.00
      encoding: utf-8
      speakers: Interviewer 1 turn (interviewer, name), P02 1 turn (participant, default)
    0
    """
    import warnings
    from pathlib import Path

    from hrp_coding.project import Project

    project = Project.open(args.study)
    attributes = _attributes_table(args.attributes) if args.attributes else {}
    deid = None
    if args.deidentify:
        deid = Path(args.deidentify)
        if not deid.is_file():
            raise FileNotFoundError(f"names list not found: {deid}")
    encoding = args.encoding
    if encoding and "=" in encoding:
        encoding = _mapping(encoding, "--encoding")
    files, ignored = _expand(args.files)
    for path in ignored:
        print(f"ignored {path}: not a transcript file type", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        added = project.add_transcripts(files, attributes=attributes, deidentify=deid, encoding=encoding,
                                        speaker_pattern=args.speaker_pattern,
                                        speaker_roles=_mapping(args.roles, "--roles"), layout=args.layout)
    from hrp_coding.cli import cli_message

    for w in caught:
        print(f"warning: {cli_message(str(w.message))}", file=sys.stderr)
    for t in added:
        print(f"added {t.id}: {len(t.turns)} turns, {len(t.text.split())} words")
        if t.layout is not None:
            print(t.layout)


def run_remove(args) -> None:
    """Remove transcripts and their codings (the journals keep the history).

    Parameters
    ----------
    args : argparse.Namespace
        ``study`` and ``transcripts`` (ids).

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["remove", str(tiny_study().path), "P01"])
    removed P01 (1 codings removed; the journals keep their history)
    0
    """
    from hrp_coding.project import Project

    project = Project.open(args.study)
    for tid in args.transcripts:
        n = project.remove_transcript(tid)
        print(f"removed {tid} ({n} codings removed; the journals keep their history)")


def run_add_coders(args) -> None:
    """Declare coders and close the roster.

    Parameters
    ----------
    args : argparse.Namespace
        ``study`` and ``coders``.

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["add-coders", str(tiny_study().path), "ben", "cy"])
    roster: ana, ben, cy
    0
    """
    from hrp_coding.project import Project

    roster = Project.open(args.study).add_coders(args.coders)
    print(f"roster: {', '.join(roster)}")


def run_import_codings(args) -> None:
    r"""Import a codings CSV (every row valid, or nothing imported).

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``csv``, ``coder`` (for rows without one) and ``new_coders``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "ben.csv"
    >>> _ = table.write_text("transcript,code,quote\nP01,holding,sat with her\n", encoding="utf-8")
    >>> main(["import-codings", str(tiny_study().path), str(table), "--coder", "ben"])  # doctest: +ELLIPSIS
    /.../ben.csv: 1 codings imported for ben (0 duplicates skipped)
    0
    """
    import warnings

    from hrp_coding.project import Project

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = Project.open(args.study).import_codings(args.csv, coder=args.coder, new_coders=args.new_coders)
    from hrp_coding.cli import cli_message

    for w in caught:
        print(f"warning: {cli_message(str(w.message))}", file=sys.stderr)
    print(report)


def _emit(frame, out) -> None:
    from hrp_coding.store.csv_export import write_csv

    if out:
        write_csv(frame, out)
        print(f"wrote {len(frame)} rows to {out}")
    else:
        write_csv(frame, sys.stdout)


def run_segments(args) -> None:
    """Print (or write as CSV) the segments of every transcript.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``unit`` (the project's by default) and ``out``.

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["segments", str(tiny_study().path)])
    transcript,segment,start,end,speaker,role,text
    P01,P01:t001,3,5,I,interviewer,Hi
    P01,P01:t002,9,25,P,participant,We sat with her.
    0
    """
    from hrp_coding.project import Project

    project = Project.open(args.study)
    _emit(project.segments(args.unit), args.out)


def run_excerpts(args) -> None:
    """Print (or write as CSV) every passage coded with a code.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``code``, ``context`` (characters or ``turn``), ``coders`` and ``out``.

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["excerpts", str(tiny_study().path), "holding"])
    ## P01 · ana · 9-24
    [We sat with her]
    <BLANKLINE>
    1 excerpts coded 'holding'
    0
    """
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
