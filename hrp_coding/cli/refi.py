"""REFI-QDA commands: ``import-qdpx`` and ``export-qdpx`` (projects exchanged with NVivo, ATLAS.ti, MAXQDA...)."""

from __future__ import annotations

from hrp_coding.cli import add_command


def register(subparsers) -> None:
    """Add ``hrp-coding import-qdpx`` and ``hrp-coding export-qdpx``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands, which gain the two REFI-QDA project commands.

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> args = build_parser().parse_args(["import-qdpx", "team.qdpx", "study", "--encoding-fallback", "cp1250"])
    >>> args.encoding_fallback, args.external_files
    (['cp1250'], False)
    """
    cmd = add_command(subparsers, "import-qdpx",
                      help="Import a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder...) into a "
                           "new project folder.",
                      example="hrp-coding import-qdpx team.qdpx my-study", func=run_import_qdpx)
    cmd.add_argument("file", metavar="FILE", help="the .qdpx file")
    cmd.add_argument("study", metavar="STUDY", help="the project folder to create (must not exist or be empty)")
    cmd.add_argument("--codebook", metavar="YAML", help="use this codebook instead of the file's (codes matched by "
                                                        "id, then name)")
    cmd.add_argument("--max-bytes", type=int, default=None, metavar="N",
                     help="largest total uncompressed size of the archive (default 1 GiB)")
    cmd.add_argument("--max-ratio", type=float, default=None, metavar="R",
                     help="largest compression ratio of one member above 1 MiB (default 200)")
    cmd.add_argument("--encoding-fallback", action="append", default=None, metavar="ENCODING",
                     help="encoding to try for source texts that are not UTF-8 (repeatable; default cp1252)")
    cmd.add_argument("--external-files", action="store_true",
                     help="also read source texts outside the archive (relative:// and absolute:// paths)")

    cmd = add_command(subparsers, "export-qdpx", help="Export a project as a REFI-QDA project file (.qdpx).",
                      example="hrp-coding export-qdpx my-study my-study.qdpx", func=run_export_qdpx)
    cmd.add_argument("study", metavar="STUDY", help="the project folder")
    cmd.add_argument("out", metavar="OUT.qdpx", help="the file to write (replaced atomically)")


def run_import_qdpx(args) -> None:
    """Import a ``.qdpx`` into a new project folder and print the import summary (warnings included).

    Parameters
    ----------
    args : argparse.Namespace
        ``file``, ``study`` and the options of :func:`~hrp_coding.interop.refi.import_qdpx_with_summary`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.interop.refi import export_qdpx
    >>> archive = export_qdpx(tiny_study(), pathlib.Path(tempfile.mkdtemp()) / "t.qdpx").path
    >>> main(["import-qdpx", archive, str(pathlib.Path(archive).with_name("copy"))])  # doctest: +ELLIPSIS
    Imported .../t.qdpx ...
    0
    """
    import warnings

    from hrp_coding.errors import RefiWarning
    from hrp_coding.interop import refi

    options = {}
    if args.max_bytes is not None:
        options["max_bytes"] = args.max_bytes
    if args.max_ratio is not None:
        options["max_ratio"] = args.max_ratio
    if args.encoding_fallback is not None:
        options["encoding_fallbacks"] = tuple(args.encoding_fallback)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RefiWarning)  # the summary printed below lists every one
        _project, summary = refi.import_qdpx_with_summary(args.file, args.study, codebook=args.codebook,
                                                          external_files=args.external_files, **options)
    print(summary)


def run_export_qdpx(args) -> None:
    """Export a study as a ``.qdpx`` and print what was written.

    Parameters
    ----------
    args : argparse.Namespace
        ``study`` and ``out``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> main(["export-qdpx", str(tiny_study().path), str(pathlib.Path(tempfile.mkdtemp()) / "t.qdpx")])
    ... # doctest: +ELLIPSIS
    Exported .../t.qdpx (... bytes): 1 transcripts, 1 coders, 1 codings in 1 selections, 1 codes, ...
    0
    """
    from hrp_coding.interop import refi
    from hrp_coding.project import Project

    print(refi.export_qdpx(Project.open(args.study), args.out))
