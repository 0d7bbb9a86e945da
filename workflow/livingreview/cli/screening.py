"""Title/abstract screening: automation exclusions, the sheets, agreement and conflicts."""

from __future__ import annotations

import argparse

from livingreview.cli.common import Subcommands, add_command, config_of, outputs_of


def cmd_automation(args: argparse.Namespace) -> int:
    """Apply the protocol's automation exclusions to the library before screening."""
    from livingreview.screening.automation import OUTPUTS, run_automation

    config = config_of(args)
    counts = run_automation(config)
    rules = ", ".join(f"{n} {r}" for r, n in counts["excluded_by_rule"].items())
    print(
        f"{counts['excluded']} of {counts['studies_checked']} studies excluded by automation "
        f"({rules}) -> {outputs_of(config) / OUTPUTS['exclusions']}"
    )
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    """Read returned screening sheets into the decision store; write this round's sheets."""
    from livingreview.screening.stage import run_screening

    config = config_of(args)
    state = run_screening(config)
    people = ", ".join(
        f"{rid} {r['decided']} decided / {r['pending']} pending"
        for rid, r in state["reviewers"].items()
    )
    print(
        f"title/abstract screening, round {state['round']}: {state['returned_files']} returned "
        f"sheet(s), {state['decisions_logged']} decisions logged; {people}; "
        f"{len(state['sheets'])} sheet(s) written -> {outputs_of(config) / 'screening'}"
    )
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """Write the screeners' agreement per reviewer pair and round."""
    from livingreview.screening.outcome import AGREEMENT_OUTPUTS, run_agreement

    config = config_of(args)
    data = run_agreement(config)
    for pair in data["pairs"]:
        stats = pair["maybe_as_include"]
        kappa = "undefined" if stats["kappa"] is None else f"{stats['kappa']:.3f}"
        agreement = stats["percent_agreement"]
        print(
            f"{pair['stage']} round {pair['round']} {pair['reviewer_a']}-{pair['reviewer_b']}: "
            f"n={stats['n']}, agreement "
            f"{'-' if agreement is None else f'{agreement:.1f}%'}, kappa {kappa}"
        )
    out = outputs_of(config) / AGREEMENT_OUTPUTS["agreement_csv"]
    print(f"{len(data['pairs'])} pair(s) -> {out}")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    """Decide screened studies by the protocol's rule; write the conflicts sheet."""
    from livingreview.screening.outcome import OUTPUTS, run_conflicts

    config = config_of(args)
    counts = run_conflicts(config)
    outputs = outputs_of(config)
    print(
        f"{counts['studies_decided']} studies decided ({counts['included']} included, "
        f"{counts['excluded']} excluded), {counts['conflicts_pending']} conflict(s) pending, "
        f"{counts['awaiting_second_reviewer']} awaiting a second reviewer "
        f"-> {outputs / OUTPUTS['final']}, {outputs / OUTPUTS['conflicts_xlsx']}"
    )
    return 0


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add automation, agreement, conflicts and screen; ``common`` holds --configfile."""
    for name, summary, func in (
        (
            "automation",
            "exclude library studies by the protocol's publication type, language and year limits",
            cmd_automation,
        ),
        ("agreement", "percent agreement, Cohen's kappa and PABAK", cmd_agreement),
        (
            "conflicts",
            "final screening decisions by the protocol's rule; write the conflicts sheet",
            cmd_conflicts,
        ),
        (
            "screen",
            "import returned title/abstract screening sheets; write this round's sheets",
            cmd_screen,
        ),
    ):
        add_command(sub, name, summary, func, common)
