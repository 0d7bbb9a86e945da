"""Round windows and versions a reviewer found accepted: a window ending in the future (which
locked every later round out of ending today), a last search after the window's own end, and a
version with white space around it (a snapshot folder '2025.1_' beside '2025.1')."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from livingreview.config import load_config
from livingreview.errors import ConfigError, InputFileError
from livingreview.round_state import latest_end, new_round, read_state
from tests.living.test_round_bad_input import ROUND_ONE, started
from tests.test_search_stage import cli


def test_round_new_refuses_a_window_ending_after_today_and_writes_nothing(
    tmp_path: Path,
) -> None:
    config = started(tmp_path)  # round '1' ran, its window ended 2025-01-31
    state = tmp_path / "history/rounds.yaml"
    with pytest.raises(ConfigError) as error:
        new_round(config, search_to="2025-06-02", today="2025-06-01")
    assert str(error.value) == (
        "round new: --to 2025-06-02 is after today (2025-06-01): a round's window cannot end "
        "in the future (leave --to out to end it today)"
    )
    assert not state.exists()
    assert new_round(config, search_to="2025-06-01", today="2025-06-01")["search_to"] == (
        "2025-06-01"
    )
    state.unlink()
    assert new_round(config, today="2025-09-01")["search_to"] == "2025-09-01"  # the default


def test_round_new_to_a_future_date_exits_2_naming_the_option_and_value(tmp_path: Path) -> None:
    started(tmp_path)
    protocol = str(tmp_path / "rounds-protocol.yaml")
    future = cli("round", "new", "--to", "2099-01-01", "--configfile", protocol)
    assert future.returncode == 2, future.stdout
    assert f"round new: --to 2099-01-01 is after today ({latest_end()})" in future.stderr
    assert "Traceback" not in future.stderr and len(future.stderr.splitlines()) == 1
    assert not (tmp_path / "history/rounds.yaml").exists()
    today = cli("round", "new", "--configfile", protocol)  # the default end: today
    assert today.returncode == 0, today.stderr


def test_a_round_already_ending_in_the_future_is_named_before_the_next_starts(
    tmp_path: Path,
) -> None:
    """A rounds.yaml written before the check: the next round is refused naming the field to
    correct, not with 'the window ends <today>, before round ... ended 2099-01-01'."""
    config = started(tmp_path)
    state = tmp_path / "history/rounds.yaml"
    state.write_text(
        "rounds:\n- {version: '1', search_to: '2025-01-31'}\n"
        "- {version: '2', search_from: '2025-01-24', search_to: '2099-01-01'}\n",
        encoding="utf-8",
    )
    before = state.read_bytes()
    with pytest.raises(ConfigError) as error:
        new_round(config, today="2025-06-01")
    assert str(error.value).startswith(
        f"{state}, rounds[1], field 'search_to': round '2' ends 2099-01-01, after today "
        "(2025-06-01): a window cannot end in the future."
    )
    assert state.read_bytes() == before


def test_a_last_search_after_the_rounds_own_end_is_refused_naming_the_field(
    tmp_path: Path,
) -> None:
    state = tmp_path / "rounds.yaml"
    second = (
        "- {version: '2025.2', search_from: '2024-11-18', search_to: '2026-12-03', "
        "previous_search: '%s', overlap_days: 7}\n"
    )
    state.write_text(f"rounds:\n{ROUND_ONE}{second % '2030-01-01'}", encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        read_state(state)
    assert str(error.value) == (
        f"{state}, rounds[1], field 'previous_search': the round before this one last "
        "searched 2030-01-01, after this round's window ends 2026-12-03: expected a date on or "
        "before search_to"
    )
    state.write_text(f"rounds:\n{ROUND_ONE}{second % '2026-12-03'}", encoding="utf-8")
    assert read_state(state)[1]["previous_search"] == "2026-12-03"  # the same day: accepted


@pytest.mark.parametrize(
    ("version", "folder"),
    [("2025.1 ", "2025.1_"), (" 2025.2", "_2025.2"), ("2025.2\t", "2025.2_"), ("\u00a02", "_2")],
)
def test_a_version_with_white_space_around_it_is_refused_where_it_is_typed(
    tmp_path: Path, version: str, folder: str
) -> None:
    """'2025.1 ' would be a new version beside '2025.1', with the snapshot folder '2025.1_'."""
    says = f"has white space at its start or end (its snapshot folder would be {folder!r})"
    state = tmp_path / "rounds.yaml"
    state.write_text(
        f"rounds:\n{ROUND_ONE}- {{version: {json.dumps(version)}, search_from: '2024-11-18', "
        "search_to: '2025-06-02'}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as error:
        read_state(state)
    assert str(error.value) == (
        f"{state}, rounds[1], field 'version': version {version!r} {says}: remove it"
    )
    config = started(tmp_path)
    protocol = tmp_path / "rounds-protocol.yaml"
    data = yaml.safe_load(protocol.read_text(encoding="utf-8"))
    data["review"]["version"] = version
    edited = tmp_path / "edited-protocol.yaml"
    edited.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config([edited])
    assert str(error.value) == (
        f"{edited}: config key 'review.version': version {version!r} {says}: remove it"
    )
    with pytest.raises(ConfigError) as error:
        new_round(config, version=version, search_to="2025-06-01", today="2025-06-01")
    assert str(error.value) == f"round new: --version {version!r} {says}: remove it"
    typed = cli("round", "new", "--version", version, "--configfile", str(protocol))
    assert typed.returncode == 2 and f"--version {version!r} {says}" in typed.stderr
    assert sorted(p.name for p in (tmp_path / "history").iterdir()) == ["1"]  # no rounds.yaml
