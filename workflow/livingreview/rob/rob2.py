"""RoB 2 (Sterne et al., BMJ 2019;366:l4898): signalling questions → domain → overall judgement.

Each domain's decision diagram is data: nodes ask one question (or two read together), and each
answer class leads to another node or ends at a judgement. Answers Y and PY follow the same
branch ("Y"), N and PN the same ("N"); NI and NA have their own. Two questions read together
(2.1+2.2, 2.4+2.5, 5.2+5.3) take the branch of the strongest answer: Y if either is Y, else NI
if either is NI, else N if either is N, else NA.

A form row holds ``study`` and optionally ``reviewer``, ``result`` and ``variant`` (``assignment``,
the default, or ``adhering`` for domain 2); answers in ``q1_1`` … ``q5_3``; optionally a
directly entered judgement per domain in ``d1`` … ``d5`` (with ``d1_reason`` … when it departs
from the diagram) and a reviewers' ``overall`` with ``overall_reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from livingreview.rob.levels import SEVERITY, Risk
from livingreview.rob.rows import (
    Overall,
    Row,
    RowPlace,
    cell,
    parse_judgement,
    resolve_overall,
    study_of,
)
from livingreview.rob.tools import get_tool

TOOL = get_tool("rob2")
LOW, SOME, HIGH = Risk.LOW, Risk.CONCERNS, Risk.HIGH
#: the judgements RoB 2 makes, per domain and overall; a domain entered directly may also be
#: "No information" (robvis tables carry it), which the overall rule counts as not low
JUDGEMENTS = (LOW, SOME, HIGH)
DIRECT_JUDGEMENTS = (*JUDGEMENTS, Risk.NO_INFORMATION)

#: answer code → branch; full words are accepted too
ANSWERS = {"Y": "Y", "PY": "Y", "PN": "N", "N": "N", "NI": "NI", "NA": "NA"}
ANSWER_WORDS = {
    "yes": "Y",
    "probably yes": "PY",
    "probably no": "PN",
    "no": "N",
    "no information": "NI",
    "not applicable": "NA",
}
VARIANTS = ("assignment", "adhering")

# Question → (short paraphrase, NA allowed). NA is allowed only where the tool makes a question
# conditional on earlier answers.
QUESTIONS: dict[str, tuple[str, bool]] = {
    "1.1": ("allocation sequence random", False),
    "1.2": ("allocation sequence concealed until assignment", False),
    "1.3": ("baseline differences suggest a problem with randomisation", False),
    "2.1": ("participants aware of their assigned intervention", False),
    "2.2": ("carers and people delivering the interventions aware of assignment", False),
    "2.3": ("deviations from the intended intervention arising from the trial context", True),
    "2.4": ("these deviations likely affected the outcome", True),
    "2.5": ("these deviations balanced between groups", True),
    "2.6": ("analysis appropriate to estimate the effect of assignment", False),
    "2.7": ("substantial potential impact of failing to analyse as randomised", True),
    "3.1": ("outcome data available for all or nearly all participants", False),
    "3.2": ("evidence that the result is not biased by missing outcome data", True),
    "3.3": ("missingness could depend on the true value of the outcome", True),
    "3.4": ("missingness likely depended on the true value", True),
    "4.1": ("method of measuring the outcome inappropriate", False),
    "4.2": ("measurement or ascertainment could have differed between groups", False),
    "4.3": ("outcome assessors aware of the intervention received", True),
    "4.4": ("assessment could have been influenced by that knowledge", True),
    "4.5": ("assessment likely influenced by that knowledge", True),
    "5.1": ("analysed in line with a pre-specified plan finalised before unblinded data", False),
    "5.2": ("result selected from multiple eligible outcome measurements", False),
    "5.3": ("result selected from multiple eligible analyses", False),
}
ADHERING_QUESTIONS: dict[str, tuple[str, bool]] = {
    "2.1": QUESTIONS["2.1"],
    "2.2": QUESTIONS["2.2"],
    "2.3": ("important non-protocol interventions balanced across groups", True),
    "2.4": ("failures in implementing the intervention could have affected the outcome", True),
    "2.5": ("non-adherence to the assigned intervention could have affected the outcome", True),
    "2.6": ("analysis appropriate to estimate the effect of adhering", True),
}

Target = Risk | str
Node = tuple[tuple[str, ...], Mapping[str, Target]]
Diagram = tuple[str, Mapping[str, Node]]  # (start node, nodes)

D1: Diagram = (
    "1.2",
    {
        "1.2": (("1.2",), {"Y": "1.1", "N": HIGH, "NI": "1.3 after 1.2 NI"}),
        "1.1": (("1.1",), {"Y": "1.3", "NI": "1.3", "N": SOME}),
        "1.3": (("1.3",), {"Y": SOME, "N": LOW, "NI": LOW}),
        "1.3 after 1.2 NI": (("1.3",), {"Y": HIGH, "N": SOME, "NI": SOME}),
    },
)
D2_ASSIGNMENT_PART1: Diagram = (
    "2.1+2.2",
    {
        "2.1+2.2": (("2.1", "2.2"), {"N": LOW, "Y": "2.3", "NI": "2.3"}),
        "2.3": (("2.3",), {"N": LOW, "NA": LOW, "NI": SOME, "Y": "2.4"}),
        "2.4": (("2.4",), {"N": SOME, "NA": SOME, "Y": "2.5", "NI": "2.5"}),
        "2.5": (("2.5",), {"Y": SOME, "NA": SOME, "N": HIGH, "NI": HIGH}),
    },
)
D2_ASSIGNMENT_PART2: Diagram = (
    "2.6",
    {
        "2.6": (("2.6",), {"Y": LOW, "N": "2.7", "NI": "2.7"}),
        "2.7": (("2.7",), {"N": SOME, "NA": SOME, "Y": HIGH, "NI": HIGH}),
    },
)
D2_ADHERING: Diagram = (
    "2.1+2.2",
    {
        "2.1+2.2": (("2.1", "2.2"), {"N": "2.4+2.5", "Y": "2.3", "NI": "2.3"}),
        "2.3": (("2.3",), {"Y": "2.4+2.5", "NA": "2.4+2.5", "N": "2.6", "NI": "2.6"}),
        "2.4+2.5": (("2.4", "2.5"), {"N": LOW, "NA": LOW, "Y": "2.6", "NI": "2.6"}),
        "2.6": (("2.6",), {"Y": SOME, "NA": SOME, "N": HIGH, "NI": HIGH}),
    },
)
D3: Diagram = (
    "3.1",
    {
        "3.1": (("3.1",), {"Y": LOW, "N": "3.2", "NI": "3.2"}),
        "3.2": (("3.2",), {"Y": LOW, "N": "3.3", "NI": "3.3", "NA": "3.3"}),
        "3.3": (("3.3",), {"N": LOW, "NA": LOW, "Y": "3.4", "NI": "3.4"}),
        "3.4": (("3.4",), {"N": SOME, "NA": SOME, "Y": HIGH, "NI": HIGH}),
    },
)
D4: Diagram = (
    "4.1",
    {
        "4.1": (("4.1",), {"Y": HIGH, "N": "4.2", "NI": "4.2"}),
        "4.2": (("4.2",), {"Y": HIGH, "N": "4.3", "NI": "4.3 after 4.2 NI"}),
        "4.3": (("4.3",), {"N": LOW, "NA": LOW, "Y": "4.4", "NI": "4.4"}),
        "4.4": (("4.4",), {"N": LOW, "NA": LOW, "Y": "4.5", "NI": "4.5"}),
        "4.5": (("4.5",), {"N": SOME, "NA": SOME, "Y": HIGH, "NI": HIGH}),
        "4.3 after 4.2 NI": (
            ("4.3",),
            {"N": SOME, "NA": SOME, "Y": "4.4 after 4.2 NI", "NI": "4.4 after 4.2 NI"},
        ),
        "4.4 after 4.2 NI": (("4.4",), {"N": SOME, "NA": SOME, "Y": "4.5", "NI": "4.5"}),
    },
)
D5: Diagram = (
    "5.2+5.3",
    {
        "5.2+5.3": (("5.2", "5.3"), {"Y": HIGH, "NI": SOME, "N": "5.1"}),
        "5.1": (("5.1",), {"Y": LOW, "N": SOME, "NI": SOME}),
    },
)

#: domain → the diagrams whose worst judgement is the domain's, per variant of domain 2
DIAGRAMS: dict[str, dict[str, tuple[Diagram, ...]]] = {
    "assignment": {
        "D1": (D1,),
        "D2": (D2_ASSIGNMENT_PART1, D2_ASSIGNMENT_PART2),
        "D3": (D3,),
        "D4": (D4,),
        "D5": (D5,),
    },
}
DIAGRAMS["adhering"] = {**DIAGRAMS["assignment"], "D2": (D2_ADHERING,)}


def questions_for(variant: str) -> dict[str, tuple[str, bool]]:
    """The signalling questions of a variant (domain 2 differs)."""
    if variant == "adhering":
        kept = {q: v for q, v in QUESTIONS.items() if not q.startswith("2.")}
        return dict(sorted({**kept, **ADHERING_QUESTIONS}.items()))
    return QUESTIONS


def field_of(question: str) -> str:
    """The form column of a question: 2.3 → q2_3."""
    return "q" + question.replace(".", "_")


def combined_branch(answers: list[str]) -> str:
    """The branch of questions read together: Y, else NI, else N, else NA."""
    branches = {ANSWERS[a] for a in answers}
    return next(b for b in ("Y", "NI", "N", "NA") if b in branches)


@dataclass(frozen=True)
class Step:
    """One node passed on the way through a diagram: its answers and the branch taken."""

    node: str
    answers: tuple[tuple[str, str], ...]
    branch: str

    def __str__(self) -> str:
        return " ".join(f"{q}={a}" for q, a in self.answers)


def follow(diagram: Diagram, answers: Mapping[str, str]) -> tuple[Risk, list[Step]]:
    """Walk a diagram with answers (question → code); the judgement and the steps taken.

    A question the path needs but that has no answer raises ``KeyError(question)``; an answer
    the diagram has no branch for raises ``ValueError``.
    """
    node_id, nodes = diagram
    steps: list[Step] = []
    while True:
        questions, branches = nodes[node_id]
        given = tuple((q, answers[q]) for q in questions)  # KeyError names the question
        branch = combined_branch([a for _, a in given])
        steps.append(Step(node_id, given, branch))
        if branch not in branches:
            raise ValueError(f"answer {branch} is not possible at question {node_id}")
        target = branches[branch]
        if isinstance(target, Risk):
            return target, steps
        node_id = target


def judge_domain(domain: str, answers: Mapping[str, str], variant: str = "assignment") -> Risk:
    """A domain's judgement from its answers (codes), by the decision diagram(s)."""
    return _judge(domain, answers, variant)[0]


