"""Deduplication benchmark: our engine and bib-dedupe 0.11 side by side on every labelled set.

Usage: ``.venv/bin/python bench/dedup.py [--sets a,b] [--no-bib-dedupe] [--blank field,...]
[--data DIR]``

``--data`` names another folder of labelled sets laid out as ``../shared/bench/dedup/`` (one
folder per set holding ``records.csv.gz`` and ``merged_record_ids.csv``): other real searches.

``--blank`` empties the given fields in half of the records (chosen by a hash of the ID), as when
half the records come from a database that does not export them: a check that the remaining
fields alone do not merge different works (robustness, not the benchmark's own numbers).

Each (tool, set) runs in its own subprocess so that time and peak memory (max RSS of that
process or of its largest worker, from ``resource.getrusage``) are measured separately. Seconds
are wall-clock time of the deduplication itself (loading the CSV is excluded, for both tools
alike); CPU seconds (user + system, of the process and its finished workers) show the work done
when the machine is shared and wall-clock time depends on its load. Scores, per set:

* removal view (ASySD, bib-dedupe): the kept record of a predicted group is its group id record.
  For each gold group of size s (unlisted records are groups of size 1) with k kept records:
  k = 0 counts one false positive (a unique study lost) and s-1 true positives; otherwise one true
  negative, k-1 false negatives and s-k true positives;
* pairwise precision/recall over all within-group pairs;
* maybe pairs sent to a person, and the sensitivity and studies lost once a person has answered
  every maybe pair as the gold labels do (what the review gets after the maybe sheet).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import zlib
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = (REPO / ".." / "shared" / "bench" / "dedup").resolve()
# The engine of this tree, not the one installed in the environment: a git archive of another
# commit measures its own code.
sys.path.insert(0, str(REPO / "workflow"))


def load_gold(set_dir: Path, ids: list[str]) -> dict[str, str]:
    """Gold group of every record: listed groups keep their first id, others are singletons."""
    gold = {i: i for i in ids}
    lines = (set_dir / "merged_record_ids.csv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        # quotes are dropped wherever they stand (srsr has '"id_a;id_b";id_c' for one group)
        members = [m.strip() for m in line.replace('"', "").split(";") if m.strip()]
        for m in members:
            gold[m] = members[0]
    return gold


def score(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Removal-view and pairwise scores of ``predicted`` (ID -> group id) against ``gold``."""
    kept = {i for i, g in predicted.items() if i == g}
    members: dict[str, list[str]] = defaultdict(list)
    for i, g in gold.items():
        members[g].append(i)
    tp = fp = fn = tn = 0
    for group in members.values():
        s, k = len(group), sum(1 for i in group if i in kept)
        if k == 0:
            fp += 1
            tp += s - 1
        else:
            tn += 1
            fn += k - 1
            tp += s - k
    gold_pairs = _pairs(gold)
    pred_pairs = _pairs(predicted)
    both = len(gold_pairs & pred_pairs)
    return {
        "sensitivity": tp / (tp + fn) if tp + fn else 1.0,
        "specificity": tn / (tn + fp) if tn + fp else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "pair_precision": both / len(pred_pairs) if pred_pairs else 1.0,
        "pair_recall": both / len(gold_pairs) if gold_pairs else 1.0,
    }


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for i, g in groups.items():
        members[g].append(i)
    out: set[tuple[str, str]] = set()
    for group in members.values():
        out.update(combinations(sorted(group), 2))
    return out


