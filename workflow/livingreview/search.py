"""Run one configured search (live or replayed) and write its records and PRISMA-S manifest."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from livingreview import __version__, kept_searches
from livingreview.archive import RawArchive
from livingreview.config import configured_entry
from livingreview.errors import IncompleteSearchError, ReplayError
from livingreview.fileio import write_json
from livingreview.http import HttpClient, ServiceSettings
from livingreview.records import assign_ids, write_records
from livingreview.round_state import manifest_round
from livingreview.secrets import lookup
from livingreview.sources import SearchClient, SearchSpec, get_client
from livingreview.sources.base import log_progress

log = logging.getLogger("livingreview.search")

RECORDS = "records.csv"
MANIFEST = "manifest.json"
INCOMPLETE = "manifest.incomplete.json"
RAW = "raw"


def build_spec(config: Mapping[str, Any], name: str) -> SearchSpec:
    """The search spec of ``sources.<name>``, with review-wide limits as defaults."""
    source = configured_entry(config, "sources", name, "source")
    search = config.get("search", {})
    dates = source.get("date_range") or search.get("date_range") or {}
    options = {k: source[k] for k in ("filter", "query_field") if k in source}
    return SearchSpec(
        name=name,
        client=source["client"],
        query=" ".join(source["query"].split()),
        date_from=dates.get("from", ""),
        date_to=dates.get("to", ""),
        date_field=source.get("date_field", ""),
        languages=list(source.get("languages") or search.get("languages") or []),
        publication_types=list(source.get("publication_types") or []),
        batch_size=int(source.get("batch_size") or 0),
        max_records=int(source.get("max_records") or 0),
        options=options,
    )


def build_settings(config: Mapping[str, Any], name: str, client: SearchClient) -> ServiceSettings:
    """Where and how to reach the service; secrets come from env or the untracked secrets file."""
    source = config["sources"][name]
    search = config.get("search", {})
    secrets_file = Path(search.get("secrets_file", "secrets.env"))
    env_url = os.environ.get(f"LIVINGREVIEW_{client.kind.upper()}_BASE_URL", "")
    settings = ServiceSettings(
        name=name,
        base_url=env_url or source.get("base_url") or client.default_base_url,
        min_interval=float(source.get("min_interval", client.default_min_interval)),
        max_tries=int(source.get("max_tries", 6)),
        user_agent=f"livingreview/{__version__}",
    )
    # Searches of one service share its budget (NCBI counts per IP, not per configured search).
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", urlsplit(settings.shown_base_url).netloc) or "local"
    settings.pace_key = f"{client.kind}-{host}"
    key = lookup(source.get("api_key_env", ""), secrets_file)
    if key and client.api_key_param:
        settings.secret_params[client.api_key_param] = key
        if client.kind == "pubmed":  # NCBI allows 10 requests/s with a key instead of 3
            settings.min_interval = min(settings.min_interval, 0.11)
    elif key and client.kind == "crossref":  # Metadata Plus subscribers
        settings.secret_headers["Crossref-Plus-API-Token"] = f"Bearer {key}"
    email = lookup(search.get("contact_email_env", "LIVINGREVIEW_EMAIL"), secrets_file)
    if email and client.email_param:
        settings.secret_params[client.email_param] = email
    if client.kind == "pubmed":
        settings.public_params["tool"] = "livingreview"
    return settings


def run_search(
    config: Mapping[str, Any],
    name: str,
    out_dir: Path,
    *,
    state_dir: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
    session: requests.Session | None = None,
) -> dict[str, Any]:
    """Run ``sources.<name>``, write ``records.csv``, ``manifest.json`` and ``raw/`` in ``out_dir``.

    ``session`` lets the demo builder serve generated responses in-process (no network).

    A search that retrieves fewer records than the service reported writes
    ``manifest.incomplete.json`` instead and raises :class:`IncompleteSearchError`.
    """
    spec = build_spec(config, name)
    client = get_client(spec.client)
    settings = build_settings(config, name, client)
    search = config.get("search", {})
    out_dir.mkdir(parents=True, exist_ok=True)
    # A run starts from scratch: a search is one snapshot in time, so pages of an interrupted run
    # are never mixed with a new one, and nothing of an earlier run is left to pass as this one's.
    for stale in (MANIFEST, INCOMPLETE, RECORDS):
        (out_dir / stale).unlink(missing_ok=True)
    archive = RawArchive(out_dir / RAW)
    archive.reset()
    replay = None
    if search.get("mode") == "replay":
        replay = RawArchive(Path(search["replay_dir"]) / name)
        recorded = replay.read_meta()
    kept = kept_searches.kept_archive(config, kept_searches.SEARCHES, name)
    if kept is not None:  # this round searched it already: the same answers, not new ones
        replay, recorded = kept, kept.read_meta()
        log.info("%s: replaying this round's kept search of %s", name, recorded.get("ran_at", ""))
    http = HttpClient(
        settings, archive=archive, replay=replay, state_dir=state_dir, sleep=sleep, session=session
    )
    shown = settings.shown_base_url
    log.info("%s: searching %s (%s mode)", name, shown, search.get("mode", "live"))
    failure: IncompleteSearchError | None = None
    try:
        outcome = client.search(http, spec, log_progress(name))
    except ReplayError as exc:
        if kept is None:
            raise
        raise kept_searches.changed_search(name, kept, exc) from None
    except IncompleteSearchError as exc:
        partial = getattr(exc, "outcome", None)
        if partial is None:
            raise
        outcome, failure = partial, exc  # recorded below as an incomplete search, then raised
    records = assign_ids(name, outcome.records)
    if replay is not None:
        ran_at = recorded["ran_at"]
        recorded_with = recorded.get("software_version", "")
    else:
        ran_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        recorded_with = __version__
    source = config["sources"][name]
    manifest: dict[str, Any] = {
        "source": name,
        "kind": "api_search",
        "client": spec.client,
        "database": source.get("database", name),
        "platform": source.get("platform", spec.client),
        "base_url": shown,
        "endpoint": outcome.endpoint,
        "query": spec.query,
        "query_sent": outcome.query_sent,
        "date_range": {"from": spec.date_from, "to": spec.date_to, "field": spec.date_field},
        "languages": spec.languages,
        "publication_types": spec.publication_types,
        "ran_at": ran_at,
        "round": manifest_round(config),
        "mode": search.get("mode", "live"),
        "reported_total": outcome.reported_total,
        "retrieved": outcome.retrieved,
        "complete": failure is None and outcome.retrieved >= outcome.reported_total,
        "raw_responses": len(archive.entries())
        if (archive.directory / "index.jsonl").exists()
        else 0,
        "software_version": __version__,
        "recorded_with": recorded_with,
        "details": outcome.details,
    }
    archive.write_meta(
        {k: manifest[k] for k in ("source", "client", "query_sent", "ran_at", "reported_total")}
        | {"software_version": recorded_with, "base_url": shown}
    )
    if not manifest["complete"]:
        if failure is not None:
            manifest["incomplete_reason"] = str(failure)
        write_json(out_dir / INCOMPLETE, manifest)
        if failure is not None:  # its own message says what went wrong (repeats, a page...)
            raise IncompleteSearchError(
                f"{name}: the search is incomplete (see {out_dir / INCOMPLETE}): {failure}"
            )
        raise IncompleteSearchError(
            f"{name}: retrieved {outcome.retrieved} of {outcome.reported_total} records the "
            f"service reported; the search is incomplete (see {out_dir / INCOMPLETE})"
        )
    write_records(out_dir / RECORDS, records)
    write_json(out_dir / MANIFEST, manifest)
    log.info("%s: %d records written to %s", name, len(records), out_dir / RECORDS)
    if kept is None and search.get("mode", "live") == "live":
        kept_searches.keep(config, kept_searches.SEARCHES, name, archive)
    return manifest
