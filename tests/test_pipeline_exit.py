"""Snakemake's process ends without the cycle collector going over all it holds again: the
Snakefile sets its objects aside once read (``gc.freeze``), and again once a run succeeded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.pipeline import run_pipeline

# Loaded by every Python process of the run (on PYTHONPATH); only Snakemake's reports, from its
# last exit handler: how many objects are frozen and how many the collector would still go over.
HOOK = """
import atexit, gc, json, os, sys

def _report():
    if sys.argv[0].endswith(os.path.join("snakemake", "__main__.py")):
        with open(os.environ["GC_AT_EXIT"], "a", encoding="utf-8") as handle:
            counts = {"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects())}
            handle.write(json.dumps(counts) + "\\n")

atexit.register(_report)
"""


@pytest.mark.slow
def test_snakemakes_objects_are_left_out_of_the_collectors_passes_at_exit(tmp_path: Path) -> None:
    # Before: a run with nothing to do ended with about 150,000 objects in the collector's
    # passes, an update with about 280,000 (1.0 CPU s of Snakemake's own 3.5 at exit).
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    counts = tmp_path / "counts.jsonl"
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH", "")) if p)
    env = {"PYTHONPATH": path, "GC_AT_EXIT": str(counts)}
    workdir = tmp_path / "review"
    workdir.mkdir()
    target = str(workdir / "outputs/search/prisma_s.md")  # searches, imports, an in-process step
    for _ in ("run", "nothing to do"):
        result = run_pipeline(workdir, env, "--keep-going", target)  # the flag ends --configfile
        assert result.returncode == 0, result.stderr[-3000:]
    ran, idle = (json.loads(line) for line in counts.read_text(encoding="utf-8").splitlines())
    assert not (workdir / "outputs/run_manifest.json").exists()  # a run of one target: none
    for exit_counts in (ran, idle):
        assert exit_counts["frozen"] > 10 * exit_counts["tracked"], exit_counts
