"""A step run as a process of its own (searches, imports, re-fetches, the library's export, open
access) writes its messages to its log; when it fails, its one-line error is on the console too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.pipeline import run_pipeline


@pytest.mark.slow
def test_a_failed_import_shows_its_error_line_on_the_console(tmp_path: Path) -> None:
    # Before: the console said only "Command '... 2> outputs/logs/import/wos.log' returned
    # non-zero exit status 2"; what was wrong with which file was in the log alone.
    workdir = tmp_path / "my review"  # a space: the log's path is quoted in the command
    workdir.mkdir()
    human = tmp_path / "human"
    shutil.copytree(REPO_ROOT / "demo/human", human)
    export = human / "exports/web_of_science.ris"
    export.write_bytes(b"TY  - JOUR\nTI  - A title\x00\nER  - \n")  # a NUL byte: no text export
    target = str(workdir / "outputs/search/wos/records.csv")
    result = run_pipeline(workdir, None, "--keep-going", target, human=human)  # ends --configfile
    assert result.returncode != 0
    log = workdir / "outputs/logs/import/wos.log"
    error = log.read_text(encoding="utf-8").splitlines()[-1]
    assert error.startswith(f"livingreview: error: {export}, line 2: binary data (NUL byte)")
    assert f"{error} (log: {log})" in result.stderr.splitlines()
