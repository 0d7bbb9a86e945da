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
from livingreview.dedup.rounds import history_dir
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


def input_hashes(folder: Path, outputs: Path, history: Path | None = None) -> dict[str, str]:
    """sha256 of every file a person put in ``folder`` (relative path → hex digest), in path
    order: those of :func:`people_s_files` still there."""
    hashes = {}
    for path in people_s_files(folder, outputs, history):
        try:
            hashes[_name(path, folder)] = _sha256(path)
        except FileNotFoundError:  # removed since listed (a program's temporary file)
            continue
    return hashes


def people_s_files(folder: Path, outputs: Path, history: Path | None = None) -> list[Path]:
    """The files a person put in ``folder``, in path order: through linked folders (each real
    folder once), not hidden files, ``~$`` lock files, anything inside ``outputs`` or inside
    ``history`` when that folder lies within ``folder`` (hashed apart: the history folder in
    the human-input folder, or the human-input folder in the history folder)."""
    if not folder.is_dir() or _inside(folder, outputs):
        return []
    left_out = [outputs.resolve()]
    if history is not None and _inside(history, folder) and not _inside(folder, history):
        left_out.append(history.resolve())
    return sorted(_people_s_files(folder, tuple(left_out)))


def people_s_files_stamp(folder: Path, outputs: Path, history: Path | None = None) -> str:
    """A sha256 of the name, size and modification time of each of :func:`people_s_files`:
    the manifest rule's param, so a file added, edited or removed writes it again. The files
    are no inputs of the rule: Snakemake reads a name holding '{draft}' as a wildcard and
    stops at a name that is not UTF-8."""
    digest = hashlib.sha256()
    for path in people_s_files(folder, outputs, history):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed since listed
            continue
        digest.update(os.fsencode(path) + f"\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _name(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder``, a name's bytes that are not UTF-8 written as ``\\xe9``."""
    name = path.relative_to(folder).as_posix()
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _people_s_files(folder: Path, left_out: tuple[Path, ...]) -> Iterator[Path]:
    """The files :func:`input_hashes` reads, walked without entering hidden folders, the
    folders ``left_out`` (resolved) or a real folder already walked (a link loop)."""
    walked: set[str] = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in walked or _within(Path(real), left_out):
            folders.clear()
            continue
        walked.add(real)
        folders[:] = [name for name in folders if not name.startswith((".", "~$"))]
        for name in files:
            path = Path(root, name)
            if name.startswith((".", "~$")) or not path.is_file():
                continue
            if not _within(path.resolve(), left_out):
                yield path


def _within(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


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

    history, human = history_dir(config), Path(config["paths"]["human_input"])
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
        "human_input": input_hashes(human, outputs, history),
        # a human-input folder inside the history folder is hashed under human_input only
        "library_history": input_hashes(history, outputs, human),
    }
    path = outputs / NAME
    write_json(path, manifest)
    return path
