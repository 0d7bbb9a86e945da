"""ROBINS-I V2 (November 2024): domains 2 and 3 swapped, confounding at best "low except for
concerns about uncontrolled confounding"; forms, tables, plots, and V1/V2 mix-ups refused."""

from __future__ import annotations

import csv
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.errors import InputFileError
from livingreview.rob import robins_i_v2
from livingreview.rob.levels import Risk
from livingreview.rob.plots import PALETTES, SYMBOLS, summary, svg_bytes, traffic_light
from livingreview.rob.tables import overall_differences, read_table, to_csv
from livingreview.rob.tools import get_tool
from tests.rob.conftest import LOW_EXCEPT, ROBINS_I_V2_TABLE
from tests.rob.test_plots import cell_risks, centre_pixels, legend_labels

SVG = "{http://www.w3.org/2000/svg}"
V2 = get_tool("robins-i-v2")
LEC = Risk.LOW_EXCEPT_CONFOUNDING
#: headers that name the domains, as in a published ROBINS-I (2016) table (PMC10421623)
V1_NAMED = (
    "Ref.,Confounding,Selection of participants,Classification of interventions,"
    "Deviations from interventions,Missing data,Measurement of outcomes,Reported result,"
    "Overall bias"
)
V1_ROW = "Baum et al 2022,Moderate,Low,Moderate,Moderate,Low,Low,Low,Moderate"


def v2_table(tmp_path: Path) -> Path:
    path = tmp_path / "robins_i_v2.csv"
    path.write_text(ROBINS_I_V2_TABLE, encoding="utf-8")
    return path


def form_row(study: str, *judgements: str) -> dict[str, str]:
    return {"study": study, **dict(zip(robins_i_v2.FIELDS.values(), judgements, strict=True))}


def test_domains_and_levels_match_the_shared_domain_list(rob_dir: Path) -> None:
    with (rob_dir / "tool_domains.csv").open(encoding="utf-8", newline="") as handle:
        listed = [r for r in csv.DictReader(handle) if r["tool"] == "ROBINS-I V2 (Nov 2024)"]
    assert [(d.code, d.name) for d in V2.domains] == [
        (r["domain_code"], r["domain_name"]) for r in listed
    ]
    levels = listed[0]["judgement_levels"].split("|")
    assert [V2.accepted()[level.lower()] for level in levels] == [
        Risk.LOW,
        LEC,
        Risk.CONCERNS,
        Risk.HIGH,
        Risk.CRITICAL,
    ]
    v1 = get_tool("robins-i")
    assert V2.domains[1].name == v1.domains[2].name == "Bias in classification of interventions"
    assert "selection of participants" in V2.domains[2].name  # V1's D2, moved to D3
    assert get_tool("ROBINS-I V2") is get_tool("robins_i_v2") is V2


def test_overall_is_the_worst_domain_on_every_combination() -> None:
    d1_levels = (LEC, Risk.CONCERNS, Risk.HIGH, Risk.CRITICAL)
    levels = (Risk.LOW, Risk.CONCERNS, Risk.HIGH, Risk.CRITICAL)
    for d1, *rest in itertools.product(d1_levels, *[levels] * 6):
        domains = [d1, *rest]
        got = robins_i_v2.overall_risk(domains)
        for expected in (Risk.CRITICAL, Risk.HIGH, Risk.CONCERNS):
            if expected in domains:
                assert got == expected, domains
                break
        else:  # every domain at its best: the study keeps D1's qualification
            assert got == LEC, domains
    # robvis-made tables may write plain Low in D1, or No information
    assert robins_i_v2.overall_risk([Risk.LOW] * 7) == Risk.LOW
    assert robins_i_v2.overall_risk([LEC, Risk.NO_INFORMATION, *[Risk.LOW] * 5]) == Risk.CONCERNS


def test_form_rows_are_judged_and_name_their_problems() -> None:
    row = form_row("Ng 2019", LOW_EXCEPT, *["Low"] * 6)
    assessment = robins_i_v2.assess(row)
    assert assessment.overall.final == LEC and assessment.domain_risks()["D1"] == LEC
    cases = [
        ({"d1_confounding": "Low"}, "d1_confounding", "at best 'Low (except for concerns"),
        ({"d2_classification": LOW_EXCEPT}, "d2_classification", "Low, Moderate, Serious,"),
        ({"d3_selection": "No information"}, "d3_selection", "not one of Low, Moderate"),
        ({"d7_reported_result": ""}, "d7_reported_result", "ROBINS-I V2 D7 has no judgement"),
        ({"overall": "Low"}, "overall", "not one of Low (except"),
        ({"overall": "Serious"}, "overall_reason", "give the reason"),
    ]
    for change, field, words in cases:
        with pytest.raises(InputFileError) as error:
            robins_i_v2.assess({**row, **change})
        assert error.value.field == field
        assert "study 'Ng 2019'" in str(error.value) and words in str(error.value)
    moderate = form_row("Ng 2019", "Moderate", "Moderate", "Moderate", *["Low"] * 4)
    assert robins_i_v2.assess(moderate).overall.final == Risk.CONCERNS
    compounded = robins_i_v2.assess(
        {**moderate, "overall": "Serious", "overall_reason": "three moderate domains compound"}
    )
    assert compounded.overall.overridden and compounded.overall.final == Risk.HIGH
    with pytest.raises(InputFileError, match="less severe"):
        robins_i_v2.assess({**moderate, "overall": LOW_EXCEPT, "overall_reason": "x"})


