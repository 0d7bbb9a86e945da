"""Legacy Excel ``.xls`` workbooks (BIFF8), and ``.xls`` files that are HTML or tab-separated text.

The ``.xls`` files in ``data/`` hold INVENTED records. Each was made once with LibreOffice 7.4
from the table written below (``WOS_ROWS``, ``GENERIC_ROWS``) as a UTF-8 CSV:
``soffice --headless --infilter="CSV:44,34,76,1,,1033,false,true" --convert-to xls FILE.csv``
(numbers and ISO dates became number and date cells, as an exporter writes them; the sheet is
named after the CSV: ``savedrecs``, as Web of Science names it, and ``export``).
``empty.xls`` is an empty CSV converted the same way (one sheet ``Sheet1``, no rows);
``encrypted.xls`` a two-line CSV saved by LibreOffice's ``MS Excel 97`` filter with a password
(a Basic macro calling ``storeToURL`` with ``Password``); ``returned_sheet.xls`` a small workbook
with a ``_meta`` sheet (as livingreview writes for reviewers), converted from .xlsx.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.imports import import_file
from livingreview.records import Record

DATA = Path(__file__).parent / "data"
#: An abstract of 10,691 characters: longer than one BIFF record, so it spans CONTINUE records.
LONG_ABSTRACT = " ".join(
    f"Sentence {i} of an invented abstract about walking, sleep and café visits in trial arm "
    f"{i % 3}."
    for i in range(1, 121)
)
#: Web of Science's tab-delimited column names (its tags), as its older "Excel" export has them.
WOS_ROWS = [
    ["PT", "AU", "AF", "TI", "SO", "PY", "VL", "IS", "BP", "EP", "DI", "PM", "AB", "UT"],
    ["J", "Doe, J; Roe, RA", "Doe, Jane; Roe, Ray A.",
     "Invented effects of a daily walk on sleep: a trial", "JOURNAL OF INVENTED STUDIES",
     "2019", "12", "3", "101", "110", "10.5555/inv.2019.101", "31000001", LONG_ABSTRACT,
     "WOS:000400000000001"],
    ["J", "Poe, E", "Poe, Edgar", "A second invented record with empty cells", "INVENTED REVIEWS",
     "2020", "7", "", "55", "", "", "", "A short invented abstract.", "WOS:000400000000002"],
    ["J", "Zed, Q", "Zed, Quinn", "A third invented record in a supplement", "INVENTED REVIEWS",
     "2021", "Suppl. 2", "", "e1001", "", "10.5555/inv.2021.3", "", "", "WOS:000400000000003"],
]  # fmt: skip
GENERIC_ROWS = [
    ["Title", "Authors", "Year", "DOI", "Volume", "Issue", "Pages", "Publication Date",
     "Accession Number"],
    ["An invented cohort study", "Park, M.; Lee, S.", "2018", "10.5555/gen.1", "12", "4",
     "201-209", "2018-03-01", "123456789012345"],
    ["An invented record dated only by its publication date", "Kim, H.", "", "10.5555/gen.2", "3",
     "", "e42", "2017-11-30", "123456789012346"],
]  # fmt: skip


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _fields(records: list[Record]) -> list[dict[str, object]]:
    return [vars(record) for record in records]


def test_web_of_science_tags_in_an_xls_read_like_its_tab_export(tmp_path: Path) -> None:
    result = import_file(DATA / "wos_savedrecs.xls", "wos")
    assert (result.format, result.encoding, result.records_in_file) == ("xlsx", "xls", 3)
    first, second, third = result.records
    # PY, VL, IS, BP, EP and PM are number cells (2019.0 ...): read as the export's text
    assert (first.year, first.volume, first.issue, first.pages, first.pmid) == (
        "2019",
        "12",
        "3",
        "101-110",
        "31000001",
    )
    assert (first.source_id, first.doi, first.authors) == (
        "WOS:000400000000001",
        "10.5555/inv.2019.101",
        ["Doe, Jane", "Roe, Ray A."],
    )
    assert first.abstract == LONG_ABSTRACT  # 10,691 characters, over BIFF CONTINUE records
    assert (second.issue, second.pages, second.pmid, second.doi) == ("", "55", "", "")
    assert (third.volume, third.pages) == ("Suppl. 2", "e1001")
    # the same table as the tab-delimited text the workbook was made from gives the same records
    text = _csv(tmp_path / "savedrecs.csv", WOS_ROWS)
    assert _fields(result.records) == _fields(import_file(text, "wos").records)


def test_generic_xls_numbers_and_dates_read_as_their_text(tmp_path: Path) -> None:
    result = import_file(DATA / "generic_export.xls", "embase")
    first, second = result.records
    assert (first.title, first.authors, first.doi) == (
        "An invented cohort study",
        ["Park, M.", "Lee, S."],
        "10.5555/gen.1",
    )
    assert (first.year, first.volume, first.issue, first.pages) == ("2018", "12", "4", "201-209")
    assert first.source_id == "123456789012345"  # a 15-digit number cell keeps every digit
    assert second.year == "2017"  # only a date cell (serial 43069) holds its year
    assert _fields(result.records) == _fields(
        import_file(_csv(tmp_path / "export.csv", GENERIC_ROWS), "embase").records
    )


def test_an_xls_gives_what_the_same_xlsx_gives(tmp_path: Path) -> None:
    """The .xlsx path's conversion applies: the same typed cells, the same records."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "export"
    sheet.append(GENERIC_ROWS[0])
    sheet.append(["An invented cohort study", "Park, M.; Lee, S.", 2018.0, "10.5555/gen.1", 12.0,
                  4.0, "201-209", dt.datetime(2018, 3, 1), 123456789012345.0])  # fmt: skip
    sheet.append(["An invented record dated only by its publication date", "Kim, H.", None,
                  "10.5555/gen.2", 3.0, None, "e42", dt.datetime(2017, 11, 30),
                  123456789012346.0])  # fmt: skip
    book.save(tmp_path / "export.xlsx")
    xlsx = import_file(tmp_path / "export.xlsx", "embase")
    xls = import_file(DATA / "generic_export.xls", "embase")
    assert _fields(xls.records) == _fields(xlsx.records)


