"""Hand-edited round state and snapshots: one clear error (file, position, field), never a
traceback, never a round that skips days or forgets an earlier round.

``rounds.yaml`` as a person might edit it (unquoted dates and versions, typos, reordered or
gapped windows), ``livingreview round new`` with impossible options or an unwritable history
folder, and the demo's real round-1 library snapshot edited, truncated or deleted before the
library step of round 2 reads it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from livingreview.config import load_config
from livingreview.dedup.rounds import version_dir
from livingreview.errors import ConfigError, InputFileError
from livingreview.prisma import collect
from livingreview.round_state import check_snapshots, new_round, read_state
from tests.conftest import REPO_ROOT
from tests.test_round_state import ran, round_protocol

ROUND_ONE = "- {version: '2025.1', search_from: '2010-01-01', search_to: '2024-11-25'}\n"
ROUND_TWO = "- {version: '2025.2', search_from: '2024-11-18', search_to: '2025-06-02'}\n"


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (b"rounds:\n- {version: '2025.1'}\n- {version: '2\xff'}\n", "line 3", "not UTF-8"),
        (
            f"rounds:\n{ROUND_ONE}- {{version: '2025.2', search_from: '2024-11-18'\n".encode(),
            "line 4, column 1",
            "not valid YAML",
        ),
        (
            f"rounds:\n{ROUND_ONE}- {{version: '2025.2', search_from: '2024-11-31', "
            "search_to: '2025-06-02'}\n".encode(),
            "rounds[1], field 'search_from'",
            "expected a date YYYY-MM-DD, got '2024-11-31'",
        ),
        (
            f"rounds:\n{ROUND_ONE}- {{version: '2025.2', search_from: '2025-06-02', "
            "search_to: '2024-11-18'}\n".encode(),
            "rounds[1], field 'search_from'",
            "the window starts 2025-06-02, after its end 2024-11-18",
        ),
        (
            f"rounds:\n{ROUND_TWO}{ROUND_ONE}".encode(),
            "rounds[1], field 'search_to'",
            "before round '2025.2' ended 2025-06-02",
        ),
        (
            f"rounds:\n{ROUND_ONE}- {{version: '2025.2', search_form: '2024-11-18', "
            "search_to: '2025-06-02'}\n".encode(),
            "rounds[1], field 'search_form'",
            "unknown key",
        ),
        (
            f"rounds:\n{ROUND_ONE}- {{version: '2025.2', search_to: '2025-06-02'}}\n".encode(),
            "rounds[1], field 'search_from'",
            "required from the second round on",
        ),
        (
            f"rounds:\n{ROUND_ONE}{ROUND_TWO[:-2]}, overlap_days: yes}}\n".encode(),
            "rounds[1], field 'overlap_days'",
            "whole number",
        ),
        (
            b"rounds:\n- {version: '2025 1'}\n- {version: '2025_1'}\n",
            "rounds[1], field 'version'",
            "share the snapshot folder '2025_1' with version '2025 1'",
        ),
        (
            f"rounds:\n{ROUND_ONE}- {{version: '2025.2', search_from: 2024-11-18, "
            "search_to: 2024-11-31}\n".encode(),
            "rounds[1], field 'search_to'",
            "expected a date YYYY-MM-DD, got '2024-11-31'",
        ),
        (
            b"rounds:\n- {version: '2025.1', search_from: 2010-02-30}\n",
            "rounds[0], field 'search_from'",
            "expected a date YYYY-MM-DD, got '2010-02-30'",
        ),
        (
            b"rounds:\n- {version: '2025.1', search_to: 2024-11-25T10:00:00}\n",
            "rounds[0], field 'search_to'",
            "expected a date YYYY-MM-DD, got '2024-11-25T10:00:00'",
        ),
        (
            b"rounds:\n- {version: '2025.1', search_to: ~}\n",
            "rounds[0], field 'search_to'",
            "expected a date YYYY-MM-DD, got None",
        ),
        (
            b"rounds:\n- {version: ~}\n",
            "rounds[0], field 'version'",
            "expected a version text",
        ),
        (  # YAML would keep the second search_to without a word
            f"rounds:\n{ROUND_ONE}- version: '2025.2'\n  search_from: '2024-11-18'\n"
            "  search_to: '2025-06-02'\n  search_to: '2025-07-01'\n".encode(),
            "line 6, column 3",
            "key 'search_to' is given twice in one mapping (first on line 5)",
        ),
    ],
)
def test_a_hand_edited_rounds_file_is_refused_naming_where(
    tmp_path: Path, text: bytes, where: str, says: str
) -> None:
    state = tmp_path / "rounds.yaml"
    state.write_bytes(text)
    with pytest.raises(InputFileError) as error:
        read_state(state)
    assert str(error.value).startswith(f"{state}, {where}: ")
    assert says in str(error.value)


def test_days_no_round_searched_are_said_but_the_rounds_that_ran_are_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "rounds.yaml"
    second = "- {version: '2025.2', search_from: '2025-01-10', search_to: '2025-06-02'}\n"
    state.write_text(f"rounds:\n{ROUND_ONE}{second}", encoding="utf-8")
    with caplog.at_level("WARNING", logger="livingreview.rounds"):
        rounds = read_state(state)
    assert [r["search_from"] for r in rounds] == ["2010-01-01", "2025-01-10"]
    assert caplog.messages == [
        f"{state}, rounds[1], field 'search_from': the window starts 2025-01-10, but round "
        "'2025.1' ended 2024-11-25: no round would search the days between"
    ]


def test_days_no_round_searched_are_said_once_however_often_the_file_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Loading the config, status and the report each read rounds.yaml: one warning, not one
    per read; another file's gap is still said."""
    second = "- {version: '2025.2', search_from: '2025-01-10', search_to: '2025-06-02'}\n"
    states = [tmp_path / "one/rounds.yaml", tmp_path / "two/rounds.yaml"]
    for state in states:
        state.parent.mkdir()
        state.write_text(f"rounds:\n{ROUND_ONE}{second}", encoding="utf-8")
    with caplog.at_level("WARNING", logger="livingreview.rounds"):
        for state in [*states, *states, states[0]]:
            assert len(read_state(state)) == 2
    assert [m.split(",")[0] for m in caplog.messages] == [str(s) for s in states]


