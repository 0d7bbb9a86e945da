"""robvis-format tables: every example in ../shared reads, validates and writes back."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.rob import rob2
from livingreview.rob.levels import Risk
from livingreview.rob.tables import (
    overall_differences,
    parse_table,
    read_table,
    table_from_assessments,
    to_csv,
    with_overall,
    write_table,
)
from livingreview.rob.tools import get_tool
from livingreview.sheets.ooxml_text import escaped
from tests.rob.conftest import ROBVIS_EXAMPLES

#: the two example rows whose Overall is milder than a High domain (robvis notes, §3)
EXAMPLE_OVERRIDES = {"robvis_data_quadas.csv": ["Study 11"], "robvis_data_quips.csv": ["Study 11"]}


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("name", sorted(ROBVIS_EXAMPLES))
def test_every_robvis_example_reads(rob_dir: Path, name: str) -> None:
    path = rob_dir / name
    header, *rows = csv_rows(path)
    table = read_table(path, get_tool(ROBVIS_EXAMPLES[name]))
    assert [r.study for r in table.rows] == [r[0] for r in rows]
    assert len(table.domains) == len(header) - 2 and table.has_overall
    assert all(len(r.judgements) == len(table.domains) for r in table.rows)
    assert not table.has_weight


@pytest.mark.parametrize("name", sorted(ROBVIS_EXAMPLES))
def test_overall_reproduced_except_the_examples_own_overrides(rob_dir: Path, name: str) -> None:
    table = read_table(rob_dir / name, get_tool(ROBVIS_EXAMPLES[name]))
    differences = overall_differences(table)
    assert [d.study for d in differences] == EXAMPLE_OVERRIDES.get(name, [])
    for difference in differences:  # the example states a milder overall than a High domain
        assert (difference.stated, difference.computed) == (Risk.CONCERNS, Risk.HIGH)


@pytest.mark.parametrize("name", sorted(ROBVIS_EXAMPLES))
def test_written_back_byte_for_byte(rob_dir: Path, name: str, tmp_path: Path) -> None:
    path = rob_dir / name
    table = read_table(path, get_tool(ROBVIS_EXAMPLES[name]))
    original = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert to_csv(table) == original.rstrip("\n") + "\n"
    write_table(tmp_path / "out.csv", table)
    again = read_table(tmp_path / "out.csv", table.tool)
    assert again.rows == tuple(r for r in table.rows) and again.domains == table.domains


def test_tool_domains_match_the_shared_domain_list(rob_dir: Path) -> None:
    with (rob_dir / "tool_domains.csv").open(encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))
    for tool_id in ("rob2", "robins-i", "robins-e", "quadas-2", "quips"):
        tool = get_tool(tool_id)
        rows = [r for r in listed if r["robvis_tool_arg"] == tool.robvis_name]
        assert [(d.code, d.name) for d in tool.domains] == [
            (r["domain_code"], r["domain_name"]) for r in rows
        ]
        for level in re.split(r"[|/]", rows[0]["judgement_levels"]):
            assert re.sub(r"\(.*?\)", "", level).strip().lower() in tool.accepted(), level
    cluster = next(r for r in listed if r["robvis_tool_arg"] == "ROB2-Cluster")
    assert get_tool("rob2-cluster").domains[1].name == cluster["domain_name"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: t.replace("Study 2,Some concerns", "Study 2,Maybe"),
         ["line 3 (study 'Study 2')", "field 'D1'", "'Maybe'", "Low, Some concerns, High"]),
        (lambda t: t.replace("Study 2,Some concerns", "Study 2,"), ["line 3", "blank judgement"]),
        (lambda t: t.replace("Study 3,", "Study 2,"), ["line 4", "also on line 3"]),
        (lambda t: t.split("\n", 1)[1], ["first row holds judgements"]),
        (lambda t: t.replace(",Overall", ",Overall,Extra"), ["5 domain columns", "8 columns"]),
        (lambda t: t.replace("Study 4,Low,Low,High,Low,Some concerns,High",
                             "Study 4,Low,Low,High,Low,Some concerns"), ["line 5", "6 cells"]),
        (lambda t: t.replace("Study 1,", ",", 1), ["line 2", "study label is blank"]),
        (lambda t: t.split("\n", 1)[0] + "\n", ["no studies"]),
        (lambda t: "", ["empty"]),
    ],
)  # fmt: skip
def test_bad_tables_name_line_study_and_column(rob_dir: Path, tmp_path: Path, edit, words) -> None:
    text = (rob_dir / "robvis_data_rob2.csv").read_text(encoding="utf-8")
    path = write(tmp_path, edit(text))
    with pytest.raises(InputFileError) as error:
        read_table(path, get_tool("rob2"))
    message = str(error.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message


def inverse_variance_weights(rob_dir: Path) -> dict[str, float]:
    """Weights 1/vi of the robvis bias-direction example (as rob_append_weights takes them)."""
    with (rob_dir / "robvis_bias_direction.csv").open(encoding="utf-8", newline="") as handle:
        return {r["study"]: 1 / float(r["vi"]) for r in csv.DictReader(handle)}


def with_weights(rob_dir: Path, tmp_path: Path) -> Path:
    weights = inverse_variance_weights(rob_dir)
    header, *rows = csv_rows(rob_dir / "robvis_data_robins_i.csv")
    lines = [",".join([*header, "Weight"])]
    lines += [",".join([*row, repr(weights[row[0]])]) for row in rows]
    return write(tmp_path, "\n".join(lines) + "\n")


def test_weight_column(rob_dir: Path, tmp_path: Path) -> None:
    path = with_weights(rob_dir, tmp_path)
    table = read_table(path, get_tool("robins-i"))
    assert table.has_weight and table.has_overall
    weights = inverse_variance_weights(rob_dir)
    assert [r.weight for r in table.rows] == [weights[r.study] for r in table.rows]
    assert "Weight" in to_csv(table).splitlines()[0]
    bad = write(tmp_path, path.read_text().replace(repr(weights["Study 3"]), "heavy"))
    with pytest.raises(InputFileError, match=r"line 4 .*'Weight'.*'heavy' is not a non-negative"):
        read_table(bad, get_tool("robins-i"))


def test_table_without_overall_gets_it_from_the_rule(rob_dir: Path, tmp_path: Path) -> None:
    rows = csv_rows(rob_dir / "robvis_data_robins_e.csv")
    path = write(tmp_path, "\n".join(",".join(r[:-1]) for r in rows) + "\n")
    table = read_table(path, get_tool("robins-e"))
    assert not table.has_overall
    full = with_overall(table)
    assert [r.overall for r in full.rows] == [
        r.overall for r in read_table(rob_dir / "robvis_data_robins_e.csv", table.tool).rows
    ]


def test_our_assessments_export_as_a_robvis_table(tmp_path: Path) -> None:
    rows = [
        {"study": "Ahn 2020", **{f"d{i}": "Low" for i in range(1, 6)}},
        {"study": "Bo 2021", **{f"d{i}": "Some concerns" for i in range(1, 6)},
         "overall": "High", "overall_reason": "five SC domains"},
    ]  # fmt: skip
    assessments = [rob2.assess(row) for row in rows]
    table = table_from_assessments(get_tool("rob2"), assessments)
    text = to_csv(table)
    assert text.splitlines() == [
        "Study,D1,D2,D3,D4,D5,Overall",
        "Ahn 2020,Low,Low,Low,Low,Low,Low",
        "Bo 2021,Some concerns,Some concerns,Some concerns,Some concerns,Some concerns,High",
    ]
    back = parse_table(get_tool("rob2"), text, tmp_path / "x.csv")
    assert [d.study for d in overall_differences(back)] == ["Bo 2021"]


def test_spreadsheet_exports_read_like_the_csv(rob_dir: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    source = rob_dir / "robvis_data_rob2.csv"
    expected = read_table(source, get_tool("rob2")).rows
    rows = csv_rows(source)
    semicolons = write(tmp_path, "\n".join(";".join(r) for r in rows) + "\n")
    assert read_table(semicolons, get_tool("rob2")).rows == expected
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("\n" + "\n".join(",".join([*r, "", ""]) for r in rows) + "\n")
    assert [r.study for r in read_table(trailing, get_tool("rob2")).rows] == [
        r.study for r in expected
    ]
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet.cell(row=1, column=len(rows[0]) + 2).value = None  # a formatted, empty column
    sheet.cell(row=3, column=len(rows[0]) + 2).value = " "
    workbook.save(tmp_path / "table.xlsx")
    assert read_table(tmp_path / "table.xlsx", get_tool("rob2")).rows == expected
    sheet.cell(row=4, column=2).value = "Perhaps"
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputFileError, match=r"bad\.xlsx, row 4 \(study 'Study 3'\), field 'D1'"):
        read_table(tmp_path / "bad.xlsx", get_tool("rob2"))
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputFileError, match=r"not a readable \.xlsx"):
        read_table(tmp_path / "broken.xlsx", get_tool("rob2"))
    # a workbook whose sheet XML was cut (a copy interrupted): one error, not a ParseError
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(tmp_path / "table.xlsx") as whole, zipfile.ZipFile(cut, "w") as part:
        for item in whole.infolist():
            data = whole.read(item)
            part.writestr(item, data[: len(data) // 2] if "worksheets/" in item.filename else data)
    with pytest.raises(InputFileError, match=r"cut\.xlsx.*not a readable \.xlsx"):
        read_table(cut, get_tool("rob2"))


def test_study_names_of_an_xlsx_read_as_typed(rob_dir: Path, tmp_path: Path) -> None:
    """Excel stores a carriage return (a name pasted from Word) as ``_x000D_``, LibreOffice the
    text ``x005F_`` typed as ``x005F_x005F_``: the names came back with the escape, or with the
    ``x005F_`` openpyxl deletes gone."""
    from openpyxl import Workbook

    rows = csv_rows(rob_dir / "robvis_data_rob2.csv")
    typed = {1: "Study 1\r", 2: "Study_x005F_2"}  # row of the table: the name as typed
    workbook = Workbook()
    for number, row in enumerate(rows):
        workbook.active.append([escaped(typed[number]) if number in typed else row[0], *row[1:]])
    workbook.save(tmp_path / "table.xlsx")
    names = [r.study for r in read_table(tmp_path / "table.xlsx", get_tool("rob2")).rows]
    assert names == ["Study 1", "Study_x005F_2", *(row[0] for row in rows[3:])]


def test_bias_direction_layout_reads_its_judgements(rob_dir: Path) -> None:
    path = rob_dir / "robvis_bias_direction.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    table = read_table(path, get_tool("generic"))
    assert [r.study for r in table.rows] == [r["study"] for r in raw]
    assert [d.name for d in table.domains] == [f"Domain {i}" for i in range(1, 8)]
    tool = table.tool
    for row, source in zip(table.rows, raw, strict=True):
        assert [table.label(r) for r in row.judgements] == [
            source[f"d{i}j"] if source[f"d{i}j"] != "NA" else tool.label(Risk.NOT_APPLICABLE)
            for i in range(1, 8)
        ]
    stated_low_despite_high = [
        r["study"]
        for r in raw
        if r["overall"] == "Low" and "High" in [r[f"d{i}j"] for i in range(1, 8)]
    ]
    assert stated_low_despite_high  # the example is simulated: its Overall is not the rule's
    flagged = {d.study for d in overall_differences(table)}
    assert set(stated_low_despite_high) <= flagged


def test_excel_semicolon_csv_with_decimal_comma_weights(tmp_path: Path) -> None:
    """Excel in a locale with the decimal comma saves ';'-separated cp1252 CSV and writes a
    weight 12.5 as ``12,5``; in a comma-separated table a comma is never a decimal point."""
    lines = [
        "Study;D1;D2;D3;D4;D5;Overall;Weight",
        "Müller 2019;Low;Low;Some Concerns;Low;Low;Some Concerns;12,5",
        "Ødegård 2021;High;Low;Low;Low;Low;High;0,75",
        "Petit 2022;Low;Low;Low;Low;Low;Low;7",
    ]
    path = tmp_path / "rob_excel.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    table = read_table(path, get_tool("rob2"))
    assert [(r.study, r.weight) for r in table.rows] == [
        ("Müller 2019", 12.5),
        ("Ødegård 2021", 0.75),
        ("Petit 2022", 7.0),
    ]
    comma = write(
        tmp_path, 'Study,D1,D2,D3,D4,D5,Overall,Weight\nA,Low,Low,Low,Low,Low,Low,"1,5"\n'
    )
    with pytest.raises(InputFileError, match=r"line 2 .*'Weight'.*'1,5' is not a non-negative"):
        read_table(comma, get_tool("rob2"))


def test_checked_table_keeps_every_digit_of_the_weights(tmp_path: Path) -> None:
    """robvis' weighted examples give weights such as 33.33333333 (1/0.03): the checked table
    written beside the plots keeps them as typed, not rounded to six digits."""
    weights = ["33.33333333", "0.142857143", "9.090909091", "200", "1e-05"]
    lines = ["Study,D1,D2,D3,D4,Overall,Weight"]
    lines += [f"Trial {i},Low,Low,High,Low,High,{w}" for i, w in enumerate(weights, start=1)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    table = read_table(path, get_tool("quadas-2"))
    out = tmp_path / "rob_table.csv"
    write_table(out, table)
    assert [row[-1] for row in csv_rows(out)[1:]] == weights
    assert [r.weight for r in read_table(out, table.tool).rows] == [r.weight for r in table.rows]
