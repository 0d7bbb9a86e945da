"""The reporting checklist of a scoping review: the PRISMA-ScR items (1 to 22) in place of PRISMA
2020's, filled from the same facts, with PRISMA-S (and PRISMA-LSR once there are versions) kept;
the report, its checklist files, ``livingreview where`` and the methods name PRISMA-ScR. Every
other protocol keeps PRISMA 2020 (the demo's checklist is tested in test_checklist.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from livingreview.cli.progress import _where_report
from livingreview.config import load_config
from livingreview.report import checklist
from livingreview.report.context import read_outputs
from livingreview.report.methods import methods_paragraph
from livingreview.report.render import write_report
from tests.report.test_checklist import check_places, read_rows
from tests.report.test_report import DEMO_CONFIG

SCOPING_ITEMS = [("PRISMA-ScR", str(i)) for i in range(1, 23)]
SEARCH_ITEMS = [("PRISMA-S", str(i)) for i in range(1, 17)]
SHIPPED_GUIDELINE = load_config(DEMO_CONFIG)["review"]["reporting_guideline"]


def scoping(config: dict[str, Any], tools: bool = False) -> dict[str, Any]:
    """``config`` as a scoping review naming no guideline, appraising no study unless
    ``tools``."""
    config["review"]["type"] = "scoping"
    config["review"].pop("reporting_guideline", None)
    if not tools:
        config["risk_of_bias"]["tools_by_design"] = {}
    return config


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        # the shipped protocol names PRISMA 2020 first (PRISMA-ScR is its seed review's)
        ("integrative", SHIPPED_GUIDELINE, "PRISMA 2020"),
        ("systematic", None, "PRISMA 2020"),
        ("scoping", None, "PRISMA-ScR"),
        ("scoping", "JBI scoping review method", "PRISMA-ScR"),  # names neither: the type
        ("scoping", "PRISMA 2020 with PRISMA-S", "PRISMA 2020"),  # as the authors chose
        ("systematic", "JBI method, reported with prisma scr and PRISMA-S", "PRISMA-ScR"),
        ("integrative", "PRISMA-ScR (Tricco 2018); PRISMA 2020 for the flow", "PRISMA-ScR"),
        ("scoping", "PRISMA-S only", "PRISMA-ScR"),  # PRISMA-S is no main checklist
        ("rapid", "PRISMA", "PRISMA 2020"),
        # the guideline's full name, and hyphens pasted from a PDF or a word processor (U+2010
        # hyphen, U+2011 non-breaking hyphen, U+2013 en dash, U+2014 em dash) or an underscore, name
        # PRISMA-ScR or PRISMA 2020 too
        ("systematic", "PRISMA Extension for Scoping Reviews (Tricco 2018)", "PRISMA-ScR"),
        ("systematic", "Preferred Reporting Items ... extension for scoping reviews", "PRISMA-ScR"),
        ("systematic", "PRISMA for scoping reviews", "PRISMA-ScR"),
        ("systematic", "PRISMA\u2011ScR", "PRISMA-ScR"),
        ("systematic", "PRISMA\u2013ScR", "PRISMA-ScR"),
        ("systematic", "PRISMA\u2014ScR", "PRISMA-ScR"),  # an em dash
        ("systematic", "prisma_scr", "PRISMA-ScR"),  # as a file or key name
        ("scoping", "PRISMA\u20102020", "PRISMA 2020"),
        ("systematic", "JBI scoping review method", "PRISMA 2020"),  # names neither: the type
    ],
)
def test_the_guideline_is_the_one_the_protocol_names_first_else_the_review_type_s(
    kind: str, text: str | None, expected: str
) -> None:
    review: dict[str, Any] = {"type": kind}
    if text is not None:
        review["reporting_guideline"] = text
    assert checklist.guideline({"review": review}) == expected


def test_a_scoping_review_gets_the_22_prisma_scr_items_and_prisma_s() -> None:
    """Before, a scoping review got the PRISMA 2020 items, and items 11 and 18 said the
    protocol configures no risk-of-bias tool where PRISMA-ScR's appraisal is optional."""
    config = scoping(load_config(DEMO_CONFIG))
    empty = Path("/nonexistent/outputs")
    rows = checklist.build(config, read_outputs(empty), empty, [])
    assert [(r["checklist"], r["item"]) for r in rows] == SCOPING_ITEMS + SEARCH_ITEMS
    by_item = {r["item"]: r for r in rows if r["checklist"] == "PRISMA-ScR"}
    assert by_item["10"]["topic"] == "Data charting process"
    for item in ("12", "16"):  # not done, as the methods paragraph says
        row = by_item[item]
        assert (row["status"], row["where"]) == ("reported", "report/index.html#methods"), item
        assert row["what"].startswith("Not done (optional in PRISMA-ScR)"), item
        assert "risk-of-bias" not in row["what"]
    assert [by_item[i]["status"] for i in ("19", "20", "21", "22")] == ["authors"] * 4
    methods = methods_paragraph(config, "0.0")
    assert "The sources of evidence were not critically appraised (optional in PRISMA-ScR)." in (
        methods
    )
    # a systematic review without a tool says nothing of it (its checklist says so)
    config["review"]["type"] = "systematic"
    assert not [s for s in methods_paragraph(config, "0.0") if "appraised" in s]
    assert checklist.build(config, read_outputs(empty), empty, [])[0]["checklist"] == "PRISMA 2020"


