"""The PRISMA2020 package CSV and the livingPRISMAflow CSVs (real files in ../shared): read, check,
write back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.prisma.checks import PrismaCountsError, check_columns, cumulative_violations
from livingreview.prisma.interop import (
    parse_items,
    read_csv_columns,
    write_csv_columns,
)
from tests.conftest import require_shared
from tests.prisma.ledgers import consistent


def prisma_csv(name: str) -> Path:
    return require_shared(f"data/prisma/{name}.csv")


def test_template_csv_reads_with_placeholders_as_not_given() -> None:
    (column,) = read_csv_columns(prisma_csv("PRISMA2020_template_inst_extdata"))
    assert column.label == "n"
    assert column.n("database_results") == 0 and column.n("total_studies") == 0
    assert column.items("database_specific_results") is None  # "Database 1, xxx; …"
    assert column.items("dbr_excluded") is None
    check_columns([column])


def test_living_approach1_reads_one_column_per_round() -> None:
    columns = read_csv_columns(prisma_csv("livingPRISMAflow_approach1"))
    assert [c.label for c in columns][:2] == ["Jan.2020", "Feb.2020"] and len(columns) == 8
    jan, feb, aug = columns[0], columns[1], columns[7]
    assert jan.n("database_results") == 90 and jan.n("records_screened") == 90
    assert jan.items("dbr_excluded") == (("Population", 2), ("Intervention", 1))
    assert feb.items("dbr_excluded") == ()  # a bare 0
    assert feb.n("previous_studies") is None  # an empty cell
    # livingPRISMAflow leaves totals unreported as 0: beside 5 new studies that is "not given".
    assert jan.n("new_studies") == 5 and jan.n("total_studies") is None
    assert aug.items("dbr_excluded") == (("Intervention", 1),)
    check_columns(columns)


def test_approach2_is_the_sum_of_the_template_rounds() -> None:
    rounds = read_csv_columns(prisma_csv("livingPRISMAflow_template"))
    (combined,) = read_csv_columns(prisma_csv("livingPRISMAflow_approach2"))
    check_columns([combined])
    assert cumulative_violations(rounds, combined) == []


@pytest.mark.parametrize(
    ("name", "column", "relation", "numbers"),
    [
        (
            "livingPRISMAflow_approach3",
            "Updates",
            "reports included = Σ arms (reports assessed − Σ exclusion reasons)",
            ("[new_reports] 2", "[dbr_assessed] 2", "[dbr_excluded] 2", "= 1"),
        ),
        (
            "livingPRISMAflow_approach4",
            "Last update",
            "Σ exclusion reasons = reports assessed − reports included from that arm",
            ("[dbr_excluded] 2", "[dbr_assessed] 1", "leaves -1"),
        ),
    ],
)
def test_approach3_and_4_typo_is_rejected(
    name: str, column: str, relation: str, numbers: tuple[str, ...]
) -> None:
    columns = read_csv_columns(prisma_csv(name))
    with pytest.raises(PrismaCountsError) as caught:
        check_columns(columns, origin=name)
    (violation,) = caught.value.violations
    assert violation.column == column and violation.relation == relation
    assert all(n in violation.detail for n in numbers), violation.detail


def test_approach3_updates_differ_from_the_rounds_they_sum() -> None:
    rounds = read_csv_columns(prisma_csv("livingPRISMAflow_approach1"))
    _, updates = read_csv_columns(prisma_csv("livingPRISMAflow_approach3"))
    (violation,) = cumulative_violations(rounds[1:], updates)
    assert violation.boxes == ("dbr_excluded",)
    assert "'Intervention' 2, but Σ Feb.2020…Aug.2020 = 1" in violation.detail


@pytest.mark.parametrize("name", ["livingPRISMAflow_approach1", "PRISMA2020_template_inst_extdata"])
def test_write_then_read_gives_the_same_columns(name: str, tmp_path: Path) -> None:
    columns = read_csv_columns(prisma_csv(name))
    out = tmp_path / "out.csv"
    write_csv_columns(out, columns)
    again = read_csv_columns(out)
    assert [c.to_json()["counts"] for c in again] == [c.to_json()["counts"] for c in columns]
    assert [c.lists for c in again] == [c.lists for c in columns]
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("data,node,box,description,boxtext,tooltips,url,")


def test_lists_parse_like_the_r_package() -> None:
    assert parse_items("Wrong population, 12; Other,3") == (("Wrong population", 12), ("Other", 3))
    assert parse_items("Reason, with comma, 2") == (("Reason, with comma", 2),)
    assert parse_items("NA") is None and parse_items("0") == ()
    with pytest.raises(ValueError, match="not 'Label, n'"):
        parse_items("Population 2")


def test_a_bad_cell_names_file_row_and_column(tmp_path: Path) -> None:
    source = prisma_csv("livingPRISMAflow_approach2").read_text(encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text(source.replace('"Not design of interest, 2"', '"Design two"'), "utf-8")
    with pytest.raises(
        InputFileError,
        match=r"broken\.csv, row \d+ \(other_excluded\), field "
        r"'Base and updates': 'Design two' is not 'Label, n'",
    ):
        read_csv_columns(broken)


def test_removed_on_reassessment_round_trips_as_extra_rows(tmp_path: Path) -> None:
    """The rows this project adds hold what an update removed; no template key is part of
    them, so the R package (which finds rows by key) reads its own rows unchanged."""
    (column,) = read_csv_columns(prisma_csv("PRISMA2020_template_inst_extdata"))
    assert column.n("removed_studies") is None
    column.numbers.update(removed_studies=2, removed_reports=3)
    out = tmp_path / "out.csv"
    write_csv_columns(out, [column])
    (again,) = read_csv_columns(out)
    assert (again.n("removed_studies"), again.n("removed_reports")) == (2, 3)
    keys = [line.split(",", 1)[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert {"removed_studies", "removed_reports"} <= set(keys)
    template = {k for k in keys if not k.startswith("removed_")}
    assert not any(t in extra for t in template for extra in ("removed_studies", "removed_reports"))


def test_first_template_shape_with_xxx_left_in_unused_boxes(tmp_path: Path) -> None:
    """The package's first template (value column ``k``, no ``boxtext``) had ``xxx`` in every
    box; a review fills in its own and leaves the rest: those read as not given."""
    rows = {
        "previous_studies": "xxx",
        "database_results": "412",
        "register_results": "xxx",
        "duplicates": "37",
        "records_screened": "375",
        "records_excluded": "340",
        "dbr_sought_reports": "35",
        "dbr_notretrieved_reports": "3",
        "dbr_assessed": "32",
        "dbr_excluded": '"Wrong design, 20; Wrong population, 4"',
        "other_assessed": "xxx",
        "new_studies": "8",
        "new_reports": "8",
        "total_studies": "xxx",
    }
    lines = ["data,node,box,description,tooltips,url,k"]
    lines += [f"{key},NA,box1,{key},NA,NA,{value}" for key, value in rows.items()]
    lines.append("identification,node1,identification,Blue box,Blue box,identification.html,xxx")
    path = tmp_path / "first_template.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (column,) = read_csv_columns(path)
    assert column.label == "k" and column.n("database_results") == 412
    assert column.n("previous_studies") is None and column.n("register_results") is None
    assert column.n("total_studies") is None and column.n("new_studies") == 8
    check_columns([column])


def boxtexts(path: Path) -> dict[str, str]:
    """A PRISMA2020 CSV's ``boxtext`` (the words the R package draws before "(n = …)"), by key."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["data"]: row["boxtext"] for row in csv.DictReader(handle)}


