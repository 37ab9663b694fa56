"""Build step that bundles the top-level ``codebook/`` and ``sample_data/`` folders into wheels.

Everything else is declared in pyproject.toml. In a source checkout (and an editable install) the
package reads these folders where they are; a wheel carries a copy under ``hrp_coding/_data/``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

_BUNDLED = ("codebook", "sample_data")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "authoring", "make_sample_study.py")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the folders in place
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "hrp_coding" / "_data"
        for name in _BUNDLED:
            shutil.copytree(root / name, target / name, ignore=_SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
