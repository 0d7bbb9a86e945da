"""Helpers for the library tests: the demo round's real records and a transparent stand-in engine.

The stand-in engine (exact DOI or normalised title = duplicate; same title start = maybe) makes the
stable-id and round-trip tests independent of the real engine's tuning; the tests that matter for
matching quality run the real engine (``livingreview.dedup.engine``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from livingreview.config import enabled_imports, enabled_sources, load_config
from livingreview.dedup.model import Decisions, PairVerdict
from livingreview.dedup.rounds import derived_id
from livingreview.importing import run_import
from livingreview.prisma_s import write_summary
from livingreview.search import run_search
from tests.conftest import REPO_ROOT


def demo_config(tmp: Path, **dedup: Any) -> dict[str, Any]:
    """The demo protocol with outputs and library history under ``tmp``."""
    config = load_config([REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"])
    config["paths"] = {"human_input": str(tmp / "human"), "outputs": str(tmp / "outputs")}
    config["search"]["replay_dir"] = str(REPO_ROOT / "demo/snapshot")
    config["deduplication"]["history_dir"] = str(tmp / "history")
    config["deduplication"].update(dedup)
    (tmp / "human" / "exports").mkdir(parents=True, exist_ok=True)
    for export in (REPO_ROOT / "demo/human/exports").iterdir():
        (tmp / "human/exports" / export.name).write_bytes(export.read_bytes())
    return config


def build_demo_identified(config: dict[str, Any], names: list[str] | None = None) -> Path:
    """Replay the demo searches and imports (offline) and write ``identified.csv``."""
    out = Path(config["paths"]["outputs"]) / "search"
    all_names = enabled_sources(config) + enabled_imports(config)
    names = names or all_names
    for name in names:
        if not (out / name / "records.csv").exists():
            if name in enabled_sources(config):
                run_search(config, name, out / name, state_dir=out / ".pacing")
            else:
                run_import(config, name, out / name)
    write_summary(
        [out / n / "manifest.json" for n in names],
        [out / n / "records.csv" for n in names],
        out,
        "demo",
        True,
        config=config,
    )
    return out / "identified.csv"


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


@dataclass
class StandInResult:
    verdicts: list[PairVerdict]
    groups: dict[str, str]
    maybe: list[PairVerdict] = field(default_factory=list)


def stand_in_engine(
    frame: pd.DataFrame,
    *,
    decisions: Decisions | None = None,
    policy: object = None,
    progress: bool = False,
) -> StandInResult:
    """Duplicate: same DOI or same normalised title; maybe: same first 40 title characters."""
    decisions = decisions or {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    rows = frame.to_dict("records")
    by_prefix: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        find(row["ID"])
        by_prefix.setdefault(_norm(row["title"])[:40], []).append(row)
    verdicts, maybe = [], []
    for members in by_prefix.values():
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                a, b = sorted((left["ID"], right["ID"]))
                decided = decisions.get((a, b))
                same = _norm(left["title"]) == _norm(right["title"]) or (
                    left["doi"] and left["doi"] == right["doi"]
                )
                if decided == "distinct":
                    continue
                if decided == "duplicate" or same:
                    parent[find(a)] = find(b)
                    verdicts.append(PairVerdict(a, b, "duplicate", 1.0, "same title or DOI"))
                else:
                    pair = PairVerdict(a, b, "maybe", 0.9, "same title start")
                    verdicts.append(pair)
                    maybe.append(pair)
    return StandInResult(verdicts, {r["ID"]: find(r["ID"]) for r in rows}, maybe)


LATE = "aaa:000001"  # a late export's record id: sorts before every demo record id


def rebuild(config: dict[str, Any], joins: dict[str, str]) -> dict[str, str]:
    """Rebuild the library's tables as the library step would after ``joins`` (record id ->
    study id it joins; a study id as record id merges that whole study): each study's id is
    then derived from its smallest record id (round 1). Returns old study id -> new one."""
    library = Path(config["paths"]["outputs"]) / "library"
    groups = list(csv.DictReader((library / "groups.csv").open(encoding="utf-8")))
    study_of = {row["record_id"]: row["study_id"] for row in groups}
    before = dict(study_of)
    for rid, target in joins.items():
        moved = [r for r, s in study_of.items() if s == rid] or [rid]
        study_of.update(dict.fromkeys(moved, target))
    members: dict[str, list[str]] = {}
    for rid, sid in study_of.items():
        members.setdefault(sid, []).append(rid)
    renamed = {sid: derived_id(min(rids)) for sid, rids in members.items()}
    with (library / "groups.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("record_id,study_id,round\n")
        for rid in sorted(study_of):
            handle.write(f"{rid},{renamed[study_of[rid]]},1\n")
    path = library / "records.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames or [], list(reader)
    kept = [r for r in rows if r["study_id"] in renamed]  # a merged study's row goes
    for row in kept:
        row["study_id"] = renamed[row["study_id"]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    now = {before[rid]: renamed[sid] for rid, sid in study_of.items() if rid in before}
    return {old: new for old, new in now.items() if old != new}
