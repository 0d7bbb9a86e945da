"""The demo's outputs with title/abstract screening still in progress (five records not decided
yet), and a protocol overlay pointing the demo review at them."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from livingreview.prisma import collect
from tests.conftest import REPO_ROOT


def demo_with_screening_pending(demo_outputs: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of ``demo_outputs`` under ``tmp_path`` missing its last five final screening
    decisions; returns the outputs folder and the overlay (paths, replay, history) to load
    after config/config.yaml and demo/config.yaml."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    final = outputs / collect.FINAL_SCREENING
    lines = final.read_text(encoding="utf-8").splitlines(keepends=True)
    final.write_text("".join(lines[:-5]), encoding="utf-8")  # five records not decided yet
    overlay = tmp_path / "paths.yaml"
    overlay.write_text(
        yaml.safe_dump(
            {
                "paths": {"human_input": str(REPO_ROOT / "demo/human"), "outputs": str(outputs)},
                "search": {"replay_dir": str(REPO_ROOT / "demo/snapshot")},
                "deduplication": {"history_dir": str(outputs / "library_history")},
            }
        ),
        encoding="utf-8",
    )
    return outputs, overlay
