"""The methods paragraph says what the protocol ran, in sentences that read right for every
protocol: no extraction fields, no eligibility criteria, one of each, every risk-of-bias tool."""

from __future__ import annotations

from typing import Any

from livingreview.config import load_config
from livingreview.report.methods import methods_paragraph
from tests.report.test_report import DEMO_CONFIG


def sentence(config: dict[str, Any], start: str, tools: set[str] | None = None) -> str:
    """The sentence of the methods paragraph that begins with ``start`` ('' when none does)."""
    found = [s for s in methods_paragraph(config, "0.0", tools) if s.startswith(start)]
    assert len(found) <= 1, found
    return found[0] if found else ""


def test_no_extraction_fields_and_no_eligibility_criteria_are_said_so() -> None:
    config = load_config(DEMO_CONFIG)
    config["extraction"]["fields"] = []
    config["eligibility"]["criteria"] = []
    # before: "Data were extracted on 0 fields: ." and "... against 0 eligibility criteria."
    assert sentence(config, "Data were extracted") == ""
    assert sentence(config, "The protocol lists no data extraction fields") != ""
    screened = sentence(config, "Titles and abstracts were screened by")
    assert screened.endswith(".") and "eligibility" not in screened and " 0 " not in screened


def test_one_field_and_one_criterion_are_counted_in_the_singular() -> None:
    config = load_config(DEMO_CONFIG)
    config["extraction"]["fields"] = config["extraction"]["fields"][:1]
    config["eligibility"]["criteria"] = config["eligibility"]["criteria"][:1]
    label = config["extraction"]["fields"][0]["label"]
    assert sentence(config, "Data were extracted") == f"Data were extracted on 1 field: {label}."
    assert sentence(config, "Titles and abstracts").endswith(" against 1 eligibility criterion.")
    several = load_config(DEMO_CONFIG)
    n = len(several["eligibility"]["criteria"])
    assert n > 1 and sentence(several, "Titles").endswith(f" against {n} eligibility criteria.")


def test_every_tool_the_protocol_may_name_is_called_by_its_name() -> None:
    config = load_config(DEMO_CONFIG)
    config["risk_of_bias"]["tools_by_design"] = {"diagnostic accuracy": "quadas2", "RCT": "rob2"}
    # before: "... with RoB 2 (RCT) and quadas2 (diagnostic accuracy)."
    assert sentence(config, "Risk of bias") == (
        "Risk of bias was rated by study design with QUADAS-2 (diagnostic accuracy) and "
        "RoB 2 (RCT)."
    )
    assert sentence(config, "Risk of bias", {"rob2"}) == (
        "Risk of bias was rated by study design with RoB 2 (RCT)."
    )
