"""BibTeX exports (Scopus, Web of Science, EBSCOhost, Europe PMC, reference managers).

Parsed with bibtexparser 2 without middleware, walking ``library.blocks`` in file order, because
bibtexparser does not raise on bad input: it moves the entry into ``library.failed_blocks``.
Two kinds of failed block are recovered through ``ignore_error_block``: a duplicate field
(Scopus repeats ``funding_details``) and a duplicate citation key (two records whose generated
keys collide are still two records). Any other failed block fails the import with the file and
line. Text between entries that looks like entry fields means an ``@type{key,`` line was lost,
and fails too, so no record disappears into a comment. Values are decoded from LaTeX to Unicode
(pylatexenc, a bibtexparser dependency), ``{...}`` protection braces removed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text

from livingreview.errors import InputFileError
from livingreview.imports.text import (
    Parsed,
    first,
    join_pages,
    match_lines,
    normalise_issns,
    record_position,
    split_values,
)
from livingreview.records import Record

_SCAN = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)[ \t]*[{(]", re.MULTILINE)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
_FIELD_LIKE = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]", re.MULTILINE)
_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
_UNESCAPED_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_LIST_FIELDS = frozenset({"keywords", "author_keywords", "keywords-plus", "mesh"})
_SOURCE_KEY = re.compile(r"^(?:PMID|PMC|PPR|MED|WOS):", re.IGNORECASE)
_SCOPUS_EID = re.compile(r"[?&]eid=([\w.-]+)")
_EBSCO_AN = re.compile(r"[?&]AN=([\w.-]+)")


def scan(text: str) -> list[int]:
    """Lines where an entry starts (``@type{`` other than comment/string/preamble)."""
    matches = [m.group(1).lower() not in _NOT_ENTRIES for m in _SCAN.finditer(text)]
    return [line for line, entry in zip(match_lines(_SCAN, text), matches, strict=True) if entry]


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse BibTeX text into records, recovering or reporting every failed block."""
    splitter_log = logging.getLogger("bibtexparser.splitter")
    level = splitter_log.level
    splitter_log.setLevel(logging.ERROR)  # failures are reported below, with the file name
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        splitter_log.setLevel(level)
    starts = scan(text)

    def position(line: int) -> str:
        number = sum(1 for s in starts if s <= line) or 1
        return record_position(number, line)

    parsed: list[Parsed] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        entry: object = block
        if isinstance(block, DuplicateFieldKeyBlock | DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
        elif isinstance(block, ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", "") or str(block.error)
            end = line + (block.raw or "").count("\n")
            raise InputFileError(
                path,
                f"malformed BibTeX entry, parsing stopped at line {end}: {reason.strip()}",
                position=position(line),
            )
        elif isinstance(block, ImplicitComment) and _FIELD_LIKE.search(block.comment):
            offset = _FIELD_LIKE.search(block.comment)
            assert offset is not None
            bad_line = line + block.comment.count("\n", 0, offset.start())
            raise InputFileError(
                path,
                "entry fields outside any entry (is the '@type{key,' line missing?)",
                position=f"line {bad_line}",
            )
        if isinstance(entry, Entry):
            parsed.append(Parsed(line, _build(entry)))
    return parsed


def _unwrap(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == "{" and value[-1] == "}":
        return value[1:-1]
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


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


def _build(entry: Entry) -> Record:
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for field in entry.fields:
        key = field.key.strip().lower().replace("\u00a0", " ")
        value = _unwrap(str(field.value))
        if key in _LIST_FIELDS:
            separator = ";" if ";" in value else ","
            lists.setdefault(key, []).extend(split_values(value, separator))
        elif value.strip() and key not in values:
            values[key] = value

    def text(*keys: str) -> str:
        return first(*(decode_latex(values[k]) for k in keys if k in values))

    def raw(*keys: str) -> str:
        return first(*(values.get(k, "") for k in keys))

    key = entry.key.strip()
    url = raw("url")
    pmid = raw("pmid") or (key.split(":", 1)[1] if key.upper().startswith("PMID:") else "")
    journal_keys = ("journal", "journaltitle")
    if entry.entry_type.lower() in ("inproceedings", "incollection", "inbook", "conference"):
        journal_keys += ("booktitle",)
    return Record(
        source_id=_source_id(values, key, url),
        pmid=pmid,
        pmcid=raw("pmcid"),
        doi=raw("doi").replace("\\_", "_"),
        title=text("title"),
        abstract=text("abstract"),
        authors=[bibtex_name(n) for n in _split_top_level(values.get("author", ""), "and")],
        year=raw("year", "date"),
        journal=text(*journal_keys),
        volume=raw("volume"),
        issue=raw("number", "issue"),
        pages=join_pages(raw("pages").replace("--", "-"), "", raw("art_number", "article-number")),
        issn=normalise_issns([raw("issn"), raw("eissn")]),
        publication_types=[text("document_type", "type") or entry.entry_type.lower()],
        keywords=[decode_latex(k) for name in sorted(lists) for k in lists[name]],
        language=text("language"),
        url=url,
    )


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
