"""``livingreview report --out-dir``: a preview in a folder of one's own leaves the version's kept
report in the history folder (the copy a team commits) as the pipeline wrote it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from tests.conftest import REPO_ROOT


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_preview_leaves_the_kept_report_alone(
    demo_outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    history = outputs / "library_history"
    overlay = {
        "paths": {"outputs": str(outputs), "human_input": str(REPO_ROOT / "demo/human")},
        "deduplication": {"history_dir": str(history)},
        "review": {"registration": "PROSPERO CRD42099000001 (a draft being tried)"},
    }
    override = tmp_path / "preview.yaml"
    override.write_text(yaml.safe_dump(overlay), encoding="utf-8")
    protocol = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml", override]
    kept = files(history)
    assert any(name.endswith("report/index.html") for name in kept)
    preview = tmp_path / "preview"

    assert main(["report", "--out-dir", str(preview), "--configfile", *map(str, protocol)]) == 0
    assert capsys.readouterr().out.strip() == str(preview / "index.html")
    assert "CRD42099000001" in (preview / "index.html").read_text(encoding="utf-8")
    assert (preview / "prisma_checklist.csv").exists()
    assert files(history) == kept  # the kept copy and frozen state as the pipeline left them
    assert files(outputs / "report") == files(demo_outputs / "report")
