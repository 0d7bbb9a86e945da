"""Retractions, corrections and expressions of concern of library records, as their sources say.

Evidence comes from four places:

* every library record's publication types (PubMed "Retracted Publication"; notices typed
  "Retraction of Publication", "Published Erratum", "Expression of Concern", Europe PMC
  "correction", OpenAlex "retraction"/"erratum"), in any round;
* this round's raw responses (``<outputs>/search/<name>/raw/``), for what :class:`Record` has no
  field for: PubMed ``CommentsCorrections`` links (``RetractionIn``, ``ErratumIn``,
  ``ExpressionOfConcernIn``, ``UpdateIn`` and the notice's own ``...Of``/``...For`` links),
  Europe PMC ``commentCorrectionList``, Crossref ``updated-by``/``update-to`` and OpenAlex
  ``is_retracted``;
* the MEDLINE tags of imported PubMed ``.nbib`` files (``RIN``, ``EIN``, ``ROF``, ``EFR``, ``ECI``,
  ``UIN``..., the same links as ``CommentsCorrections``);
* the answers of this round's re-fetch of earlier studies by PMID/DOI
  (:mod:`livingreview.refetch`, ``<outputs>/refetch/<service>/``), about the PMID or DOI asked.

A notice pointing at another article (``RetractionOf`` PMID, Crossref ``update-to`` DOI) flags the
library records with that PMID or DOI. Raw responses are replaced by the next round's search, so
each round keeps its evidence in ``<history_dir>/<version>/flags.csv`` and later rounds read it.

``<outputs>/library/flags.csv`` has one row per flagged record: ``study_id, record_id, source,
flag, detail``, sorted, where ``flag`` is one of :data:`FLAGS`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from livingreview import refetch
from livingreview.archive import RawArchive
from livingreview.config import enabled_imports, enabled_sources
from livingreview.dedup import rounds
from livingreview.errors import InputFileError, SearchError
from livingreview.fileio import atomic_write_text, read_json
from livingreview.records import Record, normalise_doi, normalise_pmid, read_records

log = logging.getLogger("livingreview.flags")

#: Flags, most serious first, with what each means for a reader of the report.
FLAGS: dict[str, str] = {
    "retracted": "retracted (or withdrawn) by its journal or publisher",
    "expression_of_concern": "an expression of concern was published about it",
    "corrected": "a correction (erratum, corrigendum) was published for it",
    "updated": "a newer version of it was published",
    "notice": "the record is itself a retraction, correction or concern notice, not a study",
}
FLAG_COLUMNS = ("study_id", "record_id", "source", "flag", "detail")
EVIDENCE_COLUMNS = ("record_id", "source", "flag", "detail", "target")
OUTPUT = "library/flags.csv"
SNAPSHOT = "flags.csv"

#: Publication types (case-insensitive) and the flag they give the record carrying them.
PUBLICATION_TYPES = {
    "retracted publication": "retracted",
    "retraction of publication": "notice",
    "published erratum": "notice",
    "expression of concern": "notice",
    "correction": "notice",
    "erratum": "notice",
    "retraction": "notice",
}
#: Links to a later notice (PubMed RefType, Europe PMC type, spaces dropped, lower case).
LINKS_IN = {
    "retractionin": "retracted",
    "partialretractionin": "retracted",
    "erratumin": "corrected",
    "expressionofconcernin": "expression_of_concern",
    "updatein": "updated",
    "correctedandrepublishedin": "corrected",
    "retractedandrepublishedin": "retracted",
}
#: Links from a notice (or a newer version) to the article it is about.
LINKS_OF = {
    "retractionof": "retracted",
    "partialretractionof": "retracted",
    "erratumfor": "corrected",
    "expressionofconcernfor": "expression_of_concern",
    "updateof": "updated",
    "correctedandrepublishedfrom": "corrected",
    "retractedandrepublishedfrom": "retracted",
}
#: ``LINKS_OF`` carried by a newer version of the article, not by a notice.
NEWER_VERSIONS = frozenset(
    {"updateof", "correctedandrepublishedfrom", "retractedandrepublishedfrom"}
)
#: Crossref update types (``updated-by``/``update-to``, ``-`` read as ``_``).
CROSSREF_UPDATES = {
    "retraction": "retracted",
    "partial_retraction": "retracted",
    "withdrawal": "retracted",
    "removal": "retracted",
    "expression_of_concern": "expression_of_concern",
    "correction": "corrected",
    "corrigendum": "corrected",
    "erratum": "corrected",
    "addendum": "corrected",
    "clarification": "corrected",
    "new_version": "updated",
    "new_edition": "updated",
}


@dataclass(frozen=True, order=True)
class Evidence:
    """What a source said about one record; ``target`` (``pmid:N``/``doi:X``) when it is about
    another article, which then carries the flag."""

    record_id: str
    source: str
    flag: str
    detail: str
    target: str = ""


# -- evidence from records -------------------------------------------------------------------


def type_evidence(records: Iterable[Record]) -> list[Evidence]:
    """Flags from each record's publication types."""
    found = []
    for record in records:
        for kind in record.publication_types:
            flag = PUBLICATION_TYPES.get(kind.casefold())
            if flag:
                detail = f"publication type '{kind}'"
                found.append(Evidence(record.record_id, record.source, flag, detail))
    return found


