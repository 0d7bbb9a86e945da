"""Shared machinery of the pipeline benchmarks (``bench/scale.py``, ``bench/living.py``).

Real bibliographic records from the labelled deduplication benchmark sets
(``../shared/bench/dedup/*/records.csv.gz``, with their real duplicates) become replayed Europe
PMC searches: raw-response archives (``index.jsonl``, paged JSON bodies of :data:`PAGE` results,
``meta.json``) paged exactly as the Europe PMC client requests them. The members of a gold
duplicate group go to different searches, as duplicates come from different databases. The
protocol is the shipped one with these searches instead of its sources and no database exports.

Each measured Snakemake run happens in a fresh subprocess (this file with ``--measure -- CMD``),
so that its peak memory is the largest max RSS of that run and its jobs
(``resource.getrusage(RUSAGE_CHILDREN)``); two jobs may run at once with ``--cores 2``, so the
machine's peak can be up to twice the largest.
"""

from __future__ import annotations

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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

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
PUB_TYPES = {"article": "Journal Article", "inproceedings": "Conference Paper"}
T = TypeVar("T")


class BenchRecord(NamedTuple):
    """One benchmark record, the search (index into :data:`SEARCHES`) that finds it, and whether
    it belongs to a gold duplicate group."""

    search: int
    grouped: bool
    row: dict[str, str]


def gold_positions(set_dir: Path) -> dict[str, int]:
    """Position of each record in its gold duplicate group (records not listed are absent)."""
    lines = (set_dir / "merged_record_ids.csv").read_text(encoding="utf-8").splitlines()
    positions = {}
    for line in lines[1:]:
        members = [m.strip() for m in line.strip().strip('"').split(";") if m.strip()]
        positions.update((member, n) for n, member in enumerate(members))
    return positions


def benchmark_records(limit: int) -> Iterator[BenchRecord]:
    """Up to ``limit`` records of every labelled set (largest first), in a fixed order."""
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
                position = positions.get(row["ID"])
                search = zlib.crc32(row["ID"].encode()) if position is None else position
                row = {**row, "ID": f"{path.parent.name}-{row['ID']}"}
                yield BenchRecord(search % len(SEARCHES), position is not None, row)


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


def write_archives(
    config: dict[str, Any],
    directory: Path,
    found: Sequence[Sequence[dict[str, str]]],
    ran_at: str = RAN_AT,
) -> list[int]:
    """Every replayed search (``found[k]``: the rows search ``k`` returns) under ``directory``,
    with the query ``config`` sends; returns the number of records per search."""
    for name, rows in zip(SEARCHES, found, strict=True):
        query = build_query(build_spec(config, name))
        write_archive(query, directory / name, [as_result(r) for r in rows], ran_at)
    return [len(rows) for rows in found]


def write_archive(
    query: str, directory: Path, results: list[dict[str, Any]], ran_at: str = RAN_AT
) -> None:
    """One search's raw-response archive: pages of :data:`PAGE` results and meta.json."""
    archive = RawArchive(directory)
    archive.reset()
    cursor = "*"
    for start in range(0, max(len(results), 1), PAGE):
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
        {"source": directory.name, "client": SOURCE, "query_sent": query, "ran_at": ran_at,
         "reported_total": len(results), "software_version": "bench"}
    )  # fmt: skip


def bench_config(replay_dir: Path | str) -> dict[str, Any]:
    """The shipped protocol with the replayed Europe PMC searches and no database exports."""
    config = yaml.safe_load((REPO / "config/config.yaml").read_text(encoding="utf-8"))
    source = config["sources"][SOURCE]
    config["sources"] = {
        name: {**source, "database": f"{source['database']} ({name})", "batch_size": PAGE}
        for name in SEARCHES
    }
    config.pop("imports", None)
    config["paths"] = {"human_input": "human", "outputs": "outputs"}
    config["search"] = {**config["search"], "mode": "replay", "replay_dir": str(replay_dir)}
    return config


def write_config(config: dict[str, Any], path: Path) -> Path:
    """``config`` as YAML at ``path`` (also creates the empty human-input folder beside it)."""
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (path.parent / config["paths"]["human_input"]).mkdir(exist_ok=True)
    return path


def in_workdir(keep: Path | None, prefix: str, work: Callable[[Path], T]) -> T:
    """``work(folder)`` in ``keep`` (a new folder, kept) or else in a temporary folder."""
    if keep:
        keep.mkdir(parents=True)
        return work(keep.resolve())
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        return work(Path(tmp))


def measure(command: list[str]) -> int:
    """Run ``command``; print its wall time, its and its descendants' CPU time (user + system)
    and their largest max RSS as JSON."""
    began = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    seconds = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {"seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024, "code": code}
        )
    )
    return code


def bytecode_env() -> dict[str, str]:
    """The environment with compiled modules cached (``__pycache__``, git-ignored), as an
    installed package has them: without ``PYTHONDONTWRITEBYTECODE``, which would make every
    command compile the package's sources again (about 0.2 CPU s each)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measured(
    command: list[str], workdir: Path, what: str, env: dict[str, str] | None = None
) -> dict[str, float]:
    """``command`` run in its own measuring process in ``workdir`` (``env`` added to the
    environment, compiled modules cached: :func:`bytecode_env`); exits with its output when it
    fails."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", "--", *command],
        cwd=workdir, env={**bytecode_env(), **OFFLINE_ENV, **(env or {})}, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"code": done.returncode}
    if result["code"] != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: {what} failed in {workdir}")
    return result


def run_stage(
    workdir: Path, config_file: Path, targets: list[str], env: dict[str, str] | None = None
) -> dict[str, float]:
    """One Snakemake run of the repository's Snakefile with ``targets``, measured."""
    snakemake = [
        sys.executable, "-m", "snakemake", *targets, "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), "--cores", "2", "--quiet", "all",
        "--configfile", str(config_file),
    ]  # fmt: skip
    return measured(snakemake, workdir, f"snakemake {' '.join(targets)}", env)


def run_cli(workdir: Path, config_file: Path, *args: str) -> dict[str, float]:
    """One ``livingreview`` command in ``workdir``, measured."""
    command = [sys.executable, "-m", "livingreview", *args, "--configfile", str(config_file)]
    return measured(command, workdir, f"livingreview {' '.join(args)}")


if __name__ == "__main__" and sys.argv[1:2] == ["--measure"]:
    sys.exit(measure(sys.argv[3:]))
