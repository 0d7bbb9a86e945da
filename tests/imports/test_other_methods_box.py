"""``imports.<name>.prisma_box`` names PRISMA 2020's other-methods boxes too: a real export
(Publish or Perish's Google Scholar JSON) imported as a citation search is counted in the
"Citation searching" box and its studies in the other-methods arm."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from livingreview.config import load_config, validate_config
from livingreview.errors import ConfigError
from livingreview.importing import run_import
from livingreview.prisma.collect import BOX_OF_KIND, identification
from livingreview.prisma.ledger import Column
from livingreview.screening.assignment import other_method_sources
from tests.conftest import REPO_ROOT, require_shared

EXPORT = "data/sources/exports/google_scholar/colrev_publish_or_perish_gs.json"


def protocol(tmp_path: Path, box: str) -> dict[str, Any]:
    """The shipped protocol with one import only, of the real export, in ``box``."""
    config = load_config([REPO_ROOT / "config/config.yaml"])
    (tmp_path / "human").mkdir()
    shutil.copy(require_shared(EXPORT), tmp_path / "human/citing.json")
    config["paths"] = {"human_input": str(tmp_path / "human"), "outputs": str(tmp_path / "out")}
    config["deduplication"]["history_dir"] = str(tmp_path / "history")
    config["sources"] = {
        name: {**spec, "enabled": False} for name, spec in config["sources"].items()
    }
    config["imports"] = {
        "citing": {
            "database": "Google Scholar citing articles",
            "platform": "Publish or Perish",
            "files": ["citing.json"],
            "searched_on": "2024-11-25",
            "prisma_box": box,
        }
    }
    return config


@pytest.mark.parametrize("box", ["websites", "organisations", "citation_searching"])
def test_an_other_methods_box_is_accepted_and_counted_there(tmp_path: Path, box: str) -> None:
    config = validate_config(protocol(tmp_path, box))
    assert other_method_sources(config) == {"citing"}
    manifest = run_import(config, "citing", tmp_path / "out/search/citing")
    assert manifest["prisma_box"] == box and manifest["retrieved"] > 0
    library = tmp_path / "out/library"
    library.mkdir(parents=True)
    counts = {"records_identified_by_source": {"citing": manifest["retrieved"]}}
    (library / "counts.json").write_text(json.dumps({**counts, "duplicates_removed": 0}), "utf-8")
    column = Column("2025.1")
    assert identification(config, tmp_path / "out", column) == {"citing": box}
    assert column.n(BOX_OF_KIND[box]) == manifest["retrieved"]
    assert column.n("database_results") == 0 and column.items("database_specific_results") == ()


def test_an_unknown_box_names_the_key_and_the_boxes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        validate_config(protocol(tmp_path, "citations"))
    message = str(error.value)
    assert "imports.citing.prisma_box" in message and "citation_searching" in message
