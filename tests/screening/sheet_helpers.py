"""Screening-sheet test helpers: the demo library, a person filling a sheet, LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.config import load_config
from tests.conftest import REPO_ROOT
from tests.form_helpers import fill_form

LIBRARY_FILES = ("records.csv", "groups.csv", "changelog.csv", "counts.json")


def screening_config(tmp: Path, demo_outputs: Path, **screening: Any) -> dict[str, Any]:
    """The demo protocol with the demo run's library (and automation exclusions) under ``tmp``."""
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    config["paths"] = {"human_input": str(tmp / "human"), "outputs": str(tmp / "outputs")}
    config["screening"].update(screening)
    library = tmp / "outputs/library"
    library.mkdir(parents=True)
    for name in LIBRARY_FILES:
        shutil.copy(demo_outputs / "library" / name, library / name)
    (tmp / "outputs/screening").mkdir()
    shutil.copy(demo_outputs / "screening/automation.csv", tmp / "outputs/screening")
    return config


def returned_dir(config: Mapping[str, Any]) -> Path:
    """The folder where reviewers put their sheets (created)."""
    folder = Path(config["paths"]["human_input"]) / config["screening"]["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sheet_path(
    config: Mapping[str, Any], reviewer: str, round_: int = 1, ext: str = "xlsx"
) -> Path:
    """A sheet written by the export."""
    outputs = Path(config["paths"]["outputs"])
    return outputs / f"screening/title_abstract/title_abstract_round{round_}_{reviewer}.{ext}"


def fill_like_a_person(
    sheet: Path,
    returned: Path,
    decisions: Mapping[str, tuple[str, str, str]],
    *,
    shuffle: bool = True,
) -> None:
    """Type (decision, reason, notes) per study id; with ``shuffle`` also reverse the rows, edit a
    title and add a column; save under a new name.

    Values are written as typed, e.g. ``"Include"`` or a reason label.
    """
    values: dict[str, dict[str, object]] = {
        sid: dict(zip(("decision", "reason", "notes"), typed, strict=True))
        for sid, typed in decisions.items()
        if typed
    }
    if shuffle:  # the row that comes first once reversed gets its title edited
        rows = list(openpyxl.load_workbook(sheet)["Screening"].values)
        header, last = rows[0], rows[-1]
        sid = last[header.index("study_id")]
        title = f"{last[header.index('title')]} (typo fixed)"
        values[sid] = {**values.get(sid, {}), "title": title}
    fill_form(sheet, "Screening", "study_id", values, returned, shuffle=shuffle)


def libreoffice_resave(path: Path, target: str, outdir: Path, home: Path) -> Path:
    """``path`` re-saved by LibreOffice headless as ``target`` (xlsx or csv); skip without it."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) is not installed")
    filters = {
        "xlsx": "xlsx:Calc MS Excel 2007 XML",
        "csv": "csv:Text - txt - csv (StarCalc):44,34,76",
    }
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            filters[target],
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(home)},
    )
    return outdir / f"{path.stem}.{target}"
