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

Each stage runs in a fresh measuring subprocess (this script with ``--measure``) so that its
peak memory is the largest max RSS of that Snakemake run and its jobs
(``resource.getrusage(RUSAGE_CHILDREN)``); two jobs may run at once with ``--cores 2``, so the
machine's peak can be up to twice the largest. The last row re-runs everything with nothing
changed.

Run: ``nice .venv/bin/python bench/scale.py [--records 100000] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.pipeline import OFFLINE_ENV  # noqa: E402  (services point at a closed local port)

from livingreview.archive import RawArchive  # noqa: E402
from livingreview.http import Response  # noqa: E402
from livingreview.search import build_spec  # noqa: E402
from livingreview.sources.europepmc import build_query  # noqa: E402

DATA = (REPO / ".." / "shared" / "bench" / "dedup").resolve()
SOURCE = "europepmc"
SEARCHES = [f"{SOURCE}_{n}" for n in range(1, 5)]
PAGE = 1000
RAN_AT = "2024-11-25T15:00:00+00:00"
TARGET_SECONDS, TARGET_GB, TARGET_RERUN = 300, 4.0, 10
PUB_TYPES = {"article": "Journal Article", "inproceedings": "Conference Paper"}
STAGES: list[tuple[str, list[str]]] = [
    ("searches (replay)", [f"outputs/search/{name}/records.csv" for name in SEARCHES]),
    ("search summary", ["search_summary"]),
    ("dedup (library)", ["library"]),
    ("flags", ["flags"]),
    ("automation exclusions", ["automation"]),
    ("screening sheets", ["screening"]),
    ("later stages (empty)", ["agreement", "conflicts", "fulltext", "extraction", "appraisal"]),
    ("prisma + report", ["all"]),
]


def gold_positions(set_dir: Path) -> dict[str, int]:
    """Position of each record in its gold duplicate group (records not listed are absent)."""
    lines = (set_dir / "merged_record_ids.csv").read_text(encoding="utf-8").splitlines()
    positions = {}
    for line in lines[1:]:
        members = [m.strip() for m in line.strip().strip('"').split(";") if m.strip()]
        positions.update((member, n) for n, member in enumerate(members))
    return positions


def benchmark_rows(limit: int) -> Iterator[tuple[int, dict[str, str]]]:
    """Up to ``limit`` records of every labelled set (largest first), each with its search."""
    sets = sorted(DATA.glob("*/records.csv.gz"), key=lambda p: -p.stat().st_size)
    if not sets:
        raise SystemExit(f"bench: no records.csv.gz under {DATA}")
    taken = 0
    for path in sets:
        positions = gold_positions(path.parent)
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, restval=""):
                if taken == limit:
                    return
                taken += 1
                search = positions.get(row["ID"], zlib.crc32(row["ID"].encode()))
                yield search % len(SEARCHES), {**row, "ID": f"{path.parent.name}-{row['ID']}"}


def as_result(row: dict[str, str]) -> dict[str, Any]:
    """One benchmark record as a Europe PMC ``core`` result (SRA sets lack some columns)."""
    authors = [a.strip() for a in row.get("author", "").split(" and ") if a.strip()]
    return {
        "id": row.get("ID", ""),
        "title": row.get("title", ""),
        "authorList": {"author": [{"fullName": a} for a in authors]},
        "journalInfo": {
            "volume": row.get("volume", ""),
            "issue": row.get("number", ""),
            "journal": {"title": row.get("journal", ""), "issn": row.get("isbn", "")},
        },
        "pubYear": row.get("year", ""),
        "pageInfo": row.get("pages", ""),
        "abstractText": row.get("abstract", ""),
        "doi": row.get("doi", ""),
        "language": "eng",
        "pubTypeList": {"pubType": [PUB_TYPES.get(row.get("ENTRYTYPE", ""), "Journal Article")]},
    }


def write_archives(config: dict[str, Any], directory: Path, total: int) -> list[int]:
    """Every replayed search, paged exactly as the Europe PMC client will request it."""
    results: list[list[dict[str, Any]]] = [[] for _ in SEARCHES]
    for search, row in benchmark_rows(total):
        results[search].append(as_result(row))
    for name, found in zip(SEARCHES, results, strict=True):
        write_archive(build_query(build_spec(config, name)), directory / name, found)
    return [len(found) for found in results]


def write_archive(query: str, directory: Path, results: list[dict[str, Any]]) -> None:
    """One search's raw-response archive: pages of :data:`PAGE` results and meta.json."""
    archive = RawArchive(directory)
    archive.reset()
    cursor = "*"
    for start in range(0, len(results), PAGE):
        body: dict[str, Any] = {"version": "6.9", "hitCount": len(results)}
        following = f"bench{start // PAGE + 1:04d}"
        if start + PAGE < len(results):
            body["nextCursorMark"] = following
        body["resultList"] = {"result": results[start : start + PAGE]}
        params = {
            "query": query, "format": "json", "resultType": "core",
            "pageSize": str(PAGE), "cursorMark": cursor,
        }  # fmt: skip
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        archive.save("GET", "search", params, Response(200, raw, "application/json", {}))
        cursor = following
    archive.write_meta(
        {"source": directory.name, "client": SOURCE, "query_sent": query, "ran_at": RAN_AT,
         "reported_total": len(results), "software_version": "bench/scale.py"}
    )  # fmt: skip


def bench_config(workdir: Path) -> dict[str, Any]:
    """The shipped protocol with the replayed Europe PMC searches and no database exports."""
    config = yaml.safe_load((REPO / "config/config.yaml").read_text(encoding="utf-8"))
    source = config["sources"][SOURCE]
    config["sources"] = {
        name: {**source, "database": f"{source['database']} ({name})", "batch_size": PAGE}
        for name in SEARCHES
    }
    config.pop("imports", None)
    config["paths"] = {"human_input": "human", "outputs": "outputs"}
    config["search"] = {**config["search"], "mode": "replay", "replay_dir": str(workdir / "replay")}
    return config


def measure(command: list[str]) -> int:
    """Run ``command``; print its wall time and its descendants' largest max RSS as JSON."""
    began = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    seconds = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kib / 1024, "code": code}))
    return code


def run_stage(workdir: Path, config_file: Path, targets: list[str]) -> dict[str, float]:
    """One Snakemake run in its own measuring process; exits with its log on failure."""
    snakemake = [
        sys.executable, "-m", "snakemake", *targets, "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), "--cores", "2", "--quiet", "all",
        "--configfile", str(config_file),
    ]  # fmt: skip
    done = subprocess.run(
        [sys.executable, __file__, "--measure", "--", *snakemake],
        cwd=workdir, env={**os.environ, **OFFLINE_ENV}, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {"code": done.returncode}
    if result["code"] != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: snakemake {' '.join(targets)} failed in {workdir}")
    return result


def run(workdir: Path, total: int) -> list[tuple[str, dict[str, float]]]:
    """Build the review in ``workdir`` and time every stage, then a no-change re-run."""
    config = bench_config(workdir)
    config_file = workdir / "protocol.yaml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (workdir / "human").mkdir(exist_ok=True)
    began = time.perf_counter()
    written = write_archives(config, workdir / "replay", total)
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
    """Parse arguments; ``--measure -- CMD`` is the internal per-stage measuring mode."""
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        return measure(sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)
        rows = run(args.keep.resolve(), args.records)
    else:
        with tempfile.TemporaryDirectory(prefix="livingreview-scale-") as tmp:
            rows = run(Path(tmp), args.records)
    report(rows, args.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
