"""Scale benchmark: the real pipeline on a replayed 100,000-record search.

In a temporary working directory, builds Europe PMC raw-response archives (``index.jsonl``,
paged JSON bodies of 1,000 records, ``meta.json``) from the labelled deduplication benchmark
records in ``../shared/bench/dedup/*/records.csv.gz`` (real bibliographic records with their real
duplicates). The records are spread over four replayed searches (the members of a gold duplicate
group go to different searches, as duplicates come from different databases: one database does
not list a study twice). The protocol is the shipped one with these searches instead of its
sources and no database exports; the repository's Snakefile runs stage by stage, each stage its
own Snakemake invocation with the stage's rules or files as targets. No returned sheets exist, so
screening writes this round's sheets and stops; the later stages write empty outputs.

Each stage runs in a fresh measuring subprocess (``bench/replay_pipeline.py``) so that its
peak memory is the largest max RSS of that Snakemake run and its jobs; two jobs may run at once
with ``--cores 2``, so the machine's peak can be up to twice the largest. The last row re-runs
everything with nothing changed.

Run: ``nice .venv/bin/python bench/scale.py [--records 100000] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from replay_pipeline import (
    SEARCHES,
    bench_config,
    benchmark_records,
    in_workdir,
    run_stage,
    write_archives,
    write_config,
)

TARGET_SECONDS, TARGET_GB, TARGET_RERUN = 300, 4.0, 10
STAGES: list[tuple[str, list[str]]] = [
    ("searches (replay)", [f"outputs/search/{name}/records.csv" for name in SEARCHES]),
    ("search summary", ["search_summary"]),
    ("dedup (library)", ["library"]),
    ("automation exclusions", ["automation"]),
    ("screening sheets", ["screening"]),
    ("later stages (empty)", ["agreement", "conflicts", "fulltext", "extraction", "appraisal"]),
    # after the stages the re-fetch waits on (it asks again for the studies still in review)
    ("flags + re-fetch", ["flags"]),
    ("prisma + report", ["all"]),
]


def run(workdir: Path, total: int) -> list[tuple[str, dict[str, float]]]:
    """Build the review in ``workdir`` and time every stage, then a no-change re-run."""
    config = bench_config(workdir / "replay")
    config_file = write_config(config, workdir / "protocol.yaml")
    began = time.perf_counter()
    found: list[list[dict[str, str]]] = [[] for _ in SEARCHES]
    for record in benchmark_records(total):
        found[record.search].append(record.row)
    written = write_archives(config, workdir / "replay", found)
    print(
        f"replay archives: {sum(written)} records ({', '.join(map(str, written))}) "
        f"in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    rows = []
    for name, targets in [*STAGES, ("no-change re-run", ["all"])]:
        rows.append((name, run_stage(workdir, config_file, targets)))
        print(f"  {name}: {rows[-1][1]['seconds']:.1f} s", flush=True)
    return rows


def report(rows: list[tuple[str, dict[str, float]]], total: int) -> None:
    """The table and whether the targets are met."""
    print(f"\n{total:,} records, {os.cpu_count()} CPUs")
    print(f"| {'stage':<24} | {'seconds':>8} | {'peak MB':>8} |")
    print(f"|{'-' * 26}|{'-' * 10}|{'-' * 10}|")
    for name, result in rows:
        print(f"| {name:<24} | {result['seconds']:>8.1f} | {result['peak_mb']:>8.0f} |")
    stages = rows[:-1]
    whole = sum(r["seconds"] for _, r in stages)
    peak_gb = max(r["peak_mb"] for _, r in stages) / 1024
    rerun = rows[-1][1]["seconds"]
    print(f"| {'whole run':<24} | {whole:>8.1f} | {peak_gb * 1024:>8.0f} |")
    for label, value, limit, unit in (
        ("whole run", whole, TARGET_SECONDS, "s"),
        ("peak memory", peak_gb, TARGET_GB, "GB"),
        ("no-change re-run", rerun, TARGET_RERUN, "s"),
    ):
        verdict = "met" if value < limit else "NOT met"
        print(f"target {label} < {limit} {unit}: {value:.1f} {unit} ({verdict})")


def main() -> int:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    args = parser.parse_args()
    rows = in_workdir(args.keep, "livingreview-scale-", lambda d: run(d, args.records))
    report(rows, args.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
