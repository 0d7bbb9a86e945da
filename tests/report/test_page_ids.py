"""The evidence summary inlines several SVG figures in one page: their element ids stay unique."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from livingreview.config import load_config
from livingreview.report.render import write_report
from livingreview.report.sections import scope_ids
from tests.report.test_report import DEMO_CONFIG


class _Ids(HTMLParser):
    """Every element id of a page, and the ids the page's figures refer to (``url(#…)``,
    ``href="#…"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.references: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key == "id" and value:
                self.ids[value] += 1
            self.references.update(re.findall(r"url\(#([^)]+)\)", value or ""))
            if key.endswith("href") and (value or "").startswith("#"):
                self.references.add(str(value)[1:])


def test_figures_inlined_in_the_report_share_no_element_id(
    demo_outputs: Path, tmp_path: Path
) -> None:
    # The risk-of-bias traffic-light and summary plots are both matplotlib SVGs: inlined as they
    # were, the page held 'figure_1', 'axes_1', 'rob-legend' … twice (48 ids in the demo).
    figures = sorted((demo_outputs / "rob/figures").glob("*.svg"))
    assert len(figures) >= 2
    html = write_report(load_config(DEMO_CONFIG), demo_outputs, tmp_path / "report").read_text()
    page = _Ids()
    page.feed(html)
    assert html.count('<figure class="rob"><svg') == len(figures)
    assert [i for i, n in page.ids.items() if n > 1] == []
    assert page.references and page.references <= set(page.ids)
    assert 'id="rob2_traffic_light-rob-legend"' in html and 'id="rob2_summary-rob-legend"' in html


def test_scoping_rewrites_every_id_and_reference_and_nothing_else() -> None:
    svg = (
        '<svg><defs><clipPath id="p1"><rect/></clipPath></defs><g id="p1x" clip-path="url(#p1)">'
        '<use xlink:href="#m2"/><path id="m2" d="M 0 0"/><text>id="p1" url(#p1)</text></g></svg>'
    )
    assert scope_ids(svg, "a-") == (
        '<svg><defs><clipPath id="a-p1"><rect/></clipPath></defs>'
        '<g id="a-p1x" clip-path="url(#a-p1)"><use xlink:href="#a-m2"/>'
        '<path id="a-m2" d="M 0 0"/><text>id="p1" url(#p1)</text></g></svg>'
    )
    assert scope_ids("<svg><g/></svg>", "a-") == "<svg><g/></svg>"
