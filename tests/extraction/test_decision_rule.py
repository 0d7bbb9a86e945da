"""Who settles the fields two extractors coded differently (``extraction.decision_rule``, as
``full_text.decision_rule``), and the table of what each consensus row settled: which study and
field, what each reviewer had typed, the value settled, who settled it, the file and row, notes."""

from __future__ import annotations

import copy
import csv
import json
import logging
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.config import validate_config
from livingreview.errors import ConfigError, InputFileError
from livingreview.extraction.stage import OUTPUTS, run_extraction
from livingreview.report import checklist
from livingreview.report.methods import methods_paragraph
from livingreview.report.pending import pending_work
from tests.extraction.test_extraction import CODED, ID, TITLE, form, returned, studies
from tests.extraction.test_extraction import config as config  # the fixture
from tests.form_helpers import fill_form, form_ids, set_saved_at

SAVED = "2030-01-02T03:04:05Z"


def _outputs(config: dict[str, Any]) -> Path:
    return Path(config["paths"]["outputs"])


def _table(config: dict[str, Any]) -> list[dict[str, str]]:
    with (_outputs(config) / OUTPUTS["settled"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _meta(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["_meta"]
    found = {}
    for key, value, *_ in ws.iter_rows(values_only=True):
        if key == "checksum":
            break
        found[key] = value
    return found


def _disagree(config: dict[str, Any]) -> str:
    """r1 codes the first study as CODED, r2 with another Nexus level and N; the study's id."""
    (sid,) = form_ids(form(config, "r1"), TITLE, ID)[:1]
    fill_form(form(config, "r1"), TITLE, ID, {sid: dict(CODED)}, returned(config, "r1.xlsx"))
    r2 = {sid: {**CODED, "nexus_level": 3, "n": 121}}
    fill_form(form(config, "r2"), TITLE, ID, r2, returned(config, "r2.xlsx"))
    run_extraction(config)
    return sid


def _settle(config: dict[str, Any], sid: str, name: str = "c.xlsx") -> Path:
    settled = {"nexus_level": 3, "n": 120, "notes": "r3: the app adapts its dialogue"}
    path = fill_form(form(config, "consensus"), TITLE, ID, {sid: settled}, returned(config, name))
    return set_saved_at(path, SAVED)


def test_a_third_reviewer_settles_on_a_form_naming_them_and_the_table_keeps_both_values(
    config: dict[str, Any],
) -> None:
    """Before, the consensus form's reviewer was 'consensus' whoever settled it, and once
    settled a disagreement left disagreements.csv: which fields needed settling, what each
    reviewer had typed and who decided were in no table."""
    config["extraction"]["decision_rule"] = "third_reviewer"
    sid = _disagree(config)
    written = form(config, "consensus")
    assert _meta(written)["resolver"] == "r3"
    waiting = pending_work({"extraction_status": run_extraction(config)})
    assert (
        "Data extraction: 1 study(ies) with disagreements for r3 to settle on the consensus "
        "form" in waiting
    )  # before: "... for consensus", whoever the rule asks
    told = [c.value for c in openpyxl.load_workbook(written)["Instructions"]["A"]]
    assert any("consensus form for the third reviewer, Reviewer 3 (r3)" in (t or "") for t in told)
    _settle(config, sid)
    state = run_extraction(config)
    assert studies(config)[sid]["nexus_level"] == "3"
    assert studies(config)[sid]["how"] == "third_reviewer"  # was "consensus" whoever settled
    assert _table(config) == [
        {
            "study_id": sid,
            "field": "n",
            "votes": "r1=120 | r2=121",
            "settled": "120",
            "resolver": "r3",
            "round": "1",
            "file": "extraction/c.xlsx",
            "row": "2",
            "recorded_at": SAVED,
            "notes": "r3: the app adapts its dialogue",
        },
        {
            "study_id": sid,
            "field": "nexus_level",
            "votes": "r1=2 | r2=3",
            "settled": "3",
            "resolver": "r3",
            "round": "1",
            "file": "extraction/c.xlsx",
            "row": "2",
            "recorded_at": SAVED,
            "notes": "r3: the app adapts its dialogue",
        },
    ]
    assert (state["decision_rule"], state["resolver"]) == ("third_reviewer", "r3")
    assert state["settled_disagreements"] == {"studies": 1, "fields": 2, "by_resolver": {"r3": 1}}
    assert json.loads((_outputs(config) / OUTPUTS["status"]).read_text()) == state
    before = (_outputs(config) / OUTPUTS["settled"]).read_bytes()
    run_extraction(config)
    assert (_outputs(config) / OUTPUTS["settled"]).read_bytes() == before
    # the methods say who settled, the checklist (PRISMA 2020 item 9) how many studies needed it
    facts = checklist.Facts(config, {"extraction_status": state}, _outputs(config), frozenset())
    entry = checklist._collection(facts)
    assert "disagreements by third reviewer (Reviewer 3): 1 study settled (2 fields)" in entry.what
    assert "extraction/settled_disagreements.csv" in entry.where
    said = [s for s in methods_paragraph(config, "0.0") if " each extracted " in s]
    assert said == [
        "Reviewer 1 and Reviewer 2 each extracted every study independently; differences were "
        "settled by a third reviewer, Reviewer 3."
    ]


def test_the_consensus_rule_keeps_its_form_and_wording_and_lists_what_was_settled(
    config: dict[str, Any],
) -> None:
    sid = _disagree(config)
    assert "resolver" not in _meta(form(config, "consensus"))  # the form as before the key
    facts = checklist.Facts(
        config, {"extraction_status": run_extraction(config)}, _outputs(config), frozenset()
    )
    assert "disagreements by consensus: none settled yet, 1 still open" in (
        checklist._collection(facts).what
    )
    _settle(config, sid)
    state = run_extraction(config)
    assert [(r["field"], r["resolver"]) for r in _table(config)] == [
        ("n", "consensus"),
        ("nexus_level", "consensus"),
    ]
    assert studies(config)[sid]["how"] == "consensus"
    assert (state["decision_rule"], state["resolver"]) == ("consensus", "consensus")
    facts = checklist.Facts(config, {"extraction_status": state}, _outputs(config), frozenset())
    assert "disagreements by consensus: 1 study settled (2 fields); " in (
        checklist._collection(facts).what
    )
    said = [s for s in methods_paragraph(config, "0.0") if " each extracted " in s]
    assert said[0].endswith("; differences were settled by consensus.")


def test_a_consensus_row_changing_an_agreed_field_is_listed_too(config: dict[str, Any]) -> None:
    """A consensus row may retype what both reviewers typed alike: the value that counts then
    is none of theirs, and the table says so."""
    sid = _disagree(config)
    settled = {"nexus_level": 3, "n": 120, "country": "France"}
    fill_form(form(config, "consensus"), TITLE, ID, {sid: settled}, returned(config, "c.xlsx"))
    run_extraction(config)
    found = {r["field"]: (r["votes"], r["settled"]) for r in _table(config)}
    assert found["country"] == ("r1=Canada | r2=Canada", "France")
    assert set(found) == {"country", "n", "nexus_level"}


def test_a_form_settled_by_consensus_before_the_rule_keeps_working(
    config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    sid = _disagree(config)
    path = _settle(config, sid)
    run_extraction(config)
    config["extraction"]["decision_rule"] = "third_reviewer"
    with caplog.at_level(logging.WARNING):
        run_extraction(config)
    assert {r["resolver"] for r in _table(config)} == {"consensus"}
    assert studies(config)[sid]["how"] == "consensus"  # settled together, before the rule
    assert f"{path}: a consensus form naming no resolver" in caplog.text


def test_a_third_reviewer_who_extracted_the_study_is_refused(config: dict[str, Any]) -> None:
    """Full text refuses a resolution by one of the voters under third_reviewer; so does
    extraction: r2, first with the role conflict_resolution, extracted the study."""
    config["reviewers"][1]["roles"].append("conflict_resolution")
    config["extraction"]["decision_rule"] = "third_reviewer"
    sid = _disagree(config)
    assert _meta(form(config, "consensus"))["resolver"] == "r2"
    store = (_outputs(config) / OUTPUTS["entries"]).read_bytes()
    path = _settle(config, sid)
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value) == (
        f"{path}, row 2, field 'resolver': study {sid} is settled by r2, one of its reviewers, "
        "but extraction.decision_rule is third_reviewer: expected a reviewer other than r1, r2 "
        "(the role conflict_resolution names who)"
    )
    assert (_outputs(config) / OUTPUTS["entries"]).read_bytes() == store


def test_a_consensus_form_naming_a_resolver_without_the_role_is_refused(
    config: dict[str, Any],
) -> None:
    config["extraction"]["decision_rule"] = "third_reviewer"
    sid = _disagree(config)
    path = _settle(config, sid)
    config["reviewers"][2]["roles"] = []  # r3 no longer settles conflicts
    config["extraction"]["decision_rule"] = "consensus"
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    assert str(error.value) == (
        f"{path}, field 'resolver': the consensus extraction form's metadata names the resolver "
        "'r3'; expected one of consensus (reviewers with the role conflict_resolution, or "
        "consensus)"
    )


@pytest.mark.parametrize("section", ["extraction", "risk_of_bias"])
def test_the_rule_needs_someone_with_the_role(config: dict[str, Any], section: str) -> None:
    protocol = copy.deepcopy(config)
    protocol[section]["decision_rule"] = "third_reviewer"
    for key in ("screening", "full_text"):
        protocol[key]["decision_rule"] = "consensus"
    validate_config(copy.deepcopy(protocol))
    protocol["reviewers"][2]["roles"] = []
    with pytest.raises(ConfigError, match=f"{section}.decision_rule third_reviewer needs a"):
        validate_config(protocol)
    protocol[section]["decision_rule"] = "majority"
    with pytest.raises(ConfigError, match=f"'{section}.decision_rule'"):
        validate_config(protocol)
