"""Round 1's agreement between reviewers stays as its version published it.

The demo review runs through Snakemake (version 2025.1), then ``round new``. In round 2 r2
returns a copy of its round-1 title/abstract sheet with one study it had excluded, as r1 did,
now included, and r1 a copy of its round-1 full-text sheet with one included report now
excluded. Round 2's agreement tables and report give round 1's rows as 2025.1 published them,
each followed by the revised figures, marked so; the methods keep the published sentence.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.form_helpers import fill_form, set_saved_at
from tests.test_pipeline_rounds import WINDOW, livingreview, snakemake

TABLES = {"screening": "screening_agreement.csv", "fulltext": "fulltext_agreement.csv"}
REVISED_AT = "2025-03-01T10:00:00Z"  # after round 1's sheets (saved November 2024)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _figures(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if k != "as_of"}


def _revise(human: Path) -> None:
    """r2 includes a study both had excluded; r1 excludes a report both had included."""
    screening = human / "screening/title_abstract"
    revised = fill_form(
        screening / "title_abstract_round1_r2_demo_illustrative.xlsx",
        "Screening",
        "study_id",
        {"S97d0945798": {"decision": "include", "reason": None}},
        screening / "title_abstract_round1_r2_revised.xlsx",
        shuffle=False,
    )
    set_saved_at(revised, REVISED_AT)
    full_text = human / "full_text/sheets"
    revised = fill_form(
        full_text / "full_text_round1_r1_demo_illustrative.xlsx",
        "Full text",
        "report_id",
        {"S0017eb1b64": {"decision": "exclude", "reason": "not_mental_health"}},
        full_text / "full_text_round1_r1_revised.xlsx",
        shuffle=False,
    )
    set_saved_at(revised, REVISED_AT)


def _line(report: str, start: str) -> str:
    return next(line for line in report.splitlines() if line.startswith(start))


@pytest.mark.slow
def test_a_revision_of_round_one_keeps_its_published_agreement_and_shows_the_revised(
    tmp_path: Path,
) -> None:
    workdir, human = tmp_path / "review", tmp_path / "human"
    workdir.mkdir()
    shutil.copytree(REPO_ROOT / "demo/human", human)
    out = workdir / "outputs"
    first = snakemake(workdir, human)
    assert first.returncode == 0, first.stderr[-3000:]
    kept = out / "library_history/2025.1/report"
    published = {stage: _rows(out / stage / "agreement.csv") for stage in TABLES}
    for stage, name in TABLES.items():  # the version keeps the tables it published
        assert (kept / name).read_bytes() == (out / stage / "agreement.csv").read_bytes()
        assert published[stage] and {r["round"] for r in published[stage]} == {"1"}
    report_one = (out / "report/report.md").read_text(encoding="utf-8")
    started = livingreview(workdir, "round", "new", *WINDOW)
    assert started.returncode == 0, started.stderr

    _revise(human)
    second = snakemake(workdir, human)
    assert second.returncode == 0, second.stderr[-3000:]
    report_two = (out / "report/report.md").read_text(encoding="utf-8")
    for stage in TABLES:
        rows = _rows(out / stage / "agreement.csv")
        assert [_figures(r) for r in rows[::2]] == [_figures(r) for r in published[stage]]
        assert {r["as_of"] for r in rows[::2]} == {"as published in 2025.1"}
        assert {r["as_of"] for r in rows[1::2]} == {"revised since 2025.1"}
        for before, now in zip(rows[::2], rows[1::2], strict=True):
            assert (now["round"], now["scale"]) == (before["round"], before["scale"])
            assert float(now["kappa"]) < float(before["kappa"])  # one more disagreement
        for row in published[stage]:  # the published table row, and the revised one after it
            start = f"| r1 / r2 | 1 | {row['scale']} |"
            line = _line(report_one, start)
            assert line.replace(
                start, f"| r1 / r2 | 1, as published in 2025.1 | {row['scale']} |"
            ) in (report_two)
        assert "| r1 / r2 | 1, revised since 2025.1 |" in report_two
        data = json.loads((out / stage / "agreement.json").read_text(encoding="utf-8"))
        assert [p["as_of"] for p in data["pairs"]] == ["revised since 2025.1"]
        assert data["as_published"] == rows[::2]
    methods = "Agreement between reviewers was measured"
    assert (
        _line(report_two, "We searched").split(methods)[1].split(". ")[0]
        == (_line(report_one, "We searched").split(methods)[1].split(". ")[0])
    )
    html = (out / "report/index.html").read_text(encoding="utf-8")
    assert "<td>1, as published in 2025.1</td>" in html
    assert "<td>1, revised since 2025.1</td>" in html
