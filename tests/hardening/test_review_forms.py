"""Hostile and broken returned forms after title/abstract screening: full-text sheets, extraction
and risk-of-bias forms, and the full-text conflicts sheet.

The stages run for real on the demo run's library (three studies included at title/abstract):
full text by two reviewers with one conflict resolved by r3, extraction by two reviewers (one
disagreement, so a consensus form), risk of bias for the RCTs. Then people return forms for the
wrong review, round or reviewer, duplicated rows, formula-like and HTML text, a 5 MB cell, a CSV
saved in cp1252, and files that are not sheets. Each is either rejected with one message naming
the file (and row and field where there is one) with nothing stored changed, or kept as text.
"""

from __future__ import annotations

import copy
import csv
import logging
import shutil
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from livingreview.appraisal.stage import run_appraisal
from livingreview.config import load_config
from livingreview.errors import InputFileError
from livingreview.extraction.stage import run_extraction
from livingreview.fulltext.stage import run_fulltext
from livingreview.report.render import write_report
from livingreview.reviewforms import Entry, check_repeated_rows, latest_rows, read_entries
from livingreview.sheets import FORMULA_START
from tests.appraisal.test_appraisal import ANSWERS
from tests.conftest import REPO_ROOT, drop_store
from tests.form_helpers import fill_form, form_ids, set_saved_at, stage_config

FORMULA = '=HYPERLINK("http://evil.example/steal","click me")'
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CODED = {"study_design": "RCT", "intervention_type": "app", "key_findings": "bond reported"}
Runner = Callable[[dict[str, Any]], Any]
#: stage -> (blank form kept by the fixture, sheet title, id column, returned folder, runner)
STAGES: dict[str, tuple[str, str, str, str, Runner]] = {
    "full_text": ("full_text.xlsx", "Full text", "report_id", "full_text/sheets", run_fulltext),
    "extraction": ("extraction.xlsx", "Extraction", "study_id", "extraction", run_extraction),
    "risk_of_bias": ("rob2.xlsx", "Risk of bias", "study_id", "risk_of_bias", run_appraisal),
    "conflicts": ("conflicts.xlsx", "Conflicts", "study_id", "full_text/conflicts", run_fulltext),
}
#: what a person types into one row of each form
TYPED = {
    "full_text": {"decision": "include", "notes": "checked"},
    "extraction": dict(CODED),
    "risk_of_bias": {"notes": "checked"},
    "conflicts": {"resolution": "include", "notes": "checked"},
}
STORES = (
    "fulltext/assessments.csv",
    "fulltext/decisions.csv",
    "extraction/entries.csv",
    "extraction/studies.csv",
    "rob/entries.csv",
)


def _outputs(config: dict[str, Any]) -> Path:
    return Path(config["paths"]["outputs"])


def _human(config: dict[str, Any], folder: str) -> Path:
    return Path(config["paths"]["human_input"]) / folder


