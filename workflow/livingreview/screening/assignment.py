"""Who screens what: the screeners, the verified sample in single mode, and the library's studies
with the round each is new in."""

from __future__ import annotations

import functools
from collections.abc import Container, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview.dedup.rounds import StudyAliases
from livingreview.errors import ConfigError
from livingreview.fileio import read_csv_table, read_json


def screeners(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(id, name) of the reviewers who get sheets: the role ``screening``, in protocol order.

    Dual mode needs two and uses every one listed; single mode uses the first, and the second
    too when ``screening.verification_sample.fraction`` is above 0 (it verifies that sample).
    """
    found = [(r["id"], r["name"]) for r in config["reviewers"] if "screening" in r.get("roles", [])]
    mode = config["screening"]["mode"]
    sample = mode != "dual" and _fraction(config) > 0
    need = 2 if mode == "dual" or sample else 1
    if len(found) < need:
        why = f" with verification_sample.fraction {_fraction(config):g}" if sample else ""
        raise ConfigError(
            f"config key 'reviewers': screening.mode {mode!r}{why} needs {need} reviewer(s) with "
            f"the role 'screening'{' (the second screens the sample)' if sample else ''}, "
            f"found {len(found)}"
        )
    return found if mode == "dual" else found[:need]


def _fraction(config: Mapping[str, Any]) -> float:
    return float(config["screening"].get("verification_sample", {}).get("fraction", 0))


def verifier(config: Mapping[str, Any]) -> str | None:
    """In single mode with a verification sample: the reviewer who screens only the sample."""
    if config["screening"]["mode"] == "single" and _fraction(config) > 0:
        return screeners(config)[1][0]
    return None


def verification_ids(config: Mapping[str, Any], new_in: Mapping[str, int], up_to: int) -> set[str]:
    """The verified sample: drawn per round among the studies new in it (so it never shifts)."""
    from livingreview.screening.conflicts import verification_sample

    seed = int(config["screening"]["verification_sample"]["seed"])
    chosen: set[str] = set()
    for number in range(1, up_to + 1):
        ids = [sid for sid, first in new_in.items() if first == number]
        chosen.update(verification_sample(ids, _fraction(config), seed))
    return chosen


LIBRARY_TABLES = (
    "library/records.csv",
    "library/counts.json",
    "library/groups.csv",
    "library/changelog.csv",
)
GROUPS_COLUMNS = ("record_id", "study_id", "round")
TABLE_COLUMNS = {
    "library/records.csv": ("study_id",),
    "library/groups.csv": ("study_id", "round"),
    "library/changelog.csv": ("round", "event", "study_id", "other_study_id"),
}
LibraryStudies = tuple[list[dict[str, str]], dict[str, int], int, set[str]]


def _read_table(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    return read_csv_table(path, required, "missing: run the library step first")


def library_round(outputs: Path) -> int:
    """The library's current round, for a run that needs none of its studies: the tables
    :func:`library_studies` reads are checked by their headers only."""
    for name, required in TABLE_COLUMNS.items():
        read_csv_table(
            outputs / name, required, "missing: run the library step first", header_only=True
        )
    counts = read_json(outputs / "library/counts.json", "missing: run the library step first")
    return int(counts["round"])


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except FileNotFoundError:
        return (-1, -1, -1)
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _tables_stamps(outputs: Path) -> tuple[tuple[int, int, int], ...]:
    """The stamps of the library's tables (:data:`LIBRARY_TABLES`): a cache key part."""
    return tuple(_stamp(outputs / name) for name in LIBRARY_TABLES)


def library_studies(outputs: Path) -> LibraryStudies:
    """The library's studies, the round each is new in, the current round, and retired ids.

    A study is new in the earliest round of its records, or in the round a split gave it its id.
    The tables are read once per version of the files (one screening run asks several times).
    """
    folder, stamps = outputs.resolve(), _tables_stamps(outputs)
    studies, new_in, current, retired = _read_library(folder, stamps)
    _LAST_READ[:] = [(folder, stamps, studies)]  # for read_library_rows
    return list(studies), dict(new_in), current, set(retired)


# The rows of the library's records.csv :func:`library_studies` gave last, with the folder and
# the stamps of that version of the tables: what :func:`read_library_rows` gives later steps.
_LAST_READ: list[tuple[Path, tuple[tuple[int, int, int], ...], list[dict[str, str]]]] = []


@functools.lru_cache(maxsize=2)
def _read_library(outputs: Path, stamps: tuple[tuple[int, int, int], ...]) -> LibraryStudies:
    del stamps  # part of the cache key only: a rewritten table is read again
    studies = _read_table(outputs / "library/records.csv", TABLE_COLUMNS["library/records.csv"])
    new_in, current, retired = new_in_rounds(outputs, [s["study_id"] for s in studies])
    return studies, new_in, current, retired


def read_library_rows(outputs: Path) -> list[dict[str, str]] | None:
    """The rows of the library's ``records.csv`` (every column, file order) when this process
    has read the tables as they are now (:func:`library_studies`: the screening step before
    a later step in Snakemake's process), else None. The rows are shared: not to be changed."""
    if not _LAST_READ:
        return None
    read_from, stamps, rows = _LAST_READ[0]
    return rows if (read_from, stamps) == (outputs.resolve(), _tables_stamps(outputs)) else None


def new_in_rounds(outputs: Path, study_ids: Sequence[str]) -> tuple[dict[str, int], int, set[str]]:
    """The round each study is new in, the current round, and the retired ids (those the
    changelog names that are not among ``study_ids``), from the library's other tables."""
    counts = read_json(outputs / "library/counts.json", "missing: run the library step first")
    current = int(counts["round"])
    first: dict[str, int] = {}
    for row in _groups(outputs / "library/groups.csv"):
        sid, number = row["study_id"], int(row["round"])
        first[sid] = min(first.get(sid, number), number)
    retired: set[str] = set()
    for change in _read_table(
        outputs / "library/changelog.csv", TABLE_COLUMNS["library/changelog.csv"]
    ):
        if change["event"] == "split":
            first[change["study_id"]] = int(change["round"])
        retired.update(i for i in (change["study_id"], change["other_study_id"]) if i)
    new_in = {sid: first.get(sid, current) for sid in study_ids}
    return new_in, current, retired - set(new_in)


def study_aliases(outputs: Path, retired: Iterable[str] = ()) -> StudyAliases:
    """The old ids of the library's studies (:class:`livingreview.dedup.rounds.StudyAliases`),
    from ``library/groups.csv``; its study ids and ``retired`` (ids the changelog retired) are
    never translated."""
    study_of = _record_studies(outputs / "library/groups.csv")
    return StudyAliases(study_of, frozenset(study_of.values()) | frozenset(retired))


def library_study_ids(outputs: Path) -> frozenset[str]:
    """Every study id of ``library/groups.csv`` (none before the library step has run), read
    once per version of the file, as :func:`study_aliases` reads it."""
    path = outputs / "library/groups.csv"
    if not path.is_file():
        return frozenset()
    return frozenset(_record_studies(path).values())


def _groups(path: Path) -> list[dict[str, str]]:
    """The rows of ``library/groups.csv`` at ``path`` (with :data:`GROUPS_COLUMNS`), read once
    per version of the file: the rounds studies are new in, their old ids and the other-methods
    arm all come from it (a screening run asks for the first two)."""
    return _groups_rows(path.resolve(), _stamp(path))


@functools.lru_cache(maxsize=2)
def _groups_rows(path: Path, stamp: tuple[int, int, int]) -> list[dict[str, str]]:
    del stamp  # part of the cache key only: a rewritten table is read again
    return _read_table(path, GROUPS_COLUMNS)


def _record_studies(path: Path) -> dict[str, str]:
    """Record id -> study id, read once per version of the file."""
    return _record_study_map(path.resolve(), _stamp(path))


@functools.lru_cache(maxsize=2)
def _record_study_map(path: Path, stamp: tuple[int, int, int]) -> dict[str, str]:
    return {row["record_id"]: row["study_id"] for row in _groups_rows(path, stamp)}


def to_screen_rounds(
    studies: Sequence[Mapping[str, str]], new_in: Mapping[str, int]
) -> dict[str, int]:
    """The round each of ``studies`` is new in."""
    return {s["study_id"]: new_in[s["study_id"]] for s in studies}


# PRISMA 2020 boxes of imports found by other methods: their studies skip title/abstract.
OTHER_METHODS = ("websites", "organisations", "citation_searching")


def other_method_sources(config: Mapping[str, Any]) -> frozenset[str]:
    """The imports whose ``prisma_box`` is one of :data:`OTHER_METHODS`."""
    imports = config.get("imports") or {}
    return frozenset(
        name for name, spec in imports.items() if spec.get("prisma_box") in OTHER_METHODS
    )


def protocol_other_method_studies(config: Mapping[str, Any]) -> dict[str, int]:
    """:func:`other_method_studies` of the protocol's other-methods imports, in its outputs."""
    return other_method_studies(Path(config["paths"]["outputs"]), other_method_sources(config))


def other_method_studies(outputs: Path, sources: Iterable[str]) -> dict[str, int]:
    """Study id -> the round it is new in, for the studies PRISMA 2020 counts in the other-methods
    arm: every record they held in that round comes from one of ``sources`` (a record id starts
    with its source's name). A record a database finds later leaves the study in that arm: its
    decisions stand, as for any study seen before. The tables are read once per version of the
    files (screening, automation, full text and the ledger each ask in one run)."""
    wanted = frozenset(sources)
    if not wanted:
        return {}
    return dict(_other_method_studies(outputs.resolve(), wanted, _tables_stamps(outputs)))


@functools.lru_cache(maxsize=2)
def _other_method_studies(
    outputs: Path, wanted: frozenset[str], stamps: tuple[tuple[int, int, int], ...]
) -> dict[str, int]:
    del stamps  # part of the cache key only: a rewritten table is read again
    records = _groups(outputs / "library/groups.csv")
    new_in, _, _ = new_in_rounds(outputs, sorted({r["study_id"] for r in records}))
    arm: dict[str, bool] = {}
    for row in records:
        sid = row["study_id"]
        if int(row["round"]) <= new_in[sid]:
            other = row["record_id"].split(":", 1)[0] in wanted
            arm[sid] = arm.get(sid, True) and other
    return {sid: new_in[sid] for sid, other in sorted(arm.items()) if other}


def to_screen(
    outputs: Path, studies: Sequence[dict[str, str]], others: Container[str] = ()
) -> list[dict[str, str]]:
    """The studies reviewers screen: all but those automation excluded before screening and
    those found by other methods (``others``: they go straight to full text)."""
    from livingreview.screening.automation import OUTPUTS

    excluded = _excluded(outputs.resolve(), _stamp(outputs / OUTPUTS["exclusions"]))
    return [s for s in studies if s["study_id"] not in excluded and s["study_id"] not in others]


@functools.lru_cache(maxsize=2)
def _excluded(outputs: Path, stamp: tuple[int, int, int]) -> frozenset[str]:
    """Read once per version of the file (one screening run asks twice)."""
    from livingreview.screening.automation import excluded_study_ids

    del stamp  # part of the cache key only: a rewritten file is read again
    return frozenset(excluded_study_ids(outputs))
