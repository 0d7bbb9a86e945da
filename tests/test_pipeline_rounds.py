"""Two rounds of the demo review through Snakemake.

Round 2 replays round 1's searches (the demo snapshot, the same window and date fields), so the
only thing new about it is its version: it must still run through to a report of version 2.
"""

from __future__ import annotations

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
        if json_of(manifest)["kind"] == "api_search":
            assert json_of(manifest)["round"]["version"] == version, manifest
    assert f"version {version}" in (out / "prisma/flow.svg").read_text(encoding="utf-8")
    kept = out / "library_history" / version
    assert (kept / "round.json").is_file() and (kept / "report/index.html").is_file()


@pytest.mark.slow
def test_a_round_finding_what_the_last_one_found_runs_through_to_its_report(
    tmp_path: Path,
) -> None:
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
    assert {"search_api", "library", "prisma_ledger", "report"} <= set(jobs(second))
    check_round(out, "2025.2", 2)
    assert json_of(history / "2025.2/round.json") == {"round": 2, "version": "2025.2"}
    idle = snakemake(workdir, human, "--dry-run")
    assert "Nothing to be done" in idle.stdout + idle.stderr
