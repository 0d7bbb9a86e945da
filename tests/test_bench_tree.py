"""bench/dedup.py measures the engine of the tree it is in: a copy of another commit (a git
archive) compared with this one must not measure the environment's installed package."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, require_shared

RUN = """
import importlib.util, json, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("dedup", sys.argv[1])
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
result = bench.run_ours(Path(sys.argv[2]), [])
print(json.dumps([len(result["groups"]), sys.modules["livingreview"].__file__]))
"""


def test_the_bench_of_a_copied_tree_runs_that_tree_s_engine(tmp_path: Path) -> None:
    # Before: run_ours imported livingreview before _load put the tree's workflow/ first, so a
    # git archive's bench measured the installed (editable) package of another checkout.
    labelled = require_shared("bench/dedup/neuroimaging")
    tree = tmp_path / "tree"
    (tree / "bench").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "bench" / "dedup.py", tree / "bench" / "dedup.py")
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO_ROOT / "workflow", tree / "workflow", ignore=skip)
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(tree / "bench" / "dedup.py"), str(labelled)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    records, engine = json.loads(result.stdout.strip().splitlines()[-1])
    assert records > 1000
    assert Path(engine).is_relative_to(tree / "workflow")
