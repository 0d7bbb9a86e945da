"""The evidence summary: rendered from real pipeline outputs, safe with hostile text, stable."""

from __future__ import annotations

import csv
import json
import re
import shutil
from html import escape, unescape
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from livingreview.config import load_config
from livingreview.prisma import collect, stage
from livingreview.prisma.ledger import BOX_NAMES, Column, box_count
from livingreview.report.render import write_report
from tests.conftest import REPO_ROOT
from tests.living.pending_demo import demo_with_screening_pending
from tests.prisma.ledgers import demo_override

DEMO_CONFIG = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]


class _Collector(HTMLParser):
    """Section ids, external references and script tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.external: list[str] = []
        self.scripts = 0
        self.counts: dict[str, str] = {}
        self._count: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and values.get("id"):
            self.sections.append(str(values["id"]))
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            link = values.get(key) or ""
            if link and not link.startswith(("#", "data:")):
                self.external.append(link)
        self._count = values.get("data-count")

    def handle_data(self, data: str) -> None:
        if self._count:
            self.counts[self._count] = data
            self._count = None


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_report_from_the_demo_run_is_self_contained_and_matches_the_counts(
    demo_outputs: Path,
) -> None:
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    page = parse(html)
    assert page.scripts == 0 and page.external == []
    assert page.sections == [
        "new", "versions", "flow", "search", "screening", "studies", "evidence", "nexus", "rob",
        "exclusions", "flags", "pending", "methods",
    ]  # fmt: skip
    assert "Demo data" in html[: html.index("<h1>")]
    counts = json.loads((demo_outputs / "library/counts.json").read_text())
    for key in ("records_identified", "duplicates_removed", "new_studies", "studies_in_library"):
        assert page.counts[key] == str(counts[key]), key
    for source, n in counts["records_identified_by_source"].items():
        assert re.search(rf'data-source="{source}">{n}<', html), source
    ledger = json.loads((demo_outputs / "prisma/ledger.json").read_text())["rounds"]
    start, end = html.index('<section id="versions">'), html.index('<section id="flow">')
    cells = re.findall(r'<(?:td|th scope="row")[^>]*>([^<]*)</t[dh]>', html[start:end])
    first = ledger[0]["counts"]
    with (demo_outputs / "fulltext/included_studies.csv").open(encoding="utf-8") as handle:
        included = len(list(csv.DictReader(handle)))
    assert cells == [
        ledger[0]["label"], "1", str(first["database_results"] + first["register_results"]),
        str(first["duplicates"]), str(first["excluded_automatic"] + first["excluded_other"]),
        str(first["records_screened"]), str(first["new_studies"]), str(first["new_studies"]),
        f"{included} studies included", "this version",
    ]  # fmt: skip
    identified, duplicates, removed, screened = (int(n) for n in cells[2:6])
    assert first["excluded_automatic"] > 0  # the row adds up only with them
    assert identified - duplicates - removed == screened
    new = html[html.index('<section id="new">') : start]
    assert f"This is the first version: {included} studies included." in new
    methods = html[html.index('<section id="methods">') :]
    assert "RoB 2 (RCT)" in methods and "ROBINS-I" not in methods  # no demo study needs it
    markdown = (demo_outputs / "report/report.md").read_text(encoding="utf-8")
    assert markdown.startswith("> **Demo data**")
    assert f"{counts['records_identified']} records identified" in markdown


def test_a_stage_not_run_yet_is_shown_as_pending_not_an_error(tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    html = write_report(config, tmp_path / "outputs", tmp_path / "report").read_text()
    page = parse(html)
    assert "pending" in page.sections and "methods" in page.sections
    assert html.count('class="pending"') == len(page.sections) - 2
    assert "ROBINS-I (non-randomised trial)" in html  # the protocol's tools before any appraisal


def test_a_protocol_without_optional_sections_still_renders(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config = load_config(DEMO_CONFIG)
    config["nexus"] = {}
    config["risk_of_bias"].pop("tools_by_design")
    config.pop("eligibility")
    for spec in [*config["sources"].values(), *config["imports"].values()]:
        for key in ("database", "platform", "searched_on"):
            spec.pop(key, None)
    html = write_report(config, demo_outputs, tmp_path / "report").read_text()
    methods = html[html.index('<section id="methods">') :]
    assert "We searched medline, europepmc and openalex through their APIs" in methods
    assert "Levels as configured" not in html


def test_methods_name_each_database_with_its_platform(demo_outputs: Path, tmp_path: Path) -> None:
    """The demo protocol's platform "PubMed (NCBI E-utilities)" gave "MEDLINE (PubMed (NCBI
    E-utilities))" in the methods."""
    config = load_config(DEMO_CONFIG)
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    start = html.index('<section id="methods">')
    methods = page_text(html[start : html.index("Reporting checklist", start)])
    assert "We searched MEDLINE via PubMed (NCBI E-utilities), Europe PMC via " in methods
    assert (
        "Web of Science Core Collection via Clarivate Web of Science (searched 2024-11-25)"
        in methods
    )
    assert "((" not in methods and "))" not in methods


