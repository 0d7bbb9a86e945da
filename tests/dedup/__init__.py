"""Deduplication tests; ``benchmark_frame`` reads a real labelled set from ../shared once."""

from __future__ import annotations

from functools import cache

import pandas as pd

from livingreview.dedup.engine import read_engine_csv
from tests.conftest import require_shared


@cache
def _benchmark_frame(set_name: str) -> pd.DataFrame:
    return read_engine_csv(require_shared(f"bench/dedup/{set_name}/records.csv.gz"))


def benchmark_frame(set_name: str) -> pd.DataFrame:
    """A copy of a benchmark set's engine frame (the file is read once per test session)."""
    return _benchmark_frame(set_name).copy()
