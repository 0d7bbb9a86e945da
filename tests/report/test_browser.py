"""The report as a reader sees it: rendered by headless Chromium, offline, without errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from livingreview.prisma.diagram import SHOWN_WHEN_POSITIVE
from livingreview.prisma.ledger import SOURCE_TOTALS

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str:
    """The Chromium binary to use; skip (fail under CI) when there is none."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    reason = "no Chromium found (Debian: apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def test_report_renders_in_chromium_offline_with_every_section(
    demo_outputs: Path, tmp_path: Path
) -> None:
    browser_path = find_browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    page_url = (demo_outputs / "report/index.html").resolve().as_uri()
    requests: list[str] = []
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(page_url, wait_until="load")
        sections = page.eval_on_selector_all("main > section", "els => els.map(e => e.id)")
        counts = page.eval_on_selector_all(
            "[data-count]",
            "els => Object.fromEntries(els.map(e => [e.dataset.count, e.textContent]))",
        )
        boxes = page.eval_on_selector_all(
            "[data-ledger]",
            "els => Object.fromEntries(els.map(e => [e.dataset.ledger, e.textContent]))",
        )
        banner = page.inner_text("#demo-banner")
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert requests == [page_url], "the page must not load anything else"
    assert problems == []
    assert sections == [
        "new", "versions", "flow", "search", "screening", "studies", "evidence", "nexus", "rob",
        "exclusions", "flags", "pending", "methods",
    ]  # fmt: skip
    assert "Demo data" in banner
    library = json.loads((demo_outputs / "library/counts.json").read_text())
    screening = json.loads((demo_outputs / "screening/outcome.json").read_text())
    expected = {**library, **{f"screening_{k}": v for k, v in screening.items()}}
    assert {k: int(v) for k, v in counts.items()} == {k: expected[k] for k in counts}
    ledger = json.loads((demo_outputs / "prisma/ledger.json").read_text())["rounds"][-1]["counts"]
    lists = json.loads((demo_outputs / "prisma/ledger.json").read_text())["rounds"][-1]["lists"]
    unsearched = {k for k, listed in SOURCE_TOTALS.items() if lists[listed] == []}  # "not searched"
    drawn = {
        k: n
        for k, n in ledger.items()
        if (n or (n == 0 and k not in SHOWN_WHEN_POSITIVE)) and k not in unsearched
    }
    assert boxes and {k: int(v) for k, v in boxes.items()} == drawn
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_the_printed_report_keeps_the_counts_table_figures_whole_and_file_links(
    demo_outputs: Path,
) -> None:
    # Printed, the closed "Counts behind the diagram" showed only its summary line: the table
    # of the PRISMA counts (the diagram in words) was not on paper; a figure or a table row could
    # break across pages; a link to a file (SVG, PDF, an earlier version) printed as its word.
    browser_path = find_browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    page_url = (demo_outputs / "report/index.html").resolve().as_uri()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_url, wait_until="load")
        assert not page.is_visible("#flow details table")  # on screen: closed, as before
        page.emulate_media(media="print")
        counts_shown = page.is_visible("#flow details table")
        breaks = page.eval_on_selector_all(
            "figure, tbody tr", "els => [...new Set(els.map(e => getComputedStyle(e).breakInside))]"
        )
        after = page.evaluate(
            """() => {
                const link = document.createElement("a");
                link.href = "../prisma/living/each.svg";
                link.textContent = "SVG";
                const fragment = document.createElement("a");
                fragment.href = "#flow";
                document.querySelector("main").append(link, fragment);
                return [link, fragment].map(a => getComputedStyle(a, "::after").content);
            }"""
        )
        browser.close()
    assert counts_shown
    assert breaks == ["avoid"]
    assert after == ['" (../prisma/living/each.svg)"', "none"]


def test_a_row_header_looks_like_the_cells_of_its_row(demo_outputs: Path) -> None:
    # The first cell of each row became a row header (<th scope="row">) for screen readers;
    # on screen and paper it keeps the look of a data cell, not the grey bold of a column's.
    browser_path = find_browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    page_url = (demo_outputs / "report/index.html").resolve().as_uri()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_url, wait_until="load")
        looks = page.eval_on_selector_all(
            "tbody th.row, tbody th.row + td",
            """els => [...new Set(els.map(e => {
                const s = getComputedStyle(e);
                return [s.fontWeight, s.backgroundColor].join(" ");
            }))]""",
        )
        headers = page.eval_on_selector_all("tbody th.row", "els => els.length")
        browser.close()
    assert headers > 50
    assert looks == ["400 rgba(0, 0, 0, 0)"]
