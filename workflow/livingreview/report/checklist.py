"""The reporting checklist the pipeline fills in itself: the protocol's guideline (PRISMA 2020,
every item and sub-item, or PRISMA-ScR for a scoping review: see :func:`guideline`), PRISMA-S
and, once the review has versions, PRISMA-LSR's item L1. Each row says whether this review's
outputs report the item, give its facts for the authors to write up, or leave it to the authors;
where (a section of ``report/index.html`` that is rendered with content, or an output file,
relative to the outputs folder); and what, in facts of this review. Only item numbers and short
topic names are taken from the checklists, never their wording."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livingreview import __version__
from livingreview.config import enabled_imports, enabled_sources
from livingreview.fileio import atomic_write_text
from livingreview.prisma.ledger import NOT_SEARCHED, Column, box_count
from livingreview.prisma_s import source_labels
from livingreview.report import earlier, exclusions
from livingreview.report import team as reviewers_of
from livingreview.report.changes import CHANGELOG_NAME, TOOL_NAMES, Changelog
from livingreview.report.sections import read_csv_if_present
from livingreview.reviewforms import table_text
from livingreview.screening.decisions import REASON_JOIN

CSV_NAME = "prisma_checklist.csv"
MARKDOWN_NAME = "prisma_checklist.md"
COLUMNS = ("checklist", "item", "section", "topic", "status", "where", "what")
PAGE = "report/index.html"
# What each status means, in the order the summary counts them.
STATUSES = {
    "reported": "the pipeline's outputs report it",
    "partly": "the pipeline gives the facts, the authors write the text",
    "pending": "the pipeline reports it once the stage named has run",
    "authors": "for the authors: the pipeline cannot know it",
}
AUTHORS = "Written by the authors."
LIBRARY_COUNTS = "library/counts.json"
LIBRARY_DECISIONS = "library/decisions.csv"  # every decision on a maybe pair, the library's
FINAL_SCREENING = "screening/final_decisions.csv"  # each study's title/abstract decision


@dataclass(frozen=True)
class Facts:
    """What the checklist is filled in from: the protocol, the stage outputs the report read,
    the outputs folder and the ids of the report sections rendered with content."""

    config: Mapping[str, Any]
    read: Mapping[str, Any]
    outputs: Path
    ready: frozenset[str]
    changelog: Changelog | None = None  # this version's changes (protocol amendments among them)

    def anchors(self, *ids: str) -> list[str]:
        """``report/index.html#id`` for each section rendered with content."""
        return [f"{PAGE}#{i}" for i in ids if i in self.ready]

    def files(self, *paths: str) -> list[str]:
        """The output files among ``paths`` that exist."""
        return [p for p in paths if (self.outputs / p).is_file()]

    def names(self, role: str) -> list[str]:
        """The reviewers with ``role``, by name."""
        return reviewers_of.holders(self.config, role)


@dataclass(frozen=True)
class Entry:
    """One row's status, places and summary."""

    status: str
    where: tuple[str, ...] = ()
    what: str = AUTHORS


Filler = Callable[[Facts], Entry]


def _entry(status: str, where: Iterable[str], what: str) -> Entry:
    return Entry(status, tuple(dict.fromkeys(where)), what)


def _authors(what: str = AUTHORS) -> Filler:
    return lambda _facts: Entry("authors", (), what)


def _waiting(what: str) -> Entry:
    return Entry("pending", (), f"Waiting for {what}.")


def _join(items: Iterable[str]) -> str:
    return "; ".join(items)


def _count(n: int | None) -> str:
    return "n/a" if n is None else str(n)


def _rule(value: str) -> str:
    return value.replace("_", " ")


# -- sources and searches -----------------------------------------------------------------------


def _boxed(config: Mapping[str, Any], *boxes: str) -> list[str]:
    """The databases of the imports counted in one of the PRISMA ``boxes``."""
    imports = config.get("imports") or {}
    return [
        str(imports[name].get("database") or name)
        for name in enabled_imports(config)
        if imports[name].get("prisma_box", "database") in boxes
    ]


def _searches(facts: Facts) -> list[dict[str, str]] | None:
    return facts.read["prisma_s"]


def _search_places(facts: Facts) -> list[str]:
    return facts.anchors("search") + facts.files("search/prisma_s.md", "search/prisma_s.csv")


def _with_searches(render: Callable[[Facts, list[dict[str, str]]], Entry]) -> Filler:
    """A filler that needs the searches' table, pending until the searches have run."""

    def fill(facts: Facts) -> Entry:
        rows = _searches(facts)
        return _waiting("the searches and imports") if rows is None else render(facts, rows)

    return fill


def _named(rows: list[dict[str, str]]) -> list[tuple[str, dict[str, str]]]:
    """Each search row with its name for people: the database, with the platform where two
    rows name one database (see :func:`livingreview.prisma_s.source_labels`)."""
    return list(zip(source_labels(rows), rows, strict=True))


