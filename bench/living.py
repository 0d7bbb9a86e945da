"""Living-review benchmark: an update round against a 20,000-record library versus a full re-run.

Round 1 replays four Europe PMC searches of 20,000 real records (the labelled deduplication
benchmark sets with their real duplicates; see ``bench/replay_pipeline.py``) through the whole
pipeline, screening sheets included; both screeners then return their round-1 sheets (every
study decided, one in fifty included, so full text awaits those) and the pipeline runs again,
as a team finishes screening a round before starting the next. ``livingreview round new``
then starts round 2 (window 2024-11-18 to 2025-06-02, the previous search minus the protocol's
7-day overlap), whose searches return 500 records: 400 never seen (the next benchmark records,
with their real duplicates, some of them of round-1 records), 60 round-1 records returned again
by the same search (the overlap) and 40 returned by another search (indexed late there). The
**update** runs the pipeline on round 2. The **full** re-run starts from nothing (no outputs, no
history) with one round whose searches return everything both rounds' searches returned
(20,440 records: a record both rounds of one search return is one record) and no returned
sheet (a new review; its sheets list every study).

Each is one Snakemake run of the whole pipeline (how a team runs it), measured for wall time, CPU
time (user + system of the run and its jobs: less sensitive than wall time to other work on the
machine) and peak memory (largest max RSS of one process). Per stage, every ``livingreview``
command the run starts records its own wall time, CPU time and peak RSS
(``bench/timing/sitecustomize.py``); a stage's row sums its commands (jobs may run two at once),
and Snakemake's own CPU time is the run's minus its commands'. Checks after the runs: the update
groups the records into exactly the studies the full run finds, no round-1 study id disappears
without a changelog entry (merge or split), and the round-2 sheets hold only studies never seen.

Run: ``nice .venv/bin/python bench/living.py [--records 20000] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from livingreview.config import load_config
from replay_pipeline import (
    RAN_AT,
    SEARCHES,
    BenchRecord,
    bench_config,
    benchmark_records,
    in_workdir,
    run_cli,
    run_stage,
    write_archives,
    write_config,
)

TIMING = Path(__file__).resolve().parent / "timing"
NEW, SEEN_SAME, SEEN_OTHER = 400, 60, 40
OTHER = "other"
# The pipeline's stages and the `livingreview` commands their rules run.
STAGE_OF = {
    "search": "searches (replay)", "import": "searches (replay)",
    "summarise": "search summary",
    "library": "dedup (library)",
    "refetch": "flags (+ refetch)", "flags": "flags (+ refetch)",
    "automation": "automation exclusions",
    "screen": "screening sheets",
    "agreement": "later stages", "conflicts": "later stages", "fulltext": "later stages",
    "extract": "later stages", "appraise": "later stages",
    "ledger": "prisma + report", "report": "prisma + report",
    OTHER: OTHER,
}  # fmt: skip
ROUND_TWO_TO = "2025-06-02"
ROUND_TWO_RAN_AT = "2025-06-02T15:00:00+00:00"
INCLUDE_EVERY = 50  # round-1 screeners include one study in this many, exclude the rest
TARGET_RATIO = 5
Found = list[list[dict[str, str]]]
Measures = dict[str, float]


def split_rounds(round_one: int) -> tuple[Found, Found]:
    """What each search returns in round 1 and in round 2 (see the module docstring)."""
    records = list(benchmark_records(round_one + NEW))
    first, fresh = records[:round_one], records[round_one:]
    found_one: Found = [[] for _ in SEARCHES]
    found_two: Found = [[] for _ in SEARCHES]
    for record in first:
        found_one[record.search].append(record.row)
    for record in fresh:
        found_two[record.search].append(record.row)
    step = max(len(first) // (SEEN_SAME + SEEN_OTHER), 1)
    again = first[::step]
    for record in again[:SEEN_SAME]:
        found_two[record.search].append(record.row)
    # Another database returns a record late: never one in a gold group, since a database does
    # not list two records of one study (the same-source rule would keep them apart).
    late: list[BenchRecord] = [r for r in again[SEEN_SAME:] if not r.grouped]
    late += [r for r in first[1::step] if not r.grouped][: SEEN_OTHER - len(late)]
    for record in late[:SEEN_OTHER]:
        found_two[(record.search + 1) % len(SEARCHES)].append(record.row)
    return found_one, found_two


def union(found_one: Found, found_two: Found) -> Found:
    """Every record either round's search returned, once per search."""
    merged: Found = []
    for one, two in zip(found_one, found_two, strict=True):
        ids = {row["ID"] for row in one}
        merged.append(one + [row for row in two if row["ID"] not in ids])
    return merged


def loaded(workdir: Path, config_file: Path) -> dict[str, Any]:
    """The protocol as the pipeline sees it in ``workdir`` (its current round applied)."""
    with contextlib.chdir(workdir):
        return load_config([config_file])


