"""The library's records.csv reuses last round's rows only where they cannot have changed.

Round 1 holds the demo's MEDLINE, Europe PMC and OpenAlex records; round 2 returns the OpenAlex
records again (one with a keyword added) with the Web of Science records, many of them duplicates
of round-1 studies. Round 2 with last round's rows must write exactly the bytes it writes when
it merges every study again, and any sign that the kept rows may be stale (other code, an edited
snapshot or records.csv, a damaged cache, a re-run of the round) must make it merge everything.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from livingreview.dedup import library_rows
from livingreview.dedup.library import build_library
from livingreview.records import read_records, write_records
from tests.dedup.library_helpers import build_demo_identified, demo_config
from tests.module_imports import reached_modules

FIRST = ["medline", "europepmc", "openalex"]
SECOND = ["openalex", "wos"]
MERGED = re.compile(r"library: (\d+) studies merged, (\d+) rows kept")
KEYWORD = "a keyword its source added later"
RENAMED = "The Journal Renamed In Round One's Snapshot, A Name Longer Than Any Other Journal's"


def _config(tmp: Path, version: str) -> dict[str, Any]:
    config = demo_config(tmp)
    config["review"]["version"] = version
    return config


@pytest.fixture(scope="module")
def after_round_one(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review folder after round 1, with round 2's records in ``identified-v2.csv``."""
    tmp = tmp_path_factory.mktemp("living")
    config = _config(tmp, "v1")
    everything = read_records(build_demo_identified(config))
    first = [r for r in everything if r.source in FIRST]
    second = [r for r in everything if r.source in SECOND]
    wos = {key for r in second if r.source == "wos" for key in (r.doi, r.title.casefold()) if key}
    corrected = next(  # a record no Web of Science record is likely to join
        k
        for k, r in enumerate(second)
        if r.source == "openalex" and r.doi and not {r.doi, r.title.casefold()} & wos
    )
    second[corrected] = replace(second[corrected], keywords=[*second[corrected].keywords, KEYWORD])
    write_records(tmp / "identified-v1.csv", first)
    write_records(tmp / "identified-v2.csv", second)
    build_library(config, identified=tmp / "identified-v1.csv")
    assert (tmp / "outputs" / library_rows.CACHE).exists()
    return tmp


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def _round_two(tmp: Path, caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """Run round 2 in ``tmp``; returns (studies merged, studies)."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="livingreview.dedup"):
        build_library(_config(tmp, "v2"), identified=tmp / "identified-v2.csv")
    merged, kept = MERGED.search(caplog.text).groups()  # type: ignore[union-attr]
    return int(merged), int(merged) + int(kept)


def _outputs(tmp: Path) -> dict[str, bytes]:
    """Every output of the step but the caches, by path."""
    found = {}
    for folder in tmp / "outputs/library", tmp / "outputs/dedup", tmp / "history":
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[path.relative_to(tmp).as_posix()] = path.read_bytes()
    return found


def _merged_everything(source: Path, target: Path, caplog: pytest.LogCaptureFixture) -> Path:
    """Round 2 in a copy of ``source`` without last round's rows (every study merged)."""
    _copy(source, target)
    (target / "outputs" / library_rows.CACHE).unlink()
    merged, studies = _round_two(target, caplog)
    assert merged == studies
    return target


def _study_row(tmp: Path, record_id: str) -> dict[str, str]:
    import csv

    with (tmp / "outputs/library/records.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return next(r for r in rows if record_id in r["source_records"].split(";"))


def test_round_two_keeps_untouched_rows_and_writes_the_same_bytes(
    after_round_one: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    living = _copy(after_round_one, tmp_path / "living")
    merged, studies = _round_two(living, caplog)
    assert 0 < merged < studies  # some studies were left alone, others were not
    scratch = _merged_everything(after_round_one, tmp_path / "scratch", caplog)
    assert _outputs(living) == _outputs(scratch)
    # A record returned again with a keyword added (the engine does not read keywords): its study
    # keeps its records but is merged again.
    corrected = next(r for r in read_records(living / "identified-v2.csv") if KEYWORD in r.keywords)
    row = _study_row(living, corrected.record_id)
    assert (
        KEYWORD in row["keywords"]
        and row["source_records"]
        == _study_row(after_round_one, corrected.record_id)["source_records"]
    )
    # The rows kept for round 3 describe round 2's records.csv.
    assert library_rows.load(
        living / "outputs" / library_rows.CACHE,
        [
            ("v1", _sha(living / "history/v1/records.csv")),
            ("v2", _sha(living / "history/v2/records.csv")),
        ],
    )


def test_rows_are_kept_when_last_rounds_outputs_are_gone(
    after_round_one: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Snakemake deletes a rule's outputs before it runs the rule again: the cache keeps its own
    # records.csv, so the rows are still reused, and the outputs are the same bytes.
    living = _copy(after_round_one, tmp_path / "living")
    shutil.rmtree(living / "outputs/library")
    merged, studies = _round_two(living, caplog)
    assert 0 < merged < studies
    scratch = _merged_everything(after_round_one, tmp_path / "scratch", caplog)
    assert _outputs(living) == _outputs(scratch)


def test_where_hard_links_fail_the_cache_keeps_a_copy(
    after_round_one: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Some file systems refuse hard links: the cache then holds a copy of records.csv, not a
    # second name of the same file, and the round after still reuses rows.
    def refuse(*_: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    living = _copy(after_round_one, tmp_path / "living")
    monkeypatch.setattr(os, "link", refuse)  # as fileio.keep_copy calls it
    _round_two(living, caplog)
    kept = (living / "outputs" / library_rows.CACHE).with_name(library_rows.CACHED_RECORDS)
    written = living / "outputs/library/records.csv"
    assert kept.read_bytes() == written.read_bytes()
    assert not kept.samefile(written)
    written.unlink()  # as Snakemake does before the next round's library step
    reusable = library_rows.load(
        living / "outputs" / library_rows.CACHE,
        [(v, _sha(living / f"history/{v}/records.csv")) for v in ("v1", "v2")],
    )
    assert reusable is not None and reusable.data == kept.read_bytes()


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _edit_round_one_snapshot(tmp: Path) -> None:
    """A MEDLINE record (not returned in round 2) edited in round 1's snapshot."""
    path = tmp / "history/v1/records.csv"
    records = read_records(path)
    k = next(k for k, r in enumerate(records) if r.source == "medline")
    records[k] = replace(records[k], journal=RENAMED)
    write_records(path, records)


def _edit_cache(tmp: Path, **changes: Any) -> None:
    path = tmp / "outputs" / library_rows.CACHE
    payload = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**payload, **changes}), encoding="utf-8")


def _edit_records_csv(tmp: Path) -> None:
    """An edit of the cache's copy of last round's records.csv: one letter's case (only the
    digest tells)."""
    path = (tmp / "outputs" / library_rows.CACHE).with_name(library_rows.CACHED_RECORDS)
    text = path.read_text(encoding="utf-8")
    k = next(k for k in range(text.index("\n") + 40, len(text)) if text[k].islower())
    path.write_text(text[:k] + text[k].upper() + text[k + 1 :], encoding="utf-8")


STALE = {
    "other code": lambda tmp: _edit_cache(tmp, code="0" * 16),
    "other snapshots": lambda tmp: _edit_cache(tmp, snapshots=[["v0", "0" * 64]]),
    "edited records.csv": _edit_records_csv,
    "damaged cache": lambda tmp: (tmp / "outputs" / library_rows.CACHE).write_text("{not json"),
    "offsets off by one": lambda tmp: _edit_cache(
        tmp,
        studies=[
            [*s[:3], s[3] + 1, s[4]]
            for s in json.loads((tmp / "outputs" / library_rows.CACHE).read_text(encoding="utf-8"))[
                "studies"
            ]
        ],
    ),
}


@pytest.mark.parametrize("stale", sorted(STALE))
def test_a_stale_cache_is_ignored(
    after_round_one: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, stale: str
) -> None:
    living = _copy(after_round_one, tmp_path / "living")
    STALE[stale](living)
    merged, studies = _round_two(living, caplog)
    assert merged == studies
    scratch = _merged_everything(after_round_one, tmp_path / "scratch", caplog)
    assert _outputs(living) == _outputs(scratch)


def test_an_edited_snapshot_merges_its_records_again(
    after_round_one: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    living = _copy(after_round_one, tmp_path / "living")
    _edit_round_one_snapshot(living)
    merged, studies = _round_two(living, caplog)
    assert merged == studies
    edited = next(
        r for r in read_records(living / "history/v1/records.csv") if r.source == "medline"
    )
    assert edited.journal == RENAMED
    assert _study_row(living, edited.record_id)["journal"] == RENAMED
    scratch = _copy(after_round_one, tmp_path / "scratch")
    _edit_round_one_snapshot(scratch)
    (scratch / "outputs" / library_rows.CACHE).unlink()
    _round_two(scratch, caplog)
    assert _outputs(living) == _outputs(scratch)


def test_a_cache_entry_naming_another_row_is_not_copied(
    after_round_one: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clean = _copy(after_round_one, tmp_path / "clean")
    clean_merged, _ = _round_two(clean, caplog)
    # Two studies round 2 leaves alone swap entries, their places in the file kept.
    path = after_round_one / "outputs" / library_rows.CACHE
    entries = json.loads(path.read_text(encoding="utf-8"))["studies"]
    kept = [
        k for k, (sid, _, members, _, _) in enumerate(entries)
        if _study_row(clean, members[0])["source_records"] == ";".join(members)
        and _study_row(clean, members[0])["study_id"] == sid
    ][:2]  # fmt: skip
    assert len(kept) == 2
    living = _copy(after_round_one, tmp_path / "living")
    a, b = entries[kept[0]], entries[kept[1]]
    entries[kept[0]], entries[kept[1]] = [*b[:3], *a[3:]], [*a[:3], *b[3:]]
    _edit_cache(living, studies=entries)
    merged, _ = _round_two(living, caplog)
    assert merged == clean_merged + 2
    assert _outputs(living) == _outputs(clean)


def test_a_rerun_of_a_round_merges_every_study(
    after_round_one: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    living = _copy(after_round_one, tmp_path / "living")
    _round_two(living, caplog)
    first = _outputs(living)
    merged, studies = _round_two(living, caplog)  # round 2's own rows describe round 2's records
    assert merged == studies
    assert _outputs(living) == first


def test_the_cache_key_covers_every_module_that_decides_a_row() -> None:
    # register_ids.py (which ids a record lists) and dedup/normalise.py were not in the key:
    # after a change to either, rows kept from the last round kept what the old code decided.
    package = Path(library_rows.__file__).resolve().parent.parent
    keyed = {package / name for name in library_rows.ROW_MODULES}
    reached = reached_modules([package / "dedup/merge.py", package / "records.py"], package)
    plumbing = {package / "errors.py", package / "fileio.py"}  # no say in a row's values
    assert sorted(map(str, reached - plumbing - keyed)) == []
