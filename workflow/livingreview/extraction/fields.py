"""The data-extraction fields of the protocol (``extraction.fields``) and checking typed values.

Types: ``text``; ``integer`` (a whole number, ``12.0`` from a spreadsheet accepted); ``number``
(decimal point or comma; every digit typed is kept, ``3.50`` stored as ``3.5``; ``1,500``, a
thousands separator or a decimal comma, is refused as ambiguous); ``choice`` (one
of ``choices``, any capitalisation, stored as configured); ``multichoice`` (several choices
separated by ``;``, stored in configured order); ``boolean`` (yes/no, true/false, y/n, 1/0,
stored as yes/no). ``required`` fields must be filled in every row a reviewer has started.

The Digital Therapeutic Nexus field (``extraction.nexus_field``) takes its allowed levels from
``nexus.levels``; labels, criteria and risks are the team's, never made up here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, DecimalException
from typing import Any

from livingreview.errors import ConfigError

TYPES = ("text", "integer", "number", "choice", "multichoice", "boolean")
BOOLEAN = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
}
RESERVED = (
    "#",
    "study_id",
    "label",
    "title",
    "authors",
    "year",
    "journal",
    "doi",
    "notes",
    "disagreements",
    "how",
    "reviewers",
    "extraction_status",
)


@dataclass(frozen=True)
class Field:
    """One column of the extraction form."""

    id: str
    label: str
    type: str
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""

    def expected(self) -> str:
        """What a valid value looks like, for messages."""
        if self.type in ("choice", "multichoice"):
            many = " (several separated by ';')" if self.type == "multichoice" else ""
            return f"one of {', '.join(self.choices)}{many}"
        return {
            "text": "text",
            "integer": "a whole number",
            "number": "a number",
            "boolean": "yes or no",
        }[self.type]


def fields_of(config: Mapping[str, Any]) -> list[Field]:
    """The protocol's fields, checked (choices for choice types, unique ids, nexus levels)."""
    out: list[Field] = []
    seen: set[str] = set()
    for index, raw in enumerate(config["extraction"]["fields"]):
        key = f"config key 'extraction.fields[{index}]'"
        item = Field(
            raw["id"],
            raw["label"],
            raw["type"],
            tuple(str(c) for c in raw.get("choices") or ()),
            bool(raw.get("required", False)),
            raw.get("help", ""),
        )
        if item.id in seen or item.id in RESERVED:
            raise ConfigError(f"{key}: id {item.id!r} is used twice or reserved by the form")
        seen.add(item.id)
        _check_choices(item, f"extraction.fields[{index}]")
        out.append(item)
    levels = nexus_levels(config)
    nexus = next((f for f in out if f.id == config["extraction"].get("nexus_field")), None)
    if nexus is None and levels:
        raise ConfigError(
            f"config key 'extraction.nexus_field': {config['extraction']['nexus_field']!r} is not "
            "an extraction field, so the levels in nexus.levels would never be coded (expected "
            f"one of: {', '.join(f.id for f in out) or 'none listed'})"
        )
    if nexus is not None and levels:
        allowed = tuple(str(level["level"]) for level in levels)
        if nexus.type != "choice" or set(nexus.choices) != set(allowed):
            raise ConfigError(
                f"config key 'extraction.fields' ({nexus.id}): the Nexus field must be a choice "
                f"of the levels in nexus.levels ({', '.join(allowed)})"
            )
    return out


def _check_choices(item: Field, where: str) -> None:
    """Choice types list their choices, each once; other types list none (they would be unused)."""
    if item.type not in ("choice", "multichoice"):
        if item.choices:
            raise ConfigError(
                f"config key '{where}.choices': type {item.type} takes no choices (only choice "
                "and multichoice do)"
            )
        return
    if not item.choices:
        raise ConfigError(f"config key '{where}.choices': type {item.type} needs choices")
    spaced = next((c for c in item.choices if " ".join(c.split()) != c), None)
    if spaced is not None:
        raise ConfigError(
            f"config key '{where}.choices': {spaced!r} has spaces at its ends, a line break or "
            f"spaces in a row; a form's value is read on one line ({' '.join(spaced.split())!r}), "
            "so it could never be chosen; write it so"
        )
    folded = [c.casefold() for c in item.choices]
    twice = sorted({c for c in item.choices if folded.count(c.casefold()) > 1})
    if twice:
        raise ConfigError(
            f"config key '{where}.choices': {', '.join(map(repr, twice))} listed twice (a value "
            "is read in any capitalisation, so only the first could ever be chosen)"
        )
    parted = next((c for c in item.choices if item.type == "multichoice" and ";" in c), None)
    if parted is not None:
        raise ConfigError(
            f"config key '{where}.choices': {parted!r} holds ';', which separates the choices of "
            "a multichoice value, so it would be read as other choices; write it without ';'"
        )


