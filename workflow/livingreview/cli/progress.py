"""How far the review is: where its outputs are, its status, the next round, the report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from livingreview.cli.common import Subcommands, add_command, config_of, outputs_of
from livingreview.sheets.folders import returned_folder


def cmd_where(args: argparse.Namespace) -> int:
    """Print where the pipeline's outputs are."""
    config = config_of(args)
    _where_searches(config)
    _where_library(config)
    _where_screening(config)
    _where_after_screening(config)
    _where_report(config)
    return 0


def _where_searches(config: dict[str, Any]) -> None:
    """Each search's and import's records, the PRISMA-S summary, the identified records."""
    from livingreview.config import enabled_imports, enabled_sources

    search_dir = outputs_of(config) / "search"
    demo = " (demo snapshot)" if config["review"].get("demo") else ""
    print(f"Search and import outputs{demo}:")
    for name in enabled_sources(config) + enabled_imports(config):
        print(f"  {name:<16} {search_dir / name / 'records.csv'}  + manifest.json")
    print(f"PRISMA-S search summary: {search_dir / 'prisma_s.md'}")
    print(f"All identified records:  {search_dir / 'identified.csv'}")


def _where_library(config: dict[str, Any]) -> None:
    """The merged studies, the maybe pairs to decide and the library's RIS, once built."""
    library = outputs_of(config) / "library"
    if (library / "counts.json").exists():
        counts = json.loads((library / "counts.json").read_text(encoding="utf-8"))
        print(
            f"Merged studies ({counts['studies_in_library']}, round {counts['round']}, "
            f"{counts['duplicates_removed']} duplicates removed): {library / 'records.csv'}"
        )
        returned = returned_folder(config, "deduplication", "decisions_dir")
        print(
            f"Maybe pairs to decide ({counts['maybe_pairs_pending']}): "
            f"{outputs_of(config) / 'dedup' / 'maybe_pairs.xlsx'} -> {returned}"
        )
        if (library / "library.ris").exists():
            print(f"Library for a reference manager: {library / 'library.ris'} (.bib)")


def _where_screening(config: dict[str, Any]) -> None:
    """Title/abstract screening: the sheets to return, the decisions, the conflicts sheet."""
    screening = outputs_of(config) / "screening" / "status.json"
    if screening.exists():
        state = json.loads(screening.read_text(encoding="utf-8"))
        print(f"Title/abstract screening sheets (round {state['round']}), return them to:")
        for sheet in state["sheets"]:
            print(_sheet_line(outputs_of(config) / sheet))
        print(f"  -> {returned_folder(config, 'screening', 'folder')}")
        batch = int(config["screening"].get("batch_size", 0))  # a sheet lists the next batch
        listed = ", ".join(
            f"{r} {min(v['pending'], batch) if batch else v['pending']}"
            for r, v in sorted(state["reviewers"].items())
        )
        print(f"  studies each sheet lists (not yet decided by its reviewer): {listed}")
    outcome = outputs_of(config) / "screening" / "outcome.json"
    if outcome.exists():
        done = json.loads(outcome.read_text(encoding="utf-8"))
        folder = returned_folder(config, "screening", "conflicts_folder")
        print(
            f"Title/abstract decisions ({done['included']} included, {done['excluded']} "
            f"excluded): {outcome.with_name('final_decisions.csv')}"
        )
        print(
            f"Screening conflicts to resolve ({done['conflicts_pending']}): "
            f"{outcome.with_name('conflicts.xlsx')} -> {folder}"
        )


def _sheet_line(path: Path) -> str:
    """A sheet or form to fill in, marked when it lists nothing (as ``status`` then names no
    work for its reviewer)."""
    from livingreview.sheets.reading import listed_count

    return f"  {path}" + ("  (nothing to do)" if listed_count(path) == 0 else "")


def _where_report(config: dict[str, Any]) -> None:
    """The flow diagram, the checklist (named by the protocol's guideline), the included
    studies' RIS and, last, the report."""
    from livingreview.report.checklist import guideline

    flow = outputs_of(config) / "prisma" / "flow.svg"
    if flow.exists():
        print(f"PRISMA 2020 flow diagram: {flow} (.png .pdf .html; counts: ledger.json)")
    report = outputs_of(config) / "report" / "index.html"
    named = f"Reporting checklist ({guideline(config)}, PRISMA-S): {{}} (.csv)"
    for name, what in (
        ("prisma_checklist.md", named),
        ("included_studies.ris", "Included studies for a reference manager: {} (.bib)"),
    ):
        if report.with_name(name).exists():
            print(what.format(report.with_name(name)))
    if report.exists():  # the last line: where the evidence summary is
        print(f"Evidence summary: {report}")


