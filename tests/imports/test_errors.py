"""Malformed input fails with one clear error naming the file, the position and the field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import livingreview.imports as imports
from livingreview.errors import ImportReconciliationError, InputFileError
from livingreview.imports import import_file
from livingreview.imports.text import Parsed
from tests.imports import Real, Variant
from tests.imports.checks import command_line_exits_2
from tests.imports.test_flavours import SPRINGER_HEADER_LINE


def _lines_starting(text: str, prefix: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.startswith(prefix)]


def _real_lines(real: Real, relative: str, prefix: str, nth: int) -> tuple[list[str], int]:
    """The lines of a real file, and the number of its ``nth`` line starting with ``prefix``."""
    text = real(relative).read_text(encoding="utf-8")
    return text.split("\n"), _lines_starting(text, prefix)[nth]


def _variant_of(variant_file: Variant, name: str, lines: list[str]) -> Path:
    """The edited lines written as a variant file."""
    return variant_file(name, "\n".join(lines).encode())


def _fails(path: Path, error: type[InputFileError] = InputFileError, **kwargs: str) -> str:
    with pytest.raises(error) as caught:
        import_file(path, "test", **kwargs)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


def test_ris_record_with_corrupted_ty_names_record_line_and_field(
    real: Real, variant_file: Variant
) -> None:
    lines, line = _real_lines(real, "exports/ris/synthesisr_Scopus.ris", "TY  -", 1)
    lines[line - 1] = lines[line - 1].replace("TY", "TX", 1)
    path = _variant_of(variant_file, "corrupt_ty.ris", lines)
    message = _fails(path)
    assert f"record 2 (line {line})" in message
    assert "field 'TY'" in message


def test_ris_record_whose_ty_line_is_deleted_fails(real: Real, variant_file: Variant) -> None:
    lines, line = _real_lines(real, "exports/ris/synthesisr_Ovid.ris", "TY  -", 2)
    del lines[line - 1]
    message = _fails(_variant_of(variant_file, "no_ty.ris", lines))
    assert f"record 3 (line {line})" in message  # the ID line that now opens the record


def test_a_ris_file_of_bare_ty_lines_is_refused_naming_the_lines(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    """``TY  -`` lines and nothing else are no records: refused (exit 2) as a Refer or RefWorks
    record start with no tag after it is, naming the first and the lines of all, not read as
    three empty records."""
    path = variant_file("bare.ris", b"TY  -\nTY  -\r\nTY  - \n")
    message = _fails(path)
    assert "record 1 (line 1): a 'TY' line with no tag lines after it" in message
    assert "3 of the file's 3 record(s) are a TY line alone, at line(s) 1, 2, 3" in message
    command_line_exits_2(path, capsys, "at line(s) 1, 2, 3")


def test_a_bare_ty_line_among_real_records_is_refused(real: Real, variant_file: Variant) -> None:
    lines, line = _real_lines(real, "exports/ris/synthesisr_Scopus.ris", "TY  -", 1)
    lines.insert(line - 1, "TY  - JOUR")  # a record start left alone before the second record
    message = _fails(_variant_of(variant_file, "bare_ty.ris", lines))
    assert f"record 2 (line {line}): a 'TY' line with no tag lines after it" in message


def test_nbib_record_without_pmid_names_record_and_field(real: Real, variant_file: Variant) -> None:
    text = real("exports/nbib/synthesisr_PubMed.nbib.txt").read_text(encoding="utf-8")
    line = _lines_starting(text, "PMID-")[1]
    path = variant_file("no_pmid.nbib", text.replace("PMID- 30868313", "PMIX- 30868313").encode())
    message = _fails(path)
    assert f"record 2 (line {line})" in message
    assert "field 'PMID'" in message


@pytest.mark.parametrize(
    ("start", "said"),
    [("PMID- 39000001", "a 'PMID-'"), ("PMID- ", "a 'PMID-'"), ("OWN - ERIC", "an 'OWN - ERIC'")],
)
def test_an_nbib_record_that_is_its_start_line_alone_is_refused(
    real: Real, variant_file: Variant, capsys: pytest.CaptureFixture[str], start: str, said: str
) -> None:
    """A record that is its ``PMID-`` line (or ERIC's ``OWN - ERIC``) alone, among real records,
    was read as an empty record or one holding a bare PMID (exit 0), the twin of RIS's bare
    ``TY`` line: refused naming its record and line."""
    lines, line = _real_lines(real, "exports/nbib/synthesisr_PubMed.nbib.txt", "PMID-", 1)
    lines[line - 1 : line - 1] = [start, ""]  # before the second record, with its blank line
    path = _variant_of(variant_file, "start_alone.nbib", lines)
    message = _fails(path)
    assert f"record 2 (line {line}): {said} line with no tag lines after it" in message
    command_line_exits_2(path, capsys, "line with no tag lines after it (a cut export?)")


def test_nbib_records_glued_together_fail_reconciliation(real: Real, variant_file: Variant) -> None:
    lines, line = _real_lines(real, "exports/nbib/synthesisr_PubMed.nbib.txt", "PMID-", 1)
    assert lines[line - 2] == ""
    del lines[line - 2]  # no blank line: Bio.Medline would merge records 1 and 2
    message = _fails(_variant_of(variant_file, "glued.nbib", lines), ImportReconciliationError)
    assert f"record 2 (line {line - 1})" in message
    assert "has 3 records but the nbib parser read 2" in message


def test_nbib_exports_joined_without_a_newline_are_not_merged(
    real: Real, variant_file: Variant
) -> None:
    """The real file lacks a final newline: ``cat`` glues the next export's PMID line onto its
    last line, so no line starts the fourth record and the scan and the parser both count 5."""
    data = real("exports/nbib/synthesisr_PubMed.nbib.txt").read_bytes()
    assert not data.endswith(b"\n") and data.startswith(b"PMID- ")
    joined = data + data
    message = _fails(variant_file("joined.nbib", joined))
    line = joined.decode("utf-8").split("\n").index("OWN - NLM", data.count(b"\n") + 1) + 1
    assert f"record 3 (line {line}), field 'OWN': a second 'OWN' line in one record" in message
    assert "'PMID-' line glued onto the end of a line above" in message


def test_nbib_junk_line_names_its_line(real: Real, variant_file: Variant) -> None:
    text = real("pubmed/medline/pubmed_result1.txt").read_text(encoding="utf-8")
    path = variant_file("junk.txt", text.replace("OWN - NLM", "this is not a tag").encode())
    message = _fails(path)
    assert "record 1 (line 3)" in message


def test_wos_record_with_corrupted_pt_fails(real: Real, variant_file: Variant) -> None:
    lines, line = _real_lines(real, "exports/wos/synthesisr_WoS.txt", "PT ", 3)
    lines[line - 1] = "XX J"
    message = _fails(_variant_of(variant_file, "corrupt.txt", lines))
    assert f"record 4 (line {line})" in message
    assert "field 'PT'" in message


def test_a_bare_pt_record_among_real_wos_records_is_refused(
    real: Real, variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    """A WoS record that is its ``PT`` line alone (closed by ``ER``, or by the next ``PT``) was
    read as an empty record, exit 0, as RIS's bare ``TY`` was: refused naming its line."""
    lines, line = _real_lines(real, "exports/wos/synthesisr_WoS.txt", "PT ", 1)
    lines[line - 1 : line - 1] = ["PT J", "ER", ""]  # an empty record before the second
    path = _variant_of(variant_file, "bare_pt.txt", lines)
    message = _fails(path)
    assert f"record 2 (line {line}): a 'PT' line with no tag lines after it" in message
    command_line_exits_2(path, capsys, "a 'PT' line with no tag lines after it")
    lines[line - 1 : line + 2] = ["PT J"]  # no ER: the next record's PT closes it
    assert f"record 2 (line {line})" in _fails(_variant_of(variant_file, "bare.txt", lines))


def test_bibtex_entry_without_its_header_line_is_not_swallowed(
    real: Real, variant_file: Variant
) -> None:
    text = real("exports/bibtex/synthesisr_Scopus.bib").read_text(encoding="utf-8")
    line = _lines_starting(text, "@ARTICLE{Cao2020")[0]
    path = variant_file("lost_header.bib", text.replace("@ARTICLE{Cao2020,\n", "").encode())
    message = _fails(path)
    assert f"line {line}" in message
    assert "outside any entry" in message


def test_bibtex_entry_closed_early_by_a_stray_brace_is_read_line_by_line(
    real: Real, variant_file: Variant
) -> None:
    text = real("exports/bibtex/colrev_wos_anonymized.bib").read_text(encoding="utf-8-sig")
    title = "Title = {A dummy title&apos;s},"
    assert title in text
    # the extra brace ends the entry cleanly: its later fields would fall into a comment
    path = variant_file("early_close.bib", text.replace(title, title[:-1] + "},").encode())
    proceedings, article = import_file(path, "test").records
    assert article.title == "A dummy title's"
    assert article.journal == "Dummy Journal for nice writing"
    assert article.source_id == "WOS:000444488888888"  # Unique-ID, the last field
    assert proceedings.title == "Inproceedings Title"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\nTitle = {When", "\n\nTitle = {When"),  # a field after a blank line
        ("Title = {When sharing fixes prices.}", 'Title = "When sharing fixes prices."'),
        ("prices.},\n}", "prices.},\n"),  # no closing brace line
        ("@article{13362467620181001,\n", "@article{13362467620181001, Note = {x},\n"),
    ],
    ids=["blank-line", "quoted-field", "no-closing-line", "field-on-header-line"],
)
def test_bibtex_unbalanced_entry_not_one_field_per_line_still_fails(
    real: Real, variant_file: Variant, old: str, new: str
) -> None:
    text = real("exports/bibtex/colrev_ebsco.bib").read_text(encoding="utf-8")
    assert old in text
    message = _fails(variant_file("broken.bib", text.replace(old, new).encode()))
    assert "record 2 (line 15)" in message
    assert "malformed BibTeX entry" in message


@pytest.mark.parametrize("entry", ["@ARTICLE{Empty2020,\n}", "@ARTICLE{Empty2020}", "@misc{,}"])
def test_a_bibtex_entry_with_no_field_among_real_entries_is_refused(
    real: Real, variant_file: Variant, capsys: pytest.CaptureFixture[str], entry: str
) -> None:
    """An entry with nothing after its ``@type{key,`` was read as an empty record (exit 0), the
    twin of RIS's bare ``TY`` line: refused naming its record and line."""
    lines, line = _real_lines(real, "exports/bibtex/synthesisr_Scopus.bib", "@ARTICLE{", 1)
    lines[line - 1 : line - 1] = [entry, ""]  # an empty entry before the second record
    path = _variant_of(variant_file, "empty_entry.bib", lines)
    message = _fails(path)
    assert f"record 2 (line {line}): an entry '@" in message
    assert "with no field in it (a cut export?)" in message
    command_line_exits_2(path, capsys, "with no field in it")


def test_bibtex_duplicate_keys_are_two_records(real: Real, variant_file: Variant) -> None:
    text = real("exports/bibtex/colrev_wos_anonymized.bib").read_text(encoding="utf-8-sig")
    path = variant_file("dup_key.bib", (text + "\n\n" + text).encode())
    result = import_file(path, "test")
    assert len(result.records) == result.records_in_file == 4
    assert result.records[2].record_id == result.records[0].record_id + "~2"


def test_csv_without_title_column(real: Real, variant_file: Variant) -> None:
    text = real("exports/scopus/scopus_sample.csv").read_text(encoding="utf-8")
    path = variant_file("no_title.csv", text.replace('"Title",', '"Name",', 1).encode())
    message = _fails(path)
    assert "row 1 (line 1)" in message
    assert "field 'Title'" in message
    assert "no title column" in message


def test_csv_row_with_broken_quoting_names_its_row(real: Real, variant_file: Variant) -> None:
    text = real("exports/pubmed_csv/colrev_pubmed_chatbot.csv").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[3] = lines[3] + ',"stray"'
    message = _fails(_variant_of(variant_file, "extra.csv", lines))
    assert "row 4 (line 4)" in message


def test_csv_cut_inside_a_quoted_cell_is_not_read_as_a_short_row(
    real: Real, variant_file: Variant
) -> None:
    """An interrupted download: the csv module would read the last row with its title cut short
    and every cell after it missing, and the row scan would count it as a whole row."""
    text = real("exports/scopus/scopus_sample.csv").read_text(encoding="utf-8-sig")
    title = import_file(real("exports/scopus/scopus_sample.csv"), "test").records[-1].title
    cut = text[: text.rindex(title) + len(title) // 2]
    message = _fails(variant_file("cut.csv", cut.encode()))
    assert "row 9 (line 9): the file ends inside a quoted cell" in message
    # the whole file, and one whose last row ends between cells, still read as before
    for name, whole in (("whole.csv", text), ("no_final_newline.csv", text.rstrip("\n"))):
        assert len(import_file(variant_file(name, whole.encode()), "test").records) == 8
    # a quote never closed swallowed every row after it into one cell, and the scan agreed
    unclosed = variant_file("unclosed.csv", b'Title,Year\n"A title,2020\nB,2021\nC,2022\n')
    assert "row 2 (line 2): the file ends inside a quoted cell" in _fails(unclosed)


def test_truncated_json_names_the_record(real: Real, variant_file: Variant) -> None:
    data = real("exports/google_scholar/colrev_publish_or_perish_gs.json").read_bytes()
    text = data.decode("utf-8-sig")
    fifth = text.index('"uid": "GS:2737601302584012927"')
    path = variant_file("truncated.json", text[: fifth + 40].encode())
    message = _fails(path, InputFileError)
    assert "record 5 (line" in message
    assert "truncated" in message


def test_json_that_is_not_a_list(variant_file: Variant) -> None:
    path = variant_file("object.json", json.dumps({"title": "x"}).encode())
    assert "expected a JSON list" in _fails(path)


def test_binary_junk(variant_file: Variant) -> None:
    assert "binary" in _fails(variant_file("junk.ris", os.urandom(2048) + b"\x00"))
    control_junk = bytes(range(1, 9)) * 200
    assert "binary" in _fails(variant_file("junk2.csv", control_junk))
    assert "ZIP" in _fails(variant_file("book.xlsx", b"PK\x03\x04" + b"\x00" * 50))
    # Web of Science's and ProQuest's "Excel" exports are the old binary workbook format
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert ".xls workbook" in _fails(variant_file("savedrecs.xls", old_excel))


def test_unknown_format(variant_file: Variant) -> None:
    path = variant_file("notes.txt", b"Dear reviewer\nplease find attached\n")
    message = _fails(path)
    assert "unrecognised export format" in message
    assert "line 1" in message


@pytest.mark.parametrize("content", [b"", b"   \n\r\n  ", b"\xef\xbb\xbf\n"])
def test_empty_file(variant_file: Variant, content: bytes) -> None:
    assert "empty" in _fails(variant_file("empty.ris", content))


def test_header_only_csv_has_no_records(variant_file: Variant) -> None:
    path = variant_file("header.csv", b'"PMID","Title","Authors","Citation","Journal/Book"\n')
    assert "no records" in _fails(path)


def test_missing_file_and_unknown_override(tmp_path: Path, real: Real) -> None:
    assert "cannot read" in _fails(tmp_path / "absent.ris")
    message = _fails(real("exports/ris/synthesisr_Scopus.ris"), fmt="endnote")
    assert "unknown format 'endnote'" in message


def test_reconciliation_catches_a_parser_that_drops_a_record(
    real: Real, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = real("exports/ris/synthesisr_Scopus.ris")
    scan, parse = imports._PARSERS["ris"]

    def lossy(path: Path, text: str) -> list[Parsed]:
        parsed = parse(path, text)
        return parsed[:1] + parsed[2:]

    monkeypatch.setitem(imports._PARSERS, "ris", (scan, lossy))
    message = _fails(path, ImportReconciliationError)
    assert "record 2 (line 43)" in message
    assert "has 3 records but the ris parser read 2" in message


def test_utf8_bom_with_bytes_that_are_not_utf8(real: Real, variant_file: Variant) -> None:
    data = real("exports/ris/synthesisr_citesource_issue_24.ris").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    line_two = data.index(b"\n") + 1
    mixed = data[:line_two] + "Montréal ".encode("cp1252") + data[line_two:]
    message = _fails(variant_file("mixed.ris", mixed))
    assert "line 2" in message
    assert "mixed encodings" in message


def test_a_byte_that_is_not_utf8_in_a_utf8_file_without_bom_is_refused(
    variant_file: Variant,
) -> None:
    # Springer Link-like CSV in UTF-8 with one Windows-1252 'é' pasted in: the whole file was
    # read as Windows-1252, every name in it garbled ('Løken' came in as 'LÃ¸ken'), exit 0.
    header = SPRINGER_HEADER_LINE + "\n"
    rows = (
        "An invented book,Invented Notes,,,,10.1007/x1,Eva Løken,2021,http://x.org/1,Book\n"
        "Another invented book,Invented Notes,,,,10.1007/x2,Ana Roe-Pérez,2022,http://x.org/2,Book\n"
    )
    third = "A third,Invented Notes,,,,10.1007/x3,José Ruiz,2023,http://x.org/3,Book\n"
    data = (header + rows).encode() + third.encode("cp1252")
    message = _fails(variant_file("springer.csv", data))
    assert "line 4" in message and "is not UTF-8" in message and "mixed encodings" in message
    # a Windows-1252 file stays Windows-1252, also when two of its bytes look like UTF-8 ('É»')
    cp1252 = (header + rows + third.replace("A third", "«CAFÉ» invented")).encode("cp1252")
    result = import_file(variant_file("cp1252.csv", cp1252), "s")
    assert result.encoding == "cp1252"
    assert result.records[0].authors == ["Løken, Eva"]


def test_one_utf8_character_beside_one_byte_that_is_not_is_refused_too(
    variant_file: Variant,
) -> None:
    # One UTF-8 'ø' and one Windows-1252 'é' pasted in: as many UTF-8 characters as bad bytes,
    # so the file was read as Windows-1252 and 'Løken' came in as 'LÃ¸ken', exit 0.
    header = SPRINGER_HEADER_LINE + "\n"
    row = "An invented book,Invented Notes,,,,10.1007/x1,Eva Løken,2021,http://x.org/1,Book\n"
    third = "A third,Invented Notes,,,,10.1007/x3,José Ruiz,2023,http://x.org/3,Book\n"
    message = _fails(variant_file("springer.csv", (header + row).encode() + third.encode("cp1252")))
    assert "line 3" in message and "is not UTF-8" in message
    # Windows-1252 capitals before a symbol ('É»', 'É–': UTF-8's bytes of two IPA letters) as
    # many as its other accented bytes stay Windows-1252: such pairs count once
    title = "«CAFÉ» ÉTÉ–HIVER"
    cp1252 = (header + row.replace("An invented book", title).replace("ø", "o")).encode("cp1252")
    result = import_file(variant_file("cp1252.csv", cp1252), "s")
    assert result.encoding == "cp1252"
    assert result.records[0].title == title


def test_a_few_control_characters_are_read_as_spaces(
    variant_file: Variant, caplog: pytest.LogCaptureFixture
) -> None:
    # Too few for binary data, a BEL and an ESC went into the title and the journal as they
    # were (records.csv held them, exit 0). They are spaces now, and the import says so.
    text = (
        "RT Journal Article\nA1 Doe, Jane\nT1 An invented\x07 trial of walking\n"
        "JF Invented\x1b Walking Review\nYR 2019\n"
    )
    (record,) = import_file(variant_file("refworks.txt", text.encode()), "x").records
    assert (record.title, record.journal) == (
        "An invented trial of walking",
        "Invented Walking Review",
    )
    assert "line 3: 2 control character(s)" in caplog.text


def test_a_glued_record_start_is_reported_not_merged(real: Real, variant_file: Variant) -> None:
    lines, line = _real_lines(real, "exports/ris/synthesisr_Scopus.ris", "TY  -", 2)
    lines[line - 1] = "x" + lines[line - 1]  # a stray byte before TY: no longer at line start
    message = _fails(_variant_of(variant_file, "glued.ris", lines), ImportReconciliationError)
    assert f"record 3 (line {line})" in message
    assert "has 2 records but the ris parser read 3" in message


def test_an_unforeseen_library_failure_is_one_input_error(
    real: Real, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan, _ = imports._PARSERS["nbib"]

    def broken(path: Path, text: str) -> list[Parsed]:
        raise KeyError("UK")

    monkeypatch.setitem(imports._PARSERS, "nbib", (scan, broken))
    message = _fails(real("pubmed/medline/pubmed_result1.txt"))
    assert "cannot be read as nbib: KeyError" in message


def _scopus_rows(real: Real, rows: list[dict[str, str]]) -> str:
    """The real Scopus CSV's header, ';'-separated as Excel saves it, over ``rows``."""
    header = real("exports/scopus/scopus_sample.csv").read_text(encoding="utf-8-sig")
    columns = [c.strip('"') for c in header.splitlines()[0].split('","')]
    lines = [";".join(columns)] + [";".join(row.get(c, "") for c in columns) for row in rows]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "row", "shown"),
    [
        # Excel in a Russian locale saves 'CSV (semicolon delimited)' as windows-1251: read as
        # Windows-1252, 'Иванов' came in as 'Èâàíîâ', exit 0.
        (
            "cp1251",
            {
                "Authors": "Иванов И.И.",
                "Title": "Терапевтический альянс в цифровой психотерапии",
                "Year": "2020",
                "Source title": "Журнал неврологии и психиатрии",
            },
            "'Èâàíîâ'",
        ),
        # ... in China as GBK: '张伟' as 'ÕÅÎ°', the title as 'ÐÄÀíÖÎÁÆ...', exit 0.
        (
            "gbk",
            {"Authors": "张伟", "Title": "心理治疗中的治疗联盟", "Year": "2021"},
            "'ÐÄÀíÖÎÁÆ",
        ),
        # ... in Japan as Shift_JIS: refused as 'binary data (31 control characters), not a text
        # export' (its '：' has a byte Windows-1252 lacks, so it was read as Latin-1).
        (
            "cp932",
            {"Authors": "田中 太郎", "Title": "デジタル治療における治療同盟：系統的レビュー"},
            "a character '\\x93'",
        ),
    ],
)
def test_a_csv_saved_in_another_code_page_is_refused_naming_it(
    real: Real, variant_file: Variant, encoding: str, row: dict[str, str], shown: str
) -> None:
    data = _scopus_rows(real, [row]).encode(encoding)
    message = _fails(variant_file(f"{encoding}.csv", data))
    assert "line 2: the file is not UTF-8, and read as Windows-1252 it has" in message
    assert shown in message and "another code page" in message and "UTF-8" in message


def test_a_windows_1252_csv_full_of_accents_is_still_read(
    real: Real, variant_file: Variant
) -> None:
    rows = [
        {"Authors": "Þórðarson Þ.", "Title": "Áhrif meðferðar á ævi", "Year": "2019"},
        {"Authors": "Müller H.", "Title": "Über die Ärzte: Maßnahmen", "Year": "2020"},
        {"Authors": "Løken E.", "Title": "Æøå – «Thérapie» à l’œuvre", "Year": "2021"},
    ]
    result = import_file(variant_file("cp1252.csv", _scopus_rows(real, rows).encode("cp1252")), "s")
    assert result.encoding == "cp1252"
    assert {r.title for r in result.records} >= {"Áhrif meðferðar á ævi"}
