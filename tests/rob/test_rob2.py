"""RoB 2: every branch of every domain's decision diagram, the overall rule and overrides."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.rob import rob2
from livingreview.rob.levels import Risk
from livingreview.rob.rows import RowPlace

L, S, H = Risk.LOW, Risk.CONCERNS, Risk.HIGH
Answers = Mapping[str, str]


def y(answer: str) -> bool:
    return answer in ("Y", "PY")


def n(answer: str) -> bool:
    return answer in ("N", "PN")


def n_or_na(answer: str) -> bool:
    return n(answer) or answer == "NA"


# Reference judgements written from the decision diagrams' wording (Sterne 2019, as summarised
# in shared/reference/prisma_and_risk_of_bias.md §4.1), independently of the module's tables.
def ref_d1(a: Answers) -> Risk:
    if n(a["1.2"]):
        return H
    if y(a["1.2"]):
        if n(a["1.1"]):
            return S
        return S if y(a["1.3"]) else L
    return H if y(a["1.3"]) else S


def ref_d2_assignment(a: Answers) -> Risk:
    if (n(a["2.1"]) and n(a["2.2"])) or n_or_na(a["2.3"]):
        part1 = L
    elif a["2.3"] == "NI" or n_or_na(a["2.4"]):
        part1 = S
    else:
        part1 = S if y(a["2.5"]) or a["2.5"] == "NA" else H
    part2 = L if y(a["2.6"]) else S if n_or_na(a["2.7"]) else H
    return max(part1, part2, key=[L, S, H].index)


def ref_d2_adhering(a: Answers) -> Risk:
    def at_2_6() -> Risk:
        return S if y(a["2.6"]) or a["2.6"] == "NA" else H

    def at_2_4_and_2_5() -> Risk:
        return L if n_or_na(a["2.4"]) and n_or_na(a["2.5"]) else at_2_6()

    if n(a["2.1"]) and n(a["2.2"]):
        return at_2_4_and_2_5()
    return at_2_4_and_2_5() if y(a["2.3"]) or a["2.3"] == "NA" else at_2_6()


def ref_d3(a: Answers) -> Risk:
    if y(a["3.1"]) or y(a["3.2"]) or n_or_na(a["3.3"]):
        return L
    return S if n_or_na(a["3.4"]) else H


def ref_d4(a: Answers) -> Risk:
    if y(a["4.1"]) or y(a["4.2"]):
        return H
    low = L if n(a["4.2"]) else S
    if n_or_na(a["4.3"]) or n_or_na(a["4.4"]):
        return low
    return S if n_or_na(a["4.5"]) else H


def ref_d5(a: Answers) -> Risk:
    if y(a["5.2"]) or y(a["5.3"]):
        return H
    if "NI" in (a["5.2"], a["5.3"]):
        return S
    return L if y(a["5.1"]) else S


REFERENCES: dict[tuple[str, str], Callable[[Answers], Risk]] = {
    ("assignment", "D1"): ref_d1,
    ("assignment", "D2"): ref_d2_assignment,
    ("adhering", "D2"): ref_d2_adhering,
    ("assignment", "D3"): ref_d3,
    ("assignment", "D4"): ref_d4,
    ("assignment", "D5"): ref_d5,
}


def all_answer_sets(domain: str, variant: str) -> list[dict[str, str]]:
    """Every combination of the answer classes to a domain's questions.

    Y/PY and N/PN take the same branches, so each question gets one of each pair, alternating
    between questions so that both spellings are used.
    """
    questions = [q for q in rob2.questions_for(variant) if q.startswith(domain[1:] + ".")]
    choices = [
        (["Y", "PN"] if i % 2 else ["PY", "N"])
        + ["NI"]
        + (["NA"] if rob2.questions_for(variant)[q][1] else [])
        for i, q in enumerate(questions)
    ]
    return [dict(zip(questions, combo, strict=True)) for combo in itertools.product(*choices)]


@pytest.mark.parametrize(("variant", "domain"), sorted(REFERENCES))
def test_every_answer_combination_follows_the_diagram(variant: str, domain: str) -> None:
    reference = REFERENCES[(variant, domain)]
    sets = all_answer_sets(domain, variant)
    assert len(sets) >= 27
    wrong = [
        (answers, got)
        for answers in sets
        if (got := rob2.judge_domain(domain, answers, variant)) != reference(answers)
    ]
    assert wrong == []


@pytest.mark.parametrize(("variant", "domain"), sorted(REFERENCES))
def test_every_branch_of_every_diagram_is_reached(variant: str, domain: str) -> None:
    diagrams = rob2.DIAGRAMS[variant][domain]
    edges = {
        (id(diagram), node, branch)
        for diagram in diagrams
        for node, (_, branches) in diagram[1].items()
        for branch in branches
    }
    taken = set()
    for answers in all_answer_sets(domain, variant):
        for diagram in diagrams:
            _, steps = rob2.follow(diagram, answers)
            taken |= {(id(diagram), step.node, step.branch) for step in steps}
    assert taken == edges


@pytest.mark.parametrize(
    ("domain", "answers", "expected"),
    [
        ("D1", {"1.2": "N"}, H),
        ("D1", {"1.2": "Y", "1.1": "PN"}, S),
        ("D1", {"1.2": "PY", "1.1": "NI", "1.3": "NI"}, L),
        ("D1", {"1.2": "Y", "1.1": "Y", "1.3": "PY"}, S),
        ("D1", {"1.2": "NI", "1.3": "N"}, S),
        ("D1", {"1.2": "NI", "1.3": "Y"}, H),
        ("D2", {"2.1": "N", "2.2": "PN", "2.6": "Y"}, L),
        ("D2", {"2.1": "Y", "2.2": "N", "2.3": "NI", "2.6": "Y"}, S),
        ("D2", {"2.1": "NI", "2.2": "N", "2.3": "Y", "2.4": "NA", "2.6": "Y"}, S),
        ("D2", {"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.4": "NI", "2.5": "N", "2.6": "Y"}, H),
        ("D2", {"2.1": "N", "2.2": "N", "2.6": "NI", "2.7": "NA"}, S),
        ("D2", {"2.1": "N", "2.2": "N", "2.6": "N", "2.7": "NI"}, H),
        ("D3", {"3.1": "PY"}, L),
        ("D3", {"3.1": "N", "3.2": "Y"}, L),
        ("D3", {"3.1": "N", "3.2": "NA", "3.3": "NA"}, L),
        ("D3", {"3.1": "NI", "3.2": "N", "3.3": "PY", "3.4": "PN"}, S),
        ("D3", {"3.1": "N", "3.2": "PN", "3.3": "NI", "3.4": "NI"}, H),
        ("D4", {"4.1": "Y"}, H),
        ("D4", {"4.1": "NI", "4.2": "PY"}, H),
        ("D4", {"4.1": "N", "4.2": "N", "4.3": "Y", "4.4": "N"}, L),
        ("D4", {"4.1": "N", "4.2": "NI", "4.3": "Y", "4.4": "N"}, S),
        ("D4", {"4.1": "N", "4.2": "N", "4.3": "Y", "4.4": "Y", "4.5": "PN"}, S),
        ("D4", {"4.1": "N", "4.2": "NI", "4.3": "NI", "4.4": "NI", "4.5": "NI"}, H),
        ("D5", {"5.2": "N", "5.3": "PY"}, H),
        ("D5", {"5.2": "NI", "5.3": "N"}, S),
        ("D5", {"5.2": "N", "5.3": "PN", "5.1": "Y"}, L),
        ("D5", {"5.2": "N", "5.3": "N", "5.1": "NI"}, S),
    ],
)
def test_named_branches(domain: str, answers: dict[str, str], expected: Risk) -> None:
    assert rob2.judge_domain(domain, answers) == expected


def test_adhering_variant_cannot_reach_low_without_balanced_co_interventions() -> None:
    answers = {"2.1": "Y", "2.2": "N", "2.3": "N", "2.4": "N", "2.5": "N", "2.6": "Y"}
    assert rob2.judge_domain("D2", answers, "adhering") == S
    answers["2.3"] = "PY"
    assert rob2.judge_domain("D2", answers, "adhering") == L


LOW_ROW = {
    "study": "Smith 2021",
    "q1_1": "Y", "q1_2": "Y", "q1_3": "N",
    "q2_1": "N", "q2_2": "N", "q2_6": "Y",
    "q3_1": "Y",
    "q4_1": "N", "q4_2": "N", "q4_3": "N",
    "q5_1": "Y", "q5_2": "N", "q5_3": "N",
}  # fmt: skip
PLACE = RowPlace("forms/rob2.csv", "row 4")


def test_a_form_row_is_judged_by_the_diagrams() -> None:
    assessment = rob2.assess(LOW_ROW, PLACE)
    assert assessment.domain_risks() == dict.fromkeys(["D1", "D2", "D3", "D4", "D5"], L)
    assert assessment.overall.final == L and not assessment.overall.overridden
    assert assessment.domains[0].path == "1.2=Y → 1.1=Y → 1.3=N"
    worse = rob2.assess({**LOW_ROW, "q3_1": "N", "q3_2": "N", "q3_3": "Y", "q3_4": "Y"}, PLACE)
    assert worse.domain_risks()["D3"] == H and worse.overall.final == H


def test_answers_in_words_and_any_case() -> None:
    row = {**LOW_ROW, "q1_1": "probably yes", "q1_2": "yes", "q1_3": "pn"}
    assert rob2.assess(row).domain_risks()["D1"] == L


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"q1_2": "maybe"}, "q1_2", ["'Smith 2021'", "'maybe'", "Y, PY, PN, N, NI"]),
        ({"q1_1": "NA"}, "q1_1", ["always asked", "question 1.1"]),
        ({"q1_3": ""}, "q1_3", ["needs an answer to question 1.3"]),
        ({"variant": "per-protocol"}, "variant", ["assignment, adhering"]),
        ({"variant": "adhering", "q2_7": "N"}, "q2_7", ["2.7"]),
        ({"q5_1": "", "q5_2": "", "q5_3": ""}, "d5", ["neither"]),
        ({"d5": "Medium"}, "d5", ["'Medium'", "Low", "Some concerns", "High"]),
        ({"q5_1": "", "q5_2": "", "q5_3": "", "d5": "NA"}, "d5", ["is not one of Low, Some"]),
        ({"overall": "Not applicable", "overall_reason": "x"}, "overall", ["'Not applicable'"]),
    ],
)
def test_bad_rows_name_file_row_study_and_field(
    change: dict[str, str], field: str, words: list[str]
) -> None:
    with pytest.raises(InputFileError) as error:
        rob2.assess({**LOW_ROW, **change}, PLACE)
    message = str(error.value)
    assert message.startswith("forms/rob2.csv, row 4 (study 'Smith 2021')")
    assert error.value.field == field
    for word in words:
        assert word in message


def test_domain_entered_directly_or_overriding_the_diagram() -> None:
    blank_d4 = {k: v for k, v in LOW_ROW.items() if not k.startswith("q4")}
    direct = rob2.assess({**blank_d4, "d4": "High"})
    d4 = direct.domains[3]
    assert (d4.risk, d4.algorithm, d4.path, d4.overridden) == (H, None, "entered directly", False)
    assert direct.overall.final == H
    with pytest.raises(InputFileError, match="d1_reason"):
        rob2.assess({**LOW_ROW, "d1": "Some concerns"})
    overridden = rob2.assess({**LOW_ROW, "d1": "Some concerns", "d1_reason": "baseline table"})
    assert overridden.domains[0].overridden and overridden.domains[0].algorithm == L
    assert overridden.overall.final == S
    agreeing = rob2.assess({**LOW_ROW, "d1": "low"})
    assert not agreeing.domains[0].overridden


def test_overall_override_only_towards_more_severe_and_with_a_reason() -> None:
    concerns = {"d1": "Some concerns", "d2": "Some concerns", "d3": "Some concerns"}
    direct = {"study": "Lee 2020", **concerns, "d4": "Low", "d5": "Low"}
    assert rob2.assess(direct).overall.final == S
    with pytest.raises(InputFileError, match="overall_reason"):
        rob2.assess({**direct, "overall": "High"})
    judged = rob2.assess({**direct, "overall": "High", "overall_reason": "three SC domains"})
    assert (judged.overall.computed, judged.overall.final) == (S, H)
    assert judged.overall.overridden and judged.overall.override_reason == "three SC domains"
    with pytest.raises(InputFileError, match="less severe"):
        rob2.assess({**direct, "d5": "High", "overall": "Some concerns", "overall_reason": "x"})


def test_overall_rule() -> None:
    assert rob2.overall_risk([L] * 5) == L
    assert rob2.overall_risk([L, S, L, L, L]) == S
    assert rob2.overall_risk([S, S, S, S, H]) == H
    assert rob2.overall_risk([L, Risk.NO_INFORMATION, L, L, L]) == S  # low needs all low


def test_robvis_rob2_example_entered_directly_reproduces_its_overall(rob_dir: Path) -> None:
    with (rob_dir / "robvis_data_rob2.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9
    for number, row in enumerate(rows, start=2):
        form = {"study": row["Study"], **{f"d{i}": row[f"D{i}"] for i in range(1, 6)}}
        form["overall"] = row["Overall"]
        assessment = rob2.assess(form, RowPlace("robvis_data_rob2.csv", f"line {number}"))
        assert not assessment.overall.overridden, row["Study"]