def prepare(workdir: Path, config: dict[str, Any], found: Found, ran_at: str) -> Path:
    """A new review folder with its protocol and replay archives; returns the protocol file."""
    workdir.mkdir(parents=True)
    config_file = write_config(config, workdir / "protocol.yaml")
    written = write_archives(loaded(workdir, config_file), workdir / "replay", found, ran_at)
    print(f"  {workdir.name}: {sum(written):,} records ({', '.join(map(str, written))})")
    return config_file


def timed_run(workdir: Path, config_file: Path, label: str) -> tuple[Measures, list[Measures]]:
    """The whole pipeline in ``workdir`` as one Snakemake run; returns its measures and those
    of every ``livingreview`` command it ran (``command`` is the subcommand)."""
    timings = workdir / f"timings-{label}.jsonl"
    path = os.pathsep.join(p for p in (str(TIMING), os.environ.get("PYTHONPATH", "")) if p)
    env = {"PYTHONPATH": path, "LIVINGREVIEW_BENCH_TIMINGS": str(timings)}
    whole = run_stage(workdir, config_file, ["all"], env)
    jobs = []
    for line in timings.read_text(encoding="utf-8").splitlines():
        job = json.loads(line)
        jobs.append({**job, "command": job["command"][0] if job["command"] else ""})
    print(f"  {label}: {whole['seconds']:.1f} s, {len(jobs)} commands", flush=True)
    return whole, jobs


def by_stage(jobs: list[Measures]) -> dict[str, Measures]:
    """Commands summed per stage (peak: the largest), in pipeline order."""
    rows: dict[str, Measures] = {name: {"jobs": 0, "seconds": 0.0, "cpu": 0.0, "peak_mb": 0.0}
                                 for name in dict.fromkeys(STAGE_OF.values())}  # fmt: skip
    for job in jobs:
        row = rows.setdefault(STAGE_OF.get(job["command"], job["command"]), dict(rows[OTHER]))
        row["jobs"] += 1
        row["seconds"] += job["seconds"]
        row["cpu"] += job["cpu"]
        row["peak_mb"] = max(row["peak_mb"], job["peak_mb"])
    return rows


def groups(workdir: Path) -> dict[str, str]:
    """``record_id -> study_id`` of a run's library."""
    with (workdir / "outputs/library/groups.csv").open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["study_id"] for row in csv.DictReader(handle)}


def partition(study_of: dict[str, str]) -> set[frozenset[str]]:
    """The studies as sets of record ids (study ids differ between independent runs)."""
    members: dict[str, set[str]] = {}
    for rid, sid in study_of.items():
        members.setdefault(sid, set()).add(rid)
    return {frozenset(rids) for rids in members.values()}


def sheet_studies(workdir: Path, round_number: int) -> set[str]:
    """Study ids on the round's screening sheets (every reviewer's)."""
    import openpyxl

    found: set[str] = set()
    folder = workdir / "outputs/screening/title_abstract"
    for sheet in sorted(folder.glob(f"title_abstract_round{round_number}_*.xlsx")):
        rows = list(openpyxl.load_workbook(sheet, read_only=True)["Screening"].values)
        column = list(rows[0]).index("study_id")
        found.update(row[column] for row in rows[1:] if row[column])
    return found


def return_round_one(workdir: Path, config_file: Path) -> None:
    """Both screeners' round-1 sheets, every study decided, saved in the returned-sheets folder."""
    import io

    import openpyxl

    from livingreview import sheets

    config = loaded(workdir, config_file)
    reason = config["exclusion_reasons"]["title_abstract"][0]["id"]
    returned = workdir / sheets.returned_folder(config, "screening", "folder")
    returned.mkdir(parents=True, exist_ok=True)
    blanks = sorted((workdir / "outputs/screening/title_abstract").glob("*_round1_*.xlsx"))
    for blank in blanks:
        book = openpyxl.load_workbook(blank)
        sheet = book["Screening"]
        header = {str(c.value): c.column for c in sheet[1] if c.value is not None}
        for number in range(2, sheet.max_row + 1):
            study = str(sheet.cell(row=number, column=header["study_id"]).value or "")
            if not study:
                continue
            include = sum(map(ord, study)) % INCLUDE_EVERY == 0
            cell = sheet.cell(row=number, column=header["decision"])
            sheets.set_text(cell, "include" if include else "exclude")
            if not include:
                sheets.set_text(sheet.cell(row=number, column=header["reason"]), reason)
        buffer = io.BytesIO()
        book.save(buffer)
        (returned / blank.name).write_bytes(buffer.getvalue())
    print(f"  round 1: {len(blanks)} sheets returned, every study decided", flush=True)


def check(round_one: Path, update: Path, full: Path) -> list[str]:
    """The update's results against the full run's and round 1's; returns the failures."""
    problems = []
    before, after, scratch = groups(round_one), groups(update), groups(full)
    if partition(after) != partition(scratch):
        differ = partition(after) ^ partition(scratch)
        problems.append(f"update and full run group {len(differ)} studies differently")
    with (update / "outputs/library/changelog.csv").open(encoding="utf-8") as handle:
        logged = {row["other_study_id"] for row in csv.DictReader(handle)}
    gone = set(before.values()) - set(after.values()) - logged
    if gone:
        problems.append(f"{len(gone)} round-1 study ids gone without a changelog entry")
    kept = sum(after.get(rid) == sid for rid, sid in before.items())
    print(f"  round-1 records keeping their study id: {kept:,} of {len(before):,}")
    new_studies = set(after.values()) - set(before.values())
    if not sheet_studies(update, 2) <= new_studies:
        problems.append("round-2 sheets list studies seen in round 1")
    return problems


