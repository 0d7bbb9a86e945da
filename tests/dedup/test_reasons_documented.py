"""An auditor reading why two records were merged: every reason the demo's pairs.csv gives, and
every identifier link's, is explained in the README (a reader has no code to look it up in)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from livingreview.dedup.library import LINK_REASONS
from livingreview.dedup.register_links import LISTED_ID, SAME_ID
from tests.conftest import REPO_ROOT


def _readme_spans() -> set[str]:
    """The README's code spans (fenced blocks aside), a span broken over two lines read as one."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M))
    return set(re.findall(r"`([^`]+)`", text))


def test_every_reason_of_the_demos_pairs_is_explained_in_the_readme(demo_outputs: Path) -> None:
    with (demo_outputs / "library_history/2025.1/pairs.csv").open(encoding="utf-8") as handle:
        reasons = {row["reason"] for row in csv.DictReader(handle)}
    # The demo's 361 pairs give seven reasons, "same unsigned title, two fields agree" among them.
    assert len(reasons) >= 7
    missing = reasons - _readme_spans()
    assert not missing, f"pairs.csv reasons the README does not name: {sorted(missing)}"


def test_every_identifier_links_reason_is_explained_in_the_readme() -> None:
    reasons = {*LINK_REASONS.values(), SAME_ID, LISTED_ID}
    assert reasons - _readme_spans() == set()
