"""Copies of the stores of returned work, kept where a pipeline run does not delete them.

The stores (``screening/decisions.csv``, ``fulltext/assessments.csv``,
``extraction/entries.csv``, ``rob/entries.csv``) are the outputs of their steps, and Snakemake
deletes a step's outputs before it runs the step: read back there, a store is always empty, so
the check that every decision or entry stored before is still in some returned file would never
fire. Each store is therefore also written to ``<outputs>/.kept/<stage>/<name>`` (no step's
output), and the check reads that copy when the store is gone. Deleting ``outputs/`` deletes
the copies too: a review rebuilt from nothing has nothing stored before.
"""

from __future__ import annotations

from pathlib import Path

from livingreview.fileio import atomic_write_text

KEPT = ".kept"


def kept_copy(store: Path) -> Path:
    """``<outputs>/<stage>/<name>`` -> ``<outputs>/.kept/<stage>/<name>``."""
    return store.parent.parent / KEPT / store.parent.name / store.name


def stored_before(store: Path) -> Path:
    """Where the store written last is read from: the store, or its kept copy when the store is
    gone (deleted by Snakemake before the step)."""
    kept = kept_copy(store)
    return kept if not store.exists() and kept.exists() else store


def drop_hint(store: Path) -> str:
    """How to drop what a store holds deliberately, for errors: both files go."""
    return f"delete {store} and its kept copy {kept_copy(store)}"


def write_store(store: Path, text: str) -> None:
    """Atomically write a store and its kept copy (the copy last: it never runs ahead)."""
    atomic_write_text(store, text)
    atomic_write_text(kept_copy(store), text)