def _not_searched_again(facts: Facts, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The protocol's imports this version did not search again (``database``, ``platform``,
    ``searched_on``): exports of an earlier version, left out of the round's searches
    (``rows``) but still sources of the review."""
    searched = {r["source"] for r in rows}
    imports = facts.config.get("imports") or {}
    return [
        {
            "database": str(imports[name].get("database") or name),
            "platform": str(imports[name].get("platform") or ""),
            "searched_on": str(imports[name].get("searched_on", "")),
        }
        for name in enabled_imports(facts.config)
        if name not in searched
    ]


@dataclass(frozen=True)
class _Dropped:
    """A database an earlier version searched through its API (``api``) or imported, and this
    version no longer does."""

    database: str
    platform: str
    api: bool
    versions: tuple[str, ...]  # the versions that ran it, oldest first
    last: str  # the date an export was last searched on ('' if none, or searched through an API)

    @property
    def when(self) -> str:
        """``version V`` or ``versions V1, V2``."""
        return f"version{'s' if len(self.versions) > 1 else ''} {', '.join(self.versions)}"


def _no_longer_run(facts: Facts) -> list[_Dropped]:
    """The databases earlier versions searched and this one no longer does
    (:func:`livingreview.report.earlier.dropped`, as the methods paragraph names them): their
    records still count in the flow diagram of all versions."""
    found = []
    for section in ("sources", "imports"):
        for name, (spec, versions) in earlier.dropped(facts.config, section).items():
            dates = earlier.export_dates(facts.config, name) if section == "imports" else []
            found.append(
                _Dropped(
                    str(spec.get("database") or name),
                    str(spec.get("platform") or ""),
                    section == "sources",
                    tuple(versions),
                    dates[-1] if dates else "",
                )
            )
    return found


def _how_dropped(found: _Dropped) -> str:
    """``searched through its API in version V, no longer searched`` (an export: imported)."""
    if found.api:
        return f"searched through its API in {found.when}, no longer searched"
    return f"an export imported in {found.when}, no longer imported"


def _sources_dated(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    dated = [f"{n} last searched {r['date_searched']}" for n, r in _named(rows)]
    dated += [
        f"{e['database']} last searched {e['searched_on']} (an earlier version's export, not "
        "searched again)"
        for e in _not_searched_again(facts, rows)
    ]
    for d in _no_longer_run(facts):
        if d.api:
            how = f"in version {d.versions[-1]} (through its API; no longer searched)"
        else:
            how = f"{d.last or 'in version ' + d.versions[-1]} ({_how_dropped(d)})"
        dated.append(f"{d.database} last searched {how}")
    return _entry("reported", _search_places(facts), _join(dated))


KINDS = {"api_search": "searched through an API", "database_export": "imported from exports"}


def _strategies(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    kinds = Counter(KINDS.get(r["kind"], _rule(r["kind"])) for r in rows)
    made = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    what = f"Each strategy exactly as run, with its limits, for {len(rows)} sources ({made})."
    missing = [name for name, r in _named(rows) if not r["query"].strip()]
    if not missing:
        return _entry("reported", _search_places(facts), what)
    what = (
        f"Strategies as run for {len(rows) - len(missing)} of {len(rows)} sources ({made}); "
        f"none recorded for {', '.join(missing)} (no `query` in the protocol)."
    )
    return _entry("partly", _search_places(facts), what)


def _database_names(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    named = [
        f"{r['database'] or r['source']} ({r['platform'] or 'no platform given'})" for r in rows
    ]
    named += [
        f"{e['database']} ({e['platform'] or 'no platform given'}; an earlier version's export)"
        for e in _not_searched_again(facts, rows)
    ]
    named += [
        f"{d.database} ({d.platform or 'no platform given'}; {_how_dropped(d)})"
        for d in _no_longer_run(facts)
    ]
    return _entry("reported", _search_places(facts), _join(named))


def _platforms(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    by_platform: dict[str, list[str]] = {}
    for r in rows:
        by_platform.setdefault(r["platform"], []).append(r["database"] or r["source"])
    shared = [f"{p}: {', '.join(d)}" for p, d in by_platform.items() if p and len(d) > 1]
    what = (
        "Several databases on one platform: " + _join(shared)
        if shared
        else f"Each of the {len(rows)} databases was searched on a platform of its own."
    )
    return _entry("reported", _search_places(facts), what)


def _registers(facts: Facts) -> Entry:
    found = _boxed(facts.config, "register")
    if not found:
        return _entry("reported", facts.anchors("search", "flow"), "None: no source is a register.")
    return _entry("reported", facts.anchors("search", "flow"), "Registers: " + ", ".join(found))


def _other_box(*boxes: str) -> Filler:
    def fill(facts: Facts) -> Entry:
        found = _boxed(facts.config, *boxes)
        if not found:
            return Entry(
                "authors",
                (),
                f"No source of the protocol is counted as {' or '.join(map(_rule, boxes))}.",
            )
        return _entry("reported", facts.anchors("search", "flow"), ", ".join(found))

    return fill


def _limits(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    limited = [f"{name}: {r['limits']}" for name, r in _named(rows) if r["limits"]]
    rules = (facts.read["automation"] or {}).get("rules") or facts.config.get("automation") or {}
    before = []
    if rules.get("publication_types"):
        before.append(f"{len(rules['publication_types'])} publication types excluded")
    if rules.get("languages"):
        before.append("languages " + ", ".join(rules["languages"]))
    if rules.get("year_from"):
        before.append(f"from {rules['year_from']}")
    if rules.get("year_to"):
        before.append(f"up to {rules['year_to']}")
    what = _join(limited) or "No limits recorded"
    if before:
        what += ". Before screening: " + ", ".join(before)
    return _entry("partly", _search_places(facts), what + ". Their reasons are for the authors.")


def _filters(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    what = "Any filter is part of the strategies as run; naming and citing it is for the authors."
    return _entry("partly", _search_places(facts), what)


def _totals(facts: Facts, rows: list[dict[str, str]]) -> Entry:
    counts = [f"{name} {r['retrieved']}" for name, r in _named(rows)]
    total = sum(int(r["retrieved"]) for r in rows if r["retrieved"].isdigit())
    where = _search_places(facts) + facts.anchors("flow")
    versions = _rounds(facts)
    latest = f"Version {versions[-1]}'s searches: " if len(versions) > 1 else ""
    return _entry("reported", where, f"{latest}{_join(counts)}; {total} records in all.")


def _round_fields(config: Mapping[str, Any]) -> list[str]:
    return [
        f"{spec.get('database') or name} by {spec['round_date_field']}"
        for name, spec in ((n, config["sources"][n]) for n in enabled_sources(config))
        if spec.get("round_date_field")
    ]


def _rounds(facts: Facts) -> list[str]:
    """The versions the PRISMA ledger counts, oldest first."""
    ledger = facts.read["prisma_ledger"] or {}
    return [str(r["label"]) for r in ledger.get("rounds", [])]


def _update_method(config: Mapping[str, Any]) -> str:
    """How an update searches: the API searches re-run by date, the database exports by hand."""
    parts = []
    if enabled_sources(config):
        api = (
            "an update re-runs each API search for the records since the previous search, "
            f"reaching back {config['search'].get('round_overlap_days', 7)} days"
        )
        fields = _round_fields(config)
        parts.append(api + (" (" + ", ".join(fields) + ")" if fields else ""))
    if enabled_imports(config):
        parts.append(
            "each database searched by hand is searched again and its new export imported "
            "(an export an earlier version imported is not counted again)"
        )
    return "; ".join(parts)


def _updates(facts: Facts) -> Entry:
    config, versions = facts.config, _rounds(facts)
    method = _update_method(config)
    where = facts.anchors("versions", "methods")
    if len(versions) > 1:
        return _entry(
            "reported", where, f"{len(versions)} versions ({', '.join(versions)}); {method}."
        )
    return _entry("partly", where, f"One version so far; planned: {method}.")


def _deduplication(facts: Facts) -> Entry:
    counts = facts.read["library_counts"]
    if counts is None:
        return _waiting("deduplication (the library of studies)")
    policy = facts.config["deduplication"]["policy"]
    rules = ", ".join(f"{_rule(k)}: {v}" for k, v in policy.items())
    versions = _rounds(facts)
    # the library's counts are its current round's: named so beside 16a's sums of every version
    latest = f"version {versions[-1]}: " if len(versions) > 1 else ""
    what = (
        f"livingreview: {latest}{counts['duplicates_removed']} duplicates removed of "
        f"{counts['records_identified']} records ({rules}); {_decided(facts, latest)}, "
        f"{counts.get('maybe_pairs_pending', 0)} still to decide."
    )
    where = facts.anchors("new", "methods") + facts.files(LIBRARY_COUNTS, LIBRARY_DECISIONS)
    return _entry("reported", where, what)


def _decided(facts: Facts, latest: str) -> str:
    """The uncertain pairs a person decided: of a later version, those holding a record new in
    it, beside the decisions of all versions (which ``maybe_decisions_applied`` counts)."""
    total = facts.read["library_counts"].get("maybe_decisions_applied", 0)
    if not latest:
        return f"{total} uncertain pairs decided by a person"
    own = _decided_in_round(facts)
    if own is None:
        return f"{total} uncertain pairs decided by a person in all versions"
    return (
        f"{own} uncertain pairs with a record new in this version decided by a person "
        f"(all versions: {total})"
    )


def _decided_in_round(facts: Facts) -> int | None:
    """The decided pairs (``library/decisions.csv``) whose newer record was first identified in
    the library's current round (``library/groups.csv``); None when a file is missing."""
    round_no = facts.read["library_counts"].get("round")
    groups = facts.read.get("library_groups")
    decided = read_csv_if_present(facts.outputs / LIBRARY_DECISIONS)
    if round_no is None or groups is None or decided is None:
        return None
    first = {row["record_id"]: int(row["round"]) for row in groups}
    return sum(
        1
        for row in decided
        if row["decision"]
        and max(first.get(row["record_a"], 0), first.get(row["record_b"], 0)) == round_no
    )


