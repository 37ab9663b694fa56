"""Doctests (``pytest --doctest-modules hrp_coding``) make their temporary folders under pytest's own.

The examples call ``tempfile.mkdtemp()`` as a researcher would and leave the folder behind. While a doctest
runs, ``tempfile.tempdir`` points at a folder of ``tmp_path_factory`` instead of the system's, so those folders
land in ``pytest-of-<user>/pytest-<n>/doctests0/``, which pytest prunes (it keeps the last three runs), and
/tmp does not fill up run after run. The fixtures for ``tests/`` are in ``tests/conftest.py``.
"""

from __future__ import annotations

import tempfile

import pytest
from _pytest.doctest import DoctestItem


@pytest.fixture(scope="session")
def _doctest_tmp(tmp_path_factory):
    return str(tmp_path_factory.mktemp("doctests"))


@pytest.fixture(autouse=True)
def _doctests_write_under_pytest_tmp(request):
    if not isinstance(request.node, DoctestItem):
        yield
        return
    before = tempfile.tempdir
    tempfile.tempdir = request.getfixturevalue("_doctest_tmp")
    try:
        yield
    finally:
        tempfile.tempdir = before
