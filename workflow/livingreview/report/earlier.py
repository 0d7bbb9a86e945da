"""What earlier versions of a living review searched, from what each kept.

The methods paragraph and the reporting checklist (PRISMA 2020 item 6, PRISMA-S items 1 and 13)
name every database an earlier version searched through its API or imported and this version no
longer does (:func:`dropped`), and every date a database export was searched on
(:func:`export_dates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from livingreview.config import enabled_imports, enabled_sources
from livingreview.dedup.rounds import earlier_rounds, earlier_snapshots, history_dir
from livingreview.fileio import read_json
from livingreview.import_rounds import record_path
from livingreview.report.changes import STATE_DIR, STATE_FILES, read_kept_protocol


def export_dates(config: Mapping[str, Any], name: str) -> list[str]:
    """Every date the database of import ``name`` was searched on, oldest first: those earlier
    rounds recorded for it (``<history_dir>/<version>/imports/<name>.json``) and this round's
    (none when the protocol no longer imports it)."""
    dates = {str((config["imports"].get(name) or {}).get("searched_on") or "")}
    for folder in earlier_snapshots(history_dir(config), str(config["review"]["version"])):
        path = record_path(folder, name)
        if path.is_file():
            dates.add(str(read_json(path, "import record not found").get("searched_on") or ""))
    return sorted(d for d in dates if d)


def dropped(config: Mapping[str, Any], section: str) -> dict[str, tuple[Any, list[str]]]:
    """The sources (``section`` "sources") or imports ("imports") that an earlier version ran
    and this protocol no longer runs, from the protocol each earlier version kept
    (``<history_dir>/<version>/report/protocol.json``): name -> (its settings as last kept,
    the versions that ran it)."""
    running = set(enabled_sources(config) if section == "sources" else enabled_imports(config))
    found: dict[str, tuple[Any, list[str]]] = {}
    for _, version, folder in earlier_rounds(history_dir(config), str(config["review"]["version"])):
        path = folder / STATE_DIR / STATE_FILES["protocol"]
        entries = read_kept_protocol(path).get(section)
        for name, spec in (entries if isinstance(entries, Mapping) else {}).items():
            if name not in running and isinstance(spec, Mapping) and spec.get("enabled", True):
                found[name] = (spec, [*found.get(name, (spec, []))[1], version])
    return found
