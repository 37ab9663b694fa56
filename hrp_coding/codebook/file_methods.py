"""The data, file and exchange methods of :class:`~hrp_coding.codebook.model.Codebook` (plain data, YAML,
Markdown, HTML, REFI-QDA ``.qdc``): each hands the codebook to the module that reads or writes that form.

Examples
--------
>>> from hrp_coding.codebook import Code, Codebook
>>> Codebook.from_dict(Codebook(name="Demo", version=2, codes=[Code("care", "Care")]).to_dict()).version
2
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hrp_coding.codebook.model import Codebook

__all__ = ["FileMethods"]


class FileMethods:
    """Mixed into :class:`~hrp_coding.codebook.model.Codebook`; holds no data of its own."""

    __slots__ = ()

    # ------------------------------------------------------------------ data and files
    def to_dict(self) -> dict[str, Any]:
        """Plain data in the YAML layout (see ``codebook/schema.json``).

        Returns
        -------
        dict
            ``name``, ``version``, ``description``, ``citation``, ``changelog`` and ``codes`` (lists of plain
            dicts), plus ``sets`` when there are any and ``coded_roles`` when they are not the default.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> data = Codebook(name="Demo", version=2, codes=[Code("care", "Care")], coded_roles=("participant", "client")
        ...                 ).to_dict()
        >>> list(data)
        ['name', 'version', 'description', 'citation', 'changelog', 'codes', 'coded_roles']
        >>> data["codes"][0]["id"], data["coded_roles"]
        ('care', ['participant', 'client'])
        """
        from hrp_coding.codebook.model import DEFAULT_CODED_ROLES

        data: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "citation": self.citation,
            "changelog": [e.to_dict() for e in self.changelog],
            "codes": [c.to_dict() for c in self.codes.values()],
        }
        if self.sets:
            data["sets"] = [s.to_dict() for s in self.sets]
        if self.coded_roles != DEFAULT_CODED_ROLES:
            data["coded_roles"] = list(self.coded_roles)
        return data

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> Codebook:
        """Validate plain data (as read from YAML or JSON) and build a codebook.

        Parameters
        ----------
        data : Any
            The codebook as plain data (see ``codebook/schema.json``).
        source : str, optional
            Named in the problems.

        Returns
        -------
        Codebook
            Raises :class:`CodebookError` listing every problem.

        Examples
        --------
        >>> from hrp_coding.codebook import Codebook
        >>> cb = Codebook.from_dict({"name": "Demo", "version": 1, "codes": [{"id": "care", "name": "Care"},
        ...                          {"id": "holding", "name": "Holding", "parent": "care"}]})
        >>> cb.walk(), cb.codes["holding"].parent
        (('care', 'holding'), 'care')
        """
        from hrp_coding.codebook.validate import codebook_from_data

        return codebook_from_data(data, source=source)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Codebook:
        """Read and validate a YAML codebook. The file is only read, never modified.

        Parameters
        ----------
        path : str or PathLike
            The YAML file (see :func:`hrp_coding.codebook.validate.load_codebook`, which reads it).

        Returns
        -------
        Codebook

        Raises
        ------
        CodebookError
            Listing every problem (malformed YAML with line and column, wrong encoding with byte offset,
            unknown keys, duplicate ids, unknown parents, cycles, missing fields, wrong types).

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> from hrp_coding.codebook import shipped_path
        >>> Codebook.load(shipped_path("making_room")).name
        'Making room'
        """
        from hrp_coding.codebook.validate import load_codebook

        return load_codebook(path)

    def to_yaml(self) -> str:
        """The YAML text :meth:`save` writes.

        Returns
        -------
        str

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> Codebook(name="Demo", version=1, codes=[Code("care", "Care")]).to_yaml().splitlines()[:2]
        ['name: Demo', 'version: 1']
        """
        from hrp_coding.codebook.validate import dump_yaml

        return dump_yaml(self)

    def save(self, path: str | os.PathLike) -> None:
        """Write the codebook as YAML atomically (temporary file, fsync, rename).

        Parameters
        ----------
        path : str or PathLike
            The file written (replaced whole, or left as it was).

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "codebook.yaml"
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
        >>> cb.save(path)
        >>> Codebook.load(path) == cb
        True
        """
        from hrp_coding._atomic import atomic_write_text

        atomic_write_text(path, self.to_yaml())

    # ------------------------------------------------------------------ rendering and exchange
    def to_markdown(self) -> str:
        """The codebook as Markdown (hierarchy, definitions, criteria, examples).

        Returns
        -------
        str
            See :func:`hrp_coding.codebook.render.to_markdown`.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> print(Codebook(name="Demo", version=3, codes=[Code("care", "Care")]).to_markdown().splitlines()[0])
        # Demo (version 3)
        """
        from hrp_coding.codebook.render import to_markdown

        return to_markdown(self)

    def to_html(self) -> str:
        """A self-contained, printable HTML document for coder training.

        Returns
        -------
        str
            See :func:`hrp_coding.codebook.render.to_html`.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> "<h1>Demo</h1>" in Codebook(name="Demo", version=1, codes=[Code("care", "Care")]).to_html()
        True
        """
        from hrp_coding.codebook.render import to_html

        return to_html(self)

    def _repr_html_(self) -> str:
        from hrp_coding.codebook.render import repr_html

        return repr_html(self)

    def to_qdc(self, path: str | os.PathLike) -> None:
        """Export as a REFI-QDA codebook (``.qdc``) that validates against ``Codebook.xsd``.

        Parameters
        ----------
        path : str or PathLike
            The ``.qdc`` file written (replaced if it exists).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from hrp_coding.codebook import Code, Codebook
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qdc"
        >>> Codebook(name="Demo", version=1, codes=[Code("care", "Care")]).to_qdc(path)
        >>> "<Codes>" in path.read_text(encoding="utf-8"), [c.name for c in Codebook.from_qdc(path).codes.values()]
        (True, ['Care'])
        """
        from hrp_coding.codebook.qdc import write_qdc

        write_qdc(self, path)

    @classmethod
    def from_qdc(cls, path: str | os.PathLike) -> Codebook:
        """Import a REFI-QDA codebook leniently (tolerated deviations give a :class:`RefiWarning`).

        Parameters
        ----------
        path : str or PathLike
            A ``.qdc`` file (as NVivo, ATLAS.ti, MAXQDA or QualCoder write them).

        Returns
        -------
        Codebook
            Read by :func:`hrp_coding.codebook.qdc.read_qdc`.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qdc"
        >>> Codebook(name="Demo", version=1, codes=[Code("care", "Care")]).to_qdc(path)
        >>> list(Codebook.from_qdc(path).codes)
        ['care']
        """
        from hrp_coding.codebook.qdc import read_qdc

        return read_qdc(path)
