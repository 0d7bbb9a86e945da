"""Earlier rounds' agreement between reviewers as their versions published it.

Each version's report keeps the agreement tables it published in
``<history_dir>/<version>/report/`` (:data:`KEPT_NAMES`). A later run gives an earlier round's
rows as that round's version published them. Where decisions returned or revised since change
a round's figures, the published row stays, marked ``as published in <version>``, and the
current one follows it, marked ``revised since <version>``. A version kept without the table
(frozen by an older release) gives nothing to compare with: its round's rows are the current
ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview.dedup.rounds import earlier_rounds, history_dir
from livingreview.fileio import read_csv_table
from livingreview.screening.agreement import AGREEMENT_COLUMNS

KEPT_NAMES = {"screening": "screening_agreement.csv", "full_text": "fulltext_agreement.csv"}
KEY = ("stage", "round", "reviewer_a", "reviewer_b", "scale")
FIGURES = tuple(c for c in AGREEMENT_COLUMNS if c not in KEY and c != "as_of")
PUBLISHED, REVISED = "as published in", "revised since"

Row = Mapping[str, str]


def _kept(config: Mapping[str, Any], stage: str) -> list[tuple[int, str, Path]]:
    """(round, version, kept table) of each earlier round whose version kept ``stage``'s
    agreement table (screening or full_text), oldest first."""
    from livingreview.report.changes import STATE_DIR  # (cycle)

    version = str(config["review"]["version"])
    found = earlier_rounds(history_dir(config), version)
    paths = ((n, v, folder / STATE_DIR / KEPT_NAMES[stage]) for n, v, folder in found)
    return [(n, v, path) for n, v, path in paths if path.is_file()]


def kept_paths(config: Mapping[str, Any], stage: str) -> list[str]:
    """For Snakemake: the agreement tables earlier versions kept for ``stage``."""
    return [str(path) for _, _, path in _kept(config, stage)]


def published(config: Mapping[str, Any], stage: str) -> dict[str, tuple[str, list[Row]]]:
    """Round number (text) -> (its version, the rows that version published for the round),
    for each earlier round whose version kept its table."""
    found = {}
    for number, version, path in _kept(config, stage):
        rows = read_csv_table(path, KEY + FIGURES, "kept agreement table not found")
        own = [r for r in rows if r["round"] == str(number) and not _revised(r)]
        found[str(number)] = (version, own)
    return found


def _revised(row: Row) -> bool:
    return row.get("as_of", "").startswith(REVISED)


def _key(row: Row) -> tuple[str, ...]:
    return tuple(row[c] for c in KEY)


def _figures(row: Row) -> tuple[str, ...]:
    return tuple(row.get(c, "") for c in FIGURES)


def with_published(
    rows: Sequence[Row], kept: Mapping[str, tuple[str, Sequence[Row]]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``rows`` (the current table) with each earlier round's rows as published (``kept``,
    :func:`published`), each changed one followed by the current figures; and the published
    rows that changed (or that no current row has)."""
    out: list[dict[str, str]] = []
    changed: list[dict[str, str]] = []
    current = {_key(row) for row in rows}
    for row in rows:
        version, published_rows = kept.get(row["round"], ("", ()))
        match = next((p for p in published_rows if _key(p) == _key(row)), None)
        if not version or (match is not None and _figures(match) == _figures(row)):
            out.append({**row, "as_of": ""})
            continue
        if match is not None:
            out.append(_as_published(match, version))
            changed.append(out[-1])
        out.append({**row, "as_of": f"{REVISED} {version}"})
    for version, published_rows in kept.values():
        for gone in (p for p in published_rows if _key(p) not in current):
            out.append(_as_published(gone, version))
            changed.append(out[-1])
    out.sort(key=_order)  # stable: a published row stays before its revision
    return out, changed


def _order(row: Row) -> tuple[bool, str, int]:
    """Rounds in order, each stage's, then the all-rounds rows."""
    pooled = row["round"] == "all"
    return (pooled, row["stage"], 0 if pooled else int(row["round"]))


def marked_pairs(pairs: Sequence[Mapping[str, Any]], rows: Sequence[Row]) -> list[dict[str, Any]]:
    """The JSON ``pairs``, each with ``as_of``: ``revised since <version>`` for an earlier
    round's pair whose figures changed since its version published them (``rows``:
    :func:`with_published`), else ""."""
    revised = {
        (r["stage"], r["round"], r["reviewer_a"], r["reviewer_b"]): r["as_of"]
        for r in rows
        if _revised(r)
    }
    return [
        {**pair, "as_of": revised.get(tuple(str(pair[k]) for k in KEY[:4]), "")} for pair in pairs
    ]


def _as_published(row: Row, version: str) -> dict[str, str]:
    return {**{c: row.get(c, "") for c in AGREEMENT_COLUMNS}, "as_of": f"{PUBLISHED} {version}"}
