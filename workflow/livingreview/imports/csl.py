"""CSL-JSON: Zotero's "CSL JSON" export, citeproc's input, a DOI's ``citationstyles.csl+json``.

Layout: a JSON list of items (or one item object), each with ``type``, ``title``, ``author`` (a
list of ``{family, given}`` with optional particles and suffix, or ``{literal}``), ``issued``
(``{"date-parts": [[2019, 3]]}``, ``{"raw": ...}`` or ``{"literal": ...}``), ``container-title``,
``volume``, ``issue``, ``page``, ``DOI``, ``ISSN``/``ISBN``, ``abstract``, ``PMID``, ``PMCID``,
``URL``, ``language``, ``keyword`` and ``id``. Zotero keeps ids it has no variable for as
``PMID: ...`` lines in ``note``; those are read too. Text fields may be strings, numbers or
(from Crossref) lists of strings. A field of another shape (an author list that is a string, an
``issued`` that is a list) stops the import naming the item and the field, so nothing is dropped.

Told apart from Publish or Perish JSON (:mod:`.tabular`) by its keys (:func:`looks_like`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.imports.tabular import scan_json
from livingreview.imports.text import (
    Parsed,
    first,
    join_pages,
    line_at,
    normalise_issns,
    record_position,
    split_values,
)
from livingreview.records import Record, normalise_doi

#: Keys only CSL-JSON uses, and keys only Publish or Perish JSON uses (case matters: CSL's "DOI").
_CSL_KEYS = frozenset(
    {"issued", "date-parts", "container-title", "citation-key", "page", "DOI", "URL", "ISSN"}
    | {"PMID", "PMCID", "author", "family", "given", "literal", "non-dropping-particle"}
)
_POP_KEYS = frozenset(
    {"uid", "article_url", "cites_url", "related_url", "authors", "source", "startpage"}
    | {"endpage", "cites", "ecc", "rank", "use", "doi", "issn", "year"}
)
#: What names a CSL item and its kind (the ``@type{key,`` of a BibTeX entry): no field of its own.
_ITEM_START = frozenset({"id", "type", "citation-key"})
_KEY = re.compile(r'"([^"\\\n]{1,40})"\s*:')
_NOTE_ID = re.compile(r"^\s*(PMID|PMCID)\s*:\s*(PMC\d+|\d+)\s*$", re.IGNORECASE | re.MULTILINE)


def looks_like(text: str) -> bool:
    """True when the keys near the top of a JSON text are more CSL-JSON's than PoP JSON's."""
    keys = set(_KEY.findall(text[:20000]))
    return len(keys & _CSL_KEYS) > len(keys & _POP_KEYS)


def scan(text: str) -> list[int]:
    """Lines where an item starts: each object of the top-level list, or a lone top-level object."""
    start = len(text) - len(text.lstrip())
    if text.startswith("{", start):
        return [line_at(text, start)]
    return scan_json(text)


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse CSL-JSON into records, item by item."""
    starts = scan(text)
    data = _load(path, text, starts)
    if isinstance(data, dict) and not {"type", "title"} & data.keys():
        raise InputFileError(
            path,
            "a JSON object with no 'type' or 'title': expected a list of CSL items or one item",
        )
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputFileError(path, "expected a JSON list of CSL items", position="line 1")
    parsed: list[Parsed] = []
    for number, item in enumerate(items, 1):
        line = starts[number - 1] if number <= len(starts) else 0
        where = record_position(number, line)
        if not isinstance(item, dict):  # the scan finds objects only: its line is unknown
            raise InputFileError(
                path, "a list item is not a JSON object (a CSL item)", position=f"record {number}"
            )
        _refuse_without_fields(path, item, where)
        parsed.append(Parsed(line, _Item(path, where, item).record()))
    return parsed


def _refuse_without_fields(path: Path | str, item: dict[str, Any], where: str) -> None:
    """Fail on an item holding no key but its own name and type (:data:`_ITEM_START`: ``{}``,
    ``{"id": ..., "type": ...}``), as the tagged readers fail on a record start with nothing
    after it, not read as an empty record."""
    if item.keys() - _ITEM_START:
        return
    raise InputFileError(
        path,
        "an item with no field but its id and type at most (an empty reference, or an edited "
        "export?)",
        position=where,
    )


