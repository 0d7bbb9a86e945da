"""The run manifest: the one artefact allowed to hold wall-clock times.

Written after each successful pipeline run, it records when the run finished, the software
versions, the protocol's hash and a sha256 of every file under the outputs folder (not its logs,
caches or pacing locks), so a team can show exactly what a run produced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
from pathlib import Path
from typing import Any

from livingreview import __version__
from livingreview.fileio import dump_json, write_json

NAME = "run_manifest.json"
SKIP_DIRS = {".pacing", ".cache", "logs"}  # locks, caches between runs, messages


def file_hashes(outputs: Path) -> dict[str, str]:
    """sha256 of every output file (relative path → hex digest), in path order."""
    hashes = {}
    for path in sorted(outputs.rglob("*")):
        relative = path.relative_to(outputs)
        if not path.is_file() or relative.parts[0] in SKIP_DIRS or path.name == NAME:
            continue
        hashes[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def write_run_manifest(config: dict[str, Any], outputs: Path) -> Path:
    """Write ``<outputs>/run_manifest.json`` and return its path."""
    import snakemake

    protocol = dump_json(config).encode("utf-8")
    manifest = {
        "finished_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "livingreview_version": __version__,
        "snakemake_version": snakemake.__version__,
        "python_version": platform.python_version(),
        "review": {k: config["review"].get(k) for k in ("id", "title", "version", "demo")},
        "protocol_sha256": hashlib.sha256(protocol).hexdigest(),
        "search_mode": config["search"]["mode"],
        "outputs": file_hashes(outputs),
    }
    path = outputs / NAME
    write_json(path, manifest)
    return path
