"""Commands on files of one's own: deduplicate a CSV, export references for a reference manager,
simulate screening, plot a risk-of-bias table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from livingreview.cli.common import (
    Subcommands,
    add_command,
    check_outputs,
    config_of,
    outputs_of,
    write_output,
)
from livingreview.errors import LivingReviewError


def cmd_dedup(args: argparse.Namespace) -> int:
    """Deduplicate a standalone CSV: write ID,group_id per row and optionally the maybe pairs."""
    from livingreview.dedup.engine import find_duplicates, maybe_table, read_engine_csv

    outputs = {"--out": Path(args.out), **({"--maybe": Path(args.maybe)} if args.maybe else {})}
    check_outputs([Path(args.input)], outputs)
    frame = read_engine_csv(args.input)
    result = find_duplicates(frame, progress=sys.stderr.isatty())
    groups = frame[["ID"]].assign(group_id=[result.groups[str(i).strip()] for i in frame["ID"]])
    texts = {"--out": groups.to_csv(index=False, lineterminator="\n")}
    if args.maybe:
        table = maybe_table(frame, result.maybe)
        texts["--maybe"] = table.to_csv(index=False, lineterminator="\n")
    for option, text in texts.items():
        write_output(outputs[option], option, text)
    removed = len(frame) - len(set(result.groups.values()))
    print(
        f"{len(frame)} records, {removed} duplicates removed, {len(result.maybe)} maybe pairs"
        f" -> {args.out}"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the library or the included studies as RIS or BibTeX for a reference manager."""
    from livingreview import reference_export

    if (args.out is None) != (args.format is None):
        raise LivingReviewError(
            "export: give --out FILE with --format ris or bibtex, or neither of them "
            "(then the pipeline's own RIS and BibTeX files are written)"
        )
    from livingreview.report.changes import state_dir

    config = config_of(args)
    outputs = outputs_of(config)
    if args.out is None:  # the included studies of a version are kept with its report
        kept = state_dir(config) if args.what == "included" else None
        count = reference_export.write_exports(outputs, args.what, kept)
        files = ", ".join(str(outputs / p) for p in reference_export.WHAT[args.what].values())
        print(f"{count} studies ({args.what}) -> {files}")
        return 0
    out = Path(args.out)
    check_outputs(reference_export.inputs_of(outputs, args.what), {"--out": out})
    studies = reference_export.studies_of(outputs, args.what)
    write_output(out, "--out", reference_export.export_text(studies, args.format))
    print(f"{len(studies)} studies ({args.what}) as {args.format} -> {out}")
    return 0


def _int_from(minimum: int) -> Any:
    """An argparse type: an integer of at least ``minimum``."""

    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


def cmd_simulate(args: argparse.Namespace) -> int:
    """Replay a labelled screening dataset through the ranker; write the screening order."""
    from livingreview.screening.simulate import run_simulation

    counts = run_simulation(
        Path(args.data),
        Path(args.out),
        seed=args.seed,
        prior_included=args.prior_included,
        prior_excluded=args.prior_excluded,
        batch_size=args.batch_size,
        stop_at_last_relevant=not args.all,
        progress=sys.stderr.isatty(),
    )
    print(
        f"{counts['screened']} of {counts['records']} records ({counts['included']} included) "
        f"screened in order, {counts['priors']} priors -> {args.out}"
    )
    return 0


def cmd_rob_plot(args: argparse.Namespace) -> int:
    """Validate a robvis-format risk-of-bias table and draw its traffic-light/summary plots."""
    from livingreview.rob.plot_table import plot_table

    result = plot_table(
        Path(args.table),
        args.tool,
        Path(args.out),
        kind=args.kind,
        palette=args.palette,
        weighted=args.weighted,
    )
    table = result.table
    print(f"{args.table}: {len(table.rows)} studies, {table.tool.title} -> {args.out}")
    for difference in result.overrides:
        print(
            f"  override: {difference.study} (line {difference.line}) Overall"
            f" {table.label(difference.stated)!r}; the {table.tool.title} rule gives"
            f" {table.label(difference.computed)!r}"
        )
    return 0


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add dedup, export, simulate and rob plot; ``common`` holds --configfile."""
    _add_dedup_and_export(sub, common)
    _add_simulate(sub)
    _add_rob_plot(sub)


def _add_dedup_and_export(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """dedup (a standalone CSV) and export (RIS or BibTeX for a reference manager)."""
    p = add_command(sub, "dedup", "find duplicate records in a standalone CSV", cmd_dedup)
    p.add_argument(
        "input", metavar="INPUT", help="CSV (also .gz/.bz2/.xz): ID, title, author, year, ..."
    )
    p.add_argument("--out", required=True, metavar="GROUPS.csv", help="ID,group_id per record")
    p.add_argument("--maybe", metavar="MAYBE.csv", help="write the maybe pairs side by side")

    summary = "the library or the included studies as RIS or BibTeX for a reference manager"
    p = add_command(sub, "export", summary, cmd_export, common)
    p.add_argument(
        "--what",
        required=True,
        choices=["library", "included"],
        help="every study of the library, or the studies included at full text",
    )
    p.add_argument("--format", choices=["ris", "bibtex"], help="the format of --out")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="file to write (default: the pipeline's .ris and .bib in the outputs folder)",
    )


def _add_simulate(sub: Subcommands) -> None:
    """simulate: replay a labelled screening dataset through the ranker."""
    summary = "replay a labelled screening dataset through the ranker"
    p = add_command(sub, "simulate", summary, cmd_simulate)
    p.add_argument("data", metavar="DATA.csv", help="CSV with title, abstract, label_included")
    p.add_argument("--out", required=True, metavar="ORDER.csv", help="record_id,label,prior rows")
    p.add_argument(
        "--seed", type=_int_from(0), default=0, help="seed: priors and model (default: %(default)s)"
    )
    p.add_argument(
        "--prior-included",
        type=_int_from(0),
        default=1,
        metavar="N",
        help="includes (default: %(default)s)",
    )
    p.add_argument(
        "--prior-excluded",
        type=_int_from(0),
        default=1,
        metavar="N",
        help="excludes (default: %(default)s)",
    )
    p.add_argument(
        "--batch-size",
        type=_int_from(1),
        default=10,
        metavar="K",
        help="per refit (default: %(default)s)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="screen every record (default: stop at the last relevant one, as asreview simulate)",
    )


def _add_rob_plot(sub: Subcommands) -> None:
    """rob plot: validate and plot a robvis-format risk-of-bias table."""
    from livingreview.rob import TOOL_NAMES

    p = sub.add_parser("rob", help="risk of bias: robvis-format tables and plots")
    rob = p.add_subparsers(dest="rob_command", required=True, metavar="ACTION")
    summary = "validate a robvis-format table and plot it (SVG/PNG)"
    p = add_command(rob, "plot", summary, cmd_rob_plot)
    p.add_argument("table", metavar="TABLE", help="CSV or .xlsx: Study, domains, Overall, Weight")
    p.add_argument("--tool", required=True, choices=TOOL_NAMES, help="the table's tool")
    p.add_argument(
        "--out", required=True, metavar="PATH", help="FILE.svg or FILE.png, or a folder for all"
    )
    shown = "(default: %(default)s)"
    p.add_argument(
        "--kind", choices=["traffic-light", "summary"], default="traffic-light", help=shown
    )
    p.add_argument("--palette", choices=["cochrane", "colourblind"], default="cochrane", help=shown)
    p.add_argument("--weighted", action="store_true", help="summary weighted by Weight")