def _judge(domain: str, answers: Mapping[str, str], variant: str) -> tuple[Risk, str]:
    results = [follow(diagram, answers) for diagram in DIAGRAMS[variant][domain]]
    risk = max((r for r, _ in results), key=SEVERITY.__getitem__)
    path = "; ".join(" → ".join(str(step) for step in steps) for _, steps in results)
    return risk, path


def overall_risk(domains: list[Risk]) -> Risk:
    """Low only if all domains are low, high if any is high, some concerns otherwise."""
    return TOOL.overall_rule(domains)


@dataclass(frozen=True)
class DomainJudgement:
    """One domain of one assessment: what counts, what the diagram gave, and how."""

    domain: str
    risk: Risk
    algorithm: Risk | None  # None when the judgement was entered without answers
    path: str  # the answers followed, or "entered directly"
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        """True when the reviewers' judgement departs from the decision diagram."""
        return self.algorithm is not None and self.risk != self.algorithm


@dataclass(frozen=True)
class Assessment:
    """A RoB 2 assessment of one result of one study, by one reviewer (or the consensus)."""

    tool: str
    study: str
    reviewer: str
    result: str
    domains: tuple[DomainJudgement, ...]
    overall: Overall

    def domain_risks(self) -> dict[str, Risk]:
        """Domain code → judgement that counts."""
        return {d.domain: d.risk for d in self.domains}