def _load(path: Path | str, text: str, starts: list[int]) -> object:
    """The decoded JSON; a syntax error names the item it falls in."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        before = [line for line in starts if line <= exc.lineno]
        where = record_position(len(before), before[-1]) if before else f"line {exc.lineno}"
        raise InputFileError(
            path,
            f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "is the file truncated?",
            position=where,
        ) from None
    except RecursionError:
        raise InputFileError(
            path, "JSON nested too deeply: expected a list of CSL items", position="line 1"
        ) from None


@dataclass
class _Item:
    """One CSL item being read, with where it is for error messages."""

    path: Path | str
    where: str
    item: dict[str, Any]

    def fail(self, key: str, expected: str) -> InputFileError:
        found = type(self.item[key]).__name__.replace("dict", "object").replace("str", "text")
        return InputFileError(
            self.path, f"expected {expected}, found {found}", position=self.where, field=key
        )

    def texts(self, key: str) -> list[str]:
        """The field's values as text: a string or number, or each of a list of them."""
        value = self.item.get(key)
        values = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, str | int | float) for v in values):
            raise self.fail(key, "text (a string, a number or a list of strings)")
        return [str(v).strip() for v in values if v is not None and str(v).strip()]

    def text(self, *keys: str) -> str:
        return first(*(v for key in keys for v in self.texts(key)))

    def authors(self) -> list[str]:
        names = self.item.get("author") or []
        if not isinstance(names, list):
            raise self.fail("author", "a list of names ({family, given} or {literal})")
        authors = [self._name(name) for name in names]
        return [a for a in authors if a]

    def _name(self, name: object) -> str:
        if isinstance(name, str):
            return name.strip()
        parts = name if isinstance(name, dict) else {}
        if not {"family", "given", "literal"} & parts.keys():
            raise InputFileError(
                self.path,
                f"an author {json.dumps(name)[:60]} with no family, given or literal name",
                position=self.where,
                field="author",
            )
        literal = str(parts.get("literal") or "").strip()
        family = " ".join(str(parts.get(k) or "") for k in ("non-dropping-particle", "family"))
        given = " ".join(str(parts.get(k) or "") for k in ("given", "dropping-particle", "suffix"))
        family, given = " ".join(family.split()), " ".join(given.split())
        return literal or (f"{family}, {given}" if family and given else family or given)

    def year(self) -> str:
        issued = self.item.get("issued")
        if issued is None or isinstance(issued, str | int):
            return str(issued or "")
        if not isinstance(issued, dict):
            raise self.fail("issued", 'an object with "date-parts", "raw" or "literal"')
        parts = issued.get("date-parts")
        if parts is not None and not (
            isinstance(parts, list) and all(isinstance(p, list) for p in parts[:1])
        ):
            raise self.fail("issued", '"date-parts" as a list of [year, month, day] lists')
        if parts and parts[0] and parts[0][0] is not None:
            return str(parts[0][0])
        return first(issued.get("raw"), issued.get("literal"), issued.get("season"))

    def record(self) -> Record:
        note = self.text("note")
        noted = {k.upper(): v for k, v in _NOTE_ID.findall(note)}
        pmcid = self.text("PMCID") or noted.get("PMCID", "")
        urls = self.texts("URL")
        issns = normalise_issns(self.texts("ISSN"))
        return Record(
            source_id=self.text("id", "citation-key"),
            pmid=self.text("PMID") or noted.get("PMID", ""),
            pmcid=f"PMC{pmcid}" if pmcid.isdigit() else pmcid,
            doi=_doi(self.texts("DOI") + [u for u in urls if "doi.org/" in u]),
            title=self.text("title"),
            abstract=self.text("abstract"),
            authors=self.authors(),
            year=self.year(),
            journal=self.text("container-title", "container-title-short", "journalAbbreviation"),
            volume=self.text("volume"),
            issue=self.text("issue"),
            pages=join_pages(self.text("page", "page-first")),
            issn=issns or self.text("ISBN"),
            publication_types=self.texts("type")[:1],
            keywords=_keywords(self.text("keyword")),
            language=self.text("language"),
            url=urls[0] if urls else "",
        )


def _doi(candidates: list[str]) -> str:
    """The first candidate that holds a DOI, normalised."""
    return next((doi for doi in map(normalise_doi, candidates) if doi), "")


def _keywords(value: str) -> list[str]:
    """CSL's one keyword string: ``;``-separated, else ``,``-separated."""
    return split_values(value, ";" if ";" in value else ",")
