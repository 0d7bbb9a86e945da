"""Records of the record model as the engine's input frame (see :mod:`livingreview.dedup.model`)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from livingreview.dedup.model import ENGINE_COLUMNS
from livingreview.records import LIST_SEPARATOR, Record

# Publication types (as the sources and exports spell them, case-folded) that are not articles.
_ENTRY_TYPES = (
    ("erratum", "erratum"),
    ("correction", "erratum"),
    ("retraction", "erratum"),
    ("conference", "inproceedings"),
    ("congress", "inproceedings"),
    ("meeting abstract", "inproceedings"),
    ("proceedings", "inproceedings"),
    ("book chapter", "incollection"),
    ("book-chapter", "incollection"),
    ("book", "book"),
    ("dissertation", "phdthesis"),
    ("thesis", "phdthesis"),
    ("preprint", "misc"),
    ("posted-content", "misc"),
)


def entry_type(record: Record) -> str:
    """A BibTeX-style entry type from the record's publication types (``article`` by default)."""
    types = " | ".join(record.publication_types).casefold()
    for marker, kind in _ENTRY_TYPES:
        if marker in types:
            return kind
    return "article"


def engine_row(record: Record) -> dict[str, str]:
    """One engine row: the record model's fields under the engine's column names."""
    return {
        "ID": record.record_id,
        "ENTRYTYPE": entry_type(record),
        "author": LIST_SEPARATOR.join(record.authors),
        "year": record.year,
        "title": record.title,
        "journal": record.journal,
        "volume": record.volume,
        "number": record.issue,
        "pages": record.pages,
        "abstract": record.abstract,
        "doi": record.doi,
        "isbn": "",
        "source": record.source,
        "source_id": record.source_id,
    }


def records_to_frame(records: Iterable[Record]) -> pd.DataFrame:
    """The engine frame for ``records``, rows sorted by record id, every value a string."""
    rows = sorted((engine_row(r) for r in records), key=lambda row: row["ID"])
    return pd.DataFrame(rows, columns=list(ENGINE_COLUMNS), dtype=str)
