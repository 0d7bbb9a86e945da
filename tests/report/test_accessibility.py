"""What a screen-reader or keyboard user meets in the published pages (WCAG 2.1 A/AA): named
figures, headed tables, everything inside landmarks, a way past the contents list, links that
are reachable, and the risk-of-bias judgements in words as well as in colours and symbols."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

from markupsafe import Markup, escape

from livingreview.prisma.diagram import build_flow
from livingreview.prisma.layouts import LIVING_LAYOUTS, view
from livingreview.prisma.render import to_html, to_pdf, to_svg
from livingreview.report.context import _living_layouts
from livingreview.report.render import _environment
from livingreview.report.sections import Section
from tests.prisma.ledgers import consistent

LANDMARKS = {"header", "nav", "main", "footer", "aside"}


class _Page(HTMLParser):
    """The facts about a page that the checks below need."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.lang = ""
        self.ids: set[str] = set()
        self.main_id = ""
        self.links: list[str] = []
        self.unnamed: list[str] = []  # <img>/<svg> without an accessible name
        self.svgs: list[dict[str, str | None]] = []
        self.svg_titles: list[str] = []
        self.headers_without_scope = 0
        self.headers = 0
        self.outside_landmarks: list[str] = []
        self.in_summary_links = 0
        self.headings: list[str] = []  # the text of each <h1>
        self.link_texts: list[str] = []  # what each link says (hidden words included)
        self.tables = 0
        self.captions: list[str] = []  # the text of each table's <caption>
        self.prefixed: list[str] = []  # elements with a namespace prefix (rdf:RDF, dc:type)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.ids.add(values.get("id") or "")
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "main":
            self.main_id = values.get("id") or ""
        if tag == "a":
            self.links.append(values.get("href") or "")
            self.link_texts.append("")
        if tag == "table":
            self.tables += 1
        if tag == "caption" and self.stack[-1:] == ["table"]:
            self.captions.append("")
        if ":" in tag:
            self.prefixed.append(tag)
            self.in_summary_links += "summary" in self.stack
        if tag == "img" and not (values.get("alt") or "").strip():
            self.unnamed.append(f"img {values.get('src', '')[:40]}")
        if tag == "svg" and "svg" not in self.stack:
            self.svgs.append(values)
        if tag == "title" and self.stack and self.stack[-1] == "svg":
            self.svg_titles.append(str(len(self.svgs) - 1))
        if tag == "th":
            self.headers += 1
            self.headers_without_scope += values.get("scope") not in ("col", "row")
        if (
            self.stack == ["html", "body"]
            and tag not in LANDMARKS
            and self.links[-1:] != [values.get("href")]
        ):
            self.outside_landmarks.append(tag)
        if tag not in ("img", "br", "meta", "link", "input", "hr", "path", "rect", "use"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "h1":
            self.headings.append(data)
        if "a" in self.stack:
            self.link_texts[-1] += data
        if "caption" in self.stack:
            self.captions[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def svgs_without_name(self) -> list[str]:
        """The top-level SVGs that are not a named image or named group."""
        titled = set(self.svg_titles)
        return [
            str(svg.get("aria-label") or index)
            for index, svg in enumerate(self.svgs)
            if svg.get("role") not in ("img", "group")
            or not (svg.get("aria-label") or str(index) in titled)
        ]


def page(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    return parsed


def test_the_demo_report_is_named_headed_and_inside_landmarks(demo_outputs: Path) -> None:
    # Before: the two risk-of-bias SVGs were inlined with no role and no name (a screen reader
    # read their "+", "−" and axis labels one by one); no table header had a scope; the demo
    # banner stood outside every landmark; 13 contents links came before the first section.
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    parsed = page(html)
    assert parsed.lang == "en"
    assert len(parsed.svgs) == 3 and parsed.svgs_without_name() == []
    assert [s.get("role") for s in parsed.svgs] == ["img"] * 3
    assert parsed.unnamed == []
    assert parsed.headers > 50 and parsed.headers_without_scope == 0
    assert parsed.outside_landmarks == []
    assert html.index('id="demo-banner"') > html.index("<header>")
    assert parsed.main_id and parsed.links[0] == f"#{parsed.main_id}"
    assert all(link[1:] in parsed.ids for link in parsed.links if link.startswith("#"))


def test_the_risk_of_bias_table_gives_each_domain_judgement_in_words(demo_outputs: Path) -> None:
    # The per-domain judgements were only colours and symbols in the traffic-light figure.
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    rob = html[html.index('<section id="rob">') : html.index('<section id="exclusions">')]
    with (demo_outputs / "rob/summary.csv").open(encoding="utf-8", newline="") as handle:
        final = [r for r in csv.DictReader(handle) if r["status"] == "final"]
    assert any(r["tool"] == "rob2" for r in final) and any(r["tool"] == "nos" for r in final)
    for row in final:
        assert f"<td>{row['status']}</td><td>{row['domains']}</td>" in rob, row["label"]
    assert '<th scope="col">Judgement by domain</th>' in rob
    assert '<th scope="col">Stars per item</th>' in rob
    assert "<title>Risk-of-bias traffic-light plot (RoB 2): " in rob


def test_a_linked_flow_diagram_keeps_its_links_reachable() -> None:
    # An SVG with role="img" hides its parts from screen readers: the interactive diagram's
    # links to the record lists were unreachable (axe: nested-interactive, WCAG 4.1.2).
    flow = build_flow([consistent()], links={"identified": "../search/identified.csv"})
    linked = page(to_html(flow, "Flow"))
    assert linked.links == ["../search/identified.csv"]
    assert [s.get("role") for s in linked.svgs] == ["group"]
    assert linked.svgs_without_name() == []
    # the page has its main landmark and a heading (axe best practice: region, page-has-heading-one)
    assert linked.outside_landmarks == [] and linked.headings == ["Flow"]
    plain = page(to_svg(flow))
    assert [s.get("role") for s in plain.svgs] == ["img"] and plain.links == []


def test_living_layout_file_links_are_not_inside_the_disclosure_button() -> None:
    # Links inside <summary> sit inside the control that opens the details: not reachable
    # as links by a screen reader.
    section = Section("flow", "PRISMA 2020 flow diagram")
    section.data = {
        "svg": '<svg role="img" aria-label="PRISMA 2020 flow diagram"></svg>',
        "columns": ["2025.1", "2025.2"],
        "latest": 1,
        "boxes": [],
        "layouts": [
            {
                "id": "each",
                "title": "Each round",
                "files": {"svg": "../prisma/living/each.svg", "pdf": "../prisma/living/each.pdf"},
                "src": "data:image/svg+xml;base64,PHN2Zy8+",
            }
        ],
    }
    template = _environment(html=True).get_template("sections/flow.html")
    parsed = page(template.render(s=section, inline_svg=Markup))
    assert parsed.links == ["../prisma/living/each.svg", "../prisma/living/each.pdf"]
    assert parsed.in_summary_links == 0
    # Four layouts each had links named only "SVG" and "PDF" (WCAG 2.4.4): each names its layout
    assert parsed.link_texts == ["SVG of the layout Each round", "PDF of the layout Each round"]
    assert parsed.unnamed == [] and parsed.headers_without_scope == 0


def test_the_report_inlines_no_svg_metadata_that_html_forbids(demo_outputs: Path) -> None:
    # The risk-of-bias SVGs came inlined with matplotlib's <metadata><rdf:RDF><cc:Work>
    # <dc:type>: the Nu HTML Checker rejected the page (8 errors per figure), and the
    # prefixed elements are unknown elements to a browser.
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    parsed = page(html)
    assert len(parsed.svgs) == 3 and parsed.prefixed == []
    assert "<metadata" not in html
    for figure in (demo_outputs / "rob/figures").glob("*.svg"):
        assert page(figure.read_text(encoding="utf-8")).prefixed == [], figure.name


def desc(svg: str) -> str:
    """The text of the top-level ``<desc>`` of an SVG."""
    root = ET.fromstring(svg.encode("utf-8"))
    return root.findtext("{http://www.w3.org/2000/svg}desc", "")


def test_the_prisma_diagram_image_states_its_boxes_and_counts_in_words() -> None:
    # The diagram was an image named only "PRISMA 2020 flow diagram": a screen reader heard
    # none of its counts (an image's text is hidden), in the report and in prisma/flow.svg.
    one = desc(to_svg(build_flow([consistent()], title="PRISMA 2020 flow diagram: version 1")))
    assert one.startswith(
        "PRISMA 2020 flow diagram: version 1. "
        "Identification of studies via databases and registers. "
        "Records identified from: Databases (n = 100); MEDLINE (n = 60); Embase (n = 40); "
        "Registers (n = 10); ClinicalTrials.gov (n = 10). Records removed before screening: "
    )
    for said in (
        "Records screened (n = 80). Records excluded** (n = 60); by a human (n = 55); "
        "by automation tools (n = 5). Reports sought for retrieval (n = 20).",
        "Reports excluded: Wrong population (n = 6); Wrong outcome (n = 4). "
        "Identification of studies via other methods. Records identified from: Websites (n = 4)",
        "Reports excluded: Wrong design (n = 3). Studies included in review (n = 7); "
        "Reports of included studies (n = 10). **Records excluded by a human",
    ):
        assert said in one
    both = desc(to_svg(build_flow([consistent("2025.1"), consistent("2025.2", previous=7)])))
    assert both.startswith("Previous studies. Studies included in previous version of review: ")
    assert "2025.1: not available, 2025.2: 7;" in both
    assert "Records screened: 2025.1: 80, 2025.2: 80. " in both
    assert "Total studies included in review: 2025.1: not available, 2025.2: 14;" in both
    # the linked page's diagram is a group whose own texts are read: no second copy
    assert desc(to_svg(build_flow([consistent()]), links=True)) == ""


def test_the_demo_report_diagram_is_described_with_the_ledger_counts(demo_outputs: Path) -> None:
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    start = html.index('<figure class="flow">') + len('<figure class="flow">')
    said = desc(html[start : html.index("</svg>", start) + len("</svg>")])
    ledger = json.loads((demo_outputs / "prisma/ledger.json").read_text())["rounds"][-1]["counts"]
    assert f"Records screened (n = {ledger['records_screened']})." in said
    assert f"Studies included in review (n = {ledger['new_studies']});" in said
    assert said == desc((demo_outputs / "prisma/flow.svg").read_text(encoding="utf-8"))


TEMPLATES = Path(str(files("livingreview.report") / "templates"))


def test_every_data_table_has_a_caption(demo_outputs: Path) -> None:
    # No table had a caption: a screen reader moving from table to table heard "table, 6
    # columns, 20 rows" and had to read back to find which one it was in.
    parsed = page((demo_outputs / "report/index.html").read_text(encoding="utf-8"))
    assert parsed.tables >= 12 and len(parsed.captions) == parsed.tables
    assert all(caption.strip() for caption in parsed.captions)
    assert "RoB 2: judgements study by study" in parsed.captions
    for template in sorted(TEMPLATES.rglob("*.html")):  # the tables the demo does not show too
        text = template.read_text(encoding="utf-8")
        assert text.count("<table") == text.count("<caption"), template.name


def link_names(svg: str) -> dict[str, str]:
    """Each link of an SVG: its accessible name (``aria-label``, else its text) by href."""
    root = ET.fromstring(svg.split("\n", 1)[1].encode("utf-8"))
    return {
        a.get("href", ""): a.get("aria-label") or " ".join(" ".join(a.itertext()).split())
        for a in root.iter("{http://www.w3.org/2000/svg}a")
    }


def test_a_count_that_links_on_its_own_says_what_it_counts() -> None:
    # In flow.html the duplicates and automation counts link to their files, but each link's
    # name was its text alone, "(n = 20)": a screen reader's list of links said nothing of
    # what was counted or where it leads (WCAG 2.4.4 link purpose).
    files = {"duplicates": "../library/groups.csv", "excluded_automatic": "../auto.csv"}
    one = link_names(to_svg(build_flow([consistent()], count_links=files), links=True))
    assert one == {
        "../library/groups.csv": "Records removed before screening: "
        "Duplicate records removed (n = 20)",
        "../auto.csv": "Records removed before screening: "
        "Records marked as ineligible by automation tools (n = 5)",
    }
    two = build_flow([consistent("2025.1"), consistent("2025.2", previous=7)], count_links=files)
    svg = to_svg(two, links=True)
    named = re.findall(r'<a href="\.\./auto\.csv" aria-label="([^"]*)">', svg)
    assert named == [
        f"Records removed before screening: Records marked as ineligible by automation tools, "
        f"{version}: 5"
        for version in ("2025.1", "2025.2")
    ]
    # a box that links as a whole is named by all its words, as before
    whole = to_svg(build_flow([consistent()], links={"screened": "s.csv"}), links=True)
    assert link_names(whole) == {"s.csv": "Records screened (n = 80)"}


def test_each_living_layout_image_states_its_counts_in_words(tmp_path: Path) -> None:
    # The four living layouts were <img> whose alt named the layout only ("PRISMA 2020 flow
    # diagram, Approach 3: ..."): the SVG's <desc> is hidden inside an image, so a screen reader
    # heard no count, and layouts 3 and 4 combine versions as no table of the report does.
    rounds = [consistent("2025.1"), consistent("2025.2", previous=7)]
    living = tmp_path / "prisma/living"
    living.mkdir(parents=True)
    for layout in LIVING_LAYOUTS:
        flow = build_flow(view(rounds, layout), title=f"PRISMA 2020 flow diagram ({layout})")
        (living / f"{layout}.svg").write_text(to_svg(flow), encoding="utf-8")
    section = Section("flow", "PRISMA 2020 flow diagram")
    section.data = {
        "svg": '<svg role="img" aria-label="PRISMA 2020 flow diagram"></svg>',
        "columns": ["2025.1", "2025.2", "All versions"],
        "latest": 1,
        "boxes": [],
        "layouts": _living_layouts(tmp_path / "prisma"),
    }
    template = _environment(html=True).get_template("sections/flow.html")
    alts = re.findall(
        r'<img src="[^"]*" alt="([^"]*)">', template.render(s=section, inline_svg=Markup)
    )
    assert len(alts) == len(LIVING_LAYOUTS)
    for layout, alt in zip(LIVING_LAYOUTS, alts, strict=True):
        said = desc((living / f"{layout}.svg").read_text(encoding="utf-8"))
        assert alt == escape(said) and "Records screened" in said, layout
    base_updates = alts[LIVING_LAYOUTS.index("base_updates")]
    assert "Records screened: 2025.1: 80, Updates 2025.2: 80." in base_updates


class _RowHeaders(HTMLParser):
    """Per table (by caption): the first cell of each body row, as tag and scope."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[str]] = {}
        self.caption: str | None = None
        self.last = ""  # the caption of the table being read
        self.rows: list[str] = []
        self.in_body = self.row_open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "caption":
            self.caption = ""
        elif tag == "tbody":
            self.in_body, self.rows = True, []
        elif tag == "tr":
            self.row_open = self.in_body
        elif tag in ("td", "th") and self.row_open:
            self.rows.append(f"{tag} {dict(attrs).get('scope')}")
            self.row_open = False

    def handle_data(self, data: str) -> None:
        if self.caption is not None and not self.in_body:
            self.caption += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.last, self.caption = self.caption or "", None
            self.tables[self.last] = []
        elif tag == "tbody":
            self.tables[self.last], self.in_body = self.rows, False


def test_the_study_or_item_each_row_is_about_is_its_row_header(demo_outputs: Path) -> None:
    # Each row's first cell (the study, version, database, reviewer, box, level) was a <td>:
    # moving down a column of the evidence matrix or the RoB table, a screen reader read
    # "Low", "High", "supports" with no word of which study it was (WCAG 1.3.1, H63).
    found = _RowHeaders()
    found.feed((demo_outputs / "report/index.html").read_text(encoding="utf-8"))
    headed = [
        "Evidence matrix: each included study's answer per field",
        "RoB 2: judgements study by study",
        "Newcastle-Ottawa Scale: judgements study by study",
        "Versions of this review: counts and changes per version",
        "Searches as run, database by database (PRISMA-S)",
        "Title/abstract screening, reviewer by reviewer",
        "Counts behind the PRISMA 2020 flow diagram, box by box",
        "Digital Therapeutic Nexus levels: studies and risks per level",
        # The included and excluded studies' tables were left with a <td> first cell.
        "Included studies, one per row",
        "Reports excluded at full text, with the primary reason",
        "Agreement between reviewers at full-text assessment",
    ]
    for caption in headed:
        assert found.tables[caption] and set(found.tables[caption]) == {"th row"}, caption


def test_the_stylesheet_has_no_value_the_html_checker_rejects() -> None:
    # The Nu HTML Checker (vnu) rejected the page's CSS: 'The value "break-word" is
    # deprecated' (td.query's word-break). overflow-wrap: anywhere is what it stood for.
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    assert "break-word" not in css
    assert re.search(r"td\.query \{[^}]*overflow-wrap: anywhere;", css)


def test_the_prisma_pdfs_carry_their_title(demo_outputs: Path) -> None:
    # prisma/flow.pdf and the living layouts' PDFs had no /Title in their document information:
    # a PDF reader and a screen reader named them by file name only (WCAG technique PDF18).
    plain = to_pdf(build_flow([consistent()], title="PRISMA 2020 flow diagram: version 1"))
    assert b"/Title (PRISMA 2020 flow diagram: version 1)" in plain
    assert b"/Title (PRISMA 2020 flow diagram)" in to_pdf(build_flow([consistent()]))
    title = "PRISMA 2020 flow diagram: version 2025.1 [DEMO SNAPSHOT]"
    assert f"/Title ({title})".encode() in (demo_outputs / "prisma/flow.pdf").read_bytes()
    for layout in LIVING_LAYOUTS:
        pdf = (demo_outputs / f"prisma/living/{layout}.pdf").read_bytes()
        assert b"/Title (PRISMA 2020 flow diagram " in pdf, layout
