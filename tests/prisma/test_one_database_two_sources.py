"""One database searched twice (MEDLINE through PubMed and through Web of Science, or two
exports of one interface): every source of that database is named with its platform, so the
PRISMA box "Records identified from each database" and the reporting checklist tell them apart.
Before, only the second got its platform ("MEDLINE", "MEDLINE (Ovid)") and the checklist named
neither ("MEDLINE last searched 2025-01-15; MEDLINE last searched 2025-01-17")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from livingreview.config import load_config, validate_config
from livingreview.importing import run_import
from livingreview.prisma.collect import identification
from livingreview.prisma.ledger import Column
from livingreview.prisma_s import source_labels, summary_rows
from livingreview.report import checklist
from tests.conftest import REPO_ROOT, require_shared

EXPORTS = {  # import name -> (database, platform, real export)
    "medline_nbib": ("MEDLINE", "PubMed", "nbib/synthesisr_PubMed.nbib.txt"),
    "medline_ris": ("MEDLINE", "", "ris/citesource_pubmed_via_refmanager_46.ris"),
    "psycinfo": ("APA PsycInfo", "APA PsycNET", "ris/colrev_psycnet_psycinfo_anonymized.ris"),
}


def _protocol(tmp_path: Path) -> dict[str, Any]:
    """The shipped protocol with the three real exports as its only searches."""
    config = load_config([REPO_ROOT / "config/config.yaml"])
    (tmp_path / "human").mkdir()
    config["paths"] = {"human_input": str(tmp_path / "human"), "outputs": str(tmp_path / "out")}
    config["deduplication"]["history_dir"] = str(tmp_path / "history")
    config.pop("sources")
    config["imports"] = {}
    for name, (database, platform, export) in EXPORTS.items():
        file = Path(export).name
        shutil.copy(require_shared(f"data/sources/exports/{export}"), tmp_path / "human" / file)
        spec = {"database": database, "files": [file], "searched_on": "2025-01-15"}
        config["imports"][name] = {**spec, **({"platform": platform} if platform else {})}
    return validate_config(config)


def test_each_source_of_a_repeated_database_is_named_with_its_platform() -> None:
    rows = [
        {"source": "embase", "database": "Embase", "platform": "Embase.com"},
        {"source": "ovid", "database": "MEDLINE", "platform": "Ovid"},
        {"source": "pubmed", "database": "MEDLINE", "platform": "PubMed"},
        {"source": "pubmed_2", "database": "MEDLINE", "platform": "PubMed"},
        {"source": "lens", "database": "", "platform": "Lens.org"},
    ]
    assert source_labels(rows) == [
        "Embase",
        "MEDLINE (Ovid)",
        "MEDLINE (PubMed, pubmed)",
        "MEDLINE (PubMed, pubmed_2)",
        "lens",
    ]
    # A source named like another's platform, and one without a platform: no "None", no "(, x)".
    clash = [
        {"source": "x", "database": "MEDLINE", "platform": "y"},
        {"source": "y", "database": "MEDLINE", "platform": None},
        {"source": "z", "database": "MEDLINE", "platform": ""},
    ]
    assert source_labels(clash) == ["MEDLINE (y, x)", "MEDLINE (y)", "MEDLINE (z)"]


def test_the_prisma_box_and_the_checklist_tell_the_two_medline_exports_apart(
    tmp_path: Path,
) -> None:
    config = _protocol(tmp_path)
    manifests = [run_import(config, name, tmp_path / "out/search" / name) for name in EXPORTS]
    retrieved = {m["source"]: m["retrieved"] for m in manifests}
    library = tmp_path / "out/library"
    library.mkdir(parents=True)
    counts = {"records_identified_by_source": retrieved, "duplicates_removed": 0}
    (library / "counts.json").write_text(json.dumps(counts), encoding="utf-8")
    column = Column("2025.1")
    identification(config, tmp_path / "out", column)
    assert column.items("database_specific_results") == (
        ("MEDLINE (PubMed)", retrieved["medline_nbib"]),
        ("MEDLINE (medline_ris)", retrieved["medline_ris"]),
        ("APA PsycInfo", retrieved["psycinfo"]),
    )
    rows = summary_rows(manifests)
    read = {"prisma_s": rows, "prisma_ledger": None}
    facts = checklist.Facts(config, read, tmp_path / "out", frozenset())
    dated = checklist._sources_dated(facts, rows).what
    assert dated.startswith("MEDLINE (PubMed) last searched 2025-01-15; MEDLINE (medline_ris)")
    totals = checklist._totals(facts, rows).what
    assert f"MEDLINE (medline_ris) {retrieved['medline_ris']}; APA PsycInfo" in totals
    strategies = checklist._strategies(facts, rows).what
    assert "none recorded for MEDLINE (PubMed), MEDLINE (medline_ris), APA PsycInfo" in strategies
