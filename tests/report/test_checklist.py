"""The reporting checklist the report stage fills in: one row per PRISMA 2020 item and sub-item,
the 16 PRISMA-S items and PRISMA-LSR's L1, each with a status that follows this review's protocol
and outputs, places that exist and the review's own facts."""

from __future__ import annotations

import copy
import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from livingreview.config import load_config
from livingreview.dedup import maybe_sheet, rounds
from livingreview.report import checklist
from livingreview.report.context import read_outputs
from livingreview.report.render import write_report
from tests.prisma.ledgers import consistent
from tests.report.earlier_versions import version_two_dropping_three
from tests.report.test_report import DEMO_CONFIG

PRISMA_2020 = [
    *map(str, range(1, 10)), "10a", "10b", "11", "12", *(f"13{x}" for x in "abcdef"), "14",
    "15", "16a", "16b", "17", "18", "19", *(f"20{x}" for x in "abcd"), "21", "22",
    *(f"23{x}" for x in "abcd"), *(f"24{x}" for x in "abc"), "25", "26", "27",
]  # fmt: skip
ITEMS = [("PRISMA 2020", i) for i in PRISMA_2020] + [("PRISMA-S", str(i)) for i in range(1, 17)]


class _Page(HTMLParser):
    """The element ids of a page, the sections that wait for a stage, and the checklist's links."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.waiting: set[str] = set()
        self.links: list[str] = []
        self._section = ""
        self._in_checklist = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "section":
            self._section = str(values.get("id"))
        if tag == "p" and values.get("class") == "pending":
            self.waiting.add(self._section)
        if tag == "table":
            self._in_checklist = values.get("class") == "checklist"
        if tag == "a" and self._in_checklist:
            self.links.append(str(values.get("href")))


def page(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    return parsed


def read_rows(path: Path) -> dict[str, dict[str, str]]:
    """The checklist rows of ``prisma_checklist.csv`` by ``checklist item``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(checklist.COLUMNS)
    return {f"{r['checklist']} {r['item']}": r for r in rows}


def places(row: dict[str, str]) -> list[str]:
    return [p for p in row["where"].split("; ") if p]


def check_places(rows: dict[str, dict[str, str]], outputs: Path, html: str) -> None:
    """Every section a row names is an element of the page with content, every file exists."""
    parsed = page(html)
    for key, row in rows.items():
        for place in places(row):
            name, _, anchor = place.partition("#")
            if name == "report/index.html":
                assert not anchor or anchor in parsed.ids - parsed.waiting, (key, place)
            else:
                assert (outputs / place).is_file(), (key, place)
        assert row["status"] in checklist.STATUSES, key
        if row["status"] in ("reported", "partly"):
            assert places(row), key
        if row["status"] == "authors":
            assert not places(row), key
    assert parsed.links and {link[1:] for link in parsed.links} <= parsed.ids - parsed.waiting


def test_the_demo_checklist_lists_every_item_in_places_that_exist(demo_outputs: Path) -> None:
    rows = read_rows(demo_outputs / "report/prisma_checklist.csv")
    assert [tuple(key.rsplit(" ", 1)) for key in rows] == [*ITEMS, ("PRISMA-LSR", "L1")]
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    check_places(rows, demo_outputs, html)
    assert rows["PRISMA 2020 6"]["where"].startswith("report/index.html#search; ")
    assert rows["PRISMA 2020 16b"]["where"] == "report/index.html#exclusions; fulltext/excluded.csv"
    # the sources with their last search dates, from the searches' own table
    with (demo_outputs / "search/prisma_s.csv").open(encoding="utf-8") as handle:
        searches = list(csv.DictReader(handle))
    for search in searches:
        assert (
            f"{search['database']} last searched {search['date_searched']}"
            in (rows["PRISMA 2020 6"]["what"])
        )
        assert f"{search['database']} {search['retrieved']}" in rows["PRISMA-S 15"]["what"]
    assert rows["PRISMA 2020 11"]["status"] == "reported"
    assert "RoB 2 (RCT)" in rows["PRISMA 2020 11"]["what"]
    assert "ROBINS-I" not in rows["PRISMA 2020 11"]["what"]  # the tools in use, as in Methods
    assert (
        "dual assessment by 2 reviewers (Reviewer 1, Reviewer 2) per study"
        in (rows["PRISMA 2020 11"]["what"])
    )
    assert rows["PRISMA 2020 10a"]["status"] == rows["PRISMA 2020 10b"]["status"] == "partly"
    assert rows["PRISMA 2020 2"]["status"] == "authors"
    # the demo's risk-of-bias forms are not all returned: the item waits, the section is linked
    summary = list(csv.DictReader((demo_outputs / "rob/summary.csv").open(encoding="utf-8")))
    final = sum(1 for r in summary if r["status"] == "final")
    assert 0 < final < len(summary)
    assert rows["PRISMA 2020 18"]["status"] == "pending"
    assert rows["PRISMA 2020 18"]["what"].startswith(f"{final} of {len(summary)} studies")
    # the page shows the same rows, and the Markdown file too
    assert html.count("<tr data-item=") == len(rows)
    markdown = (demo_outputs / "report/prisma_checklist.md").read_text(encoding="utf-8")
    items = re.findall(r"^\| (\d+[a-f]?|L1) \| ", markdown, flags=re.MULTILINE)
    assert items == [key.rsplit(" ", 1)[1] for key in rows]


