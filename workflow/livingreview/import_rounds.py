"""Which round of the living review a database export belongs to.

A database without an API is searched by a person, on ``imports.<name>.searched_on``, and the
export files are read by the import step. The export is one search: it belongs to the round that
first imported it. Each round that imports an export as its own search records it beside its
library snapshot, ``<history_dir>/<version>/imports/<name>.json`` (the search date and the SHA-256
of every file), so the record survives ``outputs/`` being deleted and rebuilt.

In a later round an import whose ``searched_on`` and files (by SHA-256, in any order or under any
name) are those an earlier round recorded for the same import is not searched again: its manifest
names the round it belongs to (``imported_in``), and the search summary leaves it out of the
round's searches and records (its records are in the library from that round). New files or a new
``searched_on`` make it this round's search.

Snapshots made before rounds recorded their imports hold no such file; there an import belongs to
the earliest earlier round by which every one of its records is in the history unchanged: in
that round's ``records.csv`` or an earlier round's (a snapshot keeps the records the library first
had in its round, so an export searched again holds records of earlier rounds too). A
record counts as unchanged when each field has the same words (case aside, in any order): the
version of livingreview that made such a snapshot may have written the same export differently
(before 2026-12-04 Google Scholar's authors were kept initials first, ``JA Chen``, now
``Chen, JA``; before 2026-12-05 a record id had ``_`` for each letter outside ASCII of the
export's id, ``M_ller2019``, now ``Müller2019``), while a record the database changed (a word
of its title, a digit of its DOI) still makes the export a new one.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from livingreview.dedup.rounds import (
    earlier_rounds,
    earlier_snapshots,
    history_dir,
    read_table,
    snapshot_dir,
)
from livingreview.errors import InputFileError
from livingreview.fileio import read_json, write_json
from livingreview.records import Record, earlier_record_id, read_records

log = logging.getLogger("livingreview.import")

FOLDER = "imports"  # in a round's snapshot folder
BY_FILES = "files"
BY_RECORDS = "records"


def record_path(snapshot: Path, name: str) -> Path:
    """Where a round's snapshot records its import ``name``."""
    return snapshot / FOLDER / f"{name}.json"


