"""ROBINS-I: the published overall rule, on the robvis example and on every combination."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.rob import robins_i
from livingreview.rob.levels import Risk
from livingreview.rob.tables import read_table
from livingreview.rob.tools import get_tool

LEVELS = (Risk.LOW, Risk.CONCERNS, Risk.HIGH, Risk.CRITICAL, Risk.NO_INFORMATION)


def test_rule_on_every_combination_of_seven_domains() -> None:
    for domains in itertools.product(LEVELS, repeat=7):
        got = robins_i.overall_risk(domains)
        if Risk.CRITICAL in domains:
            assert got == Risk.CRITICAL
        elif Risk.HIGH in domains:
            assert got == Risk.HIGH
        elif all(d == Risk.NO_INFORMATION for d in domains):
            assert got == Risk.NO_INFORMATION
        elif all(d == Risk.LOW for d in domains):
            assert got == Risk.LOW
        else:  # low or moderate everywhere, or NI in a domain nobody named key
            assert got == Risk.CONCERNS, domains


def test_missing_information_in_a_key_domain_gives_no_information() -> None:
    domains = [Risk.LOW, Risk.NO_INFORMATION, *[Risk.LOW] * 5]
    assert robins_i.overall_risk(domains) == Risk.CONCERNS
    assert robins_i.overall_risk(domains, key_domains={1}) == Risk.NO_INFORMATION
    assert robins_i.overall_risk(domains, key_domains={0}) == Risk.CONCERNS
    serious = [Risk.HIGH, Risk.NO_INFORMATION, *[Risk.LOW] * 5]
    assert robins_i.overall_risk(serious, key_domains={1}) == Risk.HIGH


def test_robvis_example_overall_reproduced_through_form_rows(rob_dir: Path) -> None:
    table = read_table(rob_dir / "robvis_data_robins_i.csv", get_tool("robins-i"))
    tool = table.tool
    for row in table.rows:
        form = {"study": row.study, "overall": tool.label(row.overall)}
        form |= {f"d{i}": tool.label(r) for i, r in enumerate(row.judgements, start=1)}
        assessment = robins_i.assess(form)
        assert not assessment.overall.overridden, row.study
        assert assessment.overall.final == row.overall


def test_form_rows_name_their_problems() -> None:
    row = {"study": "Ng 2019", **{f"d{i}": "Low" for i in range(1, 8)}}
    assert robins_i.assess(row).overall.final == Risk.LOW
    cases = [
        ({"d3": "Some concerns"}, "d3", "Low, Moderate, Serious, Critical"),
        ({"d7": ""}, "d7", "has no judgement"),
        ({"d2": "NA"}, "d2", "judgement 'NA' is not one of"),
        ({"key_domains": "D1;D9"}, "key_domains", "D9"),
        ({"overall": "Serious"}, "overall_reason", "overall_reason"),
    ]
    for change, field, words in cases:
        with pytest.raises(InputFileError) as error:
            robins_i.assess({**row, **change})
        assert error.value.field == field
        assert "study 'Ng 2019'" in str(error.value) and words in str(error.value)
    keyed = robins_i.assess({**row, "d1": "No information", "key_domains": "d1"})
    assert keyed.overall.final == Risk.NO_INFORMATION and keyed.key_domains == ("D1",)
    settled = robins_i.assess(
        {**row, "d1": "NI", "key_domains": "D1", "overall": "Moderate", "overall_reason": "x"}
    )
    assert settled.overall.overridden and settled.overall.final == Risk.CONCERNS


def test_a_domain_judgement_error_lists_only_what_a_domain_accepts() -> None:
    # before: "... is not one of Low, Moderate, Serious, Critical, No information, Not
    # applicable (ROBINS-I)", and "Not applicable" was then refused too
    row = {"study": "Ng 2019", **{f"d{i}": "Low" for i in range(1, 8)}}
    expected = "is not one of Low, Moderate, Serious, Critical, No information (ROBINS-I)"
    for text in ("Moderate-ish", "Not applicable", "na"):
        with pytest.raises(InputFileError) as error:
            robins_i.assess({**row, "d4": text})
        assert error.value.field == "d4"
        assert str(error.value).endswith(f"judgement {text!r} {expected}")
