"""Robustness sweep of the deduplication engine: unique studies lost when fields go missing.

Usage: ``.venv/bin/python bench/dedup_robustness.py [--sets a,b] [--data DIR] [--blank a|b,c]``

Real records lack fields for reasons a benchmark set may not show: Google Scholar gives no DOI
and often no pages, online-first records no volume or issue, some databases no abstract. For each
blank variant (fields emptied in half of the records, as ``bench/dedup.py --blank`` does) this
runs our engine on every set and prints, per set, the unique studies lost (the error that drops a
study from the review), then the duplicates missed and the maybe pairs. A rule that merges
different works once a field is gone shows up here before it costs a real review a study.

By default it runs the five tuning sets of ``../shared/bench/dedup/`` (the held-out sets cardiac,
depression and stroke are kept for ``bench/dedup.py``); ``--data DIR`` adds the sets of another
folder laid out the same way (e.g. ``bench/other_dedup_sets.py DIR``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dedup import DATA, _load, load_gold, score

TUNING = ("diabetes", "neuroimaging", "cytology_screening", "haematology", "respiratory")
VARIANTS = (
    "",
    "doi",
    "pages",
    "journal",
    "volume,number",
    "author",
    "abstract",
    "year",
    "doi,pages",
    "doi,abstract",
    "doi,volume,number",
    "journal,doi",
)


def lost_missed_maybe(set_dir: Path, blank: list[str]) -> tuple[int, int, int]:
    """Studies lost, duplicates missed and maybe pairs of our engine on one blanked set."""
    return engine_counts(set_dir, _load(set_dir, blank))


def engine_counts(set_dir: Path, frame) -> tuple[int, int, int]:
    """Studies lost, duplicates missed and maybe pairs of our engine on ``frame`` (of
    ``set_dir``)."""
    from livingreview.dedup.engine import find_duplicates

    result = find_duplicates(frame)
    scores = score(load_gold(set_dir, list(frame["ID"])), result.groups)
    return int(scores["fp"]), int(scores["fn"]), len(result.maybe)


def set_folders(sets: str | None, data: Path | None) -> list[Path]:
    """The folders of ``sets`` (default: the tuning sets) and of every set in ``data``."""
    folders = [DATA / name for name in (sets.split(",") if sets else TUNING)]
    if data:
        folders += sorted(p for p in data.resolve().iterdir() if p.is_dir())
    return folders


def missing_sets(folders: list[Path]) -> str:
    """The folders that hold no ``records.csv.gz``, comma-separated ("" when none)."""
    return ", ".join(str(f) for f in folders if not (f / "records.csv.gz").is_file())


def print_head(title: str, first: str, folders: list[Path]) -> None:
    """Print the title line and the header of a table with one column per set."""
    print(title)
    print(f"| {first} | " + " | ".join(f.name for f in folders) + " |")
    print("|---|" + "---:|" * len(folders))


def print_row(label: str, counts: list[tuple[int, int, int]]) -> None:
    """Print one row of lost / missed / maybe pairs, one cell per set."""
    cells = [" / ".join(map(str, c)) for c in counts]
    print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help=f"comma-separated sets (default: {', '.join(TUNING)})")
    parser.add_argument("--data", type=Path, help="another folder of labelled sets, added")
    parser.add_argument("--blank", help="variants to run, '|'-separated (default: all)")
    args = parser.parse_args(argv)
    folders = set_folders(args.sets, args.data)
    if missing := missing_sets(folders):
        print(f"benchmark data not found: {missing}", file=sys.stderr)
        return 2
    variants = args.blank.split("|") if args.blank is not None else list(VARIANTS)
    title = "lost / missed / maybe pairs of our engine, fields blanked in half of the records"
    print_head(title, "blanked", folders)
    for variant in variants:
        blank = [name for name in variant.split(",") if name]
        print_row(variant or "(none)", [lost_missed_maybe(f, blank) for f in folders])
    return 0


if __name__ == "__main__":
    sys.exit(main())
