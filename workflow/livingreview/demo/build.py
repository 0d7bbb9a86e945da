"""Build the demo snapshot: raw-response archives recorded by the real clients, and export files."""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter

from livingreview.archive import RawArchive
from livingreview.config import load_config
from livingreview.demo import exports, services
from livingreview.demo.facts import allocate, read_facts, search_window
from livingreview.fileio import atomic_write_bytes
from livingreview.search import run_search
from livingreview.sources import get_client

SERVICES = {
    "pubmed": services.pubmed_service,
    "europepmc": services.europepmc_service,
    "openalex": services.openalex_service,
}
EXPORT_WRITERS = {
    "wos": lambda papers, day: exports.web_of_science_ris(papers),
    "psycinfo": lambda papers, day: exports.psycnet_ris(papers),
    "google_scholar": exports.google_scholar_pop_csv,
}


class InProcessAdapter(BaseAdapter):
    """A requests transport that answers from a function instead of the network."""

    def __init__(self, service: services.Service) -> None:
        super().__init__()
        self.service = service

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Answer one prepared request."""
        parts = urlsplit(request.url or "")
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if request.body:
            body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
            params.update({k: v[-1] for k, v in parse_qs(body).items()})
        status, content_type, content = self.service(request.method or "GET", parts.path, params)
        response = requests.Response()
        response.status_code = status
        response._content = content
        response.headers["Content-Type"] = content_type
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def demo_config_files(demo_dir: Path) -> list[Path]:
    """The shipped protocol plus the demo's overrides."""
    return [demo_dir.parent / "config" / "config.yaml", demo_dir / "config.yaml"]


def _record_api_source(
    config: Mapping[str, Any], name: str, service: services.Service, target: Path, ran_at: str
) -> None:
    client = get_client(config["sources"][name]["client"])
    live = copy.deepcopy(dict(config))
    live["search"]["mode"] = "live"
    live["sources"][name]["min_interval"] = 0.0
    session = requests.Session()
    session.mount(client.default_base_url, InProcessAdapter(service))
    with tempfile.TemporaryDirectory() as tmp:
        # A search keeps its answers in the round's history folder and replays them when run
        # again: the demo's own history there (a `make demo`) must neither answer nor be written.
        live["deduplication"]["history_dir"] = str(Path(tmp) / "history")
        run_search(live, name, Path(tmp), session=session, sleep=lambda _s: None)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(Path(tmp) / "raw", target)
    archive = RawArchive(target)
    meta = archive.read_meta()
    meta.update({"ran_at": ran_at, "software_version": "demo snapshot"})
    archive.write_meta(meta)


def build_demo(facts: Path, demo_dir: Path) -> int:
    """(Re)write the demo's snapshot archives and export files; return the number of files.

    Paths in the demo config are relative to the repository root (``demo_dir``'s parent).
    """
    root = demo_dir.parent
    config = load_config(demo_config_files(demo_dir))
    papers = read_facts(facts)
    holdings = allocate(papers, lambda name: search_window(config, name))
    searched_on = config["search"]["date_range"]["to"]
    written = 0
    for name, source in config["sources"].items():
        factory = SERVICES[source["client"]]
        target = root / config["search"]["replay_dir"] / name
        _record_api_source(
            config, name, factory(holdings[name]), target, f"{searched_on}T15:00:00+00:00"
        )
        written += sum(1 for _ in target.iterdir())
    human = root / config["paths"]["human_input"]
    for name, spec in config["imports"].items():
        body = EXPORT_WRITERS[name](holdings[name], spec["searched_on"])
        atomic_write_bytes(human / spec["files"][0], body)
        written += 1
    return written
