"""Checks shared by the tests of the format readers written against invented files."""

from __future__ import annotations

from pathlib import Path

import pytest

import livingreview.imports as imports
from livingreview.cli import main
from livingreview.errors import ImportReconciliationError


def scan_missing_a_start_fails(monkeypatch: pytest.MonkeyPatch, fmt: str, path: Path) -> None:
    """With the format's scan finding one record start fewer, the import fails reconciliation."""
    scan, parse = imports._PARSERS[fmt]
    monkeypatch.setitem(imports._PARSERS, fmt, (lambda text: scan(text)[1:], parse))
    found = len(scan(path.read_text(encoding="utf-8")))
    with pytest.raises(ImportReconciliationError, match=f"has {found - 1} records but the {fmt}"):
        imports.import_file(path, "x")


def command_line_exits_2(path: Path, capsys: pytest.CaptureFixture[str], expected: str) -> None:
    """``livingreview import`` on a malformed file: exit 2, ``expected`` said, no traceback."""
    out = path.with_suffix(".csv")
    assert main(["import", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()