def _where_after_screening(config: dict[str, Any]) -> None:
    """Full text, extraction and risk of bias: the sheets to return and the main outputs."""
    from livingreview.appraisal.stage import tools_in_use

    out = outputs_of(config)
    stages = (
        ("Full-text sheets", "fulltext", "sheets", "full_text", "outcome.json"),
        ("Extraction forms", "extraction", "forms", "extraction", "studies.csv"),
        ("Risk-of-bias forms", "rob", "forms", "risk_of_bias", "summary.csv"),
    )
    for title, folder, key, section, result in stages:
        status = out / folder / "status.json"
        if folder == "rob" and not tools_in_use(config):
            continue  # a review that appraises no study: no forms, nothing to return
        if status.exists():
            state = json.loads(status.read_text(encoding="utf-8"))
            where = returned_folder(config, section, "folder")
            print(f"{title}, return them to {where}:")
            for path in state[key]:
                print(_sheet_line(out / path))
            print(f"  results: {out / folder / result}")
            if folder == "fulltext":
                _where_full_text_conflicts(config)


def _where_full_text_conflicts(config: dict[str, Any]) -> None:
    """The full-text conflicts sheet, how many conflicts it holds and where it goes back."""
    outcome = outputs_of(config) / "fulltext" / "outcome.json"
    if outcome.exists():
        pending = json.loads(outcome.read_text(encoding="utf-8"))["conflicts_pending"]
        print(
            f"Full-text conflicts to resolve ({pending}): {outcome.with_name('conflicts.xlsx')}"
            f" -> {returned_folder(config, 'full_text', 'conflicts_folder')}"
        )


def cmd_status(args: argparse.Namespace) -> int:
    """Print what each stage has done and what is waiting for whom."""
    from livingreview.report.status import status_lines

    config = config_of(args)
    print("\n".join(status_lines(config, outputs_of(config))))
    return 0


def cmd_round_new(args: argparse.Namespace) -> int:
    """Start the next round: append it to rounds.yaml with its version and search window."""
    from livingreview.round_state import new_round, state_path

    config = config_of(args)
    entry = new_round(
        config,
        version=args.version,
        search_from=args.from_,
        search_to=args.to,
        require_final=args.require_final,
    )
    since = ""
    if "previous_search" in entry:
        since = f" (last search {entry['previous_search']}, {entry['overlap_days']} days overlap)"
    window = f"{entry['search_from']} to {entry['search_to']}"
    print(f"round {entry['version']}: searches from {window}{since} -> {state_path(config)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Render the evidence summary (HTML and Markdown) and the changelog from what the stages
    have written; keep this version's copy and frozen state in the history folder (not for a
    report written to a folder of one's own with ``--out-dir``: a preview)."""
    from livingreview.report.render import publish, write_report

    config = config_of(args)
    if args.out_dir:
        print(write_report(config, outputs_of(config), Path(args.out_dir)))
    else:
        print(publish(config, outputs_of(config), outputs_of(config) / "report"))
    return 0


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add where, status, round new and report; ``common`` holds --configfile."""
    add_command(sub, "where", "print where the outputs are", cmd_where, common)
    summary = "a step the last run failed on, what each stage has done, what is awaited from whom"
    add_command(sub, "status", summary, cmd_status, common)
    _add_round(sub, common)

    summary = "render the evidence summary and reporting checklist"
    p = add_command(sub, "report", summary, cmd_report, common)
    p.add_argument(
        "--out-dir",
        help="write the report to this folder only, as a preview: the version's kept copy in "
        "the history folder is left as it is (default: <outputs>/report, and keep the copy)",
    )


def _add_round(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """round new: the next round's version and search window."""
    p = sub.add_parser("round", help="rounds of the living review")
    rounds = p.add_subparsers(dest="round_command", required=True, metavar="COMMAND")
    summary = "start the next round (version, search window) in rounds.yaml"
    p = add_command(rounds, "new", summary, cmd_round_new, common)
    p.add_argument("--version", default="", help="its review version (default: last one + 1)")
    p.add_argument(
        "--from",
        dest="from_",
        default="",
        metavar="DATE",
        help="window start (default: last search date minus search.round_overlap_days)",
    )
    p.add_argument(
        "--to", default="", metavar="DATE", help="window end, not after today (default: today, UTC)"
    )
    p.add_argument(
        "--require-final",
        action="store_true",
        help="refuse while the current round's PRISMA counts are not final (default: warn)",
    )
