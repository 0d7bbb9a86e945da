"""The dual-screening round trip on the demo library: sheets out, decisions back, kappa, the
conflicts sheet, its resolution, and every decision accounted for; bad conflicts sheets rejected."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import logging
import math
import random
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from livingreview.cli import main
from livingreview.screening.agreement import collapse_maybe
from livingreview.screening.decisions import ScreeningDecision, read_decisions, write_decisions
from tests.conftest import REPO_ROOT, drop_store
from tests.form_helpers import conflict_notes, fill_csv_form, fill_form, form_ids
from tests.screening.sheet_helpers import libreoffice_resave


def sklearn_kappa(a: list[str], b: list[str]) -> float | None:
    """scikit-learn's Cohen's kappa, None when scikit-learn is not installed."""
    if importlib.util.find_spec("sklearn") is None:
        return None
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b))


@pytest.fixture
def review(demo_outputs: Path, tmp_path: Path) -> dict[str, object]:
    """A writable copy of the demo outputs with an empty human-input folder."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    # the demo's own returned sheets are not in this human-input folder: start without their store
    drop_store(outputs / "screening/decisions.csv")
    human = tmp_path / "human"
    human.mkdir()
    override = tmp_path / "paths.yaml"
    override.write_text(
        yaml.safe_dump({"paths": {"human_input": str(human), "outputs": str(outputs)}}),
        encoding="utf-8",
    )
    configs = [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml")]
    args = ["--configfile", *configs, str(override)]
    # the demo's sheets list only what its reviewers left undecided (nothing): write the sheets
    # a reviewer is first given, every study of round 1
    run(args, "screen")
    return {"outputs": outputs, "human": human, "args": args, "tmp": tmp_path}


def fill_screening_sheet(source: Path, target: Path, seed: int) -> None:
    """Decide like a person: mostly by the title, sometimes otherwise, in mixed capitals."""
    book = openpyxl.load_workbook(source)
    sheet = book["Screening"]
    head = [c.value for c in sheet[1]]
    rng = random.Random(seed)
    for row in range(2, sheet.max_row + 1):
        title = str(sheet.cell(row, head.index("title") + 1).value or "").lower()
        likely = "include" if "alliance" in title or "bond" in title else "exclude"
        draw = rng.random()
        value = likely if draw < 0.75 else rng.choice(["maybe", "include", "exclude"])
        sheet.cell(row, head.index("decision") + 1).value = value.upper() if row % 4 else value
        if value == "exclude":
            sheet.cell(row, head.index("reason") + 1).value = "no_alliance"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def return_both_sheets(outputs: Path, human: Path) -> None:
    """r1 and r2 fill their round-1 sheets (differently seeded) and return them."""
    for seed, reviewer in enumerate(("r1", "r2"), start=1):
        fill_screening_sheet(
            outputs / f"screening/title_abstract/title_abstract_round1_{reviewer}.xlsx",
            human / f"screening/title_abstract/{reviewer}.xlsx",
            seed,
        )


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run(args: list[str], command: str) -> None:
    assert main([command, *args]) == 0


def test_dual_screening_round_trip_accounts_for_every_decision(
    review: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs, human, args = review["outputs"], review["human"], review["args"]
    return_both_sheets(outputs, human)
    run(args, "screen")
    decisions = read_decisions(outputs / "screening/decisions.csv")
    run(args, "agreement")
    run(args, "conflicts")
    # agreement on the same decisions: counted here, kappa as scikit-learn computes it
    first = {d.study_id: d.decision for d in decisions if d.reviewer == "r1"}
    second = {d.study_id: d.decision for d in decisions if d.reviewer == "r2"}
    common = sorted(first)
    assert common == sorted(second) and len(common) > 100
    table = json.loads((outputs / "screening/agreement.json").read_text(encoding="utf-8"))
    pair = table["pairs"][0]
    collapsed = pair["maybe_as_include"]
    assert (pair["reviewer_a"], pair["reviewer_b"], collapsed["n"]) == ("r1", "r2", len(common))
    same = sum(collapse_maybe(first[s]) == collapse_maybe(second[s]) for s in common)
    assert collapsed["percent_agreement"] == pytest.approx(100 * same / len(common), abs=1e-6)
    assert sum(map(sum, pair["three_way"]["table"])) == len(common)
    collapsed_kappa = sklearn_kappa(
        [collapse_maybe(first[s]) for s in common], [collapse_maybe(second[s]) for s in common]
    )
    three_way_kappa = sklearn_kappa([first[s] for s in common], [second[s] for s in common])
    if collapsed_kappa is not None and three_way_kappa is not None:
        assert collapsed["kappa"] == pytest.approx(collapsed_kappa, abs=1e-6)
        assert pair["three_way"]["kappa"] == pytest.approx(three_way_kappa, abs=1e-6)
    # conflicts: exactly the studies the two decided differently (maybe = include)
    outcome = json.loads((outputs / "screening/outcome.json").read_text(encoding="utf-8"))
    conflicts = read_rows_after_meta(outputs / "screening/conflicts.csv")
    differ = {s for s in common if collapse_maybe(first[s]) != collapse_maybe(second[s])}
    assert {r["study_id"] for r in conflicts} == differ and differ
    assert outcome["conflicts_pending"] == len(differ) and outcome["resolver"] == "r3"
    final = read_rows(outputs / "screening/final_decisions.csv")
    assert len(final) + len(differ) == len(common)
    # the third reviewer resolves all but one, in the xlsx, after reordering the rows
    book = openpyxl.load_workbook(outputs / "screening/conflicts.xlsx")
    sheet = book["Conflicts"]
    head = [c.value for c in sheet[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    rows.reverse()
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c).value = value
        verdict = "Include" if "r1: include" in values[head.index("votes")] else "exclude"
        sheet.cell(r, head.index("resolution") + 1).value = verdict if r > 2 else None
    filled = review["tmp"] / "filled/r3_resolved.xlsx"
    filled.parent.mkdir()
    book.save(filled)
    folder = human / "screening/conflicts"
    folder.mkdir(parents=True)
    if shutil.which("soffice"):  # as the third reviewer's LibreOffice saves it
        libreoffice_resave(filled, "xlsx", folder, review["tmp"])
    else:
        shutil.copy(filled, folder)
    run(args, "conflicts")
    outcome = json.loads((outputs / "screening/outcome.json").read_text(encoding="utf-8"))
    final = read_rows(outputs / "screening/final_decisions.csv")
    assert outcome["conflicts_pending"] == 1 and outcome["conflicts_resolved"] == len(differ) - 1
    assert len(final) == len(common) - 1
    assert outcome["included"] + outcome["excluded"] == len(final)
    by_id = {r["study_id"]: r for r in final}
    for study in differ & set(by_id):
        assert by_id[study]["how"] == "third_reviewer" and by_id[study]["resolver"] == "r3"
        assert by_id[study]["decision"] == ("include" if first[study] == "include" else "exclude")
    for study in set(common) - differ:
        assert by_id[study]["decision"] == collapse_maybe(first[study])
    # the last conflict, resolved in the .csv variant, settles everything
    text = (outputs / "screening/conflicts.csv").read_text(encoding="utf-8")
    assert text.count("\n") == 3  # metadata line, header, the one pending conflict
    (human / "screening/conflicts/r3_last.csv").write_text(
        text.replace(",,,,", ",,exclude,,", 1), encoding="utf-8"
    )
    run(args, "conflicts")
    outcome = json.loads((outputs / "screening/outcome.json").read_text(encoding="utf-8"))
    assert outcome["conflicts_pending"] == 0 and outcome["studies_decided"] == len(common)
    assert len(read_rows(outputs / "screening/resolutions.csv")) == len(differ)
    assert "pair(s)" in capsys.readouterr().out
    run(args, "where")
    where = capsys.readouterr().out
    assert "Screening conflicts to resolve (0): " in where
    # both screeners decided every study: their sheets list none
    assert "studies each sheet lists (not yet decided by its reviewer): r1 0, r2 0\n" in where


def read_rows_after_meta(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# livingreview sheet | kind=screening-conflicts")
    return list(csv.DictReader(lines[1:]))


def conflicts_ready(review: dict) -> Path:
    """Two returned screening sheets with conflicts, the conflicts sheet written."""
    outputs, human, args = review["outputs"], review["human"], review["args"]
    return_both_sheets(outputs, human)
    run(args, "screen")
    run(args, "conflicts")
    return outputs / "screening/conflicts.csv"


def resolve_rows(text: str, values: list[str]) -> str:
    """The conflicts sheet's CSV with ``values`` typed in 'resolution' of its first rows."""
    lines = text.splitlines(keepends=True)
    rows = list(csv.reader(lines[1:]))
    column = rows[0].index("resolution")
    for row, value in zip(rows[1:], values, strict=False):
        row[column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return lines[0] + out.getvalue()


THREE_BAD = (
    "3 rows cannot be read (fix them all, then run again): "
    "row 3, field 'resolution': unknown resolution 'No'; expected include, exclude or blank | "
    "row 4, field 'resolution': unknown resolution 'Yes'; expected include, exclude or blank | "
    "row 5, field 'resolution': unknown resolution 'x'; expected include, exclude or blank\n"
)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace("review_id=dta_integrative_review", "review_id=other_review"),
            "field 'review_id': sheet is for review_id 'other_review', expected "
            "'dta_integrative_review'",
        ),
        (
            lambda t: t.replace(",,,,", ",,perhaps,,", 1),
            "row 3, field 'resolution': unknown resolution 'perhaps'; expected include, "
            "exclude or blank",
        ),
        (
            lambda t: t.replace(",,,,", ",,exclude,not_a_reason,", 1),
            "row 3, field 'reason': unknown reason 'not_a_reason'",
        ),
        (
            lambda t: "\n".join([*t.splitlines(), t.splitlines()[2]]) + "\n",
            "appears twice (rows 3 and ",  # row 1: the metadata line
        ),
        (
            lambda t: "\n".join(t.splitlines()[:2] + t.splitlines()[3:]) + "\n",
            "the study_id values differ from the {rows} the sheet was written with (found {fewer})",
        ),
        (lambda t: resolve_rows(t, ["No", "Yes", "x"]), THREE_BAD),
    ],
    ids=[
        "another review",
        "unknown resolution",
        "unknown reason",
        "twice",
        "missing row",
        "three bad rows",
    ],
)
def test_a_bad_conflicts_sheet_is_rejected_and_nothing_is_lost(
    review: dict, edit, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = conflicts_ready(review)
    outputs, human, args = review["outputs"], review["human"], review["args"]
    before = {
        name: (outputs / "screening" / name).read_bytes()
        for name in ("final_decisions.csv", "outcome.json", "conflicts.xlsx", "decisions.csv")
    }
    returned = human / "screening/conflicts/bad.csv"
    returned.parent.mkdir(parents=True)
    text = sheet.read_text(encoding="utf-8")
    returned.write_text(edit(text), encoding="utf-8")
    rows = len(text.splitlines()) - 2  # below the metadata line and the header
    message = message.format(rows=rows, fewer=rows - 1)
    capsys.readouterr()
    assert main(["conflicts", *args]) == 2
    error = capsys.readouterr().err
    assert str(returned) in error and message in error and "Traceback" not in error
    for name, body in before.items():
        assert (outputs / "screening" / name).read_bytes() == body, name


def test_an_xlsx_conflicts_sheet_with_an_edited_meta_is_rejected(
    review: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts_ready(review)
    outputs, human, args = review["outputs"], review["human"], review["args"]
    book = openpyxl.load_workbook(outputs / "screening/conflicts.xlsx")
    meta = book["_meta"]
    last = meta.max_row
    meta.cell(last, 1).value = "S_not_a_study"
    (human / "screening/conflicts").mkdir(parents=True)
    book.save(human / "screening/conflicts/edited.xlsx")
    capsys.readouterr()
    assert main(["conflicts", *args]) == 2
    assert "'_meta' was edited (checksum mismatch)" in capsys.readouterr().err


def test_single_screening_with_a_verified_sample(review: dict) -> None:
    outputs, human, args = review["outputs"], review["human"], review["args"]
    single = review["tmp"] / "single.yaml"
    sample = {"fraction": 0.2, "seed": 3}
    single.write_text(
        yaml.safe_dump({"screening": {"mode": "single", "verification_sample": sample}}),
        encoding="utf-8",
    )
    args = [*args, str(single)]
    shutil.rmtree(outputs / "screening/title_abstract")
    run(args, "screen")  # r1 gets every study, r2 (the verifier) the seeded sample
    return_both_sheets(outputs, human)
    run(args, "screen")
    run(args, "agreement")
    run(args, "conflicts")
    decisions = read_decisions(outputs / "screening/decisions.csv")
    first = {d.study_id: d.decision for d in decisions if d.reviewer == "r1"}
    checked = {d.study_id: d.decision for d in decisions if d.reviewer == "r2"}
    assert set(checked) < set(first) and len(checked) == math.ceil(0.2 * len(first))
    data = json.loads((outputs / "screening/agreement.json").read_text(encoding="utf-8"))
    assert data["mode"] == "single" and data["verification_sample"]["fraction"] == 0.2
    [pair] = data["pairs"]
    assert pair["maybe_as_include"]["n"] == len(checked)
    same = sum(collapse_maybe(first[s]) == collapse_maybe(checked[s]) for s in checked)
    assert pair["maybe_as_include"]["percent_agreement"] == pytest.approx(100 * same / len(checked))
    final = {r["study_id"]: r for r in read_rows(outputs / "screening/final_decisions.csv")}
    pending = {r["study_id"] for r in read_rows_after_meta(outputs / "screening/conflicts.csv")}
    assert set(final) | pending == set(first) and not set(final) & pending
    for study, row in final.items():
        assert row["how"] == ("agreement" if study in checked else "single_reviewer")
        assert row["decision"] == collapse_maybe(first[study])
    assert pending == {s for s in checked if collapse_maybe(first[s]) != collapse_maybe(checked[s])}


def test_final_decisions_count_in_the_round_the_study_is_new_in(review: dict) -> None:
    outputs, args = review["outputs"], review["args"]
    with (outputs / "library/records.csv").open(encoding="utf-8", newline="") as handle:
        study = next(csv.DictReader(handle))["study_id"]
    later = [  # decided on a later round's sheet (batch mode), new in round 1
        ScreeningDecision(study, r, "title_abstract", 2, "include", "", "", f"{r}.xlsx", 2, "")
        for r in ("r1", "r2")
    ]
    write_decisions(outputs / "screening/decisions.csv", later)
    run(args, "conflicts")
    [row] = read_rows(outputs / "screening/final_decisions.csv")
    assert (row["study_id"], row["round"], row["how"]) == (study, "1", "agreement")


def test_with_nothing_screened_the_library_is_checked_by_its_headers(
    review: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    """No decision and no returned conflicts sheet: the same (empty) outputs whatever the
    library's rows; a library table without a column it needs is still an error."""
    outputs, args = review["outputs"], review["args"]
    names = ("final_decisions.csv", "outcome.json", "conflicts.xlsx", "conflicts.csv")
    run(args, "conflicts")
    before = {name: (outputs / "screening" / name).read_bytes() for name in names}
    assert json.loads(before["outcome.json"])["round"] == 1
    records = outputs / "library/records.csv"
    header = records.read_text(encoding="utf-8").splitlines()[0]
    records.write_text(header + "\n", encoding="utf-8")
    run(args, "conflicts")
    for name, body in before.items():
        assert (outputs / "screening" / name).read_bytes() == body, name
    groups = outputs / "library/groups.csv"
    groups.write_text("study_id\nS1\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["conflicts", *args]) == 2
    error = capsys.readouterr().err
    assert str(groups) in error and "missing column(s) round" in error


def test_a_note_on_an_unresolved_conflict_comes_back_and_is_stored_with_the_resolution(
    review: dict,
) -> None:
    """A note typed on a conflict left unresolved was dropped: the next conflicts sheet carries
    it (once, however often a sheet is returned) and it is stored with the resolution."""
    conflicts_ready(review)
    outputs, human, args = review["outputs"], review["human"], review["args"]
    sheet = outputs / "screening/conflicts.xlsx"
    study = form_ids(sheet, "Conflicts", "study_id")[0]
    note = "ask r1: is the sample adult?"
    folder = human / "screening/conflicts"
    fill_form(sheet, "Conflicts", "study_id", {study: {"notes": note}}, folder / "r3_a.xlsx")
    run(args, "conflicts")
    assert conflict_notes(sheet) == {study: note}
    shutil.copy(sheet, folder / "r3_b.xlsx")  # returned as written
    run(args, "conflicts")
    assert conflict_notes(sheet) == {study: note}
    fill_form(sheet, "Conflicts", "study_id", {study: {"resolution": "include"}}, folder / "c.xlsx")
    run(args, "conflicts")
    [stored] = [
        r for r in read_rows(outputs / "screening/resolutions.csv") if r["study_id"] == study
    ]
    assert (stored["decision"], stored["notes"]) == ("include", note)
    assert study not in conflict_notes(sheet)


def test_a_resolution_note_holding_a_carriage_return_is_one_row_of_resolutions_csv(
    review: dict,
) -> None:
    """A note typed with a lone carriage return in a returned conflicts CSV (saved with classic
    Mac line breaks) was written to resolutions.csv unquoted: the row ended there and the rest
    of the note became a row of its own. It is read back from the table as typed."""
    sheet = conflicts_ready(review)
    outputs, human, args = review["outputs"], review["human"], review["args"]
    study = form_ids(outputs / "screening/conflicts.xlsx", "Conflicts", "study_id")[0]
    note = "r1 read the abstract only\rr2 the methods"
    typed = {study: {"resolution": "include", "notes": note}}
    fill_csv_form(sheet, "study_id", typed, human / "screening/conflicts/r3.csv")
    run(args, "conflicts")
    rows = read_rows(outputs / "screening/resolutions.csv")
    assert [(r["study_id"], r["decision"], r["notes"]) for r in rows] == [(study, "include", note)]


def test_a_note_typed_in_a_column_of_ones_own_on_a_conflicts_sheet_is_named_in_the_log(
    review: dict, caplog: pytest.LogCaptureFixture
) -> None:
    """A resolver adds a column 'my tag' and types 'check again' in it (row 2): nothing reads
    that column, and the conflicts step said nothing (the title/abstract sheets and the later
    forms name such a column). The log now names the file, the column, its rows and where a
    note is kept; the resolution typed is read as before."""
    conflicts_ready(review)
    outputs, human, args = review["outputs"], review["human"], review["args"]
    sheet = outputs / "screening/conflicts.xlsx"
    study = form_ids(sheet, "Conflicts", "study_id")[0]
    folder = human / "screening/conflicts"
    fill_form(sheet, "Conflicts", "study_id", {study: {"resolution": "include"}}, folder / "c.xlsx")
    with caplog.at_level(logging.WARNING, logger="livingreview"):
        run(args, "conflicts")
    named = [r.getMessage() for r in caplog.records if "is no column" in r.getMessage()]
    assert named == [
        "screening/conflicts/c.xlsx: column 'my tag' is no column of the conflicts sheet and "
        "is not read: what it holds in 1 row(s) (row 2 first) is not in the review's data; to "
        "keep a note with its study, type it in 'notes'"
    ]
    stored = read_rows(outputs / "screening/resolutions.csv")
    assert [(r["study_id"], r["decision"]) for r in stored] == [(study, "include")]
