"""A round-1 conflict a third reviewer resolved, then made moot by a reviewer's late revision.

The rounds of ``test_living_rounds`` (replayed real Europe PMC page). In round 1 the two
reviewers disagree on one study and r3 resolves it: the round-1 report publishes one conflict,
resolved. After ``round new``, r2 returns its round-1 sheet again with that study decided as r1
decided it. The study is then decided by the reviewers' agreement, but the conflict r3 resolved
still happened: the round-2 report counts it as the round-1 report did and says that a later
revision decided it alike since.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from livingreview.config import load_config
from livingreview.fileio import write_json
from livingreview.report.render import write_report
from tests.conftest import REPO_ROOT
from tests.form_helpers import fill_form
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import fill_like_a_person, returned_dir, sheet_path
from tests.test_living_rounds import first_round, run, second_round


def _screening_line(report: Path) -> str:
    return next(
        line for line in report.read_text(encoding="utf-8").splitlines() if "conflicts " in line
    )


def test_a_resolved_conflict_a_later_revision_decides_alike_keeps_counting(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out = first.config, first.out
    settings = load_config([config])
    studies = first.studies
    reason = settings["exclusion_reasons"]["title_abstract"][0]["label"]
    excluded = ("Exclude", reason, "")
    included, disputed = studies[0], studies[1]
    r1 = {s: ("Include", "", "") if s == included else excluded for s in studies}
    r2 = {**r1, disputed: ("Include", "", "")}
    folder = returned_dir(settings)
    r2_done = folder / "round1_r2_done.xlsx"
    fill_like_a_person(sheet_path(settings, "r1", 1), folder / "round1_r1_done.xlsx", r1)
    fill_like_a_person(sheet_path(settings, "r2", 1), r2_done, r2)
    run(config, "screen", "conflicts", env=first.env)
    resolutions = Path(settings["paths"]["human_input"]) / settings["screening"]["conflicts_folder"]
    fill_form(
        out / "screening/conflicts.xlsx",
        "Conflicts",
        "study_id",
        {disputed: {"resolution": "include"}},
        resolutions / "round1_r3.xlsx",
    )
    run(config, "conflicts", "ledger", "report", env=first.env)
    published = (
        "Round 1: 15 studies to screen (dual screening, blind); 15 decided: 2 included, "
        "13 excluded; conflicts 1 (1 resolved, 0 pending; rule: third reviewer)."
    )
    assert _screening_line(out / "report/report.md") == published
    kept = next(r for r, s in first.groups.items() if s == included)
    second_round(first, replay_server, sources_dir, kept)

    # r2 revises the disputed study on a copy of its returned round-1 sheet, as r1 decided it.
    fill_like_a_person(
        r2_done, folder / "round1_r2_revised.xlsx", {disputed: excluded}, shuffle=False
    )
    run(config, "screen", "conflicts", "ledger", "report", env=first.env)
    outcome = json.loads((out / "screening/outcome.json").read_text(encoding="utf-8"))
    assert (outcome["conflicts"], outcome["conflicts_resolved"]) == (1, 1)
    assert outcome["conflicts_decided_alike_since"] == 1
    assert outcome["decided_by"] == {"agreement": 15}  # the revised votes decide the study
    assert _screening_line(out / "report/report.md") == (
        "Rounds 1 to 2, all together: 25 studies to screen (dual screening, blind); 15 decided: "
        "1 included, 14 excluded; conflicts 1 (1 resolved, 0 pending; rule: third reviewer); "
        "1 of the resolved since decided alike by a reviewer's later revision, whose decision "
        "counts."
    )
    html = (out / "report/index.html").read_text(encoding="utf-8")
    assert "1 of the resolved since decided alike by a reviewer's later revision" in html


def test_an_outcome_written_before_the_count_of_conflicts_decided_alike_still_renders(
    demo_outputs: Path, tmp_path: Path
) -> None:
    # outputs/screening/outcome.json of a version before fe1a916 has no
    # conflicts_decided_alike_since: `livingreview report` (or a preview with --out-dir) run
    # after the upgrade on those outputs stopped with a jinja2 UndefinedError traceback.
    outputs = tmp_path / "outputs"
    (outputs / "screening").mkdir(parents=True)
    shutil.copy(demo_outputs / "screening/status.json", outputs / "screening/status.json")
    outcome = json.loads((demo_outputs / "screening/outcome.json").read_text(encoding="utf-8"))
    del outcome["conflicts_decided_alike_since"]
    write_json(outputs / "screening/outcome.json", outcome)
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    report = write_report(config, outputs, tmp_path / "report")
    line = _screening_line(report.with_name("report.md"))
    assert line.endswith(
        f"conflicts {outcome['conflicts']} ({outcome['conflicts_resolved']} resolved, "
        f"{outcome['conflicts_pending']} pending; rule: {outcome['decision_rule']}).".replace(
            "_", " "
        )
    )
