"""Draw a :class:`~livingreview.prisma.diagram.Flow` as SVG (hand-written, text stays text),
PNG and PDF (matplotlib, same geometry) and HTML (the SVG inline, boxes linking to record lists).

Every output is deterministic: fixed element ids, no timestamps, no software stamps.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from livingreview.fileio import atomic_write_bytes, atomic_write_text
from livingreview.prisma.diagram import (
    FONT_FAMILY,
    NBSP,
    NOT_GIVEN,
    SMALL_SIZE,
    Box,
    Flow,
    Text,
)
from livingreview.prisma.fontcache import cached_subset
from livingreview.prisma.glyphs import families, glyph_warnings_said

FILLS = {"phase": "#a9c8e8", "title": "#ffc000", "grey": "#e6e6e6", "main": "#ffffff"}
TITLE_FILLS = {"grey": "#d0d0d0"}
STROKE = "#000000"
ANCHORS = {"start": "left", "middle": "center", "end": "right"}


def _fill(box: Box) -> str:
    if box.id.startswith("title_"):
        return TITLE_FILLS.get(box.kind, FILLS[box.kind])
    return FILLS[box.kind]


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg_text(t: Text) -> str:
    attrs = [f'x="{_num(t.x)}"', f'y="{_num(t.y)}"']
    if t.anchor != "start":
        attrs.append(f'text-anchor="{t.anchor}"')
    if t.size != 9.0:
        attrs.append(f'font-size="{_num(t.size)}"')
    if t.bold:
        attrs.append('font-weight="bold"')
    if t.rotate:
        attrs.append(f'transform="rotate(-90 {_num(t.x)} {_num(t.y)})"')
        attrs.append('dominant-baseline="central"')
    if t.key:
        attrs.append(f'class="count" data-key="{escape(t.key)}" data-column="{escape(t.column)}"')
    return f"<text {' '.join(attrs)}>{escape(t.text)}</text>"


def _box_words(box: Box) -> str:
    """A box's lines as one sentence: labels, then their counts, the dash in words (several
    columns: each count after its column's name, the column headings themselves left out)."""
    several = len({t.column for t in box.texts if t.key}) > 1
    words, last = "", ""
    for t in box.texts:
        if not t.key and t.size == SMALL_SIZE:
            continue  # a column heading above the counts
        kind = "count" if t.key else "label"
        text = t.text.replace(NOT_GIVEN, "not available") if t.key else t.text
        text = f"{t.column}: {text}" if t.key and several else text
        gap = {
            ("", "label"): "",
            ("label", "count"): ": " if several else " ",
            ("count", "count"): ", ",
            ("count", "label"): "; ",
        }.get((last, kind), " ")
        words, last = words + gap + text.replace(NBSP, " "), kind
    return words if words.endswith((".", ":")) else words + "."


def _reading_order(box: Box) -> tuple[int, float, float]:
    """Previous studies, then the databases-and-registers arm, the other-methods arm and the
    studies included; within each, row by row (boxes are centred in their row), then left to
    right, as the arrows run."""
    if box.id in ("title_previous", "previous"):
        arm = 0
    elif box.id.startswith(("title_other", "other_")):
        arm = 2
    elif box.id in ("new", "total"):
        arm = 3
    else:
        arm = 1
    return arm, round(box.cy, 1), box.x


def describe(flow: Flow) -> str:
    """The diagram in words, for its ``<desc>``: its title, each box's text and counts arm by
    arm (phase labels left out), then its notes."""
    title = " ".join(t.text for t in flow.notes if t.bold)
    drawn = sorted((b for b in flow.boxes if b.kind != "phase" and b.texts), key=_reading_order)
    boxes = [_box_words(box) for box in drawn]
    notes = [t.text for t in flow.notes if not t.bold]
    return " ".join(([f"{title}."] if title else []) + boxes + notes)


