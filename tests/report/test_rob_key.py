"""The report's risk-of-bias tables say what their codes stand for: the Newcastle-Ottawa items
(s1, c1, o2 ... mean other items in the cohort and the cross-sectional version) and the domains
of RoB 2, in the Markdown twin too (it has no figures)."""

from __future__ import annotations

from pathlib import Path

from livingreview.config import load_config
from livingreview.report.render import write_report
from tests.report.test_report import DEMO_CONFIG

COHORT = (
    "Cohort items: s1: Representativeness of the exposed cohort, 1 star; s2: Selection of the "
    "non-exposed cohort, 1 star; s3: Ascertainment of exposure, 1 star; s4: Outcome of interest "
    "not present at start of study, 1 star; c1: Comparability of cohorts (design or analysis), "
    "2 stars; o1: Assessment of outcome, 1 star; o2: Follow-up long enough for outcomes to "
    "occur, 1 star; o3: Adequacy of follow-up of cohorts, 1 star."
)
ROB2 = (
    "Domains: D1: Bias arising from the randomization process; D2: Bias due to deviations from "
    "intended interventions; D3: Bias due to missing outcome data; D4: Bias in measurement of "
    "the outcome; D5: Bias in selection of the reported result."
)


def _rob_parts(config: dict, demo_outputs: Path, out: Path) -> tuple[str, str]:
    html = write_report(config, demo_outputs, out).read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    return (
        markdown[markdown.index("## Risk of bias") : markdown.index("## Full-text exclusions")],
        html[html.index('<section id="rob">') : html.index('<section id="exclusions">')],
    )


def test_the_nos_items_and_rob2_domains_are_named_under_their_tables(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """Before, the demo's NOS rows read 's1: 0; s2: 1; ... o3: 1' (cohort) and 's1: 1; s2: 0;
    ... o2: 1' (cross-sectional) with nothing in the report saying what s2 or o2 is, and they
    are different items in the two versions; the Markdown RoB 2 table's D1-D5 likewise."""
    markdown, html = _rob_parts(load_config(DEMO_CONFIG), demo_outputs, tmp_path / "r")
    nos_md = markdown[: markdown.index("### RoB 2")]
    assert "| cohort | final | s1: 0; s2: 1;" in nos_md  # the codes the key explains
    assert f"_{COHORT}_" in nos_md
    assert "_Cross-sectional items: s1: Representativeness of the sample, 1 star; s2: Sample " in (
        nos_md
    )
    assert "o1: Assessment of the outcome, 2 stars; o2: Statistical test, 1 star._" in nos_md
    assert "Case-control items" not in markdown  # no case-control study: no key for it
    assert f"_{ROB2}_" in markdown[markdown.index("### RoB 2") :]
    assert f'<p class="note">{COHORT}</p>' in html and f'<p class="note">{ROB2}</p>' in html


def test_the_key_gives_the_protocols_cross_sectional_maxima(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config = load_config(DEMO_CONFIG)
    config["risk_of_bias"]["nos_cross_sectional"] = {
        "max_stars": 9,
        "item_max": {"s4": 1},
        "bands": [{"min": 0, "label": "Poor"}, {"min": 6, "label": "Good"}],
    }
    markdown, _ = _rob_parts(config, demo_outputs, tmp_path / "r")
    assert "s4: Ascertainment of the exposure (risk factor), 1 star;" in markdown
