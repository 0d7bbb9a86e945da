"""Who did what, by name, as the stages assign the protocol's reviewers (for the report's
methods paragraph and the reporting checklist)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from livingreview.dedup.rounds import earlier_rounds, history_dir
from livingreview.report.changes import STATE_DIR, STATE_FILES, read_kept_protocol


def holders(config: Mapping[str, Any], role: str) -> list[str]:
    """Names of the reviewers with ``role``, in protocol order."""
    people = config.get("reviewers") or []
    return [r.get("name", r["id"]) for r in people if role in r.get("roles", [])]


def team(config: Mapping[str, Any], role: str, section: str) -> list[str]:
    """Who gets ``section``'s sheets or forms: every holder of ``role`` in dual mode, the first
    in single mode."""
    names = holders(config, role)
    return names if config[section].get("mode", "dual") == "dual" else names[:1]


def verifiers(
    config: Mapping[str, Any], agreement: Sequence[Mapping[str, str]] | None
) -> list[str]:
    """Who screened single screening's verification sample, by name: each reviewer the
    title/abstract agreement rows (``screening/agreement.csv``) pair with the screener, in the
    order of the round they first did so (one who has left the team since too), then the
    protocol's second screener of now. A round whose kept protocol screened dual
    (:func:`dual_rounds`) paired screeners, not a screener and a verifier: its rows count not."""
    people = {r["id"]: r.get("name", r["id"]) for r in config.get("reviewers") or []}
    ids = [r["id"] for r in config.get("reviewers") or [] if "screening" in r.get("roles", [])]
    screener = ids[0] if ids else ""
    dual = dual_rounds(config)
    rows = [
        r
        for r in agreement or []
        if str(r.get("round", "")).isdigit() and int(r["round"]) not in dual
    ]
    seen: list[str] = []
    for row in sorted(rows, key=lambda r: int(r["round"])):
        pair = {row.get("reviewer_a", ""), row.get("reviewer_b", "")}
        if screener in pair:
            seen += [p for p in sorted(pair - {screener}) if p not in seen]
    seen += [i for i in ids[1:2] if i not in seen]
    return [people.get(i, i) for i in seen]


def dual_rounds(config: Mapping[str, Any]) -> set[int]:
    """The earlier rounds whose kept protocol (``<history_dir>/<version>/report/protocol.json``)
    screened titles and abstracts in dual mode; a round that kept none is not among them."""
    version = str(config["review"]["version"])
    found = set()
    for number, _, folder in earlier_rounds(history_dir(config), version):
        kept = read_kept_protocol(folder / STATE_DIR / STATE_FILES["protocol"])
        screening = kept.get("screening")
        if isinstance(screening, Mapping) and screening.get("mode") == "dual":
            found.add(number)
    return found


def resolver_name(config: Mapping[str, Any]) -> str:
    """The third reviewer a ``third_reviewer`` rule asks (the first with the role
    ``conflict_resolution``), or "" when the protocol names none."""
    return next(iter(holders(config, "conflict_resolution")), "")
