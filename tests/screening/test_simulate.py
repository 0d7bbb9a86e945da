"""``livingreview simulate``: replaying a real labelled screening set through the ranker."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.screening.simulate import order_metrics, read_labelled_csv
from tests.conftest import require_shared

NSAIDS = "bench/screening/Cohen_2006_NSAIDS.csv"
PTSD = "bench/screening/van_de_Schoot_2018.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    """A CSV in the test's folder with ``columns`` taken from real rows."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: r[k] for k in columns} for r in rows)
    return path


def test_cli_writes_the_screening_order(tmp_path: Path, capsys) -> None:
    data = require_shared(NSAIDS)
    out = tmp_path / "order.csv"
    args = ["simulate", str(data), "--out", str(out), "--seed", "3", "--batch-size", "10"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert out.read_text(encoding="utf-8").splitlines()[0] == "record_id,label,prior"
    order = _rows(out)
    assert f"{len(order)} of 393 records (41 included)" in printed
    truth = {r["record_id"]: r["label_included"] for r in _rows(data)}
    # it stops at the last relevant record, as asreview simulate: every include, then nothing
    screened = [r["record_id"] for r in order]
    assert len(set(screened)) == len(screened) < len(truth)
    assert {i for i, label in truth.items() if label == "1"} <= set(screened)
    assert all(r["label"] == truth[r["record_id"]] for r in order)
    assert "1" in {r["label"] for r in order[-10:]}
    assert [r["prior"] for r in order[:3]] == ["1", "1", "0"]
    assert {r["label"] for r in order[:2]} == {"0", "1"}
    assert all(r["prior"] == "0" for r in order[2:])
    again = tmp_path / "again.csv"
    assert main([*args[:3], str(again), *args[4:]]) == 0
    assert again.read_bytes() == out.read_bytes()
    other_seed = tmp_path / "seed4.csv"
    assert main(["simulate", str(data), "--out", str(other_seed), "--seed", "4"]) == 0
    assert _rows(other_seed)[:2] != order[:2]


def test_cli_all_screens_every_record_and_begins_with_the_stopped_order(tmp_path: Path) -> None:
    data = require_shared(NSAIDS)
    stopped, every = tmp_path / "stopped.csv", tmp_path / "all.csv"
    args = ["simulate", str(data), "--seed", "3"]
    assert main([*args, "--out", str(stopped)]) == 0
    assert main([*args, "--out", str(every), "--all"]) == 0
    short, full = _rows(stopped), _rows(every)
    assert len(full) == len(_rows(data)) > len(short)
    assert full[: len(short)] == short
    assert all(r["label"] == "0" for r in full[len(short) :])


def test_row_positions_are_the_ids_without_a_record_id_column(tmp_path: Path) -> None:
    rows = _rows(require_shared(PTSD))
    subset = [r for r in rows if r["label_included"] == "1"] + rows[:300]
    data = _write(tmp_path / "ptsd_subset.csv", ["title", "abstract", "label_included"], subset)
    out = tmp_path / "order.csv"
    main(["simulate", str(data), "--out", str(out), "--seed", "1", "--prior-excluded", "2"])
    order = _rows(out)
    ids = [int(r["record_id"]) for r in order]
    assert set(ids) >= {i for i, r in enumerate(subset) if r["label_included"] == "1"}
    assert len(set(ids)) == len(ids) and max(ids) < len(subset)
    assert all(r["label"] == subset[int(r["record_id"])]["label_included"] for r in order)
    assert [r["prior"] for r in order].count("1") == 3
    # the records it left are all irrelevant: in any order after it, the same metrics
    labels = [r["label"] == "1" for r in order] + [False] * (len(subset) - len(order))
    assert order_metrics(labels, n_priors=3).wss_95 > 0.3


def test_missing_label_column_exits_2_naming_file_and_column(tmp_path: Path, capsys) -> None:
    rows = _rows(require_shared(NSAIDS))[:20]
    data = _write(tmp_path / "unlabelled.csv", ["record_id", "title", "abstract"], rows)
    out = tmp_path / "order.csv"
    assert main(["simulate", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(data) in err and "'label_included'" in err and "Traceback" not in err
    assert not out.exists()


def test_asreview_column_names_and_a_spreadsheet_saved_copy_read_the_same(tmp_path: Path) -> None:
    """ASReview's other names for the columns (any case), semicolons and a BOM as a European
    spreadsheet program saves them: the same records, documents and labels."""
    source = require_shared(NSAIDS)
    rows = _rows(source)
    copy = tmp_path / "asreview_names.csv"
    with copy.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Record_ID", "Primary_Title", "Notes_Abstract", "Included"])
        writer.writerows(
            [r["record_id"], r["title"], r["abstract"], r["label_included"]] for r in rows
        )
    original, saved = read_labelled_csv(source), read_labelled_csv(copy)
    assert saved.record_ids == original.record_ids
    assert saved.documents == original.documents
    assert saved.included.tolist() == original.included.tolist()
    assert 0 < saved.included.sum() < len(rows)


def test_bad_label_names_the_row(tmp_path: Path) -> None:
    rows = _rows(require_shared(NSAIDS))[:5]
    rows[3]["label_included"] = "yes"
    data = _write(tmp_path / "bad.csv", list(rows[0]), rows)
    with pytest.raises(InputFileError, match=r"row 5, field 'label_included': label 'yes'"):
        read_labelled_csv(data)


def test_more_priors_than_includes_exits_2(tmp_path: Path, capsys) -> None:
    data = require_shared(NSAIDS)
    args = ["simulate", str(data), "--out", str(tmp_path / "o.csv"), "--prior-included", "50"]
    assert main(args) == 2
    assert "50 prior included records asked for; the data has 41" in capsys.readouterr().err
