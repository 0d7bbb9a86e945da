"""The methods paragraph says what the protocol ran, in sentences that read right for every
protocol: no extraction fields, no eligibility criteria, one of each, every risk-of-bias tool."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from livingreview.config import load_config
from livingreview.fileio import write_json
from livingreview.report.context import collect, read_outputs
from livingreview.report.methods import methods_paragraph
from livingreview.screening.conflicts import Resolution, decide
from livingreview.screening.decisions import ScreeningDecision
from tests.report.earlier_versions import version_two_dropping_three
from tests.report.test_report import DEMO_CONFIG


def sentence(config: dict[str, Any], start: str, tools: set[str] | None = None) -> str:
    """The sentence of the methods paragraph that begins with ``start`` ('' when none does)."""
    found = [s for s in methods_paragraph(config, "0.0", tools) if s.startswith(start)]
    assert len(found) <= 1, found
    return found[0] if found else ""


def test_no_extraction_fields_and_no_eligibility_criteria_are_said_so() -> None:
    config = load_config(DEMO_CONFIG)
    config["extraction"]["fields"] = []
    config["eligibility"]["criteria"] = []
    # before: "Data were extracted on 0 fields: ." and "... against 0 eligibility criteria."
    assert sentence(config, "Data were extracted") == ""
    assert sentence(config, "The protocol lists no data extraction fields") != ""
    # nor who extracted them (the extraction reviewers' sentence came all the same)
    assert not [s for s in methods_paragraph(config, "0.0") if " each extracted " in s]
    screened = sentence(config, "Titles and abstracts were screened by")
    assert screened.endswith(".") and "eligibility" not in screened and " 0 " not in screened


def test_one_field_and_one_criterion_are_counted_in_the_singular() -> None:
    config = load_config(DEMO_CONFIG)
    config["extraction"]["fields"] = config["extraction"]["fields"][:1]
    config["eligibility"]["criteria"] = config["eligibility"]["criteria"][:1]
    label = config["extraction"]["fields"][0]["label"]
    assert sentence(config, "Data were extracted") == f"Data were extracted on 1 field: {label}."
    assert sentence(config, "Titles and abstracts").endswith(" against 1 eligibility criterion.")
    several = load_config(DEMO_CONFIG)
    n = len(several["eligibility"]["criteria"])
    assert n > 1 and sentence(several, "Titles").endswith(f" against {n} eligibility criteria.")


def test_every_tool_the_protocol_may_name_is_called_by_its_name() -> None:
    config = load_config(DEMO_CONFIG)
    config["risk_of_bias"]["tools_by_design"] = {"diagnostic accuracy": "quadas2", "RCT": "rob2"}
    # before: "... with RoB 2 (RCT) and quadas2 (diagnostic accuracy)."
    assert sentence(config, "Risk of bias") == (
        "Risk of bias was rated by study design with QUADAS-2 (diagnostic accuracy) and "
        "RoB 2 (RCT)."
    )
    assert sentence(config, "Risk of bias", {"rob2"}) == (
        "Risk of bias was rated by study design with RoB 2 (RCT)."
    )


def test_single_screening_names_only_the_reviewer_who_screens() -> None:
    config = load_config(DEMO_CONFIG)
    config["screening"]["mode"] = "single"
    config["screening"]["verification_sample"] = {"fraction": 0, "seed": 1}
    # before: "Titles and abstracts were screened by Reviewer 1 and Reviewer 2 against 6 ...",
    # though single mode gives sheets to Reviewer 1 only
    assert sentence(config, "Titles and abstracts") == (
        "Titles and abstracts were screened by Reviewer 1 against 6 eligibility criteria."
    )
    assert sentence(config, "Disagreements on titles") == ""
    config["screening"]["verification_sample"]["fraction"] = 0.2
    assert sentence(config, "Reviewer 2 also screened") == (
        "Reviewer 2 also screened a 20% sample of them; disagreements on it were settled by a "
        "third reviewer, Reviewer 3."
    )


def test_dual_stages_say_independent_blind_and_who_settles_disagreements() -> None:
    config = load_config(DEMO_CONFIG)
    # before: no sentence said independent, blind, the decision rule, the full-text assessors,
    # the extractors or the risk-of-bias assessors, which checklist items 8, 9 and 11 place here
    assert sentence(config, "Titles and abstracts") == (
        "Titles and abstracts were screened by Reviewer 1 and Reviewer 2, independently and blind "
        "to each other's decisions, against 6 eligibility criteria."
    )
    assert sentence(config, "Disagreements on titles") == (
        "Disagreements on titles and abstracts were settled by a third reviewer, Reviewer 3."
    )
    assert sentence(config, "Full texts") == (
        "Full texts were assessed by Reviewer 1 and Reviewer 2, independently; disagreements "
        "were settled by a third reviewer, Reviewer 3."
    )
    both = "Reviewer 1 and Reviewer 2 each "
    assert sentence(config, both + "extracted").endswith(" settled by consensus.")
    assert sentence(config, both + "assessed every study").endswith(" settled by consensus.")
    config["screening"].update(blind=False, decision_rule="either_includes")
    config["full_text"]["mode"] = config["extraction"]["mode"] = "single"
    # before: "..., independently, against 6 ...", though each sheet shows the other's decisions
    assert sentence(config, "Titles and abstracts") == (
        "Titles and abstracts were screened by Reviewer 1 and Reviewer 2, each sheet showing the "
        "other screeners' decisions so far, against 6 eligibility criteria."
    )
    assert sentence(config, "Disagreements on titles") == ""
    assert sentence(config, "A study that either screener included") != ""
    # three screeners: not "either"
    config["reviewers"].append({"id": "r9", "name": "Reviewer 9", "roles": ["screening"]})
    assert sentence(config, "A study that any screener included") != ""
    config["reviewers"].pop()
    assert sentence(config, "Full texts") == "Full texts were assessed by Reviewer 1."
    assert sentence(config, "Reviewer 1 extracted") == "Reviewer 1 extracted every study."


def test_automation_before_screening_and_the_ranking_are_reported() -> None:
    config = load_config(DEMO_CONFIG)
    n = len(config["automation"]["publication_types"])
    # before: the methods named no automation, though 2 demo studies were excluded by rule
    assert sentence(config, "Before screening") == (
        f"Before screening, studies were marked ineligible by rule on publication type ({n} "
        "types), language (English, French) and publication year (from 2010)."
    )
    ranked = sentence(config, "Screening sheets listed studies in order of predicted relevance")
    # before: only "an active-learning classifier", which cannot be fitted before an include
    # and an exclude are known
    assert "by similarity to the review question" in ranked and "then by an active" in ranked
    assert "trial-register id were linked" in sentence(config, "Records were deduplicated")
    config["automation"] = {"publication_types": [], "languages": []}
    assert sentence(config, "Before screening") == ""


def test_the_verified_sample_is_settled_by_the_protocol_s_rule() -> None:
    config = load_config(DEMO_CONFIG)
    config["screening"].update(
        mode="single", decision_rule="either_includes", verification_sample={"fraction": 0.025}
    )
    # before: "Reviewer 2 also screened a 2% sample of them; disagreements on it were settled by
    # consensus.", though either_includes sends a study either of them included to full text
    assert sentence(config, "Reviewer 2 also screened") == (
        "Reviewer 2 also screened a 2.5% sample of them; a study of it that either of them "
        "included or marked maybe went to full text."
    )


def test_an_export_searched_in_several_rounds_gives_every_search_date(tmp_path: Path) -> None:
    """Version 3 imported a new PsycInfo export each round and Web of Science in round 1 only:
    the methods gave PsycInfo's last date alone (searched 2025-12-01)."""
    config = load_config(DEMO_CONFIG)
    config["deduplication"]["history_dir"] = str(tmp_path)
    config["review"]["version"] = "2025.3"
    config["imports"]["psycinfo"]["searched_on"] = "2025-12-01"
    recorded = {"2025.1": {"psycinfo": "2024-11-25", "wos": "2024-11-25"},
                "2025.2": {"psycinfo": "2025-06-02"}}  # fmt: skip
    for number, (version, imports) in enumerate(recorded.items(), start=1):
        folder = tmp_path / version
        (folder / "imports").mkdir(parents=True)
        write_json(folder / "round.json", {"round": number, "version": version})
        for name, searched_on in imports.items():
            write_json(
                folder / f"imports/{name}.json", {"import": name, "searched_on": searched_on}
            )
    said = sentence(config, "Database exports were imported from")
    assert "APA PsycInfo via APA PsycNET (searched 2024-11-25, 2025-06-02 and 2025-12-01)" in said
    assert (
        "Web of Science Core Collection via Clarivate Web of Science (searched 2024-11-25)" in said
    )
    assert "Google Scholar via Publish or Perish (searched 2024-11-25)" in said


