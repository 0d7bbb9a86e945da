"""robvis-style risk-of-bias figures: the traffic-light plot and the summary bar plot.

Colours follow robvis (McGuinness & Higgins 2021): the Cochrane palette and a colour-blind one;
every judgement also has a symbol (+ low, − concerns, × high, ! critical, ? no information) in
its circle and on its bar segment (when at least 4% wide), black or white, whichever contrasts
more with the fill, so the plots read in greyscale and without colour vision too. ROBINS-I V2's
"Low (except for concerns about uncontrolled confounding)", which robvis has no colour for, is
drawn between low and concerns: yellow-green (Cochrane) or light orange (colour-blind), ⊕.
Figures are written as SVG (text kept as text, so study names stay searchable) and PNG (300 dpi),
byte-identical for the same table. Each SVG is an image (``role="img"``) with a ``<title>`` and
a ``<desc>`` that gives every judgement (or share) in words, for screen readers.

Every drawn cell and bar segment carries an SVG id (``rob-cell-<row>-<col>-<class>``,
``rob-bar-<row>-<class>``, its symbol ``rob-mark-<row>-<class>``) and the legend
``rob-legend``, so the structure can be checked.
"""

from __future__ import annotations

import io
import textwrap
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.patches import Circle, Rectangle
from matplotlib.text import Text

from livingreview.fileio import atomic_write_bytes
from livingreview.rob.levels import Risk
from livingreview.rob.tables import RobTable
from livingreview.rob.tools import Domain

PALETTES: dict[str, dict[Risk, str]] = {
    "cochrane": {
        Risk.LOW: "#02C100",
        Risk.LOW_EXCEPT_CONFOUNDING: "#8ACF00",
        Risk.CONCERNS: "#E2DF07",
        Risk.HIGH: "#BF0000",
        Risk.CRITICAL: "#820000",
        Risk.NO_INFORMATION: "#4EA1F7",
        Risk.NOT_APPLICABLE: "#cccccc",
    },
    "colourblind": {
        Risk.LOW: "#fed98e",
        Risk.LOW_EXCEPT_CONFOUNDING: "#fec44f",
        Risk.CONCERNS: "#fe9929",
        Risk.HIGH: "#d95f0e",
        Risk.CRITICAL: "#993404",
        Risk.NO_INFORMATION: "#ffffff",
        Risk.NOT_APPLICABLE: "#cccccc",
    },
}
PALETTES["colorblind"] = PALETTES["colourblind"]
SYMBOLS = {
    Risk.LOW: "+",
    Risk.LOW_EXCEPT_CONFOUNDING: "⊕",
    Risk.CONCERNS: "−",
    Risk.HIGH: "×",
    Risk.CRITICAL: "!",
    Risk.NO_INFORMATION: "?",
    Risk.NOT_APPLICABLE: "",
}
#: legend and stacking order
ORDER = (
    Risk.LOW,
    Risk.LOW_EXCEPT_CONFOUNDING,
    Risk.CONCERNS,
    Risk.HIGH,
    Risk.CRITICAL,
    Risk.NO_INFORMATION,
    Risk.NOT_APPLICABLE,
)
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "livingreview-rob",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "path.simplify": False,
    "text.parse_math": False,  # a "$" in a study or domain name is text, never mathtext
}
OVERALL_BACKGROUND = "#d3d3d3"
STRIP = "#a9a9a9"
EDGE = "#4d4d4d"
CELL = 0.46  # inches per traffic-light cell
SUMMARY_OVERALL = "Overall risk of bias"


