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


LOW_EXCEPT = "Low (except for concerns about uncontrolled confounding)"
#: a ROBINS-I V2 table in robvis' layout (invented: robvis has no V2 example, issue #156); its
#: Overall is the worst domain's
ROBINS_I_V2_TABLE = f"""Study,D1,D2,D3,D4,D5,D6,D7,Overall
Study 1,{LOW_EXCEPT},Low,Low,Low,Low,Low,Low,{LOW_EXCEPT}
Study 2,Moderate,Low,Critical,Low,Moderate,Moderate,Moderate,Critical
Study 3,Moderate,Low,Moderate,Low,Low,Low,Moderate,Moderate
Study 4,Serious,Low,Serious,Serious,Low,Low,Low,Serious
Study 5,Serious,Moderate,Low,Low,Moderate,Moderate,Low,Serious
Study 6,{LOW_EXCEPT},Low,Low,Low,Moderate,Low,Low,Moderate
Study 7,Moderate,Moderate,Low,Moderate,Moderate,Serious,Moderate,Serious
Study 8,{LOW_EXCEPT},Serious,Low,Low,Serious,Moderate,Low,Serious
Study 9,Moderate,Low,Moderate,Low,Low,Low,Low,Moderate
Study 10,Critical,Low,Low,Low,Serious,Moderate,Serious,Critical
"""
