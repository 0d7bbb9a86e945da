"""CSL-JSON (Zotero's "CSL JSON" export, citeproc's input, DOI content negotiation) with invented
items.

No real CSL-JSON export is in ../shared; the layout follows the CSL-JSON schema as Zotero and
citeproc write it: a list of objects with ``type``, ``title``, ``author`` as ``{family, given}`` or
``{literal}``, ``issued`` as ``{"date-parts": [[2019, 3]]}`` (or ``raw``/``literal``), numbers or
strings for ``volume``/``issue``, a ``note`` holding ``PMID: ...`` lines. The values are made up.
"""

from __future__ import annotations

import json

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import detect_format, import_file
from livingreview.imports.csl import scan
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2, scan_missing_a_start_fails

CSL = """[
  {
    "id": "http://zotero.org/users/local/abc/items/INV001",
    "type": "article-journal",
    "title": "Stair climbing and café visits: a pilot trial",
    "container-title": "Invented Journal of Stairs",
    "container-title-short": "Inv J Stairs",
    "volume": 12,
    "issue": "3",
    "page": "123-130",
    "DOI": "https://doi.org/10.5555/INV.2017.001",
    "ISSN": "1111-2222, 3333-4444",
    "PMID": "31000001",
    "PMCID": "7000001",
    "URL": "https://example.org/a",
    "language": "en",
    "keyword": "stairs; mood; adult",
    "abstract": "Background: first line.\\nResults: second line.",
    "author": [
      {"family": "Park", "given": "Min"},
      {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van", "suffix": "Jr"},
      {"literal": "Invented Study Group"}
    ],
    "issued": {"date-parts": [["2017", 3, 4]]}
  },
  {
    "id": "roe2021",
    "type": "chapter",
    "title": "A chapter",
    "container-title": ["A book"],
    "ISBN": "978-1-23-456789-7",
    "URL": "https://doi.org/10.5555/inv.2021.002",
    "note": "PMID: 31000002\\nPMCID: PMC7000002",
    "author": [{"family": "Roe", "given": "Ray"}],
    "issued": {"raw": "2021-05"}
  },
  {"type": "report", "title": "Only a title", "issued": {"literal": "Spring 2020"},
   "keyword": "a, b", "page": "e0123", "id": 3}
]
"""
POP = """[
  {"uid": "GS:1", "title": "A title", "source": "A journal", "article_url": "https://x.org/1",
   "cites_url": "", "year": 2020, "volume": 0, "authors": ["A Smith", "B Jones"]}
]
"""


def test_records_and_every_field(variant_file: Variant) -> None:
    result = import_file(variant_file("zotero.json", CSL.encode()), "zotero")
    assert (result.format, result.records_in_file, len(result.records)) == ("csl_json", 3, 3)
    article, chapter, report = result.records
    assert article.title == "Stair climbing and café visits: a pilot trial"
    assert article.authors == ["Park, Min", "van Gogh, Vincent Jr", "Invented Study Group"]
    assert [article.journal, article.year, article.volume] == [
        "Invented Journal of Stairs",
        "2017",
        "12",
    ]
    assert [article.issue, article.pages, article.doi] == ["3", "123-130", "10.5555/inv.2017.001"]
    assert [article.pmid, article.pmcid, article.issn] == [
        "31000001",
        "PMC7000001",
        "1111-2222; 3333-4444",
    ]
    assert article.abstract == "Background: first line. Results: second line."
    assert article.keywords == ["stairs", "mood", "adult"]
    assert (article.language, article.url) == ("en", "https://example.org/a")
    assert article.publication_types == ["article-journal"]
    assert article.source_id == "http://zotero.org/users/local/abc/items/INV001"
    assert (chapter.journal, chapter.year, chapter.issn) == ("A book", "2021", "978-1-23-456789-7")
    assert (chapter.doi, chapter.pmid, chapter.pmcid) == (
        "10.5555/inv.2021.002",  # from a doi.org URL
        "31000002",  # from the note's lines, as Zotero writes its Extra field
        "PMC7000002",
    )
    assert chapter.record_id == "zotero:roe2021"
    assert (report.year, report.keywords, report.pages, report.authors) == (
        "2020",
        ["a", "b"],
        "e0123",
        [],
    )
    assert report.source_id == "3"


def test_scan_counts_list_items_and_a_lone_item() -> None:
    assert scan(CSL) == [2, 26, 37]
    assert scan('\n  {"type": "book", "author": [{"family": "X"}], "issued": {"raw": "1999"}}') == [
        2
    ]