SYMBOL_INKS = {"black": "#000000", "white": "#ffffff"}
#: a legend entry longer than this many characters is wrapped
LEGEND_CHARS = 28
#: a bar segment narrower than this share (percent) is too narrow for its symbol
SYMBOL_MIN_SHARE = 4.0
#: PNG resolution: the 300 dpi journals commonly ask of a raster figure (also ggsave's default,
#: with which robvis' plots are saved); the SVG is the vector version
PNG_DPI = 300


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour (0 black to 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def symbol_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG contrast ratio)."""
    return max(SYMBOL_INKS, key=lambda ink: contrast_ratio(SYMBOL_INKS[ink], fill))


@dataclass(frozen=True)
class Figures:
    """A rendered figure in both formats."""

    svg: bytes
    png: bytes

    def write(self, stem: Path) -> list[Path]:
        """Write ``stem.svg`` and ``stem.png``; the paths written."""
        paths = [stem.with_suffix(".svg"), stem.with_suffix(".png")]
        atomic_write_bytes(paths[0], self.svg)
        atomic_write_bytes(paths[1], self.png)
        return paths


@dataclass(frozen=True)
class TextAlternative:
    """What a figure shows, in words: its accessible name and its description."""

    title: str
    description: str


_ALTERNATIVES: weakref.WeakKeyDictionary[Figure, TextAlternative] = weakref.WeakKeyDictionary()


def text_alternative(fig: Figure) -> TextAlternative | None:
    """The words given to a figure drawn here (None for any other figure)."""
    return _ALTERNATIVES.get(fig)


def _with_alternative(svg: bytes, alternative: TextAlternative | None) -> bytes:
    """The SVG as an image with a name (``role="img"``, ``<title>``) and ``<desc>``, so that a
    screen reader reads the judgements rather than scattered symbols."""
    if alternative is None:
        return svg
    start = svg.index(b"<svg ")
    end = svg.index(b">", start)
    words = (
        f"\n <title>{escape(alternative.title)}</title>"
        f"\n <desc>{escape(alternative.description)}</desc>"
    ).encode()
    return svg[:end] + b' role="img"' + svg[end : end + 1] + words + svg[end + 1 :]


#: no ``<metadata>`` at all: its RDF elements (``rdf:RDF``, ``cc:Work``) are not allowed in an
#: SVG inlined in HTML, as the report inlines these figures
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def svg_bytes(fig: Figure) -> bytes:
    """SVG of a figure: text as text, fixed ids, no date, no metadata block; named and described
    when drawn here."""
    with matplotlib.rc_context(RC):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
    return _with_alternative(buffer.getvalue(), text_alternative(fig))


def png_bytes(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """PNG of a figure at ``dpi`` (print resolution), without the software version in its
    metadata."""
    with matplotlib.rc_context(RC):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def render(fig: Figure, dpi: int = PNG_DPI) -> Figures:
    """SVG and PNG bytes of a figure, without dates or software versions in them."""
    return Figures(svg_bytes(fig), png_bytes(fig, dpi))


class _SymbolHandler(HandlerBase):
    """Legend key: a coloured circle with the judgement's symbol, as in the plot."""

    def __init__(self, palette: Mapping[Risk, str]) -> None:
        super().__init__()
        self.palette = palette

    def create_artists(  # type: ignore[override]
        self,
        legend: Any,
        orig_handle: Any,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
        trans: Any,
    ) -> list[Any]:
        risk: Risk = orig_handle.risk
        fill = self.palette[risk]
        centre = (width / 2 - xdescent, height / 2 - ydescent)
        radius = min(width, height) * 0.75
        circle = Circle(centre, radius, facecolor=fill, edgecolor=EDGE, lw=0.6, transform=trans)
        text = Text(
            *centre,
            SYMBOLS[risk],
            ha="center",
            va="center_baseline",
            fontsize=fontsize,
            fontweight="bold",
            color=symbol_colour(fill),
            transform=trans,
        )
        return [circle, text]


@dataclass(frozen=True)
class _Key:
    risk: Risk


def legend_label(table: RobTable, risk: Risk) -> str:
    """A judgement's wording in the legend, on lines of at most :data:`LEGEND_CHARS`
    (ROBINS-I V2's qualified low takes three)."""
    return textwrap.fill(table.label(risk), LEGEND_CHARS)


def _legend_chars(table: RobTable) -> int:
    """The longest legend line of the classes the table's tool words (and "No information",
    "Not applicable"): a class of another tool, such as ROBINS-I V2's qualified low, leaves
    the legend, and so the figure, as wide as it was without it."""
    worded = [
        risk
        for risk in ORDER
        if risk in table.tool.labels
        or risk in table.labels
        or risk in (Risk.NO_INFORMATION, Risk.NOT_APPLICABLE)
    ]
    return max(len(line) for risk in worded for line in legend_label(table, risk).split("\n"))


def _legend(
    fig: Figure, table: RobTable, used: set[Risk], colours: Mapping[Risk, str], **placement: Any
) -> None:
    """The legend of the judgements drawn, as symbol keys in ``ORDER``, with SVG id."""
    keys = [(_Key(risk), legend_label(table, risk)) for risk in ORDER if risk in used]
    legend = fig.legend(
        [k for k, _ in keys],
        [label for _, label in keys],
        handler_map={_Key: _SymbolHandler(colours)},
        frameon=False,
        **placement,
    )
    legend.set_gid("rob-legend")


def _domain_line(domain: Domain) -> str:
    """``D1: name.``; a name that ends a sentence itself ("…personnel?") gets no full stop."""
    stop = "" if domain.name.endswith((".", "?", "!")) else "."
    return f"{domain.code}: {domain.name}{stop}"


