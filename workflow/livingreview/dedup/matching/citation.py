"""Citation features of a pair: volume, issue and pages, each equal, conflicting or unknown,
with the field shifts and mix-ups of exports repaired."""

from __future__ import annotations

import re

import numpy as np

from livingreview.dedup.matching.pairs import Pairs, agree
from livingreview.dedup.matching.venues import meeting_venue
from livingreview.dedup.normalise import issue_numbers


def citation_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """Volume, issue and page agreement and conflict; how much of the page range is known."""
    va, vb = pairs.col("volume")
    vol_eq, vol_conf = agree(va, vb)
    n = pairs.n
    numbers = np.array(issue_numbers(n["number"].tolist(), n["source"].tolist()), dtype=object)
    na, nb = numbers[pairs.i], numbers[pairs.j]
    num_eq, num_conf = agree(na, nb)
    pa, pb = pairs.col("page_start")
    end_a, end_b = pairs.col("page_end")
    page_eq, page_conf = _page_compare(pa, pb, end_a, end_b)
    # "59 (Suppl. 1)" cut to its last part by an export leaves volume "1": a volume equal to the
    # other record's supplement number is an unknown volume, not another one.
    sa, sb = pairs.col("supplement")
    vol_cut = vol_conf & (((sb != "") & (va == sb)) | ((sa != "") & (vb == sa)))
    vol_conf &= ~vol_cut
    # Citation fields shifted by one place (volume empty, the volume in the issue field, the
    # issue in the pages field: "", "26", "9" for 26(9):1746): the same volume, pages unknown.
    shifted = _shifted(va, na, pa, end_a, vb, nb) | _shifted(vb, nb, pb, end_b, va, na)
    vol_eq |= shifted
    page_conf &= ~shifted
    # The article number exported as issue with no pages ("11", "791", "" for 11:791).
    as_issue = _number_is_page(na, pa, pb) | _number_is_page(nb, pb, pa)
    page_eq |= as_issue
    num_conf &= ~(as_issue | shifted)
    venue_a, venue_b = pairs.col("venue")
    range_eq = page_eq & (end_a != "") & (end_a == end_b) & (end_a != pa)
    return {
        "vol_eq": vol_eq,
        "vol_conf": vol_conf,
        "num_eq": num_eq,
        "num_conf": num_conf,
        "page_eq": page_eq,
        "page_conf": page_conf,
        "range_eq": range_eq,
        "range_long": _longer_than_a_paper(range_eq, pa, end_a),
        "start_differs": (pa != "") & (pb != "") & (pa != pb),
        "ends_differ": (end_a != "") & (end_b != "") & (end_a != end_b),
        "vol_missing": (va == "") | (vb == ""),
        # A record of the online-first version: no pages yet (its volume, when there is one, is
        # often a day or a month exported as volume, or the volume it was first scheduled for;
        # an issue may already be given: "Curr Diab Rep 15(9)" for 14(9):523, though not a
        # meeting's or a supplement's, where an item without pages is a meeting abstract).
        "online_first": _early(pa, na, venue_a) | _early(pb, nb, venue_b),
        "lone_page": (end_a == "") | (end_b == ""),
    }


#: Pages one paper can span: a longer "whole page range" is its book's or supplement's (an
#: abstract book's "85-922" given to each abstract), not the item's.
PAPER_PAGES = 100


