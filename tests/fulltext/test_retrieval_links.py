"""The full-text sheet helps the reviewer find each report: its DOI links to the publisher and a
PubMed Central id to the free full text there."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from livingreview import reviewforms
from livingreview.fulltext import sheet
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
