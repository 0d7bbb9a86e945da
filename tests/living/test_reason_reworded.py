"""A full-text exclusion reason whose label is reworded between versions is one reason.

The rounds of ``test_living_rounds`` (replayed real Europe PMC pages): version 1 excludes one
report at full text with a reason; before version 2 the team rewords that reason's label (its id
unchanged, so the sheets returned in version 1 still read) and version 2 excludes its new study
with the same reason. The versions combined count the reason once, under its label now; the
frozen snapshot of version 1 keeps the words it was published with.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from livingreview.config import load_config
from tests.replay_server import ReplayServer
from tests.screening.sheet_helpers import sheet_path
from tests.test_living_rounds import first_round, run, screen_round, second_round, sheet_studies
from tests.test_living_versions import LATER_STAGES, return_round

REWORDED = "No alliance or bond outcome reported for the digital intervention"


def reword(config: Path, reason_id: str, label: str) -> None:
    """The protocol amendment: ``exclusion_reasons.full_text`` ``reason_id`` gets ``label``."""
    protocol = yaml.safe_load(config.read_text(encoding="utf-8"))
    for reason in protocol["exclusion_reasons"]["full_text"]:
        if reason["id"] == reason_id:
            reason["label"] = label
    config.write_text(yaml.safe_dump(protocol), encoding="utf-8")


def test_a_reworded_reason_is_counted_once_across_versions(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env = first.config, first.out, first.env
    settings = load_config([config])
    kept, dropped = first.studies[:2]
    screen_round(settings, 1, include={kept, dropped})
    run(config, "screen", "conflicts", "fulltext", env=env)
    reason = settings["exclusion_reasons"]["full_text"][0]
    decided = {
        kept: {"decision": "include"},
        dropped: {"decision": "exclude", "reason": reason["id"]},
    }
    return_round(settings, "full_text", 1, decided)
    run(config, "fulltext", *LATER_STAGES, env=env)

    kept_record = next(r for r, s in first.groups.items() if s == kept)
    second_round(first, replay_server, sources_dir, kept_record)
    reword(config, reason["id"], REWORDED)
    settings = load_config([config])
    new_study = sorted(sheet_studies(sheet_path(settings, "r1", 2)))[0]
    screen_round(settings, 2, include={new_study})
    run(config, "screen", "conflicts", "fulltext", env=env)
    excluded = {new_study: {"decision": "exclude", "reason": reason["id"]}}
    return_round(settings, "full_text", 2, excluded)
    run(config, "fulltext", *LATER_STAGES, env=env)

    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = (r["lists"]["dbr_excluded"] for r in ledger["rounds"])
    # was: version 1's old label and the new one, each n = 1, as two reasons in all versions
    assert ledger["cumulative"]["lists"]["dbr_excluded"] == [{"label": REWORDED, "n": 2}]
    assert one == two == [{"label": REWORDED, "n": 1}]
    rounds_csv = (out / "prisma/ledger_rounds.csv").read_text(encoding="utf-8")
    assert reason["label"] not in rounds_csv
    version_one = ledger["rounds"][0]["label"]
    frozen = Path(settings["deduplication"]["history_dir"]) / version_one / "prisma_ledger.json"
    published = json.loads(frozen.read_text(encoding="utf-8"))["column"]["lists"]
    assert published["dbr_excluded"] == [{"label": reason["label"], "n": 1}]


def test_labels_amended_before_round_new_are_not_named_back(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    """The team swaps two reasons' labels before ``round new``, which freezes version 1's counts
    again under the amended protocol, while version 1's kept protocol.json (its report's) keeps
    the labels before: matched by that file, version 1's exclusion was named back with the other
    reason's label, two reasons in the versions combined for one. The snapshot now keeps the ids
    of the labels it was frozen with."""
    first = first_round(replay_server, sources_dir, tmp_path)
    config, out, env = first.config, first.out, first.env
    settings = load_config([config])
    kept, dropped = first.studies[:2]
    screen_round(settings, 1, include={kept, dropped})
    run(config, "screen", "conflicts", "fulltext", env=env)
    reason, other = settings["exclusion_reasons"]["full_text"][:2]
    decided = {
        kept: {"decision": "include"},
        dropped: {"decision": "exclude", "reason": reason["id"]},
    }
    return_round(settings, "full_text", 1, decided)
    run(config, "fulltext", *LATER_STAGES, env=env)

    reword(config, reason["id"], other["label"])
    reword(config, other["id"], reason["label"])
    kept_record = next(r for r, s in first.groups.items() if s == kept)
    second_round(first, replay_server, sources_dir, kept_record)
    settings = load_config([config])
    new_study = sorted(sheet_studies(sheet_path(settings, "r1", 2)))[0]
    screen_round(settings, 2, include={new_study})
    run(config, "screen", "conflicts", "fulltext", env=env)
    excluded = {new_study: {"decision": "exclude", "reason": reason["id"]}}
    return_round(settings, "full_text", 2, excluded)
    run(config, "fulltext", *LATER_STAGES, env=env)

    ledger = json.loads((out / "prisma/ledger.json").read_text(encoding="utf-8"))
    one, two = (r["lists"]["dbr_excluded"] for r in ledger["rounds"])
    # was: version 1's exclusion under reason's old label (now other's), version 2's under its new
    assert one == two == [{"label": other["label"], "n": 1}]
    assert ledger["cumulative"]["lists"]["dbr_excluded"] == [{"label": other["label"], "n": 2}]
