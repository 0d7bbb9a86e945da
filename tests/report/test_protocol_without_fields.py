"""A protocol without extraction fields, evidence fields or Nexus levels: the report says so in
the sections that would show them, and they are not left waiting for a stage that cannot fill
them in."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from livingreview.config import load_config
from livingreview.report.render import write_report
from livingreview.report.status import status_lines
from tests.report.test_report import DEMO_CONFIG, page_text


def section(html: str, name: str, following: str) -> str:
    return page_text(html[html.index(f'<section id="{name}">') : html.index(following)])


def test_sections_a_protocol_does_not_use_say_so(demo_outputs: Path, tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    config["nexus"] = {}
    config["extraction"]["fields"] = []
    config["report"] |= {"study_columns": [], "evidence_fields": [], "nexus_risks_field": ""}
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    evidence = section(html, "evidence", '<section id="rob">')
    # before: "Waiting for report.evidence_fields in the config. This section fills in when
    # that stage has run."
    assert "The protocol names no evidence fields (report.evidence_fields)." in evidence
    assert "Waiting" not in evidence
    markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    assert "\nThe protocol names no evidence fields (report.evidence_fields).\n" in markdown
    lines = status_lines(config, demo_outputs)
    (line,) = [line for line in lines if line.strip().startswith("Evidence matrix")]
    assert re.fullmatch(r"\s+Evidence matrix\s+written", line), line


def test_a_review_without_nexus_levels_shows_no_nexus_or_dta_heading(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """Another topic's review (no ``nexus.levels``) gets no section named after the shipped
    review's framework: before, its report and ``livingreview status`` showed "DTA evidence
    matrix" and "Digital Therapeutic Nexus levels" ("The protocol defines no Nexus levels")."""
    config = load_config(DEMO_CONFIG)
    config["nexus"] = {}
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    status = "\n".join(status_lines(config, demo_outputs))
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html) + re.findall(r"^## (.*)$", markdown, re.M)
    assert "Evidence matrix" in headings
    for text in [*headings, status]:
        assert "Nexus" not in text
        assert "DTA" not in text
    assert '<section id="nexus">' not in html
    assert '<a href="#evidence">Evidence matrix</a>' in html
    assert "\n## Evidence matrix\n" in markdown


def test_the_demo_protocol_still_shows_its_evidence_and_nexus_tables(demo_outputs: Path) -> None:
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    start = html.index('<section id="evidence">')
    assert html.count('<table class="matrix">', start, html.index('<section id="nexus">')) == 1
    nexus = section(html, "nexus", '<section id="rob">')
    assert "extracted studies have no nexus level recorded." in nexus
    assert "The protocol defines no Nexus levels" not in nexus


def test_a_search_without_a_recorded_query_says_so(demo_outputs: Path, tmp_path: Path) -> None:
    """An export imported with no ``query`` in the protocol left the report's "Strategy as run"
    cell empty, as if the strategy were blank."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    table = outputs / "search/prisma_s.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[-1]["query"] = " "
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    config = load_config(DEMO_CONFIG)
    html = write_report(config, outputs, tmp_path / "report").read_text(encoding="utf-8")
    start = html.index('<section id="search">')
    searches = page_text(html[start : html.index("</section>", start)])
    assert searches.count("no query recorded in the protocol") == 1
    markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    assert markdown.count("| _no query recorded in the protocol_ |") == 1