# -- evidence from raw responses -------------------------------------------------------------


@dataclass(frozen=True)
class _Said:
    """One statement in a raw response, before its record id is known."""

    source_id: str
    flag: str
    detail: str
    target: str = ""


def _link_key(kind: str) -> str:
    return "".join(kind.split()).casefold()


def _link(source_id: str, kind: str, ident: str, where: str, reference: str) -> Iterator[_Said]:
    """The statements one comment/correction link makes (nothing for comments and citations)."""
    key = _link_key(kind)
    about = f"{where} '{kind}' {ident}" + (f" ({reference})" if reference else "")
    if key in LINKS_IN:
        yield _Said(source_id, LINKS_IN[key], about)
    elif key in LINKS_OF:
        if key not in NEWER_VERSIONS:  # a newer version is a report, not a notice
            yield _Said(source_id, "notice", about)
        if ident.startswith("PMID "):
            target = f"pmid:{normalise_pmid(ident)}"
            yield _Said(source_id, LINKS_OF[key], about, target)


def pubmed_statements(body: bytes) -> Iterator[_Said]:
    """``CommentsCorrections`` links of an EFetch ``PubmedArticleSet``."""
    from livingreview.sources.pubmed_xml import article_elements, inner_text, parse_xml

    for article in article_elements(parse_xml(body)):
        pmid = inner_text(article.find("MedlineCitation/PMID"))
        links: list[Element] = article.findall(
            "MedlineCitation/CommentsCorrectionsList/CommentsCorrections"
        )
        for node in links:
            ident = inner_text(node.find("PMID"))
            yield from _link(
                pmid,
                node.get("RefType", ""),
                f"PMID {ident}" if ident else "",
                "PubMed CommentsCorrections",
                inner_text(node.find("RefSource")),
            )


def europepmc_statements(body: Any) -> Iterator[_Said]:
    """``commentCorrectionList`` entries of a Europe PMC ``resultType=core`` page."""
    from livingreview.sources.common import as_list, dig, text  # loads the HTTP layer

    for item in as_list(dig(body, "resultList", "result")):
        source, ident = text(dig(item, "source")), text(dig(item, "id"))
        source_id = f"{source}:{ident}" if source and ident else ident
        for link in as_list(dig(item, "commentCorrectionList", "commentCorrection")):
            other_source, other = text(dig(link, "source")), text(dig(link, "id"))
            shown = f"PMID {other}" if other_source == "MED" else f"{other_source}:{other}"
            yield from _link(
                source_id,
                text(dig(link, "type")),
                shown if other else "",
                "Europe PMC commentCorrection",
                text(dig(link, "reference")),
            )


def _crossref_update(update: Any) -> tuple[str, str, str]:
    """(flag, kind, description) of one Crossref ``updated-by``/``update-to`` entry."""
    from livingreview.sources.common import as_list, dig, text  # loads the HTTP layer

    kind = text(dig(update, "type"))
    flag = CROSSREF_UPDATES.get(kind.replace("-", "_").casefold(), "corrected")
    parts = as_list(dig(update, "updated", "date-parts"))
    day = parts[0] if parts and isinstance(parts[0], list) else []
    # Crossref writes an unknown date as [[null]]; a part may come as a string
    date = "-".join(f"{int(p):02d}" for p in day if isinstance(p, int) or text(p).isdigit())
    doi = normalise_doi(dig(update, "DOI"))
    return flag, kind, f"doi:{doi}" + (f" ({date})" if date else "")


def crossref_statements(body: Any) -> Iterator[_Said]:
    """``updated-by`` (this work was updated) and ``update-to`` (this work is the update)."""
    from livingreview.sources.common import as_list, dig  # loads the HTTP layer

    message = dig(body, "message")
    items = as_list(dig(message, "items")) if isinstance(dig(message, "items"), list) else [message]
    for item in items:
        doi = normalise_doi(dig(item, "DOI"))
        if not doi:
            continue
        for update in as_list(dig(item, "updated-by")):
            flag, kind, about = _crossref_update(update)
            yield _Said(doi, flag, f"Crossref updated-by '{kind}' {about}")
        for update in as_list(dig(item, "update-to")):
            yield from _crossref_update_to(doi, update, as_list(dig(item, "updated-by")))