def test_unquoted_dates_are_read_as_the_dates_they_are(tmp_path: Path) -> None:
    state = tmp_path / "rounds.yaml"
    state.write_text(
        "rounds:\n- {version: '2025.1', search_from: 2010-01-01, search_to: 2024-11-25}\n"
        "- {version: '2025.2', search_from: 2024-11-18, search_to: 2025-06-02,\n"
        "   previous_search: 2024-11-25, overlap_days: 7}\n",
        encoding="utf-8",
    )
    assert read_state(state) == [
        {"version": "2025.1", "search_from": "2010-01-01", "search_to": "2024-11-25"},
        {
            "version": "2025.2",
            "search_from": "2024-11-18",
            "search_to": "2025-06-02",
            "previous_search": "2024-11-25",
            "overlap_days": 7,
        },
    ]


@pytest.mark.parametrize(
    "typed", ["2025.10", "2025.1", "yes", "off", "3", "010", "1_0", "2025-11-03"]
)
def test_an_unquoted_version_keeps_the_text_as_typed(tmp_path: Path, typed: str) -> None:
    state = tmp_path / "rounds.yaml"
    state.write_text(f"rounds:\n- version: {typed}\n  search_to: 2024-11-25\n", encoding="utf-8")
    assert read_state(state) == [{"version": typed, "search_to": "2024-11-25"}]


def started(tmp_path: Path) -> dict:
    """The test protocol after round '1' (window to 2025-01-31) was run: its snapshot exists."""
    path = round_protocol(tmp_path, date_range={"from": "2010-01-01", "to": "2025-01-31"})
    ran(tmp_path / "history", 1, "1")
    return load_config([path])


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"search_from": "2025-02-30"}, "round new: --from '2025-02-30' is not a date"),
        ({"search_to": "2025-13-01"}, "round new: --to '2025-13-01' is not a date"),
        ({"search_from": "2025-03-01"}, "round '1' ended 2025-01-31: no round would search"),
        ({"search_from": "2025-01-01", "search_to": "2025-01-15"}, "before round '1' ended"),
    ],
)
def test_round_new_refuses_a_window_that_skips_days_or_is_no_date(
    tmp_path: Path, options: dict[str, str], says: str
) -> None:
    config = started(tmp_path)
    with pytest.raises(ConfigError) as error:
        new_round(config, **options)
    assert says in str(error.value)
    assert sorted(p.name for p in (tmp_path / "history").iterdir()) == ["1"]  # no rounds.yaml


