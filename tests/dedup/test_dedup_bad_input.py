"""Deduplication input as people hand it over: ``livingreview dedup`` files and returned sheets.

A file a spreadsheet or another tool wrote (semicolons, Windows-1252, capitalised headers) gives
the same groups as the clean export; a damaged one gives one error line naming the file, the row
and the field, exit code 2; no output ever replaces the input, a link or a folder. Returned
maybe-pair sheets: every note a person wrote on a decided pair is kept, and a sheet put in a
sub-folder or a row without record ids is an error that says so.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from livingreview.cli import main
from livingreview.dedup.engine_input import read_engine_csv
from livingreview.dedup.library import build_library
from livingreview.errors import InputFileError
from tests.conftest import require_shared
from tests.dedup.library_helpers import build_demo_identified, demo_config, stand_in_engine

ROWS = 400  # the first rows of the stroke set: enough duplicates, quick to judge


@pytest.fixture(scope="module")
def stroke_rows() -> list[list[str]]:
    """The header and the first ``ROWS`` records of the real stroke set, as cells."""
    path = require_shared("bench/dedup/stroke/records.csv.gz")
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))[: ROWS + 1]


def _csv(rows: list[list[str]], **options: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=options.pop("lineterminator", "\n"), **options).writerows(
        rows
    )
    return buffer.getvalue()


def _run(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, the groups written (or ''), and stderr."""
    out = tmp_path / "groups.csv"
    out.unlink(missing_ok=True)
    code = main(["dedup", str(path), "--out", str(out)])
    return code, out.read_text(encoding="utf-8") if out.exists() else "", capsys.readouterr().err


