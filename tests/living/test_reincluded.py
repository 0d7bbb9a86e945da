"""A report excluded at full text in version 1 and included on re-assessment in version 2.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page): round 1 includes three
studies at title/abstract; at full text both reviewers include two and exclude the third with a
reason. Round 2 includes one new study, and the reviewers re-open the full-text form they
returned in round 1 and include the excluded report. Version 2 counts the re-included study as a
new study of this version (it was not in version 1) and its report as a report of a new included
study, re-assessed for eligibility in this version: total = previous + new − removed holds, the
arms add up, every living layout draws it, and the changelog lists it as included.
"""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.config import load_config
from tests.prisma.svg_helpers import shown_number
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import sheet_path
from tests.test_living_rounds import first_round, run, screen_round, second_round, sheet_studies
from tests.test_living_versions import LATER_STAGES, drawn_counts, fill, return_round, rows


def test_report_excluded_in_version_one_and_included_again_counts_as_new_in_version_two(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env = first.config, first.out, first.env
    settings = load_config([config])
    kept, other, dropped = first.studies[:3]
    screen_round(settings, 1, include={kept, other, dropped})
    run(config, "screen", "conflicts", "fulltext", env=env)
    reason = settings["exclusion_reasons"]["full_text"][0]
    decided = {
        kept: {"decision": "include"},
        other: {"decision": "include"},
        dropped: {"decision": "exclude", "reason": reason["label"]},
    }
    fulltext_one = return_round(settings, "full_text", 1, decided)
    run(config, "fulltext", *LATER_STAGES, env=env)
    one = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))["rounds"][0]
    assert one["counts"]["total_studies"] == one["counts"]["new_studies"] == 2
    assert one["lists"]["dbr_excluded"] == [{"label": reason["label"], "n": 1}]

    # Version 2: one new study; the excluded report re-assessed and included.
    kept_record = next(r for r, s in first.groups.items() if s == kept)
    second_round(first, replay_server, sources_dir, kept_record)
    settings = load_config([config])
    new_study = sorted(sheet_studies(sheet_path(settings, "r1", 2)))[0]
    screen_round(settings, 2, include={new_study})
    run(config, "screen", "conflicts", "fulltext", env=env)
    return_round(settings, "full_text", 2, {new_study: {"decision": "include"}})
    again = {dropped: {"decision": "include", "reason": ""}}
    fill(settings, "full_text", fulltext_one, again, "reassessed")
    run(config, "fulltext", *LATER_STAGES, env=env)
    decisions = {r["report_id"]: r for r in rows(out / "fulltext/decisions.csv")}
    assert decisions[dropped]["decision"] == "include" and decisions[dropped]["round"] == "1"
    included_two = {r["study_id"] for r in rows(out / "fulltext/included_studies.csv")}
    assert included_two == {kept, other, dropped, new_study}

    ledger, drawn = drawn_counts(config, out, env, tmp_path)
    frozen, two = (r["counts"] for r in ledger["rounds"])
    assert frozen == one["counts"]  # version 1 still counts the exclusion it made
    assert two["previous_studies"] == two["previous_reports"] == 2
    assert two["removed_studies"] == two["removed_reports"] == 0
    # New in version 2: the new study and the re-included one, each with its one report.
    assert two["new_studies"] == two["new_reports"] == 2
    assert two["total_studies"] == two["total_reports"] == len(included_two) == 4
    assert two["total_studies"] == (
        two["previous_studies"] + two["new_studies"] - two["removed_studies"]
    )
    # The re-assessed report went through this version's full-text assessment: the arm counts
    # it as sought, assessed and included, so its boxes still add up.
    assert two["dbr_sought_reports"] == two["dbr_assessed"] == 2
    assert two["dbr_included_reports"] == 2
    excluded_two = next(r for r in ledger["rounds"] if r["label"] == "2025.2")["lists"]
    assert excluded_two["dbr_excluded"] == []
    # Which leaves this version's reports sought one above its records screened − excluded: the
    # ledger warns, naming the relation and both numbers.
    assert ledger["warnings"] == [
        "[2025.2] reports sought = records screened − records excluded: Reports sought for "
        "retrieval (databases and registers) [dbr_sought_reports] 2, but Records screened "
        f"[records_screened] {two['records_screened']} − Records excluded [records_excluded] "
        f"{two['records_excluded']} = 1"
    ]
    cumulative = ledger["cumulative"]["counts"]
    assert cumulative["new_studies"] == 4 and cumulative["total_studies"] == 4
    for layout, svgs in drawn.items():
        for counts in svgs:
            shown = {k: shown_number(t) for (k, c), t in counts["total"].items() if "2025.2" in c}
            assert shown == {"total_studies": 4, "total_reports": 4}, layout

    # The changelog lists the study as included in version 2.
    changelog = rows(out / "report/changelog.csv")
    version_two = {(c["change"], c["study_id"]) for c in changelog if c["version"] == "2025.2"}
    assert ("study_included", dropped) in version_two
    detail = {c["study_id"]: c["detail"] for c in changelog if c["version"] == "2025.2"}
    assert detail[dropped] == (
        f"reports: {dropped}; sought at full text in an earlier round: {dropped} (round 1)"
    )
    assert detail[new_study] == f"reports: {new_study}"
    assert ("study_included", new_study) in version_two
    assert not [c for c in changelog if c["change"] == "study_removed"]
