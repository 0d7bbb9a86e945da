"""Automation exclusions on real records: PubMed payloads, a PubMed RIS export, the demo library."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from livingreview.config import load_config
from livingreview.errors import ConfigError, InputFileError
from livingreview.imports import import_file
from livingreview.records import Record
from livingreview.screening.automation import (
    OUTPUTS,
    RULE_COLUMNS,
    AutomationRules,
    apply_rules,
    excluded_study_ids,
    library_rows,
    read_library_studies,
    record_languages,
    rule_fields,
    run_automation,
)
from livingreview.sources.pubmed_xml import parse_efetch
from tests.conftest import REPO_ROOT

DTA_RULES = AutomationRules(("Editorial", "Comment"), ("english", "french"), 2010, None)


def rules_from(section: dict) -> AutomationRules:
    return AutomationRules.from_config({"automation": section})


def test_a_field_with_several_languages_is_split() -> None:
    assert record_languages("eng; fre") == (["english", "french"], [])
    assert record_languages("English and Klingon") == (["english"], ["Klingon"])


def test_pubmed_ris_export_excludes_the_german_record_and_the_old_ones(sources_dir: Path) -> None:
    path = sources_dir / "exports/ris/citesource_pubmed_via_refmanager_46.ris"
    records = import_file(path, source="ris").records
    studies = [(f"S{i:02d}", r) for i, r in enumerate(records)]
    excluded = {e.study_id: e for e in apply_rules(studies, DTA_RULES)}
    by_id = dict(studies)
    german = [s for s, r in studies if r.language == "ger"]
    assert len(german) == 1 and excluded[german[0]].rule == "language"
    # its year is also outside the limits: both reasons are named, the rule is the first
    assert excluded[german[0]].detail == (
        "language 'ger' is not English or French; published 2007, before 2010"
    )
    year_excluded = sorted(s for s, e in excluded.items() if e.rule == "year")
    assert sorted(by_id[s].year for s in year_excluded) == ["1997", "2002", "2002", "2006"]
    kept = [r for s, r in studies if s not in excluded]
    assert len(kept) == 41 and all(int(r.year) >= 2010 and r.language == "eng" for r in kept)


def test_pubmed_efetch_years_and_case_insensitive_publication_types(sources_dir: Path) -> None:
    efetch = sources_dir / "pubmed/efetch"
    records = [
        r
        for name in ("pubmed1.xml", "pubmed2.xml")
        for r in parse_efetch((efetch / name).read_bytes())
    ]
    studies = [(r.pmid, r) for r in records]
    assert {r.pmid: r.year for r in records} == {
        "12091962": "1990",
        "9997": "1976",
        "11748933": "2001",
        "11700088": "2001",
    }
    by_year = apply_rules(studies, rules_from({"year_from": 2000}))
    assert [(e.study_id, e.rule) for e in by_year] == [("12091962", "year"), ("9997", "year")]
    by_type = apply_rules(studies, rules_from({"publication_types": ["REVIEW"]}))
    reviews = [r.pmid for r in records if "Review" in r.publication_types]
    assert reviews and [e.study_id for e in by_type] == reviews
    assert by_type[0].detail == "publication type 'Review'"
    by_year_to = apply_rules(studies, rules_from({"year_to": 1990}))
    assert [(e.study_id, e.detail) for e in by_year_to] == [
        ("11700088", "published 2001, after 1990"),
        ("11748933", "published 2001, after 1990"),
    ]


def test_unknown_language_type_or_year_is_never_excluded() -> None:
    blank = Record(title="No metadata at all")
    odd = Record(title="Odd language", language="ng", year="n.d.")
    rules = rules_from({"publication_types": ["Editorial"], "languages": ["en"], "year_from": 2010})
    assert apply_rules([("S1", blank), ("S2", odd)], rules) == []


def test_whole_publication_types_only() -> None:
    record = Record(publication_types=["Editorial Material"])
    assert apply_rules([("S1", record)], rules_from({"publication_types": ["Editorial"]})) == []
    hit = apply_rules([("S1", record)], rules_from({"publication_types": ["editorial material"]}))
    assert [e.rule for e in hit] == ["publication_type"]


def test_protocol_errors_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"automation.languages\[1\].*'Klingon'"):
        rules_from({"languages": ["en", "Klingon"]})
    with pytest.raises(ConfigError, match=r"automation\.year_from': 2020 is after year_to 2010"):
        rules_from({"year_from": 2020, "year_to": 2010})


def test_schema_rejects_an_unknown_automation_key(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(yaml.safe_dump({"automation": {"year_form": 2010}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'year_from'"):
        load_config([REPO_ROOT / "config/config.yaml", extra])


def test_shipped_protocol_limits_match_its_eligibility_criteria() -> None:
    config = load_config([REPO_ROOT / "config/config.yaml"])
    rules = AutomationRules.from_config(config)
    assert rules.languages == ("english", "french")
    assert (rules.year_from, rules.year_to) == (2010, None)
    assert {"Editorial", "Comment", "Clinical Trial Protocol"} <= set(rules.publication_types)


def test_demo_pipeline_writes_automation_outputs(demo_outputs: Path) -> None:
    library = read_library_studies(demo_outputs / "library/records.csv")
    records = dict(library)
    with (demo_outputs / OUTPUTS["exclusions"]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = json.loads((demo_outputs / OUTPUTS["counts"]).read_text(encoding="utf-8"))
    assert counts["studies_checked"] == len(library) > 100
    assert counts["excluded"] == len(rows) == sum(counts["excluded_by_rule"].values())
    assert counts["by_round"] == {"1": {"studies_checked": len(library), "excluded": len(rows)}}
    assert [r["study_id"] for r in rows] == sorted(r["study_id"] for r in rows)
    rules = {r["study_id"]: r["rule"] for r in rows}
    editorials = [s for s, r in library if "editorial" in [t.lower() for t in r.publication_types]]
    assert editorials and all(rules[s] == "publication_type" for s in editorials)
    old = [s for s, r in library if r.year.isdigit() and int(r.year) < 2010]
    # The demo's searches are limited to the protocol's years (2010-2024): none is older.
    assert old == [] and counts["excluded_by_rule"]["year"] == 0
    # nothing is excluded for lacking a language or a year, and the rest reaches screening
    assert any(not r.language for _, r in library) and any(not r.year for _, r in library)
    for study, rule in rules.items():
        assert rule != "language" or records[study].language
    assert excluded_study_ids(demo_outputs) == set(rules)


def test_the_rules_read_only_types_language_and_year(demo_outputs: Path) -> None:
    # run_automation rebuilds only those fields of each library row: same verdicts as the record
    strict = rules_from(
        {"publication_types": ["Editorial", "Review"], "languages": ["english"], "year_from": 2015}
    )
    rows = list(library_rows(demo_outputs / "library/records.csv"))
    verdicts = [strict.matches(rule_fields(row)) for _, row in rows]
    assert verdicts == [strict.matches(Record.from_row(row)) for _, row in rows]
    assert {rule for found in verdicts for rule, _ in found} == {"publication_type", "year"}


def test_library_rows_are_dict_reader_rows_or_the_columns_asked(
    demo_outputs: Path, tmp_path: Path
) -> None:
    path = demo_outputs / "library/records.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        expected = [(row["study_id"], row) for row in csv.DictReader(handle)]
    assert list(library_rows(path)) == expected
    wanted = {sid for sid, _ in expected[::7]}
    some = list(library_rows(path, RULE_COLUMNS, whole=wanted))
    assert [sid for sid, _ in some] == [sid for sid, _ in expected]
    for (sid, row), (_, full) in zip(some, expected, strict=True):
        assert row == (full if sid in wanted else {c: full[c] for c in RULE_COLUMNS})
    ragged = tmp_path / "records.csv"
    ragged.write_text("study_id,title,year\ns1,A\n\ns2,B,2020,extra\n", encoding="utf-8")
    with ragged.open(encoding="utf-8", newline="") as handle:
        assert list(library_rows(ragged)) == [(r["study_id"], r) for r in csv.DictReader(handle)]
    assert list(library_rows(ragged, ("year",))) == [("s1", {}), ("s2", {"year": "2020"})]
    ragged.write_text("study_id,title\ns1,A\n\n,B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="row 3"):
        list(library_rows(ragged, ()))


def test_cli_rewrites_identical_files_and_reports_a_missing_library(
    demo_outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs"
    (outputs / "library").mkdir(parents=True)
    for name in ("records.csv", "groups.csv", "changelog.csv", "counts.json"):
        (outputs / "library" / name).write_bytes((demo_outputs / "library" / name).read_bytes())
    override = tmp_path / "paths.yaml"
    override.write_text(yaml.safe_dump({"paths": {"outputs": str(outputs)}}), encoding="utf-8")
    args = ["automation", "--configfile", str(REPO_ROOT / "config/config.yaml"), str(override)]
    assert main(args) == 0
    assert "studies excluded by automation" in capsys.readouterr().out
    for key, path in OUTPUTS.items():
        assert (outputs / path).read_bytes() == (demo_outputs / path).read_bytes(), key
    (outputs / "library/records.csv").unlink()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "library/records.csv: cannot open the library" in err and "Traceback" not in err
    config = load_config([REPO_ROOT / "config/config.yaml", override])
    with pytest.raises(Exception, match="run `livingreview library` first"):
        run_automation(config)


def library_copy(demo_outputs: Path, tmp_path: Path) -> Path:
    """An outputs folder holding a copy of the demo library's tables."""
    from livingreview.screening.assignment import LIBRARY_TABLES

    outputs = tmp_path / "outputs"
    for name in LIBRARY_TABLES:
        (outputs / name).parent.mkdir(parents=True, exist_ok=True)
        (outputs / name).write_bytes((demo_outputs / name).read_bytes())
    return outputs