def _crossref_update_to(doi: str, update: Any, updated_by: list[Any]) -> Iterator[_Said]:
    """What one ``update-to`` entry of work ``doi`` says: a notice about another work, or, when it
    names ``doi`` itself, the work updated in place (Elsevier's withdrawals and removals carry
    ``update-to`` and ``updated-by`` with their own DOI): no notice, and said once."""
    from livingreview.sources.common import dig  # loads the HTTP layer

    flag, kind, about = _crossref_update(update)
    detail = f"Crossref update-to '{kind}' {about}"
    target = normalise_doi(dig(update, "DOI"))
    if target == doi:
        if not any(_crossref_update(other)[1:] == (kind, about) for other in updated_by):
            yield _Said(doi, flag, detail)
        return
    if flag != "updated":
        yield _Said(doi, "notice", detail)
    if target:
        yield _Said(doi, flag, detail, f"doi:{target}")


def openalex_statements(body: Any) -> Iterator[_Said]:
    """``is_retracted: true`` of OpenAlex works (a page's ``results`` or one work)."""
    from livingreview.sources.common import as_list, dig, text  # loads the HTTP layer

    works = as_list(dig(body, "results")) if "results" in (body or {}) else [body]
    for work in works:
        if isinstance(work, dict) and work.get("is_retracted") is True:
            ident = text(work.get("id")).rsplit("/", 1)[-1]
            yield _Said(ident, "retracted", "OpenAlex is_retracted: true")


