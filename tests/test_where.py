"""`livingreview where` names, for every sheet a person fills in, the folder it goes back to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT


def where(demo_outputs: Path) -> list[str]:
    """The lines `livingreview where` prints for the demo run (in its own working folder)."""
    workdir = demo_outputs.parent
    configs = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]
    result = subprocess.run(
        [sys.executable, "-m", "livingreview", "where", "--configfile"]
        + [str(c) for c in [*configs, workdir / "paths.yaml"]],
        capture_output=True,
        text=True,
        cwd=workdir,
        check=True,
    )
    return result.stdout.splitlines()


def test_every_sheet_to_fill_in_is_named_with_the_folder_it_goes_back_to(
    demo_outputs: Path,
) -> None:
    human = REPO_ROOT / "demo/human"
    lines = where(demo_outputs)
    assert (
        f"Maybe pairs to decide (5): {demo_outputs}/dedup/maybe_pairs.xlsx -> {human}/dedup"
        in lines
    )
    assert (
        f"Full-text conflicts to resolve (0): {demo_outputs}/fulltext/conflicts.xlsx"
        f" -> {human}/full_text/conflicts"
    ) in lines
    assert (
        f"Screening conflicts to resolve (0): {demo_outputs}/screening/conflicts.xlsx"
        f" -> {human}/screening/conflicts"
    ) in lines


def test_a_sheet_that_lists_nothing_is_marked_nothing_to_do(demo_outputs: Path) -> None:
    # Before: every sheet was listed alike, the demo's screening and full-text sheets (no row:
    # everything decided, and `status` names no such work) as those with studies to assess.
    from livingreview.sheets.reading import read_sheet

    sheets = [line for line in where(demo_outputs) if line.startswith(f"  {demo_outputs}/")]
    marked = {line.split()[0]: line.endswith("  (nothing to do)") for line in sheets}
    read = {path: len(read_sheet(Path(path), "").ids or ()) == 0 for path in marked}
    assert marked == read and any(read.values()) and not all(read.values())
    assert marked[f"{demo_outputs}/fulltext/sheets/full_text_round1_r1.xlsx"]
    assert not marked[f"{demo_outputs}/rob/forms/rob_rob2_round1_r1.xlsx"]
