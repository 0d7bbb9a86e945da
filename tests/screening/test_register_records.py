"""A trial known only through a register (ClinicalTrials.gov, the WHO ICTRP) is screenable: its
record has a title, a register id and address, conditions and interventions, but no authors,
often no abstract and no DOI. The screening sheet links the registration and lists what the
register gives; the full-text sheet links it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from livingreview import reviewforms
from livingreview.dedup.merge import merged_row
from livingreview.fulltext import sheet as fulltext_sheet
from livingreview.imports import import_file
from livingreview.records import Record, assign_ids
from livingreview.screening import export

# Invented trials, in the registers' own download layouts.
CTGOV_CSV = (
    "NCT Number,Study Title,Study URL,Brief Summary,Conditions,Interventions,Study Type,"
    "First Posted\n"
    "NCT05100006,Therapeutic Alliance With a Mental Health App,"
    "https://clinicaltrials.gov/study/NCT05100006,,Depression|Anxiety,"
    "BEHAVIORAL: Self-guided app,OBSERVATIONAL,2020-08-20\n"
)
ICTRP_CSV = (
    "TrialID,Public title,Scientific title,Date registration3,Source Register,web address,"
    "Condition,Intervention\n"
    "ISRCTN12345678,A chatbot to support mothers with postnatal depression,,20220512,ISRCTN,"
    "https://www.isrctn.com/ISRCTN12345678,Postnatal depression;Mental and Behavioural "
    "Disorders,Behavioural: Conversational agent (chatbot)\n"
)


def library_rows(tmp_path: Path) -> list[dict[str, str]]:
    """The two registrations and an article, as the library's merged rows."""
    (tmp_path / "ctg.csv").write_text(CTGOV_CSV, encoding="utf-8")
    (tmp_path / "ictrp.csv").write_text(ICTRP_CSV, encoding="utf-8")
    (nct,) = assign_ids("ctgov", import_file(tmp_path / "ctg.csv", "ctgov").records)
    (isrctn,) = assign_ids("ictrp", import_file(tmp_path / "ictrp.csv", "ictrp").records)
    article = Record(
        record_id="medline:1", title="Bond With a Self-Guided App", authors=["Okafor, Chidi"],
        year="2023", journal="JMIR mental health", doi="10.2196/45678", abstract="Background.",
        keywords=["Depression"], url="https://pubmed.ncbi.nlm.nih.gov/37000002/",
        publication_types=["Journal Article"],
    )  # fmt: skip
    groups = {"S1": [nct], "S2": [isrctn], "S3": [article]}
    return [merged_row(sid, group) for sid, group in groups.items()]


def cells(path: Path, title: str) -> dict[str, dict[str, openpyxl.cell.Cell]]:
    """Study or report id -> column name -> cell, of the sheet ``title``."""
    rows = list(openpyxl.load_workbook(path)[title].iter_rows())
    header = [cell.value for cell in rows[0]]
    return {row[1].value: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_a_registration_on_the_screening_sheet_links_its_register_page_and_lists_its_terms(
    tmp_path: Path,
) -> None:
    studies = library_rows(tmp_path)
    spec = export.SheetSpec("review", "title_abstract", 1, 1, "r1")
    registrations = sum(1 for s in studies if export.is_register_record(s))
    lines = export.instructions(
        spec, 3, [], folder="human", blind=True, demo=False, registrations=registrations
    )
    [path] = export.write_sheet(
        tmp_path, spec, export.sheet_rows(studies), export.layout([]), lines
    )
    row = cells(path, export.SHEET)
    nct, isrctn, article = row["S1"], row["S2"], row["S3"]
    assert nct["doi"].value == "https://clinicaltrials.gov/study/NCT05100006"
    assert nct["doi"].hyperlink.target == "https://clinicaltrials.gov/study/NCT05100006"
    assert isrctn["doi"].hyperlink.target == "https://www.isrctn.com/ISRCTN12345678"
    assert nct["abstract"].value == (
        "Conditions and interventions (trial register): Depression; Anxiety; "
        "BEHAVIORAL: Self-guided app"
    )
    assert isrctn["abstract"].value == (
        "Conditions and interventions (trial register): Postnatal depression; Mental and "
        "Behavioural Disorders; Behavioural: Conversational agent (chatbot)"
    )
    # an article keeps its DOI link and its abstract alone (its keywords are no register's)
    assert article["doi"].value == "10.2196/45678"
    assert article["doi"].hyperlink.target == "https://doi.org/10.2196/45678"
    assert article["abstract"].value == "Background."
    notes = [c.value for c in openpyxl.load_workbook(path)["Instructions"]["A"]]
    assert "2 rows are trial registrations (a register's record: no authors, often no " \
        "abstract)." in notes  # fmt: skip


def test_a_registration_on_the_full_text_sheet_links_its_register_page(tmp_path: Path) -> None:
    reports = [{**row, "study_id": row["study_id"]} for row in library_rows(tmp_path)]
    spec = reviewforms.FormSpec(fulltext_sheet.KIND, "review", 1, "r1")
    lines = fulltext_sheet.instructions(spec, 3, [], "human", False, registrations=2)
    [path] = reviewforms.write_form(
        tmp_path, spec, fulltext_sheet.layout([]), fulltext_sheet.sheet_rows(reports), lines,
        id_column=fulltext_sheet.ID_COLUMN,
    )  # fmt: skip
    row = cells(path, fulltext_sheet.SHEET)
    assert row["S1"]["doi"].hyperlink.target == "https://clinicaltrials.gov/study/NCT05100006"
    assert row["S2"]["doi"].hyperlink.target == "https://www.isrctn.com/ISRCTN12345678"
    assert row["S3"]["doi"].hyperlink.target == "https://doi.org/10.2196/45678"
    notes = [c.value for c in openpyxl.load_workbook(path)["Instructions"]["A"]]
    assert (
        "Without a DOI, the 'doi' cell of a registration links to its page on the register."
        in notes
    )