def _count_names(box: Box) -> list[str]:
    """What each text of a box counts, in words ('' for a label): the box's heading, the label
    above the count and (several columns) its column, then the count, as in "Records removed
    before screening: Duplicate records removed (n = 201)"."""
    several = len({t.column for t in box.texts if t.key}) > 1
    heading: list[str] = []
    label: list[str] = []
    names: list[str] = []
    for t in box.texts:
        counted = bool(names and names[-1])  # the text before was a count
        names.append("")
        if t.key:
            column = f", {t.column}:" if several else ""
            names[-1] = " ".join(heading + label) + f"{column} {t.text}".replace(NBSP, " ")
        elif t.size == SMALL_SIZE:
            continue  # a column heading above the counts
        elif t.bold and not label:
            heading.append(t.text)
        else:
            label = [*([] if counted else label), t.text]
    return names


def _linked_text(t: Text, count_links: Mapping[str, str], name: str) -> str:
    """A text of a box, a link of its own when it is a count ``count_links`` names, named by
    ``name`` (the count alone, "(n = 201)", says nothing of what it counts: WCAG 2.4.4)."""
    href = count_links.get(t.key) if t.key else None
    if not href:
        return _svg_text(t)
    return f'<a href="{escape(href)}" aria-label="{escape(name)}">{_svg_text(t)}</a>'


