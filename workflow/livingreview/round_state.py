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

from livingreview.dedup.rounds import round_branch, snapshot_rounds, version_dir, version_problem
from livingreview.errors import ConfigError, InputFileError
from livingreview.fileio import atomic_write_text, not_utf8, read_json
from livingreview.yamltext import PlainText

log = logging.getLogger("livingreview.rounds")
STATE_FILE = "rounds.yaml"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WARNED: set[str] = set()  # warnings already given in this process: the file is read often
_HEADER = (
    "# Rounds of this living review, oldest first; the last one is being run.\n"
    "# Written by `livingreview round new`; keep it under version control with the snapshots.\n"
)


def state_path(config: Mapping[str, Any]) -> Path:
    """``<deduplication.history_dir>/rounds.yaml``."""
    return Path(config["deduplication"]["history_dir"]) / STATE_FILE


_KEYS = ("version", "search_from", "search_to", "previous_search", "overlap_days")


def is_date(text: str) -> bool:
    """``text`` is a calendar date written YYYY-MM-DD."""
    try:
        return bool(_DATE.match(text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _date(path: Path, where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or (value and not is_date(value)):
        raise InputFileError(
            path, f"expected a date YYYY-MM-DD, got {value!r}", position=where, field=key
        )
    return value


def _check_round(path: Path, index: int, entry: Any, seen: set[str]) -> dict[str, Any]:
    where = f"rounds[{index}]"
    if not isinstance(entry, dict):
        raise InputFileError(path, "expected a mapping with 'version'", position=where)
    unknown = [str(key) for key in entry if key not in _KEYS]
    if unknown:
        raise InputFileError(
            path, f"unknown key (expected one of {', '.join(_KEYS)})", position=where,
            field=unknown[0],
        )  # fmt: skip
    version = entry.get("version")
    if not isinstance(version, str) or not version.strip():
        raise InputFileError(path, "expected a version text", position=where, field="version")
    if version_problem(version):
        raise InputFileError(
            path, f"version {version!r} {version_problem(version)}", position=where, field="version"
        )
    if version in seen:
        raise InputFileError(path, f"version {version!r} repeats", position=where, field="version")
    seen.add(version)
    entry = dict(entry)
    for key in ("search_from", "search_to", "previous_search"):
        if key in entry:
            entry[key] = _date(path, where, key, entry[key])
    overlap = entry.get("overlap_days", "0")
    if not isinstance(overlap, str) or not re.fullmatch(r"[0-9]+", overlap):
        raise InputFileError(
            path,
            f"expected a whole number of days, got {overlap!r}",
            position=where,
            field="overlap_days",
        )
    if "overlap_days" in entry:
        entry["overlap_days"] = int(overlap)
    if entry.get("search_from", "") > (entry.get("search_to") or "9999"):
        raise InputFileError(
            path,
            f"the window starts {entry['search_from']}, after its end {entry['search_to']}",
            position=where,
            field="search_from",
        )
    searched, ends = entry.get("previous_search", ""), entry.get("search_to", "")
    if searched and ends and searched > ends:
        raise InputFileError(
            path,
            f"the round before this one last searched {searched}, after this round's window "
            f"ends {ends}: expected a date on or before search_to",
            position=where,
            field="previous_search",
        )
    return entry


def window_problem(
    previous: Mapping[str, Any], entry: Mapping[str, Any], *, gaps: bool = True
) -> tuple[str, str]:
    """(field, problem) when ``entry``'s window cannot follow the round before it: missing, or
    leaving days no round searches (unless ``gaps`` is False), or ending before it; ('', '')
    when it can."""
    for key in ("search_from", "search_to"):
        if not entry.get(key):
            return key, "required from the second round on (the round's search window)"
    ended = previous.get("search_to")
    if not ended:
        return "", ""
    if entry["search_to"] < ended:
        return "search_to", (
            f"the window ends {entry['search_to']}, before round {previous['version']!r} "
            f"ended {ended}: a round cannot end before the one before it"
        )
    next_day = (dt.date.fromisoformat(ended) + dt.timedelta(days=1)).isoformat()
    if gaps and entry["search_from"] > next_day:
        return "search_from", (
            f"the window starts {entry['search_from']}, but round {previous['version']!r} "
            f"ended {ended}: no round would search the days between"
        )
    return "", ""


def _check_rounds(path: Path, rounds: list[dict[str, Any]]) -> None:
    """Rounds follow each other: distinct snapshot folders, windows without gaps, oldest first."""
    folders: dict[str, str] = {}
    for index, entry in enumerate(rounds):
        folder = version_dir(Path(), entry["version"]).name
        if folder in folders:
            raise InputFileError(
                path,
                f"version {entry['version']!r} would share the snapshot folder {folder!r} "
                f"with version {folders[folder]!r}",
                position=f"rounds[{index}]",
                field="version",
            )
        folders[folder] = entry["version"]
        if not index:
            continue
        key, problem = window_problem(rounds[index - 1], entry, gaps=False)
        if problem:
            raise InputFileError(path, problem, position=f"rounds[{index}]", field=key)
        # Days between two rounds' windows: a fact of rounds that have run (an earlier version
        # of `round new` could leave them), said once a run; `round new` never leaves them now.
        _, gap = window_problem(rounds[index - 1], entry)
        if gap:
            _warn_once(f"{path}, rounds[{index}], field 'search_from': {gap}")


def _warn_once(message: str) -> None:
    """Log ``message`` as a warning the first time this process meets it."""
    if message not in _WARNED:
        _WARNED.add(message)
        log.warning("%s", message)


def read_state(path: Path) -> list[dict[str, Any]]:
    """The rounds of a state file, checked; a bad entry names its position and field."""
    try:
        # every value stays the text typed: `version: 2025.10` is not the number 2025.1
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=PlainText)
    except OSError as exc:
        raise InputFileError(path, f"cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or exc
        raise InputFileError(path, f"not valid YAML ({problem})", position=where) from None
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, list) or not rounds:
        raise InputFileError(path, "expected 'rounds:' with a list of rounds")
    seen: set[str] = set()
    checked = [_check_round(path, i, entry, seen) for i, entry in enumerate(rounds)]
    _check_rounds(path, checked)
    return checked


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


def check_snapshots(config: Mapping[str, Any]) -> None:
    """Every round of ``rounds.yaml`` before the current one has its library snapshot, holding
    its version, in the same order: a deleted or renamed snapshot is an error, not a round the
    next one silently forgets."""
    path = state_path(config)
    if not path.exists():
        return
    numbers = {version: number for number, version, _ in snapshot_rounds(path.parent)}
    last = 0
    for index, entry in enumerate(read_state(path)[:-1]):
        done = version_dir(path.parent, entry["version"]) / "round.json"
        if entry["version"] not in numbers:
            found = read_json(done, "missing") if done.is_file() else None
            problem = f"holds version {found.get('version')!r}" if found else "is missing"
            raise InputFileError(
                path,
                f"round {entry['version']!r} has been run, but its library snapshot {done} "
                f"{problem}: restore {done.parent} from version control",
                position=f"rounds[{index}]",
            )
        if numbers[entry["version"]] <= last:
            raise InputFileError(
                path,
                f"round {entry['version']!r} is snapshot round {numbers[entry['version']]}, "
                "not after the round before it: rounds are listed oldest first",
                position=f"rounds[{index}]",
            )
        last = numbers[entry["version"]]


def manifest_round(config: Mapping[str, Any]) -> dict[str, Any]:
    """What a search manifest records about its round."""
    entry = current_round(config) or {}
    found = {"version": config["review"]["version"]}
    for key in ("previous_search", "overlap_days"):
        if key in entry:
            found[key] = entry[key]
    return found


def last_search_date(config: Mapping[str, Any], previous: Mapping[str, Any]) -> str:
    """What the previous round searched up to: its API searches' latest ``ran_at`` (a review
    that only imports exports: the latest ``searched_on`` of the round's own exports), but no
    later than its window's end (records entered after it were not asked for), else that end;
    a ConfigError when none is known."""
    found: dict[str, list[str]] = {"api_search": [], "database_export": []}
    for path in sorted((Path(config["paths"]["outputs"]) / "search").glob("*/manifest.json")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        kind = str(manifest.get("kind", ""))
        ran = str(manifest.get("ran_at", ""))[:10]
        if kind in found and _searched_in(manifest, previous["version"]) and is_date(ran):
            found[kind].append(ran)
    dates = found["api_search"] or found["database_export"]
    ended = str(previous.get("search_to") or "")
    if dates:
        return min(max(dates), ended) if ended else max(dates)
    if ended:
        return ended
    raise ConfigError(
        f"round {previous['version']!r}: no search or database export of it in "
        f"{config['paths']['outputs']}/search and no end date of its window "
        "(search.date_range.to): pass --from YYYY-MM-DD"
    )


def _searched_in(manifest: Mapping[str, Any], version: str) -> bool:
    """The manifest is a search of round ``version``: an API search it ran, or an export it
    imported first (an export unchanged since an earlier round is no search of this one)."""
    if manifest_version(manifest) != version:
        return False
    return manifest.get("kind") != "database_export" or manifest.get("imported_in") == version


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


def previous_studies_of(config: Mapping[str, Any], version: str) -> tuple[str, int | None]:
    """What version ``version``'s ledger will show as 'Studies included in previous version of
    review': (the version it comes from, the total of that version's ledger snapshot, chained
    as the ledger chains the rounds; None: the box stays empty)."""
    from livingreview.dedup.rounds import history_dir
    from livingreview.prisma import collect
    from livingreview.prisma.ledger import chain_rounds

    earlier = collect.history(collect.snapshots(history_dir(config), version))
    chained = chain_rounds([column for _, column in earlier])
    return (chained[-1].label, chained[-1].n("total_studies")) if chained else ("", None)


def _freeze_counts(
    config: Mapping[str, Any], version: str, following: str, require_final: bool
) -> None:
    """Freeze the current round's PRISMA counts (its ledger snapshot) as round ``following``
    starts; counts not final stop ``require_final`` and are a warning otherwise, saying what
    the next version's previous-studies box will show."""
    from livingreview.prisma.stage import freeze_for_next_round

    unfinished = freeze_for_next_round(config)
    if not unfinished:
        return
    listed = " ".join(line if line.endswith(".") else f"{line}." for line in unfinished)
    if require_final:
        raise ConfigError(
            f"round {version!r} is not finished, its PRISMA counts are not final: {listed} "
            "Finish it, run the pipeline and commit the snapshots, then start the next round"
        )
    source, carried = previous_studies_of(config, following)
    then = "stays empty."
    if carried is not None:
        then = (
            f"will be {carried:,}, the total of version {source!r}'s ledger snapshot as frozen "
            f"now; a study of round {version!r} included from now on counts as a new study of "
            f"version {following!r}."
        )
    log.warning(
        "round %r: its PRISMA counts are not final: %s The next version's 'Studies included "
        "in previous version of review' %s",
        version,
        listed,
        then,
    )


def latest_end() -> str:
    """The latest day a round's window may end: the date the command runs, the later of the
    local and the UTC date (a date typed where the day has already begun is not the future)."""
    return max(dt.date.today(), dt.datetime.now(dt.UTC).date()).isoformat()


def _ended_in_future(path: Path, rounds: list[dict[str, Any]], today: str) -> None:
    """Refuse to follow a round whose window ends after ``today``: the next round could not
    end before it, so no round could search up to today until it is corrected."""
    ended = str(rounds[-1].get("search_to") or "")
    if ended <= today:
        return
    where = (
        f"{path}, rounds[{len(rounds) - 1}], field 'search_to'"
        if path.exists()
        else "the protocol's search.date_range.to"
    )
    raise ConfigError(
        f"{where}: round {rounds[-1]['version']!r} ends {ended}, after today ({today}): a window "
        "cannot end in the future. Correct it to the day the round's searches ran, then start "
        "the next round"
    )


def new_round(
    config: Mapping[str, Any],
    *,
    version: str = "",
    search_from: str = "",
    search_to: str = "",
    require_final: bool = False,
    today: str = "",
) -> dict[str, Any]:
    """Append the next round to ``rounds.yaml`` (created with the protocol's round first).

    The current round must have been run: its library snapshot exists. Its PRISMA ledger
    snapshot is built again from the outputs (when they are that round's), so it holds the
    round's counts as the next round starts; counts not final are refused with
    ``require_final``, else warned about. ``today``: the latest day a window may end, and the
    default end (by default :func:`latest_end`, and the end today's UTC date).
    """
    end = search_to or today or dt.datetime.now(dt.UTC).date().isoformat()
    today = today or latest_end()
    path = state_path(config)
    rounds = read_state(path) if path.exists() else [_first_round(config)]
    _ended_in_future(path, rounds, today)
    previous = rounds[-1]
    _check_has_run(path, previous)
    version = _new_version(path, rounds, version)
    entry = _round_entry(config, previous, version, search_from, end)
    _check_new_window(previous, entry, today)
    text = yaml.safe_dump({"rounds": [*rounds, entry]}, sort_keys=False, allow_unicode=True)
    try:
        _freeze_counts(config, previous["version"], version, require_final)
        atomic_write_text(path, _HEADER + text)
    except OSError as exc:
        raise ConfigError(
            f"round new: {exc.filename or path}: {exc.strerror or exc}; no round was started "
            f"({path} unchanged)"
        ) from None
    return entry


def _check_has_run(path: Path, previous: Mapping[str, Any]) -> None:
    """Refuse to follow a round that has no library snapshot yet (it has not been run)."""
    done = version_dir(path.parent, previous["version"]) / "round.json"
    if not done.exists():
        raise ConfigError(
            f"round {previous['version']!r} has not been run yet (no library snapshot {done}): "
            "run the pipeline, commit the snapshot, then start the next round"
        )


def _new_version(path: Path, rounds: list[dict[str, Any]], version: str) -> str:
    """The new round's version (``version``, else the one after the last round's), checked: a
    valid version, not a round yet, not sharing a round's snapshot folder or the branch of its
    scheduled re-run's pull request."""
    version = version or next_version(rounds[-1]["version"])
    if version_problem(version):
        raise ConfigError(f"round new: --version {version!r} {version_problem(version)}")
    if version in {r["version"] for r in rounds}:
        raise ConfigError(f"{path}: version {version!r} is already a round of this review")
    folder = version_dir(path.parent, version).name
    shared = [r["version"] for r in rounds if version_dir(path.parent, r["version"]).name == folder]
    if shared:
        raise ConfigError(
            f"round new: version {version!r} would share the snapshot folder {folder!r} with "
            f"version {shared[0]!r}: choose another --version"
        )
    branch = round_branch(version)
    shared = [r["version"] for r in rounds if round_branch(r["version"]) == branch]
    if shared:
        raise ConfigError(
            f"round new: version {version!r} would share the scheduled re-run's branch "
            f"{branch!r} with version {shared[0]!r}: choose another --version"
        )
    return version


def _round_entry(
    config: Mapping[str, Any],
    previous: Mapping[str, Any],
    version: str,
    search_from: str,
    end: str,
) -> dict[str, Any]:
    """The new round's entry, keys in file order: without ``search_from``, its window starts
    the protocol's overlap before the previous round's last search, and records both."""
    overlap = int(config["search"]["round_overlap_days"])
    entry: dict[str, Any] = {"version": version}
    if search_from:
        entry["search_from"] = search_from
    else:
        last = last_search_date(config, previous)
        start = dt.date.fromisoformat(last) - dt.timedelta(days=overlap)
        entry.update(search_from=start.isoformat(), previous_search=last, overlap_days=overlap)
    entry["search_to"] = end
    return {key: entry[key] for key in _KEYS if key in entry}


def _check_new_window(previous: Mapping[str, Any], entry: Mapping[str, Any], today: str) -> None:
    """Refuse a new round's window that is not two dates, ends after ``today``, starts after
    its end, or cannot follow the previous round's (:func:`window_problem`)."""
    for key, option in (("search_from", "--from"), ("search_to", "--to")):
        if not is_date(entry[key]):
            raise ConfigError(f"round new: {option} {entry[key]!r} is not a date (YYYY-MM-DD)")
    if entry["search_to"] > today:
        raise ConfigError(
            f"round new: --to {entry['search_to']} is after today ({today}): a round's window "
            "cannot end in the future (leave --to out to end it today)"
        )
    if entry["search_from"] > entry["search_to"]:
        raise ConfigError(
            f"round new: the window starts {entry['search_from']}, after its end "
            f"{entry['search_to']}"
        )
    _, problem = window_problem(previous, entry)
    if problem:
        raise ConfigError(f"round new: {problem}")