@pytest.mark.parametrize("version", [".", "..", "../..", "a/b"])
def test_a_version_that_cannot_name_its_own_folder_is_refused_where_it_is_typed(
    tmp_path: Path, version: str
) -> None:
    """'.' and '..' would put a round's snapshot in the history folder itself or above it; a
    path separator is replaced ('../..' is folder '.._..'), so such a version is like any other."""
    state = tmp_path / "rounds.yaml"
    state.write_text(
        f"rounds:\n{ROUND_ONE}{ROUND_TWO.replace('2025.2', version)}", encoding="utf-8"
    )
    config = started(tmp_path)  # the protocol's own review.version ('1') is a safe name
    protocol = tmp_path / "rounds-protocol.yaml"
    data = yaml.safe_load(protocol.read_text(encoding="utf-8"))
    data["review"]["version"] = version
    edited = tmp_path / "edited-protocol.yaml"
    edited.write_text(yaml.safe_dump(data), encoding="utf-8")
    if "/" in version:
        assert read_state(state)[1]["version"] == version
        assert load_config([edited])["review"]["version"] == version
        assert new_round(config, version=version, search_to="2025-06-01")["version"] == version
        assert (tmp_path / "history/rounds.yaml").is_file()
        assert version_dir(tmp_path, version).parent == tmp_path
        return
    with pytest.raises(ConfigError, match="cannot name its snapshot folder"):
        version_dir(tmp_path, version)  # nothing else that names the folder reaches around it
    with pytest.raises(InputFileError) as error:
        read_state(state)
    assert str(error.value).startswith(f"{state}, rounds[1], field 'version': version ")
    assert "cannot name its snapshot folder" in str(error.value)
    with pytest.raises(ConfigError) as error:
        load_config([edited])
    assert str(error.value).startswith(f"{edited}: config key 'review.version': version ")
    with pytest.raises(ConfigError) as error:
        new_round(config, version=version, search_to="2025-06-01")
    assert str(error.value).startswith(f"round new: --version {version!r} cannot name")
    assert sorted(p.name for p in (tmp_path / "history").iterdir()) == ["1"]  # no rounds.yaml


