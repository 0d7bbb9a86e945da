"""Amendments of the protocol between versions of a living review (PRISMA 2020 item 24c).

Each version freezes the settings of its protocol that define the review's methods
(:func:`methods`) with its state (``<history_dir>/<version>/report/protocol.json``); the next
version compares its own settings with them and lists each one amended (:func:`amendments`).

Left out, as no amendment (:data:`LEFT_OUT`), are the settings that change by design or say
nothing about the methods:

* what each version sets: ``review.version`` and the round's search window that
  ``livingreview round new`` writes (``search.date_range``, ``sources.<name>.date_range``; a
  source's ``date_field`` is compared as the field update rounds search on, its
  ``round_date_field`` when given), an import's ``files``, ``searched_on`` and
  ``records_reported`` (each round's export);
* where things are and how services are reached: ``paths``, the folders returned sheets are read
  from, ``deduplication.history_dir``, ``search.mode``, ``replay_dir``, ``contact_email_env``,
  ``secrets_file``, a source's ``base_url``, ``api_key_env``, ``batch_size``, ``min_interval``,
  ``max_tries`` and an import's ``format``;
* names and looks: ``review.id``, ``review.demo``, ``review.seed_publication``, sheet formats,
  ``risk_of_bias.palette``, the ``report`` section, and in a review without ``nexus.levels``
  ``extraction.nexus_field`` and an empty ``nexus`` (the schema's defaults, naming nothing of
  the review);
* people and aids to them: ``reviewers`` (each stage's ``mode`` says how many assess),
  ``eligibility.keywords`` (words highlighted in sheets), ``full_text.open_access`` (a link to a
  free copy).

Lists of entries with an id (exclusion reasons, extraction fields, eligibility criteria, Nexus
levels) and the ``sources`` and ``imports`` sections are compared entry by entry: an entry
added, removed or renamed (the same settings under another id) is one row naming it, an entry
changed one row per setting changed. A list of values is compared as a set (its order is no
amendment).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

LEFT_OUT = (
    "review.id", "review.version", "review.demo", "review.seed_publication",
    "paths",
    "search.mode", "search.replay_dir", "search.date_range", "search.contact_email_env",
    "search.secrets_file",
    "sources.*.date_range", "sources.*.round_date_field", "sources.*.batch_size",
    "sources.*.base_url", "sources.*.api_key_env", "sources.*.min_interval", "sources.*.max_tries",
    "imports.*.files", "imports.*.searched_on", "imports.*.records_reported", "imports.*.format",
    "deduplication.decisions_dir", "deduplication.history_dir",
    "reviewers",
    "eligibility.keywords",
    "*.folder", "*.conflicts_folder", "*.sheet_format",
    "full_text.open_access",
    "risk_of_bias.palette",
    "report",
)  # fmt: skip
#: Lists whose entries are told apart by a key: the list's dotted key -> the entry's key.
KEYED = {
    "eligibility.criteria": "id",
    "exclusion_reasons.title_abstract": "id",
    "exclusion_reasons.full_text": "id",
    "extraction.fields": "id",
    "nexus.levels": "level",
}
SECTIONS = ("sources", "imports")  # mappings of a name to its settings
SHORT = 80  # the longest value a cell shows


@dataclass(frozen=True)
class Amendment:
    """One setting amended: its dotted key, its value before and now, and what happened."""

    item: str
    old: str
    new: str
    detail: str


def _kept(value: Any, path: str) -> Any:
    if not isinstance(value, Mapping):
        return copy.deepcopy(value)
    return {
        key: _kept(sub, f"{path}.{key}" if path else str(key))
        for key, sub in value.items()
        if not any(fnmatchcase(f"{path}.{key}" if path else str(key), p) for p in LEFT_OUT)
    }


def methods(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settings of ``config`` that define the review's methods (see the module docstring)."""
    kept: dict[str, Any] = _kept(config, "")
    for name, source in (config.get("sources") or {}).items():
        field = source.get("round_date_field") or source.get("date_field")
        if field:
            kept["sources"][name]["date_field"] = field
    if not (config.get("nexus") or {}).get("levels"):
        (kept.get("extraction") or {}).pop("nexus_field", None)  # names no field without levels
        if not kept.get("nexus"):
            kept.pop("nexus", None)  # the schema's empty default: no setting of the review
    return kept


