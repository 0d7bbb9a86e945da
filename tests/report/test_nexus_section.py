"""The report's Digital Therapeutic Nexus section: levels in their order, a level the protocol
gives no risks for said so, and risks a reviewer noted for a study without a level still shown."""

from __future__ import annotations

from typing import Any

import pytest

from livingreview.config import load_config
from livingreview.report.context import _nexus
from livingreview.report.render import _environment
from tests.report.test_report import DEMO_CONFIG


def study(label: str, level: str, risks: str) -> dict[str, str]:
    return {
        "label": label,
        "extraction_status": "final",
        "nexus_level": level,
        "nexus_risks": risks,
    }


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    config: dict[str, Any] = load_config(DEMO_CONFIG)
    config["nexus"]["levels"] = [  # listed out of order, risks given for level 3 only
        {"level": 3, "label": "Third", "risks": ["sycophancy"]},
        {"level": 1, "label": "First"},
        {"level": 2, "label": "Second"},
    ]
    studies = [
        study("Kiluk 2014", "3", "agreed with every plan"),
        study("Tong 2025", "", "over-reliance\nprivacy"),
        study("Beatty 2022", "", ""),
    ]
    section = _nexus(config, studies)
    return {
        kind: _environment(html=kind == "html")
        .get_template(f"sections/nexus.{kind}")
        .render(s=section)
        for kind in ("md", "html")
    }


def test_levels_are_shown_in_level_order(rendered: dict[str, str]) -> None:
    for text in rendered.values():
        assert text.index("First") < text.index("Second") < text.index("Third")


def test_a_level_without_risks_in_the_protocol_says_so(rendered: dict[str, str]) -> None:
    markdown = rendered["md"].splitlines()
    assert "| 1 | First | 0 | none in the protocol |  |" in markdown
    assert "| 3 | Third | 1 | sycophancy | Kiluk 2014: agreed with every plan |" in markdown
    assert rendered["html"].count('<span class="muted">none in the protocol</span>') == 2


def test_risks_of_a_study_without_a_level_are_listed(rendered: dict[str, str]) -> None:
    markdown = rendered["md"]
    assert "2 of 3 extracted studies have no nexus level recorded.\n\n" in markdown
    assert (
        "Risks observed in studies without a nexus level: Tong 2025: over-reliance<br>privacy\n"
        in (markdown)
    )
    assert "without a nexus level:<br>Tong 2025: over-reliance<br>privacy</p>" in rendered["html"]
