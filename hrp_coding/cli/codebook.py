"""``hrp-coding codebook ...``: validate, show, export and import codebooks (a thin shell over
:mod:`hrp_coding.codebook`)."""

from __future__ import annotations

import sys

from hrp_coding.cli import add_command


def register(subparsers) -> None:
    """Add ``hrp-coding codebook`` (validate, show, export, import-qdc and the evolution subcommands) and
    ``hrp-coding recode-queue``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands; ``codebook`` gets subcommands of its own.

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> args = build_parser().parse_args(["codebook", "retire", "study", "hold", "--who", "ana", "--why", "unused"])
    >>> args.codebook_command, args.func is run_evolve, args.dry_run
    ('retire', True, False)
    """
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
    _register_evolution(sub)
    queue = add_command(subparsers, "recode-queue", help="List the codings waiting for recoding (split or retired "
                        "codes) with the codes they may take.", example="hrp-coding recode-queue my-study",
                        func=run_recode_queue)
    queue.add_argument("study", metavar="STUDY", help="the project folder")
    queue.add_argument("--coder", default=None, help="only this coder's codings")
    queue.add_argument("--format", default="table", choices=["table", "csv"], help="output format")


def _register_evolution(sub) -> None:
    """rename | merge | split | move | retire | add on a study: each migrates its codings, with a changelog entry."""
    def common(cmd):
        cmd.add_argument("study", metavar="STUDY", help="the project folder")
        cmd.add_argument("--who", required=True, help="who made the change (recorded in the changelog)")
        cmd.add_argument("--why", required=True, help="why (recorded in the changelog)")
        cmd.add_argument("--dry-run", action="store_true", help="show what would move, change nothing")
        return cmd

    cmd = common(add_command(sub, "rename", help="Rename a code (id and/or name) in a study; codings follow.",
                             example="hrp-coding codebook rename my-study holdng holding --who ana --why typo",
                             func=run_evolve))
    cmd.add_argument("old", help="the code id")
    cmd.add_argument("new", nargs="?", default=None, help="the new id (omit to change only --name)")
    cmd.add_argument("--name", default=None, help="a new display name")
    cmd = common(add_command(sub, "merge", help="Merge codes into one; their codings move to it.",
                             example="hrp-coding codebook merge my-study sitting_with --into holding --who ben "
                                     "--why 'same process'", func=run_evolve))
    cmd.add_argument("ids", nargs="+", help="the codes merged")
    cmd.add_argument("--into", required=True, help="the code they are merged into")
    cmd = common(add_command(sub, "split", help="Split a code into new ones; its codings wait for recoding.",
                             example="hrp-coding codebook split my-study holding --into holding_emotion:'Holding "
                                     "emotion' holding_space:'Holding space' --who ana --why 'two processes'",
                             func=run_evolve))
    cmd.add_argument("code", help="the code split")
    cmd.add_argument("--into", nargs="+", required=True, metavar="ID:NAME", help="the new codes, id:name each")
    cmd.add_argument("--children-to", default=None, help="the part that takes the split code's children")
    cmd = common(add_command(sub, "move", help="Move a code (with its subtree) under another parent.",
                             example="hrp-coding codebook move my-study holding --parent making_room --who ana "
                                     "--why 'part of making room'", func=run_evolve))
    cmd.add_argument("code", help="the code moved")
    cmd.add_argument("--parent", required=True, help="the new parent id, or 'none' for the top level")
    cmd = common(add_command(sub, "retire", help="Retire a code; its codings wait for recoding.",
                             example="hrp-coding codebook retire my-study old_code --who ana --why 'never used'",
                             func=run_evolve))
    cmd.add_argument("code", help="the code retired")
    cmd = common(add_command(sub, "add", help="Add a code to a study's codebook.",
                             example="hrp-coding codebook add my-study door_open 'The door stays open' --parent "
                                     "making_room --who ana --why 'heard in P03'", func=run_evolve))
    cmd.add_argument("id", help="the new code id")
    cmd.add_argument("name", help="its display name")
    cmd.add_argument("--parent", default=None, help="its parent id (default: top level)")
    cmd.add_argument("--definition", default="", help="its definition")


def _evolved(args, cb):
    from hrp_coding.codebook import Code

    op, who, why = args.codebook_command, args.who, args.why
    if op == "rename":
        return cb.rename(args.old, args.new, name=args.name, who=who, why=why)
    if op == "merge":
        return cb.merge(args.ids, into=args.into, who=who, why=why)
    if op == "split":
        parts = []
        for item in args.into:
            code_id, _, name = item.partition(":")
            parts.append(Code(code_id, name or code_id.replace("_", " ").capitalize()))
        return cb.split(args.code, parts, children_to=args.children_to, who=who, why=why)
    if op == "move":
        return cb.move(args.code, None if args.parent.lower() == "none" else args.parent, who=who, why=why)
    if op == "retire":
        return cb.retire(args.code, who=who, why=why)
    return cb.add(Code(args.id, args.name, parent=args.parent, definition=args.definition), who=who, why=why)