def test_markup_in_protocol_and_record_text_renders_as_text(
    demo_outputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    config = load_config(DEMO_CONFIG)
    config["review"]["title"] = "Bots & bonds <script>alert(1)</script>"
    prisma_s = outputs / "search/prisma_s.csv"
    text = prisma_s.read_text(encoding="utf-8")
    prisma_s.write_text(text.replace("Publish or Perish", "<b>Publish</b> & Perish"))
    html = write_report(config, outputs, tmp_path / "report").read_text()
    assert "<script>" not in html and parse(html).scripts == 0
    assert "Bots &amp; bonds &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Publish&lt;/b&gt; &amp; Perish" in html
    markdown = (tmp_path / "report/report.md").read_text()
    assert "<script>" not in markdown and "<b>" not in markdown


def test_markup_in_an_included_study_title_renders_as_text(
    demo_outputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    included = outputs / "fulltext/included_studies.csv"
    with included.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "the demo includes studies"
    rows[0]["title"] = 'Bots & <script>alert("x")</script> <i>bonds</i>'
    with included.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    html = write_report(load_config(DEMO_CONFIG), outputs, tmp_path / "report").read_text()
    assert parse(html).scripts == 0 and "<i>bonds" not in html
    assert "Bots &amp; &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;i&gt;bonds" in html
    markdown = (tmp_path / "report/report.md").read_text()
    assert "<script>" not in markdown and "Bots & &lt;script>" in markdown


def test_the_demo_report_lists_the_included_studies_with_their_extraction(
    demo_outputs: Path,
) -> None:
    html = (demo_outputs / "report/index.html").read_text(encoding="utf-8")
    with (demo_outputs / "extraction/studies.csv").open(encoding="utf-8") as handle:
        extracted = list(csv.DictReader(handle))
    with (demo_outputs / "fulltext/excluded.csv").open(encoding="utf-8") as handle:
        excluded = list(csv.DictReader(handle))
    studies = html[html.index('<section id="studies">') : html.index('<section id="evidence">')]
    assert studies.count('<span class="study" dir="auto">') == len(extracted) > 0
    for row in extracted:
        assert f'<span class="study" dir="auto">{escape(row["label"])}</span>' in studies
    start, end = html.index('<section id="exclusions">'), html.index('<section id="pending">')
    exclusions = html[start:end]
    assert exclusions.count('<tr><th scope="row" class="row">') == len(excluded) > 0


def test_a_retracted_included_study_is_flagged(demo_outputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    with (outputs / "fulltext/included_studies.csv").open(encoding="utf-8") as handle:
        study = next(csv.DictReader(handle))
    flags = outputs / "library/flags.csv"
    header = flags.read_text(encoding="utf-8").splitlines()[0]
    assert header == "study_id,record_id,source,flag,detail"
    flags.write_text(
        f"{header}\n{study['study_id']},medline-1,medline,retracted,"
        "PubMed CommentsCorrections 'RetractionIn' PMID 1\n",
        encoding="utf-8",
    )
    html = write_report(load_config(DEMO_CONFIG), outputs, tmp_path / "report").read_text()
    studies = html[html.index('<section id="studies">') : html.index('<section id="evidence">')]
    label = escape(study["label"])
    assert (
        f'<span class="study" dir="auto">{label}</span> <span class="tag">retracted</span>'
        in studies
    )
    flagged = html[html.index('<section id="flags">') : html.index('<section id="pending">')]
    assert "1 flag(s) concern included studies" in flagged and "RetractionIn" in flagged


def test_rendering_twice_gives_identical_bytes(demo_outputs: Path, tmp_path: Path) -> None:
    config = load_config(DEMO_CONFIG)
    first = write_report(config, demo_outputs, tmp_path / "a").read_bytes()
    second = write_report(config, demo_outputs, tmp_path / "b").read_bytes()
    assert first == second
    assert (tmp_path / "a/report.md").read_bytes() == (tmp_path / "b/report.md").read_bytes()


@pytest.mark.parametrize("broken", ["library/counts.json"])
def test_a_corrupt_stage_output_names_the_file(
    demo_outputs: Path, tmp_path: Path, broken: str
) -> None:
    from livingreview.errors import InputFileError

    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    (outputs / broken).write_text("{ not json", encoding="utf-8")
    with pytest.raises(InputFileError, match=re.escape(broken)):
        write_report(load_config(DEMO_CONFIG), outputs, tmp_path / "report")


def test_the_demo_version_keeps_its_report_and_the_state_its_changelog_compares(
    demo_outputs: Path,
) -> None:
    with (demo_outputs / "fulltext/included_studies.csv").open(encoding="utf-8") as handle:
        included = {row["study_id"] for row in csv.DictReader(handle)}
    with (demo_outputs / "report/changelog.csv").open(encoding="utf-8") as handle:
        changes = list(csv.DictReader(handle))
    assert {(c["version"], c["change"]) for c in changes} == {("2025.1", "study_included")}
    assert {c["study_id"] for c in changes} == included
    kept = demo_outputs / "library_history/2025.1/report"
    for name in ("index.html", "report.md"):  # no earlier version to link: the same page
        assert (kept / name).read_bytes() == (demo_outputs / "report" / name).read_bytes()
    with (kept / "included_studies.csv").open(encoding="utf-8") as handle:
        assert {row["study_id"] for row in csv.DictReader(handle)} == included
    with (kept / "changes.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == changes


def flow_table(markdown: str) -> dict[str, list[str]]:
    """The counts table of the report's PRISMA section: box label -> its cells."""
    section = markdown[markdown.index("## PRISMA 2020") : markdown.index("## Searches")]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line[:2] == "| "]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows[1:]}


def test_the_counts_table_shows_every_box_of_the_diagram_zeros_and_reasons_included(
    demo_outputs: Path, tmp_path: Path
) -> None:
    write_report(load_config(DEMO_CONFIG), demo_outputs, tmp_path / "report")
    table = flow_table((tmp_path / "report/report.md").read_text(encoding="utf-8"))
    (column,) = json.loads((demo_outputs / "prisma/ledger.json").read_text())["rounds"]
    counts, lists = column["counts"], column["lists"]
    shown = {key: n for key, n in counts.items() if n is not None}
    assert shown["dbr_notretrieved_reports"] == 0 and shown["excluded_other"] == 0
    for key in shown:
        if key not in ("removed_studies", "removed_reports"):  # drawn only when any
            drawn = box_count(Column.from_json(column), key)  # registers: "not searched"
            assert table[BOX_NAMES[key]] == [str(drawn)], key
    reasons = lists["dbr_excluded"]
    assert len(reasons) > 1
    excluded = BOX_NAMES["dbr_excluded"]
    for item in reasons:
        assert table[f"{excluded}: {item['label']}"] == [str(item["n"])]
    assert int(table[excluded][0]) == counts["dbr_assessed"] - counts["dbr_included_reports"]
    assert int(table[excluded][0]) == sum(item["n"] for item in reasons)
    for item in lists["database_specific_results"]:
        assert table[f"{BOX_NAMES['database_specific_results']}: {item['label']}"] == [
            str(item["n"])
        ]


def test_counts_after_a_pending_stage_are_marked_not_final(
    demo_outputs: Path, tmp_path: Path
) -> None:
    # Full text has decided every study screening sent on, five records are not screened yet:
    # the ledger leaves the screening boxes out, and what full text counted is only so far.
    outputs, overlay = demo_with_screening_pending(demo_outputs, tmp_path)
    config = load_config([*DEMO_CONFIG, overlay])
    both, _ = collect.current_column(config, outputs, 1, {})  # the demo's maybe pairs wait too
    assert set(both.pending) == {"deduplication", "screening"}
    assert stage.so_far_lines([both]) == [
        "Not final while deduplication and title/abstract screening are not done, counted so "
        "far: duplicates removed; reports sought, assessed, excluded and new studies included; "
        "total studies included."
    ]
    decide_maybe_pairs(outputs)
    column, _ = collect.current_column(config, outputs, 1, {})
    assert "screening" in column.pending and column.n("new_studies") == 56
    path = outputs / "prisma/ledger.json"
    ledger = json.loads(path.read_text(encoding="utf-8"))
    ledger["rounds"] = [{"round": 1, **column.to_json()}]
    ledger["pending"] = stage.pending_lines([column])
    path.write_text(json.dumps(ledger), encoding="utf-8")
    write_report(config, outputs, tmp_path / "report")
    markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    flow = markdown[markdown.index("## PRISMA 2020") : markdown.index("## Searches")]
    pending = "in progress: 133 of 138 records with a final decision"
    assert f"_Title/abstract screening: {pending}" in flow
    note = (
        "Not final while title/abstract screening is not done, counted so far: reports sought, "
        "assessed, excluded and new studies included; total studies included."
    )
    assert f"_{note}_" in flow and stage.so_far_lines([column]) == [note]
    done, _ = collect.current_column(config, demo_outputs, 1, {})
    done.pending.pop("deduplication")  # as if its maybe pairs were decided
    assert stage.so_far_lines([done]) == []
    assert stage.so_far_lines([done, column]) == [f"{column.label}: {note}"]


def decide_maybe_pairs(outputs: Path) -> None:
    """Set the library's counts in ``outputs`` as if a person had decided every maybe pair."""
    path = outputs / collect.COUNTS
    counts = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**counts, "maybe_pairs_pending": 0}), encoding="utf-8")


