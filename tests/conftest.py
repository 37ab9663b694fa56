"""Shared fixtures: the sample study is built once per session and copied for every test that writes.

Fixtures
--------
``sample_study``
    The sample study (12 transcripts, 842 codings) opened read-only: built once per session. A test that
    writes to it (codings, memos, settings) must use ``sample_study_copy`` instead; the session checks at
    the end that nobody changed the shared copy.
``sample_study_copy``
    A function ``sample_study_copy(dest=None, *, replication=True) -> Project`` that copies the built study
    into ``dest`` (a fresh temporary folder by default) and opens it there. Works in fixtures of any scope.

fsync
-----
In the test process ``os.fsync`` returns at once (set ``HRP_TEST_FSYNC=1`` for the real one). It makes written
bytes survive a power cut, which no test can cause; what a test can cause, a process killed mid-write, the page
cache survives, and the crash tests kill child processes, which fsync for real. The calls are still made.

Hypothesis
----------
No deadline anywhere (``HYPOTHESIS_PROFILE=ci`` also derandomizes, as ``.ci/run`` does).

Markers
-------
``slow`` (a second or more: subprocesses, a fault injected at every write step, whole-study reports, model
fits, notebooks, the demo, the wheel) and ``browser`` (JupyterLab driven by Chromium). ``pytest -m "not slow and
not browser"`` is the quick loop: with pytest-xdist installed (the ``test`` extra) it runs on up to four worker
processes, one test file per worker at a time (``-n 0`` keeps it in one process; ``--pdb`` does too). Plain
``pytest`` (the README's command, ``.ci/run``) runs everything in one process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from hrp_coding.lazy import import_jsonschema

# before any test module imports nbformat (which imports jsonschema): every test process would otherwise
# build rfc3987-syntax's IRI grammar at collection, 1.5-6 s (see import_jsonschema)
import_jsonschema()

# Property tests check values, never speed: no per-example deadline and no "too slow" health check, so a busy
# machine cannot fail them. The "ci" profile (.ci/run) also fixes the examples, so a CI run is reproducible.
settings.register_profile("hrp", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("hrp"), derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hrp"))

QUICK_LOOP = "not slow and not browser"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Run the quick loop on the machine's cores (before pytest-xdist reads its options; see Markers above)."""
    option = config.option
    quick = " ".join(str(getattr(option, "markexpr", "")).split()) == QUICK_LOOP
    if not quick or not config.pluginmanager.hasplugin("xdist") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if option.numprocesses is not None or option.usepdb or option.collectonly:
        return  # the developer chose (-n N), or wants one process (a debugger, a listing)
    workers = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if workers > 1:
        option.numprocesses = workers
        option.dist = "loadfile"  # a file's module fixtures are built once, on one worker


# the project's own files; anything else (locks, caches) may change when a study is only read
_CONTENT = ("hrp-project.yaml", "codebook.yaml", "transcripts", "codings", "memos")


def _digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for name in _CONTENT:
        top = folder / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            sha.update(str(path.relative_to(folder)).encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


class _SampleStudies:
    """Builds each variant of the sample study once, on first use, and hands out copies."""

    def __init__(self, factory: pytest.TempPathFactory):
        self._factory = factory
        self._built: dict[bool, tuple[Path, str]] = {}

    def master(self, replication: bool = True) -> Path:
        if replication not in self._built:
            from hrp_coding import datasets

            folder = self._factory.mktemp("sample-master") / "study"
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    datasets.sample_study(folder, replication=replication)
            except FileNotFoundError as err:  # pragma: no cover - data not shipped with this tree
                pytest.skip(f"sample study not available: {err}")
            self._built[replication] = (folder, _digest(folder))
        return self._built[replication][0]

    def copy(self, dest: str | Path | None = None, *, replication: bool = True):
        from hrp_coding.project import Project

        source = self.master(replication)
        target = Path(dest) if dest is not None else self._factory.mktemp("sample-copy") / "study"
        shutil.copytree(source, target)
        return Project.open(target)

    def changed(self) -> list[Path]:
        return [folder for folder, digest in self._built.values() if _digest(folder) != digest]


@pytest.fixture(scope="session", autouse=True)
def _fsync_returns_at_once():
    if os.environ.get("HRP_TEST_FSYNC") == "1":
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", lambda fd: None)
        yield


@pytest.fixture(scope="session")
def _sample_studies(tmp_path_factory):
    studies = _SampleStudies(tmp_path_factory)
    yield studies
    changed = studies.changed()
    if changed:
        pytest.fail(f"a test wrote into the shared sample study {changed}; use the sample_study_copy fixture")


@pytest.fixture(scope="session")
def sample_study(_sample_studies):
    """The sample study with the replication interviews, shared by every test that only reads it."""
    from hrp_coding.project import Project

    return Project.open(_sample_studies.master(replication=True))


@pytest.fixture(scope="session")
def sample_study_copy(_sample_studies):
    """``sample_study_copy(dest=None, *, replication=True)``: a private, writable copy of the sample study."""
    return _sample_studies.copy
