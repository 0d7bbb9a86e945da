"""BibTeX exports (Scopus, Web of Science, EBSCOhost, Europe PMC, reference managers).

Parsed with bibtexparser 2 without middleware, walking ``library.blocks`` in file order, because
bibtexparser does not raise on bad input: it moves the entry into ``library.failed_blocks``.
Two kinds of failed block are recovered through ``ignore_error_block``: a duplicate field
(Scopus repeats ``funding_details``) and a duplicate citation key (two records whose generated
keys collide are still two records).

A field value with unbalanced braces (EBSCOhost writes scraped HTML into Keywords) makes
bibtexparser end the entry mid-field: the entry fails, or it closes early and its remaining
fields land in a comment. When the entry is written one field per line (EBSCOhost, Web of
Science, Scopus: a ``@type{key,`` line, ``Name = {value},`` lines, a ``}`` line), its raw text
up to the next entry is read again line by line (:func:`_line_entry`) and a warning names the
field. Any other failed block fails the import with the file and line, and so does text between
entries that looks like entry fields but cannot be given back to the entry before it (an
``@type{key,`` line was lost), so no record disappears into a comment. Values are decoded from
LaTeX to Unicode (pylatexenc, a bibtexparser dependency), ``{...}`` protection braces removed.
``@string`` macros and ``#`` concatenation are resolved (JabRef, hand-kept libraries).

``crossref`` (dblp, ACM, JabRef): an entry naming another entry of the file takes each field it
lacks from it, as BibTeX does, the booktitle from the parent's title when the parent has no
booktitle (a journal title for an ``@article``); the item's own fields (identifiers, addresses,
title, abstract, keywords, pages, note, type) are never taken. An entry that is the crossref
parent of another entry of the file and has no author (dblp's ``@proceedings``, an edited
volume) is no record of its own: neither :func:`scan` nor :func:`parse` counts it; an authored
book stays a record beside its chapters. A crossref naming no entry of the file is logged as a
warning and the entry read as it is.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser import Library
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
    String,
)
from pylatexenc.latex2text import LatexNodes2Text

from livingreview.errors import InputFileError
from livingreview.imports.medline import note_pmid
from livingreview.imports.text import (
    Parsed,
    first,
    join_pages,
    match_lines,
    normalise_issns,
    record_position,
    split_values,
    without_abstract_label,
)
from livingreview.records import CAPITALS, Record

_SCAN = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)[ \t]*[{(]\s*([^\s,{}()@]*)", re.MULTILINE)
#: A ``crossref`` field (its own line or after a comma) and the key it names, braced or quoted
#: (group 1) or by a ``@string`` macro's name (group 2).
_CROSSREF = re.compile(
    r"(?:^|,)[ \t]*crossref[ \t]*=[ \t]*"
    r"(?:[{\"][ \t]*([^\s{}\",]+)[ \t]*[}\"]|([A-Za-z][^\s{}\",#]*))",
    re.IGNORECASE | re.MULTILINE,
)
#: A ``@string{name = "value"}`` macro with a plain value.
_STRING_MACRO = re.compile(
    r"^[ \t]*@[ \t]*string[ \t]*[{(][ \t]*([^\s={}()\"#,]+)[ \t]*=[ \t]*[{\"]([^{}\"]*)[}\"]",
    re.IGNORECASE | re.MULTILINE,
)
#: An ``author`` field (its own line or after a comma).
_AUTHOR_FIELD = re.compile(r"(?:^|,)[ \t]*author[ \t]*=", re.IGNORECASE | re.MULTILINE)
#: Fields a crossref child never takes from its parent: the item's own (BibTeX would).
_NOT_INHERITED = frozenset(
    """crossref title subtitle abstract keywords author_keywords keywords-plus mesh note annote
    doi url pmid pmcid eprint ee unique-id key ids pages art_number article-number articleno eid
    type document_type biburl bibsource timestamp file""".split()  # noqa: SIM905
)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
_FIELD_LIKE = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]", re.MULTILINE)
_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
_UNESCAPED_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_LIST_FIELDS = frozenset({"keywords", "author_keywords", "keywords-plus", "mesh"})
_SOURCE_KEY = re.compile(r"^(?:PMID|PMC|PPR|MED|WOS):", re.IGNORECASE)
_SCOPUS_EID = re.compile(r"[?&]eid=([\w.-]+)")
_EBSCO_AN = re.compile(r"[?&]AN=([\w.-]+)")
#: One-field-per-line entries: the header alone on its line, ``Name = {`` opening each field,
#: the closing brace alone on the last line.
_HEADER_LINE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)[ \t]*\{[ \t]*([^\s,{}]+)[ \t]*,[ \t]*$")
_NAME_LINE = re.compile(r"^[ \t]*([A-Za-z][\w-]*)[ \t]*=[ \t]*")
_CLOSER_LINE = re.compile(r"^[ \t]*\}[ \t]*$")
_ESCAPED_BRACE = re.compile(r"\\[{}]")
_BRACES = re.compile(r"[{}]")
_DASHES = re.compile(r"\s*(?:-+|\u2013|\u2014|\\textendash|\\textemdash)\s*")
_URL_ESCAPE = re.compile(r"\\([_%&#])")
_NOTE_PMID = re.compile(r"\bPMID:?\s*(\d+)\b")
#: Article numbers stand in for pages (Scopus, Web of Science, ACM ``articleno``, biblatex ``eid``).
_ARTICLE_NUMBER_KEYS = ("art_number", "article-number", "articleno", "eid")

log = logging.getLogger(__name__)


def scan(text: str) -> list[int]:
    """Lines where a record starts: an ``@type{`` other than comment/string/preamble, unless
    another entry's ``crossref`` names its key and it has no author (a volume of the works)."""
    blocks = _blocks(text)
    parents = _crossref_parents(text, blocks)
    return [
        line for line, kind, key, _at in blocks if kind not in _NOT_ENTRIES and key not in parents
    ]


def _blocks(text: str) -> list[tuple[int, str, str, int]]:
    """Line, lower-cased type, lower-cased key and offset of each ``@type{key``."""
    matches = list(_SCAN.finditer(text))
    return [
        (line, m.group(1).lower(), m.group(2).lower(), m.start())
        for line, m in zip(match_lines(_SCAN, text), matches, strict=True)
    ]


def _entry_starts(text: str) -> list[int]:
    """Lines where an entry starts (an ``@type{`` other than comment/string/preamble)."""
    return [line for line, kind, _key, _at in _blocks(text) if kind not in _NOT_ENTRIES]


def _crossref_parents(text: str, blocks: list[tuple[int, str, str, int]]) -> set[str]:
    """Keys that a ``crossref`` field of another entry names, found by a pattern search, but
    those of an entry with an author: a work of its own, which stays a record."""
    if not blocks:
        return set()
    offsets = [at for _line, _kind, _key, at in blocks]
    macros = {m.group(1).lower(): m.group(2) for m in _STRING_MACRO.finditer(text)}
    named = set()
    for match in _CROSSREF.finditer(text):
        _line, kind, key, _at = blocks[bisect.bisect_right(offsets, match.start()) - 1]
        bare = match.group(2) or ""
        target = (match.group(1) or macros.get(bare.lower(), bare)).strip().lower()
        if match.start() >= offsets[0] and kind not in _NOT_ENTRIES and key != target:
            named.add(target)
    ends = [*offsets[1:], len(text)]
    works = {
        key
        for (_line, kind, key, at), end in zip(blocks, ends, strict=True)
        if key in named and kind not in _NOT_ENTRIES and _AUTHOR_FIELD.search(text, at, end)
    }
    return named - works


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse BibTeX text into records, recovering or reporting every failed block."""
    library = _library(text)
    source = _Text(path, text.split("\n"), scan(text), _entry_starts(text))
    strings = _macros(library.strings)
    parsed = _entries(source, library.blocks)
    records = _with_crossrefs(path, parsed, strings, source.position)
    for line, entry in records:
        _refuse_without_fields(path, entry, source.position(line))
    return [Parsed(line, _build(entry, strings)) for line, entry in records]


def _refuse_without_fields(path: Path | str, entry: Entry, position: str) -> None:
    """Fail on an entry with no field after its ``@type{key,`` (``@article{a,}``), as the
    tagged readers fail on a record start with nothing after it, not read as an empty record."""
    if entry.fields:
        return
    raise InputFileError(
        path,
        f"an entry '@{entry.entry_type}{{{entry.key},' with no field in it (a cut export?)",
        position=position,
    )


def _library(text: str) -> Library:
    """bibtexparser's blocks of ``text``, its splitter's own failure messages silenced (failures
    are reported with the file name)."""
    splitter_log = logging.getLogger("bibtexparser.splitter")
    level = splitter_log.level
    splitter_log.setLevel(logging.ERROR)
    try:
        return bibtexparser.parse_string(text, parse_stack=[])
    finally:
        splitter_log.setLevel(level)


@dataclass(frozen=True)
class _Text:
    """A BibTeX file's lines and where its records (:func:`scan`) and entries start."""

    path: Path | str
    lines: list[str]
    records: list[int]
    starts: list[int]

    def position(self, line: int) -> str:
        """The record at ``line`` and the line, for messages."""
        number = sum(1 for s in self.records if s <= line) or 1
        return record_position(number, line)

    def span_end(self, line: int) -> int:
        """The line where the next entry after the one starting at ``line`` starts."""
        following = bisect.bisect_right(self.starts, line)
        return self.starts[following] if following < len(self.starts) else len(self.lines) + 1

    def line_entry(self, line: int) -> Entry | None:
        """The entry at ``line`` read again line by line, with a warning; None if it cannot be."""
        read = _line_entry(self.lines[line - 1 : self.span_end(line) - 1])
        if read is None:
            return None
        entry, unbalanced = read
        log.warning(
            "%s: %s: unbalanced braces in field %s; the entry was read one field per line",
            self.path,
            self.position(line),
            ", ".join(repr(name) for name in unbalanced),
        )
        return entry


def _entries(source: _Text, blocks: list[Block]) -> list[tuple[int, Entry]]:
    """The entries of ``blocks`` with their first lines; one bibtexparser failed on, or one
    followed by fields outside any entry, read again line by line (or the file refused)."""
    parsed: list[tuple[int, Entry]] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        line = _line(block)
        entry: object = block
        if isinstance(block, DuplicateFieldKeyBlock | DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
        elif isinstance(block, ParsingFailedBlock):
            parsed.append((line, _recovered(source, block, line)))
            index = _skip(blocks, index, source.span_end(line))
            continue
        elif _stray_fields(block) is not None:
            _fields_outside(source.path, block)
        if not isinstance(entry, Entry):
            continue
        end = source.span_end(line)
        stray = next(
            (b for b in blocks[index : _skip(blocks, index, end)] if _stray_fields(b)), None
        )
        if stray is None:
            parsed.append((line, entry))
            continue
        recovered = source.line_entry(line)
        if recovered is None:
            _fields_outside(source.path, stray)
        assert recovered is not None
        parsed.append((line, recovered))
        index = _skip(blocks, index, end)
    return parsed


def _recovered(source: _Text, block: ParsingFailedBlock, line: int) -> Entry:
    """The entry bibtexparser failed on at ``line``, read line by line; the file refused, with
    bibtexparser's reason, when it cannot be."""
    recovered = source.line_entry(line)
    if recovered is None:
        reason = getattr(block.error, "abort_reason", "") or str(block.error)
        end = line + (block.raw or "").count("\n")
        raise InputFileError(
            source.path,
            f"malformed BibTeX entry, parsing stopped at line {end}: {reason.strip()}",
            position=source.position(line),
        )
    return recovered


def _with_crossrefs(
    path: Path | str,
    entries: list[tuple[int, Entry]],
    macros: dict[str, str],
    position: Callable[[int], str],
) -> list[tuple[int, Entry]]:
    """The entries that are records, each with the fields its crossref parent gives it.

    A parent (an entry another entry's ``crossref`` names) without an author is left out: a
    volume of the works, not one (an authored book stays a record beside its chapters). A
    crossref naming no entry of the file is logged and the entry kept as it is.
    """
    by_key: dict[str, Entry] = {}
    for _line, entry in entries:
        by_key.setdefault(entry.key.strip().lower(), entry)
    parents = _volumes(path, [entry for _line, entry in entries], by_key, macros)
    records = []
    for line, entry in entries:
        key = entry.key.strip().lower()
        if key in parents:
            continue
        ref = _crossref(entry, macros)
        if ref and ref.lower() in by_key and ref.lower() != key:
            entry = _inherit(entry, by_key[ref.lower()])
        elif ref and ref.lower() != key:
            log.warning(
                "%s: %s: crossref %r names no entry of this file; the entry is read without it",
                path,
                position(line),
                ref,
            )
        records.append((line, entry))
    return records


def _volumes(
    path: Path | str, entries: list[Entry], by_key: dict[str, Entry], macros: dict[str, str]
) -> set[str]:
    """Keys of the crossref parents that are no records: those without an author."""
    works = {
        entry.key.strip().lower()
        for entry in entries
        if any(field.key.strip().lower() == "author" for field in entry.fields)
    }
    parents = {
        ref
        for entry in entries
        if (ref := _crossref(entry, macros).lower()) in by_key
        and ref not in ("", entry.key.strip().lower())
    } - works
    left_out = sum(1 for entry in entries if entry.key.strip().lower() in parents)
    if left_out:
        log.info(
            "%s: %d crossref parent entries are read into the entries naming them, not as "
            "records of their own",
            path,
            left_out,
        )
    return parents


def _crossref(entry: Entry, macros: dict[str, str]) -> str:
    """The key an entry's ``crossref`` field names, else empty."""
    for field in entry.fields:
        if field.key.strip().lower() == "crossref":
            return _BRACES.sub("", _resolve(str(field.value), macros)).strip()
    return ""


def _inherit(child: Entry, parent: Entry) -> Entry:
    """``child`` with each field it lacks taken from ``parent`` (but not the item's own fields,
    :data:`_NOT_INHERITED`), and the parent's title as its container title when neither gives
    one: a booktitle, or the journal of an ``@article``."""
    fields = list(child.fields)
    have = {field.key.strip().lower() for field in fields}
    for field in parent.fields:
        name = field.key.strip().lower()
        if name not in have and name not in _NOT_INHERITED:
            fields.append(Field(name, field.value))
            have.add(name)
    article = child.entry_type.lower() == "article"
    container = ("journal", "journaltitle") if article else ("booktitle",)
    title = next((f.value for f in parent.fields if f.key.strip().lower() == "title"), None)
    if title is not None and not have.intersection(container):
        fields.append(Field(container[-1], title))
    return Entry(child.entry_type, child.key, fields)


def _line(block: object) -> int:
    """1-based line where a block starts."""
    return (getattr(block, "start_line", None) or 0) + 1


def _stray_fields(block: object) -> re.Match[str] | None:
    """The first field-like text of a comment between entries, if any."""
    if isinstance(block, ImplicitComment):
        return _FIELD_LIKE.search(block.comment)
    return None


def _fields_outside(path: Path | str, block: object) -> None:
    """Fail on field-like text between entries that no entry can take back."""
    assert isinstance(block, ImplicitComment)
    offset = _FIELD_LIKE.search(block.comment)
    assert offset is not None
    bad_line = _line(block) + block.comment.count("\n", 0, offset.start())
    raise InputFileError(
        path,
        "entry fields outside any entry (is the '@type{key,' line missing?)",
        position=f"line {bad_line}",
    )


def _skip(blocks: list[object], index: int, end: int) -> int:
    """Index of the first block from ``index`` on that starts at or after line ``end``."""
    while index < len(blocks) and _line(blocks[index]) < end:
        index += 1
    return index


def _line_entry(lines: list[str]) -> tuple[Entry, list[str]] | None:
    """An entry written one field per line, read line by line; with its unbalanced fields.

    ``lines`` run from the ``@type{key,`` line to the next entry. A line starting ``Name = {``
    opens a field whose value runs to the last ``}`` before the trailing ``,`` of its last line;
    other lines continue the field before. None (the entry cannot be read this way) unless the
    header and the closing ``}`` are alone on their lines, every field is brace-delimited and ends
    in ``}``, no field starts after a blank line (a lost header's fields) and at least one field,
    but fewer than the balanced ones, has unbalanced braces (the reason bibtexparser failed).
    """
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    header = _HEADER_LINE.match(lines[0]) if lines else None
    if header is None or len(lines) < 3 or not _CLOSER_LINE.match(lines[-1]):
        return None
    fields: list[tuple[str, list[str]]] = []
    blank = False
    for line in lines[1:-1]:
        name = _NAME_LINE.match(line)
        if name:
            if blank or not line[name.end() :].startswith("{"):
                return None
            fields.append((name.group(1), [line[name.end() + 1 :]]))
        elif _CLOSER_LINE.match(line) or not fields:
            return None  # the entry ends before the next one starts, or text before its fields
        else:
            fields[-1][1].append(line)
        blank = not line.strip()
    values: list[Field] = []
    unbalanced: list[str] = []
    for name, parts in fields:
        value = "\n".join(parts).rstrip().removesuffix(",").rstrip()
        if not value.endswith("}"):
            return None
        value = value[:-1]
        if not _balanced(value):
            unbalanced.append(name)
        values.append(Field(name, value))
    if not unbalanced or len(unbalanced) * 2 >= len(values):
        return None
    return Entry(header.group(1).lower(), header.group(2), values), unbalanced


def _balanced(value: str) -> bool:
    depth = 0
    for char in _ESCAPED_BRACE.sub("", value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _unwrap(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == "{" and value[-1] == "}":
        return value[1:-1]
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


def _macros(strings: list[String]) -> dict[str, str]:
    """``@string`` macros by lower-cased name, each resolved against the ones defined before it."""
    macros: dict[str, str] = {}
    for string in strings:
        macros[string.key.strip().lower()] = _resolve(str(string.value), macros)
    return macros


def _resolve(value: str, macros: dict[str, str]) -> str:
    """A raw field value as text: ``{...}``/``"..."`` unwrapped, macros and ``#`` joins resolved.

    A bare name that is no macro (``month = jan``, an undefined string) is kept as written.
    """
    parts = _concatenated(value.strip())
    if len(parts) == 1 and parts[0][:1] in ("{", '"'):
        return _unwrap(parts[0])
    return "".join(
        _unwrap(part) if part[:1] in ("{", '"') else macros.get(part.lower(), part)
        for part in parts
    )


def _concatenated(value: str) -> list[str]:
    """The parts of ``a # "b" # {c}``: split on ``#`` outside braces and quotes."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return [part for part in parts if part]


def decode_latex(value: str) -> str:
    """LaTeX escapes to Unicode and ``{...}`` braces removed; plain text is left alone."""
    if "\\" in value:
        return _LATEX.latex_to_text(_UNESCAPED_SPECIAL.sub(r"\\\1", value))
    return value.replace("{", "").replace("}", "")


def _split_top_level(value: str, separator: str) -> list[str]:
    """Split on a word separator (`` and ``) outside braces."""
    parts, depth, start = [], 0, 0
    pattern = re.compile(rf"\s+{separator}\s+")
    index = 0
    while index < len(value):
        char = value[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            match = pattern.match(value, index)
            if match and index > 0:
                parts.append(value[start:index])
                start = index = match.end()
                continue
        index += 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def bibtex_name(name: str) -> str:
    """A BibTeX name as ``Family, Given`` (``First von Last`` is rearranged; braces keep groups)."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
        return decode_latex(name)  # a corporate author in braces
    if "," in re.sub(r"\{[^{}]*\}", "", name):
        return decode_latex(name)
    tokens = re.findall(r"(?:\{[^{}]*\}|\S)+", name)
    if len(tokens) < 2:
        return decode_latex(name)
    von = next((i for i, t in enumerate(tokens[:-1]) if i > 0 and t[:1].islower()), None)
    split = von if von is not None else len(tokens) - 1
    family, given = " ".join(tokens[split:]), " ".join(tokens[:split])
    return decode_latex(f"{family}, {given}")


def _build(entry: Entry, macros: dict[str, str]) -> Record:
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for field in entry.fields:
        key = field.key.strip().lower().replace("\u00a0", " ")
        value = _resolve(str(field.value), macros)
        if key in _LIST_FIELDS:
            separator = ";" if ";" in value else ","
            lists.setdefault(key, []).extend(split_values(value, separator))
        elif value.strip() and key not in values:
            values[key] = value

    def text(*keys: str) -> str:
        return first(*(decode_latex(values[k]) for k in keys if k in values))

    def raw(*keys: str) -> str:
        return first(*(values.get(k, "") for k in keys))

    def number(*keys: str) -> str:
        """A number-like field without its protection braces (dblp: ``number = {{GROUP}}``)."""
        return _BRACES.sub("", raw(*keys))

    key = entry.key.strip()
    url = _unescape(raw("url"))
    pmid = (
        raw("pmid")
        or (key.split(":", 1)[1] if key.upper().startswith("PMID:") else "")
        or note_pmid([_BRACES.sub("", raw("note"))], _NOTE_PMID)  # Zotero: {{PMID:} 23439512}
    )
    journal_keys = ("journal", "journaltitle")
    if entry.entry_type.lower() in ("inproceedings", "incollection", "inbook", "conference"):
        journal_keys += ("booktitle",)
    return Record(
        source_id=_source_id(values, key, url),
        pmid=pmid,
        pmcid=raw("pmcid"),
        doi=_unescape(raw("doi")),
        title=text("title"),
        abstract=without_abstract_label(text("abstract")),  # the Cochrane Library's label
        authors=_authors(values.get("author", "")),
        year=number("year", "date"),
        journal=text(*journal_keys),
        volume=number("volume"),
        issue=number("number", "issue"),
        pages=join_pages(_DASHES.sub("-", number("pages")), "", number(*_ARTICLE_NUMBER_KEYS)),
        issn=normalise_issns([raw("issn"), raw("eissn")]),
        publication_types=[text("document_type", "type") or entry.entry_type.lower()],
        keywords=[decode_latex(k) for name in sorted(lists) for k in lists[name]],
        language=text("language"),
        url=url,
    )


def _authors(value: str) -> list[str]:
    """The ``and``-separated names as ``Family, Given``; ``and others`` (et al.) is no name."""
    names = [n for part in _split_top_level(value, "and") for n in _comma_listed(part)]
    return [bibtex_name(n) for n in names if n.strip().lower() not in ("others", "{others}")]


#: Initials after a family name as the Cochrane Library writes them (``SL``, ``GML``, ``ÅK``,
#: ``J-P``).
_INITIALS = re.compile(rf"(?:[{CAPITALS}]\.?-?){{1,4}}")


def _comma_listed(part: str) -> list[str]:
    """One ``and`` part of an author field as its names. The Cochrane Library's BibTeX joins all
    names but the last with commas (``Huey, SL, Mehta, NH, and Mehta, S``): a part of two or
    more ``Family, Initials`` pairs is split into them, its trailing comma dropped; any other
    part (``Doe, Jr., John``, a braced name) is one name."""
    part = part.strip().rstrip(",").rstrip()
    items = [item.strip() for item in part.split(",")]
    pairs = len(items) >= 4 and len(items) % 2 == 0
    if "{" in part or not pairs or not all(_INITIALS.fullmatch(i) for i in items[1::2]):
        return [part]
    return [f"{items[i]}, {items[i + 1]}" for i in range(0, len(items), 2)]


def _unescape(value: str) -> str:
    """A DOI or URL without the backslashes BibTeX writers put before ``_ % & #``."""
    return _URL_ESCAPE.sub(r"\1", value)


def _source_id(values: dict[str, str], key: str, url: str) -> str:
    """WoS ``Unique-ID``, Europe PMC keys (``PMID:...``), Scopus EID or EBSCO AN from the URL."""
    unique = values.get("unique-id", "").strip()
    if unique:
        return unique
    if _SOURCE_KEY.match(key):
        return key
    for pattern in (_SCOPUS_EID, _EBSCO_AN):
        match = pattern.search(url)
        if match:
            return match.group(1)
    return ""
