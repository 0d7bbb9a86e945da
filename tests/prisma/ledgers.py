"""Handmade ledger columns for the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from livingreview.prisma.ledger import Column
from tests.conftest import REPO_ROOT

DEMO_CONFIG = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]


def demo_override(path: Path, outputs: Path, **settings: Any) -> Path:
    """Write ``path``: the settings that point the demo's protocol at ``outputs`` (a copy of a
    demo run's outputs), and any other ``settings``."""
    paths = {"outputs": str(outputs), "human_input": str(REPO_ROOT / "demo/human")}
    history = {"history_dir": str(outputs / "library_history")}
    text = yaml.safe_dump({**settings, "paths": paths, "deduplication": history})
    path.write_text(text, encoding="utf-8")
    return path


def consistent(label: str = "r1", previous: int | None = None) -> Column:
    """A complete new-review column in which every relation holds."""
    column = Column(label)
    column.numbers.update(
        database_results=100,
        register_results=10,
        duplicates=20,
        excluded_automatic=5,
        excluded_other=5,
        records_screened=80,
        records_excluded=60,
        records_excluded_human=55,
        records_excluded_automation=5,
        dbr_sought_reports=20,
        dbr_notretrieved_reports=2,
        dbr_assessed=18,
        dbr_included_reports=8,
        website_results=4,
        organisation_results=1,
        citations_results=3,
        other_sought_reports=6,
        other_notretrieved_reports=1,
        other_assessed=5,
        other_included_reports=2,
        new_studies=7,
        new_reports=10,
    )
    column.lists.update(
        database_specific_results=(("MEDLINE", 60), ("Embase", 40)),
        register_specific_results=(("ClinicalTrials.gov", 10),),
        dbr_excluded=(("Wrong population", 6), ("Wrong outcome", 4)),
        other_excluded=(("Wrong design", 3),),
    )
    if previous is not None:
        column.numbers.update(
            previous_studies=previous,
            previous_reports=previous + 2,
            total_studies=previous + 7,
            total_reports=previous + 12,
        )
    return column


def identified_only(label: str, databases: int, duplicates: int, automatic: int) -> Column:
    """A round whose identification is done and nothing after it (no registers, nothing else
    removed)."""
    column = Column(label)
    column.numbers.update(
        database_results=databases,
        register_results=0,
        duplicates=duplicates,
        excluded_automatic=automatic,
        excluded_other=0,
    )
    return column