def _fingerprint(searched_on: object, files: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return (str(searched_on), *sorted(str(f["sha256"]) for f in files))


def _recorded(path: Path) -> tuple[str, ...]:
    """The search date and file digests a round recorded for an import."""
    data = read_json(path, "missing")
    if not isinstance(data, dict):
        raise InputFileError(path, "expected an object with 'searched_on' and 'files'")
    for key, kind in (("searched_on", str), ("files", list)):
        if not isinstance(data.get(key), kind):
            raise InputFileError(path, f"expected a {kind.__name__}", field=key)
    for index, entry in enumerate(data["files"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise InputFileError(
                path, "expected a SHA-256 text", position=f"files[{index}]", field="sha256"
            )
    return _fingerprint(data["searched_on"], data["files"])


def _snapshot_words(snapshot: Path, name: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The words of each record of import ``name`` a round's ``records.csv`` holds (the records
    the library first had in that round)."""
    path = snapshot / "records.csv"
    if not path.is_file():
        return {}
    return {r.record_id: _words(r) for r in read_records(path) if r.source == name}


def _kept(record: Record, kept: Mapping[str, tuple[tuple[str, ...], ...]]) -> bool:
    """``record`` is among a snapshot's ``kept`` records unchanged: under its id or, when its
    source id has letters outside ASCII, under the id a version before 2026-12-05 gave it (each
    such letter a ``_``; ``~2``, ``~3``... for a second one of that id in the export)."""
    if kept.get(record.record_id) == _words(record):
        return True
    if not record.source_id or record.source_id.isascii():
        return False
    base = earlier_record_id(record.source, record.source_id)
    earlier, number = base, 1
    while earlier in kept:
        if kept[earlier] == _words(replace(record, record_id=earlier)):
            return True
        number += 1
        earlier = f"{base}~{number}"
    return False


def _words(record: Record) -> tuple[tuple[str, ...], ...]:
    """Each field's words, case-folded and sorted: what stays when a newer reader writes the same
    export otherwise (family name first, other punctuation or case)."""
    return tuple(tuple(sorted(re.findall(r"\w+", cell.casefold()))) for cell in record.cells())


def recorded_in(
    config: Mapping[str, Any], name: str, searched_on: object, digests: Sequence[str]
) -> str:
    """The earliest earlier round that recorded importing these very files (``searched_on``
    and SHA-256 ``digests``) as ``name``, else ''."""
    wanted = _fingerprint(searched_on, [{"sha256": digest} for digest in digests])
    version = str(config["review"]["version"])
    for _, earlier, folder in earlier_rounds(history_dir(config), version):
        recorded = record_path(folder, name)
        if recorded.is_file() and _recorded(recorded) == wanted:
            return earlier
    return ""


def imported_in(
    config: Mapping[str, Any],
    name: str,
    searched_on: object,
    files: Sequence[Mapping[str, Any]],
    records: Callable[[], Sequence[Record]],
) -> tuple[str, str]:
    """(version, how it was matched) of the earliest earlier round that imported this export,
    or ('', '') when it is this round's search. ``records`` gives the import's records, read
    only for a snapshot that predates import records."""
    wanted = _fingerprint(searched_on, files)
    version = str(config["review"]["version"])
    kept: dict[str, tuple[tuple[str, ...], ...]] = {}  # of this round and every one before it
    found: list[Sequence[Record]] = []
    for _, earlier, folder in earlier_rounds(history_dir(config), version):
        kept.update(_snapshot_words(folder, name))
        recorded = record_path(folder, name)
        if recorded.is_file():
            if _recorded(recorded) == wanted:
                return earlier, BY_FILES
        elif not (folder / FOLDER).is_dir():
            found = found or [records()]
            if found[0] and all(_kept(r, kept) for r in found[0]):
                return earlier, BY_RECORDS
    return "", ""


def round_of(
    config: Mapping[str, Any], manifest: Mapping[str, Any], records: Path
) -> tuple[str, str]:
    """(version, how it was matched) of the earlier round a written import manifest's export
    belongs to; ('', '') for this round's searches and every API search. A manifest written in
    this round says it; one an earlier round left (the import step has not run again since: its
    files and protocol section are unchanged) is judged again against the history."""
    if manifest.get("kind") != "database_export":
        return "", ""
    current = str(config["review"]["version"])
    written = manifest.get("round")
    if isinstance(written, dict) and str(written.get("version", "")) == current:
        found = earlier_round(manifest, current)
        return found, str(manifest.get("imported_in_by", BY_FILES)) if found else ""
    return imported_in(
        config,
        str(manifest["source"]),
        manifest.get("ran_at", ""),
        manifest.get("files") or [],
        lambda: read_records(records),
    )


def earlier_ids_kept(config: Mapping[str, Any], name: str, records: list[Record]) -> list[Record]:
    """``records`` of import ``name``, each whose export id has letters outside ASCII with the
    id a version before 2026-12-05 gave it in an earlier round (``M_ller2019`` for
    ``Müller2019``), so that a later export's copy replaces that round's record as any other
    does; not when two records of the export or of the history would have that id."""
    odd = [r for r in records if r.source_id and not r.source_id.isascii()]
    folders = earlier_snapshots(history_dir(config), str(config["review"]["version"]))
    if not odd or not folders or not (folders[-1] / "groups.csv").is_file():
        return records
    known = {row["record_id"] for row in read_table(folders[-1] / "groups.csv", ("record_id",))}
    taken = {r.record_id for r in records}
    bases = Counter(earlier_record_id(name, r.source_id) for r in odd)

    def kept(record: Record) -> Record:
        if record.record_id in known or not record.source_id or record.source_id.isascii():
            return record
        base = earlier_record_id(name, record.source_id)
        alone = bases[base] == 1 and base not in taken and f"{base}~2" not in known
        return replace(record, record_id=base) if alone and base in known else record

    return [kept(record) for record in records]


def record_import(config: Mapping[str, Any], name: str, manifest: Mapping[str, Any]) -> None:
    """Record this round's import of ``name`` in its snapshot folder; an import that belongs to
    an earlier round removes what an earlier run of this round recorded for it."""
    path = record_path(snapshot_dir(config), name)
    if earlier_round(manifest):
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(
        path,
        {
            "import": name,
            "version": str(config["review"]["version"]),
            "database": manifest.get("database", ""),
            "searched_on": str(manifest["ran_at"]),
            "files": [{"file": f["file"], "sha256": f["sha256"]} for f in manifest["files"]],
            "records": manifest["retrieved"],
        },
    )


def earlier_round(manifest: Mapping[str, Any], current: str = "") -> str:
    """The version of the earlier round an import manifest's export belongs to; '' for a search
    of round ``current`` (default: the round the manifest was written in) and every API search.
    A manifest an earlier round left, not imported again since, names that round."""
    found = str(manifest.get("imported_in") or "")
    if not current:
        written = manifest.get("round")
        current = str(written.get("version", "")) if isinstance(written, dict) else ""
    return found if found and found != current else ""


def advice(name: str, manifest: Mapping[str, Any]) -> str:
    """What to do for a newer export of this database."""
    database = manifest.get("database") or name
    return (
        f"for a newer {database} search, replace the file(s) of imports.{name}.files with the "
        "new export (or add a new import) and set searched_on to the day it was run"
    )


def notice(name: str, manifest: Mapping[str, Any], belongs: str, matched: str, current: str) -> str:
    """One line: an unchanged export belongs to round ``belongs``, not to round ``current``, and
    what to do for a new one."""
    how = (
        "its records are all in that round's snapshot unchanged"
        if matched == BY_RECORDS
        else "same files and searched_on"
    )
    return (
        f"{name}: the export searched on {manifest.get('ran_at', '')} belongs to round {belongs}, "
        f"which imported it ({how}): not counted again in round {current}, its "
        f"{manifest.get('retrieved', 0)} records are in the library from that round; "
        f"{advice(name, manifest)}"
    )


def status_lines(
    outputs: Path, names: Sequence[str], searched: Collection[str], current: str
) -> list[str]:
    """For ``livingreview status``: the imports among ``names`` that round ``current`` (the
    round the last run counted) did not search again: not among the ``searched`` sources of its
    PRISMA-S summary, their manifest naming the round that imported them."""
    lines = []
    for name in names:
        path = outputs / "search" / name / "manifest.json"
        manifest = read_json(path, "missing") if path.is_file() else None
        if not isinstance(manifest, dict) or name in searched:
            continue
        belongs = earlier_round(manifest, current)
        if belongs:
            database = manifest.get("database") or name
            lines.append(
                f"  {name} ({database}, searched {manifest.get('ran_at', '')}): belongs to "
                f"version {belongs}, not searched in version {current}; {advice(name, manifest)}"
            )
    if lines:
        lines.insert(
            0, "Database exports unchanged since the round that imported them (not counted again):"
        )
    return lines
