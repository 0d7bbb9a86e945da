"""Starting the next round: ``livingreview round new`` writes rounds.yaml, loading the config
applies its last round, and a search of the new round records its window in the manifest."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from livingreview.config import load_config
from livingreview.dedup.rounds import (
    CHANGE_COLUMNS,
    GROUP_COLUMNS,
    table_csv,
    version_dir,
    write_snapshot,
)
from livingreview.round_state import read_state
from tests.conftest import REPO_ROOT
from tests.replay_server import ReplayServer
from tests.test_search_stage import cli, protocol, serve_epmc


def round_protocol(tmp_path: Path, **search: object) -> Path:
    """The EPMC test protocol with its library history (and rounds.yaml) under ``tmp_path``."""
    config = yaml.safe_load(protocol(tmp_path, tmp_path, **search).read_text())
    config["deduplication"] = {"history_dir": str(tmp_path / "history")}
    config["sources"]["epmc"]["round_date_field"] = "FIRST_IDATE"
    path = tmp_path / "rounds-protocol.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def ran(history: Path, number: int, version: str) -> None:
    """Leave the (empty) library snapshot a run of round ``version`` leaves."""
    write_snapshot(
        version_dir(history, version),
        round_number=number,
        version=version,
        new_records=[],
        groups_text=table_csv([], GROUP_COLUMNS),
        changelog_text=table_csv([], CHANGE_COLUMNS),
    )


def test_next_round_searches_from_the_last_search_minus_the_overlap_and_says_so(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    serve_epmc(replay_server, sources_dir, hit_count=25)
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    window = {"from": "2010-01-01", "to": "2024-11-25"}
    config = round_protocol(tmp_path, date_range=window, round_overlap_days=3)
    manifest_path = tmp_path / "outputs/search/epmc/manifest.json"

    first = cli("search", "epmc", "--configfile", str(config), env=env)
    assert first.returncode == 0, first.stderr
    manifest = json.loads(manifest_path.read_text())
    assert manifest["round"] == {"version": "1"}
    assert "FIRST_PDATE:[2010-01-01 TO 2024-11-25]" in manifest["query_sent"]
    # What round 1 searched up to: its last search, but no later than its window's end (records
    # entered after that were not asked for), so round 2 leaves no day unsearched.
    searched = min(manifest["ran_at"][:10], window["to"])

    too_early = cli("round", "new", "--configfile", str(config))
    assert too_early.returncode == 2 and "'1' has not been run yet" in too_early.stderr
    for step in ("summarise", "library"):  # the round's library snapshot: round 1 is done
        done = cli(step, "--configfile", str(config))
        assert done.returncode == 0, done.stderr

    started = cli("round", "new", "--configfile", str(config))
    assert started.returncode == 0, started.stderr
    start = (dt.date.fromisoformat(searched) - dt.timedelta(days=3)).isoformat()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert read_state(tmp_path / "history/rounds.yaml") == [
        {"version": "1", "search_from": "2010-01-01", "search_to": "2024-11-25"},
        {
            "version": "2",
            "search_from": start,
            "search_to": today,
            "previous_search": searched,
            "overlap_days": 3,
        },
    ]
    assert f"round 2: searches from {start} to {today}" in started.stdout

    second = cli("search", "epmc", "--configfile", str(config), env=env)
    assert second.returncode == 0, second.stderr
    manifest = json.loads(manifest_path.read_text())
    assert manifest["round"] == {"version": "2", "previous_search": searched, "overlap_days": 3}
    assert manifest["date_range"] == {"from": start, "to": today, "field": "FIRST_IDATE"}
    assert f"FIRST_IDATE:[{start} TO {today}]" in manifest["query_sent"]


def test_loading_the_shipped_protocol_applies_the_current_round(tmp_path: Path) -> None:
    overlay = tmp_path / "history.yaml"
    overlay.write_text(
        yaml.safe_dump({"deduplication": {"history_dir": str(tmp_path / "history")}}),
        encoding="utf-8",
    )
    files = [REPO_ROOT / "config/config.yaml", overlay]
    protocol_only = load_config(files)
    (tmp_path / "history").mkdir()
    state = tmp_path / "history/rounds.yaml"
    state.write_text("rounds:\n- {version: '2025.1'}\n", encoding="utf-8")
    assert load_config(files) == protocol_only  # the first round searches the protocol's window

    state.write_text(
        "rounds:\n- {version: '2025.1'}\n"
        "- {version: '2025.2', search_from: '2024-11-18', search_to: '2025-06-02'}\n",
        encoding="utf-8",
    )
    config = load_config(files)
    assert config["review"]["version"] == "2025.2"
    assert config["search"]["date_range"] == {"from": "2024-11-18", "to": "2025-06-02"}
    medline, openalex = config["sources"]["medline"], config["sources"]["openalex"]
    assert medline["date_field"] == "edat"  # its round_date_field
    assert config["sources"]["europepmc"]["date_field"] == "FIRST_IDATE"
    assert "date_field" not in openalex  # no round_date_field: its usual publication date
    assert load_config(files) == config  # applying the state again changes nothing


def test_bad_round_states_and_impossible_rounds_exit_2_naming_what_to_fix(tmp_path: Path) -> None:
    config = round_protocol(tmp_path)  # no date range and no search run yet
    state = tmp_path / "history/rounds.yaml"
    for number, version in enumerate(["1", "2", "first"], start=1):
        ran(tmp_path / "history", number, version)

    unknown = cli("round", "new", "--configfile", str(config))
    assert unknown.returncode == 2 and "pass --from" in unknown.stderr
    started = cli(
        "round", "new", "--from", "2025-01-01", "--to", "2025-02-01", "--configfile", str(config)
    )
    assert started.returncode == 0, started.stderr
    assert [r["version"] for r in read_state(state)] == ["1", "2"]

    again = cli("round", "new", "--version", "2", "--configfile", str(config))
    assert again.returncode == 2 and "'2' is already a round" in again.stderr

    backwards = cli("round", "new", "--to", "2024-12-31", "--configfile", str(config))
    assert backwards.returncode == 2 and "after its end 2024-12-31" in backwards.stderr
    assert [r["version"] for r in read_state(state)] == ["1", "2"]  # nothing written

    state.write_text("rounds:\n- {version: 'first'}\n- {version: first}\n", encoding="utf-8")
    repeated = cli("round", "new", "--configfile", str(config))
    assert repeated.returncode == 2 and "Traceback" not in repeated.stderr
    assert str(state) in repeated.stderr and "rounds[1]" in repeated.stderr
    assert "version" in repeated.stderr and "repeats" in repeated.stderr
    search = cli("search", "epmc", "--configfile", str(config))  # every command reads the state
    assert search.returncode == 2 and "rounds[1]" in search.stderr

    state.write_text("rounds:\n- {version: first, search_to: '2025-03-01'}\n", encoding="utf-8")
    unnumbered = cli("round", "new", "--configfile", str(config))
    assert unnumbered.returncode == 2 and "pass --version" in unnumbered.stderr
    named = cli("round", "new", "--version", "second", "--configfile", str(config))
    assert named.returncode == 0, named.stderr
    assert read_state(state)[-1]["search_from"] == "2025-02-22"  # 2025-03-01 minus 7 days
