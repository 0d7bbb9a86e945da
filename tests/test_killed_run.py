"""A run killed outright (``kill -9``, the out-of-memory killer) inside a write.

Every file is written to a temporary file beside it, then renamed: a run killed between the two
leaves the temporary file, whole, beside the file it was writing. In the history folder (no
Snakemake output, committed with the round's snapshot) nothing deleted it, so it stayed there
run after run. The run after a kill now deletes it before its first job.

The kill is made deterministic by a ``sitecustomize`` module on the run's ``PYTHONPATH``: it
sends SIGKILL to the run's process group (the ``snakemake`` process and its jobs) just before
the rename of the temporary file of the file named by ``LIVINGREVIEW_TEST_KILL_AT``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from livingreview.fileio import TEMP_NAME, leftover_temp_files, remove_leftover_temp_files
from tests.conftest import REPO_ROOT
from tests.pipeline import OFFLINE_ENV, run_pipeline

HOOK = """
import os
import signal

_TARGET = os.environ.get("LIVINGREVIEW_TEST_KILL_AT", "")
_replace = os.replace


def _replace_or_die(src, dst, *args, **kwargs):
    if _TARGET and os.fspath(src).endswith(".tmp") and os.fspath(dst).endswith(_TARGET):
        os.killpg(0, signal.SIGKILL)
    return _replace(src, dst, *args, **kwargs)


os.replace = _replace_or_die
"""


def killed_run(workdir: Path, target: str) -> int:
    """Run the demo review in ``workdir`` (its own process group, the paths of
    :func:`tests.pipeline.run_pipeline`), killed with SIGKILL just before the file ending in
    ``target`` takes its place; returns the exit status."""
    hook = workdir.parent / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    paths = {"human_input": str(REPO_ROOT / "demo/human"), "outputs": str(workdir / "outputs")}
    overrides = {"paths": paths, "search": {"replay_dir": str(REPO_ROOT / "demo/snapshot")}}
    (workdir / "paths.yaml").write_text(yaml.safe_dump(overrides), encoding="utf-8")
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(REPO_ROOT / "Snakefile"),
        "--directory", str(workdir), "--cores", "2", "--configfile",
        str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml"),
        str(workdir / "paths.yaml"),
    ]  # fmt: skip
    path = os.pathsep.join([str(hook), *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {**os.environ, **OFFLINE_ENV, "PYTHONPATH": path, "LIVINGREVIEW_TEST_KILL_AT": target}
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, check=False, start_new_session=True
    )
    return done.returncode


@pytest.mark.slow
def test_a_run_killed_inside_a_history_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    workdir = tmp_path / "review"
    workdir.mkdir()
    history = workdir / "outputs/library_history/2025.1"
    assert killed_run(workdir, "library_history/2025.1/round.json") == -signal.SIGKILL
    left = leftover_temp_files(history)
    assert [p.name[: -len(".0123456789ab.tmp")] for p in left] == [".round.json"]

    assert run_pipeline(workdir, None, "--unlock").returncode == 0
    again = run_pipeline(workdir, None)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"livingreview: removed {left[0]}, left by a run that was stopped" in again.stderr
    assert (history / "round.json").is_file()
    assert leftover_temp_files(workdir) == []


def test_only_the_temporary_files_of_atomic_writes_are_removed(tmp_path: Path) -> None:
    kept = ["records.csv", ".records.csv.tmp", "notes.0123456789ab.tmp", ".a.0123456789AB.tmp"]
    left = [".records.csv.0123456789ab.tmp", "2025.1/report/.index.html.fedcba987654.tmp"]
    for name in kept + left:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    removed = remove_leftover_temp_files([tmp_path, tmp_path / "2025.1"])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in removed) == sorted(left)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(kept)
    assert all(TEMP_NAME.fullmatch(Path(name).name) for name in left)


# A write of another live process (a `livingreview` command run by hand beside Snakemake, or a
# second Snakemake run whose targets do not overlap, which Snakemake's lock lets start): it
# pauses just before its rename until told to go on.
WRITER = """
import os
import sys
import time
import time
from pathlib import Path

from livingreview.fileio import atomic_write_text

_replace = os.replace


def _replace_when_told(src, dst, *args, **kwargs):
    Path(sys.argv[2]).write_text("ready", encoding="utf-8")
    while not Path(sys.argv[3]).exists():
        time.sleep(0.01)
    return _replace(src, dst, *args, **kwargs)


os.replace = _replace_when_told
atomic_write_text(Path(sys.argv[1]), "rounds: []\\n")
"""


def paused_writer(target: Path, ready: Path, go: Path) -> subprocess.Popen[bytes]:
    """A process writing ``target`` with an atomic write, paused before its rename."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(ready), str(go)])
    for _ in range(3000):
        if ready.exists() or writer.poll() is not None:
            break
        time.sleep(0.01)
    assert ready.exists(), "the writer never reached its rename"
    return writer


def test_a_file_a_live_process_is_writing_is_kept_and_a_killed_ones_removed(
    tmp_path: Path,
) -> None:
    history = tmp_path / "library_history"
    target, go = history / "rounds.yaml", tmp_path / "go"
    writer = paused_writer(target, tmp_path / "ready", go)
    (live,) = leftover_temp_files(history)
    assert remove_leftover_temp_files([history]) == []
    assert live.is_file()
    go.touch()
    assert writer.wait(timeout=60) == 0
    assert target.read_text(encoding="utf-8") == "rounds: []\n"
    assert leftover_temp_files(history) == []

    go.unlink()
    killed = paused_writer(target, tmp_path / "ready again", go)
    killed.kill()
    killed.wait(timeout=60)
    (left,) = leftover_temp_files(history)
    assert remove_leftover_temp_files([history]) == [left]
    assert leftover_temp_files(history) == []
    assert target.read_text(encoding="utf-8") == "rounds: []\n"
