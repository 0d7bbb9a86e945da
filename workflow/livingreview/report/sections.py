"""Reading one stage's outputs for the report; a stage not run yet is pending, not an error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.fileio import not_utf8, read_csv_table, read_json


@dataclass
class Section:
    """One report section: its data when the stage has run, else why it is still pending."""

    id: str
    title: str
    data: Any = None
    pending: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """True when the stage behind this section has produced its outputs."""
        return self.data is not None and not self.pending


def read_json_if_present(path: Path) -> Any:
    """The JSON document at ``path``, or None when the stage has not written it yet (damaged:
    :func:`livingreview.fileio.read_json`'s error, naming the line)."""
    if not path.is_file():
        return None
    return read_json(path, "not found")


def read_csv_if_present(path: Path) -> list[dict[str, str]] | None:
    """The rows of a CSV file the pipeline wrote, or None when it does not exist yet (not
    UTF-8, or a row with more or fewer cells than the header: an error naming the line)."""
    if not path.is_file():
        return None
    return read_csv_table(path, (), "not found")


def read_svg_if_present(path: Path) -> str | None:
    """An SVG figure the pipeline drew, without its XML prologue, ready to inline in HTML (not
    UTF-8: :func:`livingreview.fileio.not_utf8`'s error, naming the line)."""
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    start = text.find("<svg")
    if start < 0:
        raise InputFileError(path, "holds no <svg> element")
    return text[start:]


_TAG = re.compile(r"<[^>]*>")
_ID = re.compile(r'\sid="([^"]*)"')
_ID_OR_REFERENCE = re.compile(r'(\sid="|url\(#|href="#)([^")]*)(?=[")])')


def scope_ids(svg: str, prefix: str) -> str:
    """An SVG to inline in a page with others: ``prefix`` before each of its element ids and
    the references to them inside its tags (``url(#…)``, ``href="#…"``), so that no two
    figures of the page share an id (matplotlib names every figure's parts alike)."""
    ids = {found for tag in _TAG.findall(svg) for found in _ID.findall(tag)}

    def scoped(reference: re.Match[str]) -> str:
        return reference[1] + prefix + reference[2] if reference[2] in ids else reference[0]

    return _TAG.sub(lambda tag: _ID_OR_REFERENCE.sub(scoped, tag[0]), svg) if ids else svg
