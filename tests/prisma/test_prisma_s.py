"""The PRISMA-S table of the demo run: software version per source and the deduplication method."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from livingreview import __version__


def test_prisma_s_names_software_and_deduplication(demo_outputs: Path) -> None:
    with (demo_outputs / "search/prisma_s.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        manifest = json.loads(
            (demo_outputs / f"search/{row['source']}/manifest.json").read_text(encoding="utf-8")
        )
        assert row["software_version"] == manifest["software_version"] != ""
    summary = (demo_outputs / "search/prisma_s.md").read_text(encoding="utf-8")
    method = summary.split("## Deduplication", 1)[1]
    assert f"livingreview {__version__}" in method
    assert "conference vs article: distinct" in method and "max year gap: 1" in method
