"""Protocols of other reviews than the shipped one: a review of randomised trials of a drug
(RoB 2, one database export, two screeners and a third reviewer for conflicts), and the mistakes
a methodologist makes writing one, each refused in one line naming the file and the key."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from livingreview.config import VALIDATED_KEY, load_config, write_resolved_protocol
from livingreview.errors import ConfigError

Protocol = dict[str, Any]


def rct_review() -> Protocol:
    """A drug review of randomised trials rated with RoB 2, searched in one database export."""
    people = [screening, full_text, extraction, rob] = [
        "screening",
        "full_text",
        "extraction",
        "risk_of_bias",
    ]
    return {
        "review": {
            "id": "drug_x_rcts",
            "title": "Drug X for hypertension",
            "question": "Does drug X lower blood pressure compared with placebo?",
            "version": "1.0",
        },
        "imports": {
            "embase": {
                "database": "Embase",
                "files": ["exports/embase.ris"],
                "searched_on": "2025-01-10",
            }
        },
        "reviewers": [
            {"id": "anna", "name": "Anna", "roles": people},
            {"id": "ben", "name": "Ben", "roles": [screening, full_text, extraction, rob]},
            {"id": "cleo", "name": "Cleo", "roles": ["conflict_resolution"]},
        ],
        "eligibility": {
            "criteria": [
                {"id": "adults", "element": "population", "include": "Adults with hypertension"},
                {"id": "placebo", "element": "comparator", "include": "Placebo"},
            ]
        },
        "exclusion_reasons": {
            "full_text": [
                {"id": "wrong_comparator", "label": "Wrong comparator"},
                {"id": "not_randomised", "label": "Not randomised"},
            ]
        },
        "screening": {"decision_rule": "third_reviewer"},
        "full_text": {"decision_rule": "third_reviewer"},
        "extraction": {
            "fields": [
                {
                    "id": "study_design",
                    "label": "Design",
                    "type": "choice",
                    "choices": ["parallel RCT", "crossover RCT"],
                },
                {"id": "n_randomised", "label": "N randomised", "type": "integer"},
                {"id": "outcomes", "label": "Outcomes", "type": "multichoice", "choices": ["SBP"]},
            ]
        },
        "risk_of_bias": {"tools_by_design": {"parallel RCT": "rob2", "crossover RCT": "rob2"}},
        "report": {"study_columns": ["n_randomised"]},
    }


def written(tmp_path: Path, protocol: Protocol) -> Path:
    path = tmp_path / "protocol.yaml"
    path.write_text(yaml.safe_dump(protocol, sort_keys=False), encoding="utf-8")
    return path


def test_a_review_of_trials_rated_with_rob2_is_a_valid_protocol(tmp_path: Path) -> None:
    config = load_config([written(tmp_path, rct_review())])
    assert config["sources"] == {} and list(config["imports"]) == ["embase"]
    # before: the schema's default "nexus_field": "nexus_level", a field of the shipped review,
    # stood in the protocol and in outputs/protocol.json, which the checklist lists as shared
    assert "nexus_field" not in config["extraction"] and config["nexus"] == {}
    assert config["reviewers"][2]["roles"] == ["conflict_resolution"]
    config["paths"]["outputs"] = str(tmp_path / "outputs")
    resolved = Path(write_resolved_protocol(config))
    data = json.loads(resolved.read_text(encoding="utf-8"))
    assert "nexus_field" not in data["extraction"] and VALIDATED_KEY in data
    assert load_config([resolved]) == config  # read back as written, not validated again


def change(path: str, value: Any) -> Callable[[Protocol], None]:
    """Set the value at a dotted path (list positions as numbers)."""

    def apply(protocol: Protocol) -> None:
        *head, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = protocol
        for part in head:
            node = node[part]
        node[last] = value

    return apply


def add_reviewer(reviewer: dict[str, Any]) -> Callable[[Protocol], None]:
    return lambda protocol: protocol["reviewers"].append(reviewer)


ANNA_AGAIN = {"id": "anna", "name": "Anna B.", "roles": ["screening"]}
REASON_AGAIN = {"id": "not_randomised", "label": "Quasi-randomised"}

MISTAKES = {
    "reviewer listed twice": (
        add_reviewer(ANNA_AGAIN),
        "'reviewers[3].id': 'anna' is already the id of reviewers[0]",
    ),
    "role typed wrong": (
        change("reviewers.1.roles", ["screening", "fulltext"]),
        "'reviewers[1].roles[1]': 'fulltext' is not one of 'screening', 'full_text'",
    ),
    "one screener in dual mode": (
        change("reviewers", [{"id": "anna", "name": "Anna", "roles": ["screening"]}]),
        "'reviewers': screening.mode 'dual' needs 2 reviewer(s) with the role 'screening', found 1",
    ),
    "the verifier of single screening left and no one took over": (
        lambda p: (
            p["screening"].update(mode="single", verification_sample={"fraction": 0.5}),
            p["reviewers"][1].update(roles=["full_text", "extraction", "risk_of_bias"]),
        ),
        # before: "screening.mode 'single' needs 2 reviewer(s)", though single mode needs one
        # and it is the verification sample that needs the second
        "'reviewers': screening.mode 'single' with verification_sample.fraction 0.5 needs 2 "
        "reviewer(s) with the role 'screening' (the second screens the sample), found 1",
    ),
    "one full-text reviewer in dual mode": (
        change("reviewers.1.roles", ["screening", "extraction", "risk_of_bias"]),
        "'reviewers': full_text.mode 'dual' needs 2 reviewer(s) with the role 'full_text', found 1",
    ),
    "no one to resolve conflicts": (
        change("reviewers.2.roles", []),
        "screening.decision_rule third_reviewer needs a reviewer with the role "
        "'conflict_resolution'",
    ),
    "exclusion reason listed twice": (
        lambda p: p["exclusion_reasons"]["full_text"].append(REASON_AGAIN),
        "'exclusion_reasons.full_text[2].id': 'not_randomised' is already the id of "
        "exclusion_reasons.full_text[1]",
    ),
    "criterion id listed twice": (
        change("eligibility.criteria.1.id", "adults"),
        "'eligibility.criteria[1].id': 'adults' is already the id of eligibility.criteria[0]",
    ),
    "design that is no choice of study_design": (
        change("risk_of_bias.tools_by_design.cluster RCT", "rob2"),
        "'risk_of_bias.tools_by_design.cluster RCT': 'cluster RCT' is not a choice of the "
        "extraction field 'study_design' (expected one of: parallel RCT, crossover RCT)",
    ),
    "no study_design field": (
        change("extraction.fields.0.id", "design"),
        "'risk_of_bias.tools_by_design': the tool is chosen by each study's design, so "
        "extraction.fields needs a field 'study_design' of type choice",
    ),
    "Newcastle-Ottawa for a trial": (
        change("risk_of_bias.tools_by_design.parallel RCT", "nos"),
        "'risk_of_bias.tools_by_design.parallel RCT': nos needs a design of cohort",
    ),
    "choice without choices": (
        change("extraction.fields.2.choices", []),
        "'extraction.fields[2].choices': type multichoice needs choices",
    ),
    "a choice listed twice": (
        change("extraction.fields.2.choices", ["SBP", "DBP", "SBP"]),
        "'extraction.fields[2].choices': 'SBP' listed twice",
    ),
    "choices on a number": (
        change("extraction.fields.1.choices", ["1", "2"]),
        "'extraction.fields[1].choices': type integer takes no choices",
    ),
    "extraction field listed twice": (
        change("extraction.fields.1.id", "outcomes"),
        "'extraction.fields[2]': id 'outcomes' is used twice",
    ),
    "years the wrong way round": (
        change("automation", {"year_from": 2020, "year_to": 2010}),
        "'automation.year_from': 2020 is after automation.year_to 2010",
    ),
    "Nexus levels without their field": (
        change("nexus", {"levels": [{"level": 1, "label": "One"}]}),
        "'extraction.nexus_field': 'nexus_level' is not an extraction field",
    ),
    "Nexus level listed twice": (
        lambda p: p.update(nexus={"levels": [{"level": 1, "label": "a"}] * 2}),
        "'nexus.levels[1].level': 1 is already the level of nexus.levels[0]",
    ),
    "cross-sectional maximum without its items": (
        change("risk_of_bias.nos_cross_sectional", {"max_stars": 9}),
        "'risk_of_bias.nos_cross_sectional': the item maxima add up to 10, not max_stars 9",
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_wrong_protocol_is_refused_naming_the_file_and_key(tmp_path: Path, mistake: str) -> None:
    edit, expected = MISTAKES[mistake]
    protocol = rct_review()
    edit(protocol)
    path = written(tmp_path, protocol)
    with pytest.raises(ConfigError) as caught:
        load_config([path])
    message = str(caught.value)
    assert message.startswith(f"{path}: config key ") and "\n" not in message
    assert expected in message


def test_a_review_without_risk_of_bias_needs_no_assessors(tmp_path: Path) -> None:
    protocol = rct_review()
    protocol["risk_of_bias"]["tools_by_design"] = {"parallel RCT": "none"}
    for reviewer in protocol["reviewers"]:
        reviewer["roles"] = [r for r in reviewer["roles"] if r != "risk_of_bias"]
    assert load_config([written(tmp_path, protocol)])["risk_of_bias"]["mode"] == "dual"


def test_check_config_names_a_reviewer_listed_twice_in_one_line(tmp_path: Path) -> None:
    protocol = copy.deepcopy(rct_review())
    protocol["reviewers"].append(ANNA_AGAIN)
    path = written(tmp_path, protocol)
    done = subprocess.run(
        [sys.executable, "-m", "livingreview", "check-config", "--configfile", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"livingreview: error: {path}: config key 'reviewers[3].id': 'anna' is already the id "
        "of reviewers[0]; each is listed once\n"
    )
