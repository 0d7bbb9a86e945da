"""Shared fixtures: the location of ../shared (real third-party data) and the replay server."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.replay_server import ReplayServer

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = (REPO_ROOT / ".." / "shared").resolve()


def pytest_configure(config: pytest.Config) -> None:
    """Where the environment forbids bytecode files (``PYTHONDONTWRITEBYTECODE``), every command
    and Snakemake job a test starts would compile the package's sources again: the commands the
    tests start write them (``__pycache__``, git-ignored), as an installed package has them."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # Every rule's `version` param digests the package's files (livingreview.code_version): a
    # test running the pipeline twice sees the code it started with, though the tree is edited
    # meanwhile (tests/test_upgrade.py clears it to see a change).
    from livingreview.code_version import PINNED, code_version

    os.environ.setdefault(PINNED, code_version())


def drop_store(store: Path) -> None:
    """Delete a store of returned work and its kept copy, as a team dropping what it holds on
    purpose does (:func:`livingreview.kept_stores.drop_hint`)."""
    from livingreview.kept_stores import kept_copy

    store.unlink()
    kept_copy(store).unlink(missing_ok=True)


def require_shared(relative: str = "") -> Path:
    """Path inside ../shared; skip when absent, but fail when CI=true."""
    path = SHARED_DIR / relative
    if not path.exists():
        message = f"real test data not found at {path} (clone the project beside ../shared)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared directory with real exports and API payloads."""
    return require_shared()


@pytest.fixture
def sources_dir() -> Path:
    """../shared/data/sources: real API payloads and database exports."""
    return require_shared("data/sources")


@pytest.fixture
def replay_server() -> Iterator[ReplayServer]:
    """A running local HTTP server on 127.0.0.1 for replaying recorded payloads."""
    with ReplayServer() as server:
        yield server


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs folder of one offline run of the whole demo pipeline, shared by the session
    (and, when pytest-xdist runs the tests in several processes, by all of them)."""
    from tests.pipeline import run_pipeline

    def build(workdir: Path) -> None:
        result = run_pipeline(workdir)
        assert result.returncode == 0, result.stderr[-3000:]

    return once_per_session(tmp_path_factory, "demo_run", build) / "outputs"


def once_per_session(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder ``build`` filled once for the whole test session: under pytest-xdist the
    worker processes share the session's temporary root, and the first to ask builds it while
    the others wait on a lock file."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    root = tmp_path_factory.getbasetemp().parent  # shared by this session's workers only
    folder, done = root / name, root / f"{name}.done"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed building it
            folder.mkdir()
            build(folder)
            done.touch()
    return folder
