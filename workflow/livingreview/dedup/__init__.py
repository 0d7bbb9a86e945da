"""Deduplication: find records that describe the same work, without ever merging distinct works.

Two layers:

* the **engine** (``normalise``, ``blocking``, ``matching``, ``clusters``): a pandas frame of
  records in, verdicts on candidate pairs and duplicate groups out. It knows nothing of files,
  rounds or reviewers, and is what ``livingreview dedup INPUT --out GROUPS.csv`` and
  ``bench/dedup.py`` run.
* the **library** (``library``, ``merge``, ``maybe_sheet``): the living-review side. It matches each
  round's records against everything seen before, keeps stable study ids, applies the decisions a
  person made on "maybe" pairs (read back from the human-input folder, kept forever), writes the
  merged records with their provenance, and counts what PRISMA needs.

The contract between them is :mod:`livingreview.dedup.model`.
"""
