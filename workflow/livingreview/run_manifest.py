"""The run manifest: the one artefact allowed to hold wall-clock times.

Written by the pipeline's last step (the ``run_manifest`` rule, once every target of ``rule all``
is built), it records when that step ran, the software versions, the protocol's hash, the
targets it covers, a sha256 of every file under the outputs folder (not its logs, caches or
pacing locks), so a team can show exactly what a run produced, and of every file it read from
people: the human-input folder (database exports, returned sheets and forms) and the library
history outside the outputs folder (hidden files and spreadsheet lock files aside). A run that
has jobs to do deletes it first (:func:`forget_run_manifest`), so it is never left vouching for
outputs a later run changed without finishing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from livingreview import __version__
from livingreview.fileio import dump_json, write_json

NAME = "run_manifest.json"
SKIP_DIRS = {".pacing", ".cache", ".kept", "logs"}  # locks, caches, copies of stores, messages


def file_hashes(outputs: Path) -> dict[str, str]:
    """sha256 of every output file (relative path → hex digest), in path order."""
    hashes = {}
    for path in sorted(outputs.rglob("*")):
        relative = path.relative_to(outputs)
        if not path.is_file() or relative.parts[0] in SKIP_DIRS or path.name == NAME:
            continue
        hashes[relative.as_posix()] = _sha256(path)
    return hashes


def input_hashes(folder: Path, outputs: Path) -> dict[str, str]:
    """sha256 of every file a person put in ``folder`` (relative path → hex digest), in path
    order: those of :func:`people_s_files`."""
    return {
        path.relative_to(folder).as_posix(): _sha256(path)
        for path in people_s_files(folder, outputs)
    }


def people_s_files(folder: Path, outputs: Path) -> list[Path]:
    """The files a person put in ``folder``, in path order: through linked folders (each real
    folder once), not hidden files, ``~$`` lock files or anything inside ``outputs``."""
    if not folder.is_dir() or _inside(folder, outputs):
        return []
    return sorted(_people_s_files(folder, outputs.resolve()))


def _people_s_files(folder: Path, outputs: Path) -> Iterator[Path]:
    """The files :func:`input_hashes` reads, walked without entering hidden folders, the
    outputs or a real folder already walked (a link loop)."""
    walked: set[str] = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in walked or Path(real).is_relative_to(outputs):
            folders.clear()
            continue
        walked.add(real)
        folders[:] = [name for name in folders if not name.startswith((".", "~$"))]
        for name in files:
            path = Path(root, name)
            if name.startswith((".", "~$")) or not path.is_file():
                continue
            if not path.resolve().is_relative_to(outputs):  # outputs resolved once, above
                yield path


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _sha256(path: Path) -> str:
    """A file's sha256, read in blocks (database exports can be large)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def protocol_sha256(config: dict[str, Any]) -> str:
    """The sha256 of the protocol the run used (its deterministic JSON)."""
    return hashlib.sha256(dump_json(config).encode("utf-8")).hexdigest()


def forget_run_manifest(outputs: Path) -> None:
    """Delete ``<outputs>/run_manifest.json``: a run with jobs to do may change what it vouches
    for, and writes it again only if it builds every target."""
    (outputs / NAME).unlink(missing_ok=True)


def _covered(targets: list[str], outputs: Path) -> list[str]:
    """The targets, relative to ``outputs`` when inside it, in path order."""
    return sorted(
        Path(t).resolve().relative_to(outputs.resolve()).as_posix()
        if _inside(Path(t), outputs)
        else t
        for t in targets
    )


def write_run_manifest(config: dict[str, Any], outputs: Path, targets: list[str]) -> Path:
    """Write ``<outputs>/run_manifest.json`` (atomically), covering ``targets`` (the artefacts
    ``rule all`` asks for, all built), and return its path."""
    import snakemake

    manifest = {
        "finished_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "targets": _covered(targets, outputs),
        "livingreview_version": __version__,
        "snakemake_version": snakemake.__version__,
        "python_version": platform.python_version(),
        "review": {k: config["review"].get(k) for k in ("id", "title", "version", "demo")},
        "protocol_sha256": protocol_sha256(config),
        "search_mode": config["search"]["mode"],
        "outputs": file_hashes(outputs),
        "human_input": input_hashes(Path(config["paths"]["human_input"]), outputs),
        "library_history": input_hashes(Path(config["deduplication"]["history_dir"]), outputs),
    }
    path = outputs / NAME
    write_json(path, manifest)
    return path