def test_prisma_scr_items_carry_the_facts_of_the_prisma_2020_items_they_share(
    demo_outputs: Path,
) -> None:
    config = load_config(DEMO_CONFIG)
    read = read_outputs(demo_outputs)
    ready = ["search", "flow", "screening", "studies", "evidence", "rob", "exclusions"]
    shown = {
        f"{r['checklist']} {r['item']}": r
        for r in checklist.build(config, read, demo_outputs, ready)
    }
    scoped = scoping(load_config(DEMO_CONFIG), tools=True)
    rows = checklist.build(scoped, read, demo_outputs, ready)
    assert [(r["checklist"], r["item"]) for r in rows] == [
        *SCOPING_ITEMS,
        *SEARCH_ITEMS,
        ("PRISMA-LSR", "L1"),
    ]
    scr = {r["item"]: r for r in rows if r["checklist"] == "PRISMA-ScR"}
    same = {"3": "3", "4": "4", "6": "5", "7": "6", "8": "7", "9": "8", "10": "9", "13": "13c",
            "15": "17", "17": "19"}  # fmt: skip
    for item, shared in same.items():
        assert scr[item] == {**shown[f"PRISMA 2020 {shared}"], "checklist": "PRISMA-ScR",
                             "item": item, "topic": scr[item]["topic"]}, item  # fmt: skip
    # the protocol gives designs a tool: appraisal is the risk-of-bias items' (11 and 18)
    for item, shared in (("12", "11"), ("16", "18")):
        assert (scr[item]["status"], scr[item]["what"]) == (
            shown[f"PRISMA 2020 {shared}"]["status"],
            shown[f"PRISMA 2020 {shared}"]["what"],
        )
    # one item for the flow's counts and the reasons for exclusion at each stage (PRISMA 2020
    # 16a and 16b, and the title/abstract decisions' reasons)
    counts, reasons = shown["PRISMA 2020 16a"], shown["PRISMA 2020 16b"]
    excluded = sum(r["decision"] == "exclude" for r in read["screening_final"])
    screened = f"{excluded} studies excluded at title/abstract, by reason: "
    assert scr["14"]["what"].startswith(f"{counts['what']} {screened}")
    assert scr["14"]["what"].endswith(f". {reasons['what']}")
    assert scr["14"]["status"] == "pending" == counts["status"]  # maybe pairs still undecided
    final = "screening/final_decisions.csv"
    assert scr["14"]["where"] == f"{counts['where']}; {final}; {reasons['where']}"
    # registration and protocol in one item: the demo records no registration
    assert scr["5"]["what"].startswith("The protocol records no registration. The protocol as run")
    assert scr["5"]["where"] == "protocol.json"
    assert scr["11"]["what"].startswith(f"{len(config['extraction']['fields'])} charting fields")
    assert scr["18"]["status"] == "partly" and scr["18"]["where"] == "report/index.html#evidence"
    # PRISMA-S and PRISMA-LSR as for any review
    assert [r for r in rows if r["checklist"] != "PRISMA-ScR"] == [
        r for r in shown.values() if r["checklist"] != "PRISMA 2020"
    ]


def test_selection_of_sources_gives_the_reasons_for_exclusion_at_each_stage() -> None:
    """PRISMA-ScR 14 asks the reasons for exclusion at each stage: before, it gave the full-text
    reasons only. The title/abstract ones are the final decisions', a decision that joins
    several reasons ('a; b') counted under each."""
    config = scoping(load_config(DEMO_CONFIG))
    labels = {r["id"]: r["label"] for r in config["exclusion_reasons"]["title_abstract"]}
    empty = Path("/nonexistent/outputs")
    read = read_outputs(empty)
    read["screening_final"] = [
        {"study_id": "S1", "decision": "exclude", "reason": "before_2010; no_alliance"},
        {"study_id": "S2", "decision": "exclude", "reason": "no_alliance"},
        {"study_id": "S3", "decision": "exclude", "reason": ""},
        {"study_id": "S4", "decision": "include", "reason": ""},
    ]
    rows = checklist.build(config, read, empty, [])
    [item] = [r for r in rows if (r["checklist"], r["item"]) == ("PRISMA-ScR", "14")]
    assert (
        f"3 studies excluded at title/abstract, by reason: {labels['no_alliance']} 2, "
        f"{labels['before_2010']} 1, no reason given 1 (a study excluded for several reasons "
        "counts under each)."
    ) in item["what"]
    assert item["status"] == "pending"  # the flow's counts and the full text are not in yet


def test_the_report_its_checklist_files_and_where_name_prisma_scr(
    demo_outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = scoping(load_config(DEMO_CONFIG))
    html = write_report(config, demo_outputs, tmp_path / "report").read_text(encoding="utf-8")
    rows = read_rows(tmp_path / "report" / checklist.CSV_NAME)  # the file name users know
    check_places(rows, demo_outputs, html)
    assert [tuple(key.rsplit(" ", 1)) for key in rows] == [
        *SCOPING_ITEMS,
        *SEARCH_ITEMS,
        ("PRISMA-LSR", "L1"),
    ]
    said = "Where this review reports each item of PRISMA-ScR, PRISMA-S and PRISMA-LSR (L1)"
    markdown = (tmp_path / "report" / checklist.MARKDOWN_NAME).read_text(encoding="utf-8")
    report = (tmp_path / "report/report.md").read_text(encoding="utf-8")
    for text in (html, markdown, report):
        assert said in text
        assert "PRISMA 2020," not in text
    assert "\n## PRISMA-ScR\n" in markdown
    assert "not critically appraised (optional in PRISMA-ScR)" in report.split("## Methods")[1]
    config["paths"]["outputs"] = str(tmp_path)
    _where_report(config)
    assert "Reporting checklist (PRISMA-ScR, PRISMA-S): " in capsys.readouterr().out
