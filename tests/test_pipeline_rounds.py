"""Two rounds of the demo review through Snakemake: the history folder is never Snakemake's.

Round 2 replays round 1's searches (the demo snapshot, the same window and date fields), so the
only thing new about it is its version: it must still run through to a report of version 2.
Then ``rounds.yaml`` is edited by hand the way people do it (the last round cut off, a version
renamed): the run is refused before any job, and the committed snapshots stay byte for byte.
A maybe-pair decision returned later, or a snapshot file lost, re-runs the library, which
writes the round's snapshot again.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.pipeline import OFFLINE_ENV, run_pipeline
from tests.test_search_reruns import jobs

# Update rounds search on the protocol's own date fields, so round 2 replays round 1's archive
# (which holds no re-fetches of earlier studies: none are asked for).
SAME_SEARCHES = (
    "sources={medline: {round_date_field: pdat}, europepmc: {round_date_field: FIRST_PDATE}}",
    "search={refetch: {services: []}}",
)
WINDOW = ("--from", "2010-01-01", "--to", "2024-11-25")  # round 1's own window
RECEIPTS = (
    "library/snapshot.json",
    "library/flags_snapshot.json",
    "prisma/snapshot.json",
    "report/kept.json",
)


def snakemake(workdir: Path, human: Path, *args: str) -> subprocess.CompletedProcess:
    return run_pipeline(workdir, None, "--config", *SAME_SEARCHES, *args, human=human)


def livingreview(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """A ``livingreview`` command on the demo protocol of ``workdir`` (as run_pipeline wrote it)."""
    configs = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]
    return subprocess.run(
        [sys.executable, "-m", "livingreview", *args, "--configfile", *map(str, configs),
         str(workdir / "paths.yaml")],
        capture_output=True, text=True, check=False, cwd=workdir,
        env={**os.environ, **OFFLINE_ENV},
    )  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def json_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def check_round(out: Path, version: str, number: int) -> None:
    """Every stage that stamps the version is the round's."""
    counts = json_of(out / "library/counts.json")
    assert (counts["version"], counts["round"]) == (version, number)
    ledger = json_of(out / "prisma/ledger.json")
    assert ledger["version"] == version and len(ledger["rounds"]) == number
    for manifest in (out / "search").glob("*/manifest.json"):
        # an export imported in an earlier round too: its manifest says so (imported_in), as
        # the one a rebuild of outputs/ writes (it kept round 1's manifest byte for byte)
        assert json_of(manifest)["round"]["version"] == version, manifest
    assert f"version {version}" in (out / "prisma/flow.svg").read_text(encoding="utf-8")
    kept = out / "library_history" / version
    assert (kept / "round.json").is_file() and (kept / "report/index.html").is_file()
    for receipt in RECEIPTS:  # what the steps keep there, never Snakemake outputs
        files = json_of(out / receipt)["files"]
        assert files and all(f"/{version}/" in name for name in files), receipt


@pytest.mark.slow
def test_history_snapshots_survive_hand_edits_of_rounds_yaml(tmp_path: Path) -> None:
    workdir, human = tmp_path / "review", tmp_path / "human"
    workdir.mkdir()
    shutil.copytree(REPO_ROOT / "demo/human", human)
    out, history = workdir / "outputs", workdir / "outputs/library_history"
    first = snakemake(workdir, human)
    assert first.returncode == 0, first.stderr[-3000:]
    started = livingreview(workdir, "round", "new", *WINDOW)
    assert started.returncode == 0, started.stderr

    # A round whose searches find exactly what round 1 found runs through all the same.
    second = snakemake(workdir, human)
    assert second.returncode == 0, second.stderr[-3000:]
    assert {"search_api", "import_export", "library", "prisma_ledger", "report"} <= set(
        jobs(second)
    )
    check_round(out, "2025.2", 2)
    assert json_of(history / "2025.2/round.json") == {"round": 2, "version": "2025.2"}
    idle = snakemake(workdir, human, "--dry-run")
    assert "Nothing to be done" in idle.stdout + idle.stderr

    # The last round cut from rounds.yaml: refused before any job, naming the folder.
    state = history / "rounds.yaml"
    both = state.read_text(encoding="utf-8")
    kept, outputs = tree(history), tree(out)
    state.write_text(both[: both.index("- version: '2025.2'")], encoding="utf-8")
    cut = snakemake(workdir, human)
    assert cut.returncode == 2 and jobs(cut) == []
    assert "outputs/library_history/2025.2: " in cut.stderr and "does not list" in cut.stderr
    assert "restore that round in" in cut.stderr and "move the folder" in cut.stderr
    assert "Traceback" not in cut.stderr
    assert tree(out) == {**outputs, "library_history/rounds.yaml": state.read_bytes()}
    state.write_text(both, encoding="utf-8")
    assert tree(history) == kept
    idle = snakemake(workdir, human, "--dry-run")
    assert "Nothing to be done" in idle.stdout + idle.stderr

    # A maybe pair decided after the round ran: the library writes the round's snapshot again.
    with (out / "library/maybe_pairs.csv").open(encoding="utf-8", newline="") as handle:
        pair = next(csv.DictReader(handle))
    returned = human / "dedup/returned_pairs.csv"
    returned.write_text(
        f"record_a,record_b,decision\n{pair['record_a']},{pair['record_b']},duplicate\n",
        encoding="utf-8",
    )
    decided = snakemake(workdir, human)
    assert decided.returncode == 0, decided.stderr[-3000:]
    assert "library" in jobs(decided)
    with (history / "2025.2/groups.csv").open(encoding="utf-8", newline="") as handle:
        studies = {r["record_id"]: r["study_id"] for r in csv.DictReader(handle)}
    assert studies[pair["record_a"]] == studies[pair["record_b"]]
    assert tree(history / "2025.1") == {
        k.removeprefix("2025.1/"): v for k, v in kept.items() if k.startswith("2025.1/")
    }

    # A snapshot file of the current round lost: the next run writes it again.
    (history / "2025.2/round.json").unlink()
    remade = snakemake(workdir, human)
    assert remade.returncode == 0, remade.stderr[-3000:]
    assert "library" in jobs(remade)
    assert json_of(history / "2025.2/round.json") == {"round": 2, "version": "2025.2"}

    # The current version renamed by hand: its old snapshot is a round rounds.yaml does not
    # list; moved away, the round runs again under its new name.
    state.write_text(both.replace("'2025.2'", "'2025.2b'"), encoding="utf-8")
    renamed = snakemake(workdir, human)
    assert renamed.returncode == 2 and jobs(renamed) == []
    assert "outputs/library_history/2025.2: " in renamed.stderr
    (history / "2025.2").rename(tmp_path / "2025.2-moved")
    again = snakemake(workdir, human)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "library" in jobs(again)
    check_round(out, "2025.2b", 2)
