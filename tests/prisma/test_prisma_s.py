"""The PRISMA-S table of the demo run: software version per source and the deduplication method."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from livingreview import __version__
from livingreview.prisma_s import render_markdown


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


def test_an_export_without_a_query_says_so_instead_of_an_empty_block(demo_outputs: Path) -> None:
    """Before, an import with no ``query`` gave an empty code block under its name."""
    with (demo_outputs / "search/prisma_s.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["query"] = ""
    summary = render_markdown(rows, "A review", demo=False).split("## Exact queries", 1)[1]
    first, second = (r["source"] for r in rows[:2])
    blocks = summary.split(f"**{second}**", 1)
    assert "_No query recorded in the protocol._" in blocks[0]
    assert "```" not in blocks[0] and first in blocks[0]
    assert f"```\n{rows[1]['query']}\n```" in blocks[1]
