"""The digest caches are keyed on: source files by name and content, plus extra strings."""

from __future__ import annotations

import shutil
from pathlib import Path

from livingreview.fileio import source_digest
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