def test_library_studies_reads_again_after_the_library_is_rewritten(
    demo_outputs: Path, tmp_path: Path
) -> None:
    from livingreview.fileio import atomic_write_text
    from livingreview.screening.assignment import library_studies

    outputs = library_copy(demo_outputs, tmp_path)
    studies, new_in, current, _ = library_studies(outputs)
    assert current == 1 and set(new_in.values()) == {1}
    studies.clear()  # callers get their own copies: the cached tables stay whole
    again, _, _, _ = library_studies(outputs)
    assert len(again) == len(new_in) > 100
    # the library step of round 2 rewrites the tables (atomically): the new round is seen
    counts = json.loads((outputs / "library/counts.json").read_text(encoding="utf-8"))
    atomic_write_text(outputs / "library/counts.json", json.dumps({**counts, "round": 2}))
    _, new_in, current, _ = library_studies(outputs)
    assert current == 2 and set(new_in.values()) == {1}


def test_automation_reads_the_library_once_for_screening_and_checks_its_study_ids(
    demo_outputs: Path, tmp_path: Path
) -> None:
    from livingreview.screening.assignment import _read_library, library_studies

    outputs = library_copy(demo_outputs, tmp_path)
    override = tmp_path / "paths.yaml"
    override.write_text(yaml.safe_dump({"paths": {"outputs": str(outputs)}}), encoding="utf-8")
    config = load_config([REPO_ROOT / "config/config.yaml", override])
    run_automation(config)
    for key, path in OUTPUTS.items():
        assert (outputs / path).read_bytes() == (demo_outputs / path).read_bytes(), key
    # the screening step, next in the same process, finds the library already read
    before = _read_library.cache_info()
    library_studies(outputs)
    after = _read_library.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    # a study id emptied by hand is still named with its row
    records = outputs / "library/records.csv"
    with records.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("study_id")] = ""
    with records.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(
        InputFileError, match=r"records\.csv, row 4, field 'study_id': empty study id"
    ):
        run_automation(config)


def test_the_exclusions_file_reads_back_and_its_header_is_checked(
    demo_outputs: Path, tmp_path: Path
) -> None:
    from livingreview.screening.automation import EXCLUSIONS_CSV, read_exclusions

    with (demo_outputs / EXCLUSIONS_CSV).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    outputs = tmp_path / "outputs"
    path = outputs / EXCLUSIONS_CSV
    path.parent.mkdir(parents=True)
    path.write_bytes((demo_outputs / EXCLUSIONS_CSV).read_bytes() + b"\r\n")  # a blank line
    found = read_exclusions(path)
    assert [(e.study_id, e.rule, e.detail) for e in found] == [
        (r["study_id"], r["rule"], r["detail"]) for r in rows
    ]
    assert excluded_study_ids(outputs) == {r["study_id"] for r in rows}
    path.write_text("study,rule,detail\nS1,year,old\n", encoding="utf-8")
    for read in (lambda: read_exclusions(path), lambda: excluded_study_ids(outputs)):
        with pytest.raises(InputFileError, match="expected the columns"):
            read()
    assert excluded_study_ids(tmp_path / "nothing") == set()
