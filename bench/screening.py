"""Screening prioritisation benchmark: our ranker and ASReview side by side on every labelled set.

Usage: ``.venv/bin/python bench/screening.py [--sets a,b] [--seeds 1,2,3,4,5] [--no-asreview]
[--asreview PATH]``

For every set in ``../shared/bench/screening`` (label column ``label_included``) and every seed,
both tools start from the same prior records, 1 included + 1 excluded row drawn per seed by
:func:`livingreview.screening.simulate.pick_priors`, screen in batches of 10 (one refit per
batch) and stop, as both do by default, once the last relevant record is found (their
simulations know the labels), so both do the same work:

* ours: ``python -m livingreview simulate DATA --seed S --prior-included 1 --prior-excluded 1
  --batch-size 10``;
* ASReview: ``asreview simulate DATA --prior-idx I E --seed S --config-file elas_u4_q10.json``:
  its default model ELAS u4 (TF-IDF 1-2-grams, linear SVM, balanced sample weights, max
  querying) with ``n_query`` 10. The config file is needed because ASReview 3 ignores
  ``--n-query`` unless a classifier/querier/balancer/feature extractor is named; every run is
  checked in ASReview's results (its ``training_set`` column) to have refitted on the priors and
  then after every batch of 10, and to start with the agreed priors. ``--all`` adds
  ``--n-stop -1`` to make ASReview label every record (our command has no such switch here).

The records a tool leaves are all irrelevant, so they are appended in file order: they change
none of the metrics, and the stopping rule sees the same labels (all irrelevant) whatever their
order. Each run is its own process (interpreter start-up, reading the data and writing the
result included). "CPU s" is the user+system time of that process, "wall s" its elapsed time.
Metrics leave out the two priors (N, R = records and relevant records after them); see
:func:`order_metrics` for the exact WSS@95 (classic Cohen et al. 2006 definition), records
screened to reach 95 % and 100 % recall and recall after 10 % and 25 % screened. "stop at" applies
the statistical stopping rule of ``livingreview.screening.stopping`` (95 % recall target, 95 %
confidence) after every batch of the order: records screened when it first allows stopping, and
the recall reached then. Medians over the seeds; WSS@95 also with its range. After each set a
line says whether ours meets the target there (median WSS@95 and recall@10% at least
ASReview's, median CPU and wall seconds below).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = (REPO / ".." / "shared" / "bench" / "screening").resolve()
sys.path.insert(0, str(REPO / "workflow"))

from livingreview.screening.simulate import (  # noqa: E402
    LabelledSet,
    order_metrics,
    pick_priors,
    read_labelled_csv,
)
from livingreview.screening.stopping import can_stop  # noqa: E402

BATCH_SIZE = 10
# ASReview 3.0.8's ELAS u4 preset (asreview/models/models.py) with batches of BATCH_SIZE.
ELAS_U4 = {
    "querier": "max",
    "classifier": "svm",
    "classifier_param": {"loss": "squared_hinge", "C": 0.11},
    "balancer": "balanced",
    "balancer_param": {"ratio": 9.8},
    "feature_extractor": "tfidf",
    "feature_extractor_param": {
        "ngram_range": [1, 2],
        "sublinear_tf": True,
        "min_df": 1,
        "max_df": 0.95,
    },
    "n_query": BATCH_SIZE,
}


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``command``; return its (CPU, wall) seconds. Raise with its stderr when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def run_ours(
    path: Path, data: LabelledSet, seed: int, work: Path
) -> tuple[list[int], float, float]:
    """Our ranker: the screening order (row positions) and CPU/wall seconds."""
    out = work / "order.csv"
    command = [sys.executable, "-m", "livingreview", "simulate", str(path), "--out", str(out)]
    command += ["--seed", str(seed), "--prior-included", "1", "--prior-excluded", "1"]
    command += ["--batch-size", str(BATCH_SIZE)]
    cpu, wall = _timed(command, work)
    row_of = {record_id: row for row, record_id in enumerate(data.record_ids)}
    lines = out.read_text(encoding="utf-8").splitlines()[1:]
    return [row_of[line.rsplit(",", 2)[0]] for line in lines], cpu, wall


def run_asreview(
    asreview: list[str], path: Path, priors: list[int], seed: int, work: Path, label_all: bool
) -> tuple[list[int], float, float]:
    """ASReview ELAS u4 with the same priors (``asreview``: the command starting it, see
    :func:`asreview_command`): the screening order and CPU/wall seconds."""
    config = work / "elas_u4_q10.json"
    config.write_text(json.dumps(ELAS_U4), encoding="utf-8")
    project = work / "run.asreview"
    command = [*asreview, "simulate", str(path), "--prior-idx", *map(str, priors)]
    command += ["--seed", str(seed), "--config-file", str(config), "-o", str(project)]
    command += ["--n-stop", "-1"] if label_all else []
    cpu, wall = _timed(command, work)  # in its own folder: it leaves a cache file in the cwd
    rows, fits = asreview_results(project, work)
    _check_refits(fits, len(priors), len(rows))
    return rows, cpu, wall


def asreview_results(project: Path, work: Path) -> tuple[list[int], list[tuple[int, int]]]:
    """An ASReview project file's screening order (row positions) and its refits: (training
    set size, records chosen by the model fitted on it), unpacked into ``work``."""
    with zipfile.ZipFile(project) as archive:
        archive.extract("results.db", work)
    with sqlite3.connect(work / "results.db") as db:
        rows = db.execute(
            "SELECT d.dataset_row FROM results r JOIN record d ON d.record_id = r.record_id"
            " ORDER BY r.rowid"
        ).fetchall()
        fits = db.execute(
            "SELECT training_set, COUNT(*) FROM results WHERE training_set IS NOT NULL"
            " GROUP BY training_set ORDER BY training_set"
        ).fetchall()
    return [int(r[0]) for r in rows], fits


def _check_refits(fits: list[tuple[int, int]], n_priors: int, screened: int) -> None:
    """Fail unless ASReview refitted on the priors and then after every batch of BATCH_SIZE
    (its ``training_set`` column: how many labelled records the model that chose a record had
    seen), so that its run is configured exactly as ours."""
    expected = [
        (start, min(BATCH_SIZE, screened - start))
        for start in range(n_priors, screened, BATCH_SIZE)
    ]
    if fits != expected:
        raise RuntimeError(
            f"ASReview did not refit after every {BATCH_SIZE} records from the {n_priors} "
            f"priors on: (training set, records chosen) {fits[:4]}..."
        )


def stop_point(labels: np.ndarray, n_priors: int, screened: int) -> tuple[float, float]:
    """Records screened (after the priors) when the stopping rule first fires within the first
    ``screened`` records of the order, and the recall then; NaN when it did not fire there."""
    total_relevant = int(labels[n_priors:].sum())
    for end in range(n_priors + BATCH_SIZE, screened + BATCH_SIZE, BATCH_SIZE):
        end = min(end, screened)
        if can_stop(labels[:end], labels.size - end):
            return end - n_priors, float(labels[n_priors:end].sum()) / total_relevant
    return float("nan"), float("nan")


def evaluate(order: list[int], data: LabelledSet, priors: list[int]) -> dict:
    """Metrics of one screening order; checks that it starts with the priors.

    An order that stopped early is completed with the unscreened records in file order, after
    checking that none of them is relevant."""
    rest = sorted(set(range(len(data.record_ids))) - set(order))
    if sorted(order[: len(priors)]) != sorted(priors) or data.included[rest].any():
        raise RuntimeError("order does not start with the agreed priors or misses an include")
    labels = data.included[np.asarray(order + rest)]
    metrics = order_metrics(labels, len(priors))
    stop_at, stop_recall = stop_point(labels, len(priors), labels.size)
    return {
        **metrics.__dict__,
        "screened": len(order),
        "stop_at": stop_at,
        "stop_recall": stop_recall,
    }


def _summary(name: str, tool: str, runs: list[dict]) -> str:
    def med(key: str) -> float:
        values = [r[key] for r in runs if r[key] == r[key]]  # NaN: stopping rule did not fire
        return statistics.median(values) if values else float("nan")

    wss = [r["wss_95"] for r in runs]
    first = runs[0]
    return (
        f"| {name} | {first['records']:,} | {first['relevant']} | {tool} | {med('wss_95'):.3f}"
        f" [{min(wss):.3f}–{max(wss):.3f}] | {med('screened_at_95'):.0f}"
        f" | {med('screened_at_100'):.0f} | {med('recall_at_10'):.3f} | {med('recall_at_25'):.3f}"
        f" | {_stop(med('stop_at'), med('stop_recall'))}"
        f" | {med('cpu'):.1f} | {med('wall'):.1f} |"
    )


def _verdict(name: str, ours: list[dict], theirs: list[dict]) -> str:
    """Whether ours meets the target on this set: medians of WSS@95 and recall@10% at least
    ASReview's, medians of CPU and wall seconds below."""
    checks = []
    for key, better in (("wss_95", 1), ("recall_at_10", 1), ("cpu", -1), ("wall", -1)):
        mine = statistics.median(r[key] for r in ours)
        other = statistics.median(r[key] for r in theirs)
        ok = mine >= other if better > 0 else mine < other
        checks.append(f"{key} {mine:.4g} vs {other:.4g} {'ok' if ok else 'MISSED'}")
    return f"<!-- {name}: " + "; ".join(checks) + " -->"