# -- PRISMA 2020 methods ------------------------------------------------------------------------


def _title(facts: Facts) -> Entry:
    return _title_saying("living")(facts)


def _title_saying(*words: str) -> Filler:
    """The title and version, and which of ``words`` the title says."""

    def fill(facts: Facts) -> Entry:
        review = facts.config["review"]
        said = " and ".join(w for w in words if w in review["title"].casefold())
        what = f"Title: {review['title']} (version {review['version']})"
        what += f"; the title says {said}." if said else "."
        return _entry("partly", [PAGE], what)

    return fill


def _rationale(facts: Facts) -> Entry:
    seed = facts.config["review"].get("seed_publication") or {}
    if not seed:
        return _authors()(facts)
    cited = seed.get("citation") or seed.get("doi") or seed.get("pmid")
    return Entry("authors", (), f"The review builds on: {cited}")


def _objectives(facts: Facts) -> Entry:
    return _entry("partly", [PAGE], f"Question: {facts.config['review']['question']}")


def _eligibility(facts: Facts) -> Entry:
    eligibility = facts.config.get("eligibility") or {}
    criteria = eligibility.get("criteria") or []
    if not criteria:
        return Entry("authors", (), "The protocol lists no eligibility criteria.")
    named = ", ".join(_rule(str(c.get("element") or c["id"])) for c in criteria)
    reasons = facts.config.get("exclusion_reasons") or {}
    what = (
        f"{len(criteria)} criteria in the protocol ({named}); "
        f"{len(reasons.get('title_abstract') or [])} title/abstract and "
        f"{len(reasons.get('full_text') or [])} full-text exclusion reasons."
    )
    return _entry("partly", facts.anchors("methods") + facts.files("protocol.json"), what)


def _people(names: list[str]) -> str:
    """``2 reviewers (A, B)``."""
    if not names:
        return "no reviewer named"
    return f"{len(names)} reviewer{'s' if len(names) > 1 else ''} ({', '.join(names)})"


def _resolved_by(facts: Facts, section: str) -> str:
    """``section``'s decision rule, naming the resolver of a third-reviewer rule (the first
    reviewer with the role, the one the stage asks)."""
    rule = str(facts.config[section].get("decision_rule", "consensus"))
    if rule != "third_reviewer":
        return _rule(rule)
    return f"{_rule(rule)} ({reviewers_of.resolver_name(facts.config) or 'no resolver named'})"


def _earlier_rule(facts: Facts, section: str = "screening") -> str:
    """`` (2 were settled by consensus, under the rule before an amendment)`` when a person
    settled ``section``'s conflicts (``screening`` or ``full_text``) as an earlier decision rule
    asked (kept after the amendment)."""
    from livingreview.report.methods import settled_under_earlier_rule  # (methods imports this)

    outcome = "screening_outcome" if section == "screening" else "fulltext_outcome"
    decided_by = (facts.read.get(outcome) or {}).get("decided_by") or {}
    earlier_rule = settled_under_earlier_rule(facts.config, decided_by, section)
    if not earlier_rule:
        return ""
    return f" ({', '.join(earlier_rule)}, under the rule before an amendment)"