def test_uncertain_pairs_are_said_decided_only_when_a_person_decided_some() -> None:
    """Before, the methods said 'uncertain pairs were decided by a person' also of a review
    whose library flagged no uncertain pair, and of one whose pairs were all still waiting."""
    config = load_config(DEMO_CONFIG)
    start = "Records were deduplicated with livingreview"

    def said(counts: dict[str, int] | None) -> str:
        return sentence_with(config, start, counts)

    decided = "linked as duplicates automatically; uncertain pairs were decided by a person."
    assert said(None).endswith(decided)  # before the library is built: the protocol's way
    assert said({"maybe_decisions_applied": 2, "maybe_pairs_pending": 5}).endswith(decided)
    none = said({"maybe_decisions_applied": 0, "maybe_pairs_pending": 0})
    assert none.endswith("were linked as duplicates automatically.")
    assert "uncertain" not in none
    waiting = said({"maybe_decisions_applied": 0, "maybe_pairs_pending": 3})
    assert waiting.endswith("; uncertain pairs wait for a person to decide them (3 so far).")


def sentence_with(config: dict[str, Any], start: str, counts: dict[str, int] | None) -> str:
    """The sentence beginning with ``start`` of the methods written with library ``counts``."""
    (found,) = [s for s in methods_paragraph(config, "0.0", None, counts) if s.startswith(start)]
    return found


