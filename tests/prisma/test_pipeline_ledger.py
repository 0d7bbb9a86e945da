"""The ledger of a full offline demo run: counts from the pipeline's own files, every relation
holding, the diagram showing them; a tampered manifest stops the ledger before any drawing."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from livingreview.prisma.checks import check_columns, column_violations
from livingreview.prisma.interop import read_csv_columns
from livingreview.prisma.ledger import NOT_SEARCHED, Column, box_count
from tests.conftest import REPO_ROOT
from tests.prisma.ledgers import DEMO_CONFIG, demo_override, identified_only
from tests.prisma.svg_helpers import parse_svg, shown_number

SOURCES = ["medline", "europepmc", "openalex", "wos", "psycinfo", "google_scholar"]


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def demo_command(command: list[str], override: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``livingreview COMMAND`` on the demo protocol with ``override`` (a separate process)."""
    configs = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml", override]
    return subprocess.run(
        [sys.executable, "-m", "livingreview", *command, "--configfile", *map(str, configs)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_demo_ledger_is_derived_from_the_pipeline_outputs(demo_outputs: Path) -> None:
    ledger = read(demo_outputs / "prisma/ledger.json")
    counts = read(demo_outputs / "library/counts.json")
    assert ledger["round"] == counts["round"] == 1 and len(ledger["rounds"]) == 1
    column = Column.from_json(ledger["rounds"][0])
    check_columns([column])
    manifests = {s: read(demo_outputs / f"search/{s}/manifest.json") for s in SOURCES}
    assert column.n("database_results") == counts["records_identified"]
    assert column.items("database_specific_results") == tuple(
        (manifests[s]["database"], manifests[s]["retrieved"]) for s in SOURCES
    )
    assert column.n("register_results") == 0 and column.n("website_results") is None
    assert column.n("duplicates") == counts["duplicates_removed"]
    automation = demo_outputs / "screening/automation_counts.json"
    if automation.exists():
        by_round = read(automation)["by_round"]
        assert column.n("excluded_automatic") == by_round.get("1", {}).get("excluded", 0)
    else:
        assert column.n("excluded_automatic") == 0 and column.pending["automation"]
    # The demo's illustrative returned sheets decide every study at title/abstract and full text.
    screening = read(demo_outputs / "screening/outcome.json")
    fulltext = read(demo_outputs / "fulltext/outcome.json")
    assert column.n("records_screened") == screening["studies_decided"] > 0
    assert column.n("records_excluded_human") == screening["excluded"]
    assert column.n("dbr_sought_reports") == fulltext["reports_sought"] == screening["included"]
    assert column.n("dbr_assessed") == fulltext["reports_assessed"]
    assert column.n("new_studies") == fulltext["studies_included"] > 0
    reasons = read(demo_outputs / "protocol.json")["exclusion_reasons"]["full_text"]
    labels = {r["id"]: r["label"] for r in reasons}
    assert dict(column.items("dbr_excluded")) == {
        labels[rid]: n for rid, n in fulltext["excluded_by_reason"].items()
    }
    assert not any("Full-text" in line for line in ledger["pending"])
    # The package CSV holds the same counts.
    (from_csv,) = read_csv_columns(demo_outputs / "prisma/ledger.csv")
    assert from_csv.n("duplicates") == column.n("duplicates")
    assert from_csv.items("database_specific_results") == column.items("database_specific_results")
    snapshot = read(demo_outputs / "library_history/2025.1/prisma_ledger.json")
    assert snapshot["round"] == 1 and snapshot["column"]["counts"] == ledger["rounds"][0]["counts"]


def test_demo_diagram_shows_the_ledger(demo_outputs: Path) -> None:
    ledger = read(demo_outputs / "prisma/ledger.json")
    column = Column.from_json(ledger["rounds"][0])
    boxes, arrows = parse_svg((demo_outputs / "prisma/flow.svg").read_text(encoding="utf-8"))
    flow = ("identified", "removed", "screened", "excluded", "dbr_sought", "dbr_assessed", "new")
    assert set(flow) <= set(boxes) and len(arrows) >= len(flow) - 1
    identified = boxes["identified"].counts
    assert shown_number(identified[("database_results", "2025.1")]) == column.n("database_results")
    for box in boxes.values():  # every number shown is the ledger's
        for (key, _), text in box.counts.items():
            name, _, label = key.partition(":")
            want = dict(column.items(name))[label] if label else box_count(column, name)
            if want == NOT_SEARCHED:  # the demo searches no register
                assert text == "(not searched)", key
                continue
            assert shown_number(text) == want, key
    for suffix in (".png", ".pdf", ".html"):
        assert (demo_outputs / f"prisma/flow{suffix}").stat().st_size > 1000
    for layout in ("each", "combined", "base_updates", "previous_latest"):
        assert (demo_outputs / f"prisma/living/{layout}.svg").exists()


def _box_links(html: str, box: str) -> tuple[list[str], dict[str, set[str]]]:
    """The links of one box of flow.html: those around the whole box, and count key -> the
    links around its counts (one per column)."""
    group = re.search(rf'<g id="box-{box}" class="box [a-z]+">(.*?)</g>', html, re.S)
    assert group, box
    whole = re.findall(r'^<a href="([^"]+)"><rect', group.group(1))
    counts: dict[str, set[str]] = {}
    linked = r'<a href="([^"]+)"[^>]*><text [^>]*data-key="([^"]+)"'  # a count's link is named
    for href, key in re.findall(linked, group.group(1)):
        counts.setdefault(key, set()).add(href)
    return whole, counts


def test_flow_html_links_each_removed_count_to_the_file_of_its_rows(demo_outputs: Path) -> None:
    html = (demo_outputs / "prisma/flow.html").read_text(encoding="utf-8")
    whole, counts = _box_links(html, "removed")
    assert whole == []  # not one file for the whole box: its counts' rows are in different files
    assert counts == {
        "duplicates": {"../library/groups.csv"},
        "excluded_automatic": {"../screening/automation.csv"},
    }  # the records removed for other reasons are always 0, in no file: no link
    # Every other box links as a whole, to a file the pipeline wrote.
    for box, href in (
        ("identified", "../search/identified.csv"),
        ("screened", "../screening/final_decisions.csv"),
    ):
        assert _box_links(html, box) == ([href], {})
    for href in re.findall(r'<a href="([^"]+)"', html):
        assert (demo_outputs / "prisma" / href).resolve().is_file(), href


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# What a reader counts in the file a box links to, to find the box's number: the rows of the
# demo's round (1) that the box is about.
BOX_ROWS = {
    "identified": ("database_results", lambda row: True),
    "screened": ("records_screened", lambda row: row.get("round") == "1"),
    "excluded": ("records_excluded", lambda row: row.get("decision") == "exclude"),
    "dbr_sought": ("dbr_sought_reports", lambda row: row.get("round") == "1"),
    "dbr_notretrieved": (
        "dbr_notretrieved_reports",
        lambda row: row.get("decision") == "not_retrieved",
    ),
    "dbr_assessed": ("dbr_assessed", lambda row: row.get("decision") in ("include", "exclude")),
    "dbr_excluded": ("dbr_excluded", lambda row: row.get("round") == "1"),
    "new": ("new_studies", lambda row: row.get("round") == "1"),
}


def test_each_box_links_to_a_file_whose_rows_give_its_count(demo_outputs: Path) -> None:
    """An auditor clicking a box counts the rows behind it: Records screened (138) linked to
    library/records.csv, the 139 studies of the library with the one automation removed."""
    html = (demo_outputs / "prisma/flow.html").read_text(encoding="utf-8")
    counts = read(demo_outputs / "prisma/ledger.json")["rounds"][0]["counts"]
    lists = read(demo_outputs / "prisma/ledger.json")["rounds"][0]["lists"]
    for box, (key, wanted) in BOX_ROWS.items():
        whole, _ = _box_links(html, box)
        assert len(whole) == 1, box
        rows = _rows((demo_outputs / "prisma" / whole[0]).resolve())
        n = counts[key] if key in counts else sum(item["n"] for item in lists[key])
        assert sum(1 for row in rows if wanted(row)) == n, (box, whole[0], n)


def test_inconsistent_pipeline_counts_stop_the_ledger(demo_outputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    shutil.rmtree(outputs / "prisma")
    manifest_path = outputs / "search/medline/manifest.json"
    manifest = read(manifest_path)
    manifest["retrieved"] += 1  # the search says 46, the library holds 45
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    override = demo_override(tmp_path / "paths.yaml", outputs)
    result = demo_command(["ledger"], override, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "records identified = Σ per-source counts" in result.stderr
    assert "[database_results] 340" in result.stderr and "= 341" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (outputs / "prisma").exists()


def test_screening_counts_only_once_every_study_has_a_final_decision(tmp_path: Path) -> None:
    from livingreview.prisma.collect import FINAL_SCREENING, screening

    column = identified_only("2025.2", databases=5, duplicates=1, automatic=1)
    final = tmp_path / FINAL_SCREENING
    final.parent.mkdir(parents=True)
    header = "study_id,round,decision,how,votes,resolver,reason\n"
    rows = ["S1,2,exclude,agreement,,,", "S2,2,include,agreement,,,", "S0,1,exclude,agreement,,,"]
    final.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    screening(tmp_path, 2, column)
    assert column.n("records_screened") is None
    assert column.pending["screening"] == "in progress: 2 of 3 records with a final decision"
    final.write_text(
        header + "\n".join([*rows, "S3,2,exclude,third reviewer,,r3,"]) + "\n", encoding="utf-8"
    )
    column.pending.clear()
    screening(tmp_path, 2, column)
    assert (column.n("records_screened"), column.n("records_excluded")) == (3, 2)
    assert column.n("records_excluded_human") == 2 and column.n("records_excluded_automation") == 0
    check_columns([column])


def test_full_text_boxes_come_from_the_full_text_outcome(tmp_path: Path) -> None:
    from livingreview.config import load_config
    from livingreview.prisma.collect import FULL_TEXT, full_text

    config = load_config([REPO_ROOT / "config/config.yaml"])
    column = identified_only("2025.1", databases=20, duplicates=4, automatic=1)
    column.numbers.update(records_screened=15, records_excluded=9)
    outcome = tmp_path / FULL_TEXT
    outcome.parent.mkdir(parents=True)
    counts = {
        "reports_sought": 6,
        "reports_not_retrieved": 1,
        "reports_assessed": 4,
        "reports_excluded": 2,
        "excluded_by_reason": {"no_alliance_outcome": 2},
        "reports_included": 2,
        "studies_included": 2,
        "reports_pending": 1,
        "complete": False,
    }
    outcome.write_text(json.dumps({"by_round": {"1": counts}}), encoding="utf-8")
    full_text(config, tmp_path, 1, column)
    assert column.pending["full_text"] == "in progress: 1 of 6 reports pending"
    assert column.n("dbr_sought_reports") is None
    counts.update(
        reports_assessed=5,
        reports_excluded=3,
        reports_pending=0,
        complete=True,
        excluded_by_reason={"no_alliance_outcome": 2, "publication_type": 1},
    )
    outcome.write_text(json.dumps({"by_round": {"1": counts}}), encoding="utf-8")
    column.pending.clear()
    full_text(config, tmp_path, 1, column)
    assert column.items("dbr_excluded") == (
        ("Digital intervention without alliance/bond outcome", 2),
        ("Ineligible publication type", 1),
    )
    assert (column.n("dbr_assessed"), column.n("new_reports"), column.n("new_studies")) == (5, 2, 2)
    check_columns([column])
    counts["reports_included"] = 3  # one more than assessed − excluded
    outcome.write_text(json.dumps({"by_round": {"1": counts}}), encoding="utf-8")
    full_text(config, tmp_path, 1, column)
    relations = {v.relation for v in column_violations(column)}
    assert "Σ exclusion reasons = reports assessed − reports included from that arm" in relations


def test_a_second_round_draws_the_living_layouts(demo_outputs: Path, tmp_path: Path) -> None:
    from livingreview.config import load_config
    from livingreview.prisma.stage import run_ledger
    from tests.prisma.ledgers import consistent

    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    counts = read(outputs / "library/counts.json")
    counts.update(round=2, version="2025.2")
    (outputs / "library/counts.json").write_text(json.dumps(counts), encoding="utf-8")
    history = outputs / "library_history"
    base = consistent("2025.1", previous=0)  # a finished base review: 7 studies, 12 reports
    (history / "2025.1/prisma_ledger.json").write_text(
        json.dumps({"round": 1, "column": base.to_json()}), encoding="utf-8"
    )
    override = demo_override(tmp_path / "round2.yaml", outputs, review={"version": "2025.2"})
    config = load_config([*DEMO_CONFIG, override])
    ledger = run_ledger(config)
    assert [r["label"] for r in ledger["rounds"]] == ["2025.1", "2025.2"]
    latest = ledger["rounds"][1]
    assert latest["counts"]["previous_studies"] == 7 and "previous_studies" in latest["derived"]
    assert ledger["cumulative"]["counts"]["duplicates"] == 20 + counts["duplicates_removed"]
    assert (history / "2025.2/prisma_ledger.json").exists()
    expected = {
        "flow": {"Previous 2025.1", "2025.2"},
        "living/each": {"2025.1", "2025.2"},
        "living/combined": {"2025.1–2025.2 combined"},
        "living/base_updates": {"2025.1", "Updates 2025.2"},
        "living/previous_latest": {"Previous 2025.1", "2025.2"},
    }
    for name, columns in expected.items():
        boxes, _ = parse_svg((outputs / f"prisma/{name}.svg").read_text(encoding="utf-8"))
        assert {col for b in boxes.values() for _, col in b.counts} == columns, name
        # The previous-studies column shows where a column follows an earlier round.
        assert ("previous" in boxes) == (name != "living/combined"), name


def test_a_stage_file_without_a_count_names_file_and_field(tmp_path: Path) -> None:
    from livingreview.config import load_config
    from livingreview.errors import InputFileError
    from livingreview.prisma.collect import FULL_TEXT, full_text

    outcome = tmp_path / FULL_TEXT
    outcome.parent.mkdir(parents=True)
    counts = {
        "reports_sought": 1,
        "reports_not_retrieved": 0,
        "reports_pending": 0,
        "complete": True,
        "reports_included": 1,
        "studies_included": 1,
    }
    outcome.write_text(json.dumps({"by_round": {"1": counts}}), encoding="utf-8")
    config = load_config([REPO_ROOT / "config/config.yaml"])
    with pytest.raises(InputFileError, match=r"outcome\.json, field 'reports_assessed': missing"):
        full_text(config, tmp_path, 1, Column("2025.1"))


def svg_text(path: Path) -> str:
    """Every text of an SVG, in order, as one line (notes wrap over several text elements)."""
    root = ET.fromstring(path.read_bytes())
    return " ".join(
        " ".join(e.text or "" for e in root.iter("{http://www.w3.org/2000/svg}text")).split()
    )


def test_undecided_maybe_pairs_leave_the_duplicates_and_all_after_them_not_final(
    demo_outputs: Path, tmp_path: Path
) -> None:
    from livingreview.config import load_config
    from livingreview.errors import InputFileError
    from livingreview.prisma import collect
    from livingreview.prisma.stage import pending_lines, so_far_lines

    # The demo run leaves possible duplicate pairs for a person: deciding one may change the
    # duplicates removed, the records screened and everything after them.
    waiting = read(demo_outputs / "library/counts.json")["maybe_pairs_pending"]
    assert waiting > 0
    note = f"{waiting} possible duplicate pair(s) to decide in dedup/maybe_pairs.xlsx"
    so_far = (
        "Not final while deduplication is not done, counted so far: duplicates removed; records "
        "screened and excluded; reports sought, assessed, excluded and new studies included; "
        "total studies included."
    )
    ledger = read(demo_outputs / "prisma/ledger.json")
    assert ledger["rounds"][0]["pending"] == {"deduplication": note}
    assert ledger["pending"] == [f"Deduplication: {note} (counted so far)."]
    assert ledger["rounds"][0]["counts"]["duplicates"] == 201  # drawn as counted so far
    drawn = svg_text(demo_outputs / "prisma/flow.svg")
    assert f"Deduplication: {note} (counted so far)." in drawn and so_far in drawn
    column = Column.from_json(ledger["rounds"][0])
    assert pending_lines([column]) == ledger["pending"] and so_far_lines([column]) == [so_far]

    # Every pair decided: final.
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    path = outputs / collect.COUNTS
    counts = read(path)
    config = load_config([*DEMO_CONFIG, demo_override(tmp_path / "paths.yaml", outputs)])
    older = {k: v for k, v in counts.items() if k != "maybe_pairs_pending"}  # an older library
    for written in ({**counts, "maybe_pairs_pending": 0}, older):
        path.write_text(json.dumps(written), encoding="utf-8")
        decided, _ = collect.current_column(config, outputs, 1, {})
        assert decided.pending == {} and so_far_lines([decided]) == []
    path.write_text(json.dumps({**counts, "maybe_pairs_pending": "5"}), encoding="utf-8")
    with pytest.raises(InputFileError, match="'maybe_pairs_pending': expected a whole number"):
        collect.current_column(config, outputs, 1, {})


def test_an_earlier_round_frozen_with_maybe_pairs_undecided_says_so(tmp_path: Path) -> None:
    from livingreview.prisma.collect import since_frozen

    column = identified_only("2025.1", databases=5, duplicates=1, automatic=0)
    column.pending["deduplication"] = "2 possible duplicate pair(s) to decide in x.xlsx"
    since_frozen(tmp_path, 1, column)  # the next round's ledger, in an outputs folder of its own
    assert column.pending == {
        "deduplication": "2 possible duplicate pair(s) to decide in x.xlsx when version 2025.1 "
        "was frozen"
    }


def test_an_import_marked_as_a_register_is_counted_in_the_registers_box(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """imports.<name>.prisma_box: register (a trial register's export) moves its records from
    "Databases" to "Registers", listed by name; every relation still holds."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    shutil.rmtree(outputs / "prisma")
    override = demo_override(
        tmp_path / "paths.yaml", outputs, imports={"wos": {"prisma_box": "register"}}
    )
    for command in (["import", "--name", "wos"], ["ledger"]):
        result = demo_command(command, override, tmp_path)
        assert result.returncode == 0, result.stderr
    wos = read(outputs / "search/wos/manifest.json")
    assert wos["prisma_box"] == "register"
    before = Column.from_json(read(demo_outputs / "prisma/ledger.json")["rounds"][0])
    column = Column.from_json(read(outputs / "prisma/ledger.json")["rounds"][0])
    check_columns([column])
    assert column.n("register_results") == wos["retrieved"] > 0
    assert column.items("register_specific_results") == ((wos["database"], wos["retrieved"]),)
    assert column.n("database_results") == before.n("database_results") - wos["retrieved"]
    assert wos["database"] not in dict(column.items("database_specific_results"))
    assert column.n("records_screened") == before.n("records_screened")
