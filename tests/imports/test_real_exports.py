"""Every real export file imports with exactly the number of records it holds.

The list of files comes from the directory listing, so a new sample is picked up and fails until
its true record count is added to :data:`EXPECTED_COUNTS`. Each count below was checked by reading
the file (records between ``TY``/``ER``, ``PT``/``ER``, ``PMID-`` lines, ``@entry`` lines, CSV
rows, JSON objects) and, where it gives one, against ``MANIFEST.tsv``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.imports import import_file
from tests.conftest import SHARED_DIR, require_shared

SOURCES = SHARED_DIR / "data" / "sources"
FOLDERS = ("exports", "pubmed/medline")

EXPECTED_COUNTS: dict[str, int] = {
    "exports/bibtex/colrev_ebsco.bib": 2,
    "exports/bibtex/colrev_europepmc_anonymized.bib": 2,
    "exports/bibtex/colrev_scopus_anonymized.bib": 11,
    "exports/bibtex/colrev_wos_anonymized.bib": 2,
    "exports/bibtex/synthesisr_Scopus.bib": 3,
    "exports/google_scholar/colrev_publish_or_perish_gs.json": 7,
    "exports/nbib/synthesisr_PubMed.nbib.txt": 3,
    "exports/nbib/synthesisr_res_synth_methods.nbib.txt": 2,
    "exports/openalex/openalex_sample.csv": 8,
    "exports/pubmed_csv/colrev_pubmed_chatbot.csv": 6,
    "exports/ris/citesource_pubmed_via_refmanager_46.ris": 46,
    "exports/ris/colrev_psycnet_psycinfo_anonymized.ris": 1,
    "exports/ris/revtools_avian_ecology.ris": 20,
    "exports/ris/rispy_example_bom.ris": 1,
    "exports/ris/rispy_example_extraneous_data.ris": 2,
    "exports/ris/rispy_example_full.ris": 2,
    "exports/ris/rispy_example_multiline.ris": 3,
    "exports/ris/rispy_example_utf_chars.ris": 1,
    "exports/ris/synthesisr_EBSCO_ASP.ris": 4,
    "exports/ris/synthesisr_Ovid.ris": 4,
    "exports/ris/synthesisr_Scopus.ris": 3,
    "exports/ris/synthesisr_citesource_issue_24.ris": 17,
    "exports/scopus/scopus_sample.csv": 8,
    "exports/wos/rispy_example_wos.txt": 2,
    "exports/wos/synthesisr_WoS.ciw": 5,
    "exports/wos/synthesisr_WoS.txt": 4,
    "exports/wos/wos_sample.txt": 8,
    "pubmed/medline/pubmed_result1.txt": 1,
    "pubmed/medline/pubmed_result2.txt": 4,
    "pubmed/medline/pubmed_result3.txt": 1,
}

FORMAT_BY_FOLDER = {
    "exports/bibtex": "bibtex",
    "exports/google_scholar": "pop_json",
    "exports/nbib": "nbib",
    "exports/openalex": "csv",
    "exports/pubmed_csv": "csv",
    "exports/ris": "ris",
    "exports/scopus": "csv",
    "exports/wos": "wos",
    "pubmed/medline": "nbib",
}


def _listing() -> list[object]:
    if not SOURCES.is_dir():
        return [pytest.param(None, id="shared-data-missing")]
    files = [
        path
        for folder in FOLDERS
        for path in sorted((SOURCES / folder).rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]
    return [pytest.param(p.relative_to(SOURCES).as_posix(), id=p.name) for p in files]


@pytest.mark.parametrize("relative", _listing())
def test_every_real_export_imports_with_its_true_record_count(relative: str | None) -> None:
    if relative is None:
        require_shared("data/sources")
        pytest.fail("../shared exists but data/sources was not listed")
    assert relative in EXPECTED_COUNTS, (
        f"{relative} is new: read it, count its records and add it to EXPECTED_COUNTS"
    )
    path = SOURCES / relative
    expected = EXPECTED_COUNTS[relative]
    result = import_file(path, "test")

    assert result.format == FORMAT_BY_FOLDER[str(Path(relative).parent.as_posix())]
    assert result.records_in_file == expected
    assert len(result.records) == expected
    assert result.path == str(path)
    ids = [r.record_id for r in result.records]
    assert len(set(ids)) == len(ids)
    assert all(r.source == "test" and r.record_id.startswith("test:") for r in result.records)


def test_the_listing_covers_every_expected_file(sources: Path) -> None:
    listed = {
        p.relative_to(sources).as_posix()
        for folder in FOLDERS
        for p in (sources / folder).rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert set(EXPECTED_COUNTS) <= listed, sorted(set(EXPECTED_COUNTS) - listed)