def test_the_report_s_methods_read_the_library_s_counts() -> None:
    config = load_config(DEMO_CONFIG)
    outputs = Path("/nonexistent/outputs")
    counts = {"round": 1, "version": "2025.1", "records_identified": 9, "duplicates_removed": 0,
              "new_studies": 9, "studies_in_library": 9, "maybe_decisions_applied": 0,
              "maybe_pairs_pending": 0}  # fmt: skip
    read = read_outputs(outputs) | {"library_counts": counts}
    methods = " ".join(collect(config, outputs, read=read)["methods"])
    assert "linked as duplicates automatically." in methods and "uncertain" not in methods


def test_databases_an_earlier_version_ran_and_this_one_dropped_are_named(tmp_path: Path) -> None:
    """Version 2025.1 searched MEDLINE, Europe PMC and OpenAlex and imported Google Scholar;
    version 2025.2 turned MEDLINE and OpenAlex off and dropped the Google Scholar import. The
    methods of 2025.2 said 'We searched Europe PMC ... in 2 rounds' and named no Google Scholar,
    while the flow diagram of all versions still counts their records (found on a scratch run
    of the demo and two later rounds: MEDLINE 52 and OpenAlex 85 records, no database named)."""
    config = version_two_dropping_three(tmp_path)
    assert sentence(config, "We searched Europe PMC via Europe PMC REST API through their APIs")
    said = sentence(config, "Earlier versions also searched")
    assert said == (
        "Earlier versions also searched, through their APIs, MEDLINE via PubMed (NCBI "
        "E-utilities) in version 2025.1 and OpenAlex via OpenAlex API in version 2025.1."
    ), said
    said = sentence(config, "Earlier versions also imported")
    assert said == (
        "Earlier versions also imported database exports from Google Scholar via Publish or "
        "Perish (searched 2024-11-25) in version 2025.1."
    ), said
    config["review"]["version"] = "2025.1"  # the version itself names nothing twice
    assert not sentence(config, "Earlier versions also")


def test_conflicts_settled_under_the_rule_before_an_amendment_are_said_so() -> None:
    """screening.decision_rule amended from consensus to third_reviewer: the screeners' consensus
    on one conflict keeps counting (how 'consensus' in final_decisions.csv), but the methods said
    every disagreement was 'settled by a third reviewer, Reviewer 3'."""
    config = load_config(DEMO_CONFIG)
    config["screening"]["decision_rule"] = "third_reviewer"
    votes = [
        ScreeningDecision(s, r, "title_abstract", 1, v, "", "", f"{r}.xlsx", 2, "")
        for s, pair in (("S1", ("include", "exclude")), ("S2", ("exclude", "include")))
        for r, v in zip(("r1", "r2"), pair, strict=True)
    ]
    agreed = Resolution("S1", 1, "exclude", "consensus", "", "", "conflicts/agreed.xlsx", 2, "")
    by_r3 = replace(agreed, study_id="S2", resolver="r3", file="conflicts/r3.xlsx")
    outcome = decide(votes, [agreed, by_r3], rule="third_reviewer").counts()
    assert outcome["decided_by"] == {"consensus": 1, "third_reviewer": 1}
    outputs = Path("/nonexistent/outputs")
    read = read_outputs(outputs) | {"screening_outcome": outcome}
    methods = collect(config, outputs, read=read)["methods"]
    (said,) = [s for s in methods if s.startswith("Of the disagreements")]
    assert said == (
        "Of the disagreements, 1 was settled by consensus, as the protocol asked before its "
        "decision rule was amended."
    )
    assert "settled by a third reviewer, Reviewer 3." in " ".join(methods)
    config["screening"]["decision_rule"] = "either_includes"
    assert sentence_with_settled(config, outcome["decided_by"]) == (
        "Of the disagreements, 1 was settled by consensus and 1 was settled by a third reviewer, "
        "as the protocol asked before its decision rule was amended."
    )
    assert sentence_with_settled(config, {"either_includes": 4}) == ""


