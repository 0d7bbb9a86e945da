"""PRISMA 2020 flow diagrams: from a CSV of one's own, or the pipeline's counts ledger."""

from __future__ import annotations

import argparse
from pathlib import Path

from livingreview.cli.common import Subcommands, add_command, config_of, log, outputs_of


def cmd_prisma(args: argparse.Namespace) -> int:
    """Draw a PRISMA 2020 flow diagram from a PRISMA2020 or livingPRISMAflow CSV."""
    from livingreview.prisma.stage import render_csv

    rounds = Path(args.rounds) if args.rounds else None
    shown = render_csv(Path(args.file), Path(args.out), args.layout, args.title, rounds)
    done = "converted" if Path(args.out).suffix.lower() == ".csv" else f"drawn ({args.layout})"
    print(f"{args.file}: {len(shown)} column(s) checked and {done} -> {args.out}")
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    """Build the PRISMA counts ledger from the pipeline's outputs; draw its flow diagrams."""
    from livingreview.prisma.stage import run_ledger

    config = config_of(args)
    ledger = run_ledger(config)
    latest = ledger["rounds"][-1]
    print(
        f"round {ledger['round']}: PRISMA counts checked across {len(ledger['rounds'])} round(s), "
        f"{len(ledger['pending'])} stage(s) pending -> {outputs_of(config) / 'prisma'}"
        f" (latest: {latest['label']})"
    )
    for line in ledger["warnings"]:
        log.warning("%s", line)
    return 0


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add prisma and ledger; ``common`` holds --configfile."""
    from livingreview.prisma.layouts import LAYOUTS

    summary = "draw a PRISMA 2020 flow diagram from a PRISMA CSV"
    p = add_command(sub, "prisma", summary, cmd_prisma)
    p.add_argument("file", metavar="FILE.csv", help="PRISMA2020 package or livingPRISMAflow CSV")
    p.add_argument(
        "--out", required=True, metavar="PATH", help="output .svg, .png, .pdf, .html (or .csv)"
    )
    p.add_argument(
        "--layout",
        default="auto",
        choices=list(LAYOUTS),
        help="living layout (default: %(default)s)",
    )
    p.add_argument("--title", default="", help="title above the diagram")
    p.add_argument(
        "--rounds", metavar="ROUNDS.csv", help="check FILE's columns are sums of these rounds"
    )

    summary = "PRISMA counts ledger and flow diagrams from the outputs"
    add_command(sub, "ledger", summary, cmd_ledger, common)
