"""`round new` in a review that only imports database exports: the previous round's last search
is the latest `searched_on` of its own exports (their manifests' `ran_at`), as for API searches
it is their `ran_at`; a run with both keeps the API searches' date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livingreview.errors import ConfigError
from livingreview.round_state import last_search_date

ROUND_ONE = {"version": "2025.1"}  # an import-only first round: no window of its own


def _manifest(outputs: Path, name: str, kind: str, ran_at: str, imported_in: str = "") -> None:
    manifest = {"kind": kind, "ran_at": ran_at, "round": {"version": "2025.1"}}
    if kind == "database_export":
        manifest["imported_in"] = imported_in
    folder = outputs / "search" / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_an_import_only_round_last_searched_on_its_latest_export(tmp_path: Path) -> None:
    config = {"paths": {"outputs": str(tmp_path)}}
    _manifest(tmp_path, "medline", "database_export", "2024-11-25", "2025.1")
    _manifest(tmp_path, "embase", "database_export", "2024-11-27", "2025.1")
    _manifest(tmp_path, "central", "database_export", "2024-12-20", "2024.9")  # an older round's
    assert last_search_date(config, ROUND_ONE) == "2024-11-27"
    _manifest(tmp_path, "pubmed", "api_search", "2024-11-20T10:00:00Z")
    assert last_search_date(config, ROUND_ONE) == "2024-11-20"  # the API searches' window


def test_a_round_with_only_exports_of_earlier_rounds_still_asks_for_from(tmp_path: Path) -> None:
    config = {"paths": {"outputs": str(tmp_path)}}
    _manifest(tmp_path, "central", "database_export", "2024-11-25", "2024.9")
    with pytest.raises(ConfigError, match=r"no search or database export of it .* pass --from"):
        last_search_date(config, ROUND_ONE)
    assert last_search_date(config, {**ROUND_ONE, "search_to": "2024-12-01"}) == "2024-12-01"
