"""``hrp-coding codebook ...``: validate, show, export and import codebooks (a thin shell over
:mod:`hrp_coding.codebook`)."""

from __future__ import annotations

import sys

from hrp_coding.cli import add_command


def register(subparsers) -> None:
    group = add_command(subparsers, "codebook", help="Validate, show, export and import codebooks.",
                        example="hrp-coding codebook show codebook/making_room.yaml", func=_group_help)
    sub = group.add_subparsers(dest="codebook_command", metavar="SUBCOMMAND")
    group.set_defaults(_group_parser=group)

    validate = add_command(sub, "validate", help="Check a codebook file and list every problem with its path.",
                           example="hrp-coding codebook validate codebook/making_room.yaml", func=run_validate)
    validate.add_argument("file", help="codebook YAML file")
    validate.add_argument("--strict", action="store_true",
                          help="also fail on training gaps (empty definitions or criteria, fewer than two examples, "
                               "no near miss, no keywords)")

    show = add_command(sub, "show", help="Render a codebook as Markdown or printable HTML for coder training.",
                       example="hrp-coding codebook show codebook/making_room.yaml --format html --out codebook.html",
                       func=run_show)
    show.add_argument("file", help="codebook YAML file")
    show.add_argument("--format", choices=["md", "html"], default="md", help="output format (default: md)")
    show.add_argument("--out", metavar="F", help="write to this file (atomically) instead of standard output")

    export = add_command(sub, "export", help="Export a codebook as a REFI-QDA .qdc file for other QDA programs.",
                         example="hrp-coding codebook export codebook/making_room.yaml --qdc making_room.qdc",
                         func=run_export)
    export.add_argument("file", help="codebook YAML file")
    export.add_argument("--qdc", metavar="OUT", required=True, help="the .qdc file to write")

    imp = add_command(sub, "import-qdc", help="Import a REFI-QDA .qdc codebook as a YAML codebook.",
                      example="hrp-coding codebook import-qdc exported.qdc codebook/imported.yaml", func=run_import)
    imp.add_argument("file", help=".qdc file from NVivo, ATLAS.ti, MAXQDA, Taguette, QualCoder, ...")
    imp.add_argument("out", metavar="OUT.yaml", help="the YAML codebook to write")
    imp.add_argument("--force", action="store_true", help="overwrite OUT.yaml if it exists")


def _group_help(args) -> int:
    args._group_parser.print_help()
    return 2


def _load(path: str):
    from hrp_coding.codebook import Codebook

    return Codebook.load(path)


def run_validate(args) -> None:
    from hrp_coding.errors import CodebookError

    cb = _load(args.file)
    gaps = cb.lint()
    if gaps and args.strict:
        raise CodebookError(gaps, source=args.file)
    active = len(cb.active_codes)
    print(f"{args.file}: valid codebook {cb.name!r} version {cb.version}, {len(cb.codes)} codes ({active} to apply)")
    for problem in gaps:
        print(f"  training gap: {problem}")


def run_show(args) -> None:
    cb = _load(args.file)
    text = cb.to_html() if args.format == "html" else cb.to_markdown()
    if args.out:
        from hrp_coding._atomic import atomic_write_text

        atomic_write_text(args.out, text)
        print(f"wrote {args.out} ({args.format}, {len(cb.codes)} codes)")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def run_export(args) -> None:
    cb = _load(args.file)
    cb.to_qdc(args.qdc)
    print(f"wrote {args.qdc} ({len(cb.codes)} codes, REFI-QDA codebook 1.0)")


def run_import(args) -> None:
    import warnings
    from pathlib import Path

    from hrp_coding.codebook import Codebook
    from hrp_coding.errors import ProjectError, RefiWarning

    if Path(args.out).exists() and not args.force:
        raise ProjectError(f"{args.out} already exists; pass --force to overwrite it")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RefiWarning)
        cb = Codebook.from_qdc(args.file)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    cb.save(args.out)
    print(f"wrote {args.out}: {cb.name!r} version {cb.version}, {len(cb.codes)} codes, {len(cb.sets)} sets")
