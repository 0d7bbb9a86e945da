"""Benchmark: PubMed retrieval of 10,000 and 25,000 records (date-sliced) from a local server.

Runs the real client (:mod:`livingreview.sources.pubmed`) against the synthetic E-utilities
service of ``tests/sources/test_pubmed_slicing.py`` on 127.0.0.1 (bodies built from real NCBI
payloads in ``../shared``), with batch size 500 and no pacing, and prints for each size: records,
HTTP requests (ESearch + EFetch), the fewest requests possible, and seconds.

Run: ``.venv/bin/python bench/search.py``
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.replay_server import ReplayServer  # noqa: E402
from tests.sources.test_pubmed_slicing import (  # noqa: E402
    SyntheticPubMed,
    fetch_batches,
    ideal_requests,
)

from livingreview.http import HttpClient, ServiceSettings  # noqa: E402
from livingreview.sources.base import SearchSpec  # noqa: E402
from livingreview.sources.pubmed import CLIENT, MAX_PER_QUERY  # noqa: E402

SOURCES = (ROOT / ".." / "shared" / "data" / "sources").resolve()
BATCH = 500
CASES = [  # records, first day, days they are spread over
    (10_000, date(2023, 1, 1), 730),
    (25_000, date(2020, 1, 1), 1827),
]


def run_case(total: int, start: date, days: int) -> dict[str, object]:
    """One search against a fresh server; the counts and timing to print."""
    with ReplayServer() as server:
        service = SyntheticPubMed.from_shared(SOURCES, total=total, start=start, days=days)
        service.install(server)
        settings = ServiceSettings(
            name="pubmed", base_url=server.url, min_interval=0, max_tries=3,
            secret_params={"email": "bench@example.org"},
        )  # fmt: skip
        http = HttpClient(settings, sleep=lambda seconds: None)
        end = start.toordinal() + days - 1
        spec = SearchSpec(
            name="pubmed", client="pubmed", query="synthetic[tiab]", batch_size=BATCH,
            date_from=start.isoformat(), date_to=date.fromordinal(end).isoformat(),
        )  # fmt: skip
        began = time.perf_counter()
        outcome = CLIENT.search(http, spec, lambda done, of: None)
        seconds = time.perf_counter() - began
        pmids = {r.pmid for r in outcome.records}
        if pmids != service.pmids():
            raise SystemExit(f"bench: {total} records expected, {len(pmids)} unique retrieved")
        counts = [s["count"] for s in outcome.details["slices"]] or [outcome.reported_total]
        searches = len(server.requests("esearch.fcgi"))
        fetches = len(server.requests("efetch.fcgi"))
    return {
        "records": len(outcome.records),
        "slices": len(outcome.details["slices"]),
        "largest": max(counts),
        "esearch": searches,
        "efetch": fetches,
        "requests": searches + fetches,
        "min_slices": 1 + len(outcome.details["slices"]) + fetch_batches(counts, BATCH),
        "min_ideal": ideal_requests(total, BATCH),
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    """Run every case and print one table (no options: ``--help`` says so)."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    if not SOURCES.is_dir():
        print(f"bench: real payloads not found at {SOURCES} (clone beside ../shared)")
        return 2
    header = (
        f"{'records':>8} {'slices':>6} {'largest':>7} {'esearch':>7} {'efetch':>6} "
        f"{'HTTP':>5} {'min*':>5} {'min':>5} {'seconds':>7} {'rec/s':>7} {'@3/s':>6}"
    )
    print(f"PubMed search, batch size {BATCH}, slice ceiling {MAX_PER_QUERY}, min_interval 0")
    print(header)
    print("-" * len(header))
    for total, start, days in CASES:
        row = run_case(total, start, days)
        rate = row["records"] / row["seconds"]  # type: ignore[operator]
        print(
            f"{row['records']:>8} {row['slices']:>6} {row['largest']:>7} {row['esearch']:>7} "
            f"{row['efetch']:>6} {row['requests']:>5} {row['min_slices']:>5} "
            f"{row['min_ideal']:>5} {row['seconds']:>7.1f} {rate:>7.0f} "
            f"{math.ceil(row['requests'] * CLIENT.default_min_interval):>5}s"  # type: ignore[operator]
        )
    print(
        "min* = 1 ESearch for the query + 1 per slice + ceil(slice/500) EFetch per slice made;\n"
        f"min  = the same with the fewest possible slices (ceil(n/{MAX_PER_QUERY})) and "
        "every batch full.\n"
        "@3/s = the least time the same requests take at NCBI's 3 requests/s without an API key."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