def test_study_selection_gives_the_ledger_counts(demo_outputs: Path) -> None:
    rows = read_rows(demo_outputs / "report/prisma_checklist.csv")
    ledger = json.loads((demo_outputs / "prisma/ledger.json").read_text(encoding="utf-8"))
    assert len(ledger["rounds"]) == 1
    assert_selection_counts(rows["PRISMA 2020 16a"]["what"], ledger["cumulative"])
    assert "counted so far (pending: deduplication)" in rows["PRISMA 2020 16a"]["what"]
    # counts the undecided maybe pairs will still change: pending, as item 18 while RoB is
    assert rows["PRISMA 2020 16a"]["status"] == "pending"


def assert_selection_counts(what: str, column: dict[str, Any]) -> None:
    c, lists = column["counts"], column["lists"]
    excluded = sum(item["n"] for item in lists["dbr_excluded"])
    removed = c["excluded_automatic"] + c["excluded_other"]
    # the demo searches no register: "no register searched", not "0 from registers"
    searched = lists["register_specific_results"]
    registers = f"{c['register_results']} from registers" if searched else "no register searched"
    for phrase in (
        f"{c['database_results']} records from databases, {registers}",
        f"{c['duplicates']} duplicates and {removed} other "
        f"{'record' if removed == 1 else 'records'} removed before screening",
        f"{c['records_screened']} screened, {c['records_excluded']} excluded",
        f"{c['dbr_sought_reports']} reports sought, {c['dbr_notretrieved_reports']} not retrieved",
        f"{c['dbr_assessed']} assessed, {excluded} excluded",
        f"{c['total_studies']} studies in {c['total_reports']} reports included",
    ):
        assert phrase in what, (phrase, what)


def test_a_living_review_with_two_versions_counts_all_of_them(demo_outputs: Path) -> None:
    config = load_config(DEMO_CONFIG)
    read = dict(read_outputs(demo_outputs))
    first, second = consistent("2025.1"), consistent("2025.2", previous=7)
    cumulative = consistent("cumulative", previous=0)  # handmade: other numbers than each round
    cumulative.numbers.update(total_studies=14, total_reports=22, duplicates=40)
    ledger = copy.deepcopy(read["prisma_ledger"])
    ledger |= {"rounds": [first.to_json(), second.to_json()], "cumulative": cumulative.to_json()}
    read["prisma_ledger"] = ledger
    ready = ["search", "flow", "versions"]
    rows = {
        f"{r['checklist']} {r['item']}": r
        for r in checklist.build(config, read, demo_outputs, ready)
    }
    what = rows["PRISMA 2020 16a"]["what"]
    assert rows["PRISMA 2020 16a"]["status"] == "reported"  # every count final
    assert what.startswith("All 2 versions: 100 records from databases, 10 from registers")
    assert_selection_counts(what, cumulative.to_json())
    assert "other methods: 6 reports sought, 5 assessed" in what
    assert rows["PRISMA-S 15"]["what"].startswith("Version 2025.2's searches: MEDLINE 45; ")
    assert rows["PRISMA-S 12"]["status"] == "reported"
    assert rows["PRISMA-S 12"]["what"].startswith("2 versions (2025.1, 2025.2)")
    assert rows["PRISMA-LSR L1"]["what"].startswith("Versions: 2025.1")
    assert "2025.2" in rows["PRISMA-LSR L1"]["what"]


