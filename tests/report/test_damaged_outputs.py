"""A damaged JSON output the report reads is one clear error: file, line, what was expected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

DEMO_CONFIG = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]


def _status(tmp_path: Path, outputs: Path) -> subprocess.CompletedProcess[str]:
    override = tmp_path / "outputs.yaml"
    override.write_text(yaml.safe_dump({"paths": {"outputs": str(outputs)}}), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "livingreview", "status", "--configfile", *map(str, DEMO_CONFIG),
         str(override)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        # cut short by a full disk: the line the decoder stopped on is named as a line (was: a
        # bare ", 3:" after the file name, the decoder's line number passed as the position)
        (b'{\n  "rounds": [\n    {"round": 1,,\n', "line 3: invalid JSON"),
        # saved by hand in another encoding (was: a UnicodeDecodeError traceback)
        ('{\n  "label": "Müller"\n}\n'.encode("latin-1"), "line 2: byte 15 is not UTF-8"),
    ],
)
def test_a_damaged_ledger_is_named_with_its_line(
    tmp_path: Path, damaged: bytes, expected: str
) -> None:
    outputs = tmp_path / "outputs"
    ledger = outputs / "prisma" / "ledger.json"
    ledger.parent.mkdir(parents=True)
    ledger.write_bytes(damaged)
    result = _status(tmp_path, outputs)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"livingreview: error: {ledger}, {expected}")


def test_a_table_not_in_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    """(was: a UnicodeDecodeError traceback from read_csv_if_present)"""
    outputs = tmp_path / "outputs"
    included = outputs / "fulltext" / "included_studies.csv"
    included.parent.mkdir(parents=True)
    included.write_bytes("study_id,label\nS1,Müller 2020\n".encode("latin-1"))
    result = _status(tmp_path, outputs)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"livingreview: error: {included}, line 2: byte 19 is not UTF-8"
    )


def test_a_figure_not_in_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    """The PRISMA diagram saved again by a drawing program in Latin-1, as its prologue says
    (review of 567026a: was a UnicodeDecodeError traceback from read_svg_if_present)."""
    outputs = tmp_path / "outputs"
    flow = outputs / "prisma" / "flow.svg"
    flow.parent.mkdir(parents=True)
    flow.write_bytes(
        '<?xml version="1.0" encoding="iso-8859-1"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>Müller 2020</text></svg>\n'.encode("latin-1")
    )
    override = tmp_path / "outputs.yaml"
    override.write_text(yaml.safe_dump({"paths": {"outputs": str(outputs)}}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "livingreview", "report", "--configfile", *map(str, DEMO_CONFIG),
         str(override)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"livingreview: error: {flow}, line 2: byte 91 is not UTF-8")


def test_a_table_cut_short_is_named_with_its_line(tmp_path: Path) -> None:
    """(review of 567026a) a table cut off inside a row (a full disk, an interrupted copy) was
    read with that row's last cells missing, the page and status given as if whole, exit 0."""
    outputs = tmp_path / "outputs"
    included = outputs / "fulltext" / "included_studies.csv"
    included.parent.mkdir(parents=True)
    included.write_text("study_id,label,reports\nS1,Müller 2020,S1\nS2,Lee", encoding="utf-8")
    result = _status(tmp_path, outputs)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"livingreview: error: {included}, line 3: expected the 3 cells of the header, found 2"
    )
