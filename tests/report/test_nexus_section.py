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


RISKS = ["sycophancy", "over-reliance", "privacy", "limits of algorithmic interaction"]


def coded(config: dict[str, Any]) -> dict[str, Any]:
    """The demo protocol with the risks as a multichoice field, risks listed for levels 1, 3."""
    for item in config["extraction"]["fields"]:
        if item["id"] == "nexus_risks":
            item.update(type="multichoice", choices=RISKS)
    config["nexus"]["levels"] = [
        {"level": 3, "label": "Third", "risks": ["sycophancy"]},
        {"level": 1, "label": "First", "risks": ["over-reliance", "sycophancy"]},
        {"level": 2, "label": "Second"},
    ]
    return config


CODED_STUDIES = [
    study("Kiluk 2014", "3", "sycophancy; privacy"),
    study("Tong 2025", "3", "sycophancy"),
    study("Beatty 2022", "3", ""),
    study("Aerts 2018", "1", "over-reliance"),
    study("Heim 2018", "", "privacy"),
    {**study("Penedo 2020", "3", "sycophancy"), "extraction_status": "disagreement"},
]


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    config = coded(load_config(DEMO_CONFIG))
    section = _nexus(config, CODED_STUDIES)
    return {
        kind: _environment(html=kind == "html")
        .get_template(f"sections/nexus.{kind}")
        .render(s=section)
        for kind in ("md", "html")
    }


def test_multichoice_risks_are_counted_per_level_with_each_level_as_denominator(
    table: dict[str, str],
) -> None:
    """Before, the section listed 'study: risks' per level only (31 entries at level 1 in an
    audit), so 'how many level-3 studies showed sycophancy' had to be counted by hand."""
    markdown = table["md"].splitlines()
    start = markdown.index("| Risk | Level 1 | Level 2 | Level 3 | No level |")
    assert markdown[start + 2 : start + 6] == [  # codebook order, a risk nobody showed too
        "| sycophancy | 0 of 1 (expected) | no study | 2 of 3 (expected) | 0 of 1 |",
        "| over-reliance | 1 of 1 (expected) | no study | 0 of 3 | 0 of 1 |",
        "| privacy | 0 of 1 | no study | 1 of 3 | 1 of 1 |",
        "| limits of algorithmic interaction | 0 of 1 | no study | 0 of 3 | 0 of 1 |",
    ]
    assert "| 3 | Third | 3 | sycophancy |" in markdown  # no per-study column in the levels table
    html = table["html"]
    assert (
        '<tr><th scope="row">sycophancy</th><td class="num expected">0 of 1 (expected)</td>'
        '<td class="num">no study</td><td class="num expected">2 of 3 (expected)</td>'
        '<td class="num">0 of 1</td></tr>'
    ) in html


def test_a_level_no_study_is_coded_at_says_so_not_0_of_0(table: dict[str, str]) -> None:
    """Before, every risk at level 2 (no study coded there) read '0 of 0', and a risk the
    protocol expects at a level nobody reached '0 of 0 (expected)', as if it had been looked for
    and not found. The table's file keeps the numbers (studies 0, extracted 0)."""
    for text in table.values():
        assert "0 of 0" not in text
    assert "| sycophancy | 0 of 1 (expected) | no study |" in table["md"]
    for kind, text in table.items():
        assert '"no study": no study with final extraction is coded at that level' in text, kind


def test_included_studies_awaiting_extraction_are_said_to_be_left_out() -> None:
    """Before, the section counted final extractions only and did not say so: Penedo 2020
    (extraction in disagreement) was in no level and in no count, with nothing telling why
    the levels added up to 5 of the 6 included studies."""
    section = _nexus(coded(load_config(DEMO_CONFIG)), CODED_STUDIES)
    assert section.notes[-1] == (
        "1 of 6 included studies still await final extraction and are not counted here."
    )
    assert sum(level["n"] for level in section.data["levels"]) + section.data["unrated"] == 5


def test_the_studies_behind_the_counts_stay_listed(table: dict[str, str]) -> None:
    markdown = table["md"].splitlines()
    assert markdown[markdown.index("| Level | Study | Risks observed |") + 2 :][:4] == [
        "| 1 | Aerts 2018 | over-reliance |",
        "| 3 | Kiluk 2014 | sycophancy; privacy |",
        "| 3 | Tong 2025 | sycophancy |",
        "| no level | Heim 2018 | privacy |",
    ]
    html = table["html"]
    listed = html[html.index("<details>") : html.index("</details>")]
    assert "<summary>Risks observed, study by study</summary>" in listed
    assert "<tr><td>3</td><td>Kiluk 2014</td><td>sycophancy; privacy</td></tr>" in listed
    assert "Penedo 2020" not in html  # its extraction is not final


def test_text_risks_keep_the_list_per_level(rendered: dict[str, str]) -> None:
    assert "| Risk |" not in rendered["md"] and "<details>" not in rendered["html"]
