"""The coding store behind :class:`hrp_coding.project.Project`.

* :mod:`~hrp_coding.store.journal`: per-coder append-only JSONL journals (locked, fsynced, torn-line tolerant);
* :mod:`~hrp_coding.store.state`: replaying journals into :class:`~hrp_coding.store.state.Coding` records;
* :mod:`~hrp_coding.store.anchors`: quotes with context, and re-placing them after a transcript edit;
* :mod:`~hrp_coding.store.views`: the DataFrames (codings, coded segments, excerpts);
* :mod:`~hrp_coding.store.codings_import`: validating a codings CSV before anything is written.
"""
