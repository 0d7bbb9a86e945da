"""Two rows of one returned full-text sheet naming, as written, two studies the library joined
after the sheet was written (a maybe pair decided duplicate, a late record): when they differ,
neither counts, whatever their order in the file; the study is on that reviewer's next sheet
again, is pending for them in status.json, and both rows stay in the store as typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from livingreview import reviewforms
from livingreview.config import load_config
from livingreview.dedup.rounds import derived_id
from livingreview.errors import InputFileError
from livingreview.fulltext import decide, sheet
from livingreview.fulltext.stage import _expected_sheet, _reasons, export_sheets, status
from livingreview.reviewforms import Entry, ReturnedForm
from livingreview.sheets.layout import FIXED_STAMP
from tests.conftest import REPO_ROOT
from tests.form_helpers import fill_csv_form, fill_form, form_ids, set_saved_at

SAVED = "2030-01-02T03:04:05Z"
FIRST, SECOND = derived_id("europepmc:MED:2"), derived_id("europepmc:MED:3")
NOW = derived_id("aaa:1")  # the study both are now: a record that sorts first joined them
EXCLUDED = {"decision": "exclude", "reason": "duplicate_report"}


def demo_config(tmp_path: Path) -> dict[str, Any]:
    """The demo protocol, its library now holding FIRST's and SECOND's records as one study."""
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    config["paths"] = {"human_input": str(tmp_path / "in"), "outputs": str(tmp_path / "out")}
    groups = tmp_path / "out/library/groups.csv"
    groups.parent.mkdir(parents=True)
    records = "".join(f"{rid},{NOW},1\n" for rid in ("aaa:1", "europepmc:MED:2", "europepmc:MED:3"))
    groups.write_text("record_id,study_id,round\n" + records, encoding="utf-8")
    return config


def read_back(config: dict[str, Any], *paths: Path) -> tuple[list[Entry], list[ReturnedForm]]:
    """The returned sheets at ``paths`` read as the full-text stage reads them."""
    expected = _expected_sheet(config, frozenset({NOW}), {}, 1)
    reasons = _reasons(config)
    return reviewforms.import_forms(
        paths,
        expected,
        base=Path(config["paths"]["human_input"]),
        store=None,
        clean=lambda filled, where: sheet.clean_row(filled, expected, reasons, where),
    )


def returned_both_ways(
    tmp_path: Path, typed: dict[str, dict[str, str]]
) -> list[tuple[dict[str, Any], list[Entry], list[ReturnedForm]]]:
    """r1's round-1 sheet of FIRST and SECOND, written before the join, filled with ``typed``
    and returned as it was written and with its rows reversed (one folder each, same file name
    and save time); per order: its config, the entries and forms read back."""
    found = []
    for shuffle in (False, True):
        config = demo_config(tmp_path / f"shuffled_{shuffle}")
        [written] = export_sheets(config, {FIRST: 1, SECOND: 1}, {}, {}, ["r1"], 1)
        assert form_ids(written, sheet.SHEET, sheet.ID_COLUMN) == [FIRST, SECOND]
        path = Path(config["paths"]["human_input"]) / "full_text/sheets/r1.xlsx"
        set_saved_at(
            fill_form(written, sheet.SHEET, sheet.ID_COLUMN, typed, path, shuffle=shuffle), SAVED
        )
        found.append((config, *read_back(config, path)))
    return found


def r2_includes() -> Entry:
    return Entry(NOW, "r2", 1, "decision", "include", "r2.xlsx", 2, SAVED)


def test_differing_rows_count_for_neither_in_either_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before, the later row counted: r1 excluded the study as written, or included it (and
    agreed with r2) when the rows were reordered."""
    typed = {FIRST: EXCLUDED, SECOND: {"decision": "include"}}
    with caplog.at_level("WARNING", logger="livingreview"):
        (_, as_written, _), (_, reordered, _) = returned_both_ways(tmp_path, typed)
    outcomes = []
    for entries in (as_written, reordered):
        rows = reviewforms.latest_rows([*entries, r2_includes()])
        assert ("r1", NOW) not in rows and rows[("r2", NOW)] == {"decision": "include"}
        outcomes.append(decide.decide_reports({NOW: 1}, rows, [], dual=True, rule="consensus"))
    assert outcomes[0] == outcomes[1]
    [report] = outcomes[0].reports
    assert (report.decision, report.how) == ("pending", "awaiting_second")
    lines = [r.getMessage() for r in caplog.records if "one file cannot tell" in r.getMessage()]
    assert len(lines) == 2
    shown = (
        f"{FIRST} (retrieval=retrieved, decision=exclude, reason=duplicate_report)",
        f"{SECOND} (retrieval=retrieved, decision=include)",
    )
    assert all(shown[0] in line and shown[1] in line for line in lines)
    assert all(
        line.endswith(
            "neither does (both stay stored as typed): r1's row on "
            f"{NOW} is awaited, and the study is listed again on r1's next full-text sheet"
        )
        for line in lines
    )