def test_a_protocol_without_risk_of_bias_or_extraction_leaves_those_items_to_the_authors(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config = load_config(DEMO_CONFIG)
    config["risk_of_bias"].pop("tools_by_design")
    config["nexus"] = {}
    config["extraction"]["fields"] = []
    config["report"] |= {"study_columns": [], "evidence_fields": [], "nexus_risks_field": ""}
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    rows = read_rows(tmp_path / "report/prisma_checklist.csv")
    check_places(rows, demo_outputs, html)
    for item in ("9", "10a", "10b", "11", "13c", "17", "18", "19"):
        row = rows[f"PRISMA 2020 {item}"]
        assert (row["status"], row["where"]) == ("authors", ""), item
    for item in ("9", "10a", "10b", "17"):
        assert "no extraction fields" in rows[f"PRISMA 2020 {item}"]["what"]
    for item in ("11", "18"):
        assert "no risk-of-bias tool" in rows[f"PRISMA 2020 {item}"]["what"]
    # the demo protocol, on the same outputs, reports them
    demo = read_rows(demo_outputs / "report/prisma_checklist.csv")
    assert [demo[f"PRISMA 2020 {i}"]["status"] for i in ("9", "11", "17")] == ["reported"] * 3
    # item 9's extractors are said in the methods, which it names first (before: not there)
    assert places(demo["PRISMA 2020 9"])[0] == "report/index.html#methods"
    methods = (demo_outputs / "report/report.md").read_text(encoding="utf-8").split("## Methods")
    assert "Reviewer 1 and Reviewer 2 each extracted every study independently" in methods[1]


def test_before_any_stage_has_run_nothing_waiting_is_linked(tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    html = write_report(config, tmp_path / "outputs", tmp_path / "report").read_text()
    rows = read_rows(tmp_path / "report/prisma_checklist.csv")
    assert [tuple(key.rsplit(" ", 1)) for key in rows] == ITEMS  # no version yet: no L1
    parsed = page(html)
    assert {"search", "flow", "screening", "rob", "exclusions"} <= parsed.waiting
    for item in ("6", "7", "8", "16a", "16b", "18"):
        row = rows[f"PRISMA 2020 {item}"]
        assert (row["status"], row["where"]) == ("pending", ""), item
        assert row["what"].startswith("Waiting for "), item
    rob = rows["PRISMA 2020 11"]  # the protocol's tools, before any study is appraised
    assert (rob["status"], rob["where"]) == ("reported", "report/index.html#methods")
    assert "ROBINS-I (non-randomised trial)" in rob["what"]
    linked = [p for r in rows.values() for p in places(r)]
    assert linked and all(re.fullmatch(r"report/index\.html(#methods)?|protocol\.json", p)
                          for p in linked), linked  # fmt: skip


def test_the_checklist_is_the_same_bytes_every_time(demo_outputs: Path, tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    for run in ("a", "b"):
        write_report(config, demo_outputs, tmp_path / run)
    for name in (checklist.CSV_NAME, checklist.MARKDOWN_NAME):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_markdown_table_cells_stay_cells_whatever_the_protocol_says(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config = load_config(DEMO_CONFIG)
    config["review"]["title"] = "Alliance | bond <b>apps</b>"
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    markdown = (tmp_path / "report/prisma_checklist.md").read_text(encoding="utf-8")
    (line,) = [row for row in markdown.splitlines() if row.startswith("| 1 | Title |")]
    assert len(re.findall(r"(?<!\\)\|", line)) == 7, line
    assert "Alliance \\| bond &lt;b>apps&lt;/b>" in line
    assert "<b>apps</b>" not in html and "Alliance | bond &lt;b&gt;apps&lt;/b&gt;" in html


def test_a_registered_protocol_is_shown_under_the_title_and_reported(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config = load_config(DEMO_CONFIG)
    config["review"]["registration"] = "OSF <osf.io/abcde> | PROSPERO CRD42024000000"
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    rows = read_rows(tmp_path / "report/prisma_checklist.csv")
    check_places(rows, demo_outputs, html)
    row = rows["PRISMA 2020 24a"]
    assert (row["status"], row["where"]) == ("reported", "report/index.html#registration")
    assert row["what"] == "Registration: OSF <osf.io/abcde> | PROSPERO CRD42024000000"
    header = html.split("</header>", 1)[0]
    assert "Registration: OSF &lt;osf.io/abcde&gt; | PROSPERO CRD42024000000" in header
    markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    assert "Registration: OSF" in markdown.split("\n## ", 1)[0]
    # without one, the item is the authors' (the demo protocol records none)
    demo = read_rows(demo_outputs / "report/prisma_checklist.csv")
    assert demo["PRISMA 2020 24a"]["status"] == "authors"


def test_the_kept_copy_of_the_version_keeps_its_checklist_files(demo_outputs: Path) -> None:
    # the kept report's page showed the checklist, but its CSV and Markdown stayed in outputs/
    kept = demo_outputs / "library_history/2025.1/report"
    for name in (checklist.CSV_NAME, checklist.MARKDOWN_NAME):
        assert (kept / name).read_bytes() == (demo_outputs / "report" / name).read_bytes()


def _selection_text(config: dict[str, Any], extraction: dict[str, Any] | None = None) -> str:
    """Items 8 and 9's text for ``config`` (screening done, no automation), without a run."""
    read = {
        "screening_outcome": {"decision_rule": config["screening"]["decision_rule"]},
        "screening_status": {},
        "automation": None,
        "extraction_status": extraction,
    }
    facts = checklist.Facts(config, read, Path("/nonexistent"), frozenset())
    return checklist._selection(facts).what + " | " + checklist._collection(facts).what


def test_single_mode_names_the_one_reviewer_who_works_and_the_resolver_who_decides() -> None:
    config = load_config(DEMO_CONFIG)
    config["reviewers"].append({"id": "r4", "name": "Reviewer 4", "roles": ["conflict_resolution"]})
    dual = _selection_text(config, {"mode": "dual", "studies": {}})
    assert "dual, blind, by 2 reviewers (Reviewer 1, Reviewer 2)" in dual
    # the first reviewer with the role resolves (screening.outcome.resolver), not both
    assert "disagreements by third reviewer (Reviewer 3)" in dual
    assert "Reviewer 4" not in dual
    # single mode everywhere: the first reviewer of each role works alone
    for section in ("screening", "full_text", "extraction"):
        config[section]["mode"] = "single"
    single = _selection_text(config, {"mode": "single", "studies": {}})
    assert (
        "title/abstract: single, blind, by 1 reviewer (Reviewer 1); full text: single by 1 "
        "reviewer (Reviewer 1); " in single
    )  # no disagreements to settle: nobody checks
    assert "single extraction on forms by 1 reviewer (Reviewer 1)" in single
    assert "Reviewer 2" not in single
    # a verified sample: the second screener screens it, disagreements go to the resolver
    config["screening"]["verification_sample"] = {"fraction": 0.2, "seed": 1}
    verified = _selection_text(config)
    assert (
        "title/abstract: single, blind, by 1 reviewer (Reviewer 1), a 20% sample verified by "
        "Reviewer 2, disagreements by third reviewer (Reviewer 3)"
    ) in verified
    config["screening"]["verification_sample"]["fraction"] = 0.025
    assert "a 2.5% sample verified by" in _selection_text(config)  # as the methods say it


def test_deduplication_counts_of_a_later_version_are_named_as_that_version_s() -> None:
    # library/counts.json counts the current round only; 16a beside it sums every version
    config = load_config(DEMO_CONFIG)
    counts = {"duplicates_removed": 12, "records_identified": 40, "version": "2025.2"}
    rounds = [{"label": "2025.1"}, {"label": "2025.2"}]
    read = {"library_counts": counts, "prisma_ledger": {"rounds": rounds}}
    facts = checklist.Facts(config, read, Path("/nonexistent"), frozenset())
    what = checklist._deduplication(facts).what
    assert what.startswith("livingreview: version 2025.2: 12 duplicates removed of 40 records (")
    read["prisma_ledger"] = {"rounds": rounds[:1]}
    assert checklist._deduplication(facts).what.startswith("livingreview: 12 duplicates removed")


def test_a_later_version_counts_its_own_decided_pairs_beside_all_versions(
    tmp_path: Path,
) -> None:
    """Version 2025.3's item 16 gave the library's 7 decided pairs, every version's, as its own:
    a version's are the decided pairs holding a record first identified in it."""
    first_round = {"a1": 1, "b1": 1, "c2": 2, "d3": 3, "e3": 3, "f3": 3}
    groups = rounds.groups_text({rid: f"S{rid}" for rid in first_round}, first_round)
    decided = [("a1", "b1", "duplicate"), ("a1", "c2", "distinct"), ("b1", "d3", "distinct")]
    decided += [("d3", "e3", "duplicate"), ("c2", "f3", "")]  # a note alone decides nothing
    library = tmp_path / "library"
    library.mkdir()
    rows = [maybe_sheet.Decision(a, b, d, "dedup/returned.xlsx", 2) for a, b, d in decided]
    (library / "decisions.csv").write_text(maybe_sheet.decisions_csv(rows), encoding="utf-8")
    counts = {"duplicates_removed": 2, "records_identified": 9, "round": 3}
    counts |= {"maybe_decisions_applied": 4, "maybe_pairs_pending": 1}
    read: dict[str, Any] = {
        "library_counts": counts,
        "library_groups": list(csv.DictReader(groups.splitlines())),
        "prisma_ledger": {"rounds": [{"label": v} for v in ("2025.1", "2025.2", "2025.3")]},
    }
    facts = checklist.Facts(load_config(DEMO_CONFIG), read, tmp_path, frozenset())
    entry = checklist._deduplication(facts)
    assert entry.what.startswith("livingreview: version 2025.3: 2 duplicates removed of 9 ")
    assert entry.what.endswith(
        "; 2 uncertain pairs with a record new in this version decided by a person "
        "(all versions: 4), 1 still to decide."
    )
    assert "library/decisions.csv" in entry.where
    read["library_counts"] = {**counts, "round": 2}
    assert (
        "; 1 uncertain pairs with a record new in this version"
        in checklist._deduplication(facts).what
    )
    (library / "decisions.csv").unlink()  # cannot be told: only the total, labelled as such
    assert checklist._deduplication(facts).what.endswith(
        "; 4 uncertain pairs decided by a person in all versions, 1 still to decide."
    )
    read["prisma_ledger"] = {"rounds": [{"label": "2025.1"}]}  # one version: no label needed
    assert checklist._deduplication(facts).what.endswith(
        "; 4 uncertain pairs decided by a person, 1 still to decide."
    )


def test_exports_without_a_query_are_named_not_claimed_as_reported(demo_outputs: Path) -> None:
    """PRISMA-S 8 said "Each strategy exactly as run ... for N sources" (reported) while some
    imports of the protocol gave no ``query``; item 9 ended "No limits recorded.." ."""
    config = load_config(DEMO_CONFIG)
    read = dict(read_outputs(demo_outputs))
    searches = [dict(r, limits="") for r in read["prisma_s"]]
    read["prisma_s"] = searches
    facts = checklist.Facts(config, read, demo_outputs, frozenset({"search"}))
    assert checklist._strategies(facts, searches).status == "reported"
    assert checklist._limits(facts, searches).what.startswith("No limits recorded. Before")
    searches[1]["query"] = "  "
    entry = checklist._strategies(facts, searches)
    named = searches[1]["database"] or searches[1]["source"]
    assert entry.status == "partly"
    assert entry.what.startswith(f"Strategies as run for {len(searches) - 1} of {len(searches)}")
    assert entry.what.endswith(f"none recorded for {named} (no `query` in the protocol).")


def test_updates_of_a_review_of_exports_only_are_not_said_to_re_run_strategies() -> None:
    """PRISMA-S 12 said "an update re-runs each strategy ... reaching back 7 days" also for a
    review whose every database is searched by hand and imported from exports."""
    config = load_config(DEMO_CONFIG)
    facts = checklist.Facts(config, {"prisma_ledger": None}, Path("/nonexistent"), frozenset())
    both = checklist._updates(facts).what
    assert "re-runs each API search for the records since the previous search" in both
    assert "its new export imported" in both
    config["sources"] = {}
    exports_only = checklist._updates(facts).what
    assert "re-runs" not in exports_only and "reaching back" not in exports_only
    assert exports_only == (
        "One version so far; planned: each database searched by hand is searched again and its "
        "new export imported (an export an earlier version imported is not counted again)."
    )


def test_an_export_of_an_earlier_version_is_still_a_source_with_its_search_date(
    demo_outputs: Path,
) -> None:
    """A later round that does not search a database again leaves its export out of the round's
    searches (prisma_s.csv); items 6, S-1 and S-13 still name that database and its date."""
    config = load_config(DEMO_CONFIG)
    read = dict(read_outputs(demo_outputs))
    read["prisma_s"] = [r for r in read["prisma_s"] if r["source"] != "wos"]
    rows = {
        f"{r['checklist']} {r['item']}": r["what"]
        for r in checklist.build(config, read, demo_outputs, ["search"])
    }
    dated = "Web of Science Core Collection last searched 2024-11-25 (an earlier version's export"
    assert dated in rows["PRISMA 2020 6"] and dated in rows["PRISMA-S 13"]
    assert "APA PsycInfo last searched 2024-11-25; " in rows["PRISMA 2020 6"]
    named = "Web of Science Core Collection (Clarivate Web of Science; an earlier version's export)"
    assert named in rows["PRISMA-S 1"]
    # the demo's own round searched every database: none is named twice
    full = checklist.build(config, read_outputs(demo_outputs), demo_outputs, ["search"])
    assert "earlier version's export" not in " ".join(r["what"] for r in full)


def test_databases_only_earlier_versions_searched_are_named_in_items_6_s1_and_s13(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """Version 2025.1 searched MEDLINE and OpenAlex through their APIs and imported Google
    Scholar; version 2025.2 turned MEDLINE and OpenAlex off and dropped the Google Scholar
    import. Items 6, S-1 and S-13 named only the databases of version 2025.2's protocol (on a
    scratch run of the demo and two later rounds: Europe PMC and the exports), while the flow
    diagram of all versions counts MEDLINE's 52 and OpenAlex's 85 records; the methods paragraph
    names them (tests/report/test_methods.py), so do these items now."""
    config = version_two_dropping_three(tmp_path)
    read = dict(read_outputs(demo_outputs))
    dropped = {"medline", "openalex", "google_scholar"}
    read["prisma_s"] = [r for r in read["prisma_s"] if r["source"] not in dropped]
    rows = {
        f"{r['checklist']} {r['item']}": r["what"]
        for r in checklist.build(config, read, demo_outputs, ["search"])
    }
    dated = (
        "; MEDLINE last searched in version 2025.1 (through its API; no longer searched); "
        "OpenAlex last searched in version 2025.1 (through its API; no longer searched); "
        "Google Scholar last searched 2024-11-25 (an export imported in version 2025.1, no "
        "longer imported)"
    )
    assert rows["PRISMA 2020 6"].endswith(dated), rows["PRISMA 2020 6"]
    assert rows["PRISMA-S 13"].endswith(dated)
    assert rows["PRISMA-S 1"].endswith(
        "; MEDLINE (PubMed (NCBI E-utilities); searched through its API in version 2025.1, no "
        "longer searched); OpenAlex (OpenAlex API; searched through its API in version 2025.1, "
        "no longer searched); Google Scholar (Publish or Perish; an export imported in version "
        "2025.1, no longer imported)"
    ), rows["PRISMA-S 1"]
    config["review"]["version"] = "2025.1"  # the version itself names nothing twice
    rows = {
        f"{r['checklist']} {r['item']}": r["what"]
        for r in checklist.build(config, read, demo_outputs, ["search"])
    }
    assert "no longer" not in rows["PRISMA 2020 6"] + rows["PRISMA-S 1"]


def test_seed_studies_not_in_the_library_are_not_said_to_rank_the_sheets(
    demo_outputs: Path,
) -> None:
    # The shipped protocol seeds the ranker with the seed review (10.2196/69294), which the
    # demo's searches (2010 to 2024-11-25) do not find: the screening step records the seed
    # studies it found, and item 8 says the named ones ranked nothing.
    status = json.loads((demo_outputs / "screening/status.json").read_text(encoding="utf-8"))
    assert status["seed_studies_found"] == []
    rows = read_rows(demo_outputs / "report/prisma_checklist.csv")
    what = rows["PRISMA 2020 8"]["what"]
    assert "sheets ranked from seed studies" not in what
    assert (
        "seed studies 10.2196/69294 named in the protocol, none of them in the library: sheets "
        "ranked without them"
    ) in what
    # found: named as ranking the sheets, with how many of them the library holds
    config = load_config(DEMO_CONFIG)
    facts = checklist.Facts(
        config,
        {
            "screening_outcome": {"decision_rule": config["screening"]["decision_rule"]},
            "screening_status": {"seed_studies_found": ["S1"]},
            "automation": None,
        },
        Path("/nonexistent"),
        frozenset(),
    )
    found = checklist._selection(facts).what
    assert "sheets ranked from seed studies 10.2196/69294 (1 in the library)" in found


def test_item_8_names_conflicts_settled_under_the_rule_before_an_amendment() -> None:
    # screening.decision_rule amended from consensus to third_reviewer: a consensus returned
    # before keeps counting (screening/outcome.json decided_by), and item 8 says so beside the
    # rule of now, as the methods do.
    config = load_config(DEMO_CONFIG)
    config["screening"]["decision_rule"] = "third_reviewer"
    outcome = {
        "decision_rule": "third_reviewer",
        "decided_by": {"consensus": 2, "third_reviewer": 1},
    }
    read = {"screening_outcome": outcome, "screening_status": {}, "automation": None}
    facts = checklist.Facts(config, read, Path("/nonexistent"), frozenset())
    what = checklist._selection(facts).what
    assert (
        "disagreements by third reviewer (Reviewer 3) (2 were settled by consensus, under the "
        "rule before an amendment); full text:"
    ) in what
    outcome["decided_by"] = {"third_reviewer": 3}  # all as the rule of now asks: nothing added
    assert "disagreements by third reviewer (Reviewer 3); full text:" in (
        checklist._selection(facts).what
    )


def test_item_8_names_full_text_conflicts_settled_under_the_rule_before_an_amendment() -> None:
    # full_text.decision_rule amended from consensus to third_reviewer: a consensus returned
    # before keeps counting (fulltext/outcome.json decided_by, 99b1dd9 and 7c9c19e) and the
    # methods say so; item 8 said only 'disagreements by third reviewer (Reviewer 3)'.
    config = load_config(DEMO_CONFIG)
    config["screening"]["decision_rule"] = "third_reviewer"
    config["full_text"]["decision_rule"] = "third_reviewer"
    fulltext = {"decision_rule": "third_reviewer", "decided_by": {"consensus": 1}}
    read = {
        "screening_outcome": {
            "decision_rule": "third_reviewer",
            "decided_by": {"third_reviewer": 4},
        },
        "fulltext_outcome": fulltext,
        "screening_status": {},
        "automation": None,
    }
    facts = checklist.Facts(config, read, Path("/nonexistent"), frozenset())
    screened, assessed = checklist._selection(facts).what.split("; ")[:2]
    assert screened.endswith("disagreements by third reviewer (Reviewer 3)")  # nothing earlier
    assert assessed.startswith("full text: dual by 2 reviewers") and assessed.endswith(
        "disagreements by third reviewer (Reviewer 3) (1 was settled by consensus, under the rule "
        "before an amendment)"
    )
    fulltext["decided_by"] = {"third_reviewer": 2}  # all as the rule of now asks: nothing added
    assessed = checklist._selection(facts).what.split("; ")[1]
    assert assessed.endswith("disagreements by third reviewer (Reviewer 3)")
