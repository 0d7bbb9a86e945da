"""The library's RIS and BibTeX entries kept from the last export, to reuse unchanged ones.

An entry of ``library.ris`` or ``library.bib`` is a function of its study's row of
``records.csv``, its study id, its label and citation key, and the code that writes it. After
writing both files the library export keeps, in ``<outputs>/.cache/export/``:

* ``library.ris`` and ``library.bib``: copies of the files written (hard links where the file
  system allows): Snakemake deletes a rule's outputs before it runs the rule again;
* ``library.json``: the SHA-256 of the rest of the file on its first line, then a digest of
  that code (and of the Python version), the SHA-256 of each copy, and per entry the digest of
  what it was written from (:func:`entry_key`) and where it is in each copy.

The next export copies the bytes of an entry whose digest it finds and writes the others; the
files are the same bytes as writing every entry. A cache that is absent, damaged, written by other
code or whose copies changed since is not used: every entry is written again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from livingreview.fileio import atomic_write_bytes, keep_copy, source_digest
from livingreview.reference_export import ENTRY_GAP, FILE_END

FOLDER = Path(".cache") / "export"  # under the outputs folder
INDEX = "library.json"
FORMATS = ("ris", "bib")
COPIES = {fmt: f"library.{fmt}" for fmt in FORMATS}
# The modules whose code decides an entry's text from its row, label and key, by path relative
# to the livingreview package (a test checks that it names every module they import).
ENTRY_MODULES = (
    "reference_export.py",
    "reference_cache.py",
    "records.py",
    "register_ids.py",
    "dedup/journals.py",  # strip_accents: the citation keys
)
Span = tuple[int, int]
BETWEEN = {fmt: ENTRY_GAP[fmt].encode() for fmt in FORMATS}  # between two entries of a file
END = {fmt: FILE_END[fmt].encode() for fmt in FORMATS}  # after the last
SEPARATOR = "\x1f"  # between the values an entry key is the digest of


def code_digest() -> str:
    """A digest of the code that writes an entry, and of the Python version (whose Unicode
    tables decide what is printable)."""
    package = Path(__file__).resolve().parent
    return source_digest((package / name for name in ENTRY_MODULES), sys.version)[:16]


def entry_key(study_id: str, label: str, citation_key: str, row: Mapping[Any, Any]) -> str:
    """The digest of what one study's entries are written from: its study id, label, key, the
    row's column names and its cells, joined by :data:`SEPARATOR` (their ``repr`` when one of
    them holds it). A row of text cells whose names were joined for an earlier row is joined
    without a list of its values (the same digest, in two thirds of the time)."""
    names = _joined_names(tuple(row))
    try:
        cells = SEPARATOR.join(row.values())
    except TypeError:  # a cell that is not text (None: a short or long row)
        cells = None
    fixed = (study_id, label, citation_key)
    if (
        names is None
        or cells is None
        or cells.count(SEPARATOR) != len(row) - 1
        or any(SEPARATOR in value for value in fixed)
    ):
        return _listed_key([*fixed, *map(str, row), *map(str, row.values())])
    what = SEPARATOR.join((*fixed, names, cells))
    return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@lru_cache(maxsize=8)
def _joined_names(names: tuple[Any, ...]) -> str | None:
    """Column names joined as :func:`entry_key` joins them; None when one is not text or holds
    the separator (or there are none)."""
    if names and all(isinstance(name, str) and SEPARATOR not in name for name in names):
        return SEPARATOR.join(names)
    return None


def _listed_key(values: list[str]) -> str:
    """:func:`entry_key` of the values listed."""
    what = SEPARATOR.join(values)
    if what.count(SEPARATOR) != len(values) - 1:  # a value holding the separator: unambiguous
        what = repr(values)
    return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class Kept:
    """The last export's files and, per entry digest, where its entry is in each (as read)."""

    data: dict[str, bytes]
    spans: dict[str, Any]
    _views: list[tuple[str, memoryview]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._views = [(fmt, memoryview(self.data[fmt])) for fmt in FORMATS]

    def entry(self, key: str) -> dict[str, memoryview] | None:
        """The bytes of the entries of digest ``key`` by format (None when not kept whole: no
        span per format, or one that is not two whole numbers inside its file)."""
        found = self.spans.get(key)
        if not isinstance(found, list) or len(found) != len(FORMATS):
            return None
        pair = {}
        for (fmt, view), span in zip(self._views, found, strict=True):
            try:
                start, end = span
            except (TypeError, ValueError):
                return None
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(view):
                return None
            pair[fmt] = view[start:end]
        return pair


def load(outputs: Path) -> Kept | None:
    """The kept entries, or None when the cache does not apply (see the module docstring)."""
    folder = outputs / FOLDER
    try:
        digest, body = (folder / INDEX).read_bytes().split(b"\n", 1)
        if digest.decode() != hashlib.sha256(body).hexdigest():
            return None
        index = json.loads(body)
        if index["code"] != code_digest():
            return None
        data = {fmt: (folder / COPIES[fmt]).read_bytes() for fmt in FORMATS}
        if any(hashlib.sha256(data[f]).hexdigest() != index["sha256"][f] for f in FORMATS):
            return None
        spans = index["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Kept(data, spans) if isinstance(spans, dict) else None


def joined(
    entries: Mapping[str, Mapping[str, bytes | memoryview]],
) -> tuple[dict[str, bytes], dict[str, list[Span]]]:
    """The files of ``entries`` (entry digest -> bytes by format, in file order), as
    :func:`livingreview.reference_export.ris_text` and ``bibtex_text`` join them, and where each
    entry is in them (digest -> a span per format, in :data:`FORMATS` order)."""
    data, places = {}, []
    for fmt in FORMATS:
        pieces = [pair[fmt] for pair in entries.values()]
        gap, at, place = len(BETWEEN[fmt]), 0, []
        for piece in pieces:
            end = at + len(piece)
            place.append((at, end))
            at = end + gap
        places.append(place)
        if pieces:  # the end joined to the last entry: no second copy of the whole file
            pieces[-1] = bytes(pieces[-1]) + END[fmt]
        data[fmt] = BETWEEN[fmt].join(pieces)
    spans = dict(zip(entries, map(list, zip(*places, strict=True)), strict=True))
    return data, spans


def save(
    outputs: Path,
    written: Mapping[str, Path],
    data: Mapping[str, bytes],
    spans: Mapping[str, Sequence[Span]],
) -> None:
    """Keep the files just written (``written[fmt]``, holding ``data[fmt]``) and where each
    entry is in them (:func:`joined`) for the next export; a cache that cannot be written only
    costs time."""
    folder = outputs / FOLDER
    index = {
        "code": code_digest(),
        "sha256": {fmt: hashlib.sha256(data[fmt]).hexdigest() for fmt in FORMATS},
        "entries": spans,
    }
    try:
        (folder / INDEX).unlink(missing_ok=True)  # no index names copies being replaced
        for fmt in FORMATS:
            keep_copy(written[fmt], folder / COPIES[fmt], data[fmt])
        body = json.dumps(index, separators=(",", ":")).encode()
        text = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        atomic_write_bytes(folder / INDEX, text, durable=False)
    except OSError:
        return
