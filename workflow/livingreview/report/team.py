"""Who did what, by name, as the stages assign the protocol's reviewers (for the report's
methods paragraph and the reporting checklist)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def holders(config: Mapping[str, Any], role: str) -> list[str]:
    """Names of the reviewers with ``role``, in protocol order."""
    people = config.get("reviewers") or []
    return [r.get("name", r["id"]) for r in people if role in r.get("roles", [])]


def team(config: Mapping[str, Any], role: str, section: str) -> list[str]:
    """Who gets ``section``'s sheets or forms: every holder of ``role`` in dual mode, the first
    in single mode."""
    names = holders(config, role)
    return names if config[section].get("mode", "dual") == "dual" else names[:1]


def resolver_name(config: Mapping[str, Any]) -> str:
    """The third reviewer a ``third_reviewer`` rule asks (the first with the role
    ``conflict_resolution``), or "" when the protocol names none."""
    return next(iter(holders(config, "conflict_resolution")), "")
