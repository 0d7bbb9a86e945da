"""A record whose fields are all empty, or hold only what an exporter writes on any record (its
type, language, database, dates), is refused as a record start alone is: it names no work to
screen, deduplicate or look up. A record with an id and nothing else (a DOI, a PubMed link, a
database's accession number) is read, as a table's row holding only a Scopus EID is
(tests/imports/test_empty_rows.py); a CSL-JSON item's ``id`` is only the file's label for it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import import_file
from tests.imports import Real, Variant
from tests.imports.checks import command_line_exits_2
from tests.imports.test_csl_json import CSL
from tests.imports.test_endnote_xml import ENDNOTE
from tests.imports.test_xlsx import SCOPUS, _scopus_row, _workbook

NAMELESS = "a record naming no work: no title, author, abstract, journal or id"
#: a real export, the line start of its records, and a record naming no work in its format
TAGGED = {
    "ris-empty-title": (
        "exports/ris/synthesisr_Scopus.ris",
        "TY  -",
        ["TY  - JOUR", "TI  - ", "ER  - ", ""],
    ),
    "ris-stamps": (  # what Scopus writes on every record
        "exports/ris/synthesisr_Scopus.ris",
        "TY  -",
        [
            "TY  - JOUR",
            "LA  - English",
            "M3  - Article",
            "DB  - Scopus",
            "N1  - Export Date: 1 May 2020",
            "ER  - ",
            "",
        ],
    ),
    "nbib": (
        "exports/nbib/synthesisr_PubMed.nbib.txt",
        "PMID-",
        ["PMID- ", "OWN - NLM", "STAT- MEDLINE", "TI  - ", "LA  - eng", ""],
    ),
    "bibtex": (
        "exports/bibtex/synthesisr_Scopus.bib",
        "@ARTICLE{",
        [
            "@ARTICLE{Empty2020,",
            "title={},",
            "document_type={Article},",
            "source={Scopus},",
            "}",
            "",
        ],
    ),
    "wos": (
        "exports/wos/synthesisr_WoS.txt",
        "PT ",
        ["PT J", "TI ", "LA English", "DT Article", "ER", ""],
    ),
}


def _with_record(real: Real, relative: str, start: str, record: list[str]) -> tuple[str, int]:
    """A real export's text with ``record`` put before its second record, and that line."""
    lines = real(relative).read_text(encoding="utf-8-sig").split("\n")
    line = [n for n, text in enumerate(lines, 1) if text.startswith(start)][1]
    lines[line - 1 : line - 1] = record
    return "\n".join(lines), line


def _refused(path: Path, position: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputFileError) as error:
        import_file(path, "test")
    assert f"{path}, {position}: {NAMELESS}" in str(error.value)
    command_line_exits_2(path, capsys, "expected at least a title or an id")


@pytest.mark.parametrize("case", TAGGED)
def test_a_tagged_record_of_empty_fields_or_stamps_is_refused(
    real: Real, variant_file: Variant, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    relative, start, record = TAGGED[case]
    text, line = _with_record(real, relative, start, record)
    path = variant_file(f"nameless{Path(relative).suffix}", text.encode())
    _refused(path, f"record 2 (line {line})", capsys)


def test_an_endnote_record_of_an_empty_title_and_stamps_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    record = (
        '<record><database name="Invented.enl" path="C:/Invented.enl">Invented.enl</database>'
        '<source-app name="EndNote" version="20.0">EndNote</source-app><rec-number>3</rec-number>'
        '<ref-type name="Journal Article">17</ref-type><titles><title></title></titles>'
        "<language>eng</language></record>\n"
    )
    second = ENDNOTE.index("<record><rec-number>2")
    path = variant_file("nameless.xml", (ENDNOTE[:second] + record + ENDNOTE[second:]).encode())
    _refused(path, "record 2 (line 24)", capsys)


def test_a_csl_item_of_an_empty_title_and_stamps_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {"id": "ITEM-9", "type": "article-journal", "title": "", "language": "en"}
    second = CSL.index('  {\n    "id": "roe2021"')
    text = CSL[:second] + f"  {json.dumps(item)},\n" + CSL[second:]
    _refused(variant_file("nameless.json", text.encode()), "record 2 (line 26)", capsys)


def test_a_table_row_of_stamps_is_refused(
    real: Real, variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    text = real("exports/scopus/scopus_sample.csv").read_text(encoding="utf-8-sig")
    names = next(csv.reader([text.split("\n", 1)[0]]))
    stamps = {"Document Type": "Article", "Publication Stage": "Final", "Source": "Scopus"}
    assert set(stamps) <= set(names)
    row = ",".join(stamps.get(name, "") for name in names)
    lines = text.rstrip("\n").split("\n")
    path = variant_file("nameless.txt", "\n".join([*lines[:2], row, *lines[2:]]).encode())
    _refused(path, "row 3 (line 3)", capsys)


@pytest.mark.parametrize(
    "record",
    [
        ["TY  - JOUR", "TI  - ", "DO  - 10.1016/j.example.2020.01.001", "ER  - ", ""],
        ["TY  - JOUR", "UR  - https://pubmed.ncbi.nlm.nih.gov/32000001/", "ER  - ", ""],
        ["TY  - JOUR", "AN  - 2-s2.0-85000000001", "M3  - Article", "ER  - ", ""],
    ],
    ids=["doi", "pubmed-link", "accession-number"],
)
def test_a_record_with_an_id_and_no_title_is_read(
    real: Real, variant_file: Variant, record: list[str]
) -> None:
    text, _ = _with_record(real, "exports/ris/synthesisr_Scopus.ris", "TY  -", record)
    records = import_file(variant_file("id_only.ris", text.encode()), "test").records
    assert len(records) == 4


def test_a_worksheet_row_of_stamps_is_refused_naming_the_sheet_row(tmp_path: Path) -> None:
    header = [*SCOPUS, "Document Type", "Source"]
    stamps = [None] * len(SCOPUS) + ["Article", "Scopus"]
    rows = [header, [*_scopus_row(1), "Article", "Scopus"], stamps]
    path = _workbook(tmp_path / "scopus.xlsx", rows, title="Export")
    with pytest.raises(InputFileError) as error:
        import_file(path, "scopus")
    assert f"scopus.xlsx, sheet 'Export', row 3: {NAMELESS}" in str(error.value)
