"""Titles and labels in a right-to-left script (Arabic, Hebrew, Persian) read right to left in the
report page, each in its own direction beside left-to-right text, as Chromium lays them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.report.render import publish
from tests.report.test_browser import find_browser
from tests.report.test_changes import next_version, read, write

ARABIC_TITLE = "التحالف العلاجي الرقمي في تطبيقات الصحة النفسية"
HEBREW_LABEL = "כהן 2021"


def _directions(page_url: str, selector: str) -> dict[str, str]:
    """Each matching element's text and the direction Chromium gives it."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_browser(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_url, wait_until="load")
        found = page.eval_on_selector_all(
            selector,
            "els => Object.fromEntries(els.map("
            "e => [e.textContent, getComputedStyle(e).direction]))",
        )
        browser.close()
    return found


def test_right_to_left_titles_and_labels_read_right_to_left(
    demo_outputs: Path, tmp_path: Path
) -> None:
    find_browser()
    config, outputs = next_version(demo_outputs, tmp_path)
    included = read(outputs / "fulltext/included_studies.csv")
    excluded = read(outputs / "fulltext/excluded.csv")
    assert len(included) >= 2 and excluded
    included[0]["title"] = ARABIC_TITLE
    included[1]["label"] = HEBREW_LABEL
    excluded[0]["title"] = ARABIC_TITLE
    write(outputs / "fulltext/included_studies.csv", included)
    write(outputs / "fulltext/excluded.csv", excluded)

    publish(config, outputs, outputs / "report")
    page_url = (outputs / "report/index.html").resolve().as_uri()
    studies = _directions(page_url, "#studies tbody th span.title, #studies tbody th span.study")
    assert studies[ARABIC_TITLE] == "rtl"
    assert studies[HEBREW_LABEL] == "rtl"
    assert studies[included[1]["title"]] == "ltr"
    assert studies[included[0]["label"]] == "ltr"
    excluded_titles = _directions(page_url, "#exclusions tbody th span")
    assert excluded_titles[ARABIC_TITLE] == "rtl"
    others = {t: d for t, d in excluded_titles.items() if t != ARABIC_TITLE}
    assert others and set(others.values()) == {"ltr"}


def test_a_right_to_left_label_reads_right_to_left_in_every_table_naming_the_study(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """(review of 501aa44) the studies table gave a label its direction, but the evidence
    matrix, risk-of-bias table, flags and 'of <study>' of a report excluded as another report of
    an included study showed the same label left to right."""
    find_browser()
    config, outputs = next_version(demo_outputs, tmp_path)
    included = read(outputs / "fulltext/included_studies.csv")
    labels = {row["study_id"]: f"כהן {2000 + n}" for n, row in enumerate(included)}
    for table in ("fulltext/included_studies.csv", "rob/summary.csv"):
        rows = read(outputs / table)
        write(outputs / table, [{**row, "label": labels[row["study_id"]]} for row in rows])
    excluded = read(outputs / "fulltext/excluded.csv")
    other = [row for row in excluded if row["same_study_as"]]
    assert other
    for row in other:
        row["same_study_label"] = labels[row["same_study_as"]]
    write(outputs / "fulltext/excluded.csv", excluded)
    flag = {"study_id": included[0]["study_id"], "record_id": "r", "source": "crossref"}
    write(outputs / "library/flags.csv", [{**flag, "flag": "retracted", "detail": ""}])

    publish(config, outputs, outputs / "report")
    page_url = (outputs / "report/index.html").resolve().as_uri()
    shown = set(labels.values())
    for selector in (
        "#evidence tbody th span",
        "#rob tbody th span",
        "#flags tbody span.study",
        "#exclusions tbody td span",
    ):
        found = _directions(page_url, selector)
        assert found and set(found) <= shown, selector
        assert set(found.values()) == {"rtl"}, selector
