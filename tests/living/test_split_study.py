"""A library study split in two in a later round: its extra part is a new study of that version.

Round 1 searches the first 15 results of a real Europe PMC page and a preprint of one of them
(its real record as a Europe PMC ``PPR`` result); a person marks the pair as the same study, and
that study is included. In round 2 the person changes their mind: the pair is two studies. The
preprint's part gets a new study id, goes on round 2's sheets and is included. Version 1 counted
one study; version 2 includes both, so the part split off is a new study of version 2
(total = previous + new − removed), and the changelog says where it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from livingreview.config import load_config
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import sheet_path
from tests.test_living_rounds import (
    PREPRINT,
    ROUND_ONE,
    ROUND_TWO,
    STEPS,
    living_protocol,
    run,
    screen_round,
    serve_results,
    sheet_studies,
)
from tests.test_living_versions import LATER_STAGES, return_round, rows


@dataclass
class PairedRound:
    """Round 1 with a record and its preprint, decided by a person, through full text."""

    config: Path
    out: Path
    env: dict[str, str]
    pmids: list[str]
    sheet: Path  # the person's dedup sheet
    groups: dict[str, str]  # record id -> study id
    kept: str  # the record id of the article
    preprint: str  # the record id of its preprint


def decide_pair(sheet: Path, pair: tuple[str, str], decision: str) -> None:
    """The person's dedup sheet: one pair and their decision."""
    sheet.parent.mkdir(parents=True, exist_ok=True)
    sheet.write_text(f"record_a,record_b,decision\n{pair[0]},{pair[1]},{decision}\n")


def paired_round(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path, decision: str
) -> PairedRound:
    """Round 1: the first 15 results and a preprint of the first; the person's ``decision`` on
    the pair; every study holding one of the two records included at full text."""
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    config = living_protocol(tmp_path)
    out = tmp_path / "outputs"
    pmids = serve_results(replay_server, sources_dir, ROUND_ONE, preprint="")
    kept, preprint = f"epmc:MED:{pmids[0]}", f"epmc:PPR:{PREPRINT}"
    serve_results(replay_server, sources_dir, ROUND_ONE, preprint=pmids[0])
    run(config, "search epmc", "summarise", "library", env=env)
    pair = [(r["record_a"], r["record_b"]) for r in rows(out / "library/maybe_pairs.csv")]
    assert pair == [tuple(sorted((kept, preprint)))]
    settings = load_config([config])
    sheet = Path(settings["paths"]["human_input"]) / "dedup/pairs.csv"
    decide_pair(sheet, (kept, preprint), decision)
    run(config, *STEPS[1:], env=env)
    groups = {r["record_id"]: r["study_id"] for r in rows(out / "library/groups.csv")}
    included = {groups[kept], groups[preprint]}
    screen_round(settings, 1, include=included)
    run(config, "screen", "conflicts", "fulltext", env=env)
    return_round(settings, "full_text", 1, {s: {"decision": "include"} for s in included})
    run(config, "fulltext", *LATER_STAGES, env=env)
    return PairedRound(config, out, env, pmids, sheet, groups, kept, preprint)


def test_a_study_split_in_round_two_counts_its_split_part_as_new_and_says_so(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = paired_round(replay_server, sources_dir, tmp_path, "duplicate")
    config, out, env, pmids = first.config, first.out, first.env, first.pmids
    kept, preprint, groups_one = first.kept, first.preprint, first.groups
    study = groups_one[kept]
    assert groups_one[preprint] == study

    # Round 2: the person now says the pair is two studies.
    run(config, "round new")
    second_pmids = serve_results(replay_server, sources_dir, ROUND_TWO)
    decide_pair(first.sheet, (kept, preprint), "distinct")
    run(config, "search epmc", *STEPS, env=env)
    settings = load_config([config])
    groups_two = {r["record_id"]: r["study_id"] for r in rows(out / "library/groups.csv")}
    assert groups_two[kept] == study  # the anchor keeps the id
    part = groups_two[preprint]
    assert part != study
    splits = [r for r in rows(out / "library/changelog.csv") if r["event"] == "split"]
    assert [(r["study_id"], r["other_study_id"]) for r in splits] == [(part, study)]
    new_studies = set(groups_two.values()) - set(groups_one.values())
    assert len(new_studies) == len(set(second_pmids) - set(pmids)) + 1  # and the split part
    assert sorted(sheet_studies(sheet_path(settings, "r1", 2))) == sorted(new_studies)
    screen_round(settings, 2, include={part})
    run(config, "screen", "conflicts", "fulltext", env=env)
    return_round(settings, "full_text", 2, {part: {"decision": "include"}})
    run(config, "fulltext", *LATER_STAGES, env=env)

    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = (r["counts"] for r in ledger["rounds"])
    assert one["total_studies"] == 1
    assert two["previous_studies"] == 1 and two["removed_studies"] == 0
    assert two["new_studies"] == two["new_reports"] == 1
    assert two["total_studies"] == 2
    # The part was identified in round 1 (and removed there as a duplicate): round 2's
    # screening boxes count only round 2's own records, so they still add up; the part enters
    # round 2's flow at full text.
    assert two["records_screened"] == two["records_excluded"] == len(new_studies) - 1
    assert two["records_screened"] == two["database_results"] - two["duplicates"]
    assert two["dbr_sought_reports"] == two["dbr_included_reports"] == 1

    changelog = rows(out / "report/changelog.csv")
    included = [c for c in changelog if c["version"] == "2025.2"]
    assert [(c["change"], c["study_id"]) for c in included] == [("study_included", part)]
    assert f"split from study {study} in round 2" in included[0]["detail"]
