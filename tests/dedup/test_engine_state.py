"""A round's engine state (``engine.json``, ``pairs.csv`` in its snapshot), read by the next
round's incremental run: a damaged ``pairs.csv`` is one error naming its file, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.dedup import incremental
from livingreview.dedup.library import build_library
from livingreview.errors import InputFileError
from livingreview.records import Record, write_records
from tests.dedup import benchmark_frame
from tests.dedup.library_helpers import demo_config
from tests.dedup.test_incremental import _records


def _round(tmp: Path, version: str, records: list[Record]) -> None:
    config = demo_config(tmp)
    config["review"]["version"] = version
    identified = tmp / f"identified-{version}.csv"
    write_records(identified, records)
    build_library(config, identified=identified)


def test_an_unknown_outcome_in_last_rounds_pairs_is_an_error(tmp_path: Path) -> None:
    """An outcome the state never holds ('dupe' typed over 'duplicate') would drop the pair from
    the links the incremental run follows, so the round would group differently from a full run
    without a word."""
    records = _records(benchmark_frame("haematology").head(300))
    _round(tmp_path, "v1", records[:240])
    pairs = tmp_path / "history/v1" / incremental.PAIRS_FILE
    lines = pairs.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if ",duplicate," in line)
    lines[row] = lines[row].replace(",duplicate,", ",dupe,")
    pairs.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        _round(tmp_path, "v2", records[240:])
    assert str(caught.value) == (
        f"{pairs}, row {row + 1}, field 'outcome': unknown outcome 'dupe'; expected 'duplicate' "
        "or 'maybe' (restore the file from version control)"
    )
