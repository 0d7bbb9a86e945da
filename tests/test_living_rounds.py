"""Two rounds of the living review end to end, on replayed Europe PMC searches.

Round 1 searches the first 15 results of a real Europe PMC page; two reviewers return their
title/abstract sheets and conflicts decide. ``round new`` starts round 2, whose search returns
results 10-24 of the same real page: five records seen in round 1 and ten new ones, one of the
round-1 inclusions now typed ``Retracted Publication`` as Europe PMC types a retracted article,
and a preprint of the other inclusion (its real record as a Europe PMC ``PPR`` result: no PMID,
DOI or journal), which a person marks as the same study in the returned dedup sheet.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from livingreview.cli import main
from livingreview.config import load_config
from tests.conftest import REPO_ROOT
from tests.replay_server import Answer, ReplayServer
from tests.screening.sheet_helpers import fill_like_a_person, returned_dir, sheet_path
from tests.test_round_state import round_protocol
from tests.test_search_stage import EPMC_END, EPMC_PAGE

ROUND_ONE, ROUND_TWO = slice(0, 15), slice(10, 25)
PREPRINT = "PPR900001"
STEPS = ("summarise", "library", "flags", "automation", "screen")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def living_protocol(tmp_path: Path) -> Path:
    """The shipped protocol searching only Europe PMC; outputs and history under ``tmp_path``."""
    rounds = yaml.safe_load(
        round_protocol(
            tmp_path, date_range={"from": "2010-01-01", "to": "2024-11-25"}, round_overlap_days=3
        ).read_text(encoding="utf-8")
    )
    config = yaml.safe_load((REPO_ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    for key in ("paths", "search", "sources", "imports", "deduplication"):
        config[key] = rounds[key]
    config["paths"]["human_input"] = str(tmp_path / "human")
    config["sources"]["epmc"].update(database="Europe PMC", platform="Europe PMC REST API")
    path = tmp_path / "living-protocol.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def serve_results(
    server: ReplayServer, sources_dir: Path, part: slice, retracted: str = "", preprint: str = ""
) -> list[str]:
    """Serve ``part`` of the real page's results (and a preprint version of the ``preprint``
    PMID) as one complete search; returns the PMIDs of ``part``."""
    page = json.loads((sources_dir / EPMC_PAGE).read_bytes())
    everything = page["resultList"]["result"]
    results = everything[part]
    for result in results:
        if result["id"] == retracted:
            types = result.setdefault("pubTypeList", {}).setdefault("pubType", [])
            types.append("Retracted Publication")
    page["resultList"]["result"] = results + [
        preprint_of(r) for r in everything if r["id"] == preprint
    ]
    page["hitCount"] = len(page["resultList"]["result"])
    server.routes[("GET", "/rest/search")] = [
        Answer(json.dumps(page).encode(), match=lambda p: p.get("cursorMark") == "*"),
        Answer.file(sources_dir / EPMC_END),
    ]
    return [result["id"] for result in results]


def preprint_of(result: dict[str, Any]) -> dict[str, Any]:
    """A real Europe PMC result as its preprint would be listed: same title, authors and year."""
    version = copy.deepcopy(result)
    for key in ("pmid", "doi", "journalInfo", "pageInfo", "meshHeadingList", "chemicalList"):
        version.pop(key, None)
    version.update(id=PREPRINT, source="PPR", pubTypeList={"pubType": ["Preprint"]})
    return version


def run(config: Path, *steps: str, env: dict[str, str] | None = None) -> None:
    """Each ``livingreview`` step through the console script's entry point, in this process
    (one Python start for the whole test instead of one per step), with ``env`` set while it
    runs; every step must succeed. Exit codes and messages are asserted through
    ``tests.test_search_stage.cli`` (a real process)."""
    for step in steps:
        stderr = io.StringIO()
        with (
            _environment(env or {}),
            contextlib.chdir(REPO_ROOT),
            contextlib.redirect_stderr(stderr),
            contextlib.redirect_stdout(io.StringIO()),
        ):
            code = main([*step.split(), "--configfile", str(config)])
        assert code == 0, f"{step}: {stderr.getvalue()[-2000:]}"


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def sheet_studies(sheet: Path) -> list[str]:
    rows = list(openpyxl.load_workbook(sheet, read_only=True)["Screening"].values)
    column = list(rows[0]).index("study_id")
    return [row[column] for row in rows[1:] if row[column]]


def screen_round(settings: dict[str, Any], number: int, include: set[str]) -> None:
    """Both reviewers return their sheet: ``include`` included, every other study excluded."""
    studies = sheet_studies(sheet_path(settings, "r1", number))
    assert sheet_studies(sheet_path(settings, "r2", number)) == studies
    reason = settings["exclusion_reasons"]["title_abstract"][0]["label"]
    typed = {s: ("Include", "", "") if s in include else ("Exclude", reason, "") for s in studies}
    for reviewer in ("r1", "r2"):
        returned = returned_dir(settings) / f"round{number}_{reviewer}_done.xlsx"
        fill_like_a_person(sheet_path(settings, reviewer, number), returned, typed)


@dataclass
class FirstRound:
    """Round 1 searched, deduplicated and on the screening sheets."""

    config: Path
    out: Path
    env: dict[str, str]
    pmids: list[str]
    groups: dict[str, str]  # record id -> study id
    studies: list[str]  # the studies on the round-1 sheets, in sheet order
    retracted: str  # the record id round 2 returns typed Retracted Publication


def first_round(replay_server: ReplayServer, sources_dir: Path, tmp_path: Path) -> FirstRound:
    """Search round 1 (the first 15 results) and run the steps up to the screening sheets."""
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    config = living_protocol(tmp_path)
    out = tmp_path / "outputs"
    pmids = serve_results(replay_server, sources_dir, ROUND_ONE)
    run(config, "search epmc", *STEPS, env=env)
    groups = {r["record_id"]: r["study_id"] for r in _rows(out / "library/groups.csv")}
    studies = sheet_studies(sheet_path(load_config([config]), "r1", 1))
    retracted = f"epmc:MED:{pmids[ROUND_TWO.start]}"  # found again in round 2, retracted
    return FirstRound(config, out, env, pmids, groups, studies, retracted)


def second_round(
    first: FirstRound, replay_server: ReplayServer, sources_dir: Path, kept: str
) -> list[str]:
    """``round new``; search round 2 (results 10-24, the retraction, a preprint of the record
    ``kept``); a person returns the maybe pair as duplicate; run the steps up to the sheets.
    Returns round 2's PMIDs."""
    run(first.config, "round new")
    pmids = serve_results(
        replay_server,
        sources_dir,
        ROUND_TWO,
        retracted=first.retracted.rsplit(":", 1)[1],
        preprint=kept.rsplit(":", 1)[1],
    )
    assert first.retracted.rsplit(":", 1)[1] in pmids  # an included study searched again
    run(first.config, "search epmc", "summarise", "library", env=first.env)
    preprint = f"epmc:PPR:{PREPRINT}"
    pairs = [(r["record_a"], r["record_b"]) for r in _rows(first.out / "library/maybe_pairs.csv")]
    assert pairs == [tuple(sorted((kept, preprint)))]  # no DOI or journal: a person decides
    human = Path(load_config([first.config])["paths"]["human_input"])
    dedup_sheet = human / "dedup/round2_pairs.csv"
    dedup_sheet.parent.mkdir(parents=True)
    dedup_sheet.write_text(f"record_a,record_b,decision\n{kept},{preprint},duplicate\n")
    run(first.config, *STEPS[1:], env=first.env)
    return pmids