def to_svg(flow: Flow, *, links: bool = False) -> str:
    """The diagram as standalone SVG; with ``links``, boxes that have an ``href`` are links,
    and in a box without one each count its ``count_links`` names.

    Without links it is one image named "PRISMA 2020 flow diagram", described in words
    (``<desc>``: every box and count), since an image's text is hidden from screen readers;
    with links a named group, whose texts and links are read as they are."""
    role = "group" if links else "img"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(flow.width)}pt" '
        f'height="{_num(flow.height)}pt" viewBox="0 0 {_num(flow.width)} {_num(flow.height)}" '
        f'font-family="{FONT_FAMILY}, Verdana, Arial, sans-serif" font-size="9" '
        f'role="{role}" aria-label="PRISMA 2020 flow diagram">',
        *([] if links else [f"<desc>{escape(describe(flow), quote=False)}</desc>"]),
        '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#000000"/></marker></defs>',
        f'<rect id="background" width="{_num(flow.width)}" height="{_num(flow.height)}" '
        'fill="#ffffff"/>',
    ]
    for box in flow.boxes:
        group = [f'<g id="box-{escape(box.id)}" class="box {box.kind}">']
        group.append(
            f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" '
            f'height="{_num(box.h)}" rx="{3 if box.kind != "phase" else 4}" '
            f'fill="{_fill(box)}" stroke="{STROKE}" stroke-width="0.8"/>'
        )
        counts = box.count_links if links and not box.href else {}  # no link inside a link
        names = _count_names(box) if counts else [""] * len(box.texts)
        group += [_linked_text(t, counts, n) for t, n in zip(box.texts, names, strict=True)]
        if links and box.href:
            group.insert(1, f'<a href="{escape(box.href)}">')
            group.append("</a>")
        group.append("</g>")
        out.append("".join(group))
    for i, arrow in enumerate(flow.arrows):
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in arrow)
        out.append(
            f'<polyline id="arrow-{i}" points="{points}" fill="none" stroke="#000000" '
            'stroke-width="1" marker-end="url(#arrowhead)"/>'
        )
    out.append('<g id="notes">' + "".join(_svg_text(t) for t in flow.notes) + "</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _figure(flow: Flow) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    fig = Figure(figsize=(flow.width / 72, flow.height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, flow.width)
    ax.set_ylim(flow.height, 0)
    ax.set_axis_off()
    for box in flow.boxes:
        ax.add_patch(
            FancyBboxPatch(
                (box.x, box.y),
                box.w,
                box.h,
                boxstyle="round,pad=0,rounding_size=3",
                facecolor=_fill(box),
                edgecolor=STROKE,
                linewidth=0.8,
            )
        )
    for t in [t for box in flow.boxes for t in box.texts] + flow.notes:
        ax.text(
            t.x,
            t.y,
            t.text,
            ha=ANCHORS[t.anchor],
            va="center" if t.rotate else "baseline",
            rotation=90 if t.rotate else 0,
            fontsize=t.size,
            fontweight="bold" if t.bold else "normal",
            family=list(families(t.text)),
        )
    for arrow in flow.arrows:
        xs, ys = zip(*arrow, strict=True)
        if len(arrow) > 2:
            ax.plot(xs[:-1], ys[:-1], color="black", linewidth=1, solid_capstyle="butt")
        ax.add_patch(
            FancyArrowPatch(
                arrow[-2],
                arrow[-1],
                arrowstyle="-|>",
                mutation_scale=9,
                color="black",
                linewidth=1,
                shrinkA=0,
                shrinkB=0,
            )
        )
    return fig


# Text measured while drawing, shared by every diagram a process draws (the five of a ledger
# repeat most of their labels): matplotlib keeps its measures per renderer, and each figure
# saved has a renderer of its own. A measure depends only on the key's parts.
_METRICS: dict[tuple[Any, ...], Any] = {}
_METRICS_KEPT = 20_000  # measures kept at most (the five diagrams of a ledger need about 200)
_METRIC_SETTINGS = (
    "text.hinting",
    "text.hinting_factor",
    "text.usetex",
    "pdf.fonttype",
    "pdf.use14corefonts",
    "ps.useafm",
)


def _shared_metrics(
    original: Callable[..., Any], renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float
) -> Any:
    """Matplotlib's text measure (``text._get_text_metrics_with_cache``), computed once per
    renderer kind and resolution, text, font, maths mode and the settings measuring reads."""
    from matplotlib import rcParams

    settings = tuple(rcParams[name] for name in _METRIC_SETTINGS)
    key = (type(renderer), getattr(renderer, "dpi", None), text, fontprop.copy(), ismath, dpi)
    key += settings
    found = _METRICS.get(key)
    if found is None:
        if len(_METRICS) >= _METRICS_KEPT:
            _METRICS.clear()
        found = _METRICS[key] = original(renderer, text, fontprop, ismath, dpi)
    return found


@contextmanager
def _text_metrics_shared() -> Iterator[None]:
    """While it lasts, text measures come from :func:`_shared_metrics` (with a matplotlib
    that measures text otherwise, nothing changes)."""
    from matplotlib import text

    original = getattr(text, "_get_text_metrics_with_cache", None)
    if original is None:
        yield
        return
    text._get_text_metrics_with_cache = partial(_shared_metrics, original)
    try:
        yield
    finally:
        text._get_text_metrics_with_cache = original


def _png(figure: Any, dpi: int = 200) -> bytes:
    buffer = io.BytesIO()
    with _text_metrics_shared(), glyph_warnings_said():
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


# Every PDF embeds its fonts subset to at least these characters, so that one subset per font
# serves every diagram a process draws (subsetting a TrueType font is most of a PDF's cost).
# Each PDF still depends only on its own text: the subset is these plus the glyphs it uses.
SUBSET_CHARS = (
    "".join(map(chr, range(32, 127)))
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2264\u2265"
    + "\ufb00\ufb01\ufb02\ufb03\ufb04"  # the ligatures (fi, fl, ...) text is shaped with
)
_SUBSETS: dict[tuple[str, int, frozenset[int]], tuple[bytes, dict[int, int]]] = {}


def _subset_with_base_chars(original: Callable[..., Any], fontfile: Any, glyphs: Any) -> Any:
    """Matplotlib's font subsetting, for the glyphs asked plus those of :data:`SUBSET_CHARS`,
    computed once per font and glyph set (kept in memory and in :mod:`.fontcache`); the result
    depends only on both."""
    from fontTools.ttLib import TTFont
    from matplotlib.backends import _backend_pdf_ps
    from matplotlib.font_manager import get_font

    font = get_font(fontfile)
    wanted = frozenset(glyphs) | {font.get_char_index(ord(c)) for c in SUBSET_CHARS}
    key = (str(fontfile), int(getattr(fontfile, "face_index", 0)), wanted)

    def compute() -> tuple[bytes, dict[int, int]]:
        with original(fontfile, wanted) as subset:
            data = _backend_pdf_ps.font_as_file(subset.font).getvalue()
            return data, dict(subset.glyph_index_map)

    if key not in _SUBSETS:
        _SUBSETS[key] = cached_subset(*key, compute)
    data, index_map = _SUBSETS[key]
    return _backend_pdf_ps.SubsetResults(
        TTFont(io.BytesIO(data), recalcTimestamp=False), index_map
    )._as_cm()


def shares_font_subsets() -> bool:
    """Whether this matplotlib's PDF font subsetting is the one :func:`_subset_with_base_chars`
    wraps (``SubsetResults``, matplotlib 3.11.1 on); an earlier one subsets every PDF itself."""
    from matplotlib.backends import _backend_pdf_ps

    return hasattr(_backend_pdf_ps, "get_glyphs_subset") and hasattr(
        _backend_pdf_ps, "SubsetResults"
    )


@contextmanager
def _shared_font_subsets() -> Iterator[None]:
    """While it lasts, PDF font subsets come from :func:`_subset_with_base_chars` (with a
    matplotlib whose subsetting this does not know, nothing changes)."""
    from matplotlib.backends import _backend_pdf_ps

    if not shares_font_subsets():
        yield
        return
    original = _backend_pdf_ps.get_glyphs_subset
    _backend_pdf_ps.get_glyphs_subset = partial(_subset_with_base_chars, original)
    try:
        yield
    finally:
        _backend_pdf_ps.get_glyphs_subset = original


def pdf_title(flow: Flow) -> str:
    """The title a PDF of the diagram gives in its document information (WCAG PDF18): the
    diagram's own, or "PRISMA 2020 flow diagram" when it has none."""
    return " ".join(t.text for t in flow.notes if t.bold) or "PRISMA 2020 flow diagram"


def _pdf(figure: Any, title: str) -> bytes:
    from matplotlib import rc_context

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter
    buffer = io.BytesIO()
    # Embedded TrueType (Type 42): text selectable and searchable.
    with (
        rc_context({"pdf.fonttype": 42}),
        _shared_font_subsets(),
        _text_metrics_shared(),
        glyph_warnings_said(),
    ):
        figure.savefig(
            buffer,
            format="pdf",
            metadata={"Title": title, "CreationDate": None, "Creator": None, "Producer": None},
        )
    return buffer.getvalue()


def to_png(flow: Flow, dpi: int = 200) -> bytes:
    """The diagram as PNG (no software or time stamp)."""
    return _png(_figure(flow), dpi)


def to_pdf(flow: Flow) -> bytes:
    """The diagram as PDF with text as text and its title (no creation date or producer)."""
    return _pdf(_figure(flow), pdf_title(flow))


def to_html(flow: Flow, title: str) -> str:
    """A self-contained page: the diagram with each box linking to the records behind it."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>body{{font-family:{FONT_FAMILY},Verdana,sans-serif;"
        "margin:1.5em}svg{max-width:100%;height:auto}a rect:hover{stroke-width:2.5}"
        # the heading is for screen readers and outlines: the diagram draws the title itself
        ".heading{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
        f'</style></head><body><main>\n<h1 class="heading">{escape(title)}</h1>\n'
        + to_svg(flow, links=True).split("\n", 1)[1]
        + "</main></body></html>\n"
    )


def write_all(flow: Flow, stem: Path, title: str) -> list[Path]:
    """Write ``stem``.svg, .png, .pdf and .html; return the paths."""
    paths = [stem.with_suffix(s) for s in (".svg", ".png", ".pdf", ".html")]
    atomic_write_text(paths[0], to_svg(flow))
    figure = _figure(flow)
    atomic_write_bytes(paths[1], _png(figure))
    atomic_write_bytes(paths[2], _pdf(figure, pdf_title(flow)))
    atomic_write_text(paths[3], to_html(flow, title))
    return paths