def test_rounds_listed_in_another_order_than_their_snapshots_ran_are_refused(
    tmp_path: Path,
) -> None:
    """rounds.yaml lists '1' then '2', but the snapshots say '2' ran as round 1 and '1' as
    round 2 (a round.json edited, or versions swapped): the library step stops, naming the
    round, instead of reading the history in the wrong order."""
    config = started(tmp_path)
    history = tmp_path / "history"
    shutil.rmtree(history / "1")
    ran(history, 2, "1")
    ran(history, 1, "2")
    state = history / "rounds.yaml"
    state.write_text(
        "rounds:\n- {version: '1', search_to: '2025-01-31'}\n"
        "- {version: '2', search_from: '2025-01-24', search_to: '2025-03-01'}\n"
        "- {version: '3', search_from: '2025-02-22', search_to: '2025-06-01'}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as error:
        check_snapshots(config)
    assert str(error.value) == (
        f"{state}, rounds[1]: round '2' is snapshot round 1, not after the round before it: "
        "rounds are listed oldest first"
    )
    ran(history, 3, "2")  # numbered in the order listed: read
    check_snapshots(config)


def test_round_new_refuses_a_version_sharing_a_snapshot_folder(tmp_path: Path) -> None:
    started(tmp_path)
    state = tmp_path / "history/rounds.yaml"
    state.write_text(
        "rounds:\n- {version: '1', search_to: '2025-01-31'}\n"
        "- {version: 'v 2', search_from: '2025-01-24', search_to: '2025-03-01'}\n",
        encoding="utf-8",
    )
    ran(tmp_path / "history", 2, "v 2")  # its snapshot folder: v_2
    with pytest.raises(ConfigError) as error:
        new_round(load_config([tmp_path / "rounds-protocol.yaml"]), version="v_2")
    assert "'v_2' would share the snapshot folder 'v_2' with version 'v 2'" in str(error.value)
    assert [r["version"] for r in read_state(state)] == ["1", "v 2"]


def test_round_new_refuses_a_version_sharing_the_scheduled_branch(tmp_path: Path) -> None:
    """'2.0..1' and '2.0.1' have folders of their own, but git refuses '..' in a branch name, so
    both would propose their round on living-review/round-2.0.1: the second would push onto the
    first's pull request."""
    started(tmp_path)
    state = tmp_path / "history/rounds.yaml"
    state.write_text(
        "rounds:\n- {version: '1', search_to: '2025-01-31'}\n"
        "- {version: '2.0..1', search_from: '2025-01-24', search_to: '2025-03-01'}\n",
        encoding="utf-8",
    )
    ran(tmp_path / "history", 2, "2.0..1")
    with pytest.raises(ConfigError) as error:
        new_round(load_config([tmp_path / "rounds-protocol.yaml"]), version="2.0.1")
    assert str(error.value) == (
        "round new: version '2.0.1' would share the scheduled re-run's branch "
        "'living-review/round-2.0.1' with version '2.0..1': choose another --version"
    )
    assert [r["version"] for r in read_state(state)] == ["1", "2.0..1"]
    new_round(
        load_config([tmp_path / "rounds-protocol.yaml"]), version="2.0.2"
    )  # a branch of its own
    assert [r["version"] for r in read_state(state)] == ["1", "2.0..1", "2.0.2"]


def test_the_next_round_starts_where_the_last_window_ended_not_where_its_search_ran(
    tmp_path: Path,
) -> None:
    """Round 1's window ended 2025-01-31 but its search ran on 2025-03-01: records entered in
    February were not asked for, so round 2 starts at the window's end minus the overlap."""
    config = started(tmp_path)
    manifest = tmp_path / "outputs/search/epmc/manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {"kind": "api_search", "ran_at": "2025-03-01T05:00:00Z", "round": {"version": "1"}}
        ),
        encoding="utf-8",
    )
    entry = new_round(config, search_to="2025-06-01")
    assert entry["previous_search"] == "2025-01-31"
    assert entry["search_from"] == "2025-01-24"  # seven days' overlap


def test_round_new_on_an_unwritable_history_folder_says_so_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = started(tmp_path)
    state = tmp_path / "history/rounds.yaml"

    def refused(path: Path, text: str, *, durable: bool = True) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("livingreview.round_state.atomic_write_text", refused)
    with pytest.raises(ConfigError) as error:
        new_round(config, search_to="2025-06-01")
    assert f"{state}: Permission denied" in str(error.value)
    assert not state.exists()
    code = main(
        [
            "round",
            "new",
            "--to",
            "2025-06-01",
            "--configfile",
            str(tmp_path / "rounds-protocol.yaml"),
        ]
    )
    assert code == 2 and "Permission denied" in capsys.readouterr().err


@pytest.fixture
def round_two(demo_outputs: Path, tmp_path: Path) -> Path:
    """The demo's real round 1 (library snapshot and identified records) with round 2 started:
    the overlay config of a library step of round 2."""
    history = tmp_path / "history"
    shutil.copytree(demo_outputs / "library_history", history)
    (tmp_path / "search").mkdir()
    shutil.copy(demo_outputs / "search/identified.csv", tmp_path / "search/identified.csv")
    (history / "rounds.yaml").write_text(f"rounds:\n{ROUND_ONE}{ROUND_TWO}", encoding="utf-8")
    overlay = tmp_path / "paths.yaml"
    overlay.write_text(
        yaml.safe_dump(
            {
                "paths": {"human_input": str(REPO_ROOT / "demo/human"), "outputs": str(tmp_path)},
                "search": {"replay_dir": str(REPO_ROOT / "demo/snapshot")},
                "deduplication": {"history_dir": str(history)},
            }
        ),
        encoding="utf-8",
    )
    return overlay


