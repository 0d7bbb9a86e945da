"""The PRISMA 2020 flow diagram as geometry: boxes, text lines and arrows in points.

:func:`build_flow` turns ledger columns into a :class:`Flow` laid out like the PRISMA 2020
templates (new or updated review; databases and registers, optionally other methods). One column
gives the template's "(n = …)" lines; several columns (living layouts) give a row of values per
line under the column names. Boxes whose counts are all not available are left out. The SVG, PNG,
PDF and HTML writers (:mod:`livingreview.prisma.render`) only draw this geometry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise

from livingreview.prisma.ledger import (
    BOX_NAMES,
    LIST_KEYS,
    NOT_SEARCHED,
    SOURCE_TOTALS,
    Column,
    box_count,
    item_count,
    items_total,
)

FONT_FAMILY = "DejaVu Sans"
FONT_SIZE = 9.0
SMALL_SIZE = 7.5
LINE = FONT_SIZE * 1.32
PAD = 6.0
ROW_GAP = 24.0
ARM_GAP = 24.0
COLUMN_GAP = 20.0
PHASE_WIDTH = 24.0
MAIN_WIDTH = 160.0
SIDE_WIDTH = 160.0
PREVIOUS_WIDTH = 136.0
TITLE_GAP = 16.0
MARGIN = 12.0
NOT_GIVEN = "–"
NBSP = "\u00a0"
HANG = 8.0
SPLIT_FOOTNOTE = "**Records excluded by a human and by automation tools."


@dataclass(frozen=True)
class Text:
    """One line (or a part of one) of text, baseline at ``y``."""

    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    size: float = FONT_SIZE
    bold: bool = False
    key: str = ""  # the ledger box whose count this is ("" for labels)
    column: str = ""
    rotate: bool = False


@dataclass
class Box:
    """A rectangle and its text; ``kind`` picks the fill (phase, title, main, grey)."""

    id: str
    x: float
    y: float
    w: float
    h: float
    kind: str
    texts: list[Text] = field(default_factory=list)
    href: str = ""  # the whole box links here
    # or each count links to the file its rows are in (ledger key -> href), for a box whose
    # counts come from different files (the records removed before screening)
    count_links: dict[str, str] = field(default_factory=dict)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Flow:
    """Everything to draw, in points (1/72 inch), y growing downwards."""

    width: float
    height: float
    boxes: list[Box]
    arrows: list[list[tuple[float, float]]]
    notes: list[Text]


@lru_cache(maxsize=4096)
def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """Width in points of ``text`` set in DejaVu Sans (matplotlib's bundled font; installed
    fonts for the characters it lacks: :mod:`livingreview.prisma.glyphs`)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from livingreview.prisma.glyphs import families, glyph_warnings_said

    family = list(families(text))
    prop = FontProperties(family=family, size=size, weight="bold" if bold else "normal")
    with glyph_warnings_said():
        width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def wrap(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` points (a word longer than the line stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


# ---- what each box says --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One counted line of a box: a ledger key and its label (lists expand to one per item)."""

    key: str
    label: str
    indent: bool = False


@dataclass(frozen=True)
class Spec:
    """A box of the template: its id, optional heading, entries and where it sits."""

    id: str
    heading: str
    entries: tuple[Entry, ...]
    column: str  # prev | dbr | dbr_side | other | other_side
    row: str  # ident | screened | sought | assessed | new | total
    grey: bool = False


def _specs(updated: bool, excluded_split: bool) -> list[Spec]:
    new_label = "New studies included in review" if updated else "Studies included in review"
    reports_label = "Reports of new included studies" if updated else "Reports of included studies"
    excluded = "Records excluded**" if excluded_split else "Records excluded"
    specs = [
        Spec(
            "previous",
            "",
            (
                Entry("previous_studies", "Studies included in previous version of review"),
                Entry(
                    "previous_reports", "Reports of studies included in previous version of review"
                ),
                Entry("removed_studies", BOX_NAMES["removed_studies"]),
                Entry("removed_reports", BOX_NAMES["removed_reports"]),
            ),
            "prev",
            "ident",
            grey=True,
        ),
        Spec(
            "identified",
            "Records identified from:",
            (
                Entry("database_results", "Databases"),
                Entry("database_specific_results", "", indent=True),
                Entry("register_results", "Registers"),
                Entry("register_specific_results", "", indent=True),
            ),
            "dbr",
            "ident",
        ),
        Spec(
            "removed",
            "Records removed before screening:",
            (
                Entry("duplicates", "Duplicate records removed"),
                Entry("excluded_automatic", "Records marked as ineligible by automation tools"),
                Entry("excluded_other", "Records removed for other reasons"),
            ),
            "dbr_side",
            "ident",
        ),
        Spec("screened", "", (Entry("records_screened", "Records screened"),), "dbr", "screened"),
        Spec(
            "excluded",
            "",
            (
                Entry("records_excluded", excluded),
                Entry("records_excluded_human", "by a human", indent=True),
                Entry("records_excluded_automation", "by automation tools", indent=True),
            ),
            "dbr_side",
            "screened",
        ),
    ]
    for arm, grey in (("dbr", False), ("other", True)):
        specs += [
            Spec(
                f"{arm}_sought",
                "",
                (Entry(f"{arm}_sought_reports", "Reports sought for retrieval"),),
                arm,
                "sought",
                grey,
            ),
            Spec(
                f"{arm}_notretrieved",
                "",
                (Entry(f"{arm}_notretrieved_reports", "Reports not retrieved"),),
                f"{arm}_side",
                "sought",
                grey,
            ),
            Spec(
                f"{arm}_assessed",
                "",
                (Entry(f"{arm}_assessed", "Reports assessed for eligibility"),),
                arm,
                "assessed",
                grey,
            ),
            Spec(
                f"{arm}_excluded",
                "Reports excluded:",
                (Entry(f"{arm}_excluded", "", indent=True),),
                f"{arm}_side",
                "assessed",
                grey,
            ),
        ]
    specs += [
        Spec(
            "other_identified",
            "Records identified from:",
            (
                Entry("website_results", "Websites"),
                Entry("organisation_results", "Organisations"),
                Entry("citations_results", "Citation searching"),
            ),
            "other",
            "ident",
            grey=True,
        ),
        Spec(
            "new",
            "",
            (Entry("new_studies", new_label), Entry("new_reports", reports_label)),
            "dbr",
            "new",
        ),
        Spec(
            "total",
            "",
            (
                Entry("total_studies", "Total studies included in review"),
                Entry("total_reports", "Reports of total included studies"),
            ),
            "dbr",
            "total",
        ),
    ]
    return specs


ROWS = ("ident", "screened", "sought", "assessed", "new", "total")
PHASES = (
    ("Identification", ("ident",)),
    ("Screening", ("screened", "sought", "assessed")),
    ("Included", ("new", "total")),
)


def _item_labels(columns: Sequence[Column], key: str) -> list[str]:
    labels: list[str] = []
    for column in columns:
        for label, _ in column.items(key) or ():
            if label not in labels:
                labels.append(label)
    return labels


# The reports-excluded lists: one given without a reason is drawn as its total, 0.
EXCLUSION_LISTS = ("dbr_excluded", "other_excluded")
# Lines drawn only when some column counts more than 0 (most updates remove nothing).
SHOWN_WHEN_POSITIVE = ("removed_studies", "removed_reports")


def _present(columns: Sequence[Column], entry: Entry) -> bool:
    if entry.key in LIST_KEYS and entry.label:  # drawn as its total (:func:`_none_excluded`)
        return any(c.items(entry.key) is not None for c in columns)
    if entry.key in LIST_KEYS:
        return bool(_item_labels(columns, entry.key))
    if entry.key in SHOWN_WHEN_POSITIVE:
        return any((c.n(entry.key) or 0) > 0 for c in columns)
    return any(c.n(entry.key) is not None for c in columns)


def _fmt(n: int | str | None) -> str:
    """A count as drawn: the not-given dash, the number, or a word (:data:`NOT_SEARCHED`)."""
    if n is None:
        return NOT_GIVEN
    return n if isinstance(n, str) else f"{n:,}"


def _unsearched(columns: Sequence[Column]) -> bool:
    """Whether some column leaves out a database or register another column searched, or
    searched none."""
    return any(
        item_count(c, key, label) == NOT_SEARCHED
        for key in LIST_KEYS
        for label in _item_labels(columns, key)
        for c in columns
    ) or any(box_count(c, key) == NOT_SEARCHED for key in SOURCE_TOTALS for c in columns)


# ---- laying out one box ----------------------------------------------------------------------


HEADER_WRAP = 76.0  # column names longer than this wrap (at spaces, hyphens, en dashes)


def _header_lines(label: str) -> list[str]:
    spaced = label.replace("–", "– ").replace("-", "- ")
    return [
        line.replace("– ", "–").replace("- ", "-")
        for line in wrap(spaced, HEADER_WRAP, SMALL_SIZE, True)
    ]


def _cells(columns: Sequence[Column]) -> float:
    widest = max(
        [text_width(line, SMALL_SIZE, True) for c in columns for line in _header_lines(c.label)]
        + [text_width("99,999", FONT_SIZE)]
        + ([text_width(NOT_SEARCHED, FONT_SIZE)] if _unsearched(columns) else [])
    )
    return widest + 8


def box_width(spec_column: str, columns: Sequence[Column]) -> float:
    """A layout column's box width: the template width, or wide enough for a row of values."""
    base = {"prev": PREVIOUS_WIDTH, "dbr_side": SIDE_WIDTH, "other_side": SIDE_WIDTH}.get(
        spec_column, MAIN_WIDTH
    )
    if len(columns) == 1:
        return base
    return max(base, _cells(columns) * len(columns) + 2 * PAD)


def _heading(texts: list[Text], heading: str, width: float, y: float) -> float:
    """Append the wrapped bold heading; return the next baseline."""
    for line in wrap(heading, width - 2 * PAD, bold=True) if heading else []:
        texts.append(Text(PAD, y, line, bold=True))
        y += LINE
    return y


def _lines_single(spec: Spec, column: Column, width: float) -> list[Text]:
    texts: list[Text] = []
    y = PAD + FONT_SIZE
    y = _heading(texts, spec.heading, width, y)
    for entry in spec.entries:
        if not _present([column], entry):
            continue
        indent = 10.0 if entry.indent else 0.0
        if entry.key in LIST_KEYS and entry.label:
            rows = [(entry.label, items_total(column.items(entry.key)))]
        elif entry.key in LIST_KEYS:
            rows = [(label, n) for label, n in column.items(entry.key) or ()]
        else:
            rows = [(entry.label, box_count(column, entry.key))]
        for label, n in rows:
            count = f"({n})" if n == NOT_SEARCHED else f"(n = {_fmt(n)})"
            key = (
                f"{entry.key}:{label}" if entry.key in LIST_KEYS and not entry.label else entry.key
            )
            text = f"{label} {count.replace(' ', NBSP)}"
            lines = wrap(text, width - 2 * PAD - indent - HANG)
            for i, line in enumerate(lines):
                x = PAD + indent + (HANG if i else 0.0)  # wrapped lines hang under the first
                if i < len(lines) - 1:
                    texts.append(Text(x, y, line))
                else:
                    head = line[: -len(count)].rstrip()
                    if head:
                        texts.append(Text(x, y, head))
                        x += text_width(head + " ")
                    texts.append(Text(x, y, count, key=key, column=column.label))
                y += LINE
    return texts


def _lines_multi(spec: Spec, columns: Sequence[Column], width: float) -> list[Text]:
    cell = _cells(columns)
    right = width - PAD
    texts: list[Text] = []
    y = PAD + SMALL_SIZE
    depth = 0
    for i, column in enumerate(columns):
        x = right - (len(columns) - 1 - i) * cell
        lines = _header_lines(column.label)
        depth = max(depth, len(lines))
        for k, line in enumerate(lines):
            texts.append(
                Text(x, y + k * SMALL_SIZE * 1.25, line, anchor="end", size=SMALL_SIZE, bold=True)
            )
    y += (depth - 1) * SMALL_SIZE * 1.25 + LINE
    y = _heading(texts, spec.heading, width, y)
    for entry in spec.entries:
        if not _present(columns, entry):
            continue
        indent = 10.0 if entry.indent else 0.0
        if entry.key in LIST_KEYS and entry.label:
            rows = [(entry.label, entry.key, [items_total(c.items(entry.key)) for c in columns])]
        elif entry.key in LIST_KEYS:
            rows = [
                (
                    label,
                    f"{entry.key}:{label}",
                    [item_count(c, entry.key, label) for c in columns],
                )
                for label in _item_labels(columns, entry.key)
            ]
        else:
            rows = [(entry.label, entry.key, [box_count(c, entry.key) for c in columns])]
        for label, key, values in rows:
            for line in wrap(label, width - 2 * PAD - indent):
                texts.append(Text(PAD + indent, y, line))
                y += LINE
            for i, (column, n) in enumerate(zip(columns, values, strict=True)):
                x = right - (len(columns) - 1 - i) * cell
                texts.append(Text(x, y, _fmt(n), anchor="end", key=key, column=column.label))
            y += LINE
    return texts


def _box_texts(spec: Spec, columns: Sequence[Column], width: float) -> list[Text]:
    if len(columns) == 1:
        return _lines_single(spec, columns[0], width)
    return _lines_multi(spec, columns, width)


def _height(texts: Sequence[Text]) -> float:
    return max(t.y for t in texts) + PAD + FONT_SIZE * 0.3


# ---- the whole diagram -----------------------------------------------------------------------


def _shift(texts: Sequence[Text], dx: float, dy: float) -> list[Text]:
    return [
        Text(t.x + dx, t.y + dy, t.text, t.anchor, t.size, t.bold, t.key, t.column, t.rotate)
        for t in texts
    ]


def _title_box(box_id: str, text: str, x: float, y: float, w: float, kind: str) -> Box:
    lines = wrap(text, w - 2 * PAD, bold=True)
    texts = [
        Text(x + w / 2, y + PAD + FONT_SIZE + i * LINE, line, anchor="middle", bold=True)
        for i, line in enumerate(lines)
    ]
    return Box(box_id, x, y, w, 2 * PAD + len(lines) * LINE, kind, texts)


def _updated(columns: Sequence[Column]) -> bool:
    """Whether the updated-review template (previous studies and totals) is drawn."""
    return any((c.n("previous_studies") or 0) > 0 for c in columns) or (
        any(c.n("previous_studies") is not None for c in columns)
        and any(c.n("total_studies") is not None for c in columns)
    )


def _none_excluded(spec: Spec, columns: Sequence[Column]) -> Spec:
    """A reports-excluded box whose reasons are given but name none (no report excluded) says
    "Reports excluded (n = 0)", as the template's box does, instead of being left out."""
    key = spec.entries[0].key
    if key not in EXCLUSION_LISTS or _item_labels(columns, key):
        return spec
    return replace(spec, heading="", entries=(Entry(key, "Reports excluded"),))


def _present_specs(columns: Sequence[Column], specs: list[Spec], updated: bool) -> list[Spec]:
    """The boxes drawn: those with a count in some column (the previous-studies and total boxes
    only in the updated-review template)."""
    return [
        s
        for s in (_none_excluded(spec, columns) for spec in specs)
        if (s.id not in ("previous", "total") or updated)
        and any(_present(columns, e) for e in s.entries)
    ]


def box_texts(columns: Sequence[Column]) -> dict[str, str]:
    """The words the diagram of ``columns`` puts before each box's "(n = …)", by ledger key (the
    template's, for a new or an updated review); a list of sources: its name in messages."""
    texts = {}
    for spec in _specs(_updated(columns), False):
        for entry in spec.entries:
            whole = spec.heading.rstrip(":") if entry.key in EXCLUSION_LISTS else ""
            texts[entry.key] = entry.label or whole or BOX_NAMES[entry.key]
    return texts


def drawn_keys(columns: Sequence[Column]) -> set[str]:
    """The ledger boxes whose lines the diagram of ``columns`` draws (a count or a dash)."""
    updated = _updated(columns)
    specs = _present_specs(columns, _specs(updated, False), updated)
    return {e.key for s in specs for e in s.entries if _present(columns, e)}


def build_flow(
    columns: Sequence[Column],
    *,
    title: str = "",
    links: Mapping[str, str] | None = None,
    pending: Sequence[str] = (),
    count_links: Mapping[str, str] | None = None,
) -> Flow:
    """Lay out the PRISMA 2020 diagram for one or more ledger columns; ``links``: box id ->
    where the whole box links, ``count_links``: ledger key -> where that count links."""
    links, count_links = links or {}, count_links or {}
    show_previous = _updated(columns)
    split = any(c.n("records_excluded_human") is not None for c in columns)
    present = _present_specs(columns, _specs(show_previous, split), show_previous)
    other = any(s.column.startswith("other") for s in present)
    # Horizontal positions of the layout columns.
    widths = {
        "prev": box_width("prev", columns),
        "dbr": box_width("dbr", columns),
        "dbr_side": box_width("dbr_side", columns),
        "other": box_width("other", columns),
        "other_side": box_width("other_side", columns),
    }
    x = MARGIN + PHASE_WIDTH + 10
    xs: dict[str, float] = {}
    order = (["prev"] if show_previous else []) + ["dbr", "dbr_side"]
    order += ["other", "other_side"] if other else []
    for i, name in enumerate(order):
        if i:
            x += ARM_GAP if name.endswith("side") else COLUMN_GAP
        xs[name] = x
        x += widths[name]
    width = x + MARGIN
    # Column titles, below the diagram's title (wrapped to the diagram's width).
    title_lines = wrap(title, width - 2 * MARGIN, bold=True) if title else []
    y = MARGIN
    if title_lines:
        y += FONT_SIZE + 10 + (len(title_lines) - 1) * LINE
    boxes: list[Box] = []
    wording = "new studies" if show_previous else "studies"
    titles = []
    if show_previous:
        titles.append(("title_previous", "Previous studies", xs["prev"], widths["prev"], "grey"))
    dbr_w = xs["dbr_side"] + widths["dbr_side"] - xs["dbr"]
    titles.append(
        (
            "title_dbr",
            f"Identification of {wording} via databases and registers",
            xs["dbr"],
            dbr_w,
            "title",
        )
    )
    if other:
        other_w = xs["other_side"] + widths["other_side"] - xs["other"]
        titles.append(
            (
                "title_other",
                f"Identification of {wording} via other methods",
                xs["other"],
                other_w,
                "grey",
            )
        )
    title_boxes = [_title_box(i, t, bx, y, bw, kind) for i, t, bx, bw, kind in titles]
    title_h = max(b.h for b in title_boxes)
    for b in title_boxes:
        b.h = title_h
    boxes += title_boxes
    y += title_h + TITLE_GAP
    # Rows: each as tall as its tallest box; boxes centred in their row.
    texts = {s.id: _box_texts(s, columns, widths[s.column]) for s in present}
    heights = {s.id: _height(texts[s.id]) for s in present}
    row_h = {
        row: max(heights[s.id] for s in present if s.row == row)
        for row in ROWS
        if any(s.row == row for s in present)
    }
    _fit_phase_labels(row_h)
    row_top: dict[str, float] = {}
    for row in (r for r in ROWS if r in row_h):
        row_top[row] = y
        y += row_h[row] + ROW_GAP
    placed: dict[str, Box] = {}
    for s in present:
        h = heights[s.id]
        top = row_top[s.row] + (row_h[s.row] - h) / 2
        if s.id == "previous":
            top = row_top[s.row]
        kind = "grey" if s.grey else "main"
        box = Box(
            s.id,
            xs[s.column],
            top,
            widths[s.column],
            h,
            kind,
            _shift(texts[s.id], xs[s.column], top),
            links.get(s.id, ""),
            {e.key: count_links[e.key] for e in s.entries if e.key in count_links},
        )
        placed[s.id] = box
        boxes.append(box)
    body_bottom = y - ROW_GAP
    # Phase bars.
    for name, rows in PHASES:
        used = [r for r in rows if r in row_top]
        if not used:
            continue
        top = row_top[used[0]]
        bottom = row_top[used[-1]] + row_h[used[-1]]
        bar = Box(f"phase_{name.lower()}", MARGIN, top, PHASE_WIDTH, bottom - top, "phase")
        bar.texts.append(
            Text(
                MARGIN + PHASE_WIDTH / 2,
                (top + bottom) / 2,
                name,
                anchor="middle",
                bold=True,
                rotate=True,
            )
        )
        boxes.append(bar)
    arrows = _arrows(placed)
    notes = []
    note_y = body_bottom + 8
    footnotes = [SPLIT_FOOTNOTE] if split and any(s.id == "excluded" for s in present) else []
    for line in [*footnotes, *pending]:
        for part in wrap(line, width - 2 * MARGIN, SMALL_SIZE):
            note_y += SMALL_SIZE * 1.4
            notes.append(Text(MARGIN, note_y, part, size=SMALL_SIZE))
    for i, line in enumerate(title_lines):
        notes.append(Text(MARGIN, MARGIN + FONT_SIZE + i * LINE, line, bold=True))
    return Flow(width, note_y + MARGIN, boxes, arrows, notes)


def _fit_phase_labels(row_h: dict[str, float]) -> None:
    """Make each phase span at least as tall as its rotated label (the last row grows)."""
    for name, rows in PHASES:
        used = [r for r in rows if r in row_h]
        if not used:
            continue
        span = sum(row_h[r] for r in used) + ROW_GAP * (len(used) - 1)
        need = text_width(name, FONT_SIZE, True) + 2 * PAD
        if span < need:
            row_h[used[-1]] += need - span


def _down(a: Box, b: Box) -> list[tuple[float, float]]:
    return [(a.cx, a.bottom), (a.cx, b.y)]


SIDE_BOXES = (
    ("identified", "removed"),
    ("screened", "excluded"),
    ("dbr_sought", "dbr_notretrieved"),
    ("dbr_assessed", "dbr_excluded"),
    ("other_sought", "other_notretrieved"),
    ("other_assessed", "other_excluded"),
)
DOWN_CHAINS = (
    ("identified", "screened", "dbr_sought", "dbr_assessed", "new", "total"),
    ("other_identified", "other_sought", "other_assessed"),
)


def _arrows(placed: Mapping[str, Box]) -> list[list[tuple[float, float]]]:
    arrows = []
    for chain in DOWN_CHAINS:
        boxes = [placed[i] for i in chain if i in placed]
        arrows += [_down(a, b) for a, b in pairwise(boxes)]
    for main, side in SIDE_BOXES:
        if main in placed and side in placed:
            a, b = placed[main], placed[side]
            arrows.append([(a.x + a.w, a.cy), (b.x, a.cy)])
    if "other_assessed" in placed and "new" in placed:
        a, b = placed["other_assessed"], placed["new"]
        arrows.append([(a.cx, a.bottom), (a.cx, b.cy), (b.x + b.w, b.cy)])
    if "previous" in placed and "total" in placed:
        a, b = placed["previous"], placed["total"]
        arrows.append([(a.cx, a.bottom), (a.cx, b.cy), (b.x, b.cy)])
    return arrows
