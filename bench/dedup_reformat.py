"""Reformat sweep of the deduplication engine: what it loses when fields are written another way.

Usage: ``.venv/bin/python bench/dedup_reformat.py [--sets a,b] [--data DIR] [--variants a,b]
[--show]``

One study reaches a review from several databases, and each writes the same field its own way:
titles in capitals, with HTML entities, in MEDLINE's brackets or without their subtitle; authors
given names first, cut to "et al." or in capitals without accents; pages labelled "pp." or with
the end abbreviated; the DOI as an address; the journal, volume, issue or abstract labelled. For
each variant (one field rewritten in the records whose ID hashes into half, as
``bench/dedup.py --blank`` chooses them; the year moved on by one in one record in eight, as an
online-first record against its print issue) this runs our engine on every set and prints the
unique studies lost, the duplicates missed and the maybe pairs, the unreformatted sets first. A
variant that costs more than its baseline points at a normalisation the engine lacks;
``--show`` lists, instead of the table, the gold groups each variant splits or loses that the
unreformatted set keeps whole (their record ids, for a look at the records).

The sets are those of ``bench/dedup_robustness.py``: by default the five tuning sets of
``../shared/bench/dedup/``; ``--data DIR`` adds the sets of another folder laid out the same way.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from html.entities import codepoint2name
from pathlib import Path
from typing import NamedTuple

from dedup import _load, hashed_share, load_gold
from dedup_robustness import TUNING, engine_counts, missing_sets, print_head, print_row, set_folders

# A list of names separated by ";" (optionally "; and") or " and ", the separator kept by split.
_SEPARATED = re.compile(r"(\s*;\s*(?:and\s+)?|\s+and\s+)")
# A concatenated list ("Adeli K.Lewis G. F."): a name starts at two letters after a period.
_GLUED = re.compile(r"()(?<=\.)(?=[^\W\d_]{2})")
_VANCOUVER_NAME = re.compile(r".+ [A-Z]{1,3}\.?")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_RANGE = re.compile(r"(\d+)(\s*-+\s*)(\d+)")
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class Reformat(NamedTuple):
    """One variant: ``rewrite`` applied to the non-empty ``field`` of one record in ``parts``."""

    field: str
    rewrite: Callable[[str], str]
    parts: int = 2


def name_pieces(cell: str) -> list[str]:
    """``cell`` cut into names (even places) and the separators between them (odd places)."""
    if "," in cell or _SEPARATED.search(cell):
        return _SEPARATED.split(cell)
    return _GLUED.split(cell)


def _each_name(cell: str, rewrite: Callable[[str], str]) -> str:
    """``cell`` with every name rewritten and every separator kept."""
    pieces = name_pieces(cell)
    return "".join(rewrite(p) if i % 2 == 0 else p for i, p in enumerate(pieces))


def given_first(name: str) -> str:
    """'Surname, Given' as 'Given Surname'; any other name as it is."""
    family, comma, given = name.partition(",")
    if not comma or "," in given or not family.strip() or not given.strip():
        return name
    return f"{given.strip()} {family.strip()}"


def names_given_first(cell: str) -> str:
    """Every 'Surname, Given' of ``cell`` as 'Given Surname'; a list written 'Surname I, Surname
    I' (commas between people) as it is."""
    if all(_VANCOUVER_NAME.fullmatch(part.strip()) for part in cell.split(",")):
        return cell
    return _each_name(cell, given_first)


def first_et_al(cell: str) -> str:
    """The first name of a list of two or more followed by 'et al.'; one name as it is."""
    names = name_pieces(cell)[::2]
    return f"{names[0].strip()} et al." if len(names) > 1 else cell


def plain_capitals(name: str) -> str:
    """``name`` in capitals, its accents dropped."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _entity(char: str) -> str:
    """``char`` as an HTML page writes it: markup characters and named letters as entities."""
    if char in _ESCAPES:
        return _ESCAPES[char]
    name = codepoint2name.get(ord(char)) if ord(char) > 127 else None
    return f"&{name};" if name else char


def html_title(title: str) -> str:
    """``title`` with HTML entities and a closing period (unless it ends in . ? or !)."""
    text = "".join(_entity(c) for c in title)
    return text if text.rstrip().endswith((".", "?", "!")) else f"{text}."


def bracketed(title: str) -> str:
    """``title`` as MEDLINE writes a translated title: '[Title].'"""
    return f"[{title.strip().removesuffix('.')}]."


def no_subtitle(title: str) -> str:
    """``title`` cut at its first colon (unless nothing comes before it)."""
    main, colon, _ = title.partition(":")
    return main.rstrip() if colon and main.strip() else title


def short_end(pages: str) -> str:
    """A page range 'N-M' with the end's leading digits shared with the start dropped."""
    match = _RANGE.fullmatch(pages.strip())
    if not match:
        return pages
    first, dash, last = match.groups()
    if len(first) != len(last) or int(last) <= int(first):
        return pages
    shared = next(k for k, (a, b) in enumerate(zip(first, last, strict=True)) if a != b)
    return f"{first}{dash}{last[shared:]}"