def library(overlay: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    files = [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml")]
    code = main(["--quiet", "library", "--configfile", *files, str(overlay)])
    return code, capsys.readouterr().err


def edit_lines(path: Path, change: dict[int, str | None]) -> None:
    """Replace (or, with None, delete) lines of ``path`` by number (1 = the header)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [change.get(n, line) for n, line in enumerate(lines, start=1)]
    path.write_text("".join(line for line in kept if line is not None), encoding="utf-8")


def test_the_real_round_one_snapshot_is_read_by_round_two(
    round_two: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = library(round_two, capsys)
    assert code == 0, err
    assert (round_two.parent / "history/2025.2/round.json").is_file()


@pytest.mark.parametrize(
    ("damage", "where", "says"),
    [
        ("folder deleted", "rounds.yaml, rounds[0]", "2025.1/round.json is missing: restore"),
        ("version renamed", "rounds.yaml, rounds[0]", "round.json holds version '2024.9'"),
        ("record row deleted", "groups.csv, row 5, field 'record_id'", "in no earlier round's"),
        ("record id emptied", "records.csv, row 3, field 'record_id'", "empty"),
        ("record row repeated", "records.csv, row ", "field 'record_id': record id"),
        ("records not UTF-8", "records.csv, line 3", "is not UTF-8"),
        ("pair row cut short", "pairs.csv, line 3", "expected the 5 cells of the header, found 2"),
    ],
)
def test_a_damaged_round_one_snapshot_stops_round_two_naming_the_file_and_row(
    round_two: Path, capsys: pytest.CaptureFixture[str], damage: str, where: str, says: str
) -> None:
    snapshot = round_two.parent / "history/2025.1"
    records = snapshot / "records.csv"
    first = records.read_text(encoding="utf-8").splitlines(keepends=True)[1]
    if damage == "folder deleted":
        shutil.rmtree(snapshot)
    elif damage == "version renamed":
        (snapshot / "round.json").write_text('{"round": 1, "version": "2024.9"}\n')
    elif damage == "record row deleted":
        gone = (snapshot / "groups.csv").read_text(encoding="utf-8").splitlines()[4]
        kept = [line for line in records.read_text(encoding="utf-8").splitlines(keepends=True)]
        records.write_text("".join(x for x in kept if not x.startswith(gone.split(",")[0] + ",")))
    elif damage == "record id emptied":
        edit_lines(records, {3: "," + records.read_text().splitlines()[2].split(",", 1)[1] + "\n"})
    elif damage == "record row repeated":
        records.write_text(records.read_text(encoding="utf-8") + first, encoding="utf-8")
    elif damage == "records not UTF-8":
        text = records.read_bytes().split(b"\n")
        text[2] = text[2].replace(b"a", b"\xe4", 1)  # saved as Latin-1 by another program
        records.write_bytes(b"\n".join(text))
    elif damage == "pair row cut short":
        edit_lines(snapshot / "pairs.csv", {3: "x,y\n"})
    code, err = library(round_two, capsys)
    assert code == 2, err
    assert f"{snapshot.parent}/" in err and where in err and says in err
    assert not (round_two.parent / "history/2025.2").exists()  # nothing written for round 2


def test_a_ledger_snapshot_count_that_is_not_a_number_is_named(
    demo_outputs: Path, tmp_path: Path
) -> None:
    history = tmp_path / "history"
    shutil.copytree(demo_outputs / "library_history", history)
    snapshot = history / "2025.1" / collect.SNAPSHOT
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    data["column"]["counts"]["duplicates"] = "229 or so"
    snapshot.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        collect.history(collect.snapshots(history, "2025.2"))
    assert str(error.value) == (
        f"{snapshot}, field 'counts.duplicates': expected a whole number or null, got '229 or so'"
    )


def test_status_after_round_new_says_the_outputs_are_still_the_last_versions(
    round_two: Path, demo_outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (round_two.parent / "prisma").mkdir()
    shutil.copy(demo_outputs / "prisma/ledger.json", round_two.parent / "prisma/ledger.json")
    files = [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml")]
    code = main(["status", "--configfile", *files, str(round_two)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "(version 2025.2)" in lines[0]
    assert lines[1] == (
        "  Version 2025.2 was started (searches 2024-11-18 to 2025-06-02) but the pipeline has "
        "not run it yet: what follows is version 2025.1's outputs. Run the pipeline."
    )
