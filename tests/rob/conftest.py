"""Fixtures for the risk-of-bias tests: the robvis and NOS example tables in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_shared

#: robvis example table → the tool it is plotted with
ROBVIS_EXAMPLES = {
    "robvis_data_rob2.csv": "rob2",
    "robvis_data_rob2_cluster.csv": "rob2-cluster",
    "robvis_data_robins_i.csv": "robins-i",
    "robvis_data_robins_e.csv": "robins-e",
    "robvis_data_quadas.csv": "quadas-2",
    "robvis_data_quips.csv": "quips",
    "robvis_data_rob1.csv": "generic",
}


@pytest.fixture
def rob_dir() -> Path:
    """../shared/data/rob: robvis example tables, NOS example, items and thresholds."""
    return require_shared("data/rob")
