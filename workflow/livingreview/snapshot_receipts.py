"""Receipts standing in for the files a step keeps in the library history.

Snakemake deletes a job's outputs before it runs the job, and again when the job fails. What a
round keeps in ``<deduplication.history_dir>/<version>/`` (the library snapshot, the flags'
evidence, the PRISMA ledger snapshot, the kept report) is committed work that ``outputs/``
cannot rebuild, so no rule declares those files as outputs: a job run again for an earlier
round would delete that round's snapshot. Each rule that keeps files there declares a receipt
under ``outputs/`` instead, written once its step has written them: the SHA-256 and size of each
file. ``rule all`` asks for every receipt, so a missing one runs its step again; and reading the
Snakefile drops a receipt its files no longer match (one deleted, or edited by hand), so the
step writes them again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from livingreview.errors import LivingReviewError
from livingreview.fileio import write_json

log = logging.getLogger("livingreview.steps")


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_receipt(receipt: Path, files: Sequence[Path]) -> None:
    """Write ``receipt`` for ``files``, which the step has just written."""
    entries = {}
    for path in files:
        try:
            entries[str(path)] = {"sha256": _digest(path), "bytes": path.stat().st_size}
        except FileNotFoundError:
            raise LivingReviewError(
                f"{path}: the step did not write it (it keeps it in the history folder)"
            ) from None
    write_json(receipt, {"files": entries})


def receipt_matches(receipt: Path, files: Sequence[Path]) -> bool:
    """Whether ``receipt`` lists exactly ``files`` and each still has its size and SHA-256 (a
    file no newer than the receipt and of the same size is taken as written then)."""
    try:
        listed = json.loads(receipt.read_text(encoding="utf-8"))["files"]
        written = receipt.stat().st_mtime_ns
    except (OSError, ValueError, TypeError, KeyError):
        return False
    if not isinstance(listed, dict) or sorted(listed) != sorted(str(p) for p in files):
        return False
    for path in files:
        entry = listed[str(path)]
        try:
            found = path.stat()
        except OSError:
            return False
        if not isinstance(entry, dict) or found.st_size != entry.get("bytes"):
            return False
        if found.st_mtime_ns > written and _digest(path) != entry.get("sha256"):
            return False
    return True


def drop_stale_receipt(receipt: Path, files: Sequence[Path]) -> None:
    """Delete ``receipt`` when its files no longer match it, so Snakemake runs its step again."""
    if receipt.exists() and not receipt_matches(receipt, files):
        log.info("%s: the kept files it lists have changed; its step runs again", receipt)
        receipt.unlink(missing_ok=True)
