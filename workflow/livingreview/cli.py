"""The ``livingreview`` command: one thin subcommand per pipeline stage.

Every :class:`~livingreview.errors.LivingReviewError` is printed as one line and ends the process
with its exit code (2 for bad input or config, 3 for search failures); no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import livingreview
from livingreview.errors import LivingReviewError
from livingreview.import_formats import FORMATS

DEFAULT_CONFIG = ["config/config.yaml"]
SIGPIPE_EXIT = 141  # 128 + SIGPIPE, as a shell reports a command its pipe reader left
log = logging.getLogger("livingreview")


def _config(args: argparse.Namespace) -> dict[str, Any]:
    from livingreview.config import load_config

    return load_config(args.configfile)


def _outputs(config: dict[str, Any]) -> Path:
    return Path(config["paths"]["outputs"])


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate the protocol and print what it would search."""
    from livingreview.config import enabled_imports, enabled_sources

    config = _config(args)
    print(f"config OK: {config['review']['title']} (version {config['review']['version']})")
    print(f"  searches: {', '.join(enabled_sources(config)) or 'none'}")
    print(f"  imports:  {', '.join(enabled_imports(config)) or 'none'}")
    print(f"  search mode: {config['search']['mode']}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Run one configured API search."""
    from livingreview.search import run_search

    config = _config(args)
    out = Path(args.out_dir) if args.out_dir else _outputs(config) / "search" / args.source
    state = _outputs(config) / ".pacing"
    manifest = run_search(config, args.source, out, state_dir=state)
    print(
        f"{args.source}: {manifest['retrieved']} of {manifest['reported_total']} records -> {out}"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import export files standalone (FILE... --out) or a configured import (--name)."""
    if args.name:
        from livingreview.importing import run_import

        config = _config(args)
        out = Path(args.out_dir) if args.out_dir else _outputs(config) / "search" / args.name
        manifest = run_import(config, args.name, out)
        belongs = manifest["imported_in"]
        print(f"{args.name}: {manifest['retrieved']} records -> {out} (round {belongs}'s search)")
        return 0
    if not args.files or not args.out:
        raise LivingReviewError("import: give FILE... --out records.csv, or --name IMPORT")
    from livingreview.imports import import_file
    from livingreview.records import Record, assign_ids, records_to_csv

    out = Path(args.out)
    _check_outputs([Path(file) for file in args.files], {"--out": out})
    records: list[Record] = []
    for file in args.files:
        result = import_file(file, source=args.source, fmt=args.format)
        print(
            f"{file}: {len(result.records)} records ({result.format}, {result.encoding})",
            file=sys.stderr,
        )
        records.extend(result.records)
    _write_output(out, "--out", records_to_csv(assign_ids(args.source, records)))
    print(f"{len(records)} records -> {args.out}")
    return 0


def cmd_summarise(args: argparse.Namespace) -> int:
    """Write the PRISMA-S search summary and the combined file of identified records."""
    from livingreview.config import enabled_imports, enabled_sources
    from livingreview.import_rounds import round_of
    from livingreview.importing import check_import_current
    from livingreview.prisma_s import deduplication_method, read_manifest, write_summary

    config = _config(args)
    search_dir = _outputs(config) / "search"
    names = enabled_sources(config) + enabled_imports(config)
    for name in enabled_imports(config):
        manifest = search_dir / name / "manifest.json"
        if manifest.is_file():
            check_import_current(config, name, read_manifest(manifest))
    count = write_summary(
        [search_dir / n / "manifest.json" for n in names],
        [search_dir / n / "records.csv" for n in names],
        search_dir,
        config["review"]["title"],
        bool(config["review"].get("demo")),
        deduplication_method(config["deduplication"], livingreview.__version__),
        config=config,
    )
    earlier = [
        n
        for n in enabled_imports(config)
        if round_of(
            config, read_manifest(search_dir / n / "manifest.json"), search_dir / n / "records.csv"
        )[0]
    ]
    also = (
        f" ({', '.join(earlier)}: exports of earlier rounds, not counted again)" if earlier else ""
    )
    print(
        f"{count} records identified from {len(names) - len(earlier)} sources{also} -> "
        f"{search_dir / 'identified.csv'}"
    )
    return 0


def cmd_library(args: argparse.Namespace) -> int:
    """Match this round's records against the library; write merged studies and maybe sheets."""
    from livingreview.dedup.library import build_library

    config = _config(args)
    identified = Path(args.identified) if args.identified else None
    counts = build_library(config, identified=identified, progress=sys.stderr.isatty())
    print(
        f"round {counts['round']}: {counts['records_identified']} records identified, "
        f"{counts['duplicates_removed']} duplicates removed, "
        f"{counts['new_studies']} new to the library, "
        f"{counts['studies_in_library']} studies in the library, "
        f"{counts['maybe_pairs_pending']} maybe pairs to check -> {_outputs(config) / 'library'}"
    )
    return 0


def cmd_open_access(args: argparse.Namespace) -> int:
    """Ask one service for open-access copies of the reports sought at full text."""
    from livingreview.fulltext.open_access import outcome_line, run_open_access

    config = _config(args)
    manifest = run_open_access(config, args.service, state_dir=_outputs(config) / ".pacing")
    print(outcome_line(args.service, manifest))
    return 0


def cmd_refetch(args: argparse.Namespace) -> int:
    """Ask one service again about the studies earlier rounds kept in the review."""
    from livingreview.refetch import run_refetch

    config = _config(args)
    manifest = run_refetch(config, args.service, state_dir=_outputs(config) / ".pacing")
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

    config = _config(args)
    found = build_flags(config)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(Counter(f.flag for f in found).items()))
    studies = len({f.study_id for f in found})
    print(f"{studies} studies flagged ({counts or 'none'}) -> {_outputs(config) / OUTPUT}")
    return 0


def cmd_where(args: argparse.Namespace) -> int:
    """Print where the pipeline's outputs are."""
    from livingreview.config import enabled_imports, enabled_sources

    config = _config(args)
    search_dir = _outputs(config) / "search"
    demo = " (demo snapshot)" if config["review"].get("demo") else ""
    print(f"Search and import outputs{demo}:")
    for name in enabled_sources(config) + enabled_imports(config):
        print(f"  {name:<16} {search_dir / name / 'records.csv'}  + manifest.json")
    print(f"PRISMA-S search summary: {search_dir / 'prisma_s.md'}")
    print(f"All identified records:  {search_dir / 'identified.csv'}")
    library = _outputs(config) / "library"
    if (library / "counts.json").exists():
        import json

        counts = json.loads((library / "counts.json").read_text(encoding="utf-8"))
        print(
            f"Merged studies ({counts['studies_in_library']}, round {counts['round']}, "
            f"{counts['duplicates_removed']} duplicates removed): {library / 'records.csv'}"
        )
        print(
            f"Maybe pairs to decide ({counts['maybe_pairs_pending']}): "
            f"{_outputs(config) / 'dedup' / 'maybe_pairs.xlsx'}"
        )
        if (library / "library.ris").exists():
            print(f"Library for a reference manager: {library / 'library.ris'} (.bib)")
    screening = _outputs(config) / "screening" / "status.json"
    if screening.exists():
        import json

        state = json.loads(screening.read_text(encoding="utf-8"))
        print(f"Title/abstract screening sheets (round {state['round']}), return them to:")
        for sheet in state["sheets"]:
            print(f"  {_outputs(config) / sheet}")
        print(f"  -> {Path(config['paths']['human_input']) / config['screening']['folder']}")
    outcome = _outputs(config) / "screening" / "outcome.json"
    if outcome.exists():
        import json

        done = json.loads(outcome.read_text(encoding="utf-8"))
        folder = Path(config["paths"]["human_input"]) / config["screening"]["conflicts_folder"]
        print(
            f"Title/abstract decisions ({done['included']} included, {done['excluded']} "
            f"excluded): {outcome.with_name('final_decisions.csv')}"
        )
        print(
            f"Screening conflicts to resolve ({done['conflicts_pending']}): "
            f"{outcome.with_name('conflicts.xlsx')} -> {folder}"
        )
    _where_after_screening(config)
    flow = _outputs(config) / "prisma" / "flow.svg"
    if flow.exists():
        print(f"PRISMA 2020 flow diagram: {flow} (.png .pdf .html; counts: ledger.json)")
    report = _outputs(config) / "report" / "index.html"
    for name, what in (
        ("prisma_checklist.md", "Reporting checklist (PRISMA 2020, PRISMA-S): {} (.csv)"),
        ("included_studies.ris", "Included studies for a reference manager: {} (.bib)"),
    ):
        if report.with_name(name).exists():
            print(what.format(report.with_name(name)))
    if report.exists():  # the last line: where the evidence summary is
        print(f"Evidence summary: {report}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Render the evidence summary (HTML and Markdown) and the changelog from what the stages
    have written; keep this version's copy and frozen state in the history folder (not for a
    report written to a folder of one's own with ``--out-dir``: a preview)."""
    from livingreview.report.render import publish, write_report

    config = _config(args)
    if args.out_dir:
        print(write_report(config, _outputs(config), Path(args.out_dir)))
    else:
        print(publish(config, _outputs(config), _outputs(config) / "report"))
    return 0


def cmd_automation(args: argparse.Namespace) -> int:
    """Apply the protocol's automation exclusions to the library before screening."""
    from livingreview.screening.automation import OUTPUTS, run_automation

    config = _config(args)
    counts = run_automation(config)
    rules = ", ".join(f"{n} {r}" for r, n in counts["excluded_by_rule"].items())
    print(
        f"{counts['excluded']} of {counts['studies_checked']} studies excluded by automation "
        f"({rules}) -> {_outputs(config) / OUTPUTS['exclusions']}"
    )
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    """Read returned screening sheets into the decision store; write this round's sheets."""
    from livingreview.screening.stage import run_screening

    config = _config(args)
    state = run_screening(config)
    people = ", ".join(
        f"{rid} {r['decided']} decided / {r['pending']} pending"
        for rid, r in state["reviewers"].items()
    )
    print(
        f"title/abstract screening, round {state['round']}: {state['returned_files']} returned "
        f"sheet(s), {state['decisions_logged']} decisions logged; {people}; "
        f"{len(state['sheets'])} sheet(s) written -> {_outputs(config) / 'screening'}"
    )
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """Write the screeners' agreement per reviewer pair and round."""
    from livingreview.screening.outcome import AGREEMENT_OUTPUTS, run_agreement

    config = _config(args)
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
    out = _outputs(config) / AGREEMENT_OUTPUTS["agreement_csv"]
    print(f"{len(data['pairs'])} pair(s) -> {out}")
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    """Decide screened studies by the protocol's rule; write the conflicts sheet."""
    from livingreview.screening.outcome import OUTPUTS, run_conflicts

    config = _config(args)
    counts = run_conflicts(config)
    print(
        f"{counts['studies_decided']} studies decided ({counts['included']} included, "
        f"{counts['excluded']} excluded), {counts['conflicts_pending']} conflict(s) pending, "
        f"{counts['awaiting_second_reviewer']} awaiting a second reviewer "
        f"-> {_outputs(config) / OUTPUTS['final']}, {_outputs(config) / OUTPUTS['conflicts_xlsx']}"
    )
    return 0


def _where_after_screening(config: dict[str, Any]) -> None:
    """Full text, extraction and risk of bias: the sheets to return and the main outputs."""
    import json

    out = _outputs(config)
    stages = (
        ("Full-text sheets", "fulltext", "sheets", "full_text", "outcome.json"),
        ("Extraction forms", "extraction", "forms", "extraction", "studies.csv"),
        ("Risk-of-bias forms", "rob", "forms", "risk_of_bias", "summary.csv"),
    )
    for title, folder, key, section, result in stages:
        status = out / folder / "status.json"
        if status.exists():
            state = json.loads(status.read_text(encoding="utf-8"))
            where = Path(config["paths"]["human_input"]) / config[section]["folder"]
            print(f"{title}, return them to {where}:")
            for path in state[key]:
                print(f"  {out / path}")
            print(f"  results: {out / folder / result}")


def cmd_fulltext(args: argparse.Namespace) -> int:
    """Read returned full-text sheets; decide reports; write this round's sheets."""
    from livingreview.fulltext.stage import run_fulltext

    config = _config(args)
    result = run_fulltext(config)
    print(
        f"full text: {result['reports_sought']} report(s) sought, "
        f"{result['reports_not_retrieved']} not retrieved, {result['reports_excluded']} excluded, "
        f"{result['reports_included']} included ({result['studies_included']} studies), "
        f"{result['reports_pending']} pending -> {_outputs(config) / 'fulltext'}"
    )
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Read returned extraction forms; write studies.csv and this round's forms."""
    from livingreview.extraction.stage import run_extraction

    config = _config(args)
    state = run_extraction(config)
    counts = state["studies"]
    print(
        f"extraction: {state['studies_included']} included stud(ies), {counts['final']} final, "
        f"{counts['disagreement']} with disagreements, "
        f"{counts['pending'] + counts['awaiting_second']} pending "
        f"-> {_outputs(config) / 'extraction'}"
    )
    return 0


def cmd_appraise(args: argparse.Namespace) -> int:
    """Read returned risk-of-bias forms; write robvis tables, plots and this round's forms."""
    from livingreview.appraisal.stage import run_appraisal

    config = _config(args)
    state = run_appraisal(config)
    print(
        f"risk of bias: {state['studies_to_assess']} stud(ies) to assess, {state['assessed']} "
        f"assessed ({state['overrides']} override(s)), {state['disagreements']} with "
        f"disagreements, {state['pending']} pending -> {_outputs(config) / 'rob'}"
    )
    return 0


def cmd_round_new(args: argparse.Namespace) -> int:
    """Start the next round: append it to rounds.yaml with its version and search window."""
    from livingreview.round_state import new_round, state_path

    config = _config(args)
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


def cmd_status(args: argparse.Namespace) -> int:
    """Print what each stage has done and what is waiting for whom."""
    from livingreview.report.status import status_lines

    config = _config(args)
    print("\n".join(status_lines(config, _outputs(config))))
    return 0


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


def cmd_dedup(args: argparse.Namespace) -> int:
    """Deduplicate a standalone CSV: write ID,group_id per row and optionally the maybe pairs."""
    from livingreview.dedup.engine import find_duplicates, maybe_table, read_engine_csv

    outputs = {"--out": Path(args.out), **({"--maybe": Path(args.maybe)} if args.maybe else {})}
    _check_outputs([Path(args.input)], outputs)
    frame = read_engine_csv(args.input)
    result = find_duplicates(frame, progress=sys.stderr.isatty())
    groups = frame[["ID"]].assign(group_id=[result.groups[str(i).strip()] for i in frame["ID"]])
    texts = {"--out": groups.to_csv(index=False, lineterminator="\n")}
    if args.maybe:
        table = maybe_table(frame, result.maybe)
        texts["--maybe"] = table.to_csv(index=False, lineterminator="\n")
    for option, text in texts.items():
        _write_output(outputs[option], option, text)
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

    config = _config(args)
    outputs = _outputs(config)
    if args.out is None:  # the included studies of a version are kept with its report
        kept = state_dir(config) if args.what == "included" else None
        count = reference_export.write_exports(outputs, args.what, kept)
        files = ", ".join(str(outputs / p) for p in reference_export.WHAT[args.what].values())
        print(f"{count} studies ({args.what}) -> {files}")
        return 0
    out = Path(args.out)
    _check_outputs(reference_export.inputs_of(outputs, args.what), {"--out": out})
    studies = reference_export.studies_of(outputs, args.what)
    _write_output(out, "--out", reference_export.export_text(studies, args.format))
    print(f"{len(studies)} studies ({args.what}) as {args.format} -> {out}")
    return 0


def _check_outputs(sources: Sequence[Path], outputs: dict[str, Path]) -> None:
    """Before any work: each output is a plain file name (the atomic write would replace a link
    or device), and none is an input or another output."""
    seen: dict[Path, str] = {source.resolve(): "the input" for source in sources}
    for option, path in outputs.items():
        if path.is_symlink() or (path.exists() and not path.is_file()):
            kind = "a folder" if path.is_dir() else "a link or device, not a plain file"
            raise LivingReviewError(f"{path}: {option} is {kind}; give a file name")
        earlier = seen.setdefault(path.resolve(), option)
        if earlier != option:
            raise LivingReviewError(f"{path}: {option} would overwrite {earlier}; use another name")


def _write_output(path: Path, option: str, text: str) -> None:
    """Write a standalone command's output file atomically; a failure is one line naming it."""
    from livingreview.fileio import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise LivingReviewError(f"{path}: cannot write {option} ({exc.strerror or exc})") from None


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

    config = _config(args)
    ledger = run_ledger(config)
    latest = ledger["rounds"][-1]
    print(
        f"round {ledger['round']}: PRISMA counts checked across {len(ledger['rounds'])} round(s), "
        f"{len(ledger['pending'])} stage(s) pending -> {_outputs(config) / 'prisma'}"
        f" (latest: {latest['label']})"
    )
    for line in ledger["warnings"]:
        log.warning("%s", line)
    return 0


class _VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
            help="show the version and exit",
        )  # fmt: skip

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"livingreview {livingreview.__version__}")  # on stdout, as argparse's own does
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    summary = __doc__.splitlines()[0].replace("``", "")  # the docstring's markup is not for --help
    parser = argparse.ArgumentParser(prog="livingreview", description=summary)
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="log only warnings and errors (the result line still prints)",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--configfile",
        nargs="+",
        default=DEFAULT_CONFIG,
        metavar="FILE",
        help="protocol file(s), later ones override earlier ones (default: config/config.yaml)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check-config", parents=[common], help="validate the review protocol")
    p.set_defaults(func=cmd_check_config)

    p = sub.add_parser("search", parents=[common], help="run one configured API search")
    p.add_argument("source", help="name under sources: in the config")
    p.add_argument("--out-dir", help="output folder (default: <outputs>/search/SOURCE)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("import", parents=[common], help="import database export files")
    p.add_argument("files", nargs="*", metavar="FILE", help="export files (standalone mode)")
    p.add_argument("--out", help="record file to write (standalone mode)")
    p.add_argument(
        "--source",
        default="import",
        help="source of every FILE's records and their ids (default: import); one per database",
    )
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", *FORMATS],
    )
    p.add_argument("--name", help="a configured import (imports.NAME) instead of FILEs")
    p.add_argument("--out-dir", help="output folder for --name (default: <outputs>/search/NAME)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("summarise", parents=[common], help="write the PRISMA-S search summary")
    p.set_defaults(func=cmd_summarise)

    p = sub.add_parser(
        "library",
        parents=[common],
        help="deduplicate this round against the library; write studies and maybe-pair sheets",
    )
    p.add_argument(
        "--identified", help="record file of this round (default: <outputs>/search/identified.csv)"
    )
    p.set_defaults(func=cmd_library)

    p = sub.add_parser(
        "refetch",
        parents=[common],
        help="ask a service again, by PMID or DOI, about the studies of earlier rounds",
    )
    p.add_argument("service", choices=["pubmed", "crossref", "openalex"])
    p.set_defaults(func=cmd_refetch)

    p = sub.add_parser(
        "open-access",
        parents=[common],
        help="ask a service, by DOI, for open-access copies of the reports sought at full text "
        "(full_text.open_access)",
    )
    p.add_argument("service", choices=["openalex"])
    p.set_defaults(func=cmd_open_access)

    p = sub.add_parser(
        "flags",
        parents=[common],
        help="flag library records retracted, corrected or under concern (library/flags.csv)",
    )
    p.set_defaults(func=cmd_flags)

    p = sub.add_parser("where", parents=[common], help="print where the outputs are")
    p.set_defaults(func=cmd_where)

    p = sub.add_parser(
        "status",
        parents=[common],
        help="a step the last run failed on, what each stage has done, what is awaited from whom",
    )
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("round", help="rounds of the living review")
    rounds = p.add_subparsers(dest="round_command", required=True, metavar="COMMAND")
    p = rounds.add_parser(
        "new", parents=[common], help="start the next round (version, search window) in rounds.yaml"
    )
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
    p.set_defaults(func=cmd_round_new)

    p = sub.add_parser(
        "report", parents=[common], help="render the evidence summary and reporting checklist"
    )
    p.add_argument(
        "--out-dir",
        help="write the report to this folder only, as a preview: the version's kept copy in "
        "the history folder is left as it is (default: <outputs>/report, and keep the copy)",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "automation",
        parents=[common],
        help="exclude library studies by the protocol's publication type, language and year limits",
    )
    p.set_defaults(func=cmd_automation)

    p = sub.add_parser(
        "agreement", parents=[common], help="percent agreement, Cohen's kappa and PABAK"
    )
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser(
        "conflicts",
        parents=[common],
        help="final screening decisions by the protocol's rule; write the conflicts sheet",
    )
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser(
        "screen",
        parents=[common],
        help="import returned title/abstract screening sheets; write this round's sheets",
    )
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser(
        "fulltext",
        parents=[common],
        help="import returned full-text sheets; decide reports; write this round's sheets",
    )
    p.set_defaults(func=cmd_fulltext)

    p = sub.add_parser(
        "extract",
        parents=[common],
        help="import returned data-extraction forms; write studies.csv and the forms",
    )
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser(
        "appraise",
        parents=[common],
        help="import returned risk-of-bias forms; write robvis tables, plots and the forms",
    )
    p.set_defaults(func=cmd_appraise)

    p = sub.add_parser("build-demo", help="rebuild the demo snapshot from real facts")
    p.add_argument(
        "--facts", default="../shared/data/dta/records.csv", help="CSV of real bibliographic facts"
    )
    p.add_argument(
        "--out",
        default="demo",
        help="demo folder of a checkout (reads its config.yaml, ../config/config.yaml)",
    )
    p.set_defaults(func=cmd_build_demo)

    p = sub.add_parser(
        "build-demo-human", help="rebuild the demo's illustrative returned sheets from real facts"
    )
    p.add_argument(
        "--facts", default="../shared/data/dta/records.csv", help="CSV of real screening facts"
    )
    p.add_argument("--out", default="demo", help="demo folder whose human/ sheets to (re)write")
    p.set_defaults(func=cmd_build_demo_human)

    from livingreview.prisma.layouts import LAYOUTS

    p = sub.add_parser("prisma", help="draw a PRISMA 2020 flow diagram from a PRISMA CSV")
    p.add_argument("file", metavar="FILE.csv", help="PRISMA2020 package or livingPRISMAflow CSV")
    p.add_argument(
        "--out", required=True, metavar="PATH", help="output .svg, .png, .pdf, .html (or .csv)"
    )
    p.add_argument("--layout", default="auto", choices=list(LAYOUTS), help="living layout")
    p.add_argument("--title", default="", help="title above the diagram")
    p.add_argument(
        "--rounds", metavar="ROUNDS.csv", help="check FILE's columns are sums of these rounds"
    )
    p.set_defaults(func=cmd_prisma)

    p = sub.add_parser(
        "ledger", parents=[common], help="PRISMA counts ledger and flow diagrams from the outputs"
    )
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("dedup", help="find duplicate records in a standalone CSV")
    p.add_argument(
        "input", metavar="INPUT", help="CSV (also .gz/.bz2/.xz): ID, title, author, year, ..."
    )
    p.add_argument("--out", required=True, metavar="GROUPS.csv", help="ID,group_id per record")
    p.add_argument("--maybe", metavar="MAYBE.csv", help="write the maybe pairs side by side")
    p.set_defaults(func=cmd_dedup)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="the library or the included studies as RIS or BibTeX for a reference manager",
    )
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
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("simulate", help="replay a labelled screening dataset through the ranker")
    p.add_argument("data", metavar="DATA.csv", help="CSV with title, abstract, label_included")
    p.add_argument("--out", required=True, metavar="ORDER.csv", help="record_id,label,prior rows")
    p.add_argument("--seed", type=_int_from(0), default=0, help="seed: priors and model")
    p.add_argument("--prior-included", type=_int_from(0), default=1, metavar="N", help="includes")
    p.add_argument("--prior-excluded", type=_int_from(0), default=1, metavar="N", help="excludes")
    p.add_argument("--batch-size", type=_int_from(1), default=10, metavar="K", help="per refit")
    p.add_argument(
        "--all",
        action="store_true",
        help="screen every record (default: stop at the last relevant one, as asreview simulate)",
    )
    p.set_defaults(func=cmd_simulate)

    from livingreview.rob import TOOL_NAMES

    p = sub.add_parser("rob", help="risk of bias: robvis-format tables and plots")
    rob = p.add_subparsers(dest="rob_command", required=True, metavar="ACTION")
    p = rob.add_parser("plot", help="validate a robvis-format table and plot it (SVG/PNG)")
    p.add_argument("table", metavar="TABLE", help="CSV or .xlsx: Study, domains, Overall, Weight")
    p.add_argument("--tool", required=True, choices=TOOL_NAMES, help="the table's tool")
    p.add_argument(
        "--out", required=True, metavar="PATH", help="FILE.svg or FILE.png, or a folder for all"
    )
    p.add_argument("--kind", choices=["traffic-light", "summary"], default="traffic-light")
    p.add_argument("--palette", choices=["cochrane", "colourblind"], default="cochrane")
    p.add_argument("--weighted", action="store_true", help="summary weighted by Weight")
    p.set_defaults(func=cmd_rob_plot)
    return parser


LOG_FORMAT = "%(name)s: %(message)s"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``livingreview`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=log_level(args), format=LOG_FORMAT, stream=sys.stderr)
    from livingreview.steps import run_recorded  # a pipeline step's failure is recorded

    try:
        code = run_recorded(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`livingreview status | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    return code


def log_level(args: argparse.Namespace) -> int:
    """The logging level the command line asks for."""
    return logging.WARNING if args.quiet else logging.INFO


def run_parsed(args: argparse.Namespace) -> int:
    """Run a parsed command; a package error becomes one line on stderr and its exit code, a
    file that cannot be read or written one line naming it (exit 2)."""
    try:
        return int(args.func(args))
    except LivingReviewError as exc:
        print(f"livingreview: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        raise  # stdout's reader went away: :func:`main` stops quietly
    except OSError as exc:  # a file the step cannot read or write: say which and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"livingreview: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("livingreview: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
