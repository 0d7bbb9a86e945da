"""A round's live searches are kept with its snapshot, so it can be rebuilt from the repository.

A live search answers differently each time it runs (new records indexed, others merged or
withdrawn), so deleting ``outputs/`` or cloning the repository afresh and running the pipeline
again would search again and give the round other records, counts and search dates than the ones
its sheets and snapshot were made from. After a live search of a round completes, its raw-response
archive (every response, byte for byte, with its index and what was asked) is copied to
``<deduplication.history_dir>/<version>/searches/<name>/``, beside the round's library snapshot
(commit it with them; the response bodies are kept gzip-compressed, a quarter to a tenth of
the size). When that round's search runs again, the kept archive is replayed instead:
the round gets back exactly the records and the search date it had. A search whose query or
window was changed after the round was searched does not match the kept archive: that is an error
naming the folder (start a new round, or move the folder away to search the round again).

Re-fetches of earlier studies (``refetch``) are kept the same way under ``refetch/<service>/``;
a re-fetch that asks for more than the kept one did (a study included since) is made again.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview.archive import INDEX, META, RawArchive
from livingreview.dedup.rounds import history_dir, version_dir
from livingreview.errors import ReplayError

log = logging.getLogger("livingreview.search")

SEARCHES = "searches"
REFETCHES = "refetch"


def kept_dir(config: Mapping[str, Any], kind: str, name: str) -> Path:
    """Where the round's archive of search (``kind`` :data:`SEARCHES`) or re-fetch
    (:data:`REFETCHES`) ``name`` is kept."""
    return version_dir(history_dir(config), str(config["review"]["version"])) / kind / name


def kept_archive(config: Mapping[str, Any], kind: str, name: str) -> RawArchive | None:
    """The round's kept archive of ``name`` to replay, or None when the round has none (or the
    protocol does not search live)."""
    if config.get("search", {}).get("mode", "live") != "live":
        return None
    folder = kept_dir(config, kind, name)
    recover(folder)
    if not (folder / META).is_file() or not (folder / INDEX).is_file():
        return None
    archive = RawArchive(folder)
    archive.read_meta()  # a damaged one is named before anything is asked
    return archive


def keep(config: Mapping[str, Any], kind: str, name: str, archive: RawArchive) -> Path:
    """Copy a completed live search's (or re-fetch's) archive to the round's snapshot folder,
    replacing an earlier one; returns the folder."""
    target = kept_dir(config, kind, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    partial, old = _partial(target), _old(target)
    shutil.copytree(archive.directory, partial)
    RawArchive(partial).compress()
    if target.exists():
        os.replace(target, old)
    os.replace(partial, target)
    shutil.rmtree(old, ignore_errors=True)
    log.info("%s: responses kept in %s (a re-run of this round replays them)", name, target)
    return target


def _partial(target: Path) -> Path:
    """Where :func:`keep` copies and compresses an archive before it becomes ``target``."""
    return target.with_name(f".{target.name}.partial")


def _old(target: Path) -> Path:
    """Where :func:`keep` moves the archive ``target`` held while the new one takes its place."""
    return target.with_name(f".{target.name}.old")


def recover(target: Path) -> None:
    """Finish or undo what a run stopped inside :func:`keep` left beside ``target``, and log it.

    :func:`keep` completes the copy in ``.<name>.partial``, then moves ``target`` to
    ``.<name>.old``, the copy to ``target``, and removes ``.old``. So ``.old`` without ``target``
    means it was stopped between the two moves, with the copy complete: the move is completed (or,
    with no copy, the earlier archive put back). Otherwise a ``.partial`` may be unfinished and an
    ``.old`` is replaced already: both are removed."""
    partial, old = _partial(target), _old(target)
    if old.is_dir() and not target.exists():
        back = partial if partial.is_dir() else old
        os.replace(back, target)
        log.warning(
            "%s: a run stopped while replacing these kept responses left %s; %s",
            target,
            back.name,
            "its complete copy is now kept"
            if back is partial
            else "the earlier kept responses are put back",
        )
    for leftover, what in ((old, "replaced"), (partial, "unfinished")):
        if leftover.is_dir():
            shutil.rmtree(leftover)
            log.warning(
                "%s: removed %s, the %s copy a run stopped while keeping these responses left",
                target,
                leftover.name,
                what,
            )


def changed_search(name: str, kept: RawArchive, error: ReplayError) -> ReplayError:
    """The error for a search of a round that was already searched but asks something else now."""
    searched = kept.read_meta().get("ran_at", "")
    return ReplayError(
        f"{name}: this round already searched it on {searched[:10]} and its responses are kept in "
        f"{kept.directory}, but the search asks something else now (its query, filters or date "
        "window changed): start a new round (livingreview round new) for the changed search, or "
        f"move that folder away to search this round again ({error})"
    )