def _decoded(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None  # error pages and the like say nothing about records


def archive_statements(archive: RawArchive, client: str) -> Iterator[_Said]:
    """Every statement in one search's raw responses (successful ones only)."""
    for entry in archive.entries():
        if entry["status"] != 200:
            continue
        path = archive.directory / entry["file"]
        if client == "pubmed":
            if entry["path"].endswith("efetch.fcgi"):
                try:
                    yield from pubmed_statements(archive.body(entry))
                except SearchError as exc:
                    raise InputFileError(path, f"raw EFetch response unreadable: {exc}") from None
            continue
        body = _decoded(archive.body(entry))
        if not isinstance(body, dict):
            continue
        if client == "europepmc":
            yield from europepmc_statements(body)
        elif client == "crossref":
            yield from crossref_statements(body)
        elif client == "openalex":
            yield from openalex_statements(body)


def search_evidence(search_dir: Path, name: str, client: str) -> list[Evidence]:
    """Evidence in the raw archive of search ``name``, with the record ids its records got."""
    raw = RawArchive(search_dir / "raw")
    if not (raw.directory / "index.jsonl").exists():
        return []
    record_of = {r.source_id: r.record_id for r in read_records(search_dir / "records.csv")}
    found = []
    for said in archive_statements(raw, client):
        record_id = record_of.get(said.source_id)
        if record_id:
            found.append(Evidence(record_id, name, said.flag, said.detail, said.target))
    return found


# -- resolving against the library -----------------------------------------------------------


@dataclass(frozen=True, order=True)
class Flag:
    """One row of ``library/flags.csv``."""

    study_id: str
    record_id: str
    source: str
    flag: str
    detail: str


def resolve(
    evidence: Iterable[Evidence], records: Iterable[Record], study_of: Mapping[str, str]
) -> list[Flag]:
    """Flags on library records: a statement about a record, or a notice's about its target."""
    by_target: dict[str, list[str]] = {}
    for record in records:
        for key in (f"pmid:{record.pmid}" if record.pmid else "", f"doi:{record.doi}"):
            if key and key != "doi:":
                by_target.setdefault(key, []).append(record.record_id)
    flags = set()
    for item in evidence:
        if not item.target:
            if item.record_id in study_of:
                study = study_of[item.record_id]
                flags.add(Flag(study, item.record_id, item.source, item.flag, item.detail))
            continue
        # a notice in the library names itself; a re-fetched answer says so in its detail
        notice = item.record_id in study_of
        detail = f"notice {item.record_id}: {item.detail}" if notice else item.detail
        for rid in by_target.get(item.target, []):
            if rid in study_of and rid != item.record_id:
                flags.add(Flag(study_of[rid], rid, item.source, item.flag, detail))
    return sorted(flags)


def read_evidence(path: Path) -> list[Evidence]:
    """A round's evidence snapshot; a flag not in :data:`FLAGS` is an error naming its row."""
    found = []
    for number, row in enumerate(rounds.read_table(path, EVIDENCE_COLUMNS), start=2):
        if row["flag"] not in FLAGS:
            raise InputFileError(
                path,
                f"unknown flag {row['flag']!r} (expected one of: {', '.join(FLAGS)})",
                position=f"row {number}",
                field="flag",
            )
        found.append(Evidence(*(row[c] for c in EVIDENCE_COLUMNS)))
    return found


def history_inputs(config: Mapping[str, Any]) -> list[str]:
    """The evidence snapshots of the rounds before this version (rounds before this feature
    have none)."""
    folders = rounds.earlier_snapshots(rounds.history_dir(config), config["review"]["version"])
    return [str(folder / SNAPSHOT) for folder in folders if (folder / SNAPSHOT).exists()]


def import_evidence(config: Mapping[str, Any]) -> list[Evidence]:
    """Comment/correction tags (``RIN``, ``EIN``, ``ROF``, ``EFR``...) of the imported PubMed
    ``.nbib``/MEDLINE files, on the records they were imported as."""
    from livingreview.imports.medline import correction_links
    from livingreview.imports.text import decode

    outputs = Path(config["paths"]["outputs"])
    found = []
    for name in enabled_imports(config):
        folder = outputs / "search" / name
        manifest = read_json(folder / "manifest.json", "missing: run the import first")
        files = [f["file"] for f in manifest.get("files", []) if f.get("format") == "nbib"]
        if not files:
            continue
        record_of = {r.source_id: r.record_id for r in read_records(folder / "records.csv")}
        for file in files:
            path = Path(config["paths"]["human_input"]) / file
            text_read, _encoding = decode(path, path.read_bytes())
            for link in correction_links(path, text_read):
                ident = f"PMID {link.linked_pmid}" if link.linked_pmid else ""
                where = f"MEDLINE {link.tag}"
                for said in _link(link.pmid, link.ref_type, ident, where, link.reference):
                    if said.source_id in record_of:
                        rid = record_of[said.source_id]
                        found.append(Evidence(rid, name, said.flag, said.detail, said.target))
    return found


def refetch_evidence(folder: Path, service: str) -> list[Evidence]:
    """What the answers of one re-fetch (:mod:`livingreview.refetch`) say, each about the PMID
    or DOI it was asked for (or about the article a notice names)."""
    raw = RawArchive(folder / refetch.RAW)
    if not (raw.directory / "index.jsonl").exists():
        return []  # nothing was re-fetched
    fetched = {r.source_id: r for r in read_records(folder / refetch.RECORDS)}
    key = refetch.IDENTIFIER[service]
    source = f"refetch_{service}"
    statements = [
        *archive_statements(raw, service),
        *(_Said(e.record_id, e.flag, e.detail) for e in type_evidence(fetched.values())),
    ]
    found = []
    for said in statements:
        record = fetched.get(said.source_id) or fetched.get(said.source_id.split(":", 1)[-1])
        if record is None:
            continue
        target = said.target or f"{key}:{getattr(record, key)}"
        found.append(
            Evidence(record.record_id, source, said.flag, f"re-fetched: {said.detail}", target)
        )
    return found


def refetched_evidence(config: Mapping[str, Any]) -> list[Evidence]:
    """Evidence from every configured re-fetch that has run (a warning for one that has not)."""
    found = []
    for service in refetch.services(config):
        folder = refetch.output_dir(config, service)
        if not (folder / refetch.MANIFEST).exists():
            log.warning("refetch %s has not run: earlier studies not re-checked", service)
            continue
        found += refetch_evidence(folder, service)
    return found


def build_flags(config: Mapping[str, Any]) -> list[Flag]:
    """Write ``library/flags.csv`` and this version's evidence snapshot; return the flags."""
    outputs = Path(config["paths"]["outputs"])
    groups_path = outputs / "library" / "groups.csv"
    if not groups_path.exists():
        raise InputFileError(groups_path, "missing: run the library step first")
    current = read_records(outputs / "search" / "identified.csv")
    library, study_of = refetch.library_records(config, current)

    evidence = set(type_evidence(current))
    for name in enabled_sources(config):
        client = config["sources"][name]["client"]
        evidence.update(search_evidence(outputs / "search" / name, name, client))
    evidence.update(import_evidence(config))
    evidence.update(refetched_evidence(config))
    own = sorted(evidence)
    earlier = [item for path in history_inputs(config) for item in read_evidence(Path(path))]
    flags = resolve([*own, *earlier, *type_evidence(library.values())], library.values(), study_of)

    atomic_write_text(
        rounds.snapshot_dir(config) / SNAPSHOT,
        rounds.table_csv((asdict(e) for e in own), EVIDENCE_COLUMNS),
    )
    atomic_write_text(outputs / OUTPUT, rounds.table_csv((asdict(f) for f in flags), FLAG_COLUMNS))
    return flags
