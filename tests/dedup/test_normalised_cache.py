"""The library's cache of normalised engine rows (livingreview.dedup.incremental.normalised_rows),
on a real benchmark set: rows read back from it are exactly what normalising gives, an unchanged
library leaves it as it is, and a cache edited by hand is not used."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from livingreview.dedup import incremental
from livingreview.dedup.normalise import normalise_frame
from tests.dedup import benchmark_frame

CODE = "test-code"


def _frame() -> pd.DataFrame:
    frame = benchmark_frame("haematology").sort_values("ID").reset_index(drop=True)
    return frame.astype(str)


def test_rows_from_the_cache_are_the_normalised_rows(tmp_path: Path) -> None:
    frame, cache = _frame(), tmp_path / "normalised.jsonl"
    incremental.normalised_rows(frame.iloc[: len(frame) // 2], cache, CODE)
    later = frame.copy()
    later.loc[3, "title"] = "A title changed since"
    later = later.drop(index=[5, 8]).reset_index(drop=True)  # two records gone
    for _ in range(2):  # cache written from part of the library, then from all of it
        got = incremental.normalised_rows(later, cache, CODE)
        pd.testing.assert_frame_equal(got, normalise_frame(later), check_exact=True)


def test_an_unchanged_library_leaves_the_cache_as_it_is(tmp_path: Path) -> None:
    frame, cache = _frame(), tmp_path / "normalised.jsonl"
    incremental.normalised_rows(frame, cache, CODE)
    before = cache.stat()
    got = incremental.normalised_rows(frame, cache, CODE)
    after = cache.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    pd.testing.assert_frame_equal(got, normalise_frame(frame), check_exact=True)


def test_a_cache_edited_by_hand_is_not_used(tmp_path: Path) -> None:
    frame, cache = _frame(), tmp_path / "normalised.jsonl"
    incremental.normalised_rows(frame, cache, CODE)
    title = normalise_frame(frame.iloc[[0]])["title"].iloc[0]
    data = cache.read_bytes()
    assert data.count(f'"{title}"'.encode()) >= 1
    cache.write_bytes(data.replace(f'"{title}"'.encode(), b'"an edited title"', 1))
    got = incremental.normalised_rows(frame, cache, CODE)
    pd.testing.assert_frame_equal(got, normalise_frame(frame), check_exact=True)
    cache.write_bytes(b"{not json")  # a damaged cache: every row normalised again
    got = incremental.normalised_rows(frame, cache, CODE)
    pd.testing.assert_frame_equal(got, normalise_frame(frame), check_exact=True)


def test_the_cache_key_covers_the_doi_normalising_code(tmp_path: Path, monkeypatch) -> None:
    """Normalising calls records.normalise_doi, outside the engine's modules: a change there
    must not reuse rows normalised by the old code."""
    from livingreview import records

    key = incremental.normalising_code("engine")
    assert incremental.normalising_code("engine") == key != incremental.normalising_code("other")
    edited = tmp_path / "records.py"
    edited.write_text(Path(records.__file__).read_text(encoding="utf-8") + "\n# changed\n")
    monkeypatch.setattr(records, "__file__", str(edited))
    assert incremental.normalising_code("engine") != key
