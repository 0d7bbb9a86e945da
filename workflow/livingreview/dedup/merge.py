"""One merged record per study: the best value of each field, with every source it came from.

Rules (every tie broken by the records' order, which the caller makes deterministic):

* title: the longest that is not truncated (ending in ``…`` or ``...``); mixed case over ALL CAPS;
  a translated title's brackets (``[Title].``) neither lengthen it nor win over the bare words;
* journal: a name over a web address, then the longest (a full name over its abbreviation);
  mixed case over ALL CAPS;
* authors: the longest list, then the longest text (full names over initials);
* abstract: the longest;
* DOI, PMID, PMCID, year, volume, issue: the value most records agree on;
* pages: a full range that is not Excel-mangled (``06-Oct``) first, then the most common;
* ISSN, language, URL: the first present, but a trial's URL is its register's own page (from a
  register's record of it: ClinicalTrials.gov's, the ICTRP's), not a database's page of its copy
  (CENTRAL's); publication types and keywords: the union;
* register ids: every trial register id of the records but the merged record's own (its source
  id's): the ids each record lists, and the own id of each register's record, so that one trial
  registered in two registers keeps both ids (one as the source id, the other here);
* versions of one Cochrane review (DOIs ``...CD007231``, ``.pub2``, ``.pub3``, or the number in
  the pages of the Cochrane Database of Systematic Reviews): DOI, year, volume, issue and pages
  are the latest version's (latest year, then DOI), so the citation is one version's, not a blend;
  no DOI when that version's records have none; so are those of the versions of one BMJ
  Clinical Evidence overview (its topic's title in "BMJ Clin Evid", one version a year or two).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from livingreview.dedup.normalise import (
    is_clinical_evidence,
    is_registration,
    normalise_doi_value,
    normalise_title,
    normalise_year,
    review_doi_version,
    review_number,
)
from livingreview.dedup.register_links import own_ids
from livingreview.records import LIST_SEPARATOR, Record
from livingreview.register_ids import find_register_ids

MERGE_EXTRA_COLUMNS = ("study_id", "sources", "source_records")

_MONTH = re.compile(r"[A-Za-z]{3}")


def is_truncated(text: str) -> bool:
    """A title cut short by the source, e.g. Google Scholar's ``"…"``."""
    stripped = text.rstrip()
    return stripped.endswith("…") or stripped.endswith("...")


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _best(values: Sequence[str], key: Callable[[str], tuple[object, ...] | int]) -> str:
    """The first non-empty value with the highest key (``max`` keeps the first of equals)."""
    present = [v for v in values if v]
    return max(present, key=key) if present else ""


def _text_key(value: str) -> tuple[bool, int, bool]:
    return (not is_truncated(value), len(value.rstrip(".… ")), not _is_upper(value))


def _journal_key(value: str) -> tuple[bool, bool, int, bool]:
    """As :func:`_text_key`, a web address (CENTRAL's copy of a trial registration gives the
    register's: ``https://clinicaltrials.gov/show/NCT...``) after any name."""
    return (not _ADDRESS.match(value.strip()), *_text_key(value))


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)
_TRANSLATED = re.compile(r"\[([^\[\]]+)\]\.?")


def _title_key(value: str) -> tuple[bool, int, bool, bool]:
    """As :func:`_text_key`, a translated title's brackets (PubMed's ``[Title].``) not counted,
    and the same words without them preferred."""
    bare = _TRANSLATED.fullmatch(value.strip())
    return (*_text_key(bare.group(1) if bare else value), not bare)


def _most_common(values: Sequence[str]) -> str:
    counts = Counter(v for v in values if v)
    return _best(values, key=lambda v: counts[v])


def _pages_key(counts: Counter[str]) -> Callable[[str], tuple[bool, int]]:
    def key(value: str) -> tuple[bool, int]:
        ranged = bool(re.search(r"\d\s*[-–]\s*\w", value)) and not _MONTH.search(value)
        return (ranged, counts[value])

    return key


def _union(lists: Sequence[list[str]]) -> list[str]:
    seen: dict[str, str] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _review_version(record: Record) -> tuple[int, int] | None:
    """(year, ``.pubN`` number, 0 when the DOI is not known) of a record of a Cochrane review's
    version or of a BMJ Clinical Evidence overview's (no ``.pubN``: 0); None for any other
    record, or one without a year."""
    overview = is_clinical_evidence(record.journal)
    if "14651858" not in record.doi and "cochrane" not in record.journal.lower() and not overview:
        return None  # neither a Cochrane DOI, the Cochrane Database nor Clinical Evidence
    doi = normalise_doi_value(record.doi)
    title = normalise_title(record.title) if overview else ""
    number = review_number(doi, record.journal, record.volume, record.issue, record.pages, title)
    year = normalise_year(record.year)
    if not number or not year:
        return None
    return year, review_doi_version(doi)