def _screened_by(facts: Facts) -> str:
    """Who screens titles and abstracts and how their disagreements are settled."""
    screening = facts.config["screening"]
    mode = screening.get("mode", "dual")
    blind = ", blind" if screening.get("blind", True) else ""
    screeners = reviewers_of.team(facts.config, "screening", "screening")
    text = f"title/abstract: {mode}{blind}, by {_people(screeners)}"
    fraction = float((screening.get("verification_sample") or {}).get("fraction", 0))
    if mode == "dual":
        return f"{text}, disagreements by {_resolved_by(facts, 'screening')}{_earlier_rule(facts)}"
    if fraction <= 0:
        return text
    verifier = reviewers_of.verifiers(facts.config, facts.read.get("agreement"))
    return (
        f"{text}, a {fraction * 100:g}% sample verified by "
        f"{', '.join(verifier) or 'no second reviewer named'}, disagreements by "
        f"{_resolved_by(facts, 'screening')}"
    )


def _selection(facts: Facts) -> Entry:
    outcome = facts.read["screening_outcome"]
    if outcome is None or facts.read["screening_status"] is None:
        return _waiting("the screening sheets")
    config = facts.config
    screening, full_text = config["screening"], config["full_text"]
    assessed = f"full text: {full_text.get('mode', 'dual')} by "
    assessed += _people(reviewers_of.team(facts.config, "full_text", "full_text"))
    if full_text.get("mode", "dual") == "dual":
        assessed += f", disagreements by {_resolved_by(facts, 'full_text')}"
        assessed += _earlier_rule(facts, "full_text")
    parts = [_screened_by(facts), assessed, *_agreement(facts)]
    automation = facts.read["automation"]
    if automation is not None:
        rules = ", ".join(f"{_rule(k)} {n}" for k, n in automation["excluded_by_rule"].items())
        parts.append(f"automation: {automation['excluded']} marked ineligible ({rules})")
    if screening.get("seed_studies"):
        parts.append(_seeds(screening["seed_studies"], facts.read["screening_status"]))
    where = facts.anchors("screening", "flow", "methods")
    return _entry("reported", where, _join(parts) + ".")


def _agreement(facts: Facts) -> list[str]:
    """``full-text agreement r1/r2 90.9% of 11 reports (kappa 0.81)`` per stage and reviewer
    pair over all rounds (``screening/agreement.csv``, ``fulltext/agreement.csv``)."""
    from livingreview.report.methods import AGREEMENT_SCALES, agreement_by_pair  # (cycle)

    said = []
    tables = (("title/abstract", "agreement"), ("full text", "fulltext_agreement"))
    for stage, key in tables:
        scale, _, unit = AGREEMENT_SCALES[stage]
        for row in agreement_by_pair(facts.read.get(key), scale):
            kappa = f"kappa {float(row['kappa']):.2f}" if row["kappa"] else "kappa undefined"
            said.append(
                f"{stage.replace(' ', '-')} agreement {row['reviewer_a']}/{row['reviewer_b']} "
                f"{float(row['percent_agreement'] or 0):.1f}% of {row['n']} {unit} ({kappa})"
            )
    return said


def _seeds(named: list[str], status: Mapping[str, Any]) -> str:
    """What the protocol's seed studies did: ranked the sheets, or were not in the library."""
    found = status.get("seed_studies_found")
    if found is None:  # a status written before the screening step recorded them
        return "sheets ranked from seed studies " + ", ".join(named)
    if not found:
        return (
            f"seed studies {', '.join(named)} named in the protocol, none of them in the "
            "library: sheets ranked without them"
        )
    return f"sheets ranked from seed studies {', '.join(named)} ({len(found)} in the library)"


def _fields(facts: Facts) -> list[Mapping[str, Any]]:
    return list(facts.config["extraction"]["fields"])


def _no_fields() -> Entry:
    return Entry("authors", (), "The protocol lists no extraction fields (extraction.fields).")


def _collection(facts: Facts) -> Entry:
    if not _fields(facts):
        return _no_fields()
    status = facts.read["extraction_status"]
    if status is None:
        return _waiting("data extraction")
    studies = status.get("studies") or {}
    extractors = reviewers_of.team(facts.config, "extraction", "extraction")
    settled = _settled_by(facts, "extraction", status, int(studies.get("disagreement", 0)))
    what = (
        f"{status.get('mode', 'dual')} extraction on forms by "
        f"{_people(extractors)}{settled}; {studies.get('final', 0)} of "
        f"{status.get('studies_included', 0)} included studies final."
    )
    where = facts.anchors("methods", "studies") + facts.files("extraction/studies.csv")
    if settled:
        where += facts.files("extraction/settled_disagreements.csv")
    return _entry("reported", where, what)


def _settled_by(
    facts: Facts, section: str, status: Mapping[str, Any] | None, still_open: int
) -> str:
    """``, disagreements by <rule>: N studies settled (M fields; K by X), J still open`` for a
    dual stage (or one whose consensus forms settled some study), counts once the stage's
    ``status.json`` has them (``still_open``: studies whose disagreement waits)."""
    settled = (status or {}).get("settled_disagreements")
    if facts.config[section].get("mode", "dual") != "dual" and not (settled or {}).get("studies"):
        return ""
    text = f", disagreements by {_resolved_by(facts, section)}"
    if settled is None:  # a status.json from before the counts
        return text
    n, what = settled["studies"], "field" if section == "extraction" else "item"
    m = settled[f"{what}s"]
    details = [f"{m} {what}{'' if m == 1 else 's'}"] if n else []
    by = settled.get("by_resolver") or {}
    if set(by) - {(status or {}).get("resolver")}:  # some settled otherwise than the rule says
        names = {r["id"]: r.get("name", r["id"]) for r in facts.config.get("reviewers") or []}
        details += [f"{k} by {names.get(who, who)}" for who, k in by.items()]
    text += f": {n} {'study' if n == 1 else 'studies'} settled" if n else ": none settled yet"
    text += f" ({'; '.join(details)})" if details else ""
    return text + (f", {still_open} still open" if still_open else "")


def _data_items(which: str) -> Filler:
    def fill(facts: Facts) -> Entry:
        fields = _fields(facts)
        if not fields:
            return _no_fields()
        labels = ", ".join(str(f["label"]) for f in fields)
        what = f"{len(fields)} extraction fields: {labels}. Which are {which} is for the authors."
        return _entry("partly", facts.files("protocol.json", "extraction/studies.csv"), what)

    return fill