def ledger_of_now(config: dict[str, Any], outputs: Path) -> None:
    """Write ``outputs``' ledger.json again from its outputs (without drawing the diagrams)."""
    column, _ = collect.current_column(config, outputs, 1, {})
    path = outputs / "prisma/ledger.json"
    ledger = json.loads(path.read_text(encoding="utf-8"))
    ledger["rounds"] = [{"round": 1, **column.to_json()}]
    ledger["pending"] = stage.pending_lines([column])
    path.write_text(json.dumps(ledger), encoding="utf-8")


def test_undecided_maybe_pairs_mark_the_duplicates_and_what_follows_not_final(
    demo_outputs: Path, tmp_path: Path
) -> None:
    # The demo leaves possible duplicate pairs for a person: the duplicates removed, the records
    # screened and all after them are counted so far, in every section that shows them.
    waiting = json.loads((demo_outputs / collect.COUNTS).read_text())["maybe_pairs_pending"]
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    config = load_config([*DEMO_CONFIG, demo_override(tmp_path / "paths.yaml", outputs)])
    so_far = (
        "Not final while deduplication is not done, counted so far: duplicates removed; records "
        "screened and excluded; reports sought, assessed, excluded and new studies included; "
        "total studies included."
    )
    sections = ("## What is new", "## Version history", "## PRISMA 2020", "## Searches")
    for decided in (False, True):
        if decided:
            decide_maybe_pairs(outputs)
            ledger_of_now(config, outputs)
        write_report(config, outputs, tmp_path / "report")
        markdown = (tmp_path / "report/report.md").read_text(encoding="utf-8")
        new, versions, flow = (
            markdown[markdown.index(a) : markdown.index(b)] for a, b in pairwise(sections)
        )
        assert (
            f"_Counted so far: {waiting} possible duplicate pair(s) still to decide in "
            "dedup/maybe_pairs.xlsx may change the duplicates removed and the studies new to the "
            "library._" in new
        ) != decided
        assert (f"_{so_far}_" in versions) != decided
        assert (f"_{so_far}_" in flow) != decided
        pending = f"_Deduplication: {waiting} possible duplicate pair(s) to decide in "
        assert (pending in flow) != decided
        assert ("Not final" in markdown) != decided


