"""The library and the included studies as files a reference manager loads: RIS and BibTeX.

* ``<outputs>/library/library.ris`` and ``library.bib``: every study of the library, its merged
  record (``library/records.csv``), in study id order; each entry's note names its study id and
  the sources that found it.
* ``<outputs>/report/included_studies.ris`` and ``.bib``: the studies included at full text in
  this version, in the report's order (study label, then study id), each the record of its main
  report (the report ``fulltext/included_studies.csv`` names in its ``main_report`` column);
  each entry's note names the study's label in the report and its study id.

RIS is written in rispy's layout: one ``TAG  - value`` line per field, two-character tags only
(Zotero's reader takes a longer tag for a continuation of the line before), CRLF line ends (the
RIS specification's, and what Zotero writes), UTF-8 without a byte-order mark (rispy's own
reader drops the first record after one). Authors are ``Family, Given`` AU lines; a group's
name has no comma, which Zotero reads as one-field (institutional) name. The PMID is the
accession number (``AN``) with ``DB  - PubMed``: EndNote keeps it as Accession Number, Zotero as
Loc. in Archive, and the project's own reader reads it back as the PMID.

BibTeX is written in the layout of bibtexparser 2's writer (the tests read it back with
bibtexparser): LaTeX's special characters escaped (``\\&``, ``\\%``...), capitals after a
title's first letter protected by braces so that a style's sentence case keeps them,
non-ASCII letters kept as UTF-8 (biber and Zotero read them; classic BibTeX passes them
through), a group's name in braces, and a citation key from the study label (``Smith2021a``:
ASCII, unique). The note goes in ``annote``, which bibliography styles do not print.

Same inputs, same bytes: no date is written, and the order is fixed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from livingreview.dedup.journals import strip_accents
from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_bytes, atomic_write_text, read_csv_table
from livingreview.records import Record, author_name, is_group

#: What the library step's rule adds to its outputs (relative to ``paths.outputs``).
LIBRARY_EXPORTS = {"library_ris": "library/library.ris", "library_bib": "library/library.bib"}
#: What the report step's rule adds to its outputs.
INCLUDED_EXPORTS = {
    "included_ris": "report/included_studies.ris",
    "included_bib": "report/included_studies.bib",
}
WHAT = {"library": LIBRARY_EXPORTS, "included": INCLUDED_EXPORTS}
FORMATS = ("ris", "bibtex")
#: Between two entries of a file, and after its last, by file extension (also what
#: :mod:`livingreview.reference_cache` joins kept entries with).
ENTRY_GAP = {"ris": "\r\n\r\n", "bib": "\n"}
FILE_END = {"ris": "\r\n", "bib": ""}
#: What each export reads (relative to ``paths.outputs``).
LIBRARY_CSV = "library/records.csv"
CHANGELOG_CSV = "library/changelog.csv"
INCLUDED_CSV = "fulltext/included_studies.csv"

#: RIS type -> BibTeX entry type.
BIBTEX_TYPES = {
    "JOUR": "article",
    "CONF": "inproceedings",
    "BOOK": "book",
    "CHAP": "incollection",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "GEN": "misc",
}


@dataclass(frozen=True)
class Study:
    """One entry to write: its study id, the label its citation key comes from, its record and
    the note naming it."""

    study_id: str
    label: str
    record: Record
    note: str

    @cached_property
    def kind(self) -> str:
        """The RIS type of the study's record (:func:`reference_type`)."""
        return reference_type(self.record)

    @cached_property
    def authors(self) -> list[str]:
        """The record's authors as reference managers read them (:func:`author_names`)."""
        return author_names(self.record)


# --- reading the studies -----------------------------------------------------------------------


def library_studies(outputs: Path) -> list[Study]:
    """Every study of the library's ``records.csv``, in study id order."""
    rows, named = _library_rows(outputs)
    return [_library_study(sid, named[sid], rows[sid]) for sid in sorted(rows)]