def _cli_error(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line ``livingreview import`` prints for ``path`` (exit 2, nothing written)."""
    out = tmp_path / "out.csv"
    assert main(["import", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"livingreview: error: {path}: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and not out.exists()
    return err


def test_an_empty_xls_is_one_clear_error() -> None:
    with pytest.raises(InputFileError, match=r"empty\.xls: sheet 'Sheet1' has no rows"):
        import_file(DATA / "empty.xls", "x")


def test_an_encrypted_xls_is_one_clear_error(tmp_path: Path, capsys) -> None:
    err = _cli_error(DATA / "encrypted.xls", tmp_path, capsys)
    assert "the .xls workbook is encrypted (password-protected)" in err


def test_a_cut_xls_is_one_clear_error(tmp_path: Path, capsys) -> None:
    data = (DATA / "wos_savedrecs.xls").read_bytes()
    cut = tmp_path / "savedrecs.xls"
    cut.write_bytes(data[: len(data) // 2])  # an interrupted download
    err = _cli_error(cut, tmp_path, capsys)
    assert "cannot be read as an .xls workbook: the file is damaged or cut short" in err


def test_an_office_file_without_a_workbook_is_named_so(tmp_path: Path, capsys) -> None:
    """An OLE2 file whose streams hold no workbook (a Word .doc, a password-protected .xlsx):
    the fixture with its 'Workbook' stream renamed in the compound file's directory."""
    data = (DATA / "generic_export.xls").read_bytes()
    name = "Workbook".encode("utf-16-le")
    assert data.count(name) == 1
    path = tmp_path / "report.xls"
    path.write_bytes(data.replace(name, "Notebook".encode("utf-16-le")))
    assert "holding no Excel workbook" in _cli_error(path, tmp_path, capsys)


def test_a_returned_reviewer_sheet_saved_as_xls_is_no_export() -> None:
    with pytest.raises(InputFileError, match=r"a sheet livingreview wrote for reviewers"):
        import_file(DATA / "returned_sheet.xls", "x")


#: Web of Science's later "Excel" columns (full names) in an HTML table, as a web page saved
#: under an .xls name is laid out (Excel opens such a page as a sheet).
HTML_XLS = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style>td {{ mso-number-format: "\\@"; }}</style></head>
<body><table border="1">
<tr><th>Publication Type</th><th>Authors</th><th>Article Title</th><th>Source Title</th>
<th>Publication Year</th><th>Volume</th><th>DOI</th><th>Pubmed Id</th><th>UT (Unique WOS ID)</th>
</tr>
<tr><td>J</td><td>Doe, J; Roe, R</td><td>An invented   title
 over two source lines &amp; an entity</td><td>INVENTED JOURNAL</td><td>2019</td><td>12</td>
<td>10.5555/html.1</td><td>31000002</td><td>WOS:000400000000011</td></tr>
<tr><td>J</td><td>Poe, E</td><td>A second<br>invented title</td><td>INVENTED REVIEWS</td>
<td>2020</td><td></td><td></td><td></td><td>WOS:000400000000012</td></tr>
{extra}</table></body></html>
"""


def test_an_html_table_named_xls_is_read_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "savedrecs.xls"
    path.write_text(HTML_XLS.format(extra=""), encoding="utf-8")
    result = import_file(path, "wos")
    assert (result.format, result.encoding, result.records_in_file) == ("csv", "utf-8", 2)
    first, second = result.records
    assert (first.title, first.year, first.volume, first.pmid, first.source_id) == (
        "An invented title over two source lines & an entity",
        "2019",
        "12",
        "31000002",
        "WOS:000400000000011",
    )
    assert (first.journal, first.doi, second.title) == (
        "INVENTED JOURNAL",
        "10.5555/html.1",
        "A second invented title",  # a <br> keeps the words apart
    )
    path.write_text("<!DOCTYPE html>\n<html><body><p>Session expired</p></body></html>\n")
    with pytest.raises(InputFileError, match="XML/HTML is not a supported export format"):
        import_file(path, "wos")  # a page without a table is still no export


def test_an_html_table_error_names_its_row(tmp_path: Path) -> None:
    header = HTML_XLS[HTML_XLS.index("<tr>") : HTML_XLS.index("</tr>") + 5]  # a second export
    path = tmp_path / "savedrecs.xls"
    path.write_text(HTML_XLS.format(extra=header), encoding="utf-8")
    with pytest.raises(InputFileError, match="repeats the header") as error:
        import_file(path, "wos")
    assert "savedrecs.xls, HTML table, row 4:" in str(error.value)


def test_tab_separated_text_named_xls_is_read_by_its_content(tmp_path: Path) -> None:
    """Web of Science's tab-delimited export (UTF-16 with a BOM) under an .xls name; naming the
    format 'xlsx' for it says what to do."""
    text = "\r\n".join("\t".join(row) for row in WOS_ROWS) + "\r\n"
    path = tmp_path / "savedrecs.xls"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = import_file(path, "wos")
    assert (result.format, result.encoding, len(result.records)) == ("csv", "utf-16", 3)
    workbook = import_file(DATA / "wos_savedrecs.xls", "wos")
    assert _fields(result.records) == _fields(workbook.records)
    with pytest.raises(InputFileError, match=r"not an Excel workbook .* format 'auto' or 'csv'"):
        import_file(path, "wos", fmt="xlsx")


#: ProQuest's XLS export columns (as litsearchr's import_results reads them), invented values.
PROQUEST = ["StoreId", "Title", "Authors", "pubtitle", "year", "volume", "issue", "pages"]
PROQUEST += ["digitalObjectIdentifier", "documentType", "subjectTerms", "Abstract", "language"]


def test_proquest_xls_columns_fill_the_record(tmp_path: Path) -> None:
    """ProQuest's own column names: before, its DOI, journal, id, type and subjects were lost."""
    book = openpyxl.Workbook()
    book.active.append(PROQUEST)
    row: list[object] = [1900000001.0, "An invented article", "Doe, Jane", "Invented Quarterly"]
    row += [2016.0, 21.0, 2.0, "33-41", "10.5555/pq.1", "Journal Article", "Sleep; Walking"]
    book.active.append([*row, "An invented abstract.", "English"])
    book.save(tmp_path / "ProQuestDocuments-2016-01-01.xlsx")
    (record,) = import_file(tmp_path / "ProQuestDocuments-2016-01-01.xlsx", "proquest").records
    assert (record.source_id, record.doi, record.journal) == (
        "1900000001",
        "10.5555/pq.1",
        "Invented Quarterly",
    )
    assert (record.year, record.volume, record.issue, record.pages) == ("2016", "21", "2", "33-41")
    assert (record.publication_types, record.keywords) == (
        ["Journal Article"],
        ["Sleep", "Walking"],
    )


def test_an_xhtml_table_or_a_saved_page_named_xls_is_read(tmp_path: Path) -> None:
    # an XHTML page opens with its XML declaration; a page saved by a browser with a comment
    # naming where it came from: both were 'XML/HTML is not a supported export format'
    path = tmp_path / "savedrecs.xls"
    for opening in (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
        ' Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n',
        "<!-- saved from url=(0014)about:internet -->\n",
    ):
        path.write_text(opening + HTML_XLS.format(extra=""), encoding="utf-8")
        result = import_file(path, "wos")
        assert [r.source_id for r in result.records] == [
            "WOS:000400000000011",
            "WOS:000400000000012",
        ]