def rendered(outputs: Path, tmp_path: Path) -> tuple[str, str]:
    """The demo's report on ``outputs``, rendered into ``tmp_path``: the HTML and the Markdown."""
    write_report(load_config(DEMO_CONFIG), outputs, tmp_path / "report")
    html = (tmp_path / "report/index.html").read_text(encoding="utf-8")
    return html, (tmp_path / "report/report.md").read_text(encoding="utf-8")


def page_text(html: str) -> str:
    """The text of an HTML page, tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_new_studies_are_the_included_ones_and_the_library_count_says_what_it_counts(
    demo_outputs: Path, tmp_path: Path
) -> None:
    # The library's new studies (before any screening) and the new studies included at full
    # text are different numbers; only the included ones are called new studies.
    html, markdown = rendered(demo_outputs, tmp_path)
    library = json.loads((demo_outputs / "library/counts.json").read_text())["new_studies"]
    (column,) = json.loads((demo_outputs / "prisma/ledger.json").read_text())["rounds"]
    included = column["counts"]["new_studies"]
    assert library != included
    for text in (page_text(html), markdown):
        assert f"{library} new to the library, before screening" in text
        found = re.findall(r"(\d+) new stud", text, flags=re.IGNORECASE)
        assert set(found) <= {str(included)}, found
    header = next(line for line in markdown.splitlines() if line.startswith("| Version |"))
    assert "| New studies included |" in header
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {column['label']} |"))
    cells = [cell.strip() for cell in header.split("|")], [cell.strip() for cell in row.split("|")]
    assert dict(zip(*cells, strict=True))["New studies included"] == str(included)


def section_words(text: str) -> set[str]:
    """The words and numbers of a text, case-folded, without Markdown emphasis or full stops."""
    return {w.strip("_.") for w in re.findall(r"[\w.%/-]+", text.casefold())} - {""}


# The figures, and the table captions and link words only a screen reader hears (each names
# what the heading or layout above it shows: no fact of its own).
HIDDEN_FROM_SIGHT = (
    r'<svg.*?</svg>|<img[^>]*>|<caption.*?</caption>|<span class="visually-hidden">.*?</span>'
)


def test_the_markdown_report_states_every_fact_the_html_page_does(
    demo_outputs: Path, tmp_path: Path
) -> None:
    html, markdown = rendered(demo_outputs, tmp_path)
    pages = re.split(r'<section id="[^"]+">', html[html.index("<main") :])[1:]
    twins = re.split(r"^## ", markdown, flags=re.MULTILINE)[1:]
    assert len(pages) == len(twins) == len(parse(html).sections)
    for page, twin in zip(pages, twins, strict=True):
        shown = re.sub(HIDDEN_FROM_SIGHT, " ", page, flags=re.DOTALL)
        missing = section_words(unescape(re.sub(r"<[^>]+>", " ", shown))) - section_words(twin)
        assert not missing, (twin.splitlines()[0], sorted(missing))
    # The strategies as run, exactly (a '|' escaped for the table), and automation by rule.
    searches = markdown[markdown.index("## Searches") : markdown.index("## Title/abstract")]
    with (demo_outputs / "search/prisma_s.csv").open(encoding="utf-8") as handle:
        strategies = [row["query"] for row in csv.DictReader(handle)]
    assert any("|" in query for query in strategies)  # OpenAlex's language:en|fr
    for query in strategies:
        cell = query.replace("|", "\\|")
        assert f"| `{cell}` |" in searches
    automation = json.loads((demo_outputs / "screening/automation_counts.json").read_text())
    by_rule = automation["excluded_by_rule"]
    rules = (  # named in words, not by their keys (publication_type, year)
        f"language {by_rule['language']}, publication type {by_rule['publication_type']}, "
        f"publication year {by_rule['year']}"
    )
    assert f"\nMarked ineligible by automation before screening: {rules}.\n" in markdown
    assert " pending; rule: third reviewer).\n" in markdown  # not its key, third_reviewer


@pytest.mark.parametrize(
    ("query", "cell"),
    [
        ("TS=(bond*) AND\n  LA=(English | French)", r"`TS=(bond*) AND LA=(English \| French)`"),
        ("title:`alliance` <b>", r"``title:`alliance` <b>``"),
        ("`alliance` OR bond", r"`` `alliance` OR bond ``"),
        ("a ``b`` c", r"```a ``b`` c```"),
        ("", ""),
    ],
)
def test_a_strategy_is_one_code_span_of_one_table_cell(query: str, cell: str) -> None:
    from livingreview.report.render import _md_code

    assert _md_code(query) == cell


def test_the_screening_counts_of_every_round_are_not_called_the_latest_round_s(
    demo_outputs: Path, tmp_path: Path
) -> None:
    """From round 2 on, status.json and outcome.json count the studies of every round (a
    scratch run's round 3 screened 1 study, 157 over its three rounds): the report said
    'Round 3: 157 studies to screen ...; 157 decided', beside a flow diagram whose round-3
    column screened 1."""
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    status = json.loads((outputs / "screening/status.json").read_text(encoding="utf-8"))
    html, markdown = rendered(outputs, tmp_path / "one")
    first = f"Round 1: {status['studies_to_screen']} studies to screen"
    assert first in markdown and first in page_text(html)
    status["round"] = 3
    (outputs / "screening/status.json").write_text(json.dumps(status), encoding="utf-8")
    html, markdown = rendered(outputs, tmp_path / "three")
    every = f"Rounds 1 to 3, all together: {status['studies_to_screen']} studies to screen"
    for text in (markdown, page_text(html)):
        assert every in text and "Round 3:" not in text
