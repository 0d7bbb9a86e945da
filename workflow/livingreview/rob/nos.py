"""Newcastle-Ottawa Scale (Wells et al., OHRI): stars per item → category totals → rating.

Three versions: cohort and case-control (9 stars: Selection 4, Comparability 2, Outcome or
Exposure 3) and the cross-sectional adaptation (Herzog et al., BMC Public Health 2013;13:154:
10 stars, Selection 5, Comparability 2, Outcome 3), whose maximum varies between reviews and is
therefore configurable (``risk_of_bias.nos_cross_sectional``). Every item has its own maximum
(one star, two for Comparability and for some cross-sectional items); more is an error.

Ratings: cohort and case-control convert to AHRQ good/fair/poor from the category totals;
the cross-sectional adaptation uses bands of the total (Herzog: very good 9–10, good 7–8,
satisfactory 5–6, unsatisfactory 0–4).

A form row holds ``study``, optional ``reviewer``, ``version`` (cohort, case-control,
cross-sectional) and one cell per item (``s1`` … ``c1`` … ``o1``/``e1`` …) with a number of stars
(``0``, ``1``, ``2`` or the stars themselves, ``*``/``**``).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livingreview.errors import ConfigError, InputFileError
from livingreview.rob.levels import Risk, worst_domain
from livingreview.rob.rows import Row, RowPlace, cell, study_of
from livingreview.rob.tables import RobTable, StudyRow
from livingreview.rob.tools import Domain, Tool


@dataclass(frozen=True)
class Item:
    """One NOS item: its form column, category, name and most stars it can earn."""

    key: str
    category: str
    name: str
    max_stars: int


@dataclass(frozen=True)
class Band:
    """A rating given to totals from ``minimum`` upwards (to the next band)."""

    minimum: int
    label: str


@dataclass(frozen=True)
class Scale:
    """One version of the NOS: its items and how totals convert to a rating."""

    version: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()  # empty: AHRQ conversion from category totals

    @property
    def categories(self) -> tuple[str, ...]:
        """Category names in form order."""
        return tuple(dict.fromkeys(item.category for item in self.items))

    def category_max(self, category: str) -> int:
        """Most stars a category can earn."""
        return sum(item.max_stars for item in self.items if item.category == category)

    @property
    def max_stars(self) -> int:
        """Most stars in total."""
        return sum(item.max_stars for item in self.items)

    @property
    def scheme(self) -> str:
        """Name of the rating scheme."""
        return "bands" if self.bands else "AHRQ"


def _items(rows: Sequence[tuple[str, str, str, int]]) -> tuple[Item, ...]:
    return tuple(Item(*row) for row in rows)


COHORT = Scale(
    "cohort",
    _items(
        (
            ("s1", "Selection", "Representativeness of the exposed cohort", 1),
            ("s2", "Selection", "Selection of the non-exposed cohort", 1),
            ("s3", "Selection", "Ascertainment of exposure", 1),
            ("s4", "Selection", "Outcome of interest not present at start of study", 1),
            ("c1", "Comparability", "Comparability of cohorts (design or analysis)", 2),
            ("o1", "Outcome", "Assessment of outcome", 1),
            ("o2", "Outcome", "Follow-up long enough for outcomes to occur", 1),
            ("o3", "Outcome", "Adequacy of follow-up of cohorts", 1),
        )
    ),
)
CASE_CONTROL = Scale(
    "case-control",
    _items(
        (
            ("s1", "Selection", "Adequate case definition", 1),
            ("s2", "Selection", "Representativeness of the cases", 1),
            ("s3", "Selection", "Selection of controls", 1),
            ("s4", "Selection", "Definition of controls", 1),
            ("c1", "Comparability", "Comparability of cases and controls (design or analysis)", 2),
            ("e1", "Exposure", "Ascertainment of exposure", 1),
            ("e2", "Exposure", "Same method of ascertainment for cases and controls", 1),
            ("e3", "Exposure", "Non-response rate", 1),
        )
    ),
)
CROSS_SECTIONAL_ITEMS = _items(
    (
        ("s1", "Selection", "Representativeness of the sample", 1),
        ("s2", "Selection", "Sample size", 1),
        ("s3", "Selection", "Non-respondents", 1),
        ("s4", "Selection", "Ascertainment of the exposure (risk factor)", 2),
        ("c1", "Comparability", "Comparability of outcome groups (confounding controlled)", 2),
        ("o1", "Outcome", "Assessment of the outcome", 2),
        ("o2", "Outcome", "Statistical test", 1),
    )
)
HERZOG_BANDS = (
    Band(9, "Very good"),
    Band(7, "Good"),
    Band(5, "Satisfactory"),
    Band(0, "Unsatisfactory"),
)
VERSIONS = ("cohort", "case-control", "cross-sectional")

#: AHRQ conversion: rating → allowed (Selection, Comparability, Outcome/Exposure) totals;
#: a study meeting neither row is Poor.
AHRQ = (
    ("Good", (range(3, 5), range(1, 3), range(2, 4))),
    ("Fair", (range(2, 3), range(1, 3), range(2, 4))),
)
AHRQ_POOR = "Poor"


def ahrq_rating(selection: int, comparability: int, outcome: int) -> str:
    """AHRQ good/fair/poor from the three category totals of a cohort or case-control NOS."""
    for rating, (sel, comp, out) in AHRQ:
        if selection in sel and comparability in comp and outcome in out:
            return rating
    return AHRQ_POOR


def band_rating(total: int, bands: Sequence[Band]) -> str:
    """The label of the highest band whose minimum the total reaches."""
    return next(
        band.label for band in sorted(bands, key=lambda b: -b.minimum) if total >= band.minimum
    )


def cross_sectional_scale(settings: Mapping[str, Any] | None = None) -> Scale:
    """The cross-sectional adaptation as configured (``risk_of_bias.nos_cross_sectional``).

    Defaults: Herzog's 10 stars and bands. ``item_max`` changes single items' maxima, which must
    add up to ``max_stars``; a maximum other than 10 needs its own ``bands``.
    """
    settings = settings or {}
    key = "risk_of_bias.nos_cross_sectional"
    overrides = dict(settings.get("item_max") or {})
    unknown = sorted(set(overrides) - {item.key for item in CROSS_SECTIONAL_ITEMS})
    if unknown:
        raise ConfigError(f"config key '{key}.item_max': unknown item(s) {', '.join(unknown)}")
    items = tuple(
        Item(i.key, i.category, i.name, int(overrides.get(i.key, i.max_stars)))
        for i in CROSS_SECTIONAL_ITEMS
    )
    maximum = int(settings.get("max_stars", 10))
    total = sum(i.max_stars for i in items)
    if total != maximum:
        raise ConfigError(
            f"config key '{key}': the item maxima add up to {total}, not max_stars {maximum}; "
            "set item_max for the items your adaptation scores differently"
        )
    raw_bands = settings.get("bands")
    if raw_bands:
        bands = tuple(Band(int(b["min"]), str(b["label"])) for b in raw_bands)
    elif maximum == 10:
        bands = HERZOG_BANDS
    else:
        raise ConfigError(
            f"config key '{key}.bands': required when max_stars is {maximum} (not Herzog's 10)"
        )
    if min(b.minimum for b in bands) != 0 or max(b.minimum for b in bands) > maximum:
        raise ConfigError(
            f"config key '{key}.bands': the lowest band must start at 0 and all within 0–{maximum}"
        )
    _check_bands_apart(bands, f"{key}.bands")
    return Scale("cross-sectional", items, bands)


def _check_bands_apart(bands: Sequence[Band], key: str) -> None:
    """No two bands start at one total or share a label: the later of two starting alike would
    never be any study's rating, and two ratings alike could not be told apart."""
    for index, band in enumerate(bands):
        for first, other in enumerate(bands[:index]):
            if band.minimum == other.minimum or band.label == other.label:
                alike = band.minimum == other.minimum
                what = f"min {band.minimum}" if alike else f"label {band.label!r}"
                raise ConfigError(
                    f"config key '{key}[{index}]': {what} is also that of {key}[{first}]; each "
                    "band starts at a total of its own, with a label of its own"
                )


