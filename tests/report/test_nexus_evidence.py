"""The Nexus section's evidence fields by level: for each ``report.evidence_fields`` field with
choices, the studies giving each answer at each ``nexus.levels`` level (and at none), so the
viewpoint's per-level claims can be read without crossing the evidence matrix and the levels
table by hand; written beside the report as ``nexus_evidence.csv``."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from livingreview.config import load_config
from livingreview.report.context import _nexus, collect
from livingreview.report.render import _environment, write_report
from livingreview.report.sections import Section
from tests.report.test_changes import read, write
from tests.report.test_report import DEMO_CONFIG

CHOICE_FIELDS = ["goal_alignment", "task_agreement", "therapeutic_bond", "user_engagement"]


def protocol() -> dict[str, Any]:
    """The demo protocol with labelled levels (listed out of order) and the AI modality, made a
    multichoice, among the evidence fields."""
    config: dict[str, Any] = load_config(DEMO_CONFIG)
    config["nexus"]["levels"] = [
        {"level": 3, "label": "Third"},
        {"level": 1, "label": "First"},
        {"level": 2, "label": "Second"},
    ]
    for item in config["extraction"]["fields"]:
        if item["id"] == "ai_modality":
            item["type"] = "multichoice"
    config["report"]["evidence_fields"] = [*config["report"]["evidence_fields"], "ai_modality"]
    return config


def study(label: str, level: str, bond: str, goal: str = "", ai: str = "") -> dict[str, str]:
    """An included study as the report reads it: every field blank but the ones given."""
    fields = {f["id"]: "" for f in load_config(DEMO_CONFIG)["extraction"]["fields"]}
    return {
        **fields,
        "label": label,
        "extraction_status": "final",
        "nexus_level": level,
        "therapeutic_bond": bond,
        "goal_alignment": goal,
        "ai_modality": ai,
        "facilitators": "guided by a clinician" if bond == "supports" else "",
    }


STUDIES = [
    study("Kiluk 2014", "3", "supports", "supports", "NLP; LLM"),
    study("Tong 2025", "3", "mixed", "supports", "LLM"),
    study("Beatty 2022", "3", "supports", "", "LLM"),
    study("Aerts 2018", "1", "against", "mixed", "rule-based"),
    study("Heim 2018", "", "", "not reported", ""),
    {**study("Penedo 2020", "3", "supports"), "extraction_status": "disagreement"},
]


def rendered(section: Section) -> dict[str, str]:
    return {
        kind: _environment(html=kind == "html")
        .get_template(f"sections/nexus.{kind}")
        .render(s=section)
        for kind in ("md", "html")
    }


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return rendered(_nexus(protocol(), STUDIES))


def test_each_evidence_field_is_counted_per_level(pages: dict[str, str]) -> None:
    """Before, the section had the studies per level and the evidence matrix the studies per
    answer, but nothing said how many level-3 studies support the therapeutic bond."""
    markdown = pages["md"].splitlines()
    start = markdown.index("| Therapeutic bond | Level 1 | Level 2 | Level 3 | No level |")
    assert markdown[start + 1 : start + 8] == [  # codebook order, each answer even at 0, blank
        "|---|---:|---:|---:|---:|",
        "| supports | 0 | no study | 2 | 0 |",
        "| mixed | 0 | no study | 1 | 0 |",
        "| against | 1 | no study | 0 | 0 |",
        "| not reported | 0 | no study | 0 | 0 |",
        "| blank | 0 | no study | 0 | 1 |",
        "| Studies at the level | 1 | 0 | 3 | 1 |",
    ]
    assert "### Evidence fields, by level" in markdown
    html = pages["html"]
    assert (
        '<caption class="visually-hidden">Therapeutic bond: studies with final extraction giving '
        "each answer, at each Nexus level</caption>\n"
        '<thead><tr><th scope="col">Therapeutic bond</th><th scope="col" class="num">Level 1</th>'
        '<th scope="col" class="num">Level 2</th><th scope="col" class="num">Level 3</th>'
        '<th scope="col" class="num">No level</th></tr></thead>'
    ) in html
    assert (
        '<tr><th scope="row">supports</th><td class="num">0</td><td class="num">no study</td>'
        '<td class="num">2</td><td class="num">0</td></tr>'
    ) in html
    for kind, text in pages.items():
        assert "written to report/nexus_evidence.csv" in text, kind
        assert text.count("Studies at the level") == 5, kind  # four choice fields, AI modality


def test_each_column_adds_up_to_the_studies_with_final_extraction() -> None:
    """A single-answer field's column sums to the studies coded at its level, the columns to the
    studies with final extraction (5 of 6: Penedo 2020 is in disagreement, which the section's
    note says); the file holds the same counts."""
    section = _nexus(protocol(), STUDIES)
    final = sum(1 for s in STUDIES if s["extraction_status"] == "final")
    tables = {t["id"]: t for t in section.data["by_level"]}
    assert list(tables) == [*CHOICE_FIELDS, "ai_modality"]  # free-text fields are not counted
    for name in CHOICE_FIELDS:
        columns = tables[name]["columns"]
        sums = [sum(r["cells"][i] for r in tables[name]["rows"]) for i in range(len(columns))]
        assert sums == [c["studies"] for c in columns] == [1, 0, 3, 1], name
        assert sum(sums) == final
    assert section.notes[-1] == (
        "1 of 6 included studies still await final extraction and are not counted here."
    )


def test_a_multichoice_field_counts_a_study_for_each_answer(pages: dict[str, str]) -> None:
    markdown = pages["md"].splitlines()
    start = markdown.index("| AI modality | Level 1 | Level 2 | Level 3 | No level |")
    assert markdown[start + 2 : start + 8] == [
        "| rule-based | 1 | no study | 0 | 0 |",
        "| NLP | 0 | no study | 1 | 0 |",
        "| LLM | 0 | no study | 3 | 0 |",  # Kiluk 2014 counts for NLP and for LLM
        "| none | 0 | no study | 0 | 0 |",
        "| blank | 0 | no study | 0 | 1 |",
        "| Studies at the level | 1 | 0 | 3 | 1 |",
    ]
    for text in pages.values():
        assert (
            "except in a field that takes several answers (AI modality), where a study counts "
            "once for each answer it gives"
        ) in text


def test_free_answer_fields_are_named_not_tabulated(pages: dict[str, str]) -> None:
    """Text answers are one per study: a table of them per level would list every study."""
    for text in pages.values():
        assert "guided by a clinician" not in text
        assert (
            "Not counted per level, as their answers are free (no choices): Influencing factors: "
            "facilitators; Influencing factors: barriers. The evidence matrix lists them"
        ) in text


def test_no_table_while_no_study_is_coded_at_a_level() -> None:
    """As in the demo: every final extraction has its level blank, so each table would read
    'no study' in every level column."""
    uncoded = [{**s, "nexus_level": ""} for s in STUDIES]
    for text in rendered(_nexus(protocol(), uncoded)).values():
        assert "No study with final extraction is coded at a level yet." in text
        assert "Studies at the level" not in text
    for text in rendered(_nexus(protocol(), [])).values():
        assert "No extraction is final yet." in text


def test_no_evidence_fields_no_block() -> None:
    config = protocol()
    config["report"]["evidence_fields"] = []
    section = _nexus(config, STUDIES)
    assert section.data["by_level"] == [] and section.data["free_fields"] == []
    for text in rendered(section).values():
        assert "Evidence fields, by level" not in text


def test_the_table_is_written_beside_the_report_the_same_each_time(
    demo_outputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    config = protocol()
    config["paths"]["outputs"] = str(outputs)
    extracted = read(outputs / "extraction/studies.csv")
    final = [r for r in extracted if r["extraction_status"] == "final"]
    coded = [("3", "supports"), ("3", "mixed"), ("1", "against"), ("3", "supports")]
    for row in final:  # the demo codes no level; whatever it codes, these four alone here
        row.update(nexus_level="")
    for row, (level, bond) in zip(final, coded, strict=False):
        row.update(nexus_level=level, therapeutic_bond=bond)
    write(outputs / "extraction/studies.csv", extracted)

    pages = []
    for name in ("first", "second"):
        write_report(config, outputs, tmp_path / name)
        pages.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert pages[0] == pages[1] and "nexus_evidence.csv" in pages[0]
    with (tmp_path / "first/nexus_evidence.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["field", "answer", "level", "level_label", "studies", "extracted"]
    bond = [r for r in rows if r["field"] == "therapeutic_bond"]
    assert bond[:4] == [
        {"field": "therapeutic_bond", "answer": "supports", "level": level, "level_label": label,
         "studies": n, "extracted": of}
        for level, label, n, of in [
            ("1", "First", "0", "1"), ("2", "Second", "0", "0"), ("3", "Third", "2", "3"),
            ("", "no level", "0", str(len(final) - 4)),
        ]
    ]  # fmt: skip
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if row["field"] in CHOICE_FIELDS:
            sums[row["field"], row["level"]] += int(row["studies"])
    extracted_at = {(r["field"], r["level"]): int(r["extracted"]) for r in rows}
    assert {k: extracted_at[k] for k in sums} == dict(sums)
    for name in CHOICE_FIELDS:
        assert sum(n for (f, _), n in sums.items() if f == name) == len(final)

    without = protocol()  # no levels: no Nexus section, no table, none left behind
    without["nexus"] = {}
    without["paths"]["outputs"] = str(outputs)
    write_report(without, outputs, tmp_path / "first")
    assert not (tmp_path / "first/nexus_evidence.csv").exists()
    assert "nexus" not in [s.id for s in collect(without, outputs)["sections"]]
    assert b"Evidence fields, by level" not in (tmp_path / "first/report.md").read_bytes()


def test_the_demo_pipeline_writes_the_table(demo_outputs: Path) -> None:
    """The demo sets the levels and evidence fields: the report rule declares and writes the
    file, each field's counts adding up to the demo's final extractions."""
    rows = read(demo_outputs / "report/nexus_evidence.csv")
    studies = read(demo_outputs / "extraction/studies.csv")
    final = [r for r in studies if r["extraction_status"] == "final"]
    for name in CHOICE_FIELDS:
        assert sum(int(r["studies"]) for r in rows if r["field"] == name) == len(final), name
