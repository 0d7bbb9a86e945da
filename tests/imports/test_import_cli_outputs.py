"""`livingreview import FILE... --out F`: the record file never replaces an export, a link or a
folder, and a refused --out is one error line naming it, with nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from livingreview.cli import main
from tests.imports import Real

EXPORTS = ("exports/ris/synthesisr_Scopus.ris", "exports/wos/synthesisr_WoS.ciw")


@pytest.fixture
def exports(real: Real, tmp_path: Path) -> list[Path]:
    """Copies of two real exports, which a bad --out must leave byte for byte."""
    copies = []
    for relative in EXPORTS:
        copy = tmp_path / Path(relative).name
        shutil.copyfile(real(relative), copy)
        copies.append(copy)
    return copies


def _refused(args: list[str], capsys: pytest.CaptureFixture[str], read: int = 0) -> str:
    """The one error line of a refused import, after ``read`` lines naming the files read."""
    assert main(["import", *args]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == read + 1 and lines[-1].startswith("livingreview: error: "), lines
    return lines[-1]


@pytest.mark.parametrize("which", [0, 1])
def test_out_naming_an_export_being_imported_is_refused(
    exports: list[Path], which: int, capsys: pytest.CaptureFixture[str]
) -> None:
    before = [path.read_bytes() for path in exports]
    target = exports[which]
    line = _refused([*map(str, exports), "--out", str(target)], capsys)
    expected = f"{target}: --out would overwrite the input; use another name"
    assert line == f"livingreview: error: {expected}"
    assert [path.read_bytes() for path in exports] == before


def test_out_that_is_a_folder_or_a_link_is_refused_naming_it(
    exports: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    line = _refused([str(exports[0]), "--out", str(folder)], capsys)
    assert line == f"livingreview: error: {folder}: --out is a folder; give a file name"
    assert list(folder.iterdir()) == [] and sorted(tmp_path.iterdir()) == sorted([*exports, folder])
    link = tmp_path / "records.csv"
    link.symlink_to(exports[1])
    before = exports[1].read_bytes()
    line = _refused([str(exports[0]), "--out", str(link)], capsys)
    assert f"{link}: --out is a link or device" in line
    assert link.is_symlink() and exports[1].read_bytes() == before


def test_out_that_cannot_be_written_names_the_option(
    exports: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = exports[0] / "records.csv"  # under a file: the folder cannot be made
    line = _refused([str(exports[1]), "--out", str(out)], capsys)
    assert line == f"livingreview: error: {out}: cannot write --out (File exists)"


def test_a_plain_new_out_still_gets_every_record(
    exports: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "records.csv"
    assert main(["import", *map(str, exports), "--out", str(out), "--source", "db"]) == 0
    assert capsys.readouterr().out.strip() == f"8 records -> {out}"
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 9 and rows[1].startswith("db:2-s2.0-")


def test_quiet_prints_only_the_result_line(exports: list[Path], tmp_path: Path) -> None:
    """README: ``livingreview -q COMMAND`` logs only warnings and errors; the files read are
    logged as information, as a configured import logs them."""

    def run(*options: str) -> subprocess.CompletedProcess:
        args = [*options, "import", *map(str, exports), "--out", str(tmp_path / "r.csv")]
        command = [sys.executable, "-m", "livingreview", *args]
        return subprocess.run(command, capture_output=True, text=True, check=True)

    quiet = run("-q")
    assert (quiet.stdout, quiet.stderr) == (f"8 records -> {tmp_path / 'r.csv'}\n", "")
    told = run().stderr.splitlines()
    assert told == [
        f"livingreview.import: {exports[0]}: 3 records (ris, utf-8)",
        f"livingreview.import: {exports[1]}: 5 records (wos, utf-8)",
    ]