def test_the_study_is_asked_again_and_both_rows_stay_stored(tmp_path: Path) -> None:
    """Before, the study counted as decided by r1: not on r1's next sheet, not pending."""
    typed = {FIRST: EXCLUDED, SECOND: {"decision": "include", "notes": "same trial"}}
    for config, entries, forms in returned_both_ways(tmp_path, typed):
        rows = reviewforms.latest_rows(entries)
        written = export_sheets(config, {NOW: 1}, {}, rows, ["r1", "r2"], 1)
        state = status(config, {NOW: 1}, rows, ["r1", "r2"], forms, written, 1)
        assert state["reviewers"]["r1"]["pending"] == 1 and state["state"] == "pending"
        [again] = [p for p in written if p.name == "full_text_round1_r1.xlsx"]
        assert form_ids(again, sheet.SHEET, sheet.ID_COLUMN) == [NOW]
        store = Path(config["paths"]["outputs"]) / "fulltext/assessments.csv"
        reviewforms.write_entries(store, entries)
        kept = sorted((e.item_id, e.column, e.value) for e in reviewforms.read_entries(store))
        assert kept == [
            (NOW, "decision", "exclude"),
            (NOW, "decision", "include"),
            (NOW, "notes", "same trial"),
            (NOW, "reason", "duplicate_report"),
            (NOW, "retrieval", "retrieved"),
            (NOW, "retrieval", "retrieved"),
        ]


def test_rows_alike_but_for_whitespace_count_the_same_in_either_order(tmp_path: Path) -> None:
    """Before, the later row's notes were the ones used: reordering the rows changed them."""
    typed = {
        FIRST: {"decision": "include", "notes": "same  trial"},
        SECOND: {"decision": "include", "notes": "same trial"},
    }
    found = [reviewforms.latest_rows(e) for _, e, _ in returned_both_ways(tmp_path, typed)]
    assert found[0] == found[1]
    assert found[0][("r1", NOW)]["decision"] == "include"


def test_a_file_saved_again_unchanged_names_the_save_time_not_the_value(tmp_path: Path) -> None:
    """Before: "decision 'include' ... now reads 'include' in this file", not saying what
    differed."""
    store = tmp_path / "assessments.csv"
    before = Entry(NOW, "r1", 1, "decision", "include", "r1.xlsx", 2, SAVED)
    reviewforms.write_entries(store, [before])
    again = Entry(NOW, "r1", 1, "decision", "include", "r1.xlsx", 2, "2030-02-01")
    with pytest.raises(InputFileError) as raised:
        reviewforms.check_nothing_lost([before], [again], store)
    assert "now reads" not in str(raised.value)
    assert (
        "r1.xlsx, row 2, field 'decision': decision 'include' for "
        f"{NOW} by r1, stored in {store}, is still 'include' in this file, but the file now "
        f"records being saved at 2030-02-01 (stored: {SAVED}): it was saved again"
    ) in str(raised.value)


