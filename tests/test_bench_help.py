"""Each benchmark bench/README.md tells people to run answers `--help` with its usage, and every
option it lists there is documented in bench/README.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

# bench/replay_pipeline.py is the machinery two benchmarks share, not a command of its own
COMMANDS = sorted(
    p.name for p in (REPO_ROOT / "bench").glob("*.py") if p.name != "replay_pipeline.py"
)


@pytest.mark.parametrize("script", COMMANDS)
def test_help_prints_the_usage_runs_nothing_and_its_options_are_documented(
    script: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / script), "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("usage: ")
    assert list(tmp_path.iterdir()) == []  # nothing run, nothing written
    readme = (REPO_ROOT / "bench/README.md").read_text(encoding="utf-8")
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", result.stdout)) - {"--help"}
    assert sorted(o for o in options if o not in readme) == []
