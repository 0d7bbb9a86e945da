"""A version 2025.2 of the demo protocol that no longer runs three of version 2025.1's searches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from livingreview.config import load_config
from livingreview.fileio import write_json
from livingreview.report.amendments import methods_text
from tests.report.test_report import DEMO_CONFIG


def version_two_dropping_three(history: Path) -> dict[str, Any]:
    """The 2025.2 protocol (MEDLINE and OpenAlex turned off, the Google Scholar import dropped),
    with 2025.1's kept protocol and import manifest written under ``history``."""
    earlier = load_config(DEMO_CONFIG)
    config = load_config(DEMO_CONFIG)
    config["deduplication"]["history_dir"] = str(history)
    config["review"]["version"] = "2025.2"
    config["sources"]["medline"]["enabled"] = False
    config["sources"]["openalex"]["enabled"] = False
    del config["imports"]["google_scholar"]
    folder = history / "2025.1"
    (folder / "report").mkdir(parents=True)
    write_json(folder / "round.json", {"round": 1, "version": "2025.1"})
    (folder / "report/protocol.json").write_text(methods_text(earlier), encoding="utf-8")
    write_json(
        folder / "imports/google_scholar.json",
        {"import": "google_scholar", "searched_on": "2024-11-25"},
    )
    return config
