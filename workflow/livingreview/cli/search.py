"""Searching and importing: check the protocol, run a search, import exports, summarise them."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import livingreview
from livingreview.cli.common import (
    Subcommands,
    add_command,
    check_outputs,
    config_of,
    outputs_of,
    write_output,
)
from livingreview.errors import LivingReviewError
from livingreview.import_formats import FORMATS

#: the files a standalone import read (``-q`` leaves them out), as a configured import logs them
IMPORT_LOG = logging.getLogger("livingreview.import")


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate the protocol and print what it would search, and which exports it names are not
    in the human-input folder yet (a pipeline run stops on the first)."""
    from livingreview.config import enabled_imports, enabled_sources
    from livingreview.importing import missing_files

    config = config_of(args)
    print(f"config OK: {config['review']['title']} (version {config['review']['version']})")
    print(f"  searches: {', '.join(enabled_sources(config)) or 'none'}")
    print(f"  imports:  {', '.join(enabled_imports(config)) or 'none'}")
    print(f"  search mode: {config['search']['mode']}")
    for error in missing_files(config):
        print(f"  not there yet: {error}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Run one configured API search."""
    from livingreview.search import run_search

    config = config_of(args)
    out = Path(args.out_dir) if args.out_dir else outputs_of(config) / "search" / args.source
    state = outputs_of(config) / ".pacing"
    manifest = run_search(config, args.source, out, state_dir=state)
    print(
        f"{args.source}: {manifest['retrieved']} of {manifest['reported_total']} records -> {out}"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import export files standalone (FILE... --out) or a configured import (--name)."""
    if args.name:
        from livingreview.importing import run_import

        config = config_of(args)
        out = Path(args.out_dir) if args.out_dir else outputs_of(config) / "search" / args.name
        manifest = run_import(config, args.name, out)
        belongs = manifest["imported_in"]
        print(f"{args.name}: {manifest['retrieved']} records -> {out} (round {belongs}'s search)")
        return 0
    if not args.files or not args.out:
        raise LivingReviewError("import: give FILE... --out records.csv, or --name IMPORT")
    from livingreview.imports import import_file
    from livingreview.records import Record, assign_ids, records_to_csv

    out = Path(args.out)
    check_outputs([Path(file) for file in args.files], {"--out": out})
    records: list[Record] = []
    for file in args.files:
        result = import_file(file, source=args.source, fmt=args.format)
        IMPORT_LOG.info(
            "%s: %d records (%s, %s)", file, len(result.records), result.format, result.encoding
        )
        records.extend(result.records)
    write_output(out, "--out", records_to_csv(assign_ids(args.source, records)))
    print(f"{len(records)} records -> {args.out}")
    return 0


def cmd_summarise(args: argparse.Namespace) -> int:
    """Write the PRISMA-S search summary and the combined file of identified records."""
    from livingreview.config import enabled_imports, enabled_sources
    from livingreview.import_rounds import round_of
    from livingreview.importing import check_import_current
    from livingreview.prisma_s import deduplication_method, read_manifest, write_summary

    config = config_of(args)
    search_dir = outputs_of(config) / "search"
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


def add_commands(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add check-config, search, import and summarise; ``common`` holds --configfile."""
    add_command(sub, "check-config", "validate the review protocol", cmd_check_config, common)

    p = add_command(sub, "search", "run one configured API search", cmd_search, common)
    p.add_argument("source", help="name under sources: in the config")
    p.add_argument("--out-dir", help="output folder (default: <outputs>/search/SOURCE)")

    p = add_command(sub, "import", "import database export files", cmd_import, common)
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
        help="the files' format (default: %(default)s: recognised from each file)",
    )
    p.add_argument("--name", help="a configured import (imports.NAME) instead of FILEs")
    p.add_argument("--out-dir", help="output folder for --name (default: <outputs>/search/NAME)")

    add_command(sub, "summarise", "write the PRISMA-S search summary", cmd_summarise, common)
