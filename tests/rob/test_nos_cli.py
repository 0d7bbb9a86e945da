"""``livingreview rob plot --tool nos``: a Newcastle-Ottawa table (the pipeline's rob/nos.csv or
critiplot's template) scored again and drawn as robvis-style plots of its AHRQ conversion."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.rob import nos

SVG = "{http://www.w3.org/2000/svg}"
HEADER = ",".join(nos.TABLE_COLUMNS)
#: rob/nos.csv as the appraisal stage writes it: a cohort and a case-control study
PIPELINE_TABLE = f"""{HEADER}
Okafor 2023,S0007,cohort,1,1,1,1,2,1,1,0,,,,4,2,2,,8,9,Good,AHRQ
Lindqvist 2021,S0012,case-control,1,0,1,0,1,,,,1,1,0,2,1,,2,5,9,Fair,AHRQ
"""


def plot(tmp_path: Path, text: str, *args: str) -> tuple[int, Path]:
    table = tmp_path / "nos.csv"
    table.write_text(text, encoding="utf-8")
    out = tmp_path / "plots"
    return main(["rob", "plot", str(table), "--tool", "nos", "--out", str(out), *args]), out


def test_critiplot_table_is_scored_and_plotted(rob_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "plots"
    source = rob_dir / "critiplot_sample_nos.csv"
    # before: "argument --tool: invalid choice: 'nos'"
    assert main(["rob", "plot", str(source), "--tool", "nos", "--out", str(out)]) == 0
    assert "6 studies, Newcastle-Ottawa Scale, AHRQ good/fair/poor" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "nos_table.csv",
        "summary.png",
        "summary.svg",
        "traffic_light.png",
        "traffic_light.svg",
    ]
    scored = list(csv.DictReader(io.StringIO((out / "nos_table.csv").read_text())))
    expected = nos.read_critiplot_nos(source)
    assert [r["Study"] for r in scored] == [r.assessment.study for r in expected]
    assert [r["total"] for r in scored] == [str(r.stated_total) for r in expected]
    assert [r["rating"] for r in scored] == [r.assessment.rating for r in expected]
    root = ET.fromstring((out / "traffic_light.svg").read_bytes())
    words = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"Good", "Poor", "Study 4, 2025", "D1: Selection."} <= words
    again = tmp_path / "again"  # the scored table reads back and gives the same figures
    assert (
        main(["rob", "plot", str(out / "nos_table.csv"), "--tool", "nos", "--out", str(again)]) == 0
    )
    for name in ("nos_table.csv", "traffic_light.svg", "summary.png"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_pipeline_table_reads_back_as_written(tmp_path: Path) -> None:
    code, out = plot(tmp_path, PIPELINE_TABLE)
    assert code == 0
    assert (out / "nos_table.csv").read_text(encoding="utf-8") == PIPELINE_TABLE
    table = tmp_path / "nos.csv"
    table.write_bytes(PIPELINE_TABLE.replace("\n", "\r\n").encode("utf-8-sig"))  # Excel's
    svg = tmp_path / "one.svg"
    assert (
        main(["rob", "plot", str(table), "--tool", "nos", "--kind", "summary", "--out", str(svg)])
        == 0
    )
    assert b"Fair" in svg.read_bytes() and b"Lindqvist" not in svg.read_bytes()  # shares only


def test_pipeline_table_with_mac_line_ends_is_read(tmp_path: Path) -> None:
    # before: a table saved with carriage returns only (Excel's "CSV (Macintosh)") stopped
    # with csv.Error "new-line character seen in unquoted field" and a traceback, while the
    # critiplot layout of the same file was read
    code, out = plot(tmp_path, PIPELINE_TABLE.replace("\n", "\r"))
    assert code == 0
    assert (out / "nos_table.csv").read_text(encoding="utf-8") == PIPELINE_TABLE


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: t.replace(",8,9,Good", ",9,9,Good"),
         "line 2 (study 'Okafor 2023'), field 'total': total '9' differs from '8'"),
        (lambda t: t.replace(",5,9,Fair", ",5,9,Good"),
         "line 3 (study 'Lindqvist 2021'), field 'rating': rating 'Good' differs from 'Fair'"),
        (lambda t: t.replace("cohort,1,1,1,1,2", "cohort,1,1,1,1,3"),
         "line 2 (study 'Okafor 2023'), field 'c1': NOS item c1"),
        (lambda t: t.replace("1,1,0,,,,4,2,2", "1,1,0,1,,,4,2,2"),
         "field 'e1': NOS item e1 is not part of the cohort version"),
        (lambda t: t.replace("S0012,case-control", "S0012,cross-sectional").replace(
            "1,0,1,0,1,,,,1,1,0,2,1,,2,5,9,Fair,AHRQ", "1,0,1,0,1,1,1,,,,,,,,,,,,"),
         "line 3 (study 'Lindqvist 2021'), field 'version': a cross-sectional NOS is rated by"
         " bands of its total"),
        (lambda t: "Study,D1,D2,D3,Overall\nA,Low,Low,Low,Low\n", "not a NOS table"),
        (lambda t: t.replace("Lindqvist 2021", "Okafor 2023"), "also on line 2"),
    ],
)  # fmt: skip
def test_bad_tables_exit_2_with_one_line(tmp_path: Path, capsys, edit, words: str) -> None:
    code, out = plot(tmp_path, edit(PIPELINE_TABLE))
    err = capsys.readouterr().err
    assert code == 2 and words in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_weighted_is_refused(tmp_path: Path, capsys) -> None:
    code, _ = plot(tmp_path, PIPELINE_TABLE, "--kind", "summary", "--weighted")
    assert code == 2 and "NOS tables do not have" in capsys.readouterr().err


def saved_as(source: Path, target: Path, delimiter: str, encoding: str, extra=()) -> Path:
    """The critiplot example as a spreadsheet saves it: another delimiter and encoding."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = [*csv.reader(handle), *extra]
    with target.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return target


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "cp1252"), ("\t", "utf-16"), (",", "utf-8-sig")]
)
def test_critiplot_table_as_a_spreadsheet_saves_it(
    rob_dir: Path, tmp_path: Path, delimiter: str, encoding: str
) -> None:
    # before: a ';' or tab separated critiplot table was "not a critiplot NOS table: missing
    # Representativeness, ..." (the header was sniffed, the rows read as comma separated), and
    # the blank row Excel leaves under a table was read as a study with no stars
    source = rob_dir / "critiplot_sample_nos.csv"
    table = saved_as(source, tmp_path / "saved.csv", delimiter, encoding, [[""] * 12])
    assert main(["rob", "plot", str(source), "--tool", "nos", "--out", str(tmp_path / "a")]) == 0
    assert main(["rob", "plot", str(table), "--tool", "nos", "--out", str(tmp_path / "b")]) == 0
    for name in ("nos_table.csv", "traffic_light.svg"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()


def test_critiplot_table_naming_a_study_twice_is_refused(
    rob_dir: Path, tmp_path: Path, capsys
) -> None:
    # before: plotted with the study twice, exit 0 (the pipeline's layout refused it)
    source = rob_dir / "critiplot_sample_nos.csv"
    again = next(csv.reader(source.read_text(encoding="utf-8-sig").splitlines()[1:2]))
    table = saved_as(source, tmp_path / "twice.csv", ",", "utf-8", [[], again])
    code = main(["rob", "plot", str(table), "--tool", "nos", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "line 9, field 'Author, Year': study 'Study 1, 2019' also on line 2" in err
    assert not (tmp_path / "out").exists()
