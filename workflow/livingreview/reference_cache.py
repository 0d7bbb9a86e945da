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
from dataclasses import dataclass
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
ENTRY_MODULES = ("reference_export.py", "reference_cache.py", "records.py", "register_ids.py")
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
    """The digest of what one study's entries are written from."""
    values = [study_id, label, citation_key, *map(str, row), *map(str, row.values())]
    what = SEPARATOR.join(values)
    if what.count(SEPARATOR) != len(values) - 1:  # a value holding the separator: unambiguous
        what = repr(values)
    return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class Kept:
    """The last export's files and, per entry digest, where its entry is in each (as read)."""

    data: dict[str, bytes]
    spans: dict[str, Any]

    def entry(self, key: str) -> dict[str, memoryview] | None:
        """The bytes of the entries of digest ``key`` by format (None when not kept whole)."""
        found = self.spans.get(key)
        try:
            pair = {f: self._slice(f, found[n]) for n, f in enumerate(FORMATS)}
        except (TypeError, ValueError, IndexError):
            return None
        return pair

    def _slice(self, fmt: str, span: Any) -> memoryview:
        start, end = int(span[0]), int(span[1])
        if not 0 <= start < end <= len(self.data[fmt]):
            raise ValueError(f"entry outside the file: {start}-{end}")
        return memoryview(self.data[fmt])[start:end]


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
    spans: dict[str, list[Span]] = {key: [] for key in entries}
    data = {}
    for fmt in FORMATS:
        gap, at = len(BETWEEN[fmt]), 0
        for key, pair in entries.items():
            spans[key].append((at, at + len(pair[fmt])))
            at += len(pair[fmt]) + gap
        body = BETWEEN[fmt].join(pair[fmt] for pair in entries.values())
        data[fmt] = body + END[fmt] if entries else b""
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
