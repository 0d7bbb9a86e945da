"""Publish or Perish JSON exports: where each record starts, and reading them item by item."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError
from livingreview.imports.tabular.columns import Getter
from livingreview.imports.tabular.flavours import pop_record
from livingreview.imports.text import Parsed, is_missing, line_at, record_position


def scan_json(text: str) -> list[int]:
    """Lines where a top-level list item object starts (``{`` at depth 1, outside strings)."""
    special = re.compile(r'["\\\[\]{}\n]')
    starts: list[int] = []
    depth, in_string, line, skip = 0, False, 1, -1
    for match in special.finditer(text):
        index, char = match.start(), match.group()
        if char == "\n":
            line += 1
        elif index < skip:
            continue
        elif in_string:
            if char == "\\":
                skip = index + 2  # the escaped character
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            if char == "{" and depth == 1:
                starts.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
    return starts


def parse_json(path: Path | str, text: str) -> list[Parsed]:
    """Parse a Publish or Perish JSON export (a list of objects), item by item."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    if not text.startswith("[", index):
        raise InputFileError(
            path,
            "expected a JSON list of records (a Publish or Perish export)",
            position=f"line {line_at(text, index)}",
        )
    index = _skip_space(text, index + 1)
    parsed: list[Parsed] = []
    if text.startswith("]", index):
        return parsed
    line, counted = 1, 0
    while True:
        line += text.count("\n", counted, index)
        counted = index
        number = len(parsed) + 1
        try:
            item, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                path,
                f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                "is the file truncated?",
                position=record_position(number, line),
            ) from None
        except RecursionError:
            raise InputFileError(
                path,
                "JSON nested too deeply: expected a list of records, each an object of fields",
                position=record_position(number, line),
            ) from None
        if not isinstance(item, dict):
            raise InputFileError(
                path, "a list item is not a JSON object", position=record_position(number, line)
            )
        _check_pop_item(path, item, record_position(number, line))
        authors = item.get("authors")
        author_list = [str(a) for a in authors if a] if isinstance(authors, list) else None
        parsed.append(Parsed(line, pop_record(_json_getter(item), author_list)))
        index = _skip_space(text, index)
        if text.startswith(",", index):
            index = _skip_space(text, index + 1)
        elif text.startswith("]", index):
            break
        else:
            where = "the file ends" if index >= len(text) else "unexpected text"
            raise InputFileError(
                path,
                f"invalid JSON: {where} after a record (expected ',' or ']'); is it truncated?",
                position=f"line {line_at(text, index)}",
            )
    rest = _skip_space(text, index + 1)
    if rest < len(text):
        raise InputFileError(
            path, "unexpected text after the JSON list", position=f"line {line_at(text, rest)}"
        )
    return parsed


#: The keys of a Publish or Perish record that :func:`pop_record` reads.
_POP_KEYS = frozenset(
    {"uid", "doi", "article_url", "articleurl", "cites_url", "citesurl", "title", "abstract"}
    | {"authors", "year", "source", "volume", "issue", "startpage", "start_page", "endpage"}
    | {"end_page", "issn", "type"}
)


def _check_pop_item(path: Path | str, item: dict[str, Any], position: str) -> None:
    """Refuse a list item with none of Publish or Perish's keys (another tool's JSON, such as
    ClinicalTrials.gov's download of studies, each a ``protocolSection``): read as one, it
    would be a record with no title, no id and no author."""
    if any(str(key).lower() in _POP_KEYS for key in item):
        return
    if "protocolSection" in item:
        raise InputFileError(
            path,
            "a ClinicalTrials.gov JSON download (studies with a 'protocolSection'), which is "
            "not read: download the search results from ClinicalTrials.gov as CSV instead",
            position=position,
            field="protocolSection",
        )
    keys = ", ".join(sorted(str(key) for key in item)[:5]) or "none"
    raise InputFileError(
        path,
        f"a JSON record with none of Publish or Perish's fields (title, authors, year, source, "
        f"doi ...); its keys: {keys}: not a Publish or Perish or CSL-JSON export",
        position=position,
    )


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _json_getter(item: dict[str, Any]) -> Getter:
    lowered = {str(k).lower(): v for k, v in item.items()}

    def get(*names: str) -> str:
        for name in names:
            value = lowered.get(name.lower())
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if v is not None)
            if value is not None and not is_missing(value):
                return str(value).strip()
        return ""

    return get
