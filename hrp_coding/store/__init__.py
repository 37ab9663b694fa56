"""The coding store behind :class:`hrp_coding.project.Project` (a thin facade over these modules).

* :mod:`~hrp_coding.store.events`: one frozen dataclass per journal event kind, validated JSON in and out;
* :mod:`~hrp_coding.store.journal`: per-coder append-only JSONL journals (locked, fsynced, torn-line tolerant);
* :mod:`~hrp_coding.store.state`: the state events fold into (one row per live coding, memos, decisions);
* :mod:`~hrp_coding.store.ledger`: every journal folded incrementally by file offset, with a derived cache;
* :mod:`~hrp_coding.store.intents`: every rewrite as one intent, finished or rolled back after a crash;
* :mod:`~hrp_coding.store.settings`: ``hrp-project.yaml`` (settings, roster) changed under the project lock;
* :mod:`~hrp_coding.store.transcripts`: the transcript files (texts, sidecars, segments), cached by stat;
* :mod:`~hrp_coding.store.revisions`: adding, revising and removing transcripts;
* :mod:`~hrp_coding.store.coding_writes`: adding, removing, importing and adjudicating codings;
* :mod:`~hrp_coding.store.changes`: pure functions (re-anchoring, codebook migration, import) -> events;
* :mod:`~hrp_coding.store.consensus`: adjudication decisions;
* :mod:`~hrp_coding.store.names`: the one validator of transcript ids, coder names and code ids;
* :mod:`~hrp_coding.store.anchors`: quotes with context, and re-placing them after a transcript edit;
* :mod:`~hrp_coding.store.views` and :mod:`~hrp_coding.store.queries`: the DataFrames (codings, coded
  segments, excerpts, memos);
* :mod:`~hrp_coding.store.codings_import`: validating a codings CSV before anything is written.
"""