def _keep(form: Path, kept: Path, name: str) -> Path:
    kept.mkdir(exist_ok=True)
    return Path(shutil.copy(form, kept / name))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, demo_outputs: Path) -> dict[str, Any]:
    """Three studies through full text (r1/r2, one conflict resolved by r3), extraction (one
    disagreement) and risk of bias; a blank copy of each form kept in ``blank/``."""
    tmp_path = tmp_path_factory.mktemp("forms")
    config = stage_config(tmp_path, demo_outputs, included=3)
    config["extraction"]["sheet_format"] = "both"
    out, blank = _outputs(config), tmp_path / "blank"
    run_fulltext(config)
    sheets = {r: out / f"fulltext/sheets/full_text_round1_{r}.xlsx" for r in ("r1", "r2")}
    ids = form_ids(sheets["r1"], "Full text", "report_id")
    _keep(sheets["r1"], blank, "full_text.xlsx")
    votes = {i: {"decision": "include", "notes": FORMULA} for i in ids}
    fill_form(
        sheets["r1"], "Full text", "report_id", votes, _human(config, "full_text/sheets/r1.xlsx")
    )
    votes[ids[-1]] = {"decision": "exclude", "reason": "no_alliance_outcome"}
    fill_form(
        sheets["r2"], "Full text", "report_id", votes, _human(config, "full_text/sheets/r2.xlsx")
    )
    run_fulltext(config)
    conflicts = _keep(out / "fulltext/conflicts.xlsx", blank, "conflicts.xlsx")
    resolved = {ids[-1]: {"resolution": "include", "reason": "", "notes": "read the paper"}}
    fill_form(
        conflicts, "Conflicts", "study_id", resolved, _human(config, "full_text/conflicts/r3.xlsx")
    )
    run_fulltext(config)

    run_extraction(config)
    studies = form_ids(out / "extraction/forms/extraction_round1_r1.xlsx", "Extraction", "study_id")
    assert len(studies) == 3
    for reviewer in ("r1", "r2"):
        form = _keep(
            out / f"extraction/forms/extraction_round1_{reviewer}.xlsx", blank, f"{reviewer}.xlsx"
        )
        coded = {sid: {**CODED, "notes": FORMULA} for sid in studies}
        coded[studies[0]]["key_findings"] = FORMULA if reviewer == "r1" else "-2 points on the WAI"
        fill_form(
            form, "Extraction", "study_id", coded, _human(config, f"extraction/{reviewer}.xlsx")
        )
    shutil.copy(blank / "r1.xlsx", blank / "extraction.xlsx")
    assert run_extraction(config)["studies"]["disagreement"] == 1

    run_appraisal(config)
    _keep(out / "rob/forms/rob_rob2_round1_r1.xlsx", blank, "rob2.xlsx")
    return {"config": config, "blank": blank, "studies": studies, "base": tmp_path}