def _caption(table: RobTable, width_in: float) -> list[str]:
    chars = max(int(width_in / 0.058), 40)
    lines = ["Domains:"]
    for domain in table.domains:
        lines += textwrap.wrap(_domain_line(domain), chars, subsequent_indent="    ")
    return lines


def traffic_light(table: RobTable, palette: str = "cochrane") -> Figure:
    """Studies × domains (and Overall, shaded), one coloured symbol per judgement."""
    colours = PALETTES[palette]
    columns = [d.code for d in table.domains] + (["Overall"] if table.has_overall else [])
    n_rows, n_cols = len(table.rows), len(columns)
    label_w = max(len(r.study) for r in table.rows) * 0.085 + 0.25
    left = label_w + 0.35
    grid_w, grid_h = n_cols * CELL, n_rows * CELL
    legend_w = 0.75 + _legend_chars(table) * 0.085
    width = max(left + grid_w + legend_w + 0.3, 6.0)
    caption = _caption(table, width - 0.4)
    top, caption_h = 0.75, 0.2 + len(caption) * 0.17
    height = top + grid_h + 0.2 + caption_h
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes(
            (left / width, (caption_h + 0.2) / height, grid_w / width, grid_h / height)
        )
        ax.set_xlim(0, n_cols)
        ax.set_ylim(n_rows, 0)
        ax.set_aspect("equal")
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(length=0)
        ax.xaxis.tick_top()
        ax.set_xticks([c + 0.5 for c in range(n_cols)], columns, fontweight="bold")
        ax.set_yticks([r + 0.5 for r in range(n_rows)], [r.study for r in table.rows])
        ax.xaxis.set_label_position("top")
        ax.set_xlabel("Risk of bias domains", fontweight="bold", labelpad=8)
        ax.set_ylabel("Study", fontweight="bold")
        if table.has_overall:
            ax.add_patch(Rectangle((n_cols - 1, 0), 1, n_rows, facecolor=OVERALL_BACKGROUND, lw=0))
        for c in range(n_cols + 1):
            ax.axvline(c, color="white" if c else STRIP, lw=1.2)
        for r in range(n_rows + 1):
            ax.axhline(r, color=STRIP, lw=0.4)
        used: set[Risk] = set()
        for r, row in enumerate(table.rows):
            risks = list(row.judgements) + ([row.overall] if table.has_overall else [])
            for c, risk in enumerate(risks):
                if risk is None:
                    continue
                used.add(risk)
                fill = colours[risk]
                circle = Circle((c + 0.5, r + 0.5), 0.36, facecolor=fill, edgecolor=EDGE, lw=0.6)
                circle.set_gid(f"rob-cell-{r}-{c}-{risk}")
                ax.add_patch(circle)
                ax.text(
                    c + 0.5,
                    r + 0.5,
                    SYMBOLS[risk],
                    ha="center",
                    va="center_baseline",
                    fontsize=13,
                    fontweight="bold",
                    color=symbol_colour(fill),
                )
        _legend(
            fig,
            table,
            used,
            colours,
            title="Judgement",
            title_fontproperties={"weight": "bold"},
            loc="upper left",
            bbox_to_anchor=((left + grid_w + 0.25) / width, 1 - top / height),
            handlelength=1.2,
            handleheight=1.2,
            labelspacing=0.9,
        )
        fig.text(
            0.2 / width,
            (caption_h - 0.05) / height,
            "\n".join(caption),
            va="top",
            ha="left",
            fontsize=8,
            linespacing=1.45,
            gid="rob-caption",
        )
    _ALTERNATIVES[fig] = _traffic_light_words(table, columns)
    return fig


def _traffic_light_words(table: RobTable, columns: list[str]) -> TextAlternative:
    """Each study's judgement per domain (and Overall), then what the domain codes stand for."""
    overall = " and overall" if table.has_overall else ""
    title = (
        f"Risk-of-bias traffic-light plot ({table.tool.title}): {len(table.rows)} studies, "
        f"{len(table.domains)} domains{overall}"
    )
    studies = []
    for row in table.rows:
        risks = list(row.judgements) + ([row.overall] if table.has_overall else [])
        judged = [f"{c} {table.label(r)}" for c, r in zip(columns, risks, strict=True) if r]
        studies.append(f"{row.study}: {', '.join(judged)}.")
    domains = " ".join(_domain_line(d) for d in table.domains)
    return TextAlternative(title, " ".join(studies) + f" Domains: {domains}")


