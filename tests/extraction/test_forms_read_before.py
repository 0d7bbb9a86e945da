"""Extraction forms read by an earlier version, before a check refused what they hold: the
store keeps reading as it did, and what the check asks for can still be done.

The store is written as the extraction step wrote it then (every returned form read and
logged with :func:`livingreview.reviewforms.import_forms`, without the checks added since).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from livingreview import reviewforms, sheets
from livingreview.errors import InputFileError
from livingreview.extraction import fields as fieldmod
from livingreview.extraction import forms, stage
from livingreview.extraction.stage import run_extraction
from livingreview.fulltext.stage import current_round
from tests.extraction.test_consensus_keeps_agreed import _two_reviewers
from tests.extraction.test_extraction import CODED, ID, TITLE, form, returned, studies
from tests.extraction.test_extraction import config as config  # the fixture
from tests.form_helpers import fill_form, form_ids, set_saved_at

Clean = Callable[[reviewforms.FilledRow, Path], dict[str, str]]


def _store_as_before(config: dict[str, Any], clean: Clean) -> Path:
    """Read every returned form with ``clean`` and store the entries, as the step did before
    the checks of consensus blanks (5f6e7c1) and of '1,500' (33e1ed0); the store."""
    outputs = Path(config["paths"]["outputs"])
    fields = fieldmod.fields_of(config)
    expected = stage._expected_form(
        config, fields, stage.included_studies(outputs), current_round(outputs)
    )
    store = outputs / stage.OUTPUTS["entries"]
    entries, _ = reviewforms.import_forms(
        sheets.returned_files(reviewforms.human_folder(config, stage.SECTION), forms.WHAT),
        expected,
        base=Path(config["paths"]["human_input"]),
        store=store,
        clean=clean,
    )
    reviewforms.write_entries(store, entries)
    return store


def test_a_consensus_row_read_before_blanks_were_refused_settles_as_it_did(
    config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """r1 and r2 typed Nexus levels 2 and 3; the consensus row typed the required fields and
    left the level blank, which settled it as blank when it was read. 5f6e7c1 refused that
    row on the next run: the review stopped on a form it had read, final study and all, though
    its commit said a file read before stays readable. It settles as it did, with a warning;
    once a reviewer's row changes, the row is checked as a new one."""
    sid = _two_reviewers(config, {"nexus_level": 3})
    settled = {
        "study_design": "RCT",
        "intervention_type": "AI chatbot / conversational agent",
        "key_findings": "bond reported within two weeks",
        "notes": "no level: the report does not say",
    }
    path = fill_form(
        form(config, "consensus"), TITLE, ID, {sid: settled}, returned(config, "c.xlsx")
    )
    fields = fieldmod.fields_of(config)
    _store_as_before(config, lambda filled, p: forms.clean_row(filled, fields, p))
    with caplog.at_level(logging.WARNING):
        run_extraction(config)
    row = studies(config)[sid]
    assert (row["extraction_status"], row["how"], row["nexus_level"]) == ("final", "consensus", "")
    warned = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"{path},")]
    assert len(warned) == 1 and warned[0].startswith(f"{path}, row 2, field 'nexus_level': ")
    assert "it still settles the field as blank" in warned[0]
    # r2 saves another level since: the row no longer settles what the reviewers typed
    again = returned(config, "r2b.xlsx")
    fill_form(
        returned(config, "r2.xlsx"), TITLE, ID, {sid: {"nexus_level": 1}}, again, shuffle=False
    )
    set_saved_at(again, "2099-01-01T00:00:00Z")  # after r2's first file
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value).startswith(f"{path}, row 2, field 'nexus_level': ")
    assert "(r1=2 | r2=1)" in str(error.value)


def test_a_number_read_as_1_5_before_1500_was_refused_can_be_corrected(
    config: dict[str, Any],
) -> None:
    """r1 typed '1,500' in a number field, which an earlier version read as 1.5. 33e1ed0
    refuses it, in every row of every file: the form read before could neither stay (refused)
    nor be corrected (a file saved under a new name leaves the first one read, still refused)
    nor go (the store's nothing-lost check wants it back). The error stands while that row
    counts; a file saved under a new name replaces it, and the first row stays in the log as
    it was read."""
    config["extraction"]["fields"].append({"id": "mean_age", "label": "Mean age", "type": "number"})
    run_extraction(config)  # the forms get the new column
    (sid,) = form_ids(form(config, "r1"), TITLE, ID)[:1]
    first = fill_form(
        form(config, "r1"),
        TITLE,
        ID,
        {sid: {**CODED, "mean_age": "1,500"}},
        returned(config, "r1.xlsx"),
    )
    fields = fieldmod.fields_of(config)

    def as_before(filled: reviewforms.FilledRow, path: Path) -> dict[str, str]:
        """The decimal comma's reading ('1,500' as 1.5) every such number got before."""
        values = {k: "1,5" if v == "1,500" else v for k, v in filled.values.items()}
        return forms.clean_row(replace(filled, values=values), fields, path)

    store = _store_as_before(config, as_before)
    with pytest.raises(InputFileError) as error:
        run_extraction(config)  # the row counts: the error stands
    assert str(error.value).startswith(f"{first}, row ")
    assert "'1,500' could be 1500 or 1.5: type the one you mean" in str(error.value)
    again = returned(config, "r1b.xlsx")
    fill_form(form(config, "r1"), TITLE, ID, {sid: {**CODED, "mean_age": 1500}}, again)
    set_saved_at(again, "2099-01-01T00:00:00Z")  # after the first file
    run_extraction(config)
    entries = reviewforms.read_entries(store)
    assert reviewforms.latest_rows(entries)[("r1", sid)]["mean_age"] == "1500"
    kept = {(e.file, e.value) for e in entries if e.column == "mean_age"}
    assert kept == {("extraction/r1.xlsx", "1.5"), ("extraction/r1b.xlsx", "1500")}