def _stop(at: float, recall: float) -> str:
    return "–" if at != at else f"{at:.0f} ({recall:.3f})"


def asreview_command(given: str | None = None) -> list[str] | None:
    """The command starting ASReview: ``given`` (an asreview command), else ``python -m
    asreview`` with this Python when it has ASReview, else the asreview on the PATH. Not pip's
    launcher beside this Python: its first line names this Python's path, which no shell starts
    where the clone's path holds a ``$`` or a quote (README.md, *Two commands*)."""
    if given:
        return [given]
    if importlib.util.find_spec("asreview") is not None:
        return [sys.executable, "-m", "asreview"]
    found = shutil.which("asreview")
    return [found] if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated set names without .csv (default: all)")
    parser.add_argument("--seeds", default="1,2,3,4,5", help="comma-separated prior seeds")
    parser.add_argument("--no-asreview", action="store_true", help="run only our ranker")
    parser.add_argument("--no-ours", action="store_true", help="run only ASReview")
    parser.add_argument(
        "--asreview", help="the asreview command (default: python -m asreview with this Python)"
    )
    parser.add_argument("--all", action="store_true", help="let ASReview label every record")
    parser.add_argument("--json", type=Path, help="also write every run's numbers here")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"benchmark data not found at {DATA}", file=sys.stderr)
        return 2
    names = args.sets.split(",") if args.sets else sorted(p.stem for p in DATA.glob("*.csv"))
    seeds = [int(s) for s in args.seeds.split(",")]
    tools = [] if args.no_ours else ["ours"]
    asreview = None if args.no_asreview else asreview_command(args.asreview)
    if not args.no_asreview:
        if asreview is None:
            print(
                "asreview not found: pip install -e '.[bench]' or pass --asreview", file=sys.stderr
            )
            return 2
        tools.append("ASReview ELAS u4")
    print(f"batch size {BATCH_SIZE}, 1+1 priors, seeds {args.seeds}; medians over seeds")
    print(
        "| set | N | R | tool | WSS@95 [range] | n@95% | n@100% | recall@10% | recall@25%"
        " | stop at (recall) | CPU s | wall s |"
    )
    print("|---|---:|---:|---|---|---:|---:|---:|---:|---|---:|---:|")
    every_run: list[dict] = []
    verdicts: list[str] = []
    for name in names:
        path = DATA / f"{name}.csv"
        data = read_labelled_csv(path)
        runs: dict[str, list[dict]] = {tool: [] for tool in tools}
        for seed in seeds:
            priors = pick_priors(data.included, 1, 1, seed)
            for tool in tools:
                with tempfile.TemporaryDirectory(prefix="bench-screening-") as tmp:
                    work = Path(tmp)
                    if tool == "ours":
                        order, cpu, wall = run_ours(path, data, seed, work)
                    else:
                        order, cpu, wall = run_asreview(
                            asreview, path, priors, seed, work, args.all
                        )
                result = {**evaluate(order, data, priors), "cpu": cpu, "wall": wall}
                runs[tool].append(result)
                every_run.append({"set": name, "tool": tool, "seed": seed, **result})
        for tool in tools:
            print(_summary(name, tool, runs[tool]), flush=True)
        if len(tools) == 2:
            verdicts.append(_verdict(name, *runs.values()))
    print("\n".join(verdicts))
    if args.json:
        args.json.write_text(json.dumps(every_run, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