def _tools(facts: Facts) -> dict[str, list[str]]:
    """Each risk-of-bias tool of the protocol and the designs it rates: once studies are
    appraised, only the tools in use (as the methods paragraph says)."""
    summary = facts.read["rob_summary"]
    used = {r["tool"] for r in summary} if summary else None
    designs: dict[str, list[str]] = {}
    for design, tool in (facts.config["risk_of_bias"].get("tools_by_design") or {}).items():
        if tool != "none" and (used is None or tool in used):
            designs.setdefault(tool, []).append(design)
    return designs


NO_ROB = "The protocol configures no risk-of-bias tool (risk_of_bias.tools_by_design)."


def _rob_methods(facts: Facts) -> Entry:
    tools = _tools(facts)
    if not tools:
        return Entry("authors", (), NO_ROB)
    rated = [f"{TOOL_NAMES.get(t, t)} ({', '.join(d)})" for t, d in sorted(tools.items())]
    mode = facts.config["risk_of_bias"].get("mode", "dual")
    assessors = reviewers_of.team(facts.config, "risk_of_bias", "risk_of_bias")
    status = facts.read.get("rob_status")
    still_open = int((status or {}).get("disagreements", 0))
    settled = _settled_by(facts, "risk_of_bias", status, still_open)
    what = f"{_join(rated)}; {mode} assessment by {_people(assessors)} per study{settled}."
    where = facts.anchors("methods", "rob") + facts.files("rob/summary.csv")
    if settled:
        where += facts.files("rob/settled_disagreements.csv")
    return _entry("reported", where, what)


def _tabulation(facts: Facts) -> Entry:
    report = facts.config["report"]
    columns, evidence = report.get("study_columns") or [], report.get("evidence_fields") or []
    if not _fields(facts) or not (columns or evidence):
        return _authors()(facts)
    what = (
        f"Tables: included studies ({len(columns)} extraction columns) and the evidence matrix "
        f"({len(evidence)} fields, tallied by value); how they group studies is for the authors."
    )
    return _entry("partly", facts.anchors("studies", "evidence"), what)


# -- PRISMA 2020 results ------------------------------------------------------------------------


def _identified(column: Column) -> str:
    """Item 16a's records from databases and from registers; either reads "no ... searched"
    where the diagram draws it not searched (:func:`ledger.box_count`), never 0."""
    databases = box_count(column, "database_results")
    registers = box_count(column, "register_results")
    parts = [
        "no database searched"
        if databases == NOT_SEARCHED
        else f"{_count(column.n('database_results'))} records from databases",
        "no register searched"
        if registers == NOT_SEARCHED
        else f"{_count(column.n('register_results'))} "
        + ("from registers" if databases != NOT_SEARCHED else "records from registers"),
    ]
    return ", ".join(parts)


def _selection_counts(column: Column) -> str:
    n = column.n
    before = [n("excluded_automatic"), n("excluded_other")]
    removed = None if None in before else sum(k for k in before if k is not None)
    excluded = column.items("dbr_excluded")
    parts = [
        _identified(column),
        f"{_count(n('duplicates'))} duplicates and {_count(removed)} other "
        f"{'record' if removed == 1 else 'records'} removed before screening",
        f"{_count(n('records_screened'))} screened, {_count(n('records_excluded'))} excluded",
        f"{_count(n('dbr_sought_reports'))} reports sought, "
        f"{_count(n('dbr_notretrieved_reports'))} not retrieved",
        f"{_count(n('dbr_assessed'))} assessed, "
        f"{_count(None if excluded is None else sum(k for _, k in excluded))} excluded",
    ]
    if n("other_sought_reports") is not None:
        parts.append(
            f"other methods: {n('other_sought_reports')} reports sought, "
            f"{_count(n('other_assessed'))} assessed"
        )
    studies, reports = n("removed_studies") or 0, n("removed_reports") or 0
    if studies or reports:
        parts.append(
            f"{studies} {'study' if studies == 1 else 'studies'} and {reports} "
            f"{'report' if reports == 1 else 'reports'} removed from a previous version on "
            "re-assessment"
        )
    parts.append(
        f"{_count(n('total_studies'))} studies in {_count(n('total_reports'))} reports included"
    )
    return _join(parts)


def _study_selection(facts: Facts) -> Entry:
    ledger = facts.read["prisma_ledger"]
    if ledger is None:
        return _waiting("the PRISMA counts ledger")
    column = Column.from_json({**ledger["cumulative"], "label": "all versions"})
    what = _selection_counts(column)
    if len(ledger["rounds"]) > 1:
        what = f"All {len(ledger['rounds'])} versions: " + what
    if column.pending:
        what += "; counted so far (pending: " + ", ".join(sorted(column.pending)) + ")"
    where = facts.anchors("flow", "versions") + facts.files("prisma/flow.svg", "prisma/ledger.json")
    # counts a stage will still change are not yet what the review reports (as for item 18)
    return _entry("pending" if column.pending else "reported", where, what + ".")


def _tally(counts: Counter[str]) -> str:
    """``label n, label m``, most first."""
    return ", ".join(
        f"{label} {n}" for label, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    )


def _excluded(facts: Facts) -> Entry:
    rows = facts.read["excluded"]
    if rows is None:
        return _waiting("full-text assessment")
    listed = _tally(Counter(r["reason_label"] for r in rows))
    reports = "report" if len(rows) == 1 else "reports"
    what = f"{len(rows)} {reports} excluded at full text, each with its reason" + (
        f": {listed}." if listed else "."
    )
    found = exclusions.accounting(facts.config, rows, facts.read["prisma_ledger"])
    what = " ".join(filter(None, [what, exclusions.summary(found, "marked in the list")]))
    return _entry(
        "reported", facts.anchors("exclusions") + facts.files("fulltext/excluded.csv"), what
    )


def _characteristics(facts: Facts) -> Entry:
    columns = facts.config["report"].get("study_columns") or []
    if not _fields(facts):
        return _no_fields()
    if not columns:
        return Entry("authors", (), "The protocol names no study columns (report.study_columns).")
    included = facts.read["included"]
    if included is None:
        return _waiting("full-text assessment")
    labels = {f["id"]: f["label"] for f in _fields(facts)}
    what = f"{len(included)} included studies by {', '.join(labels[c] for c in columns)}."
    where = facts.anchors("studies") + facts.files("extraction/studies.csv")
    return _entry("reported", where, what)


