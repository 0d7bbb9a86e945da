"""A study's id at full text: its earliest round's report names it, so a study included in round 1
keeps its id when round 2 links a new report (a journal version) to it."""

from __future__ import annotations

from livingreview.fulltext.decide import FullTextOutcome, ReportDecision, group_studies
from livingreview.fulltext.studies import labels

PREPRINT, JOURNAL = "Sdfb31559d8", "S5518c4bee6"  # the round-2 report's id sorts first


def test_a_later_rounds_report_linked_to_a_study_keeps_the_studys_id() -> None:
    outcome = FullTextOutcome(
        reports=[
            ReportDecision(PREPRINT, 1, "include"),
            ReportDecision(JOURNAL, 2, "include"),
        ]
    )
    rows = {("r1", JOURNAL): {"same_study_as": PREPRINT}}
    group_studies(outcome, rows)
    assert {r.report_id: r.study_id for r in outcome.reports} == {
        PREPRINT: PREPRINT,
        JOURNAL: PREPRINT,
    }


def test_reports_of_one_round_are_named_by_the_smallest_id() -> None:
    outcome = FullTextOutcome(
        reports=[ReportDecision(PREPRINT, 1, "include"), ReportDecision(JOURNAL, 1, "include")]
    )
    group_studies(outcome, {("r1", PREPRINT): {"same_study_as": JOURNAL}})
    assert {r.study_id for r in outcome.reports} == {JOURNAL}


def test_an_included_study_is_cited_by_an_included_report_with_its_surname() -> None:
    """Round 1's conference abstract (excluded at full text) names the study; round 2's journal
    article, linked to it and included, is what the study is cited by."""
    from livingreview.fulltext.studies import first_author, included_rows

    outcome = FullTextOutcome(
        reports=[
            ReportDecision(PREPRINT, 1, "exclude", reason="publication_type"),
            ReportDecision(JOURNAL, 2, "include"),
        ]
    )
    group_studies(outcome, {("r1", JOURNAL): {"same_study_as": PREPRINT}})
    library = {
        PREPRINT: {"title": "Abstract", "authors": "Rossi G.; Bianchi L.", "year": "2023"},
        JOURNAL: {"title": "Article", "authors": "Rossi G.; Bianchi L.", "year": "2024"},
    }
    [row] = included_rows(outcome.reports, library)
    assert (row["study_id"], row["title"], row["year"]) == (PREPRINT, "Article", "2024")
    assert row["label"] == "Rossi 2024"
    assert [first_author(a) for a in ("Lee K.J.", "Park MJ; Roe R", "van der Berg, A.")] == [
        "Lee",
        "Park",
        "van der Berg",
    ]


def test_every_study_of_one_author_and_year_gets_its_own_label() -> None:
    # An organisation's reports of one year (e.g. WHO's): the 27th and later used to repeat
    # "2021a", and two robvis rows with one label cannot be read back.
    studies = {f"S{n:03d}": {"authors": "World Health Organization", "year": "2021"}
               for n in range(30)}  # fmt: skip
    named = labels(studies)
    assert len(set(named.values())) == 30
    assert [named[f"S{n:03d}"] for n in (0, 25, 26, 27, 29)] == [
        f"World Health Organization 2021{s}" for s in ("a", "z", "aa", "ab", "ad")
    ]


# Registrations as the importers read them (invented trials): the ICTRP's CSV (an ISRCTN trial
# and a EU Clinical Trials Register one, whose address holds its EudraCT number alone) and
# ClinicalTrials.gov's download; none names an author.
ICTRP_CSV = (
    "TrialID,Public title,Scientific title,Date registration3,Source Register,web address\n"
    "ISRCTN12345678,A chatbot to support mothers with postnatal depression,,20220512,ISRCTN,"
    "https://www.isrctn.com/ISRCTN12345678\n"
    "EUCTR2021-001234-56-DE,Alliance feedback in internet CBT for anxiety,,20211028,"
    "EU Clinical Trials Register,https://www.clinicaltrialsregister.eu/ctr-search/search"
    "?query=eudract_number:2021-001234-56\n"
)
CTGOV_CSV = (
    "NCT Number,Study Title,Study URL,Study Type,First Posted\n"
    "NCT05100006,Therapeutic Alliance With a Mental Health App,"
    "https://clinicaltrials.gov/study/NCT05100006,OBSERVATIONAL,2022-08-20\n"
)
CENTRAL_COPY = """Record #1 of 1
ID: CN-02300004
TI: Alliance feedback in internet CBT for anxiety
SO: https://trialsearch.who.int/Trial2.aspx?TrialID=EUCTR2021-001234-56-NL
YR: 2021
PT: Trial registry record
"""


def test_a_trial_known_by_its_registration_is_labelled_by_its_register_id(tmp_path) -> None:
    """Not 'Anonymous 2022a' and 'Anonymous 2022b': the report's table, the RIS notes and the
    BibTeX keys name such a study by its register id (or its register and year)."""
    from livingreview.dedup.merge import merged_row
    from livingreview.imports import import_file
    from livingreview.records import Record, assign_ids

    (tmp_path / "ictrp.csv").write_text(ICTRP_CSV, encoding="utf-8")
    (tmp_path / "ctg.csv").write_text(CTGOV_CSV, encoding="utf-8")
    isrctn, euctr = assign_ids("ictrp", import_file(tmp_path / "ictrp.csv", "ictrp").records)
    (nct,) = assign_ids("ctgov", import_file(tmp_path / "ctg.csv", "ctgov").records)
    (tmp_path / "central.txt").write_text(CENTRAL_COPY, encoding="utf-8")
    (copy,) = assign_ids("central", import_file(tmp_path / "central.txt", "central").records)
    article = Record(record_id="medline:1", authors=["Okafor, Chidi"], year="2022", title="Bond")
    records = {"S1": [isrctn], "S2": [euctr], "S3": [nct], "S4": [article], "S5": [copy, euctr]}
    rows = {sid: merged_row(sid, group) for sid, group in records.items()}
    assert labels(rows) == {
        "S1": "ISRCTN12345678",
        "S2": "EUCTR2021-001234-56",  # the ICTRP's id, without the country
        "S3": "NCT05100006",
        "S4": "Okafor 2022",
        # CENTRAL's copy is the study's record: its id and the register's address name no trial.
        "S5": "EU Clinical Trials Register 2021",
    }