def test_written_box_texts_are_the_template_words_the_r_package_draws(tmp_path: Path) -> None:
    """The R package draws each box from the ``boxtext`` column; the template's say "Reports
    sought for retrieval" in both arms (the arm is the column the box is in), not "Reports sought
    for retrieval (databases and registers)", as our CSV used to."""
    template = boxtexts(prisma_csv("PRISMA2020_template_inst_extdata"))
    out = tmp_path / "ledger.csv"
    write_csv_columns(out, [consistent("n", previous=3)])
    written = boxtexts(out)
    own = {
        # PRISMA 2020's words (Page et al. 2021), where the package's template shortens them.
        "duplicates": "Duplicate records removed",
        # Lists the R package reads for their numbers (and names "Specific Databases").
        "database_specific_results": "Records identified from each database",
        "register_specific_results": "Records identified from each register",
    }
    for key, text in written.items():
        if key in template:
            assert text == own.get(key, template[key]), key
    assert written["dbr_sought_reports"] == "Reports sought for retrieval"
    assert written["other_assessed"] == "Reports assessed for eligibility"
    # A first version (no previous version): the new-review template's words, as drawn.
    write_csv_columns(out, [consistent("n")])
    written = boxtexts(out)
    assert (written["new_studies"], written["new_reports"]) == (
        "Studies included in review",
        "Reports of included studies",
    )
