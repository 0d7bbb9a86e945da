"""Newcastle-Ottawa Scale: items and maxima, AHRQ conversion and bands, on the shared tables."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from livingreview.config import load_config
from livingreview.errors import ConfigError, InputFileError
from livingreview.rob import nos

ROOT = Path(__file__).resolve().parents[2]
CATEGORY_INDEX = {"Selection": 0, "Comparability": 1, "Outcome/Exposure": 2}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rule_holds(rule: str, totals: tuple[int, int, int]) -> bool:
    """Evaluate one AHRQ rule as printed in nos_conversion_thresholds.csv."""
    joiner = " AND " if " AND " in rule else " OR "
    results = []
    for clause in rule.split(joiner):
        match = re.fullmatch(r"(\S+) (?:in \{([\d,]+)\}|== (\d+))", clause.strip())
        assert match, clause
        allowed = {int(v) for v in (match[2] or match[3]).split(",")}
        results.append(totals[CATEGORY_INDEX[match[1]]] in allowed)
    return all(results) if joiner == " AND " else any(results)


@pytest.fixture
def thresholds(rob_dir: Path) -> list[dict[str, str]]:
    """The thresholds table; its Herzog scheme names hold an unquoted comma, so rows that come
    out one cell too long get their first two cells joined back into the scheme."""
    with (rob_dir / "nos_conversion_thresholds.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    fixed = []
    for row in rows:
        extra = len(row) - len(header)
        fixed.append([",".join(row[: extra + 1]), *row[extra + 1 :]])
    return [dict(zip(header, row, strict=True)) for row in fixed]


def ahrq_oracle(thresholds: list[dict[str, str]], totals: tuple[int, int, int]) -> list[str]:
    return [
        row["rating"]
        for row in thresholds
        if row["scheme"].startswith("AHRQ") and rule_holds(row["rule"], totals)
    ]


def test_ahrq_conversion_matches_the_published_rules_at_every_total(thresholds) -> None:
    for s in range(5):
        for c in range(3):
            for o in range(4):
                expected = ahrq_oracle(thresholds, (s, c, o))
                assert len(expected) == 1, (s, c, o)  # exhaustive and mutually exclusive
                assert nos.ahrq_rating(s, c, o) == expected[0], (s, c, o)


def test_herzog_bands_at_every_edge(thresholds) -> None:
    bands = []
    for row in thresholds:
        if row["scheme"].startswith("Herzog"):
            low, high = re.fullmatch(r"(\d+)-(\d+) stars", row["rule"]).groups()
            bands.append((int(low), int(high), row["rating"]))
    assert len(bands) == 4
    for low, high, label in bands:
        for total in (low, high):
            assert nos.band_rating(total, nos.HERZOG_BANDS) == label, total


def test_items_and_maxima_match_the_published_scale(rob_dir: Path) -> None:
    published = read_rows(rob_dir / "nos_items.csv")
    for scale in (nos.COHORT, nos.CASE_CONTROL, nos.cross_sectional_scale()):
        rows = [r for r in published if r["version"].startswith(scale.version)]
        ours = [(i.category, i.max_stars) for i in scale.items]
        assert ours == [(r["category"], int(r["max_stars"])) for r in rows]
    assert (nos.COHORT.max_stars, nos.CASE_CONTROL.max_stars) == (9, 9)
    assert nos.cross_sectional_scale().max_stars == 10
    assert nos.CASE_CONTROL.categories == ("Selection", "Comparability", "Exposure")


@pytest.mark.parametrize("version", nos.VERSIONS)
def test_each_item_maximum_is_enforced(version: str) -> None:
    scale = nos.scale_for(version)
    full = {"study": "Kim 2018", "version": version}
    full |= {i.key: "*" * i.max_stars for i in scale.items}
    assessment = nos.assess(full)
    assert assessment.total == scale.max_stars
    for item in scale.items:
        with pytest.raises(InputFileError) as error:
            nos.assess({**full, item.key: str(item.max_stars + 1)})
        assert error.value.field == item.key
        assert f"at most {item.max_stars}" in str(error.value)
        assert "study 'Kim 2018'" in str(error.value)
    with pytest.raises(InputFileError, match="write 0 for none"):
        nos.assess({**full, scale.items[0].key: ""})
    with pytest.raises(InputFileError, match="version"):
        nos.assess({**full, "version": "ecological"})


def test_critiplot_example_totals_and_ahrq_ratings(rob_dir: Path, thresholds) -> None:
    path = rob_dir / "critiplot_sample_nos.csv"
    raw = read_rows(path)
    read = nos.read_critiplot_nos(path)
    assert [r.assessment.study for r in read] == [r["Author, Year"] for r in raw]
    for source, row in zip(raw, read, strict=True):
        values = [int(v) for k, v in source.items() if k not in ("Author, Year", "Total Score")
                  and k != "Overall RoB"]  # fmt: skip
        totals = (sum(values[0:4]), sum(values[4:6]), sum(values[6:9]))
        assert dict(row.assessment.totals) == dict(
            zip(("Selection", "Comparability", "Outcome"), totals, strict=True)
        )
        assert row.assessment.rating == ahrq_oracle(thresholds, totals)[0]
        assert row.stated_total == row.assessment.total == int(source["Total Score"])
        assert row.stated_rating == source["Overall RoB"]
    ratings = {r.assessment.rating for r in read}
    assert "Good" in ratings and "Poor" in ratings


def test_critiplot_table_with_too_many_stars_or_wrong_total(rob_dir: Path, tmp_path) -> None:
    text = (rob_dir / "critiplot_sample_nos.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    bad = tmp_path / "nos.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace('2019",1,', '2019",2,', 1)]) + "\n")
    with pytest.raises(InputFileError) as error:
        nos.read_critiplot_nos(bad)
    assert "line 2" in str(error.value) and "'Study 1, 2019'" in str(error.value)
    assert error.value.field == "s1"
    bad.write_text("\n".join([lines[0], lines[1].replace(",8,Low", ",9,Low")]) + "\n")
    with pytest.raises(InputFileError, match="Total Score '9' differs"):
        nos.read_critiplot_nos(bad)


def test_cross_sectional_maximum_is_configurable() -> None:
    nine = {
        "max_stars": 9,
        "item_max": {"s4": 1},
        "bands": [{"min": 7, "label": "Good"}, {"min": 0, "label": "Poor"}],
    }
    scale = nos.cross_sectional_scale(nine)
    assert scale.max_stars == 9 and scale.items[3].max_stars == 1
    row = {"study": "Ito 2022", "s1": 1, "s2": 1, "s3": 1, "s4": 1, "c1": 2, "o1": 2, "o2": 0}
    assessment = nos.assess(row, version="cross-sectional", settings=nine)
    assert (assessment.total, assessment.max_stars, assessment.rating) == (8, 9, "Good")
    with pytest.raises(InputFileError, match="at most 1"):
        nos.assess({**row, "s4": 2}, version="cross-sectional", settings=nine)
    with pytest.raises(ConfigError, match="add up to 10, not max_stars 9"):
        nos.cross_sectional_scale({"max_stars": 9})
    with pytest.raises(ConfigError, match=r"nos_cross_sectional\.bands': required"):
        nos.cross_sectional_scale({"max_stars": 9, "item_max": {"s4": 1}})


def test_two_bands_starting_at_one_total_or_labelled_alike_are_refused() -> None:
    # Accepted before: of two bands from 5, band_rating always gave the first listed, so the
    # other label was never any study's rating; two 'Good' bands read as one rating.
    same_min = [
        {"min": 0, "label": "Poor"},
        {"min": 5, "label": "Fair"},
        {"min": 5, "label": "Good"},
    ]
    with pytest.raises(ConfigError, match=r"bands\[2\]': min 5 is also that of .*bands\[1\]"):
        nos.cross_sectional_scale({"max_stars": 10, "bands": same_min})
    same_label = [
        {"min": 0, "label": "Poor"},
        {"min": 5, "label": "Good"},
        {"min": 8, "label": "Good"},
    ]
    with pytest.raises(ConfigError, match=r"bands\[2\]': label 'Good' is also that of"):
        nos.cross_sectional_scale({"max_stars": 10, "bands": same_label})


def test_config_section_is_validated(tmp_path: Path) -> None:
    config = load_config([ROOT / "config/config.yaml"])
    section = config["risk_of_bias"]["nos_cross_sectional"]
    assert nos.cross_sectional_scale(section).bands == nos.HERZOG_BANDS
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("risk_of_bias:\n  nos_cross_sectional:\n    item_max: {s9: 1}\n")
    with pytest.raises(ConfigError, match="s9"):
        load_config([ROOT / "config/config.yaml", overlay])


def test_category_levels_combine_to_the_ahrq_rating() -> None:
    order = ["Good", "Fair", "Poor"]
    for s in range(5):
        for c in range(3):
            for o in range(4):
                levels = nos.category_ratings(s, c, o)
                assert max(levels, key=order.index) == nos.ahrq_rating(s, c, o), (s, c, o)


def test_critiplot_example_as_a_plottable_ahrq_table(rob_dir: Path) -> None:
    from livingreview.rob.plots import svg_bytes, traffic_light
    from livingreview.rob.tables import overall_differences

    read = nos.read_critiplot_nos(rob_dir / "critiplot_sample_nos.csv")
    table = nos.ahrq_table([r.assessment for r in read])
    assert [r.study for r in table.rows] == [r.assessment.study for r in read]
    assert [table.label(r.overall) for r in table.rows] == [r.assessment.rating for r in read]
    assert overall_differences(table) == []
    svg = svg_bytes(traffic_light(table))
    for label in ("Good", "Poor", "D1: Selection."):
        assert label.encode() in svg
    cross = nos.assess(
        {"study": "X", "s1": 1, "s2": 1, "s3": 1, "s4": 2, "c1": 2, "o1": 2, "o2": 1},
        version="cross-sectional",
    )
    with pytest.raises(ValueError, match="no AHRQ rating"):
        nos.ahrq_table([cross])