def nexus_levels(config: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The configured Nexus levels, in level order."""
    return sorted(config.get("nexus", {}).get("levels") or [], key=lambda lv: lv["level"])


def nexus_risk_choices(config: Mapping[str, Any]) -> list[str]:
    """The risks the Nexus section counts per level: the choices of ``report.nexus_risks_field``
    when it is a multichoice field and ``nexus.levels`` is set; none otherwise (free text is
    listed study by study)."""
    name = config["report"].get("nexus_risks_field")
    if not name or not (config.get("nexus") or {}).get("levels"):
        return []
    field = next((f for f in config["extraction"]["fields"] if f["id"] == name), None)
    if field is None or field["type"] != "multichoice":
        return []
    return [str(c) for c in field.get("choices") or ()]


_INTEGER = re.compile(r"^[+-]?\d+(\.0+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
# one comma before three digits: a thousands separator or a decimal comma ('1,500')
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


def number_text(text: str) -> str | None:
    """A number's canonical text: the shortest ``g`` form when it keeps every digit typed
    (``3.50`` -> ``3.5``, ``0.00001`` -> ``1e-05``), else all the digits (``1234567``); None
    when its exponent is beyond any a number can have."""
    try:
        exact = Decimal(text.replace(",", "."))
        short = format(float(exact), "g")
        if Decimal(short) == exact:
            return short
        digits = Context(prec=len(exact.as_tuple().digits), Emax=MAX_EMAX, Emin=MIN_EMIN)
        plain = exact.normalize(digits)
    except DecimalException:
        return None
    return format(plain, "f") if abs(plain.adjusted()) <= 20 else format(plain, "g")


# a percentage as a returned .xlsx reads a number in a percentage format since 40bb786
_PERCENT = re.compile(r"^([+-]?\d+(\.\d+)?)%$")


def ambiguous_reading(item: Field, text: str) -> str | None:
    """How a value :func:`parse` refuses was read before it was refused: a number typed with
    one comma before three digits (``1,500``) as a decimal (``1.5``); a percentage (``45%``,
    from a cell in a percentage format) as the cell's number (``0.45``) where that is valid.
    None for any other value."""
    if item.type == "number" and _AMBIGUOUS.match(text):
        return number_text(text)
    percent = _PERCENT.match(text) if item.type in ("number", "integer") else None
    if percent is None:
        return None
    value, problem = parse(item, format(Decimal(percent[1]).scaleb(-2), "f"))
    return None if problem else value


def _choice(text: str, choices: Sequence[str]) -> str | None:
    folded = text.casefold()
    return next((c for c in choices if c.casefold() == folded), None)


def parse(item: Field, text: str) -> tuple[str, str | None]:
    """(canonical value, problem); the problem is None when the value is valid ("" is valid)."""
    if not text or item.type == "text":
        return text, None
    if item.type == "integer":
        if _INTEGER.match(text):
            return str(int(Decimal(text))), None
        return text, f"{text!r} is not {item.expected()}"
    if item.type == "number":
        if _AMBIGUOUS.match(text):
            whole, decimal = text.replace(",", ""), number_text(text)
            return text, f"{text!r} could be {whole} or {decimal}: type the one you mean"
        value = number_text(text) if _NUMBER.match(text) else None
        if value is not None:
            return value, None
        return text, f"{text!r} is not {item.expected()}"
    if item.type == "boolean":
        value = BOOLEAN.get(text.casefold())
        return (value, None) if value else (text, f"{text!r} is not {item.expected()}")
    parts = multichoice_parts(text) if item.type == "multichoice" else [text]
    found = []
    for part in parts:
        value = _choice(part, item.choices)
        if value is None:
            return text, f"{part!r} is not {item.expected()}"
        found.append(value)
    ordered = [c for c in item.choices if c in found]
    return "; ".join(ordered), None


def multichoice_parts(text: str) -> list[str]:
    """The choices a multichoice value holds: its parts between ``;``, stripped."""
    return [p.strip() for p in text.split(";") if p.strip()]
