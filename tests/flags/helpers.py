"""Helpers for the flag tests: search folders built from real payloads, as a search leaves them."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from livingreview.archive import RawArchive
from livingreview.config import validate_config
from livingreview.dedup.library import build_library
from livingreview.http import Response
from livingreview.records import Record, assign_ids, write_records
from livingreview.sources.crossref import map_item
from livingreview.sources.europepmc import parse_page
from livingreview.sources.openalex import map_work
from livingreview.sources.pubmed_xml import parse_efetch

CLIENTS = {"pm": "pubmed", "epmc": "europepmc", "cr": "crossref", "oa": "openalex"}
PATHS = {"pubmed": "efetch.fcgi", "europepmc": "search", "crossref": "works", "openalex": "works"}


def protocol(tmp: Path, version: str = "1") -> dict[str, Any]:
    """A protocol with one search per client, outputs and library history under ``tmp``."""
    sources = {name: {"client": client, "query": "q"} for name, client in CLIENTS.items()}
    return validate_config(
        {
            "review": {"id": "t", "title": "T", "question": "Q?", "version": version},
            "paths": {"human_input": str(tmp / "human"), "outputs": str(tmp / "outputs")},
            "search": {"secrets_file": str(tmp / "none.env")},
            "sources": sources,
            "imports": {},
            "deduplication": {"history_dir": str(tmp / "history")},
        }
    )


def _records(client: str, body: bytes) -> list[Record]:
    if client == "pubmed":
        return parse_efetch(body)
    data = json.loads(body)
    if client == "europepmc":
        return parse_page(data, "*").records
    if client == "crossref":
        items = data["message"].get("items", [data["message"]])
        return [map_item(item) for item in items]
    return [map_work(work) for work in data.get("results", [data])]


def write_search(config: dict[str, Any], name: str, bodies: Sequence[bytes]) -> list[Record]:
    """``search/<name>/records.csv`` and ``raw/`` as a search of these response bodies writes."""
    client = CLIENTS[name]
    folder = Path(config["paths"]["outputs"]) / "search" / name
    archive = RawArchive(folder / "raw")
    archive.reset()
    found: list[Record] = []
    kind = "text/xml" if client == "pubmed" else "application/json"
    for page, body in enumerate(bodies):
        archive.save("GET", PATHS[client], {"page": str(page)}, Response(200, body, kind, {}))
        found += _records(client, body)
    records = assign_ids(name, found)
    write_records(folder / "records.csv", records)
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    return records


def run_round(
    config: dict[str, Any], searches: dict[str, Sequence[bytes]], step: Callable[..., Any]
) -> Any:
    """Write every search (an absent one returns nothing), the library, then run ``step``."""
    identified: list[Record] = []
    for name in CLIENTS:
        identified += write_search(config, name, searches.get(name, []))
    out = Path(config["paths"]["outputs"])
    write_records(out / "search" / "identified.csv", identified)
    build_library(config)
    return step(config)