def _rob_results(facts: Facts) -> Entry:
    if not _tools(facts):
        return Entry("authors", (), NO_ROB)
    rows = facts.read["rob_summary"]
    if rows is None:
        return _waiting("risk-of-bias assessment")
    where = facts.anchors("rob") + facts.files("rob/summary.csv")
    if not rows:
        return _entry("reported", where, "No included study has a design rated by a tool.")
    final = Counter(r["tool"] for r in rows if r["status"] == "final")
    found = Counter(r["tool"] for r in rows)
    by_tool = [f"{TOOL_NAMES.get(t, t)} {final[t]} of {n}" for t, n in sorted(found.items())]
    done = sum(final.values())
    what = f"{done} of {len(rows)} studies assessed as final ({', '.join(by_tool)})."
    return _entry("reported" if done == len(rows) else "pending", where, what)


def _with_evidence(say: Callable[[Facts, list[str]], str]) -> Filler:
    """A filler on the evidence matrix's fields (``report.evidence_fields``): the authors' when
    the protocol names none, waiting for extraction, then ``say``'s text (``partly``)."""

    def fill(facts: Facts) -> Entry:
        fields = facts.config["report"].get("evidence_fields") or []
        if not _fields(facts) or not fields:
            return _authors()(facts)
        if "evidence" not in facts.ready:
            return _waiting("data extraction")
        return _entry("partly", facts.anchors("evidence"), say(facts, fields))

    return fill


def _values_shown(facts: Facts, fields: list[str]) -> str:
    labels = {f["id"]: f["label"] for f in _fields(facts)}
    return (
        f"Each study's values of {', '.join(labels[f] for f in fields)}; "
        "what they show is for the authors."
    )


_individual = _with_evidence(_values_shown)


def _registration(facts: Facts) -> Entry:
    registration = facts.config["review"].get("registration")
    if not registration:
        return Entry("authors", (), "The protocol records no registration.")
    return _entry("reported", ("report/index.html#registration",), f"Registration: {registration}")


def _protocol(facts: Facts) -> Entry:
    review = facts.config["review"]
    what = (
        f"The protocol as run (review {review['id']}, version {review['version']}); "
        "where it is published is for the authors."
    )
    return _entry("partly", facts.files("protocol.json"), what)


def _amendments(facts: Facts) -> Entry:
    """Item 24c: where the amendments of the protocol since the previous version are listed."""
    log, why = facts.changelog, "Why, and amendments to the registration, are for the authors."
    if log is None or not log.previous:
        return Entry("authors", (), f"First version: no earlier protocol to compare with. {why}")
    if not log.protocol_compared:
        return Entry(
            "authors",
            (),
            f"Not available for this version: version {log.previous} kept no protocol to "
            f"compare with. {why}",
        )
    now = [r["item"] for r in log.rows if r["change"] == "protocol_amended"]
    earlier = Counter(r["version"] for r in log.earlier if r["change"] == "protocol_amended")
    what = (
        f"Amendments since version {log.previous}: {len(now)}, listed in the changelog"
        f" ({', '.join(dict.fromkeys(now))})."
        if now
        else f"None since version {log.previous}."
    )
    if earlier:
        what += " Earlier: " + ", ".join(f"{n} in version {v}" for v, n in earlier.items()) + "."
    where = [*facts.anchors("new"), f"report/{CHANGELOG_NAME}"]
    return _entry("partly", where, f"{what} {why}")


SHARED = (
    "protocol.json",
    "search/prisma_s.csv",
    "library/records.csv",
    "screening/decisions.csv",
    "fulltext/decisions.csv",
    "extraction/studies.csv",
    "rob/summary.csv",
    "prisma/ledger.json",
)


def _availability(facts: Facts) -> Entry:
    what = (
        f"Made with livingreview {__version__}; the protocol, records, decisions and tables "
        "are in the outputs folder. Where they are shared is for the authors."
    )
    return _entry("partly", facts.files(*SHARED), what)


# -- PRISMA-LSR ---------------------------------------------------------------------------------


def _living(facts: Facts) -> Entry:
    from livingreview.report.status import search_windows  # status reads the whole report

    versions = _rounds(facts)
    windows = search_windows(facts.config)
    shown = [
        f"{v} (searches {windows[v][0] or 'start'} to {windows[v][1] or 'search date'})"
        if v in windows
        else v
        for v in versions
    ]
    what = (
        f"Versions: {', '.join(shown)}. The schedule of searches and later stages, and any "
        "plan to retire the review, are for the authors."
    )
    return _entry("partly", facts.anchors("versions"), what)


def _is_living(facts: Facts) -> bool:
    """The review has versions: the ledger counts at least one round."""
    return bool(_rounds(facts))


# -- PRISMA-ScR ---------------------------------------------------------------------------------

P = "PRISMA 2020"
SCR = "PRISMA-ScR"
# how a protocol's ``review.reporting_guideline`` names each checklist (case, and a space or a
# hyphen after PRISMA, free; hyphens pasted from a PDF or a word processor too, U+2010 to U+2013);
# PRISMA-ScR also by its full name; a bare "PRISMA" or PRISMA-S names neither
_DASH = r"[\s\-_\u2010-\u2014]"  # re reads the \u escapes; an underscore or em dash too
GUIDELINE_NAMES = {
    SCR: re.compile(
        rf"\bPRISMA{_DASH}?ScR\b|\bextension\s+for\s+scoping\s+reviews?\b"
        rf"|\bPRISMA{_DASH}+for\s+scoping\s+reviews?\b",
        re.IGNORECASE,
    ),
    P: re.compile(rf"\bPRISMA{_DASH}?2020\b", re.IGNORECASE),
}


