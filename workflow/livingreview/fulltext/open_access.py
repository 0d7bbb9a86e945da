"""Open-access copies of the reports sought at full text, asked of OpenAlex by DOI.

Database exports (Web of Science, Scopus, PsycNet, Google Scholar) name no open-access copy, so
a report found only there has an empty ``free_full_text`` cell in the full-text sheet. With
``full_text.open_access.services: [openalex]`` each report sought (:func:`sought_reports`) with
a DOI and no http(s) ``oa_url`` in its library row is asked of OpenAlex
(``works?filter=doi:a|b``, 50 DOIs a request) through the HTTP layer of the searches and
re-fetches (retries, pacing, raw archive, replay). ``<outputs>/fulltext/open_access/<service>/``
holds ``links.csv`` (one row per report asked: study id, DOI, the open-access URL OpenAlex names
or blank, the work), ``raw/`` and ``manifest.json``; in replay mode the answers come from
``<replay_dir>/open_access/<service>/``. The full-text step then fills ``oa_url`` from it for
reports whose library row names no http(s) copy (:func:`with_links`). Off (``[]``) by default:
nothing is asked and nothing is read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livingreview import __version__, refetch
from livingreview.errors import ConfigError, InputFileError
from livingreview.fileio import atomic_write_text, read_csv_table, write_json
from livingreview.records import Record, normalise_doi
from livingreview.reviewforms import table_text
from livingreview.round_state import manifest_round
from livingreview.sheets import web_address

if TYPE_CHECKING:  # the HTTP layer loads only when something is asked
    from livingreview.http import HttpClient

log = logging.getLogger("livingreview.fulltext.open_access")

FOLDER = "fulltext/open_access"
PURPOSE = "open_access"  # request names and the folder of replay_dir replayed from
LINKS = "links.csv"
MANIFEST = "manifest.json"
COLUMNS = ("study_id", "doi", "oa_url", "work")
COMMAND = "livingreview open-access"


def services(config: Mapping[str, Any]) -> list[str]:
    """The services asked (``full_text.open_access.services``; [] = off)."""
    return list(config["full_text"]["open_access"]["services"])


def output_dir(config: Mapping[str, Any], service: str) -> Path:
    """``<outputs>/fulltext/open_access/<service>``."""
    return Path(config["paths"]["outputs"]) / FOLDER / service


def reports_to_ask(config: Mapping[str, Any]) -> tuple[int, dict[str, str]]:
    """How many reports are sought, and study id -> DOI of those with a DOI and no http(s)
    ``oa_url``."""
    from livingreview.fulltext.stage import LIBRARY_CHANGELOG, report_library, sought_reports
    from livingreview.fulltext.studies import merged_into

    outputs = Path(config["paths"]["outputs"])
    sought = sought_reports(config)[0]
    _, library = report_library(outputs, sought, merged_into(outputs / LIBRARY_CHANGELOG))
    wanted = {}
    for study in sorted(sought):
        row = library.get(study, {})
        doi = normalise_doi(row.get("doi", ""))
        if doi and not web_address(row.get("oa_url", "")):
            wanted[study] = doi
    return len(sought), wanted


def open_copies(found: Sequence[Record]) -> dict[str, tuple[str, str]]:
    """DOI -> (open-access URL, OpenAlex work id): of the works sharing a DOI (OpenAlex keeps
    duplicates), the one with the lowest id (W9 before W10) naming an http(s) copy, else the
    lowest id, with no URL."""
    answers = [(r.oa_url if web_address(r.oa_url) else "", r.source_id, r.doi) for r in found]
    copies: dict[str, tuple[str, str]] = {}
    for url, work, doi in sorted(answers, key=lambda a: (not a[0], len(a[1]), a[1])):
        copies.setdefault(doi, (url, work))
    return copies


def service_entry(config: Mapping[str, Any], service: str) -> dict[str, Any]:
    """How to reach ``service``: as the re-fetches do, the key in its default variable
    (``OPENALEX_API_KEY``) when its search names none."""
    entry = refetch.service_entry(config, service)
    entry["api_key_env"] = entry.get("api_key_env") or refetch.DEFAULT_KEY_ENV.get(service, "")
    return entry


def _require_key(
    config: Mapping[str, Any], entry: Mapping[str, Any], service: str, http: HttpClient
) -> None:
    """A live request to OpenAlex without its API key is refused before anything is asked."""
    if http.replay is not None:
        return
    if service == "openalex" and not http.settings.secret_params.get("api_key"):
        variable = entry["api_key_env"]
        raise ConfigError(
            f"full_text.open_access: OpenAlex requires an API key and none was found: set the "
            f"environment variable {variable} (or write {variable}=... in "
            f"{config['search'].get('secrets_file', 'secrets.env')})"
        )


def run_open_access(
    config: Mapping[str, Any], service: str, *, state_dir: Path | None = None
) -> dict[str, Any]:
    """Ask ``service`` for open-access copies of the reports sought; write links, raw, manifest."""
    if service not in services(config):
        raise ConfigError(
            f"open access: service {service!r} is not in full_text.open_access.services "
            f"({', '.join(services(config)) or 'empty: the lookup is off'})"
        )
    out = output_dir(config, service)
    refetch.drop_answers(out, (MANIFEST, LINKS))
    sought, wanted = reports_to_ask(config)
    dois = sorted(set(wanted.values()))
    if dois:
        refetch.require_recording(config, service, PURPOSE, out, "open-access lookup")
    archive = refetch.fresh_archive(out)
    copies: dict[str, tuple[str, str]] = {}
    missing: list[str] = []
    ran_at = ""
    if dois:
        entry = service_entry(config, service)
        http = refetch.http_client(
            config, service, archive, state_dir, purpose=PURPOSE, entry=entry
        )
        _require_key(config, entry, service, http)
        log.info("%s: asking for open-access copies of %d reports", service, len(wanted))
        found, missing = refetch.fetcher(service)(http, dois)
        copies = open_copies(found)
        ran_at = refetch.write_archive_meta(archive, http, service)
    rows = [
        {"study_id": study, "doi": doi, "oa_url": copies.get(doi, ("", ""))[0]}
        | {"work": copies.get(doi, ("", ""))[1]}
        for study, doi in wanted.items()
    ]
    manifest = {
        "service": service,
        "reports_sought": sought,
        "asked": len(wanted),
        "dois_asked": len(dois),
        "open_copies": sum(1 for row in rows if row["oa_url"]),
        "not_found": missing,
        "mode": config["search"].get("mode", "live"),
        "ran_at": ran_at,
        "round": manifest_round(config),
        "software_version": __version__,
    }
    atomic_write_text(out / LINKS, table_text(COLUMNS, rows))
    write_json(out / MANIFEST, manifest)  # last: its presence says the answer is complete
    return manifest


def read_links(config: Mapping[str, Any]) -> dict[str, str]:
    """Study id -> open-access URL found by the services asked (the first service's first)."""
    links: dict[str, str] = {}
    for service in services(config):
        folder = output_dir(config, service)
        missing = f"missing: run `{COMMAND} {service}` first"
        if not (folder / MANIFEST).is_file():  # links.csv without it: an interrupted lookup
            raise InputFileError(folder / MANIFEST, missing)
        for row in read_csv_table(folder / LINKS, COLUMNS, missing):
            if row["oa_url"]:
                links.setdefault(row["study_id"], row["oa_url"])
    return links


def with_links(
    config: Mapping[str, Any], library: dict[str, Mapping[str, str]]
) -> dict[str, Mapping[str, str]]:
    """``library`` with each report's ``oa_url`` filled from the lookup where its row names no
    http(s) copy (unchanged, and nothing read, when the lookup is off)."""
    if not services(config):
        return library
    links = read_links(config)
    return {
        study: {**row, "oa_url": links[study]}
        if study in links and not web_address(row.get("oa_url", ""))
        else row
        for study, row in library.items()
    }


def outcome_line(service: str, manifest: Mapping[str, Any]) -> str:
    """What a lookup found, in one line (its manifest's counts)."""
    return (
        f"open access {service}: {manifest['open_copies']} open-access copies for "
        f"{manifest['asked']} reports asked of {manifest['reports_sought']} sought "
        f"({len(manifest['not_found'])} DOIs not found)"
    )
