"""Diagrams checked structurally from their SVG: labels present, every number in its box, no
overlapping boxes, arrows never through a box, text inside its box; outputs byte-identical."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from livingreview.prisma import render, stage
from livingreview.prisma.checks import check_columns
from livingreview.prisma.diagram import MARGIN, build_flow, text_width
from livingreview.prisma.interop import read_csv_columns
from livingreview.prisma.layouts import LIVING_LAYOUTS, view
from livingreview.prisma.ledger import LIST_KEYS, Column
from livingreview.prisma.render import to_html, to_pdf, to_png, to_svg
from tests.conftest import require_shared
from tests.prisma.ledgers import consistent, identified_only
from tests.prisma.svg_helpers import crosses, overlaps, parse_svg, shown_number

# Which box shows which count.
BOX_OF = {
    "previous_studies": "previous",
    "previous_reports": "previous",
    "removed_studies": "previous",
    "removed_reports": "previous",
    "database_results": "identified",
    "database_specific_results": "identified",
    "register_results": "identified",
    "register_specific_results": "identified",
    "duplicates": "removed",
    "excluded_automatic": "removed",
    "excluded_other": "removed",
    "records_screened": "screened",
    "records_excluded": "excluded",
    "records_excluded_human": "excluded",
    "records_excluded_automation": "excluded",
    "dbr_sought_reports": "dbr_sought",
    "dbr_notretrieved_reports": "dbr_notretrieved",
    "dbr_assessed": "dbr_assessed",
    "dbr_excluded": "dbr_excluded",
    "website_results": "other_identified",
    "organisation_results": "other_identified",
    "citations_results": "other_identified",
    "other_sought_reports": "other_sought",
    "other_notretrieved_reports": "other_notretrieved",
    "other_assessed": "other_assessed",
    "other_excluded": "other_excluded",
    "new_studies": "new",
    "new_reports": "new",
    "total_studies": "total",
    "total_reports": "total",
}


def assert_numbers_in_their_boxes(svg: str, columns: list[Column]) -> None:
    boxes, _ = parse_svg(svg)
    shown = {
        (key, col): (box_id, text)
        for box_id, b in boxes.items()
        for (key, col), text in b.counts.items()
    }
    for column in columns:
        for key, box_id in BOX_OF.items():
            if key in LIST_KEYS:
                for label, n in column.items(key) or ():
                    where, text = shown[(f"{key}:{label}", column.label)]
                    assert where == box_id and shown_number(text) == n, (key, label)
            elif column.n(key) is not None and box_id in boxes:
                where, text = shown[(key, column.label)]
                assert where == box_id and shown_number(text) == column.n(key), key


def assert_clean_geometry(svg: str) -> None:
    boxes, arrows = parse_svg(svg)
    items = list(boxes.values())
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            assert not overlaps(a, b), (a.id, b.id)
    for arrow in arrows:
        for p, q in itertools.pairwise(arrow):
            assert not any(crosses(b, p, q) for b in items), (arrow, p, q)


def assert_text_fits(columns: list[Column]) -> None:
    flow = build_flow(columns)
    for box in flow.boxes:
        for t in box.texts:
            if t.rotate:  # phase labels run upwards, centred on the bar
                assert text_width(t.text, t.size, t.bold) <= box.h, (box.id, t.text)
                continue
            width = text_width(t.text, t.size, t.bold)
            left = {"start": t.x, "middle": t.x - width / 2, "end": t.x - width}[t.anchor]
            assert box.x <= left + 0.01 and left + width <= box.x + box.w + 0.01, (box.id, t.text)
            assert box.y < t.y <= box.y + box.h, (box.id, t.text)


def test_full_template_with_previous_and_other_methods() -> None:
    columns = [consistent("n", previous=3)]
    svg = to_svg(build_flow(columns))
    boxes, arrows = parse_svg(svg)
    assert set(boxes) >= set(BOX_OF.values())
    labels = " ".join(t for b in boxes.values() for t in b.texts)
    for label in (
        "Previous studies",
        "Identification of new studies via databases and registers",
        "Identification of new studies via other methods",
        "Records identified from:",
        "Records removed before screening:",
        "Reports excluded:",
        "Total studies included in review",
        "Identification",
        "Screening",
        "Included",
    ):
        assert label in labels, label
    assert "Records excluded**" in " ".join(boxes["excluded"].texts)
    assert_numbers_in_their_boxes(svg, columns)
    assert_clean_geometry(svg)
    assert_text_fits(columns)
    assert len(arrows) == 15  # 5 + 2 down the arms, 6 to side boxes, other arm and previous


def test_new_review_databases_only_omits_the_optional_columns() -> None:
    column = consistent()
    for key in (
        "website_results",
        "organisation_results",
        "citations_results",
        "other_sought_reports",
        "other_notretrieved_reports",
        "other_assessed",
        "other_included_reports",
    ):
        column.numbers[key] = None
    column.lists["other_excluded"] = None
    column.numbers["new_reports"] = 8
    svg = to_svg(build_flow([column]))
    boxes, _ = parse_svg(svg)
    assert not any(b.startswith(("other", "previous", "total", "title_other")) for b in boxes)
    texts = " ".join(t for b in boxes.values() for t in b.texts)
    assert "Identification of studies via databases and registers" in texts
    assert "Studies included in review" in texts and "New studies" not in texts
    assert_numbers_in_their_boxes(svg, [column])
    assert_clean_geometry(svg)


def test_pending_stages_leave_their_boxes_out() -> None:
    column = identified_only("2025.1", databases=10, duplicates=2, automatic=0)
    column.lists["database_specific_results"] = (("MEDLINE", 10),)
    boxes, arrows = parse_svg(to_svg(build_flow([column], pending=["Screening: stage not run"])))
    assert {b for b in boxes if not b.startswith(("title", "phase"))} == {"identified", "removed"}
    assert len(arrows) == 1
    column.numbers.update(records_screened=8, records_excluded=6)
    assert_text_fits([column])  # one short screening row still holds its phase label


def test_template_csv_renders() -> None:
    columns = read_csv_columns(require_shared("data/prisma/PRISMA2020_template_inst_extdata.csv"))
    svg = to_svg(build_flow(columns))
    boxes, _ = parse_svg(svg)
    assert {"previous", "identified", "other_identified", "total"} <= set(boxes)
    assert_numbers_in_their_boxes(svg, columns)
    assert_clean_geometry(svg)


@pytest.mark.parametrize("name", ["livingPRISMAflow_approach1", "livingPRISMAflow_approach2"])
def test_living_csvs_render_one_value_per_round_in_each_box(name: str) -> None:
    columns = read_csv_columns(require_shared(f"data/prisma/{name}.csv"))
    svg = to_svg(build_flow(columns))
    boxes, _ = parse_svg(svg)
    assert_numbers_in_their_boxes(svg, columns)
    assert_clean_geometry(svg)
    assert_text_fits(columns)
    # Every round's name heads the screened box; unreported totals leave the total box out.
    assert all(c.label in boxes["screened"].texts for c in columns) or len(columns) == 1
    assert "total" not in boxes


@pytest.mark.parametrize("layout", LIVING_LAYOUTS)
def test_the_four_living_layouts_of_the_approach1_rounds(layout: str) -> None:
    rounds = read_csv_columns(require_shared("data/prisma/livingPRISMAflow_approach1.csv"))
    shown = view(rounds, layout)
    expected = {"each": 8, "combined": 1, "base_updates": 2, "previous_latest": 2}[layout]
    assert len(shown) == expected
    svg = to_svg(build_flow(shown))
    assert_numbers_in_their_boxes(svg, shown)
    assert_clean_geometry(svg)
    if layout == "previous_latest":
        previous, latest = shown
        assert previous.n("database_results") == 121 and latest.n("database_results") == 4


def test_outputs_are_deterministic() -> None:
    columns = [consistent("n", previous=3)]
    flows = [build_flow(columns, title="T") for _ in range(2)]
    for writer in (to_svg, to_png, to_pdf):
        assert writer(flows[0]) == writer(flows[1])  # type: ignore[operator]
    pdf = to_pdf(flows[0])
    assert b"CreationDate" not in pdf and b"Matplotlib" not in pdf
    assert b"CIDFontType2" in pdf and b"Type3" not in pdf  # embedded TrueType: text stays text


def test_a_pdf_does_not_depend_on_what_the_process_drew_before(tmp_path: Path) -> None:
    # Font subsets are shared between the PDFs of one process; a PDF's bytes must still
    # depend on its own diagram only, whatever was drawn before it.
    plain = build_flow([consistent("n", previous=3)], title="Plain")
    accented = build_flow([consistent()], title="Revisión ≥ 2 — ﬁnal")
    render._SUBSETS.clear()
    first = to_pdf(plain)
    other = to_pdf(accented)
    assert to_pdf(plain) == first
    render._SUBSETS.clear()
    assert to_pdf(accented) == other and to_pdf(plain) == first
    if render.shares_font_subsets():  # matplotlib >= 3.11.1; before, each PDF subsets alone
        assert len(render._SUBSETS) == 3  # regular, bold; the accented title's bold set too
    paths = render.write_all(accented, tmp_path / "flow", "T")
    assert [p.read_bytes() for p in paths[1:3]] == [to_png(accented), other]


def test_html_links_boxes_to_their_records() -> None:
    flow = build_flow([consistent()], links={"identified": "../search/identified.csv"})
    html = to_html(flow, "Flow")
    assert '<g id="box-identified" class="box main"><a href="../search/identified.csv">' in html
    assert "<title>Flow</title>" in html and "<svg" in html


def test_svg_text_stays_text(tmp_path: Path) -> None:
    svg = to_svg(build_flow([consistent()]))
    assert "<path" not in svg.replace('<path d="M0,0 L10,5 L0,10 z"', "")
    assert ">Records screened (n = 80)<" not in svg  # the count is its own element
    assert ">Records screened<" in svg and ">(n = 80)<" in svg


def test_removals_on_reassessment_show_in_the_previous_studies_box_when_there_are_any() -> None:
    nothing = consistent("r2", previous=3)
    nothing.numbers.update(removed_studies=0, removed_reports=0)
    boxes, _ = parse_svg(to_svg(build_flow([nothing])))
    assert not any("re-assessment" in t for t in boxes["previous"].texts)
    removed = consistent("r3", previous=10)
    removed.numbers.update(
        previous_reports=12,
        removed_studies=2,
        removed_reports=1,
        total_studies=15,
        total_reports=21,
    )
    for columns in ([removed], [nothing, removed]):
        svg = to_svg(build_flow(columns))
        boxes, _ = parse_svg(svg)
        text = " ".join(boxes["previous"].texts)
        assert "Studies removed from previous" in text and "re-assessment" in text
        assert_numbers_in_their_boxes(svg, columns)
        assert_clean_geometry(svg)


@pytest.mark.parametrize("layout", LIVING_LAYOUTS)
def test_a_long_title_wraps_inside_the_diagram_above_its_boxes(layout: str) -> None:
    # The living layouts' titles of a one-round review searching databases only are wider
    # than its diagram.
    title = stage._title({"review": {"version": "2025.1", "demo": True}}, layout)
    flow = build_flow([identified_only("2025.1", 384, 229, 2)], title=title)
    lines = [t for t in flow.notes if t.bold]
    assert " ".join(t.text for t in lines) == title
    for t in lines:
        assert t.x >= MARGIN and t.x + text_width(t.text, t.size, True) <= flow.width - MARGIN
    assert max(t.y for t in lines) < min(b.y for b in flow.boxes)


def no_report_excluded(label: str, databases: int, duplicates: int, screened_out: int) -> Column:
    """A finished round whose full text excluded no report (every report assessed included; the
    shape of a small update: 16 found, 6 duplicates, 9 excluded at title/abstract, 1 included)."""
    column = identified_only(label, databases, duplicates, 0)
    screened = databases - duplicates
    sought = screened - screened_out
    column.numbers.update(
        records_screened=screened,
        records_excluded=screened_out,
        dbr_sought_reports=sought,
        dbr_notretrieved_reports=0,
        dbr_assessed=sought,
        dbr_included_reports=sought,
        new_studies=sought,
        new_reports=sought,
    )
    column.lists.update(database_specific_results=(("Europe PMC", databases),), dbr_excluded=())
    return column


def test_a_full_text_that_excluded_no_report_still_draws_reports_excluded_0() -> None:
    """PRISMA 2020 draws "Reports excluded" beside "Reports assessed for eligibility" whatever
    the count; a round that excluded none says 0 there (0 is a count, not a box left out)."""
    column = no_report_excluded("2025.2", 16, 6, 9)
    check_columns([column])
    svg = to_svg(build_flow([column]))
    boxes, arrows = parse_svg(svg)
    assert "dbr_excluded" in boxes
    assert " ".join(boxes["dbr_excluded"].texts) == "Reports excluded (n = 0)"
    assert boxes["dbr_excluded"].counts == {("dbr_excluded", "2025.2"): "(n = 0)"}
    assessed, excluded = boxes["dbr_assessed"], boxes["dbr_excluded"]
    assert any(
        arrow[0][0] == assessed.x + assessed.w and arrow[-1][0] == excluded.x for arrow in arrows
    )
    assert_clean_geometry(svg)
    assert_text_fits([column])
    # Two rounds, neither excluding a report, and one whose full text has not run yet.
    rounds = [no_report_excluded("2025.1", 15, 0, 12), no_report_excluded("2025.2", 16, 6, 9)]
    boxes, _ = parse_svg(to_svg(build_flow(rounds)))
    assert {k: shown_number(v) for k, v in boxes["dbr_excluded"].counts.items()} == {
        ("dbr_excluded", "2025.1"): 0,
        ("dbr_excluded", "2025.2"): 0,
    }
    waiting = identified_only("2025.3", 20, 2, 0)
    boxes, _ = parse_svg(to_svg(build_flow([*rounds, waiting])))
    assert [shown_number(v) for v in boxes["dbr_excluded"].counts.values()] == [0, 0, None]
    assert "dbr_excluded" not in parse_svg(to_svg(build_flow([waiting])))[0]


def test_the_diagrams_of_a_process_share_their_text_measures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The five diagrams of a ledger repeat most of their labels: a text measured for one figure
    # is not measured again for the next (matplotlib keeps its measures per figure); the bytes
    # are those of a diagram drawn with nothing measured before.
    from matplotlib.backends.backend_agg import RendererAgg

    flow = build_flow([consistent("n", previous=3)], title="Measured")
    other = build_flow([consistent()], title="Revisión ≥ 2 — ﬁnal")
    forget = vars(render).get("_METRICS", {}).clear  # a process that measured nothing yet
    forget()
    fresh = {"png": to_png(flow), "pdf": to_pdf(flow), "png100": to_png(flow, dpi=100)}
    for drawn_before in (other, flow):
        forget()
        to_png(drawn_before, dpi=100), to_pdf(drawn_before), to_png(drawn_before)
        assert to_png(flow) == fresh["png"] and to_pdf(flow) == fresh["pdf"]
        assert to_png(flow, dpi=100) == fresh["png100"]
    measured = []
    original = RendererAgg.get_text_width_height_descent

    def counted(self: RendererAgg, *args: object) -> object:
        measured.append(args[0])
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted)
    assert to_png(flow) == fresh["png"]
    assert measured == []


def test_a_matplotlib_measuring_text_otherwise_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The shared measures wrap a private matplotlib function: in a matplotlib without it the
    # drawing goes on as that matplotlib measures (nothing added, no AttributeError).
    from matplotlib import text

    monkeypatch.delattr(text, "_get_text_metrics_with_cache")
    with render._text_metrics_shared():
        assert not hasattr(text, "_get_text_metrics_with_cache")
    assert not hasattr(text, "_get_text_metrics_with_cache")
