"""A review that appraises no study (a scoping review: ``risk_of_bias.tools_by_design`` maps no
design to a tool): its report, ``livingreview status`` and ``where`` show no risk of bias."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from livingreview.cli.progress import _where_after_screening
from livingreview.config import load_config
from livingreview.report.render import write_report
from livingreview.report.status import status_lines
from tests.report.test_report import DEMO_CONFIG


def test_a_review_without_risk_of_bias_has_no_risk_of_bias_section_or_column(
    demo_outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, its report had a 'Risk of bias' section saying 'No included study needs a
    risk-of-bias tool yet' (as if one would), an empty 'Risk of bias (overall)' column in the
    included-studies table, and ``livingreview where`` named a folder to return RoB forms to."""
    config = load_config(DEMO_CONFIG)
    config["risk_of_bias"]["tools_by_design"] = {}
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    lines = status_lines(config, demo_outputs)
    sections = "\n".join(lines[: next(i for i, x in enumerate(lines) if x.startswith("Rounds"))])
    assert '<section id="rob">' not in html
    assert '<section id="studies">' in html
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html) + re.findall(r"^## (.*)$", markdown, re.M)
    assert "Included studies" in headings
    for text in (*headings, sections):
        assert "Risk of bias" not in text
    assert "Risk of bias (overall)" not in html
    table = markdown[markdown.index("\n## Included studies\n") :]
    header, rule = table.split("\n")[3:5]
    assert header.startswith("| Study | Year |") and "Risk of bias" not in header
    assert header.count("|") == rule.count("|")  # one column fewer in both lines
    assert "needs a risk-of-bias tool" not in markdown
    config["paths"]["outputs"] = str(demo_outputs)
    _where_after_screening(config)
    where = capsys.readouterr().out
    assert "Extraction forms, return them to" in where
    assert "Risk-of-bias" not in where


def test_the_demo_still_shows_its_risk_of_bias(
    demo_outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    assert '<section id="rob">' in html
    assert "Risk of bias (overall)" in html
    config = load_config(DEMO_CONFIG)
    config["paths"]["outputs"] = str(demo_outputs)
    _where_after_screening(config)
    assert "Risk-of-bias forms, return them to" in capsys.readouterr().out