def guideline(config: Mapping[str, Any]) -> str:
    """The checklist the review reports with: of PRISMA 2020 and PRISMA-ScR, the one
    ``review.reporting_guideline`` names first; when it names neither, PRISMA-ScR for
    ``review.type: scoping`` and PRISMA 2020 (the default) for every other review."""
    review = config["review"]
    text = str(review.get("reporting_guideline") or "")
    found = {
        name: match.start()
        for name, pattern in GUIDELINE_NAMES.items()
        if (match := pattern.search(text))
    }
    if found:
        return min(found, key=found.__getitem__)
    return SCR if review.get("type") == "scoping" else P


NOT_APPRAISED = (
    "Not done (optional in PRISMA-ScR): the protocol configures no appraisal tool "
    "(risk_of_bias.tools_by_design)."
)


def _appraisal(fill: Filler) -> Filler:
    """Critical appraisal (optional in PRISMA-ScR): ``fill`` (the risk-of-bias filler) when the
    protocol gives some design a tool, else not done, as the methods paragraph says."""

    def appraised(facts: Facts) -> Entry:
        if _tools(facts):
            return fill(facts)
        return _entry("reported", facts.anchors("methods"), NOT_APPRAISED)

    return appraised


def _protocol_and_registration(facts: Facts) -> Entry:
    """One item for both: the registration if the protocol records one, and the protocol as
    run."""
    registration, protocol = _registration(facts), _protocol(facts)
    return _entry(
        "partly", registration.where + protocol.where, f"{registration.what} {protocol.what}"
    )


def _charted_items(facts: Facts) -> Entry:
    fields = _fields(facts)
    if not fields:
        return _no_fields()
    labels = ", ".join(str(f["label"]) for f in fields)
    what = (
        f"{len(fields)} charting fields, defined in the protocol: {labels}. Assumptions and "
        "simplifications are for the authors."
    )
    return _entry("partly", facts.files("protocol.json", "extraction/studies.csv"), what)


# the worse of two statuses, for an item two fillers share
_ORDER = ("pending", "partly", "reported")


def _screening_reasons(facts: Facts) -> Entry:
    """The reasons studies were excluded at title/abstract, from their final decisions: a
    decision giving several (:data:`~livingreview.screening.decisions.REASON_JOIN`) counts
    under each."""
    rows = facts.read["screening_final"]
    if rows is None:
        return _waiting("the screening sheets")
    labels = {r["id"]: r["label"] for r in facts.config["exclusion_reasons"]["title_abstract"]}
    excluded = [r["reason"] for r in rows if r["decision"] == "exclude"]
    given = [reason.split(REASON_JOIN) if reason else [] for reason in excluded]
    tally = Counter(labels.get(part, part) for parts in given for part in parts)
    tally["no reason given"] = sum(1 for parts in given if not parts)
    what = f"{len(given)} studies excluded at title/abstract"
    if given:
        what += f", by reason: {_tally(+tally)}"
    if any(len(parts) > 1 for parts in given):
        what += " (a study excluded for several reasons counts under each)"
    return _entry("reported", facts.files(FINAL_SCREENING), what + ".")


def _sources_selected(facts: Facts) -> Entry:
    """The flow's counts with the reasons for exclusion at each stage: title/abstract, and
    full text (PRISMA 2020's 16a and 16b, one item in PRISMA-ScR)."""
    parts = [_study_selection(facts), _screening_reasons(facts), _excluded(facts)]
    status = min((p.status for p in parts), key=_ORDER.index)
    where = [w for p in parts for w in p.where]
    return _entry(status, where, " ".join(p.what for p in parts))


def _charted_tallies(facts: Facts, fields: list[str]) -> str:
    """The evidence matrix: the charted values tallied per field."""
    return (
        f"Evidence matrix: the studies per answer of {len(fields)} charted fields; how they "
        "relate to the review questions is for the authors."
    )


# -- the items ----------------------------------------------------------------------------------

