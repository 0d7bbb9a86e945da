"""Fixtures for the appraisal tests: the robvis and NOS examples in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_shared


@pytest.fixture
def rob_dir() -> Path:
    """../shared/data/rob: robvis example tables and the critiplot NOS example."""
    return require_shared("data/rob")
