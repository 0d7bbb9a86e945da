"""``livingreview ledger``: the counts ledger of every round, checked, and its diagrams.

Writes under ``<outputs>/prisma/`` (:data:`OUTPUTS`): ``ledger.json`` (every round, the cumulative
column, pending stages and warnings), ``ledger.csv`` (this round, PRISMA2020 package CSV),
``ledger_rounds.csv`` (every round, livingPRISMAflow CSV), the flow diagram ``flow.*`` (this round;
from the second round on, previous rounds combined beside the latest) and the four living layouts
under ``living/``, each as SVG, PNG, PDF and HTML (drawn again only when their files would change:
:mod:`livingreview.prisma.drawn`). Inconsistent counts stop before any drawing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview.dedup.rounds import history_dir, snapshot_dir
from livingreview.errors import InputFileError
from livingreview.fileio import read_json, write_json
from livingreview.prisma import collect
from livingreview.prisma.checks import PrismaCountsError, check_columns, warnings
from livingreview.prisma.diagram import build_flow, drawn_keys
from livingreview.prisma.drawn import Drawn, digest
from livingreview.prisma.interop import write_csv_columns
from livingreview.prisma.layouts import (
    LAYOUTS,
    LIVING_LAYOUTS,
    one_round_note,
    view,
    view_violations,
)
from livingreview.prisma.ledger import BOX_NAMES, Column, combine
from livingreview.prisma.render import write_all
from livingreview.screening.assignment import protocol_other_method_studies

FORMATS = (".svg", ".png", ".pdf", ".html")
OUTPUTS = {
    "ledger": "prisma/ledger.json",
    "csv": "prisma/ledger.csv",
    "rounds_csv": "prisma/ledger_rounds.csv",
    **{f"flow{s}": f"prisma/flow{s}" for s in FORMATS},
    **{f"{layout}{s}": f"prisma/living/{layout}{s}" for layout in LIVING_LAYOUTS for s in FORMATS},
}
STAGE_NAMES = {
    "deduplication": "Deduplication",
    "automation": "Automation exclusions",
    "screening": "Title/abstract screening",
    "full_text": "Full-text retrieval and assessment",
    "totals": "Totals",
}
# Each box of the HTML diagram links to the list of records behind it (when that file exists):
# the file whose rows of the round a reader counts to find the box's number (records screened
# are the studies with a final screening decision, not the library, which also holds the studies
# automation removed and those of earlier rounds).
LINKS = {
    "identified": "../search/identified.csv",
    "screened": "../screening/final_decisions.csv",
    "excluded": "../screening/final_decisions.csv",
    "dbr_sought": "../fulltext/decisions.csv",
    "dbr_notretrieved": "../fulltext/decisions.csv",
    "dbr_assessed": "../fulltext/decisions.csv",
    "dbr_excluded": "../fulltext/excluded.csv",
    "new": "../fulltext/included_studies.csv",
}
# The records removed before screening come from different files: each count links to its own
# (records removed for other reasons are always 0 and in no file).
COUNT_LINKS = {
    "duplicates": "../library/groups.csv",
    "excluded_automatic": "../screening/automation.csv",
}


def snapshot_path(config: Mapping[str, Any]) -> Path:
    """This version's ledger snapshot, beside the library's round snapshot."""
    return snapshot_dir(config) / collect.SNAPSHOT


def history_inputs(config: Mapping[str, Any]) -> list[str]:
    """For Snakemake: the ledger snapshots of other versions."""
    own = snapshot_path(config).resolve()
    return [
        str(p)
        for p in sorted(history_dir(config).glob(f"*/{collect.SNAPSHOT}"))
        if p.resolve() != own
    ]


def _order(stage: str) -> int:
    return list(STAGE_NAMES).index(stage) if stage in STAGE_NAMES else len(STAGE_NAMES)


# Pending stages whose boxes are drawn all the same, and what those boxes show meanwhile; the
# boxes of any other pending stage are not shown.
SHOWN_WHILE_PENDING = {"deduplication": "counted so far", "automation": "counted as 0"}


# The boxes a pending stage leaves without counts (those its notes are about).
PENDING_BOXES = {
    "screening": ("records_screened", "records_excluded"),
    "full_text": (
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "dbr_excluded",
        "new_studies",
        "new_reports",
    ),
    "totals": ("total_studies", "total_reports"),
}


def _shown(stage: str, concerned: Sequence[Column], drawn: set[str]) -> str:
    """What the diagram (drawing the boxes ``drawn``) shows of a pending stage's boxes for the
    columns ``concerned``: not shown, or a dash in their column where another column has a
    count; "not shown" without "boxes" when the note names the boxes it leaves out."""
    if stage in SHOWN_WHILE_PENDING:
        return SHOWN_WHILE_PENDING[stage]
    boxes = PENDING_BOXES.get(stage, ())
    missing = [k for k in boxes if not any(c.has(k) for c in concerned)]
    dashed = [k for k in missing if k in drawn]
    if not dashed:
        return "boxes not shown" if len(missing) == len(boxes) else "not shown"
    if len(dashed) == len(missing):
        return "shown as –"
    hidden = [BOX_NAMES[k] for k in missing if k not in drawn]
    return f"{'; '.join(BOX_NAMES[k] for k in dashed)} shown as –, {'; '.join(hidden)} not shown"


def pending_lines(columns: Sequence[Column]) -> list[str]:
    """One line per stage whose counts are not (all) final yet and per note, naming the columns
    concerned when not all are, and saying what the diagram of ``columns`` shows of them."""
    stages = sorted({stage for c in columns for stage in c.pending}, key=_order)
    drawn = drawn_keys(columns)
    lines = []
    for stage in stages:
        notes: dict[str, list[Column]] = {}
        for column in columns:
            if stage in column.pending:
                notes.setdefault(column.pending[stage], []).append(column)
        for note, concerned in notes.items():
            prefix = (
                ""
                if len(concerned) == len(columns)
                else (", ".join(c.label for c in concerned) + ": ")
            )
            shown = _shown(stage, concerned, drawn)
            lines.append(f"{STAGE_NAMES.get(stage, stage)}: {prefix}{note} ({shown}).")
    return lines


# What each stage counts (the count that shows it has run, and its boxes) that a stage pending
# before it (or, for deduplication, the stage itself) leaves not final.
SO_FAR = {
    "deduplication": ("duplicates", "duplicates removed"),
    "screening": ("records_screened", "records screened and excluded"),
    "full_text": ("dbr_assessed", "reports sought, assessed, excluded and new studies included"),
    "totals": ("total_studies", "total studies included"),
}


def _waiting_for(column: Column, stage: str) -> list[str]:
    """The stages still pending that leave what ``stage`` counted not final: those before it
    (automation not run counts as none excluded, so it is none) and a pending deduplication
    itself, whose boxes show what is counted so far."""
    order = list(SO_FAR)
    end = order.index(stage) + (1 if stage in SHOWN_WHILE_PENDING else 0)
    return [name for name in order[:end] if name in column.pending]


def _so_far(column: Column) -> str:
    """What ``column`` shows that is counted only so far while a stage is pending ('' when
    nothing): the boxes of a stage that ran while an earlier one was not done, and those of a
    pending deduplication."""
    shown, waiting = [], []
    for stage, (key, what) in SO_FAR.items():
        drawn = stage not in column.pending or stage in SHOWN_WHILE_PENDING
        before = _waiting_for(column, stage)
        if drawn and before and column.n(key) is not None:
            shown.append(what)
            waiting += before
    if not shown:
        return ""
    names = [STAGE_NAMES[stage].lower() for stage in dict.fromkeys(waiting)]
    verb = "is" if len(names) == 1 else "are"
    return (
        f"Not final while {' and '.join(names)} {verb} not done, counted so far: "
        f"{'; '.join(shown)}."
    )


def so_far_lines(columns: Sequence[Column]) -> list[str]:
    """One line per distinct :func:`_so_far` note, naming the columns concerned when not all."""
    notes = {c.label: _so_far(c) for c in columns}
    lines = []
    for note in dict.fromkeys(n for n in notes.values() if n):
        concerned = [label for label, n in notes.items() if n == note]
        prefix = "" if len(concerned) == len(columns) else ", ".join(concerned) + ": "
        lines.append(prefix + note)
    return lines


def _title(config: Mapping[str, Any], layout: str = "") -> str:
    review = config["review"]
    demo = " [DEMO SNAPSHOT]" if review.get("demo") else ""
    name = f" ({LAYOUTS[layout]})" if layout else ""
    return f"PRISMA 2020 flow diagram{name}: version {review['version']}{demo}"


def _draw(
    columns: Sequence[Column],
    stem: Path,
    title: str,
    links: Mapping[str, str],
    drawn: Drawn,
    note: str = "",
    count_links: Mapping[str, str] | None = None,
) -> None:
    """Draw one diagram (``note``: a last line of notes), unless its files are what drawing it
    would write (:mod:`.drawn`)."""
    notes = pending_lines(columns) + so_far_lines(columns) + ([note] if note else [])
    inputs = {
        "columns": [c.to_json() for c in columns],
        "title": title,
        "links": dict(links),
        **({"count_links": dict(count_links)} if count_links else {}),
        "notes": notes,
    }
    key = digest(inputs)
    paths = [stem.with_suffix(s) for s in FORMATS]
    if drawn.current(stem, key, paths) or drawn.restore(stem, key, paths):
        return
    flow = build_flow(columns, title=title, links=links, pending=notes, count_links=count_links)
    written = write_all(flow, stem, title)
    drawn.remember(stem, key, written)


def _kept_protocol(config: Mapping[str, Any], version: str) -> Path:
    """``<history_dir>/<version>/report/protocol.json``: the protocol a version kept."""
    from livingreview.report.changes import STATE_FILES, state_dir

    return state_dir(config, version) / STATE_FILES["protocol"]


def run_ledger(config: Mapping[str, Any]) -> dict[str, Any]:
    """Build, check and write the ledger and its diagrams; return the ledger as written."""
    outputs = Path(config["paths"]["outputs"])
    counts = read_json(outputs / collect.COUNTS, "library counts not found; run the library first")
    version = str(config["review"]["version"])
    if str(counts.get("version")) != version:
        raise InputFileError(
            outputs / collect.COUNTS,
            f"written for version {counts.get('version')!r}, the protocol says {version!r}; "
            "re-run the library step",
            field="version",
        )
    round_no = int(collect.field(outputs / collect.COUNTS, counts, "round"))
    earlier = collect.snapshots(history_dir(config), version)
    previous = collect.previous_included(earlier, round_no)
    current, included = collect.current_column(config, outputs, round_no, previous)
    kept = collect.history(earlier)
    others = protocol_other_method_studies(config)
    for (number, column), data in zip(kept, earlier, strict=True):
        if number < round_no:
            collect.since_frozen(outputs, number, column, others)
        protocol = _kept_protocol(config, column.label)
        collect.reasons_named_now(config, column, protocol, data.get(collect.REASON_IDS))
    rounds = collect.rounds_of(kept, current, round_no)
    columns = [c for _, c in rounds]
    check_columns(columns, origin="pipeline ledger", chained=True)
    ledger = {
        "review_id": config["review"]["id"],
        "version": version,
        "round": round_no,
        "rounds": [{"round": n, **c.to_json()} for n, c in rounds],
        "cumulative": combine(columns, "cumulative").to_json(),
        "pending": pending_lines([columns[-1]]),
        "warnings": warnings(columns),
    }
    prisma = outputs / "prisma"
    write_json(outputs / OUTPUTS["ledger"], ledger)
    write_csv_columns(outputs / OUTPUTS["csv"], [columns[-1]])
    write_csv_columns(outputs / OUTPUTS["rounds_csv"], columns)
    snapshot: dict[str, Any] = {"round": round_no, "column": columns[-1].to_json()}
    snapshot[collect.REASON_IDS] = collect.reason_labels(config)
    if included is not None:
        snapshot["included"] = included
    write_json(snapshot_path(config), snapshot)
    links = {box: href for box, href in LINKS.items() if (prisma / href).resolve().exists()}
    counts = {k: href for k, href in COUNT_LINKS.items() if (prisma / href).resolve().exists()}
    main = view(columns, "previous_latest")
    drawn = Drawn(outputs)
    _draw(main, prisma / "flow", _title(config), links, drawn, count_links=counts)
    for layout in LIVING_LAYOUTS:
        stem, name = prisma / "living" / layout, _title(config, layout)
        note = one_round_note(columns, layout)
        _draw(view(columns, layout), stem, name, {}, drawn, note)
    drawn.save()
    return ledger


def freeze_for_next_round(config: Mapping[str, Any]) -> list[str]:
    """Before the next round starts: when the outputs are this round's and its ledger has run,
    build the ledger again so the round's snapshot holds its counts as they are now; return
    what keeps those counts from being final (empty when they are)."""
    path = snapshot_path(config)
    outputs = Path(config["paths"]["outputs"])
    counts = outputs / collect.COUNTS
    version = str(config["review"]["version"])
    ours = counts.exists() and str(read_json(counts, "library counts").get("version")) == version
    if path.exists() and ours:
        run_ledger(config)
    if not path.exists():
        return [f"no PRISMA ledger of version {version} ({path}): run the pipeline"]
    column = collect.snapshot_column(path, read_json(path, "ledger snapshot"))
    unfinished = [line for line in pending_lines([column]) if not line.startswith("Automation")]
    if not unfinished and (column.n("total_studies") is None or column.n("total_reports") is None):
        unfinished.append("Totals: total studies and reports not known.")
    return unfinished


def render_csv(
    path: Path, out: Path, layout: str = "auto", title: str = "", rounds: Path | None = None
) -> list[Column]:
    """Draw (or convert) a PRISMA2020 / livingPRISMAflow CSV; the format follows ``out``'s
    suffix (.svg, .png, .pdf, .html, or .csv to write the layout's columns back as CSV). With
    ``rounds`` (a CSV of the rounds themselves), its columns must be their sums, box by box."""
    from livingreview.errors import LivingReviewError
    from livingreview.fileio import atomic_write_bytes, atomic_write_text
    from livingreview.prisma import render
    from livingreview.prisma.interop import new_review_default, read_csv_columns

    suffix = out.suffix.lower()
    if suffix not in (*FORMATS, ".csv"):
        raise LivingReviewError(
            f"{out}: give an output ending in {', '.join(FORMATS)} or .csv, not {suffix!r}"
        )
    columns = read_csv_columns(path)
    check_columns(columns, origin=str(path))
    if rounds is not None:
        found = view_violations(read_csv_columns(rounds), columns)
        if found:
            raise PrismaCountsError(found, f"{path} against the rounds in {rounds}")
    shown = view(columns, layout)
    if suffix == ".csv":
        write_csv_columns(out, shown)
        return shown
    first = new_review_default(shown)
    notes = pending_lines(shown) + so_far_lines(shown)
    notes += [note for note in (first, one_round_note(columns, layout)) if note]
    flow = build_flow(shown, title=title, pending=notes)
    if suffix == ".svg":
        atomic_write_text(out, render.to_svg(flow))
    elif suffix == ".png":
        atomic_write_bytes(out, render.to_png(flow))
    elif suffix == ".pdf":
        atomic_write_bytes(out, render.to_pdf(flow))
    else:
        atomic_write_text(out, render.to_html(flow, title or path.stem))
    return shown
