"""The embedded demo: rebuilt identically from the real facts, and run offline end to end."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.config import load_config
from livingreview.demo import build_demo
from livingreview.demo.build import demo_config_files
from livingreview.demo.facts import Window, allocate, read_facts, search_window
from tests.conftest import REPO_ROOT, require_shared
from tests.pipeline import run_pipeline

SOURCES = ["medline", "europepmc", "openalex", "wos", "psycinfo", "google_scholar"]
# Returned sheets (illustrative human work; `livingreview build-demo-human` rebuilds all but dedup).
HUMAN_WORK = (
    "human/dedup/",
    "human/screening/",
    "human/full_text/",
    "human/extraction/",
    "human/risk_of_bias/",
)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_demo_snapshot_is_rebuilt_byte_for_byte_from_the_facts(tmp_path: Path) -> None:
    facts = require_shared("data/dta/records.csv")
    (tmp_path / "config").mkdir()
    (tmp_path / "demo").mkdir()
    shutil.copy(REPO_ROOT / "config/config.yaml", tmp_path / "config/config.yaml")
    shutil.copy(REPO_ROOT / "demo/config.yaml", tmp_path / "demo/config.yaml")
    build_demo(facts, tmp_path / "demo")
    rebuilt = tree(tmp_path / "demo")
    committed = tree(REPO_ROOT / "demo")
    # README files and the illustrative returned sheets (human work) are not built.
    shipped = {k: v for k, v in committed.items() if not k.endswith("README.md")}
    committed = {k: v for k, v in shipped.items() if not k.startswith(HUMAN_WORK)}
    assert sorted(rebuilt) == sorted(committed)
    for name, body in rebuilt.items():
        assert body == committed[name], (
            f"demo/{name} differs from a rebuild: run `livingreview build-demo`"
        )


def test_a_demo_rebuild_neither_replays_nor_keeps_searches_in_the_history_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's history folder (outputs/library_history, relative to where one runs) holds the
    searches a round kept. Before, build-demo kept its searches there too and replayed them when
    run again, so a rebuild from other facts wrote the earlier build's Europe PMC answers."""
    facts = require_shared("data/dta/records.csv")
    for folder in ("config", "demo"):
        (tmp_path / folder).mkdir()
    shutil.copy(REPO_ROOT / "config/config.yaml", tmp_path / "config/config.yaml")
    shutil.copy(REPO_ROOT / "demo/config.yaml", tmp_path / "demo/config.yaml")
    with facts.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    fewer = tmp_path / "fewer.csv"  # half of the papers: other answers from every source
    with fewer.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[: len(rows) // 2])
    monkeypatch.chdir(tmp_path)
    build_demo(fewer, tmp_path / "demo")
    build_demo(facts, tmp_path / "demo")
    assert not (tmp_path / "outputs").exists()
    rebuilt = tree(tmp_path / "demo/snapshot")
    assert rebuilt == tree(REPO_ROOT / "demo/snapshot")


def test_demo_holds_no_abstracts_and_is_labelled() -> None:
    for path in (REPO_ROOT / "demo/snapshot").rglob("meta.json"):
        assert json.loads(path.read_text())["software_version"] == "demo snapshot"
    medline = next((REPO_ROOT / "demo/snapshot/medline").glob("*efetch*.xml")).read_text()
    assert "<PubmedArticle>" in medline and "<Abstract" not in medline
    assert "DEMO SNAPSHOT" in (REPO_ROOT / "demo/config.yaml").read_text()


@pytest.mark.slow
def test_demo_pipeline_runs_offline_and_reproduces_byte_for_byte(tmp_path: Path) -> None:
    runs = []
    for name in ("first", "second"):
        workdir = tmp_path / name
        workdir.mkdir()
        result = run_pipeline(workdir)
        assert result.returncode == 0, result.stderr[-3000:]
        runs.append(workdir / "outputs")

    first, second = (tree(r) for r in runs)
    assert sorted(first) == sorted(second)
    varying = {"run_manifest.json", "protocol.json"}  # wall clock; absolute tmp paths
    for name in first:
        if name not in varying and not name.startswith("logs/"):
            assert first[name] == second[name], name
    # The run manifest vouches for every artefact, and only artefacts: not logs or caches.
    hashed = json.loads(first["run_manifest.json"])["outputs"]
    artefacts = {
        name: hashlib.sha256(body).hexdigest()
        for name, body in first.items()
        if name.split("/")[0] not in {"logs", ".cache", ".pacing", ".kept"}
        and name != "run_manifest.json"
    }
    assert hashed == artefacts and "report/index.html" in hashed
    # ... and every file people put in the human-input folder (exports, returned sheets).
    manifest = json.loads(first["run_manifest.json"])
    human = {n: hashlib.sha256(b).hexdigest() for n, b in tree(REPO_ROOT / "demo/human").items()}
    assert manifest["human_input"] == human and "exports/web_of_science.ris" in human
    assert manifest["library_history"] == {}  # the demo keeps its history inside outputs/
    assert any(name.startswith(".cache/") for name in first)  # there were caches to leave out
    assert ".kept/screening/decisions.csv" in first  # and copies of the stores

    identified = runs[0] / "search/identified.csv"
    with identified.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    per_source = {s: sum(1 for r in rows if r["source"] == s) for s in SOURCES}
    for source in SOURCES:
        manifest = json.loads((runs[0] / f"search/{source}/manifest.json").read_text())
        assert manifest["complete"] is True
        assert manifest["retrieved"] == manifest["reported_total"] == per_source[source] > 0
        assert manifest["ran_at"].startswith("2024-11-25")
    assert json.loads((runs[0] / "search/medline/manifest.json").read_text())["mode"] == "replay"
    summary = (runs[0] / "search/prisma_s.md").read_text()
    assert "Demo snapshot" in summary and f"**{len(rows)}**" in summary
    for path in runs[0].rglob("*"):
        if path.is_file():
            assert b"demo-secret-key-0123" not in path.read_bytes(), path
    check_library(runs[0], rows)
    check_rerun_and_snakemake_report(runs[0].parent)


def check_rerun_and_snakemake_report(workdir: Path) -> None:
    """A re-run with nothing changed does nothing; ``snakemake --report`` works offline."""
    before = tree(workdir / "outputs")
    rerun = run_pipeline(workdir, None, "--dry-run")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "Nothing to be done" in rerun.stdout + rerun.stderr
    bundle = workdir / "snakemake_report.html"
    made = run_pipeline(workdir, None, "--report", str(bundle))
    assert made.returncode == 0, made.stderr[-3000:]
    page = bundle.read_text(encoding="utf-8")
    assert "Evidence summary" in page and 'src="http' not in page
    after = tree(workdir / "outputs")
    assert after == before


def check_library(outputs: Path, identified: list[dict[str, str]]) -> None:
    """The library step: every record in one study, PRISMA counts, the demo decisions applied."""
    counts = json.loads((outputs / "library/counts.json").read_text())
    with (outputs / "library/groups.csv").open(encoding="utf-8") as handle:
        groups = {r["record_id"]: r["study_id"] for r in csv.DictReader(handle)}
    with (outputs / "library/records.csv").open(encoding="utf-8") as handle:
        studies = list(csv.DictReader(handle))
    assert set(groups) == {r["record_id"] for r in identified}
    assert counts["records_identified"] == len(identified)
    assert counts["records_identified_by_source"] == {
        s: sum(1 for r in identified if r["source"] == s) for s in sorted(SOURCES)
    }
    assert counts["new_studies"] == len(studies) == len(set(groups.values()))
    assert counts["duplicates_removed"] == len(identified) - len(studies) > 0
    sources = [s["source_records"].split(";") for s in studies]
    assert sorted(rid for rids in sources for rid in rids) == sorted(groups)
    # The illustrative returned sheet in demo/human/dedup decides two pairs; one stays open.
    with (outputs / "library/decisions.csv").open(encoding="utf-8") as handle:
        decisions = list(csv.DictReader(handle))
    assert counts["maybe_decisions_applied"] == len(decisions) == 2
    for d in decisions:
        assert d["file"] == "dedup/maybe_pairs_demo_illustrative.xlsx" and d["decision"]
        assert groups[d["record_a"]] == groups[d["record_b"]]
    with (outputs / "library/maybe_pairs.csv").open(encoding="utf-8") as handle:
        pending = list(csv.DictReader(handle))
    assert counts["maybe_pairs_pending"] == len(pending) >= 1
    sheet = openpyxl.load_workbook(outputs / "dedup/maybe_pairs.xlsx")["Maybe pairs"]
    assert sheet.max_row == len(pending) + 1


def demo_protocol() -> dict[str, Any]:
    return load_config(demo_config_files(REPO_ROOT / "demo"))


def test_demo_allocation_mimics_database_coverage() -> None:
    facts = require_shared("data/dta/records.csv")
    config = demo_protocol()
    holdings = allocate(read_facts(facts), lambda name: search_window(config, name))
    assert all(p.pmid for p in holdings["medline"])
    assert all(p.doi for p in holdings["openalex"])
    assert all(2010 <= p.year_int <= 2024 for p in holdings["wos"])
    keys = {name: {p.key for p in papers} for name, papers in holdings.items()}
    assert keys["medline"] & keys["wos"] & keys["psycinfo"], (
        "the same paper must recur across sources"
    )
    # Every search, Publish or Perish's of Google Scholar too, was limited to the protocol's
    # years (the imports' limits say so); a paper without a year is not left out.
    for name in SOURCES:
        assert search_window(config, name) == Window(2010, 2024)
        if name in config["imports"]:
            assert "2010-2024" in config["imports"][name]["limits"], name
        assert all(p.year_int == 0 or 2010 <= p.year_int <= 2024 for p in holdings[name])
    assert any(p.year_int == 0 for p in holdings["google_scholar"])
    outside = Window(2010, 2019)
    assert not any(
        p.year_int > 2019 for p in allocate(read_facts(facts), lambda _: outside)["europepmc"]
    )


def test_no_demo_record_was_published_outside_the_protocols_search_window(
    demo_outputs: Path,
) -> None:
    """The demo's searches and exports (as the pipeline reads them) hold no paper published
    after the protocol's search date (or before its first year): the searches could not have
    found it."""
    config = demo_protocol()
    with (demo_outputs / "search/identified.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["source"] for r in rows} == set(SOURCES)
    outside = []
    for row in rows:
        window = search_window(config, row["source"])
        year = int(row["year"][:4]) if row["year"][:4].isdigit() else None
        if year is not None and not (window.first or 0) <= year <= (window.last or 9999):
            outside.append((row["record_id"], row["year"]))
    assert outside == [], f"published outside 2010-2024: {outside}"