def scale_for(version: str, settings: Mapping[str, Any] | None = None) -> Scale:
    """The scale of a NOS version; ``settings`` configure the cross-sectional one."""
    if version == "cross-sectional":
        return cross_sectional_scale(settings)
    return {"cohort": COHORT, "case-control": CASE_CONTROL}[version]


@dataclass(frozen=True)
class Assessment:
    """A NOS assessment of one study by one reviewer (or the consensus)."""

    tool: str
    study: str
    reviewer: str
    version: str
    stars: tuple[tuple[str, int], ...]
    totals: tuple[tuple[str, int], ...]  # category → stars
    total: int
    max_stars: int
    rating: str
    scheme: str  # "AHRQ" or "bands"


def parse_stars(text: str, item: Item, place: RowPlace) -> int:
    """Stars of one item: a whole number or ``*`` repeated; more than the item's maximum fails."""
    value = text.strip()
    if value and set(value) == {"*"}:
        stars = len(value)
    elif value.isdigit():
        stars = int(value)
    elif value.endswith(".0") and value[:-2].isdigit():  # spreadsheets turn 1 into 1.0
        stars = int(value[:-2])
    else:
        raise place.error(
            f"NOS item {item.key} ({item.name}): {text!r} is not a number of stars"
            f" (0–{item.max_stars}, or '*' per star)"
            if value
            else f"NOS item {item.key} ({item.name}) has no stars entered (write 0 for none)",
            item.key,
        )
    if stars > item.max_stars:
        raise place.error(
            f"NOS item {item.key} ({item.name}) has {stars} stars; at most {item.max_stars}",
            item.key,
        )
    return stars