def methods_text(config: Mapping[str, Any]) -> str:
    """:func:`methods` as the text a version freezes (keys sorted: their order is no change)."""
    return json.dumps(methods(config), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def methods_digest(config: Mapping[str, Any]) -> str:
    """SHA-256 of :func:`methods_text`: the report step's parameter, so that an amendment no
    other step reads (the review's question, its registration) still renders the report again."""
    return hashlib.sha256(methods_text(config).encode("utf-8")).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return " ".join(str(value).split())


def _clip(text: str, start: int) -> str:
    """``text`` from ``start`` (``…`` marks what is cut), at most :data:`SHORT` characters."""
    shown = ("…" if start else "") + text[start:]
    return shown if len(shown) <= SHORT else shown[: SHORT - 1] + "…"


def _pair(old: Any, new: Any) -> tuple[str, str]:
    """Both values as short texts; two long ones shown from a little before they differ."""
    before, after = _text(old), _text(new)
    shorter = min(len(before), len(after))
    same = next((i for i in range(shorter) if before[i] != after[i]), shorter)
    start = max(0, same - 20) if max(len(before), len(after)) > SHORT else 0
    return _clip(before, start), _clip(after, start)


def _entries(value: Any, path: str) -> dict[str, dict[str, Any]]:
    """A section or keyed list as name -> entry (the key of a list's entry left out)."""
    if path in SECTIONS:
        return dict(value or {})
    key = KEYED[path]
    return {str(e[key]): {k: v for k, v in e.items() if k != key} for e in value or []}


def _name(entry: Mapping[str, Any]) -> str:
    return str(entry.get("label") or entry.get("database") or "")


def _collection(before: Any, now: Any, path: str) -> list[Amendment]:
    old, new = _entries(before, path), _entries(now, path)
    gone = [k for k in old if k not in new]
    found: list[Amendment] = []
    for key in [k for k in new if k not in old]:
        renamed = next((g for g in gone if old[g] == new[key]), None)
        if renamed is not None:
            gone.remove(renamed)
            found.append(Amendment(path, renamed, key, "renamed"))
        else:
            found.append(Amendment(path, "", key, f"added: {_name(new[key])}".rstrip(": ")))
    found += [Amendment(path, k, "", f"removed: {_name(old[k])}".rstrip(": ")) for k in gone]
    for key in [k for k in new if k in old]:
        found += _compare(old[key], new[key], f"{path}.{key}")
    return found


def _values(before: list[Any], now: list[Any], path: str) -> list[Amendment]:
    added = [v for v in now if v not in before]
    removed = [v for v in before if v not in now]
    if not added and not removed:
        return []
    detail = " and ".join(w for w, n in (("added", added), ("removed", removed)) if n)
    return [Amendment(path, _text(removed), _text(added), detail)]


def _flat(values: list[Any]) -> bool:
    return all(isinstance(v, str | int | float | bool) for v in values)


def _same(before: Any, now: Any) -> bool:
    """Equal, or two texts that differ only in spacing (a query folded onto other lines in the
    YAML): the cells would show the same text."""
    if isinstance(before, str) and isinstance(now, str):
        return before.split() == now.split()
    return bool(before == now)


def _compare(before: Any, now: Any, path: str) -> list[Amendment]:
    if path in SECTIONS or path in KEYED:
        return _collection(before, now, path)
    if isinstance(before, Mapping) and isinstance(now, Mapping):
        keys = [*now, *(k for k in before if k not in now)]
        return [
            a
            for k in keys
            for a in _compare(before.get(k), now.get(k), f"{path}.{k}" if path else str(k))
        ]
    if _same(before, now):
        return []
    lists = [v for v in (before, now) if v is not None]
    if all(isinstance(v, list) for v in lists) and all(_flat(v) for v in lists):
        return _values(before or [], now or [], path)
    detail = "set" if before is None else "removed" if now is None else "changed"
    return [Amendment(path, *_pair(before, now), detail)]


def amendments(before: Mapping[str, Any], config: Mapping[str, Any]) -> list[Amendment]:
    """The methods settings of ``config`` that differ from ``before`` (a version's frozen
    :func:`methods`), in the order of the protocol's sections."""
    return _compare(methods(before), methods(config), "")
