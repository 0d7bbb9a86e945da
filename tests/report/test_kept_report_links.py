"""A version's kept report links to the living PRISMA diagrams of its own version.

The scheduled job keeps each version's diagrams beside its kept report
(``<history_dir>/<version>/prisma/``), where the main diagram's link ``../prisma/flow.svg`` finds
them. The living layouts were linked into the outputs folder instead, whose diagrams the next
version redraws, so version 2's kept report opened version 3's figures.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from livingreview.prisma.layouts import LIVING_LAYOUTS
from livingreview.report.render import publish
from tests.report.test_changes import next_version


def test_the_kept_report_links_the_living_diagrams_kept_beside_it(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    ledger_path = outputs / "prisma/ledger.json"
    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    second = {**ledger["rounds"][0], "label": "2025.2", "round": 2}
    ledger.update(version="2025.2", round=2, rounds=[ledger["rounds"][0], second])
    ledger_path.write_text(json.dumps(ledger), encoding="utf-8")
    living = outputs / "prisma/living"
    living.mkdir(exist_ok=True)
    for layout in LIVING_LAYOUTS:
        shutil.copy(outputs / "prisma/flow.svg", living / f"{layout}.svg")

    publish(config, outputs, outputs / "report")

    kept = outputs / "library_history/2025.2/report"
    for folder in (outputs / "report", kept):
        markdown = (folder / "report.md").read_text(encoding="utf-8")
        html = (folder / "index.html").read_text(encoding="utf-8")
        linked = re.findall(r"\]\(([^)]*prisma/[^)]*)\)", markdown)
        linked += re.findall(r'href="([^"]*prisma/[^"]*)"', html)
        assert all(link.startswith("../prisma/") for link in linked), (folder, linked)
        for layout in LIVING_LAYOUTS:  # in both pages
            assert linked.count(f"../prisma/living/{layout}.svg") == 2, (folder, layout)
