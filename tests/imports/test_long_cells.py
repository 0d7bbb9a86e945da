"""CSV cells longer than :mod:`csv`'s default limit (131,072 characters) are read by every
command: a Scopus author list of a big consortium's paper, a long abstract, a pasted note.

Each command runs in a process of its own: the limit is global to a process, and a test run
in-process would see whatever limit an earlier test left.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.conftest import require_shared

#: longer than csv's default field limit of 131,072 characters
LONG = 140_000


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``livingreview ARGS`` in a new process."""
    command = [sys.executable, "-m", "livingreview", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def with_long_cell(source: Path, target: Path, row: int, cells: dict[str, str]) -> Path:
    """``source`` written to ``target`` with the ``cells`` (column: text) of data row ``row``
    (0: the first) replaced."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for column, cell in cells.items():
        rows[row + 1][rows[0].index(column)] = cell
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


def consortium_authors(count: int) -> dict[str, str]:
    """Scopus' author cells of a paper with ``count`` authors, as Scopus writes them: 'Authors'
    (``Liu F.; Li C.``), 'Author full names' (``Liu, Fengyuan (60410297700); ...``) and
    'Author(s) ID'."""
    names = [(f"Author{n:05d}", f"Given{chr(65 + n % 26)}", 57193852372 + n) for n in range(count)]
    return {
        "Authors": "; ".join(f"{last} {given[0]}." for last, given, _ in names),
        "Author full names": "; ".join(f"{last}, {given} ({id_})" for last, given, id_ in names),
        "Author(s) ID": "; ".join(str(id_) for _, _, id_ in names),
    }


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]


def test_scopus_export_with_a_consortium_author_list_imports_and_reads_back(
    tmp_path: Path,
) -> None:
    source = require_shared("data/sources/exports/scopus/scopus_sample.csv")
    authors = consortium_authors(12_000)
    assert min(len(cell) for cell in authors.values()) > LONG
    export = with_long_cell(source, tmp_path / "scopus.csv", 0, authors)
    records = tmp_path / "records.csv"
    result = run("import", "--out", str(records), str(export))
    assert_clean(result)
    assert "8 records" in result.stderr + result.stdout
    groups = tmp_path / "groups.csv"
    assert_clean(run("dedup", "--out", str(groups), str(records)))
    assert len(groups.read_text().splitlines()) == 9
    read_back = (
        "import sys; from livingreview.records import read_records; "
        "print(max(len(r.authors) for r in read_records(sys.argv[1])))"
    )
    result = subprocess.run(
        [sys.executable, "-c", read_back, str(records)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert_clean(result)
    assert result.stdout.strip() == "12000"


def test_robvis_table_with_a_long_study_name_is_plotted(tmp_path: Path) -> None:
    source = require_shared("data/rob/robvis_data_rob2.csv")
    table = with_long_cell(source, tmp_path / "rob2.csv", 0, {"Study": "S" * LONG})
    out = tmp_path / "traffic.svg"
    result = run("rob", "plot", str(table), "--tool", "rob2", "--out", str(out))
    assert_clean(result)
    assert "9 studies" in result.stdout
    assert out.read_text().count("S" * 1000) >= 1


def test_nos_table_with_a_long_study_cell_is_plotted(tmp_path: Path) -> None:
    source = require_shared("data/rob/critiplot_sample_nos.csv")
    table = with_long_cell(source, tmp_path / "nos.csv", 0, {"Author, Year": "N" * LONG})
    out = tmp_path / "nos.svg"
    assert_clean(run("rob", "plot", str(table), "--tool", "nos", "--out", str(out)))
    assert out.exists()


def test_living_prisma_csv_with_a_long_tooltip_is_drawn(tmp_path: Path) -> None:
    source = require_shared("data/prisma/livingPRISMAflow_approach1.csv")
    table = with_long_cell(source, tmp_path / "prisma.csv", 0, {"tooltips": "T" * LONG})
    out = tmp_path / "flow.svg"
    assert_clean(run("prisma", str(table), "--out", str(out)))
    assert out.read_text().startswith("<")