def summary_proportions(
    table: RobTable, weighted: bool = False
) -> list[tuple[str, dict[Risk, float]]]:
    """Per domain (then Overall): the share of each judgement, in percent.

    "Not applicable" cells are left out; ``weighted`` counts each study by its Weight.
    """
    if weighted and not table.has_weight:
        raise ValueError("weighted summary needs a Weight for every study")
    names = [d.name for d in table.domains] + ([SUMMARY_OVERALL] if table.has_overall else [])
    out = []
    for index, name in enumerate(names):
        totals: dict[Risk, float] = {}
        for row in table.rows:
            risk = row.judgements[index] if index < len(table.domains) else row.overall
            if risk is None or risk is Risk.NOT_APPLICABLE:
                continue
            share = float(row.weight or 0.0) if weighted else 1.0
            totals[risk] = totals.get(risk, 0.0) + share
        whole = sum(totals.values())
        out.append((name, {r: 100 * v / whole for r, v in totals.items()} if whole else {}))
    return out


def _bar_labels(table: RobTable, names: list[str]) -> list[str]:
    """Domain names wrapped at 70 characters; "(n = k)" where "Not applicable" cells were
    left out, so that a bar of fewer studies is not read as one of all."""
    labels = []
    for index, name in enumerate(names):
        risks = [
            row.judgements[index] if index < len(table.domains) else row.overall
            for row in table.rows
        ]
        applicable = sum(risk not in (None, Risk.NOT_APPLICABLE) for risk in risks)
        suffix = f" (n = {applicable})" if applicable < len(table.rows) else ""
        labels.append(textwrap.fill(name + suffix, 70))
    return labels


def summary(table: RobTable, weighted: bool = False, palette: str = "cochrane") -> Figure:
    """Horizontal 100% stacked bars: the share of each judgement per domain and overall."""
    colours = PALETTES[palette]
    shares = summary_proportions(table, weighted)
    labels = _bar_labels(table, [name for name, _ in shares])
    label_w = max(len(line) for label in labels for line in label.split("\n")) * 0.07 + 0.4
    bars_w = 4.6
    width = label_w + bars_w + 0.4
    lines = max(label.count("\n") + 1 for label in labels)
    height = 1.25 + (0.36 + 0.17 * (lines - 1)) * len(shares)
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes((label_w / width, 1.0 / height, bars_w / width, (height - 1.2) / height))
        used: set[Risk] = set()
        for r, (_, parts) in enumerate(shares):
            start = 0.0
            for risk in ORDER:
                if risk not in parts:
                    continue
                used.add(risk)
                bar = ax.barh(
                    r,
                    parts[risk],
                    left=start,
                    height=0.7,
                    color=colours[risk],
                    edgecolor=EDGE,
                    linewidth=0.5,
                )
                bar.patches[0].set_gid(f"rob-bar-{r}-{risk}")
                if parts[risk] >= SYMBOL_MIN_SHARE:  # not by colour alone: its symbol too
                    ax.text(
                        start + parts[risk] / 2,
                        r,
                        SYMBOLS[risk],
                        ha="center",
                        va="center_baseline",
                        fontweight="bold",
                        color=symbol_colour(colours[risk]),
                        gid=f"rob-mark-{r}-{risk}",
                    )
                start += parts[risk]
        ax.set_xlim(0, 100)
        ax.set_ylim(len(shares) - 0.5, -0.5)
        ax.set_yticks(range(len(shares)), labels)
        if table.has_overall:
            ax.get_yticklabels()[-1].set_fontweight("bold")
        ax.set_xticks(range(0, 101, 25), [f"{x}%" for x in range(0, 101, 25)])
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(("Weighted share" if weighted else "Share") + " of studies")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        _legend(
            fig,
            table,
            used,
            colours,
            loc="lower center",
            ncols=len(used),
            bbox_to_anchor=(0.5, 0.0),
            handlelength=1.0,
            handleheight=1.0,
            columnspacing=1.4,
        )
    _ALTERNATIVES[fig] = _summary_words(table, labels, shares, weighted)
    return fig


def _summary_words(
    table: RobTable,
    labels: list[str],
    shares: list[tuple[str, dict[Risk, float]]],
    weighted: bool,
) -> TextAlternative:
    """Each bar's shares in percent, in the legend's order."""
    share = "weighted share" if weighted else "share"
    title = (
        f"Risk-of-bias summary plot ({table.tool.title}): {share} of studies "
        "with each judgement, per domain"
    )
    bars = []
    for label, (_, parts) in zip(labels, shares, strict=True):
        words = ", ".join(f"{table.label(r)} {parts[r]:.0f}%" for r in ORDER if r in parts)
        bars.append(f"{' '.join(label.split())}: {words or 'no judgement'}.")
    return TextAlternative(title, " ".join(bars))
