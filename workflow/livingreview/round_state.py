"""Which round of the living review is current: ``rounds.yaml`` beside the library snapshots.

The protocol (``config/config.yaml``) says what to search; ``<deduplication.history_dir>/
rounds.yaml`` says which round is being run. ``livingreview round new`` appends a round::

    rounds:
    - {version: '2025.1', search_from: '2010-01-01', search_to: '2024-11-25'}
    - {version: '2025.2', search_from: '2024-11-18', search_to: '2025-06-02',
       previous_search: '2024-11-25', overlap_days: 7}

When the file exists, loading the config applies its last round: ``review.version`` becomes that
round's version and, from the second round on, every search is limited to the round's window
(``search.date_range`` and any ``sources.<name>.date_range``), on ``sources.<name>.
round_date_field`` where given (PubMed ``edat``: records that entered PubMed since the last search).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from livingreview.dedup.rounds import version_dir
from livingreview.errors import ConfigError, InputFileError
from livingreview.fileio import atomic_write_text

log = logging.getLogger("livingreview.rounds")
STATE_FILE = "rounds.yaml"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADER = (
    "# Rounds of this living review, oldest first; the last one is being run.\n"
    "# Written by `livingreview round new`; keep it under version control with the snapshots.\n"
)


def state_path(config: Mapping[str, Any]) -> Path:
    """``<deduplication.history_dir>/rounds.yaml``."""
    return Path(config["deduplication"]["history_dir"]) / STATE_FILE


def _check_round(path: Path, index: int, entry: Any, seen: set[str]) -> dict[str, Any]:
    where = f"rounds[{index}]"
    if not isinstance(entry, dict):
        raise InputFileError(path, "expected a mapping with 'version'", position=where)
    version = entry.get("version")
    if not isinstance(version, str) or not version.strip():
        raise InputFileError(path, "expected a version text", position=where, field="version")
    if version in seen:
        raise InputFileError(path, f"version {version!r} repeats", position=where, field="version")
    seen.add(version)
    for key in ("search_from", "search_to", "previous_search"):
        value = entry.get(key, "")
        if not isinstance(value, str) or (value and not _DATE.match(value)):
            raise InputFileError(path, "expected a date YYYY-MM-DD", position=where, field=key)
    overlap = entry.get("overlap_days", 0)
    if not isinstance(overlap, int) or overlap < 0:
        raise InputFileError(
            path, "expected a whole number of days", position=where, field="overlap_days"
        )
    return entry


def read_state(path: Path) -> list[dict[str, Any]]:
    """The rounds of a state file, checked; a bad entry names its position and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(path, f"cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, list) or not rounds:
        raise InputFileError(path, "expected 'rounds:' with a list of rounds")
    seen: set[str] = set()
    return [_check_round(path, i, entry, seen) for i, entry in enumerate(rounds)]


def current_round(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The last round of the state file, or None without one."""
    path = state_path(config)
    return read_state(path)[-1] if path.exists() else None


def apply_round_state(config: dict[str, Any]) -> dict[str, Any]:
    """Set ``config`` (in place, and returned) to the current round; a no-op without the file."""
    path = state_path(config)
    if not path.exists():
        return config
    rounds = read_state(path)
    last = rounds[-1]
    config["review"]["version"] = last["version"]
    if len(rounds) > 1:  # the first round searches the protocol's own window
        window = {"from": last.get("search_from", ""), "to": last.get("search_to", "")}
        window = {key: value for key, value in window.items() if value}
        config["search"]["date_range"] = window
        for source in config["sources"].values():
            if "date_range" in source:
                source["date_range"] = dict(window)
            if source.get("round_date_field"):
                source["date_field"] = source["round_date_field"]
    return config


def manifest_round(config: Mapping[str, Any]) -> dict[str, Any]:
    """What a search manifest records about its round."""
    entry = current_round(config) or {}
    found = {"version": config["review"]["version"]}
    for key in ("previous_search", "overlap_days"):
        if key in entry:
            found[key] = entry[key]
    return found


def last_search_date(config: Mapping[str, Any], previous: Mapping[str, Any]) -> str:
    """When the previous round last searched: its searches' latest ``ran_at``, else its window's
    end; a ConfigError when neither is known."""
    dates = []
    for path in sorted((Path(config["paths"]["outputs"]) / "search").glob("*/manifest.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        in_round = manifest_version(manifest) == previous["version"]
        if in_round and manifest.get("kind") == "api_search" and manifest.get("ran_at"):
            dates.append(str(manifest["ran_at"])[:10])
    if dates:
        return max(dates)
    if previous.get("search_to"):
        return str(previous["search_to"])
    raise ConfigError(
        f"round {previous['version']!r}: no search manifest of it in "
        f"{config['paths']['outputs']}/search and no end date of its window "
        "(search.date_range.to): pass --from YYYY-MM-DD"
    )


def manifest_version(manifest: Mapping[str, Any]) -> str:
    """The review version a search manifest belongs to ('' for manifests before rounds)."""
    found = manifest.get("round")
    return str(found.get("version", "")) if isinstance(found, dict) else ""


def next_version(version: str) -> str:
    """``2025.1`` -> ``2025.2``, ``v3`` -> ``v4``: the trailing number plus one."""
    match = re.search(r"(\d+)$", version)
    if not match:
        raise ConfigError(
            f"cannot number the round after version {version!r} (no trailing number): "
            "pass --version"
        )
    return version[: match.start()] + str(int(match.group(1)) + 1)


def _first_round(config: Mapping[str, Any]) -> dict[str, Any]:
    window = config["search"].get("date_range") or {}
    entry = {"version": config["review"]["version"]}
    entry.update({f"search_{k}": window[k] for k in ("from", "to") if window.get(k)})
    return entry


def _freeze_counts(config: Mapping[str, Any], version: str, require_final: bool) -> None:
    """Freeze the current round's PRISMA counts (its ledger snapshot) as the next round starts;
    counts not final stop ``require_final`` and are a warning otherwise."""
    from livingreview.prisma.stage import freeze_for_next_round

    unfinished = freeze_for_next_round(config)
    if not unfinished:
        return
    listed = " ".join(unfinished)
    if require_final:
        raise ConfigError(
            f"round {version!r} is not finished, its PRISMA counts are not final: {listed} "
            "Finish it, run the pipeline and commit the snapshots, then start the next round"
        )
    log.warning(
        "round %r: its PRISMA counts are not final: %s The next version's 'Studies included "
        "in previous version of review' stays empty.",
        version,
        listed,
    )


def new_round(
    config: Mapping[str, Any],
    *,
    version: str = "",
    search_from: str = "",
    search_to: str = "",
    require_final: bool = False,
) -> dict[str, Any]:
    """Append the next round to ``rounds.yaml`` (created with the protocol's round first).

    The current round must have been run: its library snapshot exists. Its PRISMA ledger
    snapshot is built again from the outputs (when they are that round's), so it holds the
    round's counts as the next round starts; counts not final are refused with
    ``require_final``, else warned about.
    """
    path = state_path(config)
    rounds = read_state(path) if path.exists() else [_first_round(config)]
    previous = rounds[-1]
    done = version_dir(path.parent, previous["version"]) / "round.json"
    if not done.exists():
        raise ConfigError(
            f"round {previous['version']!r} has not been run yet (no library snapshot {done}): "
            "run the pipeline, commit the snapshot, then start the next round"
        )
    version = version or next_version(previous["version"])
    if version in {r["version"] for r in rounds}:
        raise ConfigError(f"{path}: version {version!r} is already a round of this review")
    overlap = int(config["search"]["round_overlap_days"])
    entry: dict[str, Any] = {"version": version}
    if search_from:
        entry["search_from"] = search_from
    else:
        last = last_search_date(config, previous)
        start = dt.date.fromisoformat(last) - dt.timedelta(days=overlap)
        entry.update(search_from=start.isoformat(), previous_search=last, overlap_days=overlap)
    entry["search_to"] = search_to or dt.datetime.now(dt.UTC).date().isoformat()
    order = ("version", "search_from", "search_to", "previous_search", "overlap_days")
    entry = {key: entry[key] for key in order if key in entry}
    for key in ("search_from", "search_to"):
        if not _DATE.match(entry[key]):
            raise ConfigError(f"round new: {key} {entry[key]!r} is not a date (YYYY-MM-DD)")
    if entry["search_from"] > entry["search_to"]:
        raise ConfigError(
            f"round new: the window starts {entry['search_from']}, after its end "
            f"{entry['search_to']}"
        )
    _freeze_counts(config, previous["version"], require_final)
    text = yaml.safe_dump({"rounds": [*rounds, entry]}, sort_keys=False, allow_unicode=True)
    atomic_write_text(path, _HEADER + text)
    return entry