def _longer_than_a_paper(range_eq: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether an equal page range spans more than :data:`PAPER_PAGES` pages."""
    long = np.zeros(len(range_eq), dtype=bool)
    for k in np.flatnonzero(range_eq):
        first, last = _page_number(start[k]), _page_number(end[k])
        long[k] = first >= 0 and last - first >= PAPER_PAGES
    return long


def _early(pages: np.ndarray, issue: np.ndarray, venue: np.ndarray) -> np.ndarray:
    """Whether a record can be an article's early record: no pages, and no issue or an issue
    that is no meeting's or supplement's."""
    return (pages == "") & ((issue == "") | ~meeting_venue(venue))


def _page_number(value: str) -> int:
    """The number of a page (``s518`` -> 518, ``56a`` -> 56), -1 if none."""
    match = re.match(r"[a-z]*(\d+)", value)
    return int(match.group(1)) if match else -1


_FRONT_MATTER = re.compile(r"[ivxlc]+$")


def _page_compare(
    a: np.ndarray, b: np.ndarray, end_a: np.ndarray, end_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Start pages equal; or a conflict: page ranges that do not overlap at all.

    Equal page ``1`` is no evidence (online-only articles all start there). Not comparable
    (neither): a letter-prefixed page (supplement ``S518``, article number
    ``e203``, BMJ ``c1804``) against a plain one, and page ``1`` of an online article. Ranges that
    overlap are not a conflict (``488`` vs ``487-488``; ``2297-2108`` vs ``2097-2108``).
    """
    both = (a != "") & (b != "")
    # Page 1 is where every online-only article starts: equal page 1s prove nothing. Front matter
    # in roman numerals starts at "iii" in every issue (the editor's column): only the whole
    # range names the item.
    front_matter = np.fromiter((_FRONT_MATTER.match(p) is not None for p in a), bool, len(a))
    same_end = (end_a != "") & (end_a == end_b)
    equal = both & (a == b) & (a != "1") & (~front_matter | same_end)
    conflict = np.zeros(len(a), dtype=bool)
    for k in np.flatnonzero(both & ~equal):
        sa, sb = a[k], b[k]
        if sa[0].isalpha() != sb[0].isalpha() or (sa[0].isalpha() and sa[0] != sb[0]):
            equal[k], conflict[k] = _lettered_pages(sa, sb, end_a[k], end_b[k])
            continue
        equal[k], conflict[k] = _numbered_pages(sa, sb, end_a[k], end_b[k])
    return equal, conflict


def _lettered_pages(sa: str, sb: str, end_a: str, end_b: str) -> tuple[bool, bool]:
    """(equal, conflict) of two start pages of which one or both carry a letter prefix."""
    # "c37-c42" vs "37-42": the same range with and without the journal's page prefix.
    same_range = end_a != "" and end_a == end_b
    equal = same_range and _page_number(sa) == _page_number(sb)
    # Two supplement pages under different letters ("S354" and "A111") are two pages; an
    # e-locator ("e203") may stand for a printed page.
    lettered = sa[0].isalpha() and sb[0].isalpha() and "e" not in (sa[0], sb[0])
    return equal, lettered and _page_number(sa) != _page_number(sb)


def _numbered_pages(sa: str, sb: str, end_a: str, end_b: str) -> tuple[bool, bool]:
    """(equal, conflict) of two page ranges with plain start pages that are not equal."""
    lo_a, lo_b = _page_number(sa), _page_number(sb)
    if lo_a < 0 or lo_b < 0 or lo_a == 1 or lo_b == 1:
        return False, False
    hi_a = int(end_a) if end_a.isdigit() and int(end_a) >= lo_a else lo_a
    hi_b = int(end_b) if end_b.isdigit() and int(end_b) >= lo_b else lo_b
    same_end = end_a != "" and end_a == end_b
    # Two articles do not end on one page; two ranges of several pages that do are one
    # article with a mistyped start ("2141-2147" and "2142-2147").
    equal = same_end and hi_a > lo_a and hi_b > lo_b
    return equal, not same_end and (hi_a < lo_b or hi_b < lo_a)


def _shifted(
    vol: np.ndarray,
    num: np.ndarray,
    page: np.ndarray,
    end: np.ndarray,
    vol2: np.ndarray,
    num2: np.ndarray,
) -> np.ndarray:
    """Whether one record's (empty volume, issue, lone page) are the other's (volume, issue)."""
    return (vol == "") & (num != "") & (num == vol2) & (page != "") & (page == num2) & (end == "")


def _number_is_page(number: np.ndarray, pages: np.ndarray, other_pages: np.ndarray) -> np.ndarray:
    """Whether a record without pages has the other record's start page as its issue number,
    one of three or more digits (an article number: issues run to 52 and pages 1-99 are many)."""
    out = np.zeros(len(number), dtype=bool)
    long_number = np.fromiter((len(x) >= 3 for x in number), dtype=bool, count=len(number))
    for k in np.flatnonzero(long_number & (pages == "") & (other_pages != "")):
        out[k] = str(_page_number(other_pages[k])) == number[k]
    return out