def test_publish_or_perish_json_is_still_told_apart(variant_file: Variant) -> None:
    assert detect_format(variant_file("a.json", b""), CSL) == "csl_json"
    assert detect_format(variant_file("b.json", b""), POP) == "pop_json"
    result = import_file(variant_file("pop.json", POP.encode()), "x")
    assert (result.format, result.records[0].authors) == ("pop_json", ["Smith, A", "Jones, B"])


def test_one_item_object_from_doi_content_negotiation(variant_file: Variant) -> None:
    item = json.loads(CSL)[1]
    path = variant_file("doi.txt", json.dumps(item, indent=1).encode())
    result = import_file(path, "doi")
    assert (result.format, result.records_in_file, [r.title for r in result.records]) == (
        "csl_json",
        1,
        ["A chapter"],
    )


def test_encodings_read_the_same(variant_file: Variant) -> None:
    expected = import_file(variant_file("utf8.json", CSL.encode()), "x").records
    crlf_bom = b"\xef\xbb\xbf" + CSL.replace("\n", "\r\n").encode()
    for name, data in [("bom.json", crlf_bom), ("cp1252.json", CSL.encode("cp1252"))]:
        result = import_file(variant_file(name, data), "x")
        assert (result.format, result.records) == ("csl_json", expected), name
    assert import_file(variant_file("w.json", CSL.encode("cp1252")), "x").encoding == "cp1252"


def test_a_cut_file_fails_naming_its_item(variant_file: Variant) -> None:
    path = variant_file("cut.json", CSL[: CSL.index('"author": [{"family": "Roe"')].encode())
    with pytest.raises(InputFileError, match="invalid JSON") as error:
        import_file(path, "x")
    assert "cut.json, record 2 (line 26)" in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ('[{"family": "Roe", "given": "Ray"}]', '"Roe, Ray"', "author", "a list of names"),
        ('[{"family": "Roe", "given": "Ray"}]', '[{"role": "x"}]', "author", "family, given"),
        ('{"raw": "2021-05"}', "[[2021]]", "issued", "date-parts"),
        ('"title": "A chapter"', '"title": {"main": "A chapter"}', "title", "text"),
    ],
)
def test_a_field_of_the_wrong_shape_fails_naming_record_and_field(
    variant_file: Variant, old: str, new: str, field: str, expected: str
) -> None:
    path = variant_file("bad.json", CSL.replace(old, new, 1).encode())
    with pytest.raises(InputFileError, match=expected) as error:
        import_file(path, "x")
    assert f"bad.json, record 2 (line 26), field {field!r}" in str(error.value)


@pytest.mark.parametrize(
    "item", ["{}", '{"id": "http://zotero.org/users/local/abc/items/INV009", "type": "book"}']
)
def test_an_item_with_no_field_among_real_ones_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str], item: str
) -> None:
    """An item holding nothing but its id and type (the twin of BibTeX's ``@article{a,}``) was
    read as an empty record, exit 0: refused naming its record and line."""
    second = CSL.index('  {\n    "id": "roe2021"')
    path = variant_file("empty.json", (CSL[:second] + f"  {item},\n" + CSL[second:]).encode())
    with pytest.raises(InputFileError) as error:
        import_file(path, "x")
    assert "empty.json, record 2 (line 26): an item with no field but its id and type" in str(
        error.value
    )
    command_line_exits_2(path, capsys, "an item with no field but its id and type at most")
    one = variant_file("one.json", b'{"type": "article-journal", "id": "a"}')  # a DOI's answer
    with pytest.raises(InputFileError, match=r"record 1 \(line 1\): an item with no field"):
        import_file(one, "x", fmt="csl_json")


def test_a_list_item_that_is_no_object_fails(variant_file: Variant) -> None:
    path = variant_file("mixed.json", CSL.replace("\n]", ',\n "stray"\n]').encode())
    with pytest.raises(InputFileError, match="not a JSON object") as error:
        import_file(path, "x", fmt="csl_json")
    assert "mixed.json, record 4: a list item" in str(error.value)  # was '(line 0)'
    with pytest.raises(InputFileError) as error:
        import_file(variant_file("two.json", b'[1, {"title": "A"}]'), "x", fmt="csl_json")
    assert "two.json, record 1: a list item" in str(error.value)  # was the next item's line


def test_parser_and_scan_disagreeing_fails_reconciliation(
    variant_file: Variant, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan_missing_a_start_fails(monkeypatch, "csl_json", variant_file("r.json", CSL.encode()))


def test_the_command_line_exits_2_without_a_traceback(variant_file: Variant, capsys) -> None:
    path = variant_file("bad.json", CSL.replace('{"raw": "2021-05"}', "[[2021]]").encode())
    command_line_exits_2(path, capsys, "bad.json, record 2 (line 26), field 'issued'")