def _latest_version(records: Sequence[Record]) -> Sequence[Record]:
    """The records of the latest version when they are versions of one Cochrane review or
    Clinical Evidence overview (by year, then by the DOI's ``.pubN``, the first version's DOI
    having none); otherwise all of them. Of the latest year, the records with the latest DOI
    when one has a DOI (a record without one may be of that year's other version), else all of
    that year's."""
    versions = {id(r): v for r in records if (v := _review_version(r)) is not None}
    years = {year for year, _ in versions.values()}
    pubs = {pub for _, pub in versions.values() if pub}
    if len(years) < 2 and len(pubs) < 2:
        return records
    latest = max(years)
    newest = [r for r in records if id(r) in versions and versions[id(r)][0] == latest]
    pub = max((versions[id(r)][1] for r in newest), default=0)
    return [r for r in newest if versions[id(r)][1] == pub]


def _published_version(records: Sequence[Record]) -> Sequence[Record]:
    """The records that carry an issue or pages, when some do: an online-first record has
    neither yet, and its year and "volume" (often a day of the month) are not the published
    article's. Mixing them would cite a year, volume and pages no version ever had."""
    published = [r for r in records if r.issue.strip() or r.pages.strip()]
    return published or records


def _register_pages(records: Sequence[Record]) -> list[str]:
    """The addresses given by a register's own records of a trial (its id is the record's id)."""
    return [
        r.url
        for r in records
        if r.url
        and is_registration(r.publication_types, r.journal)
        and find_register_ids(r.source_id)
    ]


def _register_ids(records: Sequence[Record], first: Record) -> list[str]:
    """The register ids of the merged record (see the module docstring), in record order."""
    own = set(own_ids(first))
    found = (rid for r in records for rid in [*own_ids(r), *r.register_ids] if rid not in own)
    return list(dict.fromkeys(found))


def merge_records(records: Sequence[Record], anchor: str | None = None) -> Record:
    """The merged record of one study, ties broken by record order.

    Record id, source and source id are those of the ``anchor`` record (default: the first).
    """
    if not records:
        raise ValueError("cannot merge an empty group")
    if len(records) == 1:
        return records[0]

    def col(name: str, among: Sequence[Record] = records) -> list[str]:
        return [str(getattr(r, name)) for r in among]

    cited = _published_version(_latest_version(records))
    pages = col("pages", cited)
    first = next((r for r in records if r.record_id == anchor), records[0])
    authors = max(
        (r.authors for r in records if r.authors),
        key=lambda a: (len(a), len(LIST_SEPARATOR.join(a))),
        default=[],
    )
    return Record(
        record_id=first.record_id,
        source=first.source,
        source_id=first.source_id,
        pmid=_most_common(col("pmid")),
        pmcid=_most_common(col("pmcid")),
        doi=_most_common(col("doi", cited)),
        title=_best(col("title"), _title_key),
        abstract=_best(col("abstract"), len),
        authors=list(authors),
        year=_most_common(col("year", cited)),
        journal=_best(col("journal"), _journal_key),
        volume=_most_common(col("volume", cited)),
        issue=_most_common(col("issue", cited)),
        pages=_best(pages, _pages_key(Counter(p for p in pages if p))),
        issn=_best(col("issn"), lambda v: 0),
        publication_types=_union([r.publication_types for r in records]),
        keywords=_union([r.keywords for r in records]),
        language=_best(col("language"), lambda v: 0),
        url=_best([*_register_pages(records), *col("url")], lambda v: 0),
        oa_url=_best(col("oa_url"), lambda v: 0),
        register_ids=_register_ids(records, first),
    )


def merged_row(
    study_id: str, records: Sequence[Record], anchor: str | None = None
) -> dict[str, str]:
    """The library row of a study: merged fields, ``study_id``, ``sources``, ``source_records``."""
    row = merge_records(records, anchor).to_row()
    row["study_id"] = study_id
    row["sources"] = ";".join(dict.fromkeys(r.source for r in records))
    row["source_records"] = ";".join(r.record_id for r in records)
    return row
