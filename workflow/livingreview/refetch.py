"""Re-fetch, by identifier, the studies earlier rounds kept in the review.

An update round's date window returns new records only, so a retraction or correction published
later for a study included in an earlier round would go unseen. Each round therefore asks PubMed
(EFetch by PMID), Crossref (``works/{doi}``) and OpenAlex (``works?filter=doi:a|b``) again
for every PMID and DOI of those studies, through the same HTTP layer as the searches (retries,
pacing, raw-response archive, replay). :mod:`livingreview.flags` reads the answers.

Which studies (``search.refetch.studies``): ``in_review`` (default) = included at title/abstract
(or found by other methods only, sought at full text directly) and not excluded at full text;
``included`` = included at full text. Only studies of rounds before the current one: this round's
own search has just fetched the others. Per service
(``search.refetch.services``), ``<outputs>/refetch/<service>/`` holds ``records.csv``, ``raw/``
and ``manifest.json``; in replay mode the answers come from ``<replay_dir>/refetch/<service>/``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livingreview import __version__, kept_searches
from livingreview.archive import RawArchive
from livingreview.config import enabled_sources
from livingreview.dedup import rounds
from livingreview.errors import ConfigError, InputFileError, ReplayError
from livingreview.fileio import read_csv_table, write_json
from livingreview.records import (
    Record,
    assign_ids,
    read_record_fields,
    read_records,
    write_records,
)
from livingreview.round_state import manifest_round

if TYPE_CHECKING:  # the HTTP layer loads only when something is re-fetched
    from livingreview.http import HttpClient

log = logging.getLogger("livingreview.refetch")

FOLDER = "refetch"
RECORDS = "records.csv"
MANIFEST = "manifest.json"
RAW = "raw"
#: Which identifier each service is asked by.
IDENTIFIER = {"pubmed": "pmid", "crossref": "doi", "openalex": "doi"}
#: The API key variable used when no search of the service names one.
DEFAULT_KEY_ENV = {"pubmed": "NCBI_API_KEY", "openalex": "OPENALEX_API_KEY"}

Fetch = Callable[["HttpClient", Sequence[str]], tuple[list[Record], list[str]]]


def fetcher(service: str) -> Fetch:
    """How ``service`` is asked for a list of identifiers."""
    from livingreview.sources.crossref import fetch_dois as crossref_dois
    from livingreview.sources.openalex import fetch_dois as openalex_dois
    from livingreview.sources.pubmed import fetch_pmids

    fetch: dict[str, Fetch] = {
        "pubmed": lambda http, ids: fetch_pmids(http, ids, source="refetch_pubmed"),
        "crossref": crossref_dois,
        "openalex": openalex_dois,
    }
    return fetch[service]


def services(config: Mapping[str, Any]) -> list[str]:
    """The services re-asked each round (``search.refetch.services``; [] = off)."""
    return list(config["search"]["refetch"]["services"])


def output_dir(config: Mapping[str, Any], service: str) -> Path:
    """``<outputs>/refetch/<service>``."""
    return Path(config["paths"]["outputs"]) / FOLDER / service


def replay_dir(config: Mapping[str, Any], service: str, purpose: str = FOLDER) -> Path:
    """``<replay_dir>/<purpose>/<service>`` (``refetch/<service>``): the recorded answers
    replayed in replay mode."""
    return Path(config["search"]["replay_dir"]) / purpose / service


# -- which studies, which identifiers --------------------------------------------------------


def _study_rounds(path: Path) -> dict[str, int]:
    """Study id -> round of a full-text stage table."""
    rows = read_csv_table(path, ("study_id", "round"), "missing: run `livingreview fulltext` first")
    return {row["study_id"]: int(row["round"]) for row in rows}


def studies_to_refetch(config: Mapping[str, Any]) -> list[str]:
    """Study ids of earlier rounds still in the review (or included, per config), sorted."""
    from livingreview.fulltext.stage import OUTPUTS, current_round, sought_reports

    outputs = Path(config["paths"]["outputs"])
    included = _study_rounds(outputs / OUTPUTS["included"])
    if config["search"]["refetch"]["studies"] == "included":
        chosen = included
    else:
        excluded = _study_rounds(outputs / OUTPUTS["excluded"])
        chosen = {
            study: number
            for study, number in sought_reports(config)[0].items()  # other methods' too
            if study in included or study not in excluded
        }
    now = current_round(outputs)
    return sorted(study for study, number in chosen.items() if number < now)


#: The fields of earlier rounds' records that re-fetching and flagging read.
IDENTITY_FIELDS = ("record_id", "source", "pmid", "doi", "publication_types")


def library_records(
    config: Mapping[str, Any], current: Sequence[Record] | None = None
) -> tuple[dict[str, Record], dict[str, str]]:
    """Every library record (earlier rounds' with only :data:`IDENTITY_FIELDS` read, and this
    round's) and its study id; ``current``: this round's records when the caller has already
    read them."""
    outputs = Path(config["paths"]["outputs"])
    groups = rounds.read_table(outputs / "library" / "groups.csv", rounds.GROUP_COLUMNS)
    library: dict[str, Record] = {}
    for folder in rounds.earlier_snapshots(rounds.history_dir(config), config["review"]["version"]):
        for record in read_record_fields(folder / "records.csv", IDENTITY_FIELDS):
            library[record.record_id] = record
    if current is None:
        current = read_records(outputs / "search" / "identified.csv")
    library.update((r.record_id, r) for r in current)
    return library, {row["record_id"]: row["study_id"] for row in groups}


def identifiers(
    studies: Sequence[str], records: Mapping[str, Record], study_of: Mapping[str, str], kind: str
) -> list[str]:
    """Every distinct PMID or DOI (``kind``) the studies' records carry, sorted."""
    wanted = set(studies)
    found = {
        getattr(record, kind)
        for rid, record in records.items()
        if study_of.get(rid) in wanted and getattr(record, kind)
    }
    return sorted(found)


# -- the service -----------------------------------------------------------------------------


def service_entry(config: Mapping[str, Any], service: str) -> dict[str, Any]:
    """How to reach ``service``: its first search (base URL, key, pacing), else defaults."""
    for name in enabled_sources(config):
        if config["sources"][name]["client"] == service:
            return dict(config["sources"][name])
    return {"client": service, "query": "", "api_key_env": DEFAULT_KEY_ENV.get(service, "")}


def http_client(
    config: Mapping[str, Any],
    service: str,
    archive: RawArchive,
    state_dir: Path | None = None,
    kept: RawArchive | None = None,
    *,
    purpose: str = FOLDER,
    entry: Mapping[str, Any] | None = None,
) -> HttpClient:
    """The service's :class:`HttpClient`: live, or answering from the recorded archive (``kept``:
    this round's kept re-fetch, replayed instead of asking the service). ``purpose`` names the
    requests (``<purpose>_<service>``) and the folder of ``replay_dir`` they are replayed from;
    ``entry``: how to reach the service (default :func:`service_entry`)."""
    from livingreview.http import HttpClient
    from livingreview.search import build_settings
    from livingreview.sources import get_client

    name = f"{purpose}_{service}"
    settings = build_settings(
        {**config, "sources": {name: dict(entry or service_entry(config, service))}},
        name,
        get_client(service),
    )
    replay = kept
    if config["search"].get("mode") == "replay":
        replay = RawArchive(replay_dir(config, service, purpose))
        replay.read_meta()  # a missing recording is named before anything is asked
    return HttpClient(settings, archive=archive, replay=replay, state_dir=state_dir)


def drop_answers(out: Path, answers: Sequence[str]) -> None:
    """``out`` created without the ``answers`` files of an earlier run: a refused or interrupted
    run never passes as complete."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in answers:
        (out / stale).unlink(missing_ok=True)


def require_recording(
    config: Mapping[str, Any], service: str, purpose: str, out: Path, what: str
) -> None:
    """In replay mode, a missing recording of ``<replay_dir>/<purpose>/<service>`` (of ``what``:
    "re-fetch") is named, with what to do, before anything is asked and before ``out/raw`` (the
    live run's recording one would copy there) is emptied."""
    if config["search"].get("mode") != "replay":
        return
    recorded = replay_dir(config, service, purpose)
    if not (recorded / "meta.json").is_file():
        raise InputFileError(
            recorded / "meta.json",
            f"missing: search.mode is replay and no {service} {what} was recorded there: copy "
            f"the raw/ folder of a live run ({out / RAW}) to that folder, or run it live "
            "(search.mode: live)",
        )


def fresh_archive(out: Path) -> RawArchive:
    """The empty raw archive ``out/raw`` of this run."""
    archive = RawArchive(out / RAW)
    archive.reset()
    return archive


def write_archive_meta(archive: RawArchive, http: HttpClient, service: str) -> str:
    """Write the raw archive's ``meta.json`` (the recorded run's time when replayed, else now);
    returns that time."""
    if http.replay is not None:
        ran_at = str(http.replay.read_meta()["ran_at"])
    else:
        ran_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    archive.write_meta(
        {"source": http.settings.name, "client": service, "ran_at": ran_at}
        | {"software_version": __version__, "base_url": http.settings.shown_base_url}
    )
    return ran_at


def run_refetch(
    config: Mapping[str, Any], service: str, *, state_dir: Path | None = None
) -> dict[str, Any]:
    """Re-fetch the studies' identifiers from ``service``; write records, raw answers, manifest."""
    if service not in IDENTIFIER:
        raise ConfigError(
            f"refetch: unknown service {service!r} (expected one of: {', '.join(IDENTIFIER)})"
        )
    out = output_dir(config, service)
    drop_answers(out, (MANIFEST, RECORDS))
    studies = studies_to_refetch(config)
    # a first round has no earlier studies: the library need not be read
    records, study_of = library_records(config) if studies else ({}, {})
    kind = IDENTIFIER[service]
    wanted = identifiers(studies, records, study_of, kind)
    if wanted:
        require_recording(config, service, FOLDER, out, "re-fetch")
    archive = fresh_archive(out)
    found: list[Record] = []
    missing: list[str] = []
    ran_at = ""
    mode = config["search"].get("mode", "live")
    kept = None
    if wanted:
        kept = kept_searches.kept_archive(config, kept_searches.REFETCHES, service)
        http = http_client(config, service, archive, state_dir, kept)
        log.info("%s: re-fetching %d %ss of %d studies", service, len(wanted), kind, len(studies))
        try:
            found, missing = fetcher(service)(http, wanted)
        except ReplayError:
            if kept is None:
                raise
            # this round's kept re-fetch asked for fewer identifiers (a study included since)
            log.info("%s: this round's kept re-fetch asked for less: fetching again", service)
            archive.reset()
            kept = None
            http = http_client(config, service, archive, state_dir)
            found, missing = fetcher(service)(http, wanted)
        ran_at = write_archive_meta(archive, http, service)
    found = assign_ids(f"refetch_{service}", found)
    manifest = {
        "service": service,
        "identifier": kind,
        "studies": len(studies),
        "asked": len(wanted),
        "returned": len(found),
        "not_found": missing,
        "mode": mode,
        "ran_at": ran_at,
        "round": manifest_round(config),
        "software_version": __version__,
    }
    write_records(out / RECORDS, found)
    write_json(out / MANIFEST, manifest)
    if wanted and kept is None and mode == "live":
        kept_searches.keep(config, kept_searches.REFETCHES, service, archive)
    return manifest
