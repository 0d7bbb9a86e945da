"""Receipts of the files a step keeps in the history folder: dropped when the files change."""

from __future__ import annotations

import json
import os
from pathlib import Path

from livingreview.snapshot_receipts import drop_stale_receipt, receipt_matches, write_receipt


def kept_files(tmp_path: Path) -> tuple[Path, list[Path]]:
    folder = tmp_path / "library_history/2025.1"
    folder.mkdir(parents=True)
    (folder / "round.json").write_text('{"round": 1, "version": "2025.1"}\n', encoding="utf-8")
    (folder / "groups.csv").write_text("record_id,study_id,round\nr1,S1,1\n", encoding="utf-8")
    receipt = tmp_path / "outputs/library/snapshot.json"
    files = [folder / "round.json", folder / "groups.csv"]
    write_receipt(receipt, files)
    return receipt, files


def later(path: Path) -> None:
    """Give ``path`` a modification time after its receipt's (as a later edit would)."""
    stamp = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_a_receipt_lists_the_size_and_sha256_of_each_kept_file(tmp_path: Path) -> None:
    receipt, files = kept_files(tmp_path)
    listed = json.loads(receipt.read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == sorted(str(p) for p in files)
    assert listed[str(files[1])]["bytes"] == files[1].stat().st_size
    assert len(listed[str(files[1])]["sha256"]) == 64
    assert receipt_matches(receipt, files)
    drop_stale_receipt(receipt, files)
    assert receipt.exists()


def test_a_file_saved_again_unchanged_keeps_the_receipt(tmp_path: Path) -> None:
    receipt, files = kept_files(tmp_path)
    later(files[1])  # e.g. restored from version control as it was
    assert receipt_matches(receipt, files)


def test_a_kept_file_edited_deleted_or_not_listed_drops_the_receipt(tmp_path: Path) -> None:
    receipt, files = kept_files(tmp_path)
    files[1].write_text("record_id,study_id,round\nr1,S2,1\n", encoding="utf-8")  # same size
    later(files[1])
    assert not receipt_matches(receipt, files)
    drop_stale_receipt(receipt, files)
    assert not receipt.exists()

    receipt, files = kept_files(tmp_path / "again")
    files[0].unlink()
    assert not receipt_matches(receipt, files)

    receipt, files = kept_files(tmp_path / "other")
    assert not receipt_matches(receipt, files[:1])  # another version's files, another list
