"""The stages after screening: full-text assessment, data extraction, risk-of-bias appraisal."""

from __future__ import annotations

import argparse

from livingreview.cli.common import Subcommands, add_command, config_of, outputs_of


def cmd_fulltext(args: argparse.Namespace) -> int:
    """Read returned full-text sheets; decide reports; write this round's sheets."""
    from livingreview.fulltext.stage import run_fulltext

    config = config_of(args)
    result = run_fulltext(config)
    print(
        f"full text: {result['reports_sought']} report(s) sought, "
        f"{result['reports_not_retrieved']} not retrieved, {result['reports_excluded']} excluded, "
        f"{result['reports_included']} included ({result['studies_included']} studies), "
        f"{result['reports_pending']} pending -> {outputs_of(config) / 'fulltext'}"
    )
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Read returned extraction forms; write studies.csv and this round's forms."""
    from livingreview.extraction.stage import run_extraction

    config = config_of(args)
    state = run_extraction(config)
    counts = state["studies"]
    print(
        f"extraction: {state['studies_included']} included stud(ies), {counts['final']} final, "
        f"{counts['disagreement']} with disagreements, "
        f"{counts['pending'] + counts['awaiting_second']} pending "
        f"-> {outputs_of(config) / 'extraction'}"
    )
    return 0


def cmd_appraise(args: argparse.Namespace) -> int:
    """Read returned risk-of-bias forms; write robvis tables, plots and this round's forms."""
    from livingreview.appraisal.stage import run_appraisal

    config = config_of(args)
    state = run_appraisal(config)
    print(
        f"risk of bias: {state['studies_to_assess']} stud(ies) to assess, {state['assessed']} "
        f"assessed ({state['overrides']} override(s)), {state['disagreements']} with "
        f"disagreements, {state['pending']} pending -> {outputs_of(config) / 'rob'}"
    )
    return 0


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add fulltext, extract and appraise; ``common`` holds --configfile."""
    for name, summary, func in (
        (
            "fulltext",
            "import returned full-text sheets; decide reports; write this round's sheets",
            cmd_fulltext,
        ),
        (
            "extract",
            "import returned data-extraction forms; write studies.csv and the forms",
            cmd_extract,
        ),
        (
            "appraise",
            "import returned risk-of-bias forms; write robvis tables, plots and the forms",
            cmd_appraise,
        ),
    ):
        add_command(sub, name, summary, func, common)
