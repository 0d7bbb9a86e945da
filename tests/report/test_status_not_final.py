"""``livingreview status`` on a round whose title/abstract screening is still in progress while
full text has decided every study screening sent so far: the full-text counts and the total
are what was counted so far, not 'done'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livingreview.cli import main
from tests.conftest import REPO_ROOT
from tests.living.pending_demo import demo_with_screening_pending


def test_a_total_is_not_done_while_screening_is_in_progress(
    demo_outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs, overlay = demo_with_screening_pending(demo_outputs, tmp_path)
    files = [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml")]
    assert main(["--quiet", "ledger", "--configfile", *files, str(overlay)]) == 0
    capsys.readouterr()
    assert main(["status", "--configfile", *files, str(overlay)]) == 0
    shown = capsys.readouterr().out.splitlines()

    (column,) = json.loads((outputs / "prisma/ledger.json").read_text(encoding="utf-8"))["rounds"]
    counts, pending = column["counts"], column["pending"]
    assert pending["screening"].startswith("in progress: ") and "full_text" not in pending
    start = shown.index(next(line for line in shown if line.startswith("Rounds")))
    # The demo's possible duplicate pairs wait for a person too.
    not_final = "(not final: deduplication and title/abstract screening not done)"
    assert shown[start + 3 : start + 6] == [
        f"    Title/abstract screening: {pending['screening']}",
        f"    Full-text retrieval and assessment: so far: {counts['dbr_assessed']} report(s) "
        f"assessed, {counts['new_studies']} new stud(ies) included {not_final}",
        f"    Totals: so far: {counts['total_studies']} stud(ies) included in total {not_final}",
    ]
    assert not any(line.startswith("    Totals: done") for line in shown)
