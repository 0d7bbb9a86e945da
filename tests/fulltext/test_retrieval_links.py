"""The full-text sheet helps the reviewer find each report: its DOI links to the publisher, a
PubMed Central id to the free full text there, and an open-access copy a source named to it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl

from livingreview import reviewforms
from livingreview.dedup.merge import merge_records
from livingreview.fulltext import sheet
from livingreview.sources import openalex
from livingreview.sources.pubmed_xml import parse_efetch
from tests.conftest import require_shared


def test_a_report_with_a_pmc_id_links_to_its_free_full_text(tmp_path: Path) -> None:
    efetch = require_shared("data/sources/pubmed/efetch")
    records = [
        record.normalised()
        for name in ("pubmed1.xml", "pubmed5.xml")  # two articles not in PMC, one in PMC
        for record in parse_efetch((efetch / name).read_bytes())
    ]
    assert [bool(r.pmcid) for r in records] == [False, False, True]
    reports = [{"study_id": f"S{n}", **r.to_row()} for n, r in enumerate(records)]
    spec = reviewforms.FormSpec(sheet.KIND, "review", 1, "r1")
    [path] = reviewforms.write_form(
        tmp_path, spec, sheet.layout(["wrong_population"]), sheet.sheet_rows(reports), [],
        id_column=sheet.ID_COLUMN,
    )  # fmt: skip
    rows = list(openpyxl.load_workbook(path)[sheet.SHEET].iter_rows())
    header = [cell.value for cell in rows[0]]
    pmc, doi = header.index("pmcid"), header.index("doi")
    links = {
        row[header.index(sheet.ID_COLUMN)].value: (row[pmc].value, row[pmc].hyperlink)
        for row in rows[1:]
    }
    for number, record in enumerate(records):
        value, link = links[f"S{number}"]
        if record.pmcid:
            assert value == record.pmcid
            assert link.target == f"https://pmc.ncbi.nlm.nih.gov/articles/{record.pmcid}"
        else:
            assert value is None and link is None
    first = next(row for row in rows[1:] if row[doi].value)
    assert first[doi].hyperlink.target == f"https://doi.org/{first[doi].value}"


def test_an_open_access_copy_a_source_named_is_linked(tmp_path: Path) -> None:
    # OpenAlex's two works of openalex_keypaper_results_page_1.json: one closed, one open access;
    # the open one's study also holds a record of an export without the link (merged, anchored
    # on that record): the study keeps the link
    page = json.loads(
        require_shared("data/sources/openalex/openalex_keypaper_results_page_1.json").read_bytes()
    )
    closed, open_access = (openalex.map_work(w).normalised() for w in page["results"])
    exported = replace(open_access, record_id="wos:1", source="wos", oa_url="")
    studies = [closed, merge_records([exported, open_access], anchor="wos:1")]
    reports = [{"study_id": f"S{n}", **r.to_row()} for n, r in enumerate(studies)]
    spec = reviewforms.FormSpec(sheet.KIND, "review", 1, "r1")
    [path] = reviewforms.write_form(
        tmp_path, spec, sheet.layout([]), sheet.sheet_rows(reports), [], id_column=sheet.ID_COLUMN
    )
    rows = list(openpyxl.load_workbook(path)[sheet.SHEET].iter_rows())
    free = [cell.value for cell in rows[0]].index("free_full_text")
    assert [row[free].value for row in rows[1:]] == [None, "https://peerj.com/articles/4375.pdf"]
    assert rows[1][free].hyperlink is None
    assert rows[2][free].hyperlink.target == "https://peerj.com/articles/4375.pdf"
