"""A table's columns: which exporter wrote it (its flavour), its title column, a row's cells."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from livingreview.imports.text import is_missing

Getter = Callable[..., str]


class CellError(ValueError):
    """A cell a flavour cannot read; the reader adds the file and the row."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


#: Column that must be present, per flavour (the first one found counts).
TITLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "scopus": ("Title",),
    "lens": ("Title",),
    "pubmed": ("Title",),
    "openalex": ("display_name", "title"),
    "pop": ("Title",),
    "wos_tab": ("TI",),
    "ctgov": ("Study Title", "Title"),
    "ictrp": ("Public title", "Scientific title"),
    "springer": ("Item Title",),
    "generic": (
        "Title",
        "Article Title",
        "Document Title",
        "Primary Title",
        "Item Title",
        "display_name",
        "Title Primary",
    ),
}


def csv_flavour(header: Iterable[str]) -> str:
    """Which exporter wrote a CSV, from its column names."""
    names = {h.strip().lower() for h in header}
    if "nct number" in names:
        return "ctgov"
    if "trialid" in names and names & {"public title", "scientific title"}:
        return "ictrp"
    if "eid" in names or {"source title", "authors", "link"} <= names:
        return "scopus"
    if "lens id" in names:
        return "lens"
    if {"pmid", "citation", "journal/book"} <= names:
        return "pubmed"
    if "gsrank" in names or "citesurl" in names or {"cites", "articleurl"} <= names:
        return "pop"
    if {"pt", "ut"} <= names and ("ti" in names or "au" in names):
        return "wos_tab"
    if {"item title", "item doi", "content type"} <= names:
        return "springer"
    dotted = ("authorships.", "primary_location.", "ids.", "open_access.", "biblio.")
    if any(n.startswith(dotted) for n in names) or {"id", "display_name"} <= names:
        return "openalex"
    return "generic"


def _getter(cells: dict[str, str]) -> Getter:
    def get(*names: str) -> str:
        for name in names:
            value = cells.get(name.lower())
            if not is_missing(value):
                return str(value).strip()
        return ""

    return get
