"""Fixtures for the import tests: where the real exports are, and mutated copies of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_shared
from tests.imports import Real, Variant


@pytest.fixture
def sources() -> Path:
    """``../shared/data/sources`` (skipped when absent, failed when CI=true)."""
    return require_shared("data/sources")


@pytest.fixture
def real(sources: Path) -> Real:
    """Path of a real file under ``data/sources``, failing the test if it is missing."""

    def get(relative: str) -> Path:
        path = sources / relative
        assert path.is_file(), f"real sample {relative} missing from {sources}"
        return path

    return get


@pytest.fixture
def variant_file(tmp_path: Path) -> Variant:
    """Write mutated bytes of a real file into ``tmp_path`` (never into the repository)."""

    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