@pytest.fixture(scope="module")
def reference(stroke_rows: list[list[str]], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The groups of the clean export."""
    folder = tmp_path_factory.mktemp("reference")
    path = folder / "clean.csv"
    path.write_text(_csv(stroke_rows), encoding="utf-8")
    out = folder / "groups.csv"
    assert main(["dedup", str(path), "--out", str(out)]) == 0
    groups = out.read_text(encoding="utf-8")
    assert len({line.split(",")[1] for line in groups.splitlines()[1:]}) < ROWS  # duplicates
    return groups


def test_spreadsheet_saved_copies_give_the_same_groups(
    stroke_rows: list[list[str]], reference: str, tmp_path: Path, capsys
) -> None:
    semicolons = "\ufeff" + _csv(stroke_rows, delimiter=";", lineterminator="\r\n")
    non_ascii = [row for row in stroke_rows if any(ord(c) > 127 for c in "".join(row))]
    assert non_ascii and all(c.isprintable() for c in "".join(non_ascii[0]))
    capitalised = [[name.upper() for name in stroke_rows[0]], *stroke_rows[1:]]
    files = {
        "excel_semicolons.csv": semicolons.encode("utf-8"),
        "windows_1252.csv": _csv(stroke_rows).encode("cp1252", errors="strict"),
        "capitalised_header.csv": _csv(capitalised).encode("utf-8"),
        "tabs.csv.gz": gzip.compress(_csv(stroke_rows, delimiter="\t").encode("utf-8"), mtime=0),
        "leading_blank_line.csv": (" \t \n" + _csv(stroke_rows)).encode("utf-8"),
        "leading_blank_line_semicolons.csv": ("\ufeff \r\n \r\n" + semicolons[1:]).encode(),
        "old_mac.csv": _csv(stroke_rows, lineterminator="\r").encode("cp1252"),
        "old_mac_utf8.csv": _csv(stroke_rows, lineterminator="\r").encode("utf-8"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        code, groups, err = _run(path, tmp_path, capsys)
        assert (code, err) == (0, ""), name
        assert groups == reference, name


def test_asysd_record_layout_gives_the_same_groups(
    stroke_rows: list[list[str]], reference: str, tmp_path: Path, capsys
) -> None:
    """ASySD's own column layout: record_id for ID, issue for number, its label and source
    columns beside them, columns in its order."""
    header = stroke_rows[0]
    order = ["author", "year", "journal", "doi", "title", "pages", "volume", "number"]
    order += ["abstract", "ID", "isbn"]
    present = [name for name in order if name in header]
    renamed = {"ID": "record_id", "number": "issue"}
    rows = [[renamed.get(name, name) for name in present] + ["label", "source"]]
    for row in stroke_rows[1:]:
        cells = dict(zip(header, row, strict=True))
        rows.append([cells[name] for name in present] + ["", "Embase"])
    path = tmp_path / "asysd.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    code, groups, err = _run(path, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert "number" in header and "record_id" in rows[0] and "issue" in rows[0]
    assert groups == reference


@pytest.mark.parametrize(
    ("encoding", "ending", "before", "delimiter"),
    [
        ("cp1252", "\r", "", ","),  # decoded whole, as the export importer does
        ("cp1252", "\r\n", "", ";"),
        ("cp1252", "\n", "  \n", ","),
        ("utf-8", "\r", "", ","),  # read as a stream
        ("utf-8", "\r", "\r", ";"),  # a blank first line: read whole, as it is
        ("utf-8", "\r", " \t\r", ","),
        ("utf-8", "\r\n", " \r\n", ";"),
    ],
)
def test_line_breaks_of_any_kind_end_rows_and_stay_inside_quoted_fields(
    stroke_rows: list[list[str]],
    encoding: str,
    ending: str,
    before: str,
    delimiter: str,
    tmp_path: Path,
) -> None:
    """Rows end at ``\\r``, ``\\n`` or ``\\r\\n``, blank lines before the header are skipped,
    and a title typed over two lines (quoted in the file) stays one field."""
    rows = [list(row) for row in stroke_rows]
    rows[3][1] = rows[3][1] + "\nA second line"
    rows[7][1] = "A first line\n" + rows[7][1]
    clean = tmp_path / "clean.csv"
    clean.write_text(_csv(rows), encoding="utf-8", newline="")
    variant = tmp_path / "variant.csv"
    # every cell quoted, as spreadsheet programs quote one holding a line break
    text = before + _csv(rows, lineterminator=ending, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    variant.write_bytes(text.encode(encoding))
    expected = read_engine_csv(clean)
    assert expected["title"][2].endswith("\nA second line")
    assert expected["title"][6].startswith("A first line\n")
    pd.testing.assert_frame_equal(read_engine_csv(variant), expected)


def test_a_very_long_field_is_read(
    stroke_rows: list[list[str]], reference: str, tmp_path: Path, capsys
) -> None:
    rows = [list(row) for row in stroke_rows]
    rows[0].append("abstract")
    for row in rows[1:]:
        row.append("")
    rows[5][-1] = "word " * 60_000  # 300,000 characters, beyond the csv module's default limit
    path = tmp_path / "long.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    code, groups, err = _run(path, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert groups == reference


def _damaged(rows: list[list[str]], how: str) -> bytes:
    rows = [list(row) for row in rows]
    if how == "short row":
        rows[10] = rows[10][:4]
    elif how == "long row":
        rows[10] = [*rows[10], "x", "y"]
    elif how == "no title":
        rows = [row[:1] + row[2:] for row in rows]  # title is the stroke set's 2nd column
    elif how == "two title columns":
        rows = [[*row, row[1]] for row in rows]
        rows[0][-1] = "Title"
    elif how == "stray quote":
        rows[3][1] = "STRAY"
    elif how == "NUL in an ID":
        rows[6][0] = rows[6][0][:5] + "NUL" + rows[6][0][5:]
    text = _csv(rows).replace("STRAY", '"Eff"icacy of batroxobin', 1).replace("NUL", "\0", 1)
    return text.encode("utf-8")


@pytest.mark.parametrize(
    ("how", "where"),
    [
        ("short row", "row 11: 4 cells where the header has 9"),
        ("long row", "row 11: 11 cells where the header has 9"),
        ("no title", "row 1: no title column"),
        ("two title columns", "row 1, field 'title': two title columns (columns 2 and 10)"),
        ("NUL in an ID", "line 7: binary data (NUL byte)"),
        ("stray quote", "row 4: a stray quote"),
    ],
)
def test_a_damaged_export_is_one_error_line(
    stroke_rows: list[list[str]], how: str, where: str, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes(_damaged(stroke_rows, how))
    code, groups, err = _run(path, tmp_path, capsys)
    assert (code, groups) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"livingreview: error: {path}, {where}"), err


def test_outputs_never_replace_the_input_a_link_or_a_folder(
    stroke_rows: list[list[str]], tmp_path: Path, capsys
) -> None:
    source = tmp_path / "records.csv"
    source.write_text(_csv(stroke_rows), encoding="utf-8")
    before = source.read_bytes()
    kept = tmp_path / "kept.csv"
    kept.write_text("a reviewer's file\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(kept)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = [
        (["--out", str(source)], "--out would overwrite the input"),
        (["--out", str(tmp_path / "g.csv"), "--maybe", str(tmp_path / "g.csv")], "overwrite --out"),
        (["--out", str(link)], "--out is a link or device"),
        (["--out", str(tmp_path / "g.csv"), "--maybe", str(folder)], "--maybe is a folder"),
    ]
    for options, message in cases:
        assert main(["dedup", str(source), *options]) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and message in err, err
    assert source.read_bytes() == before
    assert link.is_symlink() and kept.read_text(encoding="utf-8") == "a reviewer's file\n"
    assert not (tmp_path / "g.csv").exists()


def test_an_output_that_cannot_be_written_is_one_error_line(
    stroke_rows: list[list[str]], tmp_path: Path, capsys
) -> None:
    source = tmp_path / "records.csv"
    source.write_text(_csv(stroke_rows), encoding="utf-8")
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "groups.csv"  # a folder that is a file: cannot be made
    assert main(["dedup", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"livingreview: error: {out}: cannot write --out (File exists)"]


# --- returned maybe-pair sheets (the demo's real records) ----------------------------------------


def _library(config: dict[str, Any]) -> dict[str, Any]:
    return build_library(config, identified=build_demo_identified(config), engine=stand_in_engine)


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


HEADER = "record_a,record_b,decision,notes\n"


def _returned(tmp_path: Path, sheets: dict[str, str]) -> tuple[dict[str, Any], Path]:
    """The demo library built once, then ``sheets`` (name -> rows; ``{a}``/``{b}``: the first
    maybe pair's records) returned into its decisions folder; the config and that folder."""
    config = demo_config(tmp_path)
    _library(config)
    pair = _table(tmp_path / "outputs/library/maybe_pairs.csv")[0]
    folder = tmp_path / "human/dedup"
    for name, rows in sheets.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        text = HEADER + rows.format(a=pair["record_a"], b=pair["record_b"])
        (folder / name).write_text(text, encoding="utf-8")
    return config, folder


def test_every_note_on_a_decided_pair_is_kept(tmp_path: Path) -> None:
    sheets = {  # the same decision twice with two notes, then a note on a row left undecided
        "a_first.csv": '{a},{b},duplicate,same DOI\n{b},{a},Duplicate,"one trial, two reports"\n',
        "b_second.csv": "{a},{b},duplicate,same DOI\n",
        "c_third.csv": "{a},{b},,check the erratum too\n",
    }
    config, _ = _returned(tmp_path, sheets)
    assert _library(config)["maybe_decisions_applied"] == 1
    [applied] = _table(tmp_path / "outputs/library/decisions.csv")
    assert (applied["file"], applied["row"]) == ("dedup/a_first.csv", "2")
    assert applied["notes"] == "same DOI | one trial, two reports | check the erratum too"


@pytest.mark.parametrize(
    ("name", "rows", "where", "problem"),
    [
        ("round 2/returned.csv", "{a},{b},distinct,\n", "round 2", "a folder among the returned"),
        (
            "returned.csv",
            "{a},{b},distinct,\n,,,overall: pairs 2 and 3 look like one study\n",
            "returned.csv, row 3, field 'record_a'",
            "no record id",
        ),
        (
            "returned.csv",
            "{a},{b},distinct,other trial, other registry number\n",
            "returned.csv, row 2",
            "text beyond the last named column (['other registry number'])",
        ),
    ],
)
def test_what_would_be_lost_unread_is_an_error(
    tmp_path: Path, name: str, rows: str, where: str, problem: str
) -> None:
    config, folder = _returned(tmp_path, {name: rows})
    with pytest.raises(InputFileError) as caught:
        _library(config)
    assert str(caught.value).startswith(f"{folder / where}: {problem}")