S = "PRISMA-S"
SM = "Information sources and methods"
Item = tuple[str, str, str, str, Filler]  # checklist, item, section, topic, filler
ITEMS: tuple[Item, ...] = (
    (P, "1", "Title", "Title", _title),
    (P, "2", "Abstract", "Abstract", _authors()),
    (P, "3", "Introduction", "Rationale", _rationale),
    (P, "4", "Introduction", "Objectives", _objectives),
    (P, "5", "Methods", "Eligibility criteria", _eligibility),
    (P, "6", "Methods", "Information sources", _with_searches(_sources_dated)),
    (P, "7", "Methods", "Search strategy", _with_searches(_strategies)),
    (P, "8", "Methods", "Selection process", _selection),
    (P, "9", "Methods", "Data collection process", _collection),
    (P, "10a", "Methods", "Data items", _data_items("outcomes")),
    (P, "10b", "Methods", "Data items", _data_items("other variables")),
    (P, "11", "Methods", "Study risk of bias assessment", _rob_methods),
    (P, "12", "Methods", "Effect measures", _authors("The pipeline computes no effect measure.")),
    *((P, f"13{x}", "Methods", "Synthesis methods", _authors()) for x in "ab"),
    (P, "13c", "Methods", "Synthesis methods", _tabulation),
    *((P, f"13{x}", "Methods", "Synthesis methods", _authors()) for x in "def"),
    (P, "14", "Methods", "Reporting bias assessment", _authors()),
    (P, "15", "Methods", "Certainty assessment", _authors()),
    (P, "16a", "Results", "Study selection", _study_selection),
    (P, "16b", "Results", "Study selection", _excluded),
    (P, "17", "Results", "Study characteristics", _characteristics),
    (P, "18", "Results", "Risk of bias in studies", _rob_results),
    (P, "19", "Results", "Results of individual studies", _individual),
    *((P, f"20{x}", "Results", "Results of syntheses", _authors()) for x in "abcd"),
    (P, "21", "Results", "Reporting biases", _authors()),
    (P, "22", "Results", "Certainty of evidence", _authors()),
    *((P, f"23{x}", "Discussion", "Discussion", _authors()) for x in "abcd"),
    (P, "24a", "Other information", "Registration and protocol", _registration),
    (P, "24b", "Other information", "Registration and protocol", _protocol),
    (P, "24c", "Other information", "Registration and protocol", _amendments),
    (P, "25", "Other information", "Support", _authors()),
    (P, "26", "Other information", "Competing interests", _authors()),
    (P, "27", "Other information", "Availability of data, code and other materials", _availability),
)  # fmt: skip
SCOPING_ITEMS: tuple[Item, ...] = (
    (SCR, "1", "Title", "Title", _title_saying("scoping", "living")),
    (SCR, "2", "Abstract", "Structured summary", _authors()),
    (SCR, "3", "Introduction", "Rationale", _rationale),
    (SCR, "4", "Introduction", "Objectives", _objectives),
    (SCR, "5", "Methods", "Protocol and registration", _protocol_and_registration),
    (SCR, "6", "Methods", "Eligibility criteria", _eligibility),
    (SCR, "7", "Methods", "Information sources", _with_searches(_sources_dated)),
    (SCR, "8", "Methods", "Search", _with_searches(_strategies)),
    (SCR, "9", "Methods", "Selection of sources of evidence", _selection),
    (SCR, "10", "Methods", "Data charting process", _collection),
    (SCR, "11", "Methods", "Data items", _charted_items),
    (SCR, "12", "Methods", "Critical appraisal (optional)", _appraisal(_rob_methods)),
    (SCR, "13", "Methods", "Synthesis of results", _tabulation),
    (SCR, "14", "Results", "Selection of sources of evidence", _sources_selected),
    (SCR, "15", "Results", "Characteristics of sources of evidence", _characteristics),
    (SCR, "16", "Results", "Critical appraisal within sources (optional)",
     _appraisal(_rob_results)),
    (SCR, "17", "Results", "Results of individual sources of evidence", _individual),
    (SCR, "18", "Results", "Synthesis of results", _with_evidence(_charted_tallies)),
    (SCR, "19", "Discussion", "Summary of evidence", _authors()),
    (SCR, "20", "Discussion", "Limitations", _authors()),
    (SCR, "21", "Discussion", "Conclusions", _authors()),
    (SCR, "22", "Funding", "Funding", _authors()),
)  # fmt: skip
SEARCH_ITEMS: tuple[Item, ...] = (
    (S, "1", SM, "Database name", _with_searches(_database_names)),
    (S, "2", SM, "Multi-database searching", _with_searches(_platforms)),
    (S, "3", SM, "Study registries", _registers),
    (S, "4", SM, "Online resources and browsing", _other_box("websites", "organisations")),
    (S, "5", SM, "Citation searching", _other_box("citation_searching")),
    (S, "6", SM, "Contacts", _authors()),
    (S, "7", SM, "Other methods", _authors()),
    (S, "8", "Search strategies", "Full search strategies", _with_searches(_strategies)),
    (S, "9", "Search strategies", "Limits and restrictions", _with_searches(_limits)),
    (S, "10", "Search strategies", "Search filters", _with_searches(_filters)),
    (S, "11", "Search strategies", "Prior work", _authors()),
    (S, "12", "Search strategies", "Updates", _updates),
    (S, "13", "Search strategies", "Dates of searches", _with_searches(_sources_dated)),
    (S, "14", "Peer review", "Peer review", _authors()),
    (S, "15", "Managing records", "Total records", _with_searches(_totals)),
    (S, "16", "Managing records", "Deduplication", _deduplication),
)  # fmt: skip
LIVING_ITEM = ("PRISMA-LSR", "L1", "Methods", "Living mode parameters", _living)


def build(
    config: Mapping[str, Any],
    read: Mapping[str, Any],
    outputs: Path,
    ready: Iterable[str],
    changelog: Changelog | None = None,
) -> list[dict[str, str]]:
    """The checklist rows (:data:`COLUMNS`, ``where`` joined by ``; ``), from the protocol, the
    stage outputs the report read, the ids of the sections rendered with content and this
    version's changelog."""
    facts = Facts(config, read, outputs, frozenset([*ready, "methods"]), changelog)
    main = SCOPING_ITEMS if guideline(config) == SCR else ITEMS
    items = [*main, *SEARCH_ITEMS] + ([LIVING_ITEM] if _is_living(facts) else [])
    rows = []
    for checklist, item, section, topic, fill in items:
        entry = fill(facts)
        rows.append(
            {
                "checklist": checklist,
                "item": item,
                "section": section,
                "topic": topic,
                "status": entry.status,
                "where": "; ".join(entry.where),
                "what": entry.what,
            }
        )
    return rows


# places under the page heading that are no section: their id and how the page names them
HEADER_PLACES = {"registration": "the registration under the page heading"}


def _place(where: str, titles: Mapping[str, str]) -> dict[str, str]:
    """One place of a row for the page: a section (its id and title) or a file path."""
    page, _, anchor = where.partition("#")
    if page != PAGE:
        return {"anchor": "", "text": where, "file": "yes"}
    if not anchor:
        return {"anchor": "", "text": "the page heading", "file": ""}
    text = titles.get(anchor) or HEADER_PLACES.get(anchor, anchor)
    return {"anchor": anchor, "text": text, "file": ""}


def context(
    config: Mapping[str, Any],
    read: Mapping[str, Any],
    outputs: Path,
    sections: Sequence[Any],
    changelog: Changelog | None = None,
) -> dict[str, Any]:
    """What the report's checklist part shows: the rows (each with its places for the page),
    how many rows have each status, and the file names."""
    titles = {s.id: s.title for s in sections} | {"methods": "Methods"}
    rows = build(config, read, outputs, [s.id for s in sections if s.ready], changelog)
    counts = Counter(r["status"] for r in rows)
    return {
        "rows": rows,
        "places": [[_place(w, titles) for w in r["where"].split("; ") if w] for r in rows],
        "statuses": [(s, counts[s], meaning) for s, meaning in STATUSES.items()],
        "guideline": guideline(config),
        "living": any(r["checklist"] == LIVING_ITEM[0] for r in rows),
        "csv": CSV_NAME,
        "markdown": MARKDOWN_NAME,
    }


def write(out_dir: Path, rows: Sequence[Mapping[str, str]], markdown: str) -> None:
    """``prisma_checklist.csv`` and ``prisma_checklist.md`` in ``out_dir``."""
    atomic_write_text(out_dir / CSV_NAME, table_text(COLUMNS, rows))
    atomic_write_text(out_dir / MARKDOWN_NAME, markdown)
