"""Hardening tests (issue 9): faults, hostile input, secrets, fuzzing and cluster profiles.

Shared here: a protocol writer for search-stage runs against the local replay server, and two
real Europe PMC pages holding different records that, once both report the same total and the
real empty page ends them, make a complete two-page search.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.replay_server import Answer, ReplayServer

EPMC_CORE = "europepmc/epmc_search_core_cancer.json"  # 25 results, nextCursorMark CURSOR_2
# the same 25 records as EPMC_CORE (lite fields), echoing CURSOR_2: a repeated page, the end
EPMC_LITE = "europepmc/epmc_search_lite_cancer.json"
EPMC_PAGE_2 = "europepmc/epmc_searchPOST_cancer.json"  # 25 other results, nextCursorMark CURSOR_3
EPMC_END = "europepmc/epmc_search_no_results.json"  # no results, no nextCursorMark: the end
CURSOR_2 = "AoIIP4ZawSg1MzEyODI1MA=="
CURSOR_3 = "AoIIQM+luyg1MTc3NTM5Mw=="


def write_protocol(tmp_path: Path, sources: dict[str, dict[str, Any]], **search: object) -> Path:
    """A protocol with ``sources`` (no pacing, two tries unless given), outputs under tmp_path."""
    for spec in sources.values():
        spec.setdefault("min_interval", 0)
        spec.setdefault("max_tries", 2)
    config = {
        "review": {"id": "t", "title": "Hardening", "question": "Q?", "version": "1"},
        "paths": {"human_input": str(tmp_path / "human"), "outputs": str(tmp_path / "outputs")},
        "search": {"secrets_file": str(tmp_path / "secrets.env"), **search},
        "sources": sources,
        "imports": {},
        # a live search keeps its responses with the round's snapshot (kept_searches)
        "deduplication": {"history_dir": str(tmp_path / "history")},
    }
    path = tmp_path / f"protocol-{len(list(tmp_path.glob('protocol-*')))}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def epmc_source(**kw: object) -> dict[str, dict[str, Any]]:
    """``sources.epmc``: a Europe PMC search paged 25 at a time."""
    return {"epmc": {"client": "europepmc", "query": "cancer", "batch_size": 25, **kw}}


def epmc_page(sources_dir: Path, name: str, hit_count: int) -> bytes:
    """A real Europe PMC page re-serialised with only ``hitCount`` changed."""
    data = json.loads((sources_dir / name).read_bytes())
    data["hitCount"] = hit_count
    return json.dumps(data).encode("utf-8")


def cursor_is(value: str) -> Callable[[dict[str, str]], bool]:
    """Matches Europe PMC requests sending this cursorMark."""
    return lambda params: params.get("cursorMark") == value


def serve_two_epmc_pages(
    server: ReplayServer,
    sources_dir: Path,
    *second: Answer,
    total: int = 50,
    second_total: int | None = None,
) -> None:
    """Page 1 (cursor ``*``) and page 2 (CURSOR_2), both reporting ``total`` unless told, then
    the empty end page (CURSOR_3): 50 distinct records in three requests.

    ``second`` answers, if given, come before the real page 2 (faults injected on page 2).
    """
    page_2 = epmc_page(sources_dir, EPMC_PAGE_2, total if second_total is None else second_total)
    server.add(
        "GET",
        "/rest/search",
        Answer(epmc_page(sources_dir, EPMC_CORE, total), match=cursor_is("*")),
        *(_on_page_2(answer) for answer in second),
        Answer(page_2, match=cursor_is(CURSOR_2)),
        Answer.file(sources_dir / EPMC_END, match=cursor_is(CURSOR_3)),
    )


def _on_page_2(answer: Answer) -> Answer:
    answer.match = cursor_is(CURSOR_2)
    return answer


def epmc_env(server: ReplayServer) -> dict[str, str]:
    """Point the Europe PMC client at the replay server."""
    return {"LIVINGREVIEW_EUROPEPMC_BASE_URL": server.url + "/rest/"}


def output_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path (hidden temp files included)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
