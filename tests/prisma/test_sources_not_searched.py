"""A database a version did not search reads "not searched" in that version's column.

Each round's ledger lists the databases it searched, one that found nothing with 0. On a scratch
run of the demo and two later rounds that turned MEDLINE and OpenAlex off (version 2025.2) and
searched only Europe PMC in version 2025.3, every later column of the diagrams and of the
report's counts table read "MEDLINE (n = 0)" / "0": literally true, but it reads as searched and
nothing found. The columns below are those rounds' identification boxes as the ledger kept them.
"""

from __future__ import annotations

from livingreview.prisma.diagram import build_flow
from livingreview.prisma.layouts import view
from livingreview.prisma.ledger import Column
from livingreview.prisma.render import to_svg
from livingreview.report import checklist
from livingreview.report.context import flow_rows
from tests.prisma.ledgers import identified_only
from tests.prisma.svg_helpers import parse_svg

ROUNDS = {  # version: (records, duplicates, automation, databases searched)
    "2025.1": (
        384,
        231,
        2,
        (
            ("MEDLINE", 52),
            ("Europe PMC", 44),
            ("OpenAlex", 85),
            ("Web of Science Core Collection", 70),
            ("APA PsycInfo", 62),
            ("Google Scholar", 71),
        ),
    ),
    "2025.2": (13, 7, 1, (("Europe PMC", 7), ("Web of Science Core Collection", 6))),
    "2025.3": (4, 3, 0, (("Europe PMC", 4), ("OpenAlex", 0))),
}


def rounds() -> list[Column]:
    columns = []
    for version, (records, duplicates, automatic, databases) in ROUNDS.items():
        column = identified_only(version, records, duplicates, automatic)
        column.lists["database_specific_results"] = databases
        column.lists["register_specific_results"] = ()
        columns.append(column)
    return columns


def shown(columns: list[Column]) -> dict[tuple[str, str], str]:
    boxes, _ = parse_svg(to_svg(build_flow(columns)))
    return {
        (key.removeprefix("database_specific_results:"), column): text
        for (key, column), text in boxes["identified"].counts.items()
    }


def test_a_database_a_version_did_not_search_reads_not_searched_in_its_column() -> None:
    each = shown(view(rounds(), "each"))
    assert each[("MEDLINE", "2025.1")] == "52"
    assert each[("MEDLINE", "2025.2")] == each[("MEDLINE", "2025.3")] == "not searched"
    assert each[("APA PsycInfo", "2025.2")] == "not searched"  # an earlier version's export
    assert each[("OpenAlex", "2025.2")] == "not searched"
    assert each[("OpenAlex", "2025.3")] == "0"  # searched again, nothing found
    latest = shown(view(rounds(), "previous_latest"))
    assert latest[("MEDLINE", "Previous 2025.1–2025.2")] == "52"
    assert latest[("MEDLINE", "2025.3")] == "not searched"
    assert latest[("Web of Science Core Collection", "2025.3")] == "not searched"
    updates = shown(view(rounds(), "base_updates"))
    assert updates[("MEDLINE", "Updates 2025.2–2025.3")] == "not searched"
    assert updates[("OpenAlex", "Updates 2025.2–2025.3")] == "0"
    # All versions together still count every database's records.
    combined = shown(view(rounds(), "combined"))
    assert combined[("MEDLINE", "2025.1–2025.3 combined")] == "(n = 52)"
    assert combined[("Europe PMC", "2025.1–2025.3 combined")] == "(n = 55)"


def test_the_report_s_counts_table_says_not_searched_too() -> None:
    columns = [*view(rounds(), "each"), view(rounds(), "combined")[0]]
    table = {row["label"]: row["values"] for row in flow_rows(columns)}
    medline = table["Records identified from each database: MEDLINE"]
    assert medline == [52, "not searched", "not searched", 52]
    assert table["Records identified from each database: OpenAlex"] == [85, "not searched", 0, 85]
    # A reason no report of a version had is still 0 there.
    columns[0].lists["dbr_excluded"] = (("Wrong population", 2),)
    columns[1].lists["dbr_excluded"] = ()
    table = {row["label"]: row["values"] for row in flow_rows(columns[:2])}
    assert table["Reports excluded (databases and registers): Wrong population"] == [2, 0]


def test_registers_a_review_never_searched_read_not_searched_and_one_searched_reads_0() -> None:
    """A team's review with database exports and no register configured: every column of the
    living layouts drew "Registers 0" (the single diagrams "Registers (n = 0)"), and the
    report's table 0, though the README says a source not searched reads "not searched"."""
    each = shown(view(rounds(), "each"))
    assert {each[("register_results", v)] for v in ROUNDS} == {"not searched"}
    combined = shown(view(rounds(), "combined"))
    assert combined[("register_results", "2025.1–2025.3 combined")] == "(not searched)"
    columns = [*view(rounds(), "each"), view(rounds(), "combined")[0]]
    table = {row["label"]: row["values"] for row in flow_rows(columns)}
    assert table["Records identified from: Registers"] == ["not searched"] * 4
    assert table["Records identified from: Databases"][0] == 384
    # A register the latest version searched, with no hits, reads 0 there and in all versions.
    searched = rounds()
    searched[-1].lists["register_specific_results"] = (("ClinicalTrials.gov", 0),)
    each = shown(view(searched, "each"))
    assert each[("register_results", "2025.2")] == "not searched"
    assert (
        each[("register_results", "2025.3")]
        == each[("register_specific_results:ClinicalTrials.gov", "2025.3")]
        == "0"
    )
    combined = shown(view(searched, "combined"))
    assert combined[("register_results", "2025.1–2025.3 combined")] == "(n = 0)"
    assert "Registers: 2025.1: not searched" in to_svg(build_flow(view(searched, "each")))


def test_a_review_that_searched_only_registers_reads_no_database_searched_in_item_16a() -> None:
    """A review of registered trials searched two registers and no database: the diagram and
    the counts table read the databases' box "not searched", but the checklist's item 16a said
    "0 records from databases", the 0 the diagram no longer draws."""
    column = identified_only("2025.1", 0, 3, 0)
    column.numbers["register_results"] = 12
    column.lists["database_specific_results"] = ()
    column.lists["register_specific_results"] = (("ClinicalTrials.gov", 9), ("WHO ICTRP", 3))
    assert shown([column])[("database_results", "2025.1")] == "(not searched)"
    assert shown([column])[("register_results", "2025.1")] == "(n = 12)"
    counts = checklist._selection_counts(column)
    assert counts.startswith("no database searched, 12 records from registers; ")
    assert "0 records from databases" not in counts