def test_table_reads_writes_back_and_plots(tmp_path: Path) -> None:
    table = read_table(v2_table(tmp_path), V2)
    assert [d.code for d in table.domains] == [f"D{i}" for i in range(1, 8)]
    assert table.rows[0].judgements[0] == LEC and table.rows[0].overall == LEC
    assert overall_differences(table) == []  # Overall is the rule's everywhere
    assert to_csv(table) == ROBINS_I_V2_TABLE
    root = ET.fromstring(svg_bytes(traffic_light(table)))
    assert "rob-cell-0-0-low_except_confounding" in {g.get("id") for g in root.iter(f"{SVG}g")}
    legend = legend_labels(root)  # the qualified low on three lines, not one 57 wide
    first = legend.index("Low (except for concerns")
    assert legend[first : first + 3] == [
        "Low (except for concerns",
        "about uncontrolled",
        "confounding)",
    ]
    caption = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "rob-caption")
    words = " ".join("".join(t.itertext()) for t in caption.iter(f"{SVG}text"))
    assert "D2: Bias in classification of interventions." in words
    assert "D3: Bias in selection of participants into the study" in words
    bars = ET.fromstring(svg_bytes(summary(table)))
    ids = {g.get("id") for g in bars.iter(f"{SVG}g")}
    assert "rob-bar-0-low_except_confounding" in ids and SYMBOLS[LEC] == "⊕"


@pytest.mark.parametrize("palette", ["cochrane", "colourblind"])
def test_the_qualified_low_has_its_own_colour_between_low_and_concerns(
    tmp_path: Path, palette: str
) -> None:
    colours = PALETTES[palette]
    assert len({colours[Risk.LOW], colours[LEC], colours[Risk.CONCERNS]}) == 3
    table = read_table(v2_table(tmp_path), V2)
    points, image = centre_pixels(table, palette)
    risks = [risk for row in cell_risks(table) for risk in row]
    for (y, x), risk in zip(points, risks, strict=True):
        expected = [int(colours[risk][i : i + 2], 16) / 255 for i in (1, 3, 5)]
        assert image[y, x, :3] == pytest.approx(expected, abs=0.02), (y, x, risk)


def test_cli_plots_a_v2_table(tmp_path: Path, capsys) -> None:
    out = tmp_path / "plots"
    args = ["rob", "plot", str(v2_table(tmp_path)), "--tool", "robins-i-v2", "--out", str(out)]
    assert main(args) == 0
    assert "10 studies, ROBINS-I V2" in capsys.readouterr().out
    assert (out / "rob_table.csv").read_text(encoding="utf-8") == ROBINS_I_V2_TABLE
    assert (out / "traffic_light.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("text", "tool", "words"),
    [
        (  # ROBINS-I (2016) domain headers read as V2
            f"{V1_NAMED}\n{V1_ROW}\n",
            "robins-i-v2",
            "line 1: read as ROBINS-I V2, but its domain headers name D2 'Selection of"
            " participants' and D3 'Classification of interventions', the order of ROBINS-I",
        ),
        (  # V2 domain headers read as ROBINS-I (2016)
            V1_NAMED.replace("Selection of participants,Classification of interventions",
                             "Classification of interventions,Selection of participants")
            + f"\n{V1_ROW}\n",
            "robins-i",
            "line 1: read as ROBINS-I, but its domain headers name D2 'Classification of"
            " interventions' and D3 'Selection of participants', the order of ROBINS-I V2",
        ),
        (  # V2's qualified low read as ROBINS-I (2016)
            ROBINS_I_V2_TABLE,
            "robins-i",
            "line 2 (study 'Study 1'), field 'D1': judgement 'Low (except for concerns about"
            " uncontrolled confounding)' is ROBINS-I V2's",
        ),
    ],
)  # fmt: skip
def test_a_table_of_the_other_version_is_refused_with_one_clear_error(
    tmp_path: Path, capsys, text: str, tool: str, words: str
) -> None:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "plots"
    assert main(["rob", "plot", str(path), "--tool", tool, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    other = "robins-i" if tool == "robins-i-v2" else "robins-i-v2"
    assert words in err and f"--tool {other}" in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()
