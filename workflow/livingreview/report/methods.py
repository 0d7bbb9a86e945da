"""The methods paragraph, written from the protocol so that it always says what was run."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from livingreview.config import enabled_imports, enabled_sources
from livingreview.report import team as reviewers_of
from livingreview.report.checklist import SCR, guideline
from livingreview.report.earlier import dropped, export_dates
from livingreview.round_state import read_state, state_path

TOOL_NAMES = {
    "rob2": "RoB 2",
    "robins_i": "ROBINS-I",
    "robins_i_v2": "ROBINS-I V2",
    "quadas2": "QUADAS-2",
    "nos": "the Newcastle-Ottawa Scale",
}


def _counted(n: int, one: str, several: str) -> str:
    """``1 field``, ``2 fields``."""
    return f"{n} {one if n == 1 else several}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _described(name: str, spec: Mapping[str, Any], searched: Sequence[str] = ()) -> str:
    """``Database via platform (searched DATE)`` with whatever the protocol gives for a source
    (a platform named with parentheses, "PubMed (NCBI E-utilities)", reads without nesting);
    ``searched``: every date an export was searched on (default: the protocol's)."""
    text = spec.get("database") or name
    if spec.get("platform"):
        text += f" via {spec['platform']}"
    dates = list(searched) or ([str(spec["searched_on"])] if spec.get("searched_on") else [])
    if dates:
        text += f" (searched {_join(dates)})"
    return text


def _earlier_only(config: Mapping[str, Any]) -> list[str]:
    """Sentences naming the databases that earlier versions searched (through an API, or in an
    export they imported) and this version no longer does, each with the versions that did:
    their records are still counted in the flow diagram of all versions."""
    sentences = []
    for section, did in (
        ("sources", "searched, through their APIs,"),
        ("imports", "imported database exports from"),
    ):
        named = [
            f"{_described(name, spec, export_dates(config, name) if section == 'imports' else ())}"
            f" in {'version' if len(versions) == 1 else 'versions'} {_join(versions)}"
            for name, (spec, versions) in dropped(config, section).items()
        ]
        if named:
            sentences.append(f"Earlier versions also {did} {_join(named)}.")
    return sentences


def _windows(config: Mapping[str, Any]) -> str:
    """`` for records dated A to B``, or per round of ``rounds.yaml`` up to the current version:
    `` in 2 rounds: version V1 for records dated A to B; version V2 for records added C to D
    (overlapping the previous search of E by 7 days)``."""
    window = config["search"].get("date_range") or {}
    rounds = read_state(state_path(config)) if state_path(config).exists() else []
    versions = [str(r["version"]) for r in rounds]
    current = str(config["review"]["version"])
    if len(rounds) < 2 or current not in versions:
        dated = window.get("from") and window.get("to")
        return f" for records dated {window['from']} to {window['to']}" if dated else ""
    # From round 2 on, sources with a round_date_field are searched by the date records entered.
    added = all(config["sources"][n].get("round_date_field") for n in enabled_sources(config))
    parts = []
    for number, entry in enumerate(rounds[: versions.index(current) + 1]):
        start, end = entry.get("search_from", ""), entry.get("search_to", "")
        span = f"{start or 'the start'} to {end or 'the search date'}"
        if number == 0:
            parts.append(f"version {entry['version']} for records dated {span}")
            continue
        text = f"version {entry['version']} for records {'added' if added else 'dated'} {span}"
        if entry.get("previous_search"):
            text += (
                f" (overlapping the previous search of {entry['previous_search']} by "
                f"{entry.get('overlap_days', 0)} days)"
            )
        parts.append(text)
    return f" in {len(parts)} rounds: " + "; ".join(parts)


def _appraisal_sentence(config: Mapping[str, Any], tools_used: Collection[str] | None) -> list[str]:
    """Which tool rated which designs: the tools in use once studies are appraised, else the
    protocol's mapping."""
    designs: dict[str, list[str]] = {}
    for design, tool in (config["risk_of_bias"].get("tools_by_design") or {}).items():
        if tool != "none" and (tools_used is None or tool in tools_used):
            designs.setdefault(tool, []).append(design)
    if not designs:
        return []
    named = [f"{TOOL_NAMES.get(t, t)} ({', '.join(d)})" for t, d in sorted(designs.items())]
    return [f"Risk of bias was rated by study design with {_join(named)}."]


def _settled(config: Mapping[str, Any], section: str) -> str:
    """How ``section``'s disagreements were settled, naming the third reviewer the stage asks."""
    rule = config[section].get("decision_rule", "consensus")
    if rule == "third_reviewer":
        resolver = reviewers_of.resolver_name(config)
        return f"by a third reviewer, {resolver}" if resolver else "by a third reviewer"
    return "by consensus"


def _automation_sentences(config: Mapping[str, Any]) -> list[str]:
    """The rules that marked studies ineligible before screening, and the sheets' ranking."""
    rules = config.get("automation") or {}
    limits = []
    if rules.get("publication_types"):
        limits.append(
            f"publication type ({_counted(len(rules['publication_types']), 'type', 'types')})"
        )
    if rules.get("languages"):
        limits.append(f"language ({', '.join(map(str, rules['languages']))})")
    years = [f"from {rules['year_from']}"] if rules.get("year_from") else []
    years += [f"up to {rules['year_to']}"] if rules.get("year_to") else []
    if years:
        limits.append(f"publication year ({' '.join(years)})")
    said = []
    if limits:
        said.append(f"Before screening, studies were marked ineligible by rule on {_join(limits)}.")
    said.append(
        "Screening sheets listed studies in order of predicted relevance: by similarity to the "
        "review question, inclusion keywords and studies included so far until the decisions "
        "held both an include and an exclude, then by an active-learning classifier refitted "
        "on the decisions so far."
    )
    return said


def _screening_sentences(
    config: Mapping[str, Any],
    decided_by: Mapping[str, int] | None = None,
    agreement: Sequence[Mapping[str, str]] | None = None,
) -> list[str]:
    """Who screened titles and abstracts, how, and how disagreements were settled (single mode:
    one screener, and who verified the sample if any, from ``agreement``, the rows of
    ``screening/agreement.csv``), with those a person settled under the rule before an
    amendment (``decided_by``: ``screening/outcome.json``)."""
    team = reviewers_of.team(config, "screening", "screening")
    if not team:
        return []
    return _screened(config, team, agreement) + _settled_before(config, decided_by or {})


_SETTLED_AS = {"consensus": "by consensus", "third_reviewer": "by a third reviewer"}


def _settled_before(
    config: Mapping[str, Any], decided_by: Mapping[str, int], section: str = "screening"
) -> list[str]:
    """``Of the disagreements, 2 were settled by consensus, as the protocol asked before its
    decision rule was amended.`` (``Of the full-text disagreements`` for ``full_text``):
    resolutions a person returned keep counting after ``<section>.decision_rule`` changes
    (:func:`livingreview.screening.conflicts.decide`, :mod:`livingreview.fulltext.decide`)."""
    parts = settled_under_earlier_rule(config, decided_by, section)
    if not parts:
        return []
    which = "full-text disagreements" if section == "full_text" else "disagreements"
    return [
        f"Of the {which}, {_join(parts)}, as the protocol asked before its decision rule "
        "was amended."
    ]


def settled_under_earlier_rule(
    config: Mapping[str, Any], decided_by: Mapping[str, int], section: str = "screening"
) -> list[str]:
    """``2 were settled by consensus``: ``section``'s conflicts a person settled as another
    decision rule than the protocol's of now asked (``decided_by``: the stage's
    ``outcome.json``)."""
    rule = config[section].get("decision_rule", "consensus")
    return [
        f"{n} {'was' if n == 1 else 'were'} settled {_SETTLED_AS[how]}"
        for how, n in sorted(decided_by.items())
        if how in _SETTLED_AS and how != rule and n
    ]


def _screened(
    config: Mapping[str, Any],
    team: list[str],
    agreement: Sequence[Mapping[str, str]] | None = None,
) -> list[str]:
    """The screening sentences by the protocol of now (:func:`_screening_sentences`)."""
    screening = config["screening"]
    criteria = len((config.get("eligibility") or {}).get("criteria") or [])
    against = (
        f" against {_counted(criteria, 'eligibility criterion', 'eligibility criteria')}"
        if criteria
        else ""
    )
    if screening.get("mode", "dual") == "single":
        said = [f"Titles and abstracts were screened by {team[0]}{against}."]
        fraction = float((screening.get("verification_sample") or {}).get("fraction", 0))
        verifier = reviewers_of.verifiers(config, agreement)
        if fraction > 0 and verifier:
            said.append(
                f"{_join(verifier)} also screened a {fraction * 100:g}% sample of them; "
                + _screening_rule(config, "a study of it that either of them", "on it")
            )
        return said
    how = (
        "independently and blind to each other's decisions"
        if screening.get("blind", True)
        else "each sheet showing the other screeners' decisions so far"
    )
    said = [f"Titles and abstracts were screened by {_join(team)}, {how}"]
    said[0] += f",{against}." if against else "."
    anyone = "a study that either screener" if len(team) == 2 else "a study that any screener"
    rule = _screening_rule(config, anyone, "on titles and abstracts")
    said.append(rule[0].upper() + rule[1:])
    return said


def _screening_rule(config: Mapping[str, Any], either: str, where: str) -> str:
    """How the screening rule decides a disagreement, as the end of a sentence: ``<either>
    included or marked maybe went to full text.`` (``either_includes``) or ``disagreements
    <where> were settled by ...``."""
    if config["screening"].get("decision_rule") == "either_includes":
        return f"{either} included or marked maybe went to full text."
    return f"disagreements {where} were settled {_settled(config, 'screening')}."


def _full_text_sentences(
    config: Mapping[str, Any], decided_by: Mapping[str, int] | None = None
) -> list[str]:
    """Who assessed the full texts and how disagreements were settled, with those a person
    settled under the rule before an amendment (``decided_by``: ``fulltext/outcome.json``)."""
    team = reviewers_of.team(config, "full_text", "full_text")
    if not team:
        return []
    if config["full_text"].get("mode", "dual") == "single":
        return [f"Full texts were assessed by {team[0]}."]
    return [
        f"Full texts were assessed by {_join(team)}, independently; disagreements were settled "
        f"{_settled(config, 'full_text')}.",
        *_settled_before(config, decided_by or {}, "full_text"),
    ]


def _team_sentence(config: Mapping[str, Any], role: str, section: str, did: str) -> list[str]:
    """``A and B each <did> every study independently; differences were settled by
    consensus.`` (or ``by a third reviewer, C``: ``<section>.decision_rule``) in dual mode, or
    ``A <did> every study.`` (single)."""
    team = reviewers_of.team(config, role, section)
    if not team:
        return []
    if config[section].get("mode", "dual") == "single":
        return [f"{team[0]} {did} every study."]
    return [
        f"{_join(team)} each {did} every study independently; differences were settled "
        f"{_settled(config, section)}."
    ]


def _uncertain_pairs(counts: Mapping[str, Any] | None) -> str:
    """How the uncertain (maybe) pairs of the deduplication were decided, as the end of its
    sentence: by a person once some were; while none is decided, that they wait for a person;
    nothing when the library flagged none (``counts``: ``library/counts.json``, None before the
    library is built: the protocol's way)."""
    if counts is None or counts.get("maybe_decisions_applied"):
        return "; uncertain pairs were decided by a person"
    waiting = int(counts.get("maybe_pairs_pending") or 0)
    if waiting:
        return f"; uncertain pairs wait for a person to decide them ({waiting} so far)"
    return ""


def methods_paragraph(
    config: Mapping[str, Any],
    software_version: str,
    tools_used: Collection[str] | None = None,
    library_counts: Mapping[str, Any] | None = None,
    screening_decided_by: Mapping[str, int] | None = None,
    fulltext_decided_by: Mapping[str, int] | None = None,
    agreement: tuple[Sequence[Mapping[str, str]] | None, Sequence[Mapping[str, str]] | None] = (
        None,
        None,
    ),
) -> list[str]:
    """Sentences describing searches, deduplication, screening, extraction and appraisal;
    ``tools_used`` (risk-of-bias tools of the appraised studies) narrows the appraisal sentence;
    ``library_counts`` (``library/counts.json``) says whether any pair was uncertain;
    ``screening_decided_by`` (``screening/outcome.json``) how screening conflicts were settled,
    ``fulltext_decided_by`` (``fulltext/outcome.json``) how full-text conflicts were;
    ``agreement``: the rows of ``screening/agreement.csv`` and ``fulltext/agreement.csv``."""
    searched = [_described(n, config["sources"][n]) for n in enabled_sources(config)]
    exported = [
        _described(n, config["imports"][n], export_dates(config, n))
        for n in enabled_imports(config)
    ]
    sentences = []
    if searched:
        sentences.append(f"We searched {_join(searched)} through their APIs{_windows(config)}.")
    if exported:
        sentences.append(f"Database exports were imported from {_join(exported)}.")
    sentences.extend(_earlier_only(config))
    sentences.append(_dedup_sentence(config, software_version, library_counts))
    sentences.extend(_automation_sentences(config))
    sentences.extend(_screening_sentences(config, screening_decided_by, agreement[0]))
    sentences.extend(_full_text_sentences(config, fulltext_decided_by))
    sentences.extend(agreement_sentences(*agreement))
    fields = [f["label"] for f in config["extraction"]["fields"]]
    if fields:
        counted = _counted(len(fields), "field", "fields")
        sentences.append(f"Data were extracted on {counted}: {_join(fields)}.")
        sentences.extend(_team_sentence(config, "extraction", "extraction", "extracted"))
    else:
        sentences.append("The protocol lists no data extraction fields.")
    sentences.extend(_appraisal_sentences(config, tools_used))
    return sentences


#: The scale each stage's agreement is reported on, how the methods name it, what it counts.
AGREEMENT_SCALES = {
    "title/abstract": ("maybe=include", "maybe counted as include", "records"),
    "full text": ("include/exclude", "include or exclude", "reports"),
}


def agreement_by_pair(
    rows: Sequence[Mapping[str, str]] | None, scale: str
) -> list[Mapping[str, str]]:
    """Per reviewer pair, its agreement row on ``scale`` over every round it decided together
    (round ``all``, or its one round's)."""
    chosen: dict[tuple[str, str], Mapping[str, str]] = {}
    for row in rows or []:
        pair = (row["reviewer_a"], row["reviewer_b"])
        if row["scale"] == scale and (row["round"] == "all" or pair not in chosen):
            chosen[pair] = row
    return [chosen[pair] for pair in sorted(chosen)]


def agreed_of(row: Mapping[str, str]) -> str:
    """``10 of 11`` from an agreement row's n and percent agreement."""
    n = int(row["n"])
    agreed = round(float(row["percent_agreement"] or 0) * n / 100)
    return f"{agreed} of {n}"


def kappa_text(row: Mapping[str, str]) -> str:
    """``kappa 0.81, 95% CI 0.47 to 1.00`` (or ``kappa undefined``) of an agreement row."""
    if not row["kappa"]:
        return "kappa undefined"
    low, high = float(row["kappa_ci95_low"]), float(row["kappa_ci95_high"])
    return f"kappa {float(row['kappa']):.2f}, 95% CI {low:.2f} to {high:.2f}"


def _pair_agreement(row: Mapping[str, str], unit: str) -> str:
    percent = float(row["percent_agreement"] or 0)
    return (
        f"{row['reviewer_a']} and {row['reviewer_b']}, {agreed_of(row)} {unit} "
        f"({percent:.1f}%, {kappa_text(row)})"
    )


def agreement_sentences(
    screening: Sequence[Mapping[str, str]] | None, full_text: Sequence[Mapping[str, str]] | None
) -> list[str]:
    """The agreement between reviewers at each stage with a pair of reviewers (the rows of
    ``screening/agreement.csv`` and ``fulltext/agreement.csv``), each pair over all rounds."""
    parts = []
    for stage, rows in (("title/abstract", screening), ("full text", full_text)):
        scale, named, unit = AGREEMENT_SCALES[stage]
        pairs = [_pair_agreement(row, unit) for row in agreement_by_pair(rows, scale)]
        if pairs:
            parts.append(f"at {stage} ({named}): {'; '.join(pairs)}")
    if not parts:
        return []
    return [
        "Agreement between reviewers was measured per pair of reviewers as percent agreement "
        f"and Cohen's kappa (95% CI); {'; '.join(parts)}."
    ]


def _dedup_sentence(
    config: Mapping[str, Any], software_version: str, counts: Mapping[str, Any] | None
) -> str:
    """The deduplication's settings and how its uncertain pairs were decided (``counts``:
    ``library/counts.json``)."""
    policy = config["deduplication"]["policy"]
    return (
        "Records were deduplicated with livingreview "
        f"{software_version} (conference abstracts vs articles: {policy['conference_vs_article']}; "
        f"errata vs articles: {policy['erratum_vs_article']}; maximum year gap "
        f"{policy['max_year_gap']}; versions of one Cochrane review: {policy['review_versions']}); "
        "records sharing a PubMed, PubMed Central or trial-register id were linked as "
        f"duplicates automatically{_uncertain_pairs(counts)}."
    )


def _appraisal_sentences(
    config: Mapping[str, Any], tools_used: Collection[str] | None
) -> list[str]:
    """Which tool rated which designs and who assessed; a scoping review (PRISMA-ScR) that
    appraises nothing says so (optional there)."""
    appraisal = _appraisal_sentence(config, tools_used)
    if appraisal:
        return appraisal + _team_sentence(config, "risk_of_bias", "risk_of_bias", "assessed")
    if guideline(config) == SCR:
        return [f"The sources of evidence were not critically appraised (optional in {SCR})."]
    return []