@pytest.fixture
def staged(built: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """A private copy of :func:`built` (its folders and a config pointing at them)."""
    base = str(built["base"])
    shutil.copytree(base, tmp_path, dirs_exist_ok=True)
    config = copy.deepcopy(built["config"])
    config["paths"] = {k: v.replace(base, str(tmp_path)) for k, v in config["paths"].items()}
    return {**built, "config": config, "blank": tmp_path / "blank", "base": tmp_path}


def _stores(config: dict[str, Any]) -> dict[str, bytes]:
    out = _outputs(config)
    return {name: (out / name).read_bytes() for name in STORES if (out / name).exists()}


#: The save time of a file :func:`_return` writes: later than the fixture's files, which type
#: some of its rows otherwise, also when a test runs within the second the fixture wrote them
#: (openpyxl records the current time); a test setting save times of its own sets them after.
RETURNED_AT = "2030-01-02T03:04:05Z"


def _return(
    staged: dict[str, Any],
    stage: str,
    name: str,
    typed: Mapping[str, str] | None = None,
    *,
    shuffle: bool = False,
) -> tuple[Path, Runner]:
    """A blank form of ``stage`` with its first row typed (``typed``, else :data:`TYPED`),
    returned as ``name``, saved after the fixture's files (:data:`RETURNED_AT`): (path, runner).
    """
    blank, title, idc, folder, runner = STAGES[stage]
    source = staged["blank"] / blank
    values = {_first_id(staged, stage): typed or TYPED[stage]}
    target = _human(staged["config"], folder) / name
    path = fill_form(source, title, idc, values, target, shuffle=shuffle)
    return set_saved_at(path, RETURNED_AT), runner


def _first_id(staged: dict[str, Any], stage: str) -> str:
    """The id of the first row of the blank form of ``stage``."""
    blank, title, idc, _, _ = STAGES[stage]
    return form_ids(staged["blank"] / blank, title, idc)[0]


def _set_meta(path: Path, key: str, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    for row in wb["_meta"].iter_rows(max_col=2):
        if row[0].value == key:
            row[1].value = value
    wb.save(path)


def _rejected(staged: dict[str, Any], runner: Runner, path: Path, *words: str) -> str:
    """Run the stage, expect one InputFileError naming ``path`` and ``words``; nothing stored
    may have changed."""
    before = _stores(staged["config"])
    with pytest.raises(InputFileError) as error:
        runner(staged["config"])
    message = str(error.value)
    assert str(path) in message, message
    for word in words:
        assert word in message, message
    assert _stores(staged["config"]) == before
    return message


# -- forms for another review, round or reviewer; duplicated rows ------------------------------


WRONG_META = [
    (stage, key, value)
    for stage in STAGES
    for key, value in (
        ("review_id", "another_review"),
        ("round", "2"),
        ("resolver" if stage == "conflicts" else "reviewer", "r9"),
    )
]


@pytest.mark.parametrize(("stage", "key", "value"), WRONG_META)
def test_a_form_for_another_review_round_or_person_is_rejected_whole(
    staged: dict[str, Any], stage: str, key: str, value: str
) -> None:
    path, runner = _return(staged, stage, "wrong.xlsx")
    _set_meta(path, key, value)
    message = _rejected(staged, runner, path)
    assert repr(value) in message or f" {value}" in message, message
    assert key.removesuffix("_id") in message, message


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_duplicated_row_is_rejected_naming_both_rows(staged: dict[str, Any], stage: str) -> None:
    path, runner = _return(staged, stage, "twice.xlsx")
    title = STAGES[stage][1]
    wb = openpyxl.load_workbook(path)
    ws = wb[title]
    ws.append([cell.value for cell in ws[2]])
    last = ws.max_row
    wb.save(path)
    _rejected(staged, runner, path, "twice", f"rows 2 and {last}")


# -- one reviewer's two files of a round that differ -----------------------------------------

#: the reviewer forms (not the conflicts sheet): where each stores what was typed, and a row
#: filled in whole
FORM_STORES = {
    "full_text": ("fulltext/assessments.csv", TYPED["full_text"]),
    "extraction": ("extraction/entries.csv", TYPED["extraction"]),
    "risk_of_bias": ("rob/entries.csv", ANSWERS),
}


def _twice(staged: dict[str, Any], stage: str, notes: tuple[str, str]) -> tuple[Path, Path]:
    """r1's first row returned in ``a.xlsx`` and ``b.xlsx``, with these notes."""
    return tuple(  # type: ignore[return-value]
        _return(staged, stage, f"{name}.xlsx", {**FORM_STORES[stage][1], "notes": note})[0]
        for name, note in zip("ab", notes, strict=True)
    )


@pytest.mark.parametrize("stage", list(FORM_STORES))
def test_two_files_that_differ_without_an_order_in_save_times_are_rejected(
    staged: dict[str, Any], stage: str
) -> None:
    """Two files of one reviewer and round with different values for an item were settled
    silently by file name; when their save times cannot order them nothing is stored and the
    error names both files and rows, the item, the field and both values."""
    for path in _twice(staged, stage, ("checked", "looked again")):
        set_saved_at(path, "2099-01-02T03:04:05Z")
    before = _stores(staged["config"])
    with pytest.raises(InputFileError) as error:
        STAGES[stage][4](staged["config"])
    message, folder = str(error.value), STAGES[stage][3]
    assert message.startswith(f"{folder}/b.xlsx, row 2, field 'notes': r1's notes (round 1) ")
    item = _first_id(staged, stage)
    assert f"on study {item} is 'looked again' here and 'checked' in " in message
    assert f"{folder}/a.xlsx, row 2" in message and "same save time" in message
    assert "remove one of the two files" in message
    assert _stores(staged["config"]) == before


@pytest.mark.parametrize("stage", list(FORM_STORES))
def test_a_file_saved_later_counts_and_the_value_it_overrides_is_logged(
    staged: dict[str, Any], stage: str, caplog: pytest.LogCaptureFixture
) -> None:
    earlier, later = _twice(staged, stage, ("looked again", "checked"))
    set_saved_at(earlier, "2099-01-02T00:00:00Z")  # a.xlsx, saved first
    set_saved_at(later, "2099-01-01T00:00:00Z")
    with caplog.at_level(logging.WARNING):
        STAGES[stage][4](staged["config"])
    folder, item = STAGES[stage][3], _first_id(staged, stage)
    named = [r.getMessage() for r in caplog.records if f"{folder}/b.xlsx, row 2:" in r.getMessage()]
    assert named == [
        f"{folder}/b.xlsx, row 2: r1's notes (round 1) on study {item}, 'checked', is overridden "
        f"by 'looked again' in {folder}/a.xlsx, row 2, saved later (2099-01-01T00:00:00Z < "
        "2099-01-02T00:00:00Z)"
    ]
    rows = latest_rows(read_entries(_outputs(staged["config"]) / FORM_STORES[stage][0]))
    assert rows[("r1", item)]["notes"] == "looked again"


@pytest.mark.parametrize("stage", list(FORM_STORES))
def test_two_files_that_agree_are_read_silently_whatever_their_save_times(
    staged: dict[str, Any], stage: str, caplog: pytest.LogCaptureFixture
) -> None:
    typed = FORM_STORES[stage][1]
    for name, shuffle in (("a.xlsx", False), ("b.xlsx", True)):  # not byte-identical copies
        path = _return(staged, stage, name, typed, shuffle=shuffle)[0]
        set_saved_at(path, "2099-01-02T03:04:05Z")
    with caplog.at_level(logging.WARNING):
        STAGES[stage][4](staged["config"])  # no error
    assert not [r for r in caplog.records if "/a.xlsx" in r.getMessage()]


@pytest.mark.parametrize("stage", list(FORM_STORES))
def test_a_column_of_the_reviewers_own_holding_a_note_is_named_in_the_log(
    staged: dict[str, Any], stage: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A reviewer adds a column of their own and types a note in it ('my tag': 'check again',
    as fill_form does when it shuffles). The form is read, but the column is no field, so the
    note reached no output and no log; the log now names the file, the column, how many rows
    hold something (the first) and where a note is kept."""
    path = _return(staged, stage, "own.xlsx", FORM_STORES[stage][1], shuffle=True)[0]
    with caplog.at_level(logging.WARNING):
        STAGES[stage][4](staged["config"])
    named = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"{path}:")]
    assert len(named) == 1, named
    assert named[0].startswith(f"{path}: column 'my tag' is no column of the ")
    assert named[0].endswith(
        "and is not read: what it holds in 1 row(s) (row 2 first) is not in the review's data; "
        "to keep a note with its study, type it in 'notes'"
    )
    rows = latest_rows(read_entries(_outputs(staged["config"]) / FORM_STORES[stage][0]))
    assert rows[("r1", _first_id(staged, stage))]  # the row itself is read as before


# -- formula-like and markup text ------------------------------------------------------------


def _sheet_cells(out: Path) -> list[tuple[str, str, str]]:
    """(file, cell, value) of every text cell of every exported .xlsx and CSV sheet."""
    found = []
    for path in sorted(out.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (
                        f"{path}: {ws.title}!{cell.coordinate} is a formula"
                    )
                    if isinstance(cell.value, str):
                        found.append((str(path), cell.coordinate, cell.value))
    for path in sorted(out.rglob("*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        if text.startswith("# livingreview sheet"):  # a sheet for people, not a data table
            rows = list(csv.reader(text.splitlines()[1:]))
            found += [(str(path), f"row {n}", v) for n, row in enumerate(rows, 2) for v in row]
    return found


def test_formula_text_typed_by_reviewers_is_never_a_formula_in_any_exported_sheet(
    staged: dict[str, Any],
) -> None:
    out = _outputs(staged["config"])
    cells = _sheet_cells(out) + _sheet_cells(staged["blank"])  # blank: sheets as first exported
    shown = [c for c in cells if "HYPERLINK" in c[2]]
    # the conflicts sheet shows r1's note, the extraction consensus form both reviewers' values
    assert any("conflicts.xlsx" in c[0] for c in shown)
    assert any("extraction_round1_consensus.xlsx" in c[0] for c in shown)
    assert any("extraction_round1_consensus.csv" in c[0] for c in shown)
    for path, where, value in cells:
        if path.endswith(".csv"):
            assert not value.startswith(FORMULA_START), (path, where, value)
    # what the reviewer typed is kept as typed, in the store
    with (out / "extraction/entries.csv").open(encoding="utf-8", newline="") as handle:
        typed = {row["value"] for row in csv.DictReader(handle) if row["column"] == "notes"}
    assert typed == {FORMULA}


def _demo_with_extraction(
    demo_outputs: Path, tmp_path: Path, values: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """A copy of the demo review in which both reviewers recode one study with ``values``;
    returns the config and the study id."""
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    config["paths"] = {"human_input": str(tmp_path / "human"), "outputs": str(tmp_path / "outputs")}
    shutil.copytree(demo_outputs, tmp_path / "outputs")
    shutil.copytree(REPO_ROOT / "demo/human", tmp_path / "human")
    returned = tmp_path / "human/extraction"
    study = form_ids(
        returned / "extraction_round1_r1_demo_illustrative.xlsx", "Extraction", "study_id"
    )[0]
    for reviewer in ("r1", "r2"):
        # both correct their returned form in place (a revised copy beside it would be
        # rejected: the demo's forms record no save time, so which came last is unknown)
        form = returned / f"extraction_round1_{reviewer}_demo_illustrative.xlsx"
        fill_form(form, "Extraction", "study_id", {study: values}, form, shuffle=False)
    drop_store(tmp_path / "outputs/extraction/entries.csv")  # the store of the first version
    run_extraction(config)
    return config, study


def test_formula_and_markup_in_extraction_values_render_as_text_in_the_report(
    demo_outputs: Path, tmp_path: Path
) -> None:
    values = {"country": MARKUP, "facilitators": FORMULA, "barriers": "<b>bold</b> & more"}
    config, study = _demo_with_extraction(demo_outputs, tmp_path, values)
    with (tmp_path / "outputs/extraction/studies.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["study_id"] == study)
    assert row["extraction_status"] == "final" and row["facilitators"] == FORMULA
    html = write_report(config, tmp_path / "outputs", tmp_path / "report").read_text()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    )
    assert "=HYPERLINK(&#34;http://evil.example/steal&#34;,&#34;click me&#34;)" in html
    assert 'href="http://evil.example' not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    markdown = (tmp_path / "report/report.md").read_text()
    assert "<script>" not in markdown and "<img" not in markdown and "<b>" not in markdown


# -- huge cells, encodings, files that are not sheets ----------------------------------------


def test_a_5_mb_cell_is_kept_whole_in_the_store(staged: dict[str, Any]) -> None:
    huge = "alliance " * (5 * 1024 * 1024 // 9)
    path, runner = _return(staged, "extraction", "huge.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Extraction"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("notes") + 1)
    # Excel holds 32,767 characters per cell, LibreOffice more; openpyxl's setter would cut the
    # text, so it goes in directly, as LibreOffice writes it.
    cell._value, cell.data_type = huge, "s"
    wb.save(path)
    set_saved_at(path, RETURNED_AT)  # as _return left it before this save
    runner(staged["config"])
    with (_outputs(staged["config"]) / "extraction/entries.csv").open(encoding="utf-8") as handle:
        csv.field_size_limit(16 * 1024 * 1024)
        notes = [r["value"] for r in csv.DictReader(handle) if r["file"].endswith("huge.xlsx")
                 and r["column"] == "notes"]  # fmt: skip
    assert notes == [huge.strip()]


def test_a_csv_form_saved_in_cp1252_is_read_with_its_accents(staged: dict[str, Any]) -> None:
    config = staged["config"]
    form = _outputs(config) / "extraction/forms/extraction_round1_consensus.csv"
    lines = form.read_text(encoding="utf-8-sig").splitlines()
    rows = list(csv.reader(lines[1:]))
    header = rows[0]
    typed = "Montréal – “naïve” users, 12 €"
    rows[1][header.index("key_findings")] = typed
    for name in ("study_design", "intervention_type"):
        rows[1][header.index(name)] = CODED[name]
    target = _human(config, "extraction/consensus.csv")
    with target.open("w", encoding="cp1252", newline="") as handle:  # Excel's "CSV" on Windows
        handle.write(lines[0] + "\r\n")
        csv.writer(handle).writerows(rows)
    assert target.read_bytes().count("é".encode("cp1252")) >= 1
    state = run_extraction(config)
    assert state["studies"]["final"] == 3
    with (_outputs(config) / "extraction/studies.csv").open(encoding="utf-8") as handle:
        found = {r["study_id"]: r["key_findings"] for r in csv.DictReader(handle)}
    assert found[rows[1][header.index("study_id")]] == typed


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "r1.xlsx",
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "cannot read as an .xlsx",
        ),
        ("r1.xlsx", b"", "cannot read as an .xlsx"),
        ("r1.pdf", b"%PDF-1.7\n", "expected .xlsx or .csv"),
        ("r1.csv", bytes(range(256)) * 4, "cannot be read as a CSV sheet"),
    ],
)
def test_a_file_that_is_not_a_sheet_is_rejected_naming_it(
    staged: dict[str, Any], name: str, content: bytes, words: str
) -> None:
    path = _human(staged["config"], "extraction") / f"not_a_sheet_{name}"
    path.write_bytes(content)
    _rejected(staged, run_extraction, path, words)


def test_a_workbook_of_something_else_is_rejected_naming_it(staged: dict[str, Any]) -> None:
    path = _human(staged["config"], "extraction") / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["item", "cost"])
    wb.active.append(["coffee", 3])
    wb.save(path)
    _rejected(staged, run_extraction, path, "extraction form")


def test_markup_in_a_risk_of_bias_override_reason_renders_as_text(
    staged: dict[str, Any], tmp_path: Path
) -> None:
    config, blank = staged["config"], staged["blank"]
    study = form_ids(blank / "rob2.xlsx", "Risk of bias", "study_id")[0]
    reason = f"{MARKUP} {FORMULA}"
    rated = {study: {**ANSWERS, "overall": "High", "overall_reason": reason}}
    out = _outputs(config)
    for reviewer in ("r1", "r2"):
        fill_form(
            out / f"rob/forms/rob_rob2_round1_{reviewer}.xlsx",
            "Risk of bias",
            "study_id",
            rated,
            _human(config, f"risk_of_bias/rob2_{reviewer}.xlsx"),
        )
    assert run_appraisal(config)["overrides"] == 1
    html = write_report(config, out, tmp_path / "report").read_text()
    start = html.index('<section id="rob">')
    rob = html[start : html.index("<section", start + 1)]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in rob and "=HYPERLINK(" in rob
    markdown = (tmp_path / "report/report.md").read_text()
    assert "<script>" not in markdown and "<img" not in markdown


def test_a_shuffled_form_holds_exactly_the_shuffled_rows(tmp_path: Path) -> None:
    """The test helper's reversed rows carry their blanks too: a blank cell moved onto a row that
    held text leaves that row blank, not holding the text of the row that was there before."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form"
    rows = [("study_id", "notes"), ("a", "only a has a note"), ("b", None), ("c", None)]
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / "form.xlsx")
    fill_form(tmp_path / "form.xlsx", "Form", "study_id", {}, tmp_path / "back.xlsx")
    back = list(openpyxl.load_workbook(tmp_path / "back.xlsx")["Form"].values)
    assert back == [
        ("my tag", "study_id", "notes"),
        ("check again", "c", None),
        (None, "b", None),
        (None, "a", "only a has a note"),
    ]


def test_a_value_left_blank_in_a_csv_of_the_same_round_is_a_disagreement() -> None:
    """A row returned as .xlsx with a note and as CSV without it: which row counts (and so
    whether the note is kept) cannot be told, so the two files are rejected, naming the blank."""
    typed = [
        Entry("S1", "r1", 1, "decision", "include", "a.xlsx", 3, "2099-01-01T00:00:00Z"),
        Entry("S1", "r1", 1, "notes", "see table 2", "a.xlsx", 3, "2099-01-01T00:00:00Z"),
        Entry("S1", "r1", 1, "decision", "include", "b.csv", 5, ""),
    ]
    with pytest.raises(InputFileError) as error:
        check_repeated_rows(typed)
    assert str(error.value) == (
        "a.xlsx, row 3, field 'notes': r1's notes (round 1) on study S1 is 'see table 2' here and "
        "blank in b.csv, row 5, and which of the two files was saved last cannot be told (b.csv "
        "is a CSV file, which does not record when it was saved); expected one notes per study: "
        "remove one of the two files, or correct one so that both hold the same"
    )
    later = replace(typed[2], file="b.xlsx", recorded_at="2099-02-01T00:00:00Z")
    assert check_repeated_rows([*typed[:2], later]) == [
        "a.xlsx, row 3: r1's notes (round 1) on study S1, 'see table 2', is overridden by blank "
        "in b.xlsx, row 5, saved later (2099-01-01T00:00:00Z < 2099-02-01T00:00:00Z)"
    ]
