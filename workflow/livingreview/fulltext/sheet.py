"""The full-text sheet of one reviewer: one row per report sought, and checking returned rows.

A report is a library study included at title/abstract (``report_id`` = its study id, locked).
The reviewer records whether the full text was retrieved (``retrieval``: retrieved / not
retrieved, with ``retrieval_note`` saying why not), the eligibility ``decision`` (include /
exclude) with one primary exclusion ``reason`` from ``exclusion_reasons.full_text``, and, when
several reports describe one study, ``same_study_as``: the report id of another report of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from livingreview import sheets
from livingreview.errors import InputFileError
from livingreview.returned_checks import reasons_hint
from livingreview.reviewforms import ExpectedForm, FilledRow, FormSpec
from livingreview.screening.export import link_text, register_lines

KIND = "full-text"
SHEET = "Full text"
ID_COLUMN = "report_id"
WHAT = "full-text sheet"
RETRIEVAL = ("retrieved", "not retrieved")
DECISIONS = ("include", "exclude")
EDITABLE = ("retrieval", "retrieval_note", "decision", "reason", "same_study_as", "notes")
TEXTS = ("retrieval_note", "notes")  # free text: read with its line breaks
NOT_RETRIEVED = "not_retrieved"
# a report with a PubMed Central id has a free full text there: the pmcid cell links to it
PMC_ARTICLE = "https://pmc.ncbi.nlm.nih.gov/articles/"


def layout(reasons: Sequence[str]) -> sheets.SheetLayout:
    """Columns of the full-text sheet (reason dropdown from the protocol's full-text reasons)."""
    return sheets.SheetLayout(
        title=SHEET,
        columns=(
            sheets.Column("#", width=6),
            sheets.Column(ID_COLUMN, width=14, locked=True),
            sheets.Column("title", width=50, wrap=True),
            sheets.Column(
                "retrieval",
                width=14,
                editable=True,
                choices=RETRIEVAL,
                choices_hint="Choose retrieved or not retrieved (or leave blank).",
            ),
            sheets.Column("retrieval_note", width=24, wrap=True, editable=True),
            sheets.Column(
                "decision",
                width=12,
                editable=True,
                choices=DECISIONS,
                choices_hint="Choose include or exclude (or leave blank).",
            ),
            sheets.Column(
                "reason",
                width=26,
                editable=True,
                choices=tuple(reasons),
                choices_hint="Choose the primary exclusion reason (Instructions sheet).",
            ),
            sheets.Column("same_study_as", width=16, editable=True),
            sheets.Column("notes", width=28, wrap=True, editable=True),
            sheets.Column("authors", width=30, wrap=True),
            sheets.Column("year", width=7),
            sheets.Column("journal", width=24, wrap=True),
            sheets.Column("doi", width=24, link_prefix="https://doi.org/"),
            sheets.Column("pmcid", width=13, link_prefix=PMC_ARTICLE),
            sheets.Column("free_full_text", width=30, is_link=True),
        ),
        freeze="C2",
    )


def sheet_rows(reports: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """One row per report (library row with ``study_id``), in the order given."""
    return [
        {
            "#": str(number),
            ID_COLUMN: report["study_id"],
            "title": report.get("title", ""),
            "authors": report.get("authors", ""),
            "year": report.get("year", ""),
            "journal": report.get("journal", ""),
            "doi": link_text(report),
            "pmcid": report.get("pmcid", ""),
            "free_full_text": report.get("oa_url", ""),
        }
        for number, report in enumerate(reports, start=1)
    ]


def instructions(
    spec: FormSpec,
    count: int,
    reasons: Sequence[tuple[str, str]],
    folder: str,
    demo: bool,
    registrations: int = 0,
) -> list[str]:
    """The Instructions sheet (``registrations``: rows that are trial registrations)."""
    lines = [
        f"Full-text eligibility: review {spec.review_id}, round {spec.round}, reviewer "
        f"{spec.reviewer}, {count} report{'' if count == 1 else 's'}.",
        "",
        "Each row is a report included at title/abstract. For each one:",
        "1. 'retrieval': retrieved, or not retrieved (then say why in 'retrieval_note', e.g.",
        "   'no access; author did not reply', and leave decision blank). The 'doi' cell links",
        "   to the publisher; a 'pmcid' cell to the free full text in PubMed Central; a",
        "   'free_full_text' cell to an open-access copy a search source named (OpenAlex, Europe",
        "   PMC).",
        "2. 'decision': include or exclude, judged on the full text.",
        "3. For an exclusion, 'reason': the ONE primary reason (ids below; PRISMA lists them).",
        "4. When several reports describe one study, write in 'same_study_as' the report_id of",
        "   another report of that study (e.g. the main publication); PRISMA counts studies",
        "   and reports separately. A report you exclude as a duplicate (or superseded)",
        "   report: write in 'same_study_as' the report_id of the report it duplicates.",
        f"5. Save the file under a NEW name in '{folder}' (human-input folder), as .xlsx",
        "   (a .csv only if you were sent the .csv form: keep its first line).",
        "   Leave rows blank that you have not done yet; return the sheet partly done any time.",
        "The report_id column is locked; do not edit it or the hidden sheet '_meta'.",
        *register_lines(registrations, abstract=False),
        "",
        "Exclusion reasons (write the id):",
    ]
    lines += [f"  {rid}: {label}" for rid, label in reasons] or ["  (none configured)"]
    return (["DEMO DATA: illustrative records.", "", *lines]) if demo else lines


def _choice(value: str, allowed: Sequence[str]) -> str | None:
    folded = value.replace("_", " ").casefold()
    return next((a for a in allowed if a == folded), None)


def _reason_id(value: str, reasons: Mapping[str, str]) -> str | None:
    folded = value.casefold()
    for rid, label in reasons.items():
        if folded in (rid.casefold(), " ".join(label.split()).casefold()):
            return rid
    return None


def clean_row(
    filled: FilledRow, expected: ExpectedForm, reasons: Mapping[str, str], path: object
) -> dict[str, str]:
    """The row's values in canonical spelling, or an error naming row and field."""
    values = filled.values

    def fail(problem: str, field: str) -> InputFileError:
        return InputFileError(path, problem, position=f"row {filled.row}", field=field)

    out = _canonical(values, reasons, fail)
    _check_assessment(out, values, fail)
    if out["decision"] and not out["retrieval"]:
        out["retrieval"] = "retrieved"
    link = values["same_study_as"]
    if link and (link not in expected.known_ids or link == filled.item_id):
        raise fail(
            f"same_study_as {link!r} is not another report of this review; expected the "
            "report_id of another report of the same study, or blank",
            "same_study_as",
        )
    return out


# The error for one field of the row being read: fail(problem, field).
_Fail = Callable[[str, str], InputFileError]


def _canonical(
    values: Mapping[str, str], reasons: Mapping[str, str], fail: _Fail
) -> dict[str, str]:
    """``values`` with retrieval (``not_retrieved`` with an underscore), decision and reason id
    in canonical spelling; an unknown one is an error."""
    out = dict(values)
    retrieval = values["retrieval"]
    if retrieval:
        found = _choice(retrieval, RETRIEVAL)
        if found is None:
            raise fail(
                f"unknown retrieval {retrieval!r}; expected retrieved, not retrieved or blank",
                "retrieval",
            )
        out["retrieval"] = found.replace(" ", "_")
    decision = values["decision"]
    if decision:
        found = _choice(decision, DECISIONS)
        if found is None:
            raise fail(
                f"unknown decision {decision!r}; expected include, exclude or blank", "decision"
            )
        out["decision"] = found
    if values["reason"]:
        found = _reason_id(values["reason"], reasons)
        if found is None:
            raise fail(
                f"unknown reason {values['reason']!r}; expected one of "
                f"{', '.join(reasons) or '(no full-text reasons configured)'} or blank"
                + reasons_hint("full_text"),
                "reason",
            )
        out["reason"] = found
    return out


def _check_assessment(out: Mapping[str, str], values: Mapping[str, str], fail: _Fail) -> None:
    """Refuse retrieval, decision and reason (canonical in ``out``, as typed in ``values``)
    that do not go together: a report not retrieved assessed or without a note why, an
    exclusion without a reason, an inclusion with one, a reason without a decision."""
    if out["retrieval"] == NOT_RETRIEVED:
        if out["decision"] or out["reason"]:
            raise fail(
                "a report not retrieved cannot be assessed; expected decision and reason "
                "blank (or retrieval 'retrieved')",
                "decision",
            )
        if not values["retrieval_note"]:
            raise fail(
                "not retrieved without saying why; expected the reason in "
                "'retrieval_note' (e.g. no access, author did not reply)",
                "retrieval_note",
            )
    elif out["decision"] == "exclude" and not out["reason"]:
        raise fail("exclude without a reason; expected one primary exclusion reason", "reason")
    elif out["decision"] == "include" and out["reason"]:
        raise fail(
            f"include with the exclusion reason {out['reason']!r}; expected the reason "
            "blank (or decision 'exclude')",
            "reason",
        )
    elif out["reason"] and not out["decision"]:
        raise fail(
            f"reason {values['reason']!r} without a decision; expected 'exclude' in "
            "decision (or clear the reason)",
            "decision",
        )