def living_config() -> dict[str, Any]:
    """The benchmark's protocol: re-fetching asks about full-text includes only (there are no
    recorded answers for the round-1 studies screening sends forward; none is included yet)."""
    config = bench_config("replay")
    config["search"]["refetch"] = {"studies": "included"}
    return config


def run(tmp: Path, round_one: int) -> dict[str, Any]:
    """Round 1, round new, then the update and, from nothing, the full re-run."""
    found_one, found_two = split_rounds(round_one)
    print("replay archives:", flush=True)
    base = tmp / "round1"
    config_file = prepare(base, living_config(), found_one, RAN_AT)
    full_config = living_config()
    full_config["search"]["date_range"] = {
        **full_config["search"]["date_range"],
        "to": ROUND_TWO_TO,
    }
    full = tmp / "full"
    full_file = prepare(full, full_config, union(found_one, found_two), ROUND_TWO_RAN_AT)
    began = time.perf_counter()
    timed_run(base, config_file, "round 1")
    return_round_one(base, config_file)
    timed_run(base, config_file, "round 1 screened")
    run_cli(base, config_file, "round", "new", "--to", ROUND_TWO_TO)
    write_archives(loaded(base, config_file), base / "replay", found_two, ROUND_TWO_RAN_AT)
    update = shutil.copytree(base, tmp / "update", symlinks=True)
    results = {
        "update": timed_run(update, config_file, "update (round 2)"),
        "full": timed_run(full, full_file, "full re-run"),
    }
    print(f"all runs: {time.perf_counter() - began:.0f} s", flush=True)
    results["problems"] = check(base, update, full)
    return results


def _cells(measures: Measures | None) -> str:
    if not measures or measures.get("jobs") == 0:
        return f"{'-':>7} | {'-':>7} | {'-':>5}"
    cells = [
        f"{measures[k]:>{w}.{d}f}"
        for k, w, d in (("seconds", 7, 1), ("cpu", 7, 1), ("peak_mb", 5, 0))
    ]
    return " | ".join(c.replace("nan", "  -") for c in cells)


def report(results: dict[str, Any], round_one: int) -> bool:
    """The table, the ratios and the checks; False when a check failed."""
    (one_up, jobs_up), (one_full, jobs_full) = results["update"], results["full"]
    print(
        f"\nlibrary of {round_one:,} records + an update of {NEW + SEEN_SAME + SEEN_OTHER} "
        f"({NEW} new, {SEEN_SAME + SEEN_OTHER} seen before), {os.cpu_count()} CPUs; "
        "s = wall seconds, cpu = CPU seconds (user + system), MB = peak RSS"
    )
    head = f"{'s':>7} | {'cpu':>7} | {'MB':>5}"
    print(f"| {'stage (commands)':<28} | update: {head} | full: {head} |")
    print(f"|{'-' * 30}|{'-' * 34}|{'-' * 32}|")
    stages_up, stages_full = by_stage(jobs_up), by_stage(jobs_full)
    for name in stages_full | stages_up:
        up, full = stages_up.get(name), stages_full.get(name)
        if not (up and up["jobs"]) and not (full and full["jobs"]):
            continue
        jobs = max(stage["jobs"] if stage else 0 for stage in (up, full))
        label = f"{name} ({jobs:.0f})"
        print(f"| {label:<28} | {'':<7} {_cells(up)} | {'':<5} {_cells(full)} |")
    own = []
    for whole, jobs in (one_up, jobs_up), (one_full, jobs_full):
        own.append({"seconds": float("nan"), "cpu": whole["cpu"] - sum(j["cpu"] for j in jobs),
                    "peak_mb": float("nan")})  # fmt: skip
    for label, up, full in (("snakemake itself", *own), ("one run (all stages)", one_up, one_full)):
        print(f"| {label:<28} | {'':<7} {_cells(up)} | {'':<5} {_cells(full)} |")
    for key, label in (("seconds", "wall"), ("cpu", "CPU")):
        ratio = one_up[key] / one_full[key]
        verdict = "met" if ratio < 1 / TARGET_RATIO else "NOT met"
        print(f"update / full, {label} time: {ratio:.3f} (target < 1/{TARGET_RATIO}: {verdict})")
    for problem in results["problems"]:
        print(f"CHECK FAILED: {problem}")
    if not results["problems"]:
        print("checks: update groups = full run's; no study id lost unlogged; sheets new only")
    return not results["problems"]


def main() -> int:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000, help="round-1 records")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    args = parser.parse_args()
    results = in_workdir(args.keep, "livingreview-living-", lambda d: run(d, args.records))
    return 0 if report(results, args.records) else 1


if __name__ == "__main__":
    sys.exit(main())
