"""Atomic writes (durable or not) and the digest caches are keyed on: source files by name and
content, plus extra strings."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from livingreview import fileio
from livingreview.fileio import atomic_write_bytes, source_digest
from tests.conftest import REPO_ROOT

MODULES = ("records.py", "fileio.py")


def test_source_digest_follows_each_file_its_name_and_the_extra_strings(tmp_path: Path) -> None:
    for name in MODULES:
        shutil.copy(REPO_ROOT / "workflow/livingreview" / name, tmp_path / name)
    paths = [tmp_path / name for name in MODULES]
    first = source_digest(paths, "3.11")
    assert first == source_digest(paths, "3.11") and len(first) == 64
    assert source_digest(paths, "3.12") != first
    assert source_digest(reversed(paths), "3.11") != first
    (tmp_path / "records.py").write_text((tmp_path / "records.py").read_text() + "\n")
    edited = source_digest(paths, "3.11")
    assert edited != first
    (tmp_path / "records.py").rename(tmp_path / "other.py")  # same bytes, another name
    assert source_digest([tmp_path / "other.py", tmp_path / "fileio.py"], "3.11") != edited


def test_atomic_writes_sync_to_disk_unless_told_the_file_is_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(fileio.os, "fsync", lambda fd: synced.append(fd) or os.fstat(fd))
    data = (REPO_ROOT / "workflow/livingreview/fileio.py").read_bytes()
    atomic_write_bytes(tmp_path / "kept" / "records.csv", data)
    assert len(synced) == 1
    atomic_write_bytes(tmp_path / "cache.bin", data, durable=False)
    atomic_write_bytes(tmp_path / "cache.bin", data[:10], durable=False)  # replaced whole
    assert len(synced) == 1
    assert (tmp_path / "kept" / "records.csv").read_bytes() == data
    assert (tmp_path / "cache.bin").read_bytes() == data[:10]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cache.bin", "kept", "records.csv"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_writes_get_the_permissions_a_plain_write_gets(tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        atomic_write_bytes(tmp_path / "sheet.xlsx", b"PK")
        (tmp_path / "plain.xlsx").write_bytes(b"PK")
    finally:
        os.umask(previous)
    mode = (tmp_path / "sheet.xlsx").stat().st_mode & 0o777
    assert mode == (tmp_path / "plain.xlsx").stat().st_mode & 0o777 == 0o666 & ~umask


def test_csv_table_text_quotes_only_a_row_holding_a_carriage_return() -> None:
    """A row with a lone carriage return in a field comes back whole from a CSV reader; every
    other row is written as the csv module writes it (outputs of such rows keep their bytes)."""
    rows = [["S1", 'a "b", c', 3], ["S2", "seen\ralready", None], ["S3", "line\nbreak", ""]]
    text = fileio.csv_table_text(["id", "note", "n"], rows)
    plain = io.StringIO()
    csv.writer(plain, lineterminator="\n").writerows([["id", "note", "n"], rows[0], rows[2]])
    lines = plain.getvalue().split("\n")
    assert text == "\n".join([*lines[:2], '"S2","seen\ralready",""', *lines[2:]])
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[1:] == [
        ["S1", 'a "b", c', "3"],
        ["S2", "seen\ralready", ""],
        ["S3", "line\nbreak", ""],
    ]
