"""Rebuilding the demo: its snapshot and its illustrative returned sheets, from real facts."""

from __future__ import annotations

import argparse
from pathlib import Path

from livingreview.cli.common import Subcommands, add_command


def cmd_build_demo(args: argparse.Namespace) -> int:
    """Rebuild the embedded demo snapshot from real bibliographic facts."""
    from livingreview.demo import build_demo

    written = build_demo(Path(args.facts), Path(args.out))
    print(f"demo snapshot: {written} files written under {args.out}")
    return 0


def cmd_build_demo_human(args: argparse.Namespace) -> int:
    """Rebuild the demo's illustrative returned sheets by running the stages and filling each."""
    from livingreview.demo.human import build_demo_human

    built = build_demo_human(Path(args.facts), Path(args.out))
    for name in built.files:
        print(f"  {name}")
    counts = ", ".join(f"{key} {value}" for key, value in built.counts.items())
    print(f"demo returned sheets: {len(built.files)} files ({counts})")
    return 0


def add_commands(sub: Subcommands) -> None:
    """Add build-demo and build-demo-human (neither reads the protocol)."""
    summary = "rebuild the demo snapshot from real facts"
    p = add_command(sub, "build-demo", summary, cmd_build_demo)
    p.add_argument(
        "--facts",
        default="../shared/data/dta/records.csv",
        help="CSV of real bibliographic facts (default: %(default)s)",
    )
    p.add_argument(
        "--out",
        default="demo",
        help="demo folder of a checkout (reads its config.yaml, ../config/config.yaml; "
        "default: %(default)s)",
    )

    summary = "rebuild the demo's illustrative returned sheets from real facts"
    p = add_command(sub, "build-demo-human", summary, cmd_build_demo_human)
    p.add_argument(
        "--facts",
        default="../shared/data/dta/records.csv",
        help="CSV of real screening facts (default: %(default)s)",
    )
    p.add_argument(
        "--out",
        default="demo",
        help="demo folder whose human/ sheets to (re)write (default: %(default)s)",
    )
