"""Read the demo's bibliographic facts and decide which source holds which paper."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError

REQUIRED = (
    "record_id",
    "pmid",
    "doi",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "publication_type",
)


@dataclass(frozen=True)
class Paper:
    """One real publication, as far as its facts are known."""

    key: str
    pmid: str
    doi: str
    title: str
    authors: tuple[tuple[str, str], ...]  # (surname, initials without dots)
    year: str
    journal: str
    volume: str
    issue: str
    pages: str
    publication_type: str

    def draw(self, salt: str) -> int:
        """A stable pseudo-random number 0-99 for this paper and a salt."""
        digest = hashlib.sha256(f"{salt}:{self.key}".encode()).hexdigest()
        return int(digest[:8], 16) % 100

    def digits(self, salt: str, width: int) -> str:
        """Stable digits for demo identifiers that are not real ones."""
        digest = hashlib.sha256(f"{salt}:{self.key}".encode()).hexdigest()
        return str(int(digest[:15], 16))[:width].rjust(width, "0")

    @property
    def year_int(self) -> int:
        """Publication year as an integer (0 when unknown)."""
        return int(self.year) if self.year.isdigit() else 0

    @property
    def first_page(self) -> str:
        """First page or article number."""
        return self.pages.split("-")[0].strip()

    @property
    def last_page(self) -> str:
        """Last page, when a page range is known."""
        parts = self.pages.split("-")
        return parts[1].strip() if len(parts) == 2 else ""


def _authors(raw: str) -> tuple[tuple[str, str], ...]:
    people = []
    for part in raw.split(";"):
        part = part.strip()
        if not part or part.lower().startswith("et al"):
            continue
        surname, _, initials = part.partition(",")
        people.append((surname.strip(), initials.replace(".", "").replace(" ", "").strip()))
    return tuple(people)


def read_fact_rows(path: Path, required: Sequence[str] = REQUIRED) -> list[dict[str, str]]:
    """The rows of the facts CSV (stripped text), after checking the ``required`` columns."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise InputFileError(path, f"cannot open the demo facts ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(path, f"missing column(s) {', '.join(missing)}", position="row 1")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def read_facts(path: Path) -> list[Paper]:
    """Papers from the facts CSV, in file order."""
    return [
        Paper(
            key=row["record_id"],
            pmid=row["pmid"],
            doi=row["doi"],
            title=row["title"],
            authors=_authors(row["authors"]),
            year=row["year"],
            journal=row["journal"],
            volume=row["volume"],
            issue=row["issue"],
            pages=row["pages"],
            publication_type=row["publication_type"],
        )
        for row in read_fact_rows(path)
    ]


@dataclass(frozen=True)
class Window:
    """Publication years a date-limited search returns (inclusive; ``None``: no limit)."""

    first: int | None
    last: int | None


def search_window(config: Mapping[str, Any], name: str) -> Window:
    """The years the protocol's search ``name`` covers: its own ``date_range``, else
    ``search.date_range`` (the shipped imports' ``limits`` state the same years)."""
    spec = config["sources"].get(name) or config["imports"].get(name) or {}
    dates = spec.get("date_range") or config["search"].get("date_range") or {}
    return Window(*(int(str(dates[k])[:4]) if dates.get(k) else None for k in ("from", "to")))


def in_window(paper: Paper, window: Window) -> bool:
    """Would a search limited to ``window`` return this paper? (one without a year: yes)"""
    year = paper.year_int
    too_early = window.first is not None and year < window.first
    too_late = window.last is not None and year > window.last
    return year == 0 or not (too_early or too_late)


def allocate(papers: list[Paper], window: Callable[[str], Window]) -> dict[str, list[Paper]]:
    """Which papers each demo source holds, mimicking real coverage and overlap, within each
    source's search window (``window(name)``, e.g. :func:`search_window` of the protocol)."""
    held = {
        "medline": lambda p: bool(p.pmid and p.year_int),
        "europepmc": lambda p: bool(p.pmid) and p.draw("epmc") < 85,
        "openalex": lambda p: bool(p.doi) and p.draw("openalex") < 80,
        "wos": lambda p: bool(p.doi or p.journal) and p.year_int > 0 and p.draw("wos") < 55,
        "psycinfo": lambda p: bool(p.journal) and p.draw("psycinfo") < 45,
        "google_scholar": lambda p: not (p.pmid or p.doi) or p.draw("gs") < 35,
    }
    return {
        name: [p for p in papers if holds(p) and in_window(p, window(name))]
        for name, holds in held.items()
    }


def sentence_case(title: str) -> str:
    """Lower-case every word but the first, acronyms and mixed-case names (PsycInfo style)."""
    words = title.split(" ")
    out = [words[0]] if words else []
    for word in words[1:]:
        core = word.strip("():,.;'\"")
        keep = (core.isupper() and len(core) > 1) or any(c.isupper() for c in core[1:])
        out.append(word if keep else word.lower())
    return " ".join(out)