def doi_address(doi: str) -> str:
    """``doi`` as an https://doi.org/ address, in capitals."""
    return "https://doi.org/" + _DOI_PREFIX.sub("", doi).upper()


def the_journal(journal: str) -> str:
    """``journal`` in capitals after 'THE '."""
    return "THE " + re.sub(r"^\s*the\s+", "", journal, flags=re.IGNORECASE).upper()


def next_year(year: str) -> str:
    """A four-digit year plus one; anything else as it is."""
    return str(int(year) + 1) if re.fullmatch(r"\d{4}", year.strip()) else year


VARIANTS: dict[str, Reformat] = {
    "title_capitals": Reformat("title", str.upper),
    "title_html": Reformat("title", html_title),
    "title_brackets": Reformat("title", bracketed),
    "title_no_subtitle": Reformat("title", no_subtitle),
    "author_given_first": Reformat("author", names_given_first),
    "author_et_al": Reformat("author", first_et_al),
    "author_capitals": Reformat("author", lambda cell: _each_name(cell, plain_capitals)),
    "pages_pp": Reformat("pages", lambda pages: f"pp. {pages}"),
    "pages_short_end": Reformat("pages", short_end),
    "doi_address": Reformat("doi", doi_address),
    "journal_the_capitals": Reformat("journal", the_journal),
    "volume_vol": Reformat("volume", lambda volume: f"Vol. {volume}"),
    "number_no": Reformat("number", lambda number: f"No. {number}"),
    "abstract_label": Reformat("abstract", lambda abstract: f"Abstract: {abstract}"),
    "year_plus_one": Reformat("year", next_year, parts=8),
}


def reformat(frame, name: str):
    """A copy of ``frame`` with variant ``name`` applied to its chosen non-empty cells."""
    variant = VARIANTS[name]
    chosen = hashed_share(frame, variant.parts) & (frame[variant.field].str.strip() != "")
    frame = frame.copy()
    frame.loc[chosen, variant.field] = frame.loc[chosen, variant.field].map(variant.rewrite)
    return frame


def missed_groups(set_dir: Path, frame) -> dict[str, str]:
    """Each gold group our engine splits or loses on ``frame``: its id -> 'split' or 'lost' and
    its records, those of one predicted group joined by '+'."""
    from livingreview.dedup.engine import find_duplicates

    groups = find_duplicates(frame).groups
    members: dict[str, list[str]] = defaultdict(list)
    for record, gold in load_gold(set_dir, list(frame["ID"])).items():
        members[gold].append(record)
    out = {}
    for gold, records in members.items():
        parts: dict[str, list[str]] = defaultdict(list)
        for record in sorted(records):
            parts[groups[record]].append(record)
        kept = [group for group in parts if group in records]
        if len(kept) != 1:
            kind = "lost into " + ", ".join(sorted(parts)) if not kept else "split"
            out[gold] = f"{kind}: " + " | ".join("+".join(p) for p in parts.values())
    return out


def show(folders: list[Path], frames: dict, names: list[str]) -> None:
    """Print, per set and variant, the gold groups split or lost that the baseline keeps whole."""
    for folder in folders:
        baseline = missed_groups(folder, frames[folder])
        for name in names:
            found = missed_groups(folder, reformat(frames[folder], name))
            for gold, text in sorted(found.items()):
                if baseline.get(gold) != text:
                    print(f"{folder.name} {name} {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help=f"comma-separated sets (default: {', '.join(TUNING)})")
    parser.add_argument("--data", type=Path, help="another folder of labelled sets, added")
    parser.add_argument("--variants", help=f"comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument(
        "--show", action="store_true", help="list the duplicates a variant splits or loses"
    )
    args = parser.parse_args(argv)
    names = args.variants.split(",") if args.variants else list(VARIANTS)
    if unknown := [n for n in names if n not in VARIANTS]:
        known = ", ".join(VARIANTS)
        print(f"unknown variant {', '.join(unknown)}; known: {known}", file=sys.stderr)
        return 2
    folders = set_folders(args.sets, args.data)
    if missing := missing_sets(folders):
        print(f"benchmark data not found: {missing}", file=sys.stderr)
        return 2
    frames = {folder: _load(folder, []) for folder in folders}
    if args.show:
        show(folders, frames, names)
        return 0
    title = "lost / missed / maybe pairs of our engine, fields reformatted in half of the records"
    print_head(title, "reformatted", folders)
    print_row("(none)", [engine_counts(f, frames[f]) for f in folders])
    for name in names:
        print_row(name, [engine_counts(f, reformat(frames[f], name)) for f in folders])
    return 0


if __name__ == "__main__":
    sys.exit(main())