def _library_rows(outputs: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The library's rows by study id, and each study's label."""
    from livingreview.fulltext.studies import labels
    from livingreview.screening.automation import library_rows

    rows = dict(library_rows(outputs / LIBRARY_CSV))
    return rows, labels(rows)


def _library_study(sid: str, label: str, row: dict[str, Any]) -> Study:
    """One study of the library, its note naming its study id and sources."""
    sources = ", ".join(s for s in row.get("sources", "").split(";") if s)
    note = f"livingreview study id {sid}" + (f"; sources: {sources}" if sources else "")
    return Study(sid, label, Record.from_row(row), note)


def included_studies(outputs: Path) -> list[Study]:
    """The studies of ``fulltext/included_studies.csv`` in the report's order (label, study
    id), each with the library's record of the report its ``main_report`` column names (the
    full-text stage's choice, ``fulltext.studies.main_report``)."""
    from livingreview.fulltext.studies import library_pairs, merged_into, with_retired
    from livingreview.screening.assignment import read_library_rows

    included = _included_table(outputs / INCLUDED_CSV)
    merged = merged_into(outputs / CHANGELOG_CSV)
    main = {s["study_id"]: s["main_report"] or s["study_id"] for s in included}
    wanted = {merged.get(r, r) for r in main.values()}
    # the rows the screening step read in this process when the library is unchanged since
    rows_of = library_pairs(outputs / LIBRARY_CSV, wanted, read_library_rows(outputs))
    rows = with_retired({sid: row for sid, row in rows_of if sid in wanted}, merged)
    studies = []
    for number, study in enumerate(included, start=2):
        row = rows.get(main[study["study_id"]])
        if row is None:
            raise InputFileError(
                outputs / INCLUDED_CSV,
                f"report {main[study['study_id']]} of study {study['study_id']} is not in "
                f"{outputs / LIBRARY_CSV}: run the pipeline again so the two agree",
                position=f"row {number}",
            )
        note = f"Included study {study['label']}; livingreview study id {study['study_id']}"
        studies.append(Study(study["study_id"], study["label"], Record.from_row(row), note))
    return sorted(studies, key=lambda s: (s.label.casefold(), s.study_id))


def _included_table(path: Path) -> list[dict[str, str]]:
    """The rows of the full-text stage's included studies; a table written before it had a
    ``main_report`` column is an error asking for the step to run again (the pipeline's rule
    re-runs it by itself)."""
    rows = read_csv_table(path, ("study_id", "label"), "missing: run the full-text step first")
    if rows and "main_report" not in rows[0]:
        raise InputFileError(
            path,
            "missing column main_report (written by an earlier version): run the full-text "
            "step again (`livingreview fulltext`, or the pipeline)",
            position="row 1",
        )
    return rows


# --- fields both formats share -----------------------------------------------------------------


def author_names(record: Record) -> list[str]:
    """The record's authors as reference managers read them: a person ``Family, Given`` (a name
    written ``Given Family`` turned around), a group's name as it is."""
    return [author_name(name) for name in record.authors]


def reference_type(record: Record) -> str:
    """The RIS type of a record from its publication types (and whether it names a journal)."""
    return _reference_type(tuple(record.publication_types), bool(record.journal))


@lru_cache(maxsize=4096)  # a library has few distinct lists of publication types
def _reference_type(publication_types: tuple[str, ...], journal: bool) -> str:
    types = [t.casefold() for t in publication_types]

    def has(*words: str) -> bool:
        return any(word in t for t in types for word in words)

    if has("thesis", "dissertation"):
        return "THES"
    if has("chapter", "incollection", "inbook", "book section", "book-section", "book-part"):
        return "CHAP"
    if any(t in ("book", "whole book", "edited book", "monograph", "edited-book") for t in types):
        return "BOOK"
    if any(
        t in ("journal article", "journal", "article", "journal-article", "jour") for t in types
    ):
        return "JOUR"
    if has("conference", "congress", "proceedings", "meeting abstract", "cpaper"):
        return "CONF"
    if any(t in ("report", "techreport", "technical report", "rprt") for t in types):
        return "RPRT"
    if has("preprint", "posted-content"):
        return "GEN"
    return "JOUR" if journal else "GEN"


