"""A later round's snapshot left in the history folder stops the library before it reads anything.

Going back to an earlier version (review.version set back, or the last round cut from
rounds.yaml) would make that round again beside a round built on it; the library refuses, naming
the later round's folder, and the history stays as it was. Snapshots of rounds run before
rounds.yaml existed are earlier rounds, as ever.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from livingreview.dedup.library import build_library
from livingreview.errors import InputFileError
from tests.dedup.library_helpers import build_demo_identified, demo_config, stand_in_engine


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run_round(config: dict[str, Any], version: str, names: list[str]) -> dict[str, Any]:
    config["review"]["version"] = version
    identified = build_demo_identified(config, names)
    return build_library(config, identified=identified, engine=stand_in_engine)


def two_rounds(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    config = demo_config(tmp_path)
    run_round(config, "2025.1", ["medline", "wos"])
    run_round(config, "2025.2", ["medline", "wos", "psycinfo"])
    return config, Path(config["deduplication"]["history_dir"])


def refused(config: dict[str, Any], history: Path) -> str:
    before = tree(history)
    with pytest.raises(InputFileError) as error:
        build_library(config, engine=stand_in_engine)
    assert tree(history) == before
    message = str(error.value)
    assert message.startswith(f"{history / '2025.2'}: the snapshot of round 2 (version '2025.2')")
    assert message.endswith(f"move the folder out of {history} to run without it; nothing was run")
    return message


def test_review_version_set_back_to_round_one_is_refused(tmp_path: Path) -> None:
    config, history = two_rounds(tmp_path)
    config["review"]["version"] = "2025.1"
    message = refused(config, history)
    assert "a round after this version '2025.1' (round 1)" in message
    assert "make '2025.2' review.version again" in message


def test_the_last_round_cut_from_rounds_yaml_is_refused(tmp_path: Path) -> None:
    config, history = two_rounds(tmp_path)
    state = history / "rounds.yaml"
    state.write_text("rounds:\n- {version: '2025.1'}\n", encoding="utf-8")
    config["review"]["version"] = "2025.1"
    message = refused(config, history)
    assert f"a round {state} does not list: restore that round in {state}" in message


def test_a_renamed_current_round_is_refused(tmp_path: Path) -> None:
    config, history = two_rounds(tmp_path)
    state = history / "rounds.yaml"
    state.write_text(
        "rounds:\n- {version: '2025.1', search_from: '2010-01-01', search_to: '2024-11-25'}\n"
        "- {version: '2025.2b', search_from: '2024-11-18', search_to: '2025-06-02'}\n",
        encoding="utf-8",
    )
    config["review"]["version"] = "2025.2b"
    assert "does not list" in refused(config, history)


def test_rounds_run_before_rounds_yaml_are_earlier_rounds(tmp_path: Path) -> None:
    config, history = two_rounds(tmp_path)
    (history / "rounds.yaml").write_text(
        "rounds:\n- {version: '2025.2'}\n"
        "- {version: '2025.3', search_from: '2024-11-18', search_to: '2025-06-02'}\n",
        encoding="utf-8",
    )
    counts = run_round(config, "2025.3", ["medline", "wos", "psycinfo", "europepmc"])
    assert counts["round"] == 3
