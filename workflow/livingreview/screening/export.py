"""The title/abstract screening sheet of one reviewer and round: rows, layout, instructions.

One row per study (``study_id`` from the library, locked), with its title, abstract, authors,
year, journal, DOI link and sources (a trial registration without a DOI: the link to its page on
the register, and the conditions and interventions the register gives after its abstract); a
sheet that also lists studies of earlier rounds still awaiting the reviewer has a locked
``round`` column giving the round each study is new in;
``decision`` (include / exclude / maybe), ``reason`` (an exclusion reason id from the protocol)
and ``notes`` are for the reviewer. Rows come in the order given (most likely relevant first) with
their ``score``. In blind mode nothing on the sheet shows another reviewer's decision; otherwise
``other_decisions`` lists them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from livingreview import sheets
from livingreview.dedup.normalise import is_registration
from livingreview.records import split_list
from livingreview.screening.decisions import DECISIONS

KIND = "screening"
SHEET = "Screening"
ID_COLUMN = "study_id"
META_KEYS = ("kind", "review_id", "stage", "round", "batch", "reviewer")


@dataclass(frozen=True)
class SheetSpec:
    """Which sheet this is: the metadata the import checks."""

    review_id: str
    stage: str
    round: int
    batch: int
    reviewer: str
    reviewer_name: str = ""

    def meta(self) -> list[tuple[str, str]]:
        """The ``_meta`` key/value rows (before the record count and checksum)."""
        return [
            ("kind", KIND),
            ("review_id", self.review_id),
            ("stage", self.stage),
            ("round", str(self.round)),
            ("batch", str(self.batch)),
            ("reviewer", self.reviewer),
        ]

    def stem(self) -> str:
        """The file name without extension, e.g. ``title_abstract_round1_r1``."""
        batch = f"_batch{self.batch}" if self.batch > 1 else ""
        return f"{self.stage}_round{self.round}{batch}_{self.reviewer}"


def layout(
    reasons: Sequence[str],
    include_keywords: Sequence[str] = (),
    exclude_keywords: Sequence[str] = (),
    *,
    blind: bool = True,
    rounds: bool = False,
) -> sheets.SheetLayout:
    """The screening sheet's columns (reason dropdown from the protocol's reason ids; with
    ``rounds`` the round each study is new in)."""
    columns = [
        sheets.Column("#", width=6),
        sheets.Column(ID_COLUMN, width=14, locked=True),
        *([sheets.Column("round", width=7, locked=True)] if rounds else []),
        sheets.Column("title", width=45, wrap=True, highlight=True),
        sheets.Column("abstract", width=90, wrap=True, highlight=True),
        sheets.Column(
            "decision",
            width=12,
            editable=True,
            choices=DECISIONS,
            choices_hint="Choose include, exclude or maybe (or leave blank).",
        ),
        sheets.Column(
            "reason",
            width=22,
            editable=True,
            choices=tuple(reasons),
            choices_hint="Choose an exclusion reason from the Instructions sheet (or leave blank).",
        ),
        sheets.Column("notes", width=28, wrap=True, editable=True),
    ]
    if not blind:
        columns.append(sheets.Column("other_decisions", width=20, wrap=True))
    columns += [
        sheets.Column("authors", width=30, wrap=True),
        sheets.Column("year", width=7),
        sheets.Column("journal", width=24, wrap=True),
        sheets.Column("doi", width=24, link_prefix="https://doi.org/"),
        sheets.Column("sources", width=18, wrap=True),
        sheets.Column("score", width=8),
    ]
    return sheets.SheetLayout(
        title=SHEET,
        columns=tuple(columns),
        freeze="C2",
        include_keywords=tuple(include_keywords),
        exclude_keywords=tuple(exclude_keywords),
    )


def sheet_rows(
    studies: Sequence[Mapping[str, str]],
    scores: Mapping[str, float] | None = None,
    others: Mapping[str, str] | None = None,
    rounds: Mapping[str, int] | None = None,
    notes: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """One row per study, in the order given; ``others`` = other reviewers' decisions shown,
    ``rounds`` = the round each study is new in, ``notes`` = the reviewer's notes on studies
    they left undecided in a returned sheet."""
    rows = []
    for number, study in enumerate(studies, start=1):
        sid = study["study_id"]
        score = (scores or {}).get(sid)
        rows.append(
            {
                "#": str(number),
                ID_COLUMN: sid,
                "round": str((rounds or {}).get(sid, "")),
                "title": study.get("title", ""),
                "abstract": abstract_text(study),
                "decision": "",
                "reason": "",
                "notes": (notes or {}).get(sid, ""),
                "other_decisions": (others or {}).get(sid, ""),
                "authors": study.get("authors", ""),
                "year": study.get("year", ""),
                "journal": study.get("journal", ""),
                "doi": link_text(study),
                "sources": study.get("sources", ""),
                "score": "" if score is None else f"{score:.3f}",
            }
        )
    return rows


#: What the abstract cell of a trial registration adds: the register's terms (the importers keep a
#: register's conditions and interventions as the record's keywords).
REGISTER_TERMS = "Conditions and interventions (trial register): "


def is_register_record(study: Mapping[str, str]) -> bool:
    """Whether a library row is a trial register's record (a registration, not an article)."""
    return is_registration(split_list(study.get("publication_types", "")), study.get("journal", ""))


def link_text(study: Mapping[str, str]) -> str:
    """The ``doi`` cell: the DOI (linked to doi.org); a trial registration without one: its
    address on the register (linked to it), so that it can be opened from the sheet."""
    doi = study.get("doi", "")
    url = study.get("url", "")
    if doi or not sheets.web_address(url) or not is_register_record(study):
        return doi
    return url