def answer_maybes(
    groups: dict[str, str], maybe: list[tuple[str, str]], gold: dict[str, str]
) -> dict[str, str]:
    """The groups once a person has answered every maybe pair as the gold labels do: the pairs
    of one gold study join their two groups (each group keeps its smallest ID as group id)."""
    parent = {g: g for g in set(groups.values())}

    def root(g: str) -> str:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for a, b in maybe:
        if a in groups and b in groups and gold[a] == gold[b]:
            ra, rb = root(groups[a]), root(groups[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {i: root(g) for i, g in groups.items()}


def hashed_share(frame, parts: int):
    """Whether each record's ID hashes to a multiple of ``parts`` (one record in ``parts``)."""
    return frame["ID"].map(lambda i: zlib.crc32(str(i).encode()) % parts == 0)


def blank_half(frame, fields: list[str]):
    """``frame`` with ``fields`` emptied in the records whose ID hashes to an even number."""
    half = hashed_share(frame, 2)
    frame = frame.copy()
    for name in fields:
        frame.loc[half, name] = ""
    return frame


def _load(set_dir: Path, blank: list[str]):
    from livingreview.dedup.engine import read_engine_csv

    return blank_half(read_engine_csv(set_dir / "records.csv.gz"), blank)


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_ours(set_dir: Path, blank: list[str]) -> dict:
    """Our engine on one set (in this process)."""
    from livingreview.dedup.engine import find_duplicates

    frame = _load(set_dir, blank)
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = find_duplicates(frame)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    pairs = [(v.a, v.b) for v in result.maybe]
    return {"groups": result.groups, "maybe": pairs, "seconds": seconds, "cpu": cpu}


def run_bib_dedupe(set_dir: Path, blank: list[str]) -> dict:
    """bib-dedupe 0.11 on one set: prep -> block -> match -> cluster (in this process)."""
    import pandas as pd
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    frame = pd.read_csv(set_dir / "records.csv.gz", dtype=str, keep_default_na=False)
    frame = blank_half(frame, [name for name in blank if name in frame.columns])
    start, cpu = time.perf_counter(), _cpu_seconds()
    matched = match(block(prep(frame, verbosity_level=0), verbosity_level=0), verbosity_level=0)
    clusters = cluster(matched, verbosity_level=0)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    groups = {i: i for i in frame["ID"]}
    for members in clusters:
        first = min(members)
        for m in members:
            groups[m] = first
    asked = matched[matched["duplicate_label"] == "maybe"] if len(matched) else matched
    pairs = list(zip(asked["ID_1"], asked["ID_2"], strict=True)) if len(asked) else []
    return {"groups": groups, "maybe": pairs, "seconds": seconds, "cpu": cpu}


def worker(tool: str, set_dir: Path, blank: list[str]) -> None:
    """Run one tool on one set and print one JSON line of results."""
    run = run_ours if tool == "ours" else run_bib_dedupe
    result = run(set_dir, blank)
    gold = load_gold(set_dir, list(result["groups"]))
    metrics = score(gold, result["groups"])
    answered = score(gold, answer_maybes(result["groups"], result["maybe"], gold))
    # bib-dedupe works in a process pool: the peak is that of the largest process, this one or
    # a worker (ru_maxrss of children is the largest single child, not their sum).
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(
        json.dumps(
            {
                "records": len(result["groups"]),
                "maybe": len(result["maybe"]),
                "answered_sensitivity": answered["sensitivity"],
                "answered_fp": answered["fp"],
                "seconds": result["seconds"],
                "cpu_seconds": result["cpu"],
                "peak_mb": peak_kb / 1024,
                **metrics,
            }
        )
    )


def _run(tool: str, data: Path, name: str, blank: str) -> dict | None:
    command = [sys.executable, __file__, "--worker", tool, "--sets", name, "--blank", blank]
    proc = subprocess.run(
        [*command, "--data", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print(f"{tool} on {name} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(name: str, tool: str, r: dict | None) -> str:
    if r is None:
        return f"| {name} | {tool} | failed |" + " |" * 10
    return (
        f"| {name} | {tool} | {r['records']:,} | {r['sensitivity']:.4f} | {r['specificity']:.4f}"
        f" | {r['fp']} | {r['fn']} | {r['pair_precision']:.4f} | {r['pair_recall']:.4f}"
        f" | {r['maybe']:,} | {r['answered_sensitivity']:.4f} / {r['answered_fp']}"
        f" | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_mb']:,.0f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--no-bib-dedupe", action="store_true", help="skip bib-dedupe")
    parser.add_argument("--blank", default="", help="fields to empty in half of the records")
    parser.add_argument(
        "--data", type=Path, default=DATA, help=f"folder of labelled sets (default: {DATA})"
    )
    parser.add_argument("--worker", choices=["ours", "bib-dedupe"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    blank = [name for name in args.blank.split(",") if name]
    data = args.data.resolve()
    if args.worker:
        worker(args.worker, data / args.sets, blank)
        return 0
    if not data.is_dir():
        print(f"benchmark data not found at {data}", file=sys.stderr)
        return 2
    names = args.sets.split(",") if args.sets else sorted(p.name for p in data.iterdir())
    tools = ["ours"] + ([] if args.no_bib_dedupe else ["bib-dedupe"])
    print(
        "| set | tool | records | sensitivity | specificity | FP (lost) | FN | pair P | pair R"
        " | maybe | sensitivity / lost, maybe answered | seconds | CPU s | peak MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        for tool in tools:
            print(_row(name, tool, _run(tool, data, name, args.blank)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
