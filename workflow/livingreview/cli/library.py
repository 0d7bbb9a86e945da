"""The library: deduplicate a round against it, ask services again about its studies, look for
open-access copies and flag records retracted or corrected."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from livingreview.cli.common import Subcommands, add_command, config_of, outputs_of


def cmd_library(args: argparse.Namespace) -> int:
    """Match this round's records against the library; write merged studies and maybe sheets."""
    from livingreview.dedup.library import build_library

    config = config_of(args)
    identified = Path(args.identified) if args.identified else None
    counts = build_library(config, identified=identified, progress=sys.stderr.isatty())
    print(
        f"round {counts['round']}: {counts['records_identified']} records identified, "
        f"{counts['duplicates_removed']} duplicates removed, "
        f"{counts['new_studies']} new to the library, "
        f"{counts['studies_in_library']} studies in the library, "
        f"{counts['maybe_pairs_pending']} maybe pairs to check -> {outputs_of(config) / 'library'}"
    )
    return 0


def cmd_open_access(args: argparse.Namespace) -> int:
    """Ask one service for open-access copies of the reports sought at full text."""
    from livingreview.fulltext.open_access import outcome_line, run_open_access

    config = config_of(args)
    manifest = run_open_access(config, args.service, state_dir=outputs_of(config) / ".pacing")
    print(outcome_line(args.service, manifest))
    return 0


def cmd_refetch(args: argparse.Namespace) -> int:
    """Ask one service again about the studies earlier rounds kept in the review."""
    from livingreview.refetch import run_refetch

    config = config_of(args)
    manifest = run_refetch(config, args.service, state_dir=outputs_of(config) / ".pacing")
    print(
        f"refetch {args.service}: {manifest['returned']} records for {manifest['asked']} "
        f"{manifest['identifier']}s of {manifest['studies']} earlier studies "
        f"({len(manifest['not_found'])} not found)"
    )
    return 0


def cmd_flags(args: argparse.Namespace) -> int:
    """Flag library records retracted, corrected or under concern, as their sources say."""
    from collections import Counter

    from livingreview.flags import OUTPUT, build_flags

    config = config_of(args)
    found = build_flags(config)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(Counter(f.flag for f in found).items()))
    studies = len({f.study_id for f in found})
    print(f"{studies} studies flagged ({counts or 'none'}) -> {outputs_of(config) / OUTPUT}")
    return 0


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add library, refetch, open-access and flags; ``common`` holds --configfile."""
    summary = "deduplicate this round against the library; write studies and maybe-pair sheets"
    p = add_command(sub, "library", summary, cmd_library, common)
    p.add_argument(
        "--identified", help="record file of this round (default: <outputs>/search/identified.csv)"
    )

    summary = "ask a service again, by PMID or DOI, about the studies of earlier rounds"
    p = add_command(sub, "refetch", summary, cmd_refetch, common)
    p.add_argument("service", choices=["pubmed", "crossref", "openalex"])

    summary = (
        "ask a service, by DOI, for open-access copies of the reports sought at full text "
        "(full_text.open_access)"
    )
    p = add_command(sub, "open-access", summary, cmd_open_access, common)
    p.add_argument("service", choices=["openalex"])

    summary = "flag library records retracted, corrected or under concern (library/flags.csv)"
    add_command(sub, "flags", summary, cmd_flags, common)