def score(stars: Mapping[str, int], scale: Scale) -> tuple[dict[str, int], str]:
    """Category totals and rating of validated stars."""
    totals = {
        category: sum(stars[i.key] for i in scale.items if i.category == category)
        for category in scale.categories
    }
    if scale.bands:
        return totals, band_rating(sum(totals.values()), scale.bands)
    return totals, ahrq_rating(*totals.values())


def assess(
    row: Row,
    place: RowPlace | None = None,
    *,
    version: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Assessment:
    """One NOS assessment from a plain form row; ``version`` overrides the row's column."""
    place = place or RowPlace()
    study = study_of(row, place)
    place = place.at_study(study)
    version = (version or cell(row, "version")).lower()
    if version not in VERSIONS:
        raise place.error(f"NOS version {version!r} is not one of {', '.join(VERSIONS)}", "version")
    scale = scale_for(version, settings)
    stars = {item.key: parse_stars(cell(row, item.key), item, place) for item in scale.items}
    totals, rating = score(stars, scale)
    return Assessment(
        "nos",
        study,
        cell(row, "reviewer"),
        version,
        tuple(stars.items()),
        tuple(totals.items()),
        sum(totals.values()),
        scale.max_stars,
        rating,
        scale.scheme,
    )


#: critiplot's NOS column → our cohort item; its two comparability columns are the two stars.
CRITIPLOT_COLUMNS = {
    "Representativeness": "s1",
    "Non-exposed Selection": "s2",
    "Exposure Ascertainment": "s3",
    "Outcome Absent at Start": "s4",
    "Comparability (Age/Gender)": "c1",
    "Comparability (Other)": "c1",
    "Outcome Assessment": "o1",
    "Follow-up Length": "o2",
    "Follow-up Adequacy": "o3",
}


@dataclass(frozen=True)
class CritiplotRow:
    """One study of a critiplot NOS table: our assessment and what the file itself stated."""

    assessment: Assessment
    stated_total: int
    stated_rating: str  # critiplot's own Low/Moderate/High, kept for the record


def read_critiplot_nos(path: Path) -> list[CritiplotRow]:
    """Read a critiplot-format NOS table (cohort version) and check its Total Score column
    (UTF-8 with or without BOM, or a spreadsheet's cp1252 or UTF-16, ``,``, ``;`` or tab
    separated, as robvis tables); blank rows are skipped, a study named twice is refused."""
    from livingreview.imports.tabular import csv_source
    from livingreview.sheets.csv_encoding import decode_csv

    if not path.is_file():
        raise InputFileError(path, "NOS table not found")
    buffer, delimiter = csv_source(decode_csv(path))
    reader = csv.DictReader(buffer, delimiter=delimiter)
    header = reader.fieldnames or []
    missing = [c for c in (*CRITIPLOT_COLUMNS, "Total Score") if c not in header]
    if missing or not header:
        raise InputFileError(path, f"not a critiplot NOS table: missing {', '.join(missing)}")
    out: list[CritiplotRow] = []
    seen: dict[str, int] = {}
    for raw in reader:
        if not any(value.strip() for value in raw.values() if isinstance(value, str)):
            continue
        place = RowPlace(str(path), f"line {reader.line_num}")
        row = _critiplot_row(raw, header[0], place)
        study = row.assessment.study
        if study in seen:
            raise place.error(f"study {study!r} also on line {seen[study]}", header[0])
        seen[study] = reader.line_num
        out.append(row)
    return out


def _critiplot_row(raw: Mapping[str, str], study_column: str, place: RowPlace) -> CritiplotRow:
    """One study of a critiplot NOS table, its Total Score checked against the items."""
    study = cell(raw, study_column)
    row: dict[str, object] = {"study": study, "version": "cohort"}
    sub_place = place.at_study(study or "?")
    for column, key in CRITIPLOT_COLUMNS.items():
        one = parse_stars(cell(raw, column), Item(key, "", column, 1), sub_place)
        row[key] = int(str(row.get(key, 0))) + one
    assessment = assess(row, place)
    stated = cell(raw, "Total Score")
    if not stated.isdigit() or int(stated) != assessment.total:
        raise sub_place.error(
            f"Total Score {stated!r} differs from the items' sum {assessment.total}",
            "Total Score",
        )
    return CritiplotRow(assessment, int(stated), cell(raw, "Overall RoB"))


AHRQ_CLASSES = {"Good": Risk.LOW, "Fair": Risk.CONCERNS, AHRQ_POOR: Risk.HIGH}
AHRQ_DOMAINS = (
    Domain("D1", "Selection"),
    Domain("D2", "Comparability"),
    Domain("D3", "Outcome (cohort) / Exposure (case-control)"),
)
#: the AHRQ conversion as a robvis-style tool: categories as domains, the worst is the rating
AHRQ_TOOL = Tool(
    "nos",
    "NOS",
    "Newcastle-Ottawa Scale, AHRQ good/fair/poor",
    AHRQ_DOMAINS,
    {Risk.HIGH: AHRQ_POOR, Risk.CONCERNS: "Fair", Risk.LOW: "Good"},
    worst_domain,
)
#: every version's item columns, in form order
ITEM_KEYS = tuple(
    dict.fromkeys(i.key for s in (COHORT, CASE_CONTROL, cross_sectional_scale()) for i in s.items)
)
#: columns of a NOS table (``rob/nos.csv``, and the table ``rob plot --tool nos`` checks)
TABLE_COLUMNS = (
    "Study",
    "study_id",
    "version",
    *ITEM_KEYS,
    "Selection",
    "Comparability",
    "Outcome",
    "Exposure",
    "total",
    "max_stars",
    "rating",
    "scheme",
)


def table_row(assessment: Assessment, label: str, study_id: str = "") -> dict[str, str]:
    """A row of a NOS table: stars per item, category totals, total and rating."""
    return {
        "Study": label,
        "study_id": study_id,
        "version": assessment.version,
        **{k: str(v) for k, v in assessment.stars},
        **{k: str(v) for k, v in assessment.totals},
        "total": str(assessment.total),
        "max_stars": str(assessment.max_stars),
        "rating": assessment.rating,
        "scheme": assessment.scheme,
    }


def category_ratings(selection: int, comparability: int, outcome: int) -> tuple[str, str, str]:
    """Each category's own AHRQ level: the best rating whose range holds its total.

    The worst of the three is the study's AHRQ rating (Selection alone can be Fair).
    """
    totals = (selection, comparability, outcome)
    return tuple(  # type: ignore[return-value]
        next((rating for rating, ranges in AHRQ if totals[k] in ranges[k]), AHRQ_POOR)
        for k in range(3)
    )


def ahrq_table(assessments: Sequence[Assessment]) -> RobTable:
    """Cohort and case-control assessments as a robvis-style table for plotting.

    Domains are the three categories rated Good/Fair/Poor by the AHRQ thresholds; Overall is
    the study's AHRQ rating. Cross-sectional ratings are bands of the total, not per category,
    so they have no such table.
    """
    rows = []
    for number, assessment in enumerate(assessments, start=1):
        if assessment.scheme != "AHRQ":
            raise ValueError(f"{assessment.study}: {assessment.version} NOS has no AHRQ rating")
        levels = category_ratings(*(total for _, total in assessment.totals))
        rows.append(
            StudyRow(
                assessment.study,
                tuple(AHRQ_CLASSES[level] for level in levels),
                AHRQ_CLASSES[assessment.rating],
                None,
                number,
            )
        )
    return RobTable(AHRQ_TOOL, AHRQ_DOMAINS, tuple(rows), True, "nos")