def page_range(pages: str) -> tuple[str, str]:
    """First and last page of ``123-130`` (the last empty for a single page or article number)."""
    first, dash, last = pages.partition("-")
    if dash and first.strip() and last.strip():
        return first.strip(), last.strip()
    return pages.strip(), ""


# --- RIS ---------------------------------------------------------------------------------------


def _one_line(value: str) -> str:
    """``value`` with every run of whitespace one space, none at either end."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value  # the one whitespace isprintable() lets through is " " (most values)
    return " ".join(value.split())


def ris_entry(study: Study) -> str:
    """The RIS record of one study, its lines joined by CRLF, from ``TY`` to ``ER`` (empty
    single-line fields left out)."""
    record = study.record
    first, last = page_range(record.pages)
    fields: list[tuple[str, str | list[str]]] = [  # a list's items: one line each, as they are
        ("TY", study.kind),
        ("TI", record.title),
        ("AU", [_one_line(a) for a in study.authors]),
        ("T2", record.journal),
        ("PY", record.year),
        ("VL", record.volume),
        ("IS", record.issue),
        ("SP", first),
        ("EP", last),
        ("SN", record.issn),
        ("DO", record.doi),
        ("AN", record.pmid),
        ("DB", "PubMed" if record.pmid else ""),
        ("UR", [record.url] if record.url else []),
        ("L1", [record.oa_url] if record.oa_url else []),  # a free full text, to attach
        ("LA", record.language),
        ("AB", record.abstract),
        ("KW", [_one_line(k) for k in record.keywords]),
        ("N1", [study.note]),
    ]
    lines = []
    for tag, value in fields:
        if isinstance(value, list):
            lines += [f"{tag}  - {item}" for item in value]
        elif value:
            lines.append(f"{tag}  - {_one_line(value)}")
    lines.append("ER  - ")
    return "\r\n".join(lines)


def ris_text(studies: Iterable[Study]) -> str:
    """The RIS file of ``studies`` in the order given: a blank line between records, CRLF
    line ends (rispy's layout, without its ``1.`` line before each record)."""
    records = [ris_entry(s) for s in studies]
    return ENTRY_GAP["ris"].join(records) + FILE_END["ris"] if records else ""


# --- BibTeX ------------------------------------------------------------------------------------

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_PAIRED = {**_SPECIAL, "{": r"\{", "}": r"\}"}
_UNPAIRED = {**_SPECIAL, "{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
_SPECIAL_CHARS = re.compile(r"[\\&%$#_^~{}]")
_BRACES = re.compile(r"[{}]")
#: A word (of a one-line text) with an ASCII capital in it.
_ASCII_CAPITALISED = re.compile(r"(?<![^ ])[^ ]*[A-Z][^ ]*")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_NOT_KEY = re.compile(r"[^A-Za-z0-9]")


def _balanced(text: str) -> bool:
    """Whether every brace of ``text`` pairs up (no brace at all: most fields, abstracts too)."""
    depth = 0
    for char in _BRACES.findall(text):
        depth += 1 if char == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped; braces as ``\\{``/``\\}`` when they pair
    up (BibTeX counts them too), else as ``\\textbraceleft{}``/``\\textbraceright{}``."""
    line = _one_line(text)
    if not _SPECIAL_CHARS.search(line):  # most fields
        return line
    table = _PAIRED if _balanced(line) else _UNPAIRED
    return _SPECIAL_CHARS.sub(lambda m: table[m.group(0)], line)


def protected_title(title: str) -> str:
    """The escaped title, every word with a capital after the title's first letter in braces,
    so that a style's sentence case keeps "COVID-19", "mRNA" or "Alzheimer"."""
    escaped = latex_escape(title)
    if escaped.isascii():  # the same as below, without a loop over each word's letters
        first, space, rest = escaped.partition(" ")
        if any(c.isupper() for c in first[1:]):
            first = f"{{{first}}}"
        return first + space + _ASCII_CAPITALISED.sub(r"{\g<0>}", rest)
    words = escaped.split(" ")
    out = []
    for index, word in enumerate(words):
        tail = word[1:] if index == 0 else word
        out.append(f"{{{word}}}" if any(c.isupper() for c in tail) else word)
    return " ".join(out)


def bibtex_name(name: str) -> str:
    """One author for BibTeX's ``and`` list: ``Family, Given`` (``Family, Suffix, Given`` for a
    ``Family, Given, Suffix`` name), a group's name braced whole."""
    if is_group(name):
        return f"{{{latex_escape(name)}}}"
    parts = [latex_escape(p.strip()) for p in name.split(",")]
    parts = [f"{{{p}}}" if _AND.search(p) else p for p in parts]
    if len(parts) == 3:
        parts = [parts[0], parts[2], parts[1]]
    if len(parts) == 1 and len(parts[0].split()) > 1:
        return f"{{{parts[0]}}}"
    return ", ".join(p for p in parts if p)


def citation_keys(studies: Sequence[Study]) -> list[str]:
    """One key per study from its label ("Smith 2021a" -> ``Smith2021a``): ASCII letters and
    digits (a letter's accent dropped, "ø", "ß", "ł" spelled "o", "ss", "l"), starting with a
    letter, made unique with ``_2``, ``_3``... in the order given."""
    return label_keys([study.label for study in studies])


def label_keys(labels: Sequence[str]) -> list[str]:
    """The citation keys of studies labelled ``labels``, in that order (:func:`citation_keys`).

    A label whose key versions before 2026-12-05 spelled alike takes its key before one they
    spelled without a letter Unicode does not decompose ("Øien 2019" was ``ien2019``), so that a
    manuscript citing ``Oien2019`` of "Oien 2019" still cites that study, not "Øien 2019"'s.
    """
    bases = [_key_base(strip_accents(label)) for label in labels]
    spelled_alike = [
        _key_base(unicodedata.normalize("NFKD", label)) == base
        for label, base in zip(labels, bases, strict=True)
    ]
    keys, taken = [""] * len(labels), set()
    for first in (True, False):
        for index, base in enumerate(bases):
            if spelled_alike[index] is first:
                key, number = base, 1
                while key.casefold() in taken:  # BibTeX compares keys without case
                    number += 1
                    key = f"{base}_{number}"
                taken.add(key.casefold())
                keys[index] = key
    return keys


def _key_base(folded: str) -> str:
    """A folded label's ASCII letters and digits, starting with a letter."""
    base = _NOT_KEY.sub("", folded.encode("ascii", "ignore").decode())
    return base if base[:1].isalpha() else f"Study{base}"


def _url(value: str) -> str:
    """A DOI or URL as BibTeX keeps it verbatim; only braces, which would end the field, encoded."""
    return value.replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(study: Study, key: str) -> str:
    """The BibTeX entry of one study (empty fields left out), as bibtexparser 2 writes it with
    a two-space indent: one ``  name = {value}`` line per field, ``}`` on a line of its own."""
    record = study.record
    kind = study.kind
    entry_type = BIBTEX_TYPES[kind]
    if kind == "THES" and any("master" in t.casefold() for t in record.publication_types):
        entry_type = "mastersthesis"
    first, last = page_range(record.pages)
    values = [
        ("author", " and ".join(bibtex_name(n) for n in study.authors)),
        ("title", protected_title(record.title)),
        ("booktitle" if kind in ("CONF", "CHAP") else "journal", latex_escape(record.journal)),
        ("year", latex_escape(record.year)),
        ("volume", latex_escape(record.volume)),
        ("number", latex_escape(record.issue)),
        ("pages", latex_escape(f"{first}--{last}" if last else first)),
        ("issn", latex_escape(record.issn)),
        ("doi", _url(record.doi)),
        ("pmid", latex_escape(record.pmid)),
        ("pmcid", latex_escape(record.pmcid)),
        ("url", _url(record.url)),
        ("language", latex_escape(record.language)),
        ("keywords", ", ".join(latex_escape(k) for k in record.keywords)),
        ("abstract", latex_escape(record.abstract)),
        ("annote", latex_escape(study.note)),
    ]
    fields = ",\n".join(f"  {name} = {{{v}}}" for name, v in values if v)
    return f"@{entry_type}{{{key},\n{fields}\n}}\n" if fields else f"@{entry_type}{{{key},\n}}\n"


def bibtex_text(studies: Sequence[Study]) -> str:
    """The BibTeX file of ``studies`` in the order given (LF line ends, a blank line between
    entries); keys are unique without case, so no two entries clash."""
    keys = citation_keys(studies)
    entries = [bibtex_entry(s, k) for s, k in zip(studies, keys, strict=True)]
    return ENTRY_GAP["bib"].join(entries) + FILE_END["bib"] if entries else ""


# --- files -------------------------------------------------------------------------------------


def studies_of(outputs: Path, what: str) -> list[Study]:
    """The studies of an export: ``library`` or ``included``."""
    return library_studies(outputs) if what == "library" else included_studies(outputs)


def export_text(studies: Sequence[Study], fmt: str) -> str:
    """The text of the ``ris`` or ``bibtex`` file of ``studies``."""
    return ris_text(studies) if fmt == "ris" else bibtex_text(studies)


def inputs_of(outputs: Path, what: str) -> list[Path]:
    """The files an export of ``what`` reads."""
    if what == "library":
        return [outputs / LIBRARY_CSV]
    return [outputs / n for n in (LIBRARY_CSV, CHANGELOG_CSV, INCLUDED_CSV)]


def write_library_files(outputs: Path) -> int:
    """Write ``library.ris`` and ``library.bib``, each entry written again only when what it is
    written from changed since the last export (:mod:`livingreview.reference_cache`), the same
    bytes as :func:`export_text` of :func:`library_studies`; returns the number of studies."""
    from livingreview import reference_cache

    rows, named = _library_rows(outputs)
    order = sorted(rows)
    kept = reference_cache.load(outputs)
    entries: dict[str, dict[str, bytes] | dict[str, memoryview]] = {}
    for sid, key in zip(order, label_keys([named[s] for s in order]), strict=True):
        digest = reference_cache.entry_key(sid, named[sid], key, rows[sid])
        found = kept.entry(digest) if kept is not None else None
        entries[digest] = found or _library_entries(sid, named[sid], key, rows[sid])
    data, spans = reference_cache.joined(entries)
    written = {fmt: outputs / LIBRARY_EXPORTS[f"library_{fmt}"] for fmt in data}
    for fmt, path in written.items():
        atomic_write_bytes(path, data[fmt])
    reference_cache.save(outputs, written, data, spans)
    return len(order)


def _library_entries(sid: str, label: str, key: str, row: dict[str, Any]) -> dict[str, bytes]:
    """The RIS and BibTeX entries of one study of the library, as UTF-8."""
    study = _library_study(sid, label, row)
    return {"ris": ris_entry(study).encode("utf-8"), "bib": bibtex_entry(study, key).encode()}


def write_exports(outputs: Path, what: str, kept: Path | None = None) -> int:
    """Write the pipeline's RIS and BibTeX files of ``what`` (:data:`WHAT`), and a copy of each
    in ``kept`` (the version's kept report folder) when given; returns the number of studies
    in them. The library's, without ``kept``, reuse the entries of the last export that are
    unchanged (:func:`write_library_files`)."""
    if what == "library" and kept is None:
        return write_library_files(outputs)
    studies = studies_of(outputs, what)
    for key, relative in WHAT[what].items():
        text = export_text(studies, "ris" if key.endswith("ris") else "bibtex")
        atomic_write_text(outputs / relative, text)
        if kept is not None:
            atomic_write_text(kept / Path(relative).name, text)
    return len(studies)
