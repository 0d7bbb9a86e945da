"""An article citing a trial's registration is a report of the registered study at full text.

The demo library with a few of its studies made into invented trial registrations and articles
citing them by the register ids PubMed gives (``register_ids``): the full-text stage groups an
article with the one registration it cites, as reports of one study, unless a reviewer linked
the article elsewhere; an article citing two registrations (a pooled analysis) joins neither.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from livingreview.fulltext.stage import OUTPUTS, run_fulltext
from tests.form_helpers import fill_form, stage_config
from tests.fulltext.test_merged_reports import table

TITLE, ID = "Full text", "report_id"


def _registration(row: dict[str, str], nct: str) -> None:
    row.update(
        source_id=nct,
        title=f"Walking groups for low mood ({nct})",
        authors="",
        journal="ClinicalTrials.gov",
        publication_types="Trial registration; INTERVENTIONAL",
        url=f"https://clinicaltrials.gov/study/{nct}",
        doi="",
        pmid="",
        register_ids="",
    )


def _rewrite(records: Path, changes: dict[str, Any]) -> None:
    with records.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames or [], list(reader)
    for row in rows:
        change = changes.get(row["study_id"])
        if callable(change):
            change(row)
        elif change:
            row.update(change)
    with records.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_an_article_citing_one_registration_is_a_report_of_its_study(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config: dict[str, Any] = stage_config(tmp_path, demo_outputs)
    config["full_text"]["mode"] = "single"
    outputs = Path(config["paths"]["outputs"])
    sought = sorted(
        r["study_id"]
        for r in table(outputs / "screening/final_decisions.csv")
        if r["decision"] == "include"
    )
    trial, article, linked, other, pooled, second_trial = sought[:6]
    _rewrite(
        outputs / "library/records.csv",
        {
            trial: lambda row: _registration(row, "NCT09000701"),
            second_trial: lambda row: _registration(row, "NCT09000702"),
            article: {"register_ids": "NCT09000701"},
            linked: {"register_ids": "NCT09000701"},  # a reviewer links it to another report
            pooled: {"register_ids": "NCT09000701; NCT09000702"},
        },
    )
    run_fulltext(config)
    returned = Path(config["paths"]["human_input"]) / "full_text/sheets/r1.xlsx"
    values = {
        trial: {"decision": "exclude", "reason": "Non-mental-health use or population"},
        article: {"decision": "include"},
        linked: {"decision": "include", "same_study_as": other},
    }
    fill_form(outputs / "fulltext/sheets/full_text_round1_r1.xlsx", TITLE, ID, values, returned)
    result = run_fulltext(config)

    study = {r["report_id"]: r["study_id"] for r in table(outputs / OUTPUTS["decisions"])}
    assert study[article] == study[trial] == min(article, trial)
    assert study[linked] == study[other] == min(linked, other)  # the reviewer's link counts
    assert study[pooled] == pooled and study[second_trial] == second_trial
    included = {r["study_id"]: r["reports"] for r in table(outputs / OUTPUTS["included"])}
    # the study is included through its article, its excluded registration a report of it
    assert included[min(article, trial)] == article
    assert result["studies_included"] == 2