def test_two_rounds_screen_only_new_studies_and_keep_every_round_one_decision(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env, first_pmids = first.config, first.out, first.env, first.pmids
    groups_one, studies_one, retracted = first.groups, first.studies, first.retracted
    settings = load_config([config])
    assert set(groups_one) == {f"epmc:MED:{pmid}" for pmid in first_pmids}
    assert sorted(studies_one) == sorted(set(groups_one.values()))
    included = {studies_one[0], groups_one[retracted]}
    assert len(included) == 2
    screen_round(settings, 1, include=included)
    run(config, "screen", "conflicts", "ledger", "report", env=env)
    decisions_one = _rows(out / "screening/decisions.csv")
    assert len(decisions_one) >= 2 * len(studies_one)  # every study, by both reviewers
    assert not [r for r in _rows(out / "library/flags.csv") if r["record_id"] == retracted]
    final_one = _rows(out / "screening/final_decisions.csv")
    assert {r["study_id"] for r in final_one if r["decision"] == "include"} == included
    assert len(final_one) == len(studies_one)

    kept = next(rid for rid, sid in groups_one.items() if sid == studies_one[0])
    second_pmids = second_round(first, replay_server, sources_dir, kept)
    preprint = f"epmc:PPR:{PREPRINT}"
    settings = load_config([config])
    assert settings["review"]["version"] == "2025.2"  # the shipped protocol starts at 2025.1

    groups_two = {r["record_id"]: r["study_id"] for r in _rows(out / "library/groups.csv")}
    assert {rid: groups_two[rid] for rid in groups_one} == groups_one  # ids unchanged
    assert groups_two.pop(preprint) == studies_one[0]  # a new report of the included study
    new_studies = set(groups_two.values()) - set(groups_one.values())
    assert len(new_studies) == len(set(second_pmids) - set(first_pmids)) == 10
    for reviewer in ("r1", "r2"):
        assert sorted(sheet_studies(sheet_path(settings, reviewer, 2))) == sorted(new_studies)
    screen_round(settings, 2, include=set())
    run(config, "screen", "conflicts", "ledger", "report", env=env)

    decisions_two = _rows(out / "screening/decisions.csv")
    assert all(row in decisions_two for row in decisions_one)
    final_two = {r["study_id"]: r for r in _rows(out / "screening/final_decisions.csv")}
    for row in final_one:
        assert {k: final_two[row["study_id"]][k] for k in row} == row
    assert set(final_two) == set(studies_one) | new_studies

    # The PRISMA ledger: one column per round, each counting only its own search and screening.
    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    identified = len(second_pmids) + 1  # and the preprint
    removed = len(set(first_pmids) & set(second_pmids)) + 1  # seen before, or the preprint
    boxes = ("database_results", "duplicates", "records_screened", "records_excluded_human")
    counted = [(r["label"], *(r["counts"][box] for box in boxes)) for r in ledger["rounds"]]
    assert counted == [
        ("2025.1", len(first_pmids), 0, len(studies_one), len(studies_one) - len(included)),
        ("2025.2", identified, removed, len(new_studies), len(new_studies)),
    ]
    for layout in ("each", "combined", "base_updates", "previous_latest"):
        drawn = (out / f"prisma/living/{layout}.svg").read_text(encoding="utf-8")
        assert drawn.startswith("<") and "2025.1" in drawn and "2025.2" in drawn, layout

    # The round-1 inclusion, typed retracted by round 2's search, is flagged in the report.
    flags = _rows(out / "library/flags.csv")
    assert {(r["study_id"], r["flag"]) for r in flags if r["record_id"] == retracted} == {
        (groups_one[retracted], "retracted")
    }
    report = (out / "report/report.md").read_text(encoding="utf-8")
    assert f"| {groups_one[retracted]} | retracted | publication type 'Retracted Publication'" in (
        report
    )
    history = report.split("## Version history", 1)[1].split("\n## ", 1)[0]
    # version, round, records identified, duplicates removed, other records removed, screened
    assert f"| 2025.1 | 1 | {len(first_pmids)} | 0 | 0 | {len(studies_one)} |" in history
    assert f"| 2025.2 | 2 | {identified} | {removed} | 0 | {len(new_studies)} |" in history
    assert f"{removed} duplicates removed, {len(new_studies)} new to the library" in report
    html = (out / "report/index.html").read_text(encoding="utf-8")
    assert "2025.1" in html and "2025.2" in html and groups_one[retracted] in html
