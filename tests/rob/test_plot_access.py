"""The risk-of-bias figures read without colour vision and without sight: the symbols contrast
with their circles and bars (WCAG 2.1 AA), the summary bars carry symbols too, and each SVG is a
named image whose description gives every judgement in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from livingreview.rob.levels import Risk
from livingreview.rob.plots import (
    PALETTES,
    SYMBOLS,
    summary,
    summary_proportions,
    svg_bytes,
    symbol_colour,
    traffic_light,
)
from livingreview.rob.tables import read_table
from livingreview.rob.tools import get_tool
from tests.rob.conftest import ROBVIS_EXAMPLES

SVG = "{http://www.w3.org/2000/svg}"
INK = {"black": (0.0, 0.0, 0.0), "white": (1.0, 1.0, 1.0)}


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.1 relative luminance of sRGB channels in 0..1."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fill: str, ink: str) -> float:
    """WCAG 2.1 contrast ratio of a ``#rrggbb`` fill and a symbol drawn in ``black``/``white``."""
    rgb = (int(fill[1:3], 16) / 255, int(fill[3:5], 16) / 255, int(fill[5:7], 16) / 255)
    light, dark = sorted((luminance(rgb), luminance(INK[ink])), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("palette", ["cochrane", "colourblind"])
def test_every_symbol_contrasts_with_its_fill_as_wcag_aa_asks_of_text(palette: str) -> None:
    # A brightness rule drew Cochrane's "Low" as a white + on green (2.4:1) and the colour-blind
    # "High" as a white × on orange (3.7:1); the higher-contrast ink gives 8.6:1 and 5.6:1.
    ratios = {
        risk: contrast(fill, symbol_colour(fill))
        for risk, fill in PALETTES[palette].items()
        if SYMBOLS[risk]
    }
    assert min(ratios.values()) >= 4.5, ratios


def test_summary_bars_show_the_judgement_symbol_not_colour_alone(rob_dir: Path) -> None:
    table = read_table(rob_dir / "robvis_data_rob2.csv", get_tool("rob2"))
    root = ET.fromstring(svg_bytes(summary(table)))
    symbols = {
        g.get("id"): "".join(g.itertext()).strip()
        for g in root.iter(f"{SVG}g")
        if g.get("id", "").startswith("rob-mark-")
    }
    wide = {
        f"rob-mark-{r}-{risk}": SYMBOLS[risk]
        for r, (_, parts) in enumerate(summary_proportions(table))
        for risk, share in parts.items()
        if share >= 10
    }
    assert wide and {k: symbols.get(k) for k in wide} == wide


@pytest.mark.parametrize("name", ["robvis_data_rob2.csv", "robvis_data_robins_i.csv"])
def test_figures_are_named_images_giving_each_judgement_in_words(rob_dir: Path, name: str) -> None:
    table = read_table(rob_dir / name, get_tool(ROBVIS_EXAMPLES[name]))
    light = ET.fromstring(svg_bytes(traffic_light(table)))
    bars = ET.fromstring(svg_bytes(summary(table)))
    for root, kind in ((light, "traffic-light"), (bars, "summary")):
        assert root.get("role") == "img"
        assert kind in root.findtext(f"{SVG}title", "") and table.tool.title in root.findtext(
            f"{SVG}title", ""
        )
    said = light.findtext(f"{SVG}desc", "")
    codes = [d.code for d in table.domains] + ["Overall"]
    for row in table.rows:
        risks = [*row.judgements, row.overall]
        words = ", ".join(f"{c} {table.label(r)}" for c, r in zip(codes, risks, strict=True))
        assert f"{row.study}: {words}." in said
    overall = summary_proportions(table)[-1][1]
    words = ", ".join(f"{table.label(r)} {overall[r]:.0f}%" for r in Risk if r in overall)
    assert f"Overall risk of bias: {words}." in bars.findtext(f"{SVG}desc", "")
