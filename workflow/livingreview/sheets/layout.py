"""What a reviewer sheet is made of, for writing and reading: its tabs, columns, id checksum."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

META_SHEET = "_meta"
INSTRUCTIONS_SHEET = "Instructions"
FORMULA_START = ("=", "+", "-", "@")


FIXED_STAMP = "2000-01-01T00:00:00Z"


@dataclass(frozen=True)
class Column:
    """One column of a reviewer sheet."""

    name: str
    width: float = 16
    wrap: bool = False
    editable: bool = False  # unlocked for the reviewer (decision, reason, notes ...)
    locked: bool = False  # protected against edits (the id column)
    choices: tuple[str, ...] = ()  # a dropdown of these values (blank allowed)
    choices_hint: str = ""  # the dropdown's error message
    link_prefix: str = ""  # the value is shown as a link to prefix + value (e.g. a DOI)
    is_link: bool = False  # the value is a web address (http or https), shown as a link to it
    highlight: bool = False  # protocol keywords are highlighted inside the text


def web_address(value: str) -> bool:
    """True for an http(s) address: the only kind an ``is_link`` column shows as a link."""
    return value.startswith(("https://", "http://"))


@dataclass(frozen=True)
class SheetLayout:
    """Everything about a sheet's look that is not data."""

    title: str  # the main sheet's name
    columns: tuple[Column, ...]
    freeze: str = "A2"
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names in order."""
        return tuple(c.name for c in self.columns)


def checksum(ids: Iterable[Sequence[str]]) -> str:
    """A short order-independent checksum over item ids (each id one or more strings)."""
    text = "\n".join("|".join(key) for key in sorted(tuple(i) for i in ids))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def data_sheets(names: Iterable[str]) -> list[str]:
    """The worksheets a reviewer fills in: all but the hidden metadata and the instructions."""
    return [n for n in names if n not in (META_SHEET, INSTRUCTIONS_SHEET)]