def sentence_with_settled(config: dict[str, Any], decided_by: dict[str, int]) -> str:
    """The methods sentence on conflicts settled before the decision rule was amended."""
    found = [
        s
        for s in methods_paragraph(config, "0.0", None, None, decided_by)
        if s.startswith("Of the disagreements")
    ]
    return found[0] if found else ""


# screening/agreement.csv of a single-screening review whose verifier r2 left after round 1
# and r4 took over (rows as `livingreview agreement` writes them; one scale shown)
HANDED_OVER = """stage,round,reviewer_a,reviewer_b,scale,n,percent_agreement,kappa,kappa_se,\
kappa_ci95_low,kappa_ci95_high,pabak,table,note
title_abstract,1,r1,r2,maybe=include,6,83.3333,0.6667,0.2981,0.0824,1.0000,0.6667,\
include: 2 0 | exclude: 1 3,
title_abstract,2,r1,r4,maybe=include,2,100.0000,1.0000,0.0000,1.0000,1.0000,1.0000,\
include: 1 0 | exclude: 0 1,
title_abstract,all,r1,r2,maybe=include,6,83.3333,0.6667,0.2981,0.0824,1.0000,0.6667,\
include: 2 0 | exclude: 1 3,
"""


def test_a_verifier_who_left_is_still_named_beside_the_one_who_took_over() -> None:
    import csv
    import io

    from livingreview.report import checklist

    config = load_config(DEMO_CONFIG)
    config["screening"].update(mode="single", verification_sample={"fraction": 0.5, "seed": 7})
    config["reviewers"][1]["roles"] = ["full_text", "extraction", "risk_of_bias"]
    config["reviewers"].append({"id": "r4", "name": "Reviewer 4", "roles": ["screening"]})
    rows = list(csv.DictReader(io.StringIO(HANDED_OVER)))
    said = methods_paragraph(config, "0.0", agreement=(rows, None))
    # before: "Reviewer 4 also screened a 50% sample of them; ...", though Reviewer 2 screened
    # round 1's sample and the agreement sentence beside it names r1 and r2
    assert [s for s in said if "also screened" in s] == [
        "Reviewer 2 and Reviewer 4 also screened a 50% sample of them; disagreements on it "
        "were settled by a third reviewer, Reviewer 3."
    ]
    read = {
        "screening_outcome": {"decision_rule": "third_reviewer"},
        "screening_status": {},
        "automation": None,
        "agreement": rows,
    }
    facts = checklist.Facts(config, read, Path("/nonexistent"), frozenset())
    assert "a 50% sample verified by Reviewer 2, Reviewer 4, disagreements by" in (
        checklist._selection(facts).what
    )
    # before any returned sheet the protocol's second screener of now is named
    assert any(s.startswith("Reviewer 4 also screened") for s in methods_paragraph(config, "0.0"))


def test_round_one_s_dual_partner_is_no_verifier_of_single_screening_since(tmp_path: Path) -> None:
    import csv
    import io

    from livingreview.report import checklist
    from livingreview.report.amendments import methods_text

    # Version 2025.1 screened dual (r1 and r2, its kept protocol says so); 2025.2 screens
    # single, r2 has left and r4 verifies the sample: HANDED_OVER's rows are those of this review.
    earlier = load_config(DEMO_CONFIG)
    assert earlier["screening"]["mode"] == "dual"
    folder = tmp_path / "history/2025.1"
    (folder / "report").mkdir(parents=True)
    write_json(folder / "round.json", {"round": 1, "version": "2025.1"})
    (folder / "report/protocol.json").write_text(methods_text(earlier), encoding="utf-8")
    config = load_config(DEMO_CONFIG)
    config["deduplication"]["history_dir"] = str(tmp_path / "history")
    config["review"]["version"] = "2025.2"
    config["screening"].update(mode="single", verification_sample={"fraction": 0.5, "seed": 7})
    config["reviewers"][1]["roles"] = ["full_text", "extraction", "risk_of_bias"]
    config["reviewers"].append({"id": "r4", "name": "Reviewer 4", "roles": ["screening"]})
    rows = list(csv.DictReader(io.StringIO(HANDED_OVER)))
    said = methods_paragraph(config, "0.0", agreement=(rows, None))
    # before: "Reviewer 2 and Reviewer 4 also screened a 50% sample of them; ..."
    assert [s for s in said if "also screened" in s] == [
        "Reviewer 4 also screened a 50% sample of them; disagreements on it were settled by a "
        "third reviewer, Reviewer 3."
    ]
    read = {
        "screening_outcome": {"decision_rule": "third_reviewer"},
        "screening_status": {},
        "automation": None,
        "agreement": rows,
    }
    facts = checklist.Facts(config, read, Path("/nonexistent"), frozenset())
    assert "a 50% sample verified by Reviewer 4, disagreements by" in (
        checklist._selection(facts).what
    )