def answered_again(
    tmp_path: Path, fmt: str, names: tuple[str, str], saved: tuple[str, str]
) -> tuple[dict[str, Any], list[Path]]:
    """r1's round-1 sheet of FIRST and SECOND (``fmt``), returned as ``names[0]`` with rows
    that differ (set aside: NOW listed again), then r1's next round-1 sheet, listing NOW,
    returned as ``names[1]`` including it; ``saved``: each .xlsx file's save time (the
    written stamp: none). The config and the two returned files."""
    config = demo_config(tmp_path)
    config["full_text"]["sheet_format"] = fmt
    folder = Path(config["paths"]["human_input"]) / "full_text/sheets"
    typed = {FIRST: EXCLUDED, SECOND: {"decision": "include"}}
    [first] = export_sheets(config, {FIRST: 1, SECOND: 1}, {}, {}, ["r1"], 1)
    returned = [fill(first, typed, folder / names[0], saved[0])]
    entries, _ = read_back(config, returned[0])
    rows = reviewforms.latest_rows(entries)
    assert ("r1", NOW) not in rows
    [again] = export_sheets(config, {NOW: 1}, {}, rows, ["r1"], 1)
    returned.append(fill(again, {NOW: {"decision": "include"}}, folder / names[1], saved[1]))
    return config, returned


def fill(form: Path, typed: dict[str, dict[str, str]], path: Path, saved: str) -> Path:
    """``form`` filled with ``typed`` as a person returns it: a CSV as CSV, an .xlsx saved at
    ``saved``."""
    if form.suffix == ".csv":
        return fill_csv_form(form, sheet.ID_COLUMN, typed, path.with_suffix(".csv"))
    return set_saved_at(fill_form(form, sheet.SHEET, sheet.ID_COLUMN, typed, path), saved)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("names", [("a.xlsx", "b.xlsx"), ("b.xlsx", "a.xlsx")])
def test_the_answer_asked_again_counts_in_the_same_round_without_save_times(
    tmp_path: Path, fmt: str, names: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Before: "which of the two files was saved last cannot be told", although the rows of the
    first file on the study count for nothing; and (its name sorting last) the first file
    still left the row awaited."""
    config, returned = answered_again(tmp_path, fmt, names, (FIXED_STAMP, FIXED_STAMP))
    caplog.clear()
    with caplog.at_level("WARNING", logger="livingreview"):
        entries = read_back(config, *returned)[0]
    rows = reviewforms.latest_rows(entries)
    assert rows[("r1", NOW)] == {"decision": "include", "retrieval": "retrieved"}
    assert not [r for r in caplog.records if "overridden" in r.getMessage()]
    [line] = [r.getMessage() for r in caplog.records if "cannot tell" in r.getMessage()]
    assert line.endswith(
        f"neither does (both stay stored as typed): r1's row on {NOW} is the one in "
        f"full_text/sheets/{Path(names[1]).with_suffix('.' + fmt)} (round 1)"
    )
    assert sorted(e.value for e in entries if e.column == "decision") == [
        "exclude",
        "include",
        "include",
    ]


def test_set_aside_rows_saved_later_are_named_overriding_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before, the log said r1's later answer "is overridden by 'exclude' in ...a.xlsx, row 3"
    (a row that counts for nothing) and no row of r1 counted."""
    later = "2030-03-01T00:00:00Z"
    config, returned = answered_again(tmp_path, "xlsx", ("a.xlsx", "b.xlsx"), (later, SAVED))
    with caplog.at_level("WARNING", logger="livingreview"):
        rows = reviewforms.latest_rows(read_back(config, *returned)[0])
    assert rows[("r1", NOW)]["decision"] == "include"
    assert not [r for r in caplog.records if "overridden" in r.getMessage()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_second_answer_to_rows_that_agree_still_needs_the_save_times(
    tmp_path: Path, fmt: str
) -> None:
    """Rows of one file on the joined study that agree count: a second file answering
    otherwise in the same round is told apart by save time only."""
    config = demo_config(tmp_path)
    config["full_text"]["sheet_format"] = fmt
    folder = Path(config["paths"]["human_input"]) / "full_text/sheets"
    [first] = export_sheets(config, {FIRST: 1, SECOND: 1}, {}, {}, ["r1"], 1)
    returned = [fill(first, {FIRST: EXCLUDED, SECOND: EXCLUDED}, folder / "a.xlsx", FIXED_STAMP)]
    [again] = export_sheets(config, {NOW: 1}, {}, {}, ["r1"], 1)  # (written over the first)
    returned.append(fill(again, {NOW: {"decision": "include"}}, folder / "b.xlsx", FIXED_STAMP))
    with pytest.raises(InputFileError, match="which of the two files was saved last cannot"):
        read_back(config, *returned)[0]
