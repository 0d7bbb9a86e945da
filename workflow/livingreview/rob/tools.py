"""The risk-of-bias tools robvis knows: their domains, judgement wording and overall rule.

Domain names and level wording follow robvis (McGuinness & Higgins 2021) and the tools' papers:
RoB 2 (Sterne 2019), ROBINS-I (Sterne 2016), ROBINS-E, QUADAS-2 (Whiting 2011), QUIPS; "generic"
(robvis' former ROB1 template) takes its domains from the table's headers. ROBINS-I V2 (the
release of November 2024, riskofbias.info; robvis has no template for it, robvis issue #156)
swaps ROBINS-I's domains 2 and 3 and judges confounding at best "Low (except for concerns about
uncontrolled confounding)".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from livingreview.rob.levels import Risk, worst_domain

OverallRule = Callable[[Iterable[Risk]], Risk]

NI_LABEL = "No information"
NA_LABEL = "Not applicable"


@dataclass(frozen=True)
class Domain:
    """One column of a risk-of-bias table: a short code (D1) and the domain's full name."""

    code: str
    name: str


@dataclass(frozen=True)
class Tool:
    """A risk-of-bias tool as robvis plots it."""

    id: str
    robvis_name: str
    title: str
    domains: tuple[Domain, ...]
    #: wording of each class this tool uses, in legend order (most to least severe, then NI, NA)
    labels: Mapping[Risk, str]
    overall_rule: OverallRule = worst_domain
    #: further spellings accepted on import (lower case), e.g. "unclear" for QUADAS-2
    aliases: Mapping[str, Risk] = field(default_factory=dict)
    #: domains come from the table's headers (generic / ROB1)
    generic: bool = False

    def label(self, risk: Risk) -> str:
        """This tool's wording of a class ("Serious" for ROBINS-I's HIGH)."""
        if risk in self.labels:
            return self.labels[risk]
        return {Risk.NO_INFORMATION: NI_LABEL, Risk.NOT_APPLICABLE: NA_LABEL}.get(risk, str(risk))

    def accepted(self) -> dict[str, Risk]:
        """Lower-case spelling → class for every judgement this tool accepts."""
        spellings = {label.lower(): risk for risk, label in self.labels.items()}
        spellings.update(
            {
                "no information": Risk.NO_INFORMATION,
                "ni": Risk.NO_INFORMATION,
                "not applicable": Risk.NOT_APPLICABLE,
                "na": Risk.NOT_APPLICABLE,
            }
        )
        spellings.update(self.aliases)
        return spellings

    def allowed_text(self) -> str:
        """The accepted judgements as shown in error messages."""
        return ", ".join([*reversed(self.labels.values()), NI_LABEL, NA_LABEL])


def _domains(pairs: Iterable[tuple[str, str]]) -> tuple[Domain, ...]:
    return tuple(Domain(code, name) for code, name in pairs)


def _rob2_overall(domains: Iterable[Risk]) -> Risk:
    """RoB 2: low only if all low, high if any high, some concerns otherwise."""
    risk = worst_domain(domains)
    return Risk.CONCERNS if risk is Risk.NO_INFORMATION else risk


def _robins_i_overall(domains: Iterable[Risk]) -> Risk:
    from livingreview.rob.robins_i import overall_risk

    return overall_risk(list(domains))


ROB2_DOMAINS = (
    ("D1", "Bias arising from the randomization process"),
    ("D2", "Bias due to deviations from intended interventions"),
    ("D3", "Bias due to missing outcome data"),
    ("D4", "Bias in measurement of the outcome"),
    ("D5", "Bias in selection of the reported result"),
)
D1B = (
    "D1b",
    "Bias arising from the timing of identification and recruitment of individual participants"
    " in relation to timing of randomization",
)
ROB2_LABELS = {Risk.HIGH: "High", Risk.CONCERNS: "Some concerns", Risk.LOW: "Low"}
ROBINS_I_LABELS = {
    Risk.CRITICAL: "Critical",
    Risk.HIGH: "Serious",
    Risk.CONCERNS: "Moderate",
    Risk.LOW: "Low",
}
LOW_EXCEPT_CONFOUNDING = "Low (except for concerns about uncontrolled confounding)"
ROBINS_I_V2_DOMAINS = (
    ("D1", "Bias due to confounding"),
    ("D2", "Bias in classification of interventions"),
    ("D3", "Bias in selection of participants into the study (or into the analysis)"),
    ("D4", "Bias due to deviations from intended interventions"),
    ("D5", "Bias due to missing data"),
    ("D6", "Bias in measurement of the outcome"),
    ("D7", "Bias in selection of the reported result"),
)
#: spellings of V2's qualified low level besides the label (lower case, as typed in tables)
LOW_EXCEPT_CONFOUNDING_SPELLINGS = {
    spelling: Risk.LOW_EXCEPT_CONFOUNDING
    for spelling in (
        "low risk of bias (except for concerns about uncontrolled confounding)",
        "low risk of bias except for concerns about uncontrolled confounding",
        "low except for concerns about uncontrolled confounding",
    )
}

