"""Shared fixtures: the location of ../shared (real third-party data) and the replay server."""

from __future__ import annotations

import os
from collections.abc import Iterator
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
    """The outputs folder of one offline run of the whole demo pipeline, shared by the session."""
    from tests.pipeline import run_pipeline

    workdir = tmp_path_factory.mktemp("demo_run")
    result = run_pipeline(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir / "outputs"