def abstract_text(study: Mapping[str, str]) -> str:
    """The ``abstract`` cell: the abstract; a trial registration's also lists the conditions and
    interventions its register gives (the whole of what it has to screen when it has no
    abstract)."""
    abstract = study.get("abstract", "")
    terms = "; ".join(split_list(study.get("keywords", "")))
    if not terms or not is_register_record(study):
        return abstract
    return f"{abstract}\n\n{REGISTER_TERMS}{terms}" if abstract else REGISTER_TERMS + terms


def register_lines(count: int, *, abstract: bool = True) -> list[str]:
    """Instructions on the rows of trial registrations, when a sheet lists ``count`` of them
    (``abstract``: the sheet shows the abstract cell)."""
    if not count:
        return []
    rows = (
        "1 row is a trial registration" if count == 1 else f"{count} rows are trial registrations"
    )
    lines = [
        "",
        f"{rows} (a register's record: no authors, often no abstract).",
        "Without a DOI, the 'doi' cell of a registration links to its page on the register.",
    ]
    if abstract:
        lines.append("Its abstract cell lists the conditions and interventions the register gives.")
    return lines


def instructions(
    spec: SheetSpec,
    count: int,
    reasons: Sequence[tuple[str, str]],
    *,
    folder: str,
    blind: bool,
    demo: bool,
    earlier: int = 0,
    decided: int = 0,
    registrations: int = 0,
    sample: tuple[float, str] | None = None,
) -> list[str]:
    """The Instructions sheet, one line per row (``earlier``: studies of earlier rounds listed;
    ``decided``: studies of this round the reviewer decided already, not listed;
    ``registrations``: rows that are trial registrations; ``sample``: the verification
    sample's fraction and the single screener's name, on the verifier's sheet)."""
    who = f"{spec.reviewer} ({spec.reviewer_name})" if spec.reviewer_name else spec.reviewer
    lines = [
        f"Title/abstract screening: review {spec.review_id}, round {spec.round}, "
        f"batch {spec.batch}, reviewer {who}, {_studies(count)}.",
        *_progress(count, decided),
        *_sample_lines(sample),
        "",
        "Each row of the sheet 'Screening' is one study (its records from all databases merged).",
        "Rows are ordered with the studies most likely to be relevant first (column 'score').",
        *(
            [
                f"{earlier} of them {'is' if earlier == 1 else 'are'} from earlier rounds and "
                "still await your decision (column 'round').",
            ]
            if earlier
            else []
        ),
        "",
        "1. Read the title and abstract. Words from the protocol are in bold: green for",
        "   inclusion keywords, red for exclusion keywords.",
        "2. In 'decision' choose include, exclude or maybe (maybe = decide at full text).",
        "   Leave it blank for studies you have not screened yet: you can return the sheet",
        "   partly done and finish later.",
        "3. For an exclusion, choose a reason id in 'reason' (list below). Notes are optional.",
        f"4. Save the file under a NEW name in the folder '{folder}',",
        "   as .xlsx (a .csv only if you were sent the .csv sheet: keep its first line). Never",
        "   overwrite a file you returned before: every file there is read on every run, and a",
        "   later file with a new decision for a study supersedes the earlier one, which stays",
        "   in the log.",
        "",
        "The study_id column is locked; do not edit it or the hidden sheet '_meta'. You may",
        "filter rows, widen columns and add columns of your own.",
        *register_lines(registrations),
    ]
    if blind:
        lines.append("Screening is blind: you do not see the other reviewer's decisions.")
    lines += ["", "Exclusion reasons (write the id):"]
    lines += [f"  {rid}: {label}" for rid, label in reasons] or ["  (none configured)"]
    if demo:
        lines = ["DEMO DATA: illustrative records, not a real search.", "", *lines]
    return lines


def _sample_lines(sample: tuple[float, str] | None) -> list[str]:
    """Why a verifier's sheet lists only some studies (single screening's verified sample)."""
    if sample is None:
        return []
    fraction, screener = sample
    return [
        f"You verify single screening: {screener} screens every study, and your sheets list a",
        f"{fraction * 100:g}% sample of them drawn at random"
        " (verification_sample in the protocol).",
    ]


def _studies(count: int) -> str:
    return f"{count} stud{'y' if count == 1 else 'ies'}"


def _progress(count: int, decided: int) -> list[str]:
    """Lines on what the reviewer decided already and what an empty sheet means."""
    lines = []
    if decided:
        lines += [
            f"You have decided {_studies(decided)} on this round's sheets already. They are not",
            "listed again: to change a decision, open the file you returned, change the row and",
            "save it under a new name (step 4).",
        ]
    if not count:
        lines.append("No study awaits your decision: there is nothing left to screen.")
    return lines


def write_sheet(
    folder: Path,
    spec: SheetSpec,
    rows: Sequence[Mapping[str, str]],
    sheet_layout: sheets.SheetLayout,
    lines: Sequence[str],
    *,
    formats: Sequence[str] = ("xlsx",),
) -> list[Path]:
    """Write the sheet as ``<stem>.xlsx`` and/or ``<stem>.csv`` in ``folder``; the paths."""
    ids = [(row[ID_COLUMN],) for row in rows]
    return sheets.write_sheet_files(
        folder,
        spec.stem(),
        sheet_layout,
        rows,
        meta=[*spec.meta(), ("records", str(len(ids)))],
        ids=ids,
        instructions=lines,
        formats=formats,
    )