TOOLS: dict[str, Tool] = {
    tool.id: tool
    for tool in (
        Tool(
            "rob2",
            "ROB2",
            "RoB 2",
            _domains(ROB2_DOMAINS),
            ROB2_LABELS,
            _rob2_overall,
        ),
        Tool(
            "rob2-cluster",
            "ROB2-Cluster",
            "RoB 2 (cluster-randomised)",
            _domains((ROB2_DOMAINS[0], D1B, *ROB2_DOMAINS[1:])),
            ROB2_LABELS,
            _rob2_overall,
        ),
        Tool(
            "robins-i",
            "ROBINS-I",
            "ROBINS-I",
            _domains(
                (
                    ("D1", "Bias due to confounding"),
                    ("D2", "Bias due to selection of participants"),
                    ("D3", "Bias in classification of interventions"),
                    ("D4", "Bias due to deviations from intended interventions"),
                    ("D5", "Bias due to missing data"),
                    ("D6", "Bias in measurement of outcomes"),
                    ("D7", "Bias in selection of the reported result"),
                )
            ),
            ROBINS_I_LABELS,
            _robins_i_overall,
        ),
        Tool(
            "robins-i-v2",
            "ROBINS-I V2",
            "ROBINS-I V2",
            _domains(ROBINS_I_V2_DOMAINS),
            {
                **{r: label for r, label in ROBINS_I_LABELS.items() if r is not Risk.LOW},
                Risk.LOW_EXCEPT_CONFOUNDING: LOW_EXCEPT_CONFOUNDING,
                Risk.LOW: "Low",
            },
            aliases=LOW_EXCEPT_CONFOUNDING_SPELLINGS,
        ),
        Tool(
            "robins-e",
            "ROBINS-E",
            "ROBINS-E",
            _domains(
                (
                    ("D1", "Bias due to confounding"),
                    ("D2", "Bias arising from measurement of the exposure"),
                    (
                        "D3",
                        "Bias in selection of participants into the study (or into the analysis)",
                    ),
                    ("D4", "Bias due to post-exposure interventions"),
                    ("D5", "Bias due to missing data"),
                    ("D6", "Bias arising from measurement of the outcome"),
                    ("D7", "Bias in selection of the reported result"),
                )
            ),
            {
                Risk.CRITICAL: "Very high",
                Risk.HIGH: "High",
                Risk.CONCERNS: "Some concerns",
                Risk.LOW: "Low",
            },
        ),
        Tool(
            "quadas-2",
            "QUADAS-2",
            "QUADAS-2",
            _domains(
                (
                    ("D1", "Patient selection"),
                    ("D2", "Index test"),
                    ("D3", "Reference standard"),
                    ("D4", "Flow & timing"),
                )
            ),
            ROB2_LABELS,
            aliases={"unclear": Risk.CONCERNS},
        ),
        Tool(
            "quips",
            "QUIPS",
            "QUIPS",
            _domains(
                (
                    ("D1", "Bias due to participation"),
                    ("D2", "Bias due to attrition"),
                    ("D3", "Bias due to prognostic factor measurement"),
                    ("D4", "Bias due to outcome measurement"),
                    ("D5", "Bias due to confounding"),
                    ("D6", "Bias in statistical analysis and reporting"),
                )
            ),
            {Risk.HIGH: "High", Risk.CONCERNS: "Moderate", Risk.LOW: "Low"},
        ),
        Tool(
            "generic",
            "Generic",
            "Risk of bias",
            (),
            {
                Risk.CRITICAL: "Critical",
                Risk.HIGH: "High",
                Risk.CONCERNS: "Some concerns",
                Risk.LOW: "Low",
            },
            aliases={"unclear": Risk.CONCERNS, "moderate": Risk.CONCERNS, "serious": Risk.HIGH},
            generic=True,
        ),
    )
}


def get_tool(name: str) -> Tool:
    """The tool called ``name`` (robvis spelling, our id, or the config's ``robins_i``;
    "ROBINS-I V2" as well as ``robins_i_v2``)."""
    key = "-".join(name.strip().lower().replace("_", "-").split())
    key = {"rob1": "generic", "quadas2": "quadas-2"}.get(key, key)
    if key not in TOOLS:
        raise ValueError(f"unknown risk-of-bias tool {name!r}; expected one of {', '.join(TOOLS)}")
    return TOOLS[key]
