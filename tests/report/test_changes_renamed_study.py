"""A journal version found in round 2 and linked at full text to the preprint a first version
included: the full-text step may name the study after the new report, but the study is the
same one (the PRISMA ledger counts no new and no removed study), so the changelog lists a new
report of it, not a study included and the preprint's study removed."""

from __future__ import annotations

from livingreview.report.changes import Facts, State, compare

PREPRINT, JOURNAL, OTHER = "Sdfb31559d8", "S5518c4bee6", "S9a4065fa6b"


def _included(label: str = "Rossi 2023", **studies: str) -> dict[str, dict[str, str]]:
    return {study: {"label": label, "reports": reports} for study, reports in studies.items()}


def _facts() -> Facts:
    decisions = {
        PREPRINT: {"report_id": PREPRINT, "study_id": JOURNAL, "round": "1", "decision": "include"},
        JOURNAL: {"report_id": JOURNAL, "study_id": JOURNAL, "round": "2", "decision": "include"},
    }
    return Facts("2025.2", 1, decisions, [], {})


def test_a_study_named_after_its_new_report_is_a_new_report_not_a_new_study() -> None:
    before = State(included=_included(**{PREPRINT: PREPRINT, OTHER: OTHER}))
    now = State(included=_included(**{JOURNAL: f"{JOURNAL}; {PREPRINT}", OTHER: OTHER}))
    rows = compare(before, now, _facts())
    assert [(r["change"], r["study_id"], r["item"]) for r in rows] == [
        ("report_added", JOURNAL, JOURNAL)
    ]
    assert rows[0]["detail"] == (
        f"full-text report linked to the study; the study was {PREPRINT} in the previous version"
    )


def test_a_second_earlier_study_joined_to_it_is_still_removed() -> None:
    before = State(included=_included(**{PREPRINT: PREPRINT, OTHER: OTHER}))
    now = State(included=_included(**{JOURNAL: f"{JOURNAL}; {OTHER}; {PREPRINT}"}))
    rows = compare(before, now, _facts())
    assert [(r["change"], r["study_id"]) for r in rows] == [
        ("study_removed", PREPRINT),
        ("report_added", JOURNAL),
        ("report_added", JOURNAL),
    ]
    assert {r["item"] for r in rows[1:]} == {JOURNAL, PREPRINT}


def test_a_study_cited_by_its_new_journal_article_says_its_label_before() -> None:
    """Version 1 cited the trial by its registration ('NCT05100006'); version 2's journal
    article, a report of the same study, is what it is cited by now ('Okafor 2023'). The row is
    a new report of that study, and it says the label changed, so that the new label does not
    read as another study."""
    registration, article = "S2becbdc179", "Sf13c7fdfc2"
    before = State(included=_included("NCT05100006", **{registration: registration}))
    now = State(included=_included("Okafor 2023", **{registration: f"{registration}; {article}"}))
    facts = Facts("2025.2", 1, {}, [], {})
    rows = compare(before, now, facts)
    assert [(r["change"], r["study_id"], r["label"], r["item"]) for r in rows] == [
        ("report_added", registration, "Okafor 2023", article)
    ]
    assert rows[0]["detail"] == (
        "full-text report linked to the study; cited as Okafor 2023 now, as NCT05100006 in the "
        "previous version"
    )
