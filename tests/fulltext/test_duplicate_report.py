"""A report excluded at full text as a duplicate names the report it duplicates (its
``same_study_as``), in ``fulltext/excluded.csv`` and the report's exclusions table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livingreview.cli import main
from livingreview.fulltext.stage import run_fulltext
from livingreview.fulltext.studies import labels, library_rows
from livingreview.report.context import collect, read_outputs
from livingreview.report.render import render
from tests.form_helpers import form_ids, stage_config
from tests.fulltext.test_fulltext import ID, TITLE, give, out, sheet, table


@pytest.fixture
def config(tmp_path: Path, demo_outputs: Path) -> dict[str, Any]:
    config = stage_config(tmp_path, demo_outputs)
    run_fulltext(config)
    return config


def duplicate(ids: list[str], named: str) -> dict[str, dict[str, str]]:
    """Every report included but the second, excluded as a duplicate of ``named``."""
    values = {rid: {"decision": "include"} for rid in ids}
    values[ids[1]] = {"decision": "exclude", "reason": "duplicate_report", "same_study_as": named}
    return values


def test_a_duplicate_report_names_the_report_it_duplicates(config: dict[str, Any]) -> None:
    # Before: excluded.csv and the report said only "Duplicate or superseded report of an
    # included study"; which study it duplicated was in the reviewers' notes at best.
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    for reviewer in ("r1", "r2"):
        give(config, reviewer, duplicate(ids, ids[0]), f"{reviewer}_done.xlsx")
    run_fulltext(config)
    (excluded,) = table(out(config, "excluded"))
    library = library_rows(Path(config["paths"]["outputs"]) / "library/records.csv")
    label = labels({ids[0]: library[ids[0]]})[ids[0]]
    assert (excluded["report_id"], excluded["reason"]) == (ids[1], "duplicate_report")
    assert (excluded["same_study_as"], excluded["same_study_label"]) == (ids[0], label)
    assert excluded["study_id"] == ids[0]
    outputs = Path(config["paths"]["outputs"])
    html, markdown = render(collect(config, outputs, read=read_outputs(outputs)))
    start = html.index('<section id="exclusions">')
    assert (
        f'of an included study (of <span dir="auto">{label}</span>, {ids[0]})</td>' in html[start:]
    )
    assert f"of an included study (of {label}, {ids[0]}) |" in markdown


def test_an_unknown_report_named_as_duplicated_is_one_clear_error(
    config: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = form_ids(sheet(config, "r1"), TITLE, ID)
    give(config, "r1", duplicate(ids, "S0000000000"), "r1.xlsx")
    protocol = tmp_path / "protocol.json"
    protocol.write_text(json.dumps(config), encoding="utf-8")
    assert main(["fulltext", "--configfile", str(protocol)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "r1.xlsx" in err and "same_study_as" in err
    assert "'S0000000000' is not another report of this review" in err
    assert not out(config, "excluded").read_text(encoding="utf-8").count("\n") > 1


def test_a_duplicate_of_one_of_two_smith_2020_studies_is_labelled_as_the_included_table() -> None:
    # Before: same_study_label labelled the linked report alone, 'Smith 2020', while
    # included_studies.csv (and the report's table of studies) called its study 'Smith 2020b'.
    from livingreview.fulltext.decide import FullTextOutcome, ReportDecision, group_studies
    from livingreview.fulltext.studies import excluded_rows, included_rows

    first, second, copy = "S1a2b3c4d5e", "S6f7a8b9c0d", "S9e8d7c6b5a"
    outcome = FullTextOutcome(
        reports=[
            ReportDecision(first, 1, "include"),
            ReportDecision(second, 1, "include"),
            ReportDecision(copy, 1, "exclude", reason="duplicate_report"),
        ]
    )
    group_studies(outcome, {("r1", copy): {"same_study_as": second}})
    library = {
        first: {"title": "Chatbot CBT for insomnia", "authors": "Smith, J; Roe, R", "year": "2020"},
        second: {"title": "Alliance with an app", "authors": "Smith, A.; Lee, K", "year": "2020"},
        copy: {"title": "Alliance with an app", "authors": "Smith, A.; Lee, K", "year": "2020"},
    }
    rows = included_rows(outcome.reports, library)
    included = {row["study_id"]: row["label"] for row in rows}
    assert included == {first: "Smith 2020a", second: "Smith 2020b"}
    (excluded,) = excluded_rows(outcome.reports, library, {"duplicate_report": "Duplicate"}, rows)
    assert (excluded["same_study_as"], excluded["same_study_label"]) == (second, "Smith 2020b")
