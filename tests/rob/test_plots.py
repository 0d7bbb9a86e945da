"""robvis-style plots: structure (SVG ids, legend, text kept as text), pixels, determinism."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from matplotlib.image import imread

from livingreview.rob import plots
from livingreview.rob.levels import Risk
from livingreview.rob.plots import (
    PALETTES,
    SUMMARY_OVERALL,
    png_bytes,
    render,
    summary,
    summary_proportions,
    svg_bytes,
    traffic_light,
)
from livingreview.rob.tables import RobTable, read_table
from livingreview.rob.tools import get_tool
from tests.rob.conftest import ROBVIS_EXAMPLES
from tests.rob.test_tables import with_weights

SVG = "{http://www.w3.org/2000/svg}"
DPI = 150


def example(rob_dir: Path, name: str) -> RobTable:
    return read_table(rob_dir / name, get_tool(ROBVIS_EXAMPLES[name]))


def svg_root(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def ids_with(root: ET.Element, prefix: str) -> list[str]:
    return [g.get("id", "") for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(prefix)]


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()).strip() for t in element.iter(f"{SVG}text")]


def legend_labels(root: ET.Element) -> list[str]:
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "rob-legend")
    return [t for t in texts(legend) if t]


def cell_risks(table: RobTable) -> list[list[Risk]]:
    return [[*row.judgements, row.overall] for row in table.rows]


@pytest.mark.parametrize("name", sorted(ROBVIS_EXAMPLES))
def test_traffic_light_has_one_symbol_per_study_and_domain(rob_dir: Path, name: str) -> None:
    table = example(rob_dir, name)
    root = svg_root(svg_bytes(traffic_light(table)))
    cells = ids_with(root, "rob-cell-")
    expected = [
        f"rob-cell-{r}-{c}-{risk}"
        for r, risks in enumerate(cell_risks(table))
        for c, risk in enumerate(risks)
    ]
    assert cells == expected
    assert len(cells) == len(table.rows) * (len(table.domains) + 1)
    used = {risk for risks in cell_risks(table) for risk in risks}
    labels = legend_labels(root)
    assert labels[0] == "Judgement"
    for risk in used:
        assert table.label(risk) in labels
    all_text = texts(root)
    for row in table.rows:  # study names stay searchable text
        assert row.study in all_text
    assert "Risk of bias domains" in all_text and "Overall" in all_text
    caption = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "rob-caption")
    assert all(d.name in " ".join(texts(caption)) for d in table.domains if len(d.name) < 60)


def centre_pixels(table: RobTable, palette: str) -> tuple[list[tuple[int, int]], Any]:
    """Pixel positions (row, col) inside each traffic-light circle, beside its symbol."""
    fig = traffic_light(table, palette)
    image = imread(io.BytesIO(png_bytes(fig, DPI)))
    fig.set_dpi(DPI)
    ax = fig.axes[0]
    height = image.shape[0]
    points = []
    for r, risks in enumerate(cell_risks(table)):
        for c, _ in enumerate(risks):
            x, y = ax.transData.transform((c + 0.5 + 0.24, r + 0.5))
            points.append((height - round(y), round(x)))
    return points, image


@pytest.mark.parametrize("palette", ["cochrane", "colourblind"])
def test_traffic_light_png_pixels_have_the_judgement_colours(rob_dir: Path, palette: str) -> None:
    table = example(rob_dir, "robvis_data_robins_e.csv")
    points, image = centre_pixels(table, palette)
    assert image.shape[0] == int(traffic_light(table).get_figheight() * DPI)
    risks = [risk for row in cell_risks(table) for risk in row]
    for (y, x), risk in zip(points, risks, strict=True):
        colour = PALETTES[palette][risk]
        expected = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        assert image[y, x, :3] == pytest.approx(expected, abs=0.02), (y, x, risk)


def test_summary_bars_legend_and_bold_overall(rob_dir: Path) -> None:
    table = example(rob_dir, "robvis_data_rob2.csv")
    root = svg_root(svg_bytes(summary(table)))
    bars = ids_with(root, "rob-bar-")
    shares = summary_proportions(table)
    assert [name for name, _ in shares][-1] == SUMMARY_OVERALL
    assert sorted(bars) == sorted(
        f"rob-bar-{r}-{risk}" for r, (_, parts) in enumerate(shares) for risk in parts
    )
    assert legend_labels(root) == ["+", "Low", "−", "Some concerns", "×", "High", "?",
                                   "No information"]  # fmt: skip
    overall = next(t for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == SUMMARY_OVERALL)
    # matplotlib 3.10 on writes "font-weight: 700", earlier ones "font: 700 10px ..."
    assert re.search(r"font(?:-weight)?: 700\b", overall.get("style", ""))
    for _, parts in shares:
        assert sum(parts.values()) == pytest.approx(100)
    d1 = dict(shares[0][1])
    assert d1[Risk.NO_INFORMATION] == pytest.approx(100 / 9)  # Study 3's D1 is NI


def test_weighted_summary_uses_the_weight_column(rob_dir: Path, tmp_path: Path) -> None:
    table = read_table(with_weights(rob_dir, tmp_path), get_tool("robins-i"))
    weighted = summary_proportions(table, weighted=True)
    plain = summary_proportions(table)
    total = sum(row.weight for row in table.rows)
    for index, (_, parts) in enumerate(weighted[:-1]):
        for risk, share in parts.items():
            weight = sum(r.weight for r in table.rows if r.judgements[index] == risk)
            assert share == pytest.approx(100 * weight / total)
    assert weighted != plain
    root = svg_root(svg_bytes(summary(table, weighted=True)))
    assert "Weighted share of studies" in texts(root)
    with pytest.raises(ValueError, match="Weight"):
        summary_proportions(example(rob_dir, "robvis_data_robins_i.csv"), weighted=True)


def test_not_applicable_cells_are_left_out_of_the_summary(rob_dir: Path) -> None:
    table = example(rob_dir, "robvis_data_rob2_cluster.csv")
    d1b = summary_proportions(table)[1][1]
    assert Risk.NOT_APPLICABLE not in d1b
    assert sum(d1b.values()) == pytest.approx(100)
    applicable = sum(row.judgements[1] != Risk.NOT_APPLICABLE for row in table.rows)
    labels = " ".join(texts(svg_root(svg_bytes(summary(table)))))
    assert f"(n = {applicable})" in labels and labels.count("(n = ") == 1


def test_renders_are_byte_identical(rob_dir: Path) -> None:
    table = example(rob_dir, "robvis_data_quadas.csv")
    for make in (lambda: traffic_light(table), lambda: summary(table, palette="colourblind")):
        first, second = render(make()), render(make())
        assert first.svg == second.svg and first.png == second.png
        assert b"<dc:date>" not in first.svg
    assert svg_bytes(traffic_light(table)) != svg_bytes(traffic_light(table, "colourblind"))


def test_dollar_signs_in_study_and_domain_names_are_text_not_mathtext(tmp_path: Path) -> None:
    # Two "$" made matplotlib read the text between them as mathtext: the label was drawn
    # changed (not searchable) and an unknown command such as \foo raised a ValueError.
    path = tmp_path / "dollars.csv"
    path.write_text(
        "Study,Cost.($).per.$.saved,Overall\n"
        "Bad $\\foo$ 2020,Low,Low\n"
        "Smith $5 and $6 2021,High,High\n",
        encoding="utf-8",
    )
    table = read_table(path, get_tool("generic"))
    trees = [svg_root(svg_bytes(traffic_light(table))), svg_root(svg_bytes(summary(table)))]
    shown = texts(trees[0])
    assert "Bad $\\foo$ 2020" in shown and "Smith $5 and $6 2021" in shown
    assert "D1: Cost ($) per $ saved." in " ".join(texts(trees[0]))
    assert "Cost ($) per $ saved" in texts(trees[1])
    assert png_bytes(traffic_light(table)).startswith(b"\x89PNG")


def test_a_domain_header_ending_in_a_question_mark_gets_no_extra_full_stop(
    tmp_path: Path,
) -> None:
    # robvis' ROB1 example headers are questions or end in "."; the caption read
    # "D3: Blinding of participants and personnel?." before.
    path = tmp_path / "rob1.csv"
    path.write_text(
        "Study,Sequence generation.,Blinding of assessors?,Overall\n"
        "Ueda 2017,Low,Unclear,Unclear\n",
        encoding="utf-8",
    )
    table = read_table(path, get_tool("rob1"))
    caption = " ".join(texts(svg_root(svg_bytes(traffic_light(table)))))
    assert "D1: Sequence generation." in caption
    assert "D2: Blinding of assessors?" in caption and "assessors?." not in caption


@pytest.mark.parametrize("name", sorted(ROBVIS_EXAMPLES))
def test_a_class_the_tool_does_not_have_leaves_its_traffic_light_as_it_was(
    rob_dir: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ROBINS-I V2's qualified low joined the legend order of every tool; its name in a tool
    # without it ('low_except_confounding', 22 characters) set the legend's width, so each
    # robvis example's traffic light came out 0.68 in wider (RoB 2: 495pt, was 446.04pt).
    table = example(rob_dir, name)
    drawn = svg_bytes(traffic_light(table))
    without = tuple(r for r in plots.ORDER if r is not Risk.LOW_EXCEPT_CONFOUNDING)
    monkeypatch.setattr(plots, "ORDER", without)
    assert drawn == svg_bytes(traffic_light(table))
    if name == "robvis_data_rob2.csv":
        assert b'width="446.04pt"' in drawn


def test_the_pipelines_png_figures_have_print_resolution(demo_outputs: Path) -> None:
    # The PNGs were written at 150 dpi: a 6.9-inch traffic-light plot was 1031 pixels wide,
    # half the 300 dpi journals commonly ask of a raster figure (the SVG is the vector one).
    from PIL import Image

    figures = sorted((demo_outputs / "rob/figures").glob("*.png"))
    assert figures
    for png in figures:
        with Image.open(png) as image:
            dpi = image.info["dpi"]
            width = image.size[0]
        svg = svg_root((png.with_suffix(".svg")).read_bytes())
        inches = float(svg.get("width", "").removesuffix("pt")) / 72
        assert [round(d) for d in dpi] == [300, 300], png.name
        assert abs(width - inches * 300) <= 1, png.name