def run_evolve(args) -> None:
    """Change a study's codebook (rename, merge, split, move, retire, add) and migrate its codings.

    Prints the change, the codings that would move and, without ``--dry-run``, what was saved.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``who``, ``why``, ``dry_run`` and the subcommand's own arguments.

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> study = str(tiny_study().path)
    >>> main(["codebook", "rename", study, "holding", "holding_on", "--who", "ana", "--why", "clearer"])
    codebook v1 -> v2: renamed id 'holding' -> 'holding_on'
    from_code    to_code  needs_recoding candidates  n_codings coders
      holding holding_on           False                     1    ana
    saved; 1 coding(s) moved, 0 wait for recoding
    0
    """
    import pandas as pd

    from hrp_coding.project import Project
    from hrp_coding.recode import migration_preview

    project = Project.open(args.study)
    new = _evolved(args, project.codebook)
    entry = new.changelog[-1]
    plan = migration_preview(project.codings(), new)
    print(f"codebook v{project.codebook.version} -> v{new.version}: {entry.what}")
    if len(plan):
        with pd.option_context("display.width", 160, "display.max_colwidth", 60):
            print(plan.drop(columns=["reason"]).to_string(index=False))
    else:
        print("no coding moves")
    if args.dry_run:
        print("dry run: nothing changed")
        return
    report = project.update_codebook(new)
    print(f"saved; {len(report.moved)} coding(s) moved, {len(report.flagged)} wait for recoding"
          + (" (see 'hrp-coding recode-queue')" if report.flagged else ""))


def run_recode_queue(args) -> None:
    """Print the codings waiting for recoding (as a table, or CSV with ``--format csv``).

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``coder`` (only this coder's codings, or None) and ``format``.

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["recode-queue", str(tiny_study().path)])
    nothing waits for recoding
    0
    """
    import sys

    import pandas as pd

    from hrp_coding.project import Project
    from hrp_coding.recode import recode_queue

    project = Project.open(args.study)
    queue = recode_queue(project.codings(coders=args.coder))
    if args.format == "csv":
        queue.to_csv(sys.stdout, index=False)
        return
    if queue.empty:
        print("nothing waits for recoding")
        return
    with pd.option_context("display.width", 160, "display.max_colwidth", 50):
        print(queue.to_string(index=False))
    print(f"{len(queue)} coding(s) wait for recoding")


def _group_help(args) -> int:
    args._group_parser.print_help()
    return 2


def _load(path: str):
    from hrp_coding.codebook import Codebook

    return Codebook.load(path)


def run_validate(args) -> None:
    """Load a codebook file (any error lists every problem with its path) and print its training gaps.

    Parameters
    ----------
    args : argparse.Namespace
        ``file`` and ``strict`` (training gaps are errors too).

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["codebook", "validate", str(tiny_study().path / "codebook.yaml")])  # doctest: +ELLIPSIS
    /.../codebook.yaml: valid codebook 'D' version 1, 1 codes (1 to apply)
      training gap: codes[0] (holding).short_definition: is empty
    ...
    0
    """
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
    """Render a codebook as Markdown or HTML, to standard output or ``--out``.

    Parameters
    ----------
    args : argparse.Namespace
        ``file``, ``format`` (``md`` or ``html``) and ``out`` (a file, or None).

    Examples
    --------
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["codebook", "show", str(tiny_study().path / "codebook.yaml")])  # doctest: +ELLIPSIS
    # D (version 1)
    ...
    - 1 Holding (`holding`)
    ...
    0
    """
    cb = _load(args.file)
    text = cb.to_html() if args.format == "html" else cb.to_markdown()
    if args.out:
        from hrp_coding._atomic import atomic_write_text

        atomic_write_text(args.out, text)
        print(f"wrote {args.out} ({args.format}, {len(cb.codes)} codes)")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def run_export(args) -> None:
    """Write a codebook file as a REFI-QDA ``.qdc``.

    Parameters
    ----------
    args : argparse.Namespace
        ``file`` (the YAML codebook) and ``qdc`` (the file to write).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "d.qdc"
    >>> main(["codebook", "export", str(tiny_study().path / "codebook.yaml"), "--qdc", str(out)])  # doctest: +ELLIPSIS
    wrote .../d.qdc (1 codes, REFI-QDA codebook 1.0)
    0
    """
    cb = _load(args.file)
    cb.to_qdc(args.qdc)
    print(f"wrote {args.qdc} ({len(cb.codes)} codes, REFI-QDA codebook 1.0)")


def run_import(args) -> None:
    """Read a ``.qdc`` codebook and save it as YAML (its tolerated deviations printed as warnings).

    Parameters
    ----------
    args : argparse.Namespace
        ``file`` (the ``.qdc``), ``out`` (the YAML file) and ``force`` (overwrite ``out``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.codebook import Code, Codebook
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> Codebook(name="Team", version=3, codes=[Code("care", "Care")]).to_qdc(folder / "team.qdc")
    >>> main(["codebook", "import-qdc", str(folder / "team.qdc"), str(folder / "team.yaml")])  # doctest: +ELLIPSIS
    wrote .../team.yaml: 'Team' version 3, 1 codes, 0 sets
    0
    """
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