def parse_answer(text: str, question: str, variant: str, place: RowPlace) -> str | None:
    """The answer code of a cell, None when blank; invalid answers are errors."""
    if not text:
        return None
    upper = text.strip().upper()
    code = upper if upper in ANSWERS else ANSWER_WORDS.get(" ".join(text.lower().split()))
    na_allowed = questions_for(variant)[question][1]
    allowed = "Y, PY, PN, N, NI" + (", NA" if na_allowed else "")
    if code is None or (code == "NA" and not na_allowed):
        why = "" if code is None else f" (question {question} is always asked, so NA is not valid)"
        raise place.error(
            f"answer {text!r} to RoB 2 question {question} is not one of {allowed}{why}",
            field_of(question),
        )
    return code


def _domain_from_row(domain: str, row: Row, variant: str, place: RowPlace) -> DomainJudgement:
    number = domain[1:]
    answers: dict[str, str] = {}
    for question in questions_for(variant):
        if question.split(".")[0] == number:
            code = parse_answer(cell(row, field_of(question)), question, variant, place)
            if code is not None:
                answers[question] = code
    entered_text = cell(row, domain.lower())
    entered = (
        parse_judgement(TOOL, entered_text, place, domain.lower(), DIRECT_JUDGEMENTS)
        if entered_text
        else None
    )
    reason = cell(row, f"{domain.lower()}_reason")
    if not answers:
        if entered is None:
            raise place.error(
                f"RoB 2 {domain} has neither signalling-question answers"
                f" ({field_of(number + '.1')} …) nor a judgement in {domain.lower()!r}",
                domain.lower(),
            )
        return DomainJudgement(domain, entered, None, "entered directly", reason)
    try:
        algorithm, path = _judge(domain, answers, variant)
    except KeyError as missing:
        question = str(missing.args[0])
        raise place.error(
            f"RoB 2 {domain} needs an answer to question {question}"
            f" ({questions_for(variant)[question][0]}) for the answers given",
            field_of(question),
        ) from None
    except ValueError as impossible:
        raise place.error(f"RoB 2 {domain}: {impossible}", domain.lower()) from None
    if entered is None or entered == algorithm:
        return DomainJudgement(domain, algorithm, algorithm, path, reason)
    if not reason:
        raise place.error(
            f"RoB 2 {domain} entered as {entered_text!r} but its answers give"
            f" {TOOL.label(algorithm)!r} ({path}); give the reason in"
            f" '{domain.lower()}_reason'",
            f"{domain.lower()}_reason",
        )
    return DomainJudgement(domain, entered, algorithm, path, reason)


def assess(row: Row, place: RowPlace | None = None) -> Assessment:
    """One RoB 2 assessment from a plain form row (see the module docstring for columns)."""
    place = place or RowPlace()
    study = study_of(row, place)
    place = place.at_study(study)
    variant = cell(row, "variant").lower() or "assignment"
    if variant not in VARIANTS:
        raise place.error(f"variant {variant!r} is not one of {', '.join(VARIANTS)}", "variant")
    if variant == "adhering" and cell(row, "q2_7"):
        raise place.error("question 2.7 is not asked for the effect of adhering", "q2_7")
    domains = tuple(_domain_from_row(domain.code, row, variant, place) for domain in TOOL.domains)
    computed = overall_risk([d.risk for d in domains])
    overall = resolve_overall(TOOL, computed, row, place, JUDGEMENTS)
    return Assessment("rob2", study, cell(row, "reviewer"), cell(row, "result"), domains, overall)
