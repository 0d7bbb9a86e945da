"""Compare candidate pairs field by field and judge each: duplicate, maybe or distinct.

The judgement is rule-based and explicit. First the *non-duplicate guards* (evidence that two
records are different works: contradicting DOIs, pages, volumes, years, authors, an erratum or
reply against an article, a conference abstract against a journal article, one supplement DOI
shared by different abstracts). A pair no guard fires on is a duplicate only when the title agrees
and independent fields corroborate it; near-misses become "maybe" for a person to decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from livingreview.dedup.journals import is_meeting_name, journals_match
from livingreview.dedup.normalise import issue_numbers

# Similarity cut-offs on the 0..1 Levenshtein ratio of normalised titles. 0.95 allows a few
# characters of difference per 100 (spelling variants, a dropped word in a long title); 0.90 a
# changed word or subtitle punctuation; 0.80 is the floor below which titles name different works.
TITLE_STRONG = 0.95
TITLE_GOOD = 0.90
TITLE_FAIR = 0.80
VERSION_TITLE = 0.98  # two versions of one Cochrane review: one title, give or take a typo
# Below this many letters a title ("Editorial", "Reply") says little about which work it is.
SHORT_TITLE = 30
# Authors agree when the first surnames are near-identical (one typo or transliteration in ~7
# letters) or when at least half of the shorter author list appears in the other.
FIRST_AUTHOR_SIM = 0.85
AUTHOR_OVERLAP = 0.5
# The same team: four in five names of the shorter author list in the other.
TEAM_OVERLAP = 0.8
# Abstracts (first 300 characters) this similar are the same text with editing differences.
ABSTRACT_SIM = 0.90


@dataclass
class Policy:
    """How to treat work types that some reviews count as duplicates and others do not."""

    conference_vs_article: Literal["distinct", "maybe", "duplicate"] = "distinct"
    erratum_vs_article: Literal["distinct", "maybe"] = "distinct"
    max_year_gap: int = 1
    review_versions: Literal["distinct", "maybe", "duplicate"] = "duplicate"


def _cpdist(a: list[str], b: list[str], scorer: object) -> np.ndarray:
    if not a:
        return np.zeros(0)
    return process.cpdist(a, b, scorer=scorer, workers=-1, dtype=np.int32) / 100.0


def _agree(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(equal, conflict) for string fields where empty means unknown."""
    both = (a != "") & (b != "")
    return both & (a == b), both & (a != b)


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
            # "c37-c42" vs "37-42": the same range with and without the journal's page prefix.
            same_range = end_a[k] != "" and end_a[k] == end_b[k]
            equal[k] = same_range and _page_number(sa) == _page_number(sb)
            # Two supplement pages under different letters ("S354" and "A111") are two pages; an
            # e-locator ("e203") may stand for a printed page.
            lettered = sa[0].isalpha() and sb[0].isalpha() and "e" not in (sa[0], sb[0])
            conflict[k] = lettered and _page_number(sa) != _page_number(sb)
            continue
        lo_a, lo_b = _page_number(sa), _page_number(sb)
        if lo_a < 0 or lo_b < 0 or lo_a == 1 or lo_b == 1:
            continue
        hi_a = int(end_a[k]) if end_a[k].isdigit() and int(end_a[k]) >= lo_a else lo_a
        hi_b = int(end_b[k]) if end_b[k].isdigit() and int(end_b[k]) >= lo_b else lo_b
        same_end = end_a[k] != "" and end_a[k] == end_b[k]
        # Two articles do not end on one page; two ranges of several pages that do are one
        # article with a mistyped start ("2141-2147" and "2142-2147").
        equal[k] = same_end and hi_a > lo_a and hi_b > lo_b
        conflict[k] = not same_end and (hi_a < lo_b or hi_b < lo_a)
    return equal, conflict


def _word_swapped(a: str, b: str) -> bool:
    """Whether one title has a word where the other has a different word (not a spelling
    variant): "in vitro" vs "in vivo", "stimulant" vs "depressant"; extra words do not count."""
    wa, wb = set(a.split()), set(b.split())
    only_a, only_b = wa - wb, wb - wa
    if not only_a or not only_b:
        return False
    for word in only_a:
        best = max(fuzz.ratio(word, other) for other in only_b)
        if len(word) >= 3 and best < 75:
            return True
    return any(_opposite(x, y, only_a | only_b) for x in only_a for y in only_b)


# Prefixes that turn a word into its opposite while it stays spelled alike: "hypoglycaemia" and
# "hyperglycaemia", "preoperative" and "postoperative", "women" and "men", "inactive" and "active".
_OPPOSITE_PREFIXES = (
    ("hypo", "hyper"),
    ("pre", "post"),
    ("intra", "inter"),
    ("intra", "extra"),
    ("in", "out"),
    ("sub", "supra"),
    ("over", "under"),
    ("hetero", "homo"),
    ("wo", ""),
    ("fe", ""),
    ("non", ""),
    ("un", ""),
    ("in", ""),
)


def _opposite(a: str, b: str, words: set[str]) -> bool:
    """Whether two words are one stem (three or more letters) with opposite prefixes; a prefix
    that is a word of its own in one title only ("non diabetic" for "nondiabetic") is a spelling
    variant."""
    for x, y in ((a, b), (b, a)):
        for p, q in _OPPOSITE_PREFIXES:
            if not (x.startswith(p) and y.startswith(q)) or p in words or (q and q in words):
                continue
            if len(x) - len(p) >= 3 and x[len(p) :] == y[len(q) :]:
                return True
    return False


def _numbers_conflict(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Titles that both carry numbers but not the same ones ("FOCUS 1" vs "FOCUS 2" trials)."""
    return (a != "") & (b != "") & (a != b)


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


def _member(values: np.ndarray, members: set[str]) -> np.ndarray:
    """``values[k] in members`` for each k (a set lookup; ``np.isin`` sorts object arrays)."""
    return np.fromiter((v in members for v in values), dtype=bool, count=len(values))


def _shared_by_other_works(key: pd.Series, title: pd.Series) -> set[str]:
    """Values of ``key`` carried by records whose titles name different works (see
    :func:`_titles_unlike`): such a value is not specific to one work."""
    both = (key != "") & (title != "")
    sub = pd.DataFrame({"key": key[both], "title": title[both]}).drop_duplicates()
    sub = sub[sub["key"].duplicated(keep=False)]
    out: set[str] = set()
    for value, titles in sub.groupby("key", sort=False)["title"]:
        values = list(titles)
        # Twenty different titles on one value are unspecific whatever their similarity.
        if len(values) >= 20 or any(
            _titles_unlike(x, y) for k, x in enumerate(values) for y in values[k + 1 :]
        ):
            out.add(str(value))
    return out


def _covered(surnames: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether two or more distinct surnames are all name words of the other list, in the same
    order (authors keep their order across databases), the first surname one of the first
    person's two words there."""
    names = list(dict.fromkeys(surnames))
    if len(names) < 2 or surnames[0] not in parts[:2] or not set(names) <= set(parts):
        return False
    places = [parts.index(name) for name in names]
    return places == sorted(places)  # positions of distinct names: sorted = increasing


def compare(n: pd.DataFrame, pairs: np.ndarray) -> pd.DataFrame:
    """Field similarities and agreements for each pair of row positions."""
    i, j = pairs[:, 0], pairs[:, 1]

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        values = n[name].to_numpy()
        return values[i], values[j]

    ta, tb = col("title")
    t_sim = _cpdist(list(ta), list(tb), fuzz.ratio)
    ka, kb = col("title_key")
    # Two missing titles are not two equal titles (the ratio of two empty strings is 1).
    t_sim[(ka == "") | (kb == "")] = 0.0
    near = np.flatnonzero((t_sim >= TITLE_GOOD) & (t_sim < 0.999))
    swapped = np.zeros(len(pairs), dtype=bool)
    for k in near:
        swapped[k] = _word_swapped(ta[k], tb[k])
    title_len = np.minimum(
        np.fromiter((len(x) for x in ka), int, len(ka)),
        np.fromiter((len(y) for y in kb), int, len(kb)),
    )
    # A title cut short (truncated export, subtitle dropped) is a prefix of the full one: with 40+
    # letters in common as good as equal, with 20+ as good as one changed word.
    common = np.array(
        [
            min(len(x), len(y)) if x and y and (x.startswith(y) or y.startswith(x)) else 0
            for x, y in zip(ka, kb, strict=True)
        ],
        dtype=int,
    )
    # Equal only as a truncation: a subtitle dropped, or added (a follow-up, a second part).
    cut = (common >= 40) & (t_sim < TITLE_STRONG)
    t_sim = np.where(common >= 40, np.maximum(t_sim, TITLE_STRONG), t_sim)
    t_sim = np.where((common >= 20) & (common < 40), np.maximum(t_sim, TITLE_GOOD), t_sim)
    # A title inside a longer one ("Case 17-2012: ..." in "Case records of the MGH. Case
    # 17-2012. ..."): as good as one changed word when 30+ letters match almost exactly.
    check = np.flatnonzero((t_sim >= 0.5) & (t_sim < TITLE_GOOD) & (title_len >= 30))
    if check.size:
        part = _cpdist(list(ta[check]), list(tb[check]), fuzz.partial_ratio)
        t_sim[check[part >= 0.97]] = TITLE_GOOD

    fa, fb = col("first_author")
    fa_sim = _cpdist(list(fa), list(fb), fuzz.ratio)
    # "Gonzalez" within "Sanchezdelriogonzalez": a compound surname cited in part.
    within = np.array(
        [len(x) >= 4 and len(y) >= 4 and (x in y or y in x) for x, y in zip(fa, fb, strict=True)],
        dtype=bool,
    )
    fa_sim = np.where(within, 1.0, fa_sim)
    fa_sim[(fa == "") | (fb == "")] = 0.0  # two unknown first authors are not one
    aa, ab = col("authors")
    overlap = np.array(
        [
            len(set(x) & set(y)) / min(len(x), len(y)) if x and y else 0.0
            for x, y in zip(aa, ab, strict=True)
        ],
        dtype=float,
    )
    wa, wb = col("author_words")
    name_words = np.array(
        [len(x & y) / min(len(x), len(y)) if x and y else 0.0 for x, y in zip(wa, wb, strict=True)],
        dtype=float,
    )
    has_authors = np.array([bool(x) and bool(y) for x, y in zip(aa, ab, strict=True)], dtype=bool)
    # One list in "Surname I." form, the other of full names glued together ("Lin X.Eaton C. B."
    # / "Lin XiaochenEaton Charles B."): no surname parses alike, but every surname of the first
    # is a name word of the second.
    pa_, pb_ = col("name_parts")
    covered = np.array(
        [_covered(x, q) or _covered(y, p) for x, y, p, q in zip(aa, ab, pa_, pb_, strict=True)],
        dtype=bool,
    )
    fa_sim = np.where(covered, np.maximum(fa_sim, FIRST_AUTHOR_SIM), fa_sim)
    author_ok = has_authors & ((fa_sim >= FIRST_AUTHOR_SIM) | (overlap >= AUTHOR_OVERLAP))

    ya, yb = col("year")
    known = (ya > 0) & (yb > 0)
    year_gap = np.where(known, np.abs(ya - yb), 0)

    ja, jb = col("journal")
    ma, mb = col("meeting")
    # "Atherosclerosis Supplements. Conference: 15th International Symposium on Atherosclerosis"
    # and "Atherosclerosis. Conference: 15th International Symposium ...": one meeting.
    same_meeting = (ma != "") & (ma == mb)
    journal_eq = np.array([journals_match(x, y) for x, y in zip(ja, jb, strict=True)], dtype=bool)
    # Journal names only: a meeting's name in the journal field says nothing about the journal.
    journal_name = np.array([bool(k) and not is_meeting_name(k) for k in n["journal"]], dtype=bool)
    both_journals = journal_name[i] & journal_name[j]
    journal_words = np.zeros(len(pairs))
    if both_journals.any():
        journal_words[both_journals] = _cpdist(
            list(ja[both_journals]), list(jb[both_journals]), fuzz.token_set_ratio
        )

    xa, xb = col("abstract")
    both_abs = (xa != "") & (xb != "")
    abs_sim = np.zeros(len(pairs))
    if both_abs.any():
        abs_sim[both_abs] = _cpdist(list(xa[both_abs]), list(xb[both_abs]), fuzz.ratio)
    # An abstract opening that different works share (a template, a journal's boilerplate, one
    # lab's standard first sentences) does not show that two records are one work.
    openings = n["abstract"].str[:80]
    common = _shared_by_other_works(openings.where(openings.str.len() >= 80, ""), n["title"])
    if common:
        op = openings.to_numpy()
        unspecific = _member(op[i], common) & (op[i] == op[j])
        abs_sim[unspecific] = 0.0
        both_abs &= ~unspecific  # neither evidence for nor against

    da, db = col("doi")
    doi_eq, doi_conf = _agree(da, db)
    ra, rb = col("review_number")
    doi_same = doi_eq.copy()
    # A DOI that records with unrelated titles share names a supplement or proceedings volume,
    # not one work: it is no evidence that two of its abstracts are one.
    containers = _shared_by_other_works(n["doi"], n["title"])
    if containers:
        doi_eq &= ~_member(da, containers)
    va, vb = col("volume")
    vol_eq, vol_conf = _agree(va, vb)
    numbers = np.array(issue_numbers(n["number"].tolist(), n["source"].tolist()), dtype=object)
    na, nb = numbers[i], numbers[j]
    num_eq, num_conf = _agree(na, nb)
    pa, pb = col("page_start")
    end_a, end_b = col("page_end")
    page_eq, page_conf = _page_compare(pa, pb, end_a, end_b)
    # "59 (Suppl. 1)" cut to its last part by an export leaves volume "1": a volume equal to the
    # other record's supplement number is an unknown volume, not another one.
    sa, sb = col("supplement")
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
    lone_page = (end_a == "") | (end_b == "")
    kind_a, kind_b = col("kind")
    venue_a, venue_b = col("venue")
    form_a, form_b = col("form")
    # A meeting abstract printed in a supplement (one page or none) against a regular article.
    brief_a, brief_b = col("one_page_supplement")
    brief_vs_article = (brief_a & (venue_b == "article")) | (brief_b & (venue_a == "article"))
    src_a, src_b = col("source")
    sid_a, sid_b = col("source_id")
    same_source = (src_a != "") & (src_a == src_b)

    # The same record exported twice: every field equal (a title of some length required, so
    # that two bare "Editorial" records are not taken for one), and where it was published known:
    # one guideline printed in three journals is three records alike once the journal, volume,
    # pages and DOI are missing.
    # (Page 1 does not say where: every online-only article starts there.)
    published = (ja != "") | (va != "") | ((pa != "") & (pa != "1")) | (da != "")
    identical = (ka == kb) & (title_len >= SHORT_TITLE) & published
    fields = ("authors", "year", "journal", "volume", "number", "page_start", "page_end", "doi")
    for name in (*fields, "isbn"):
        x, y = col(name)
        identical &= x == y
    return pd.DataFrame(
        {
            "i": i,
            "identical": identical,
            "j": j,
            "t_sim": t_sim,
            "title_len": title_len,
            "title_empty": (ka == "") | (kb == ""),
            "title_cut": cut,
            "word_swapped": swapped,
            "fa_sim": fa_sim,
            "overlap": overlap,
            "has_authors": has_authors,
            "min_authors": np.fromiter(
                (min(len(x), len(y)) for x, y in zip(aa, ab, strict=True)), int, len(aa)
            ),
            "name_words": name_words,
            "author_ok": author_ok,
            "year_gap": year_gap,
            "year_eq": known & (ya == yb),
            "journal_eq": journal_eq,
            # Two journal names with hardly a word in common (and not an abbreviation pair).
            "journal_conf": both_journals & ~journal_eq & (journal_words < 0.5),
            # Two journal names known and not matching (abbreviations and variants allowed).
            "journal_other": both_journals & ~journal_eq,
            # One name's words all within the other's ("Mutation Research" and "Mutation
            # Research - Fundamental and Molecular Mechanisms of Mutagenesis"): a journal and
            # its section or subtitle, or two journals of one family ("Circulation Research").
            "journal_nested": both_journals & ~journal_eq & (journal_words >= 1.0),
            "journal_any": (ja != "") | (jb != ""),
            "abs_sim": abs_sim,
            "both_abs": both_abs,
            "doi_eq": doi_eq,
            "doi_same": doi_same,
            "doi_conf": doi_conf,
            "review_eq": (ra == rb) & (ra != ""),
            "vol_eq": vol_eq,
            "vol_conf": vol_conf,
            "num_eq": num_eq,
            "num_conf": num_conf,
            "page_eq": page_eq,
            "page_conf": page_conf,
            "range_eq": page_eq & (end_a != "") & (end_a == end_b) & (end_a != pa),
            "start_differs": (pa != "") & (pb != "") & (pa != pb),
            "ends_differ": (end_a != "") & (end_b != "") & (end_a != end_b),
            "kind_conf": kind_a != kind_b,
            "protocol_conf": np.not_equal(*col("protocol")),
            "form_conf": np.not_equal(*col("form")),
            "chapter_vs_paper": ((form_a == "book") & (venue_b == "conference"))
            | ((form_b == "book") & (venue_a == "conference")),
            # Abstract vs article; not when both carry the same page range (one publication).
            # Both are regular articles with a start page (not supplement abstracts, which can
            # share a page): journal, year and start page then form a unique citation.
            "both_articles": (venue_a == "article") & (venue_b == "article"),
            "both_conference": (venue_a == "conference") & (venue_b == "conference"),
            "vol_missing": (va == "") | (vb == ""),
            # A record of the online-first version: no issue and no pages yet (its volume, when
            # there is one, is often a day or a month exported as volume).
            "online_first": ((na == "") & (pa == "")) | ((nb == "") & (pb == "")),
            "lone_page": lone_page,
            "any_abstract": np.isin(venue_a, ["conference", "supplement"])
            | np.isin(venue_b, ["conference", "supplement"]),
            "venue_conf": (
                ((venue_a == "conference") & (venue_b == "article"))
                | ((venue_b == "conference") & (venue_a == "article"))
            )
            & ~page_eq,
            "abstract_vs_article": brief_vs_article & ~page_eq & ~doi_eq,
            # One abstract printed in two meetings' supplements: two presentations.
            "meeting_conf": np.isin(venue_a, ["conference", "supplement"])
            & np.isin(venue_b, ["conference", "supplement"])
            & both_journals
            & ~journal_eq
            & ~same_meeting,
            "numbers_conf": _numbers_conflict(*col("title_numbers")),
            "numbers_differ": np.not_equal(*col("title_numbers")),
            "same_record": same_source & (sid_a != "") & (sid_a == sid_b),
            "same_source_ids": same_source & (sid_a != "") & (sid_b != "") & (sid_a != sid_b),
        }
    )


def judge(f: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Add ``outcome``, ``score``, ``reason``, ``guard`` (a non-duplicate guard fired),
    ``cannot`` (a cannot-link for clustering) and ``rule`` (the duplicate rule that held before
    the guards, or "")."""
    t = f["t_sim"].to_numpy()
    author_ok = f["author_ok"].to_numpy()
    no_authors = ~f["has_authors"].to_numpy()
    # Authors contradict when no surname is shared and hardly any name word either (the word test
    # survives "Given Surname, Initial" mix-ups that defeat surname parsing).
    author_conf = (
        f["has_authors"].to_numpy()
        & (f["fa_sim"].to_numpy() < 0.6)
        & (f["overlap"].to_numpy() == 0)
        & (f["name_words"].to_numpy() < 0.3)
    )
    doi_eq, doi_conf = f["doi_eq"].to_numpy(), f["doi_conf"].to_numpy()
    vol_eq, vol_conf = f["vol_eq"].to_numpy(), f["vol_conf"].to_numpy()
    page_eq, page_conf = f["page_eq"].to_numpy(), f["page_conf"].to_numpy()
    abs_eq = (f["abs_sim"] >= ABSTRACT_SIM).to_numpy()
    abs_diff = (f["both_abs"] & (f["abs_sim"] < 0.5)).to_numpy()
    journal_eq = f["journal_eq"].to_numpy()
    title_empty = f["title_empty"].to_numpy()
    long_title = (f["title_len"] >= SHORT_TITLE).to_numpy()
    year_conf = (f["year_gap"] > policy.max_year_gap).to_numpy()
    year_eq = f["year_eq"].to_numpy()
    # Independent fields that agree, beyond title and authors. Not the issue number: every paper
    # of an issue shares it, and "1" is everywhere (it is no evidence on its own).
    # A volume number is a fact of one journal: under two journal names an equal volume is a
    # coincidence (every journal's first supplement is "1", ACP Journal Club prints in the
    # Annals' volumes) unless the start page agrees as well.
    # So does the issue of the same year: one journal under two names (transliterated and
    # translated). Meeting abstracts in two journals' supplements are kept apart by the guards.
    # And the same year for a journal named with and without its section or subtitle.
    same_issue = vol_eq & f["num_eq"].to_numpy() & year_eq
    placed = page_eq | same_issue | (year_eq & f["journal_nested"].to_numpy())
    vol_fact = vol_eq & (~f["journal_other"].to_numpy() | placed)
    support = doi_eq.astype(int) + vol_fact + page_eq + journal_eq + abs_eq
    # Title, authors and abstract describe the work; a chapter, a dissertation and an article
    # carry them alike. A duplicate also needs one fact of where it was published to agree.
    published = doi_eq | vol_fact | page_eq | journal_eq
    # Journal and volume name the container, shared by a whole volume of papers (a periodical's
    # column under one title, a supplement of abstracts); the DOI, start page or abstract name the
    # item. A title that agrees only loosely, or no author list, needs the item to agree.
    item = doi_eq | page_eq | abs_eq
    # A title equal only as a truncation of the other: cut short by an export (one team's paper
    # in one journal, volume and year), or extended by a follow-up or a numbered second part
    # ("... in mice" and "... in mice. Part 2"), which needs the item itself to agree.
    cut = f["title_cut"].to_numpy()
    cut_ok = ~cut | item
    cut_ok |= (support >= 2) & year_eq & ~f["numbers_differ"].to_numpy()
    # The journal (or its volume) alone is shared by the team's other items there: the meeting
    # abstract in its supplement and the article, a letter on it, a follow-up. As the only fact
    # of publication it names the item in the same year, by the same team (four in five names,
    # or one author on both records); otherwise a second fact must agree.
    min_authors = f["min_authors"].to_numpy()
    team = (min_authors >= 2) & (
        (f["overlap"].to_numpy() >= TEAM_OVERLAP) | (f["name_words"].to_numpy() >= TEAM_OVERLAP)
    )
    team |= (min_authors == 1) & (f["fa_sim"].to_numpy() >= FIRST_AUTHOR_SIM)
    one_fact_ok = (support >= 2) | ~(journal_eq | vol_fact) | (year_eq & team)

    n = len(f)
    outcome = np.full(n, "distinct", dtype=object)
    reason = np.full(n, "titles differ", dtype=object)

    # --- duplicate evidence (before guards) -----------------------------------------------------
    # Each rule is named: a duplicate's reason is the first rule that holds.
    title_author = author_ok | no_authors
    year_same = f["year_eq"].to_numpy()
    both_articles = f["both_articles"].to_numpy()
    # Without a title only a person can tell; all other fields agreeing makes it worth asking.
    untitled = (
        title_empty & (f["overlap"].to_numpy() >= 0.8) & vol_eq & page_eq & journal_eq & year_same
    )
    # The citation (journal, year, volume, start page of a regular article, first author) names
    # one article even when the two titles are different translations of a foreign title.
    citation = (
        both_articles
        & page_eq
        & year_same
        & journal_eq
        & (vol_eq | f["vol_missing"].to_numpy())
        & (f["fa_sim"].to_numpy() >= FIRST_AUTHOR_SIM)
    )
    # The item's own DOI (not a meeting supplement's, which many abstracts share) and its whole
    # title.
    doi_title = doi_eq & ~f["any_abstract"].to_numpy() & (t >= TITLE_STRONG) & long_title
    # Two conference papers: the proceedings' name is a booktitle, which the record columns do
    # not carry, so nothing says where either was published. The same title, team and year are
    # all the evidence there is. (Two journal articles without their journals stay for a person:
    # one guideline printed in two journals is alike in every field left.)
    both_papers = f["both_conference"].to_numpy() & ~f["journal_any"].to_numpy()
    # Unless what they do carry places them apart: the same abstract given at two meetings in one
    # year ("S129" and "39"), or in two issues. (Equal start pages, even page 1, do not.)
    both_papers &= ~f["start_differs"].to_numpy() & ~vol_conf & ~f["num_conf"].to_numpy()
    # Journal, year, volume and the whole page range of a multi-page article, same first author.
    full_citation = citation & ~title_empty & f["range_eq"].to_numpy() & vol_eq
    rules: list[tuple[str, np.ndarray]] = [
        ("same record exported twice", f["identical"].to_numpy()),
        ("same DOI and title", doi_eq & ((t >= TITLE_GOOD) | title_empty) & title_author),
        # One DOI and one whole title name one article whatever the author lists say: given name
        # and surname swapped ("Tamara, Kneese"), a group name for its members. (On the tuning
        # sets every pair sharing a DOI and a long title, meeting abstracts apart, is one work.)
        (
            "same DOI, title and year, author lists differ",
            doi_title & year_eq & f["has_authors"].to_numpy(),
        ),
        (
            "same conference paper title, team and year",
            (t >= TITLE_STRONG) & long_title & author_ok & team & year_eq & both_papers,
        ),
        ("same DOI, title, volume and page", doi_eq & (t >= TITLE_STRONG) & vol_eq & page_eq),
        (
            "same title and authors, published alike",
            (t >= TITLE_STRONG) & long_title & author_ok & published & cut_ok & one_fact_ok,
        ),
        (
            "similar title and authors, two fields agree",
            (t >= TITLE_GOOD) & author_ok & (support >= 2) & ((t >= TITLE_STRONG) | item) & cut_ok,
        ),
        (
            "similar title and authors, volume and page agree",
            (t >= TITLE_FAIR) & author_ok & vol_eq & page_eq & (support >= 3),
        ),
        (
            "same unsigned title, two fields agree",
            (t >= TITLE_STRONG) & long_title & no_authors & (support >= 2) & item,
        ),
        # Unsigned items ("Abstracts of the 79th EAS Congress"): the same title in the same
        # journal, year, volume and issue is one item.
        (
            "same unsigned title in one issue",
            (t >= 0.999)
            & (f["title_len"].to_numpy() >= 15)
            & no_authors
            & journal_eq
            & vol_eq
            & f["num_eq"].to_numpy()
            & year_same,
        ),
        # Unrelated titles still score about 0.4 on this ratio; from 0.5 a translation is
        # plausible, but only with the volume known: journals with several volumes a year restart
        # their page numbers, so journal, year and start page alone do not name one article.
        ("same citation", citation & ((t >= TITLE_GOOD) | ((t >= 0.5) & vol_eq))),
        # The full citation of a multi-page article (journal, year, volume, first and last page)
        # and the same team of two or more name one article, whatever its title says: a title
        # translated. (Without a title only a person can tell, see ``untitled``.)
        (
            "same full citation and team",
            citation
            & ~title_empty
            & f["range_eq"].to_numpy()
            & vol_eq
            & (f["min_authors"].to_numpy() >= 2)
            & (f["overlap"].to_numpy() >= TEAM_OVERLAP),
        ),
        # One DOI and the full citation: one article under its original and its translated title
        # ("Diabetes and cancer risk" / "Diabetes and risk of tumors. Hungarian"), single author
        # or not. (The same DOI under unrelated titles alone names a supplement, see below.)
        ("same DOI and full citation", full_citation & f["doi_same"].to_numpy()),
        # The same full citation when one record has no author list (not exported for an older
        # foreign-language article) is just as specific; the two titles need only be plausible
        # translations of one title, as for "same citation".
        (
            "same full citation, one record unsigned",
            both_articles
            & page_eq
            & f["range_eq"].to_numpy()
            & vol_eq
            & journal_eq
            & year_same
            & no_authors
            & (t >= 0.5),
        ),
        # Same title at the same journal, year, volume and start page of a multi-page article (a
        # page holds several letters, not several articles): one article, however its author
        # list was exported ("Luis Ferreira, Santos A" for "Santos, A L").
        (
            "same title and citation",
            both_articles
            & (t >= TITLE_STRONG)
            & long_title
            & vol_eq
            & page_eq
            & journal_eq
            & year_same,
        ),
    ]
    dup = np.zeros(n, dtype=bool)
    for why, mask in reversed(rules):
        reason[mask] = why
        dup |= mask
    maybe = ~dup & (((t >= 0.85) & (title_author | (t >= TITLE_STRONG))) | untitled | citation)
    outcome[dup] = "duplicate"
    evidence = np.where(dup, reason, "")
    outcome[maybe] = "maybe"
    reason[maybe] = "similar title, too little corroboration"

    # --- non-duplicate guards (later rules win) -------------------------------------------------
    guard = np.zeros(n, dtype=bool)
    # A contradiction in the item itself (a title word, the issue, the team, the kind of paper)
    # that no third record can explain; a year or journal name that differs can be explained
    # (online-first and print year, a journal's name variants) by a record matching both.
    firm = np.zeros(n, dtype=bool)

    def fire(mask: np.ndarray, result: str, why: str, *, explainable: bool = False) -> None:
        hit = mask & (outcome != "distinct") if result == "maybe" else mask
        outcome[hit] = result
        reason[hit] = why
        guard[hit] = True
        if not explainable:
            firm[hit] = True

    fire(abs_diff & ~doi_eq & (outcome == "duplicate") & (t < 0.98), "maybe", "abstracts differ")
    # Companion papers ("... in vitro" / "... in vivo") share journal, issue and authors; a
    # swapped title word needs the article itself (DOI, start page, abstract) to agree.
    # Meeting abstracts often carry their supplement's DOI: for them the DOI does not count.
    article_doi = doi_eq & ~f["any_abstract"].to_numpy()
    swapped = f["word_swapped"].to_numpy() & ~(article_doi | page_eq | abs_eq)
    fire(swapped & (outcome == "duplicate"), "maybe", "a title word differs")
    # A number in one title only ("...: Part 2", "...: 12-month results", "... in two cohorts")
    # names a part, a time point or a count of another paper of the series: without the item
    # itself (DOI, start page or abstract) agreeing, for a person.
    one_sided = f["numbers_differ"].to_numpy() & ~f["numbers_conf"].to_numpy()
    fire(
        one_sided & ~(doi_eq | page_eq | abs_eq) & (outcome == "duplicate"),
        "maybe",
        "a title number differs",
    )
    # Same title at the same volume and start page: an author list that does not parse alike
    # is a format problem, not another work.
    located = (t >= TITLE_STRONG) & vol_eq & page_eq
    fire(author_conf & ~doi_eq & ~located, "distinct", "authors differ")
    doi_named = doi_title & year_eq
    fire(
        author_conf & doi_eq & ~(vol_eq & page_eq) & ~doi_named, "maybe", "same DOI, authors differ"
    )
    # Teams of three or more with under a third of their names in common (by surname and by name
    # word, so a name format that does not parse alike is no reason): at most the first author
    # is shared, as between one person's abstracts with different co-authors. The DOI, or the
    # volume and start page, can still show one article.
    teams_differ = (
        (f["min_authors"].to_numpy() >= 3)
        & (f["overlap"].to_numpy() < 1 / 3)
        & (f["name_words"].to_numpy() < 1 / 3)
    )
    fire(teams_differ & ~doi_eq & ~(vol_eq & page_eq), "maybe", "author lists differ")
    # Numbered parts/trials ("FOCUS 1" vs "FOCUS 2") are separate papers with their own pages; a
    # number typo in a record whose volume and start page agree is not.
    numbers = f["numbers_conf"].to_numpy() & ~doi_eq & ~(vol_eq & page_eq)
    fire(numbers, "distinct", "numbers in titles differ")
    # A lone page number that contradicts title, authors, journal, year, volume and issue all
    # agreeing (outside supplements, where one issue holds many abstracts) is a misplaced field,
    # such as a publication day; two full page ranges that do not overlap are decisive.
    page_typo = (
        f["lone_page"].to_numpy()
        & (t >= TITLE_STRONG)
        & long_title
        & author_ok
        & journal_eq
        & year_eq
        & vol_eq
        & f["num_eq"].to_numpy()
        & ~f["any_abstract"].to_numpy()
    )
    fire(page_conf & ~doi_eq & ~page_typo, "distinct", "pages differ")
    # A volume that contradicts identical title, authors, year, journal and start page is a
    # typo or a supplement number exported as volume, not a different work.
    vol_typo = (page_eq | abs_eq) & year_eq & journal_eq & (t >= TITLE_STRONG) & author_ok
    fire(vol_conf & ~doi_eq & ~vol_typo, "distinct", "volumes differ")
    # Same DOI and title with volume or pages contradicting: a typo when the other one agrees.
    # Also a volume alone that contradicts DOI, title, journal and year: a day or an issue
    # exported as volume ("Frontiers in Cellular Neuroscience" 7 and 27, one DOI).
    volume_typo = journal_eq & year_eq & ~page_conf
    one_typo = doi_eq & (t >= TITLE_STRONG) & (author_ok | no_authors)
    # Or one record is the online-first version of the other (no issue, no pages; its year the
    # year before the print issue's, or the same): its volume is no fact about the article.
    online_first = f["online_first"].to_numpy() & (f["year_gap"].to_numpy() <= 1)
    one_typo &= page_eq | vol_eq | volume_typo | online_first
    fire((page_conf | vol_conf) & doi_eq & ~one_typo, "maybe", "same DOI, volume or pages differ")
    # One DOI names one item in one journal: records that share it but name unrelated journals
    # and carry different abstracts (a meeting abstract exported with its article's DOI; the
    # two texts of one study share words, so not the same text is enough) are for a person.
    abs_other = f["both_abs"].to_numpy() & ~abs_eq
    doi_misplaced = doi_eq & f["journal_conf"].to_numpy() & abs_other
    fire(doi_misplaced, "maybe", "same DOI, journals and abstracts differ")
    fire(doi_conf, "distinct", "DOIs differ")
    # A wrong DOI is likelier than two works sharing title, authors, journal, year, volume and
    # start page; with one of journal/year missing a person decides.
    strong_same = doi_conf & (t >= TITLE_STRONG) & long_title & (author_ok | no_authors)
    strong_same &= page_eq & vol_eq
    outcome[strong_same] = "maybe"
    reason[strong_same] = "DOIs differ, all else agrees"
    # An identical abstract is as specific as the volume, or, with volume and issue agreeing, as
    # the start page.
    strong_same |= (
        doi_conf
        & (t >= TITLE_STRONG)
        & long_title
        & author_ok
        & abs_eq
        & ((page_eq & ~vol_conf) | (vol_eq & f["num_eq"].to_numpy() & ~page_conf))
    )
    # So is the whole page range of a multi-page article in one volume: no two articles share it,
    # and an author list exported in another name format ("Cui J." / "Cui Jiahua") is no reason
    # to doubt it (a DOI typed with one digit wrong).
    strong_same |= (
        doi_conf
        & (t >= TITLE_STRONG)
        & long_title
        & ~author_conf
        & vol_eq
        & f["range_eq"].to_numpy()
    )
    certain = strong_same & journal_eq & year_eq & ~f["kind_conf"].to_numpy()
    outcome[certain] = "duplicate"
    reason[certain] = "DOIs differ, title/authors/journal/year/volume/page agree"
    doi_same = f["doi_same"].to_numpy()
    fire(
        doi_same & ~title_empty & (t < TITLE_FAIR) & ~full_citation,
        "distinct",
        "shared DOI, different titles",
    )
    # A year typed wrong is likelier than two works sharing title, journal, volume and page.
    # (Nor is it when the DOI and the whole title agree: an online-first year, or a year of entry.)
    year_explained = (located & (journal_eq | doi_eq)) | doi_title
    fire(year_conf & ~year_explained, "distinct", "years too far apart")
    kind = f["kind_conf"].to_numpy()
    fire(kind, policy.erratum_vs_article, "erratum/reply vs article")
    # A protocol and its trial's report have their own DOIs and pages; a title cut before
    # ": protocol for ..." (Google Scholar) with the same DOI, or volume and page, is one paper.
    item_pinned = doi_eq | (vol_eq & page_eq)
    fire(f["protocol_conf"].to_numpy() & ~item_pinned, "maybe", "protocol vs report")
    # A thesis or a book (chapter) and a journal article by the same author share a title more
    # often than a title is exported twice under two publication types: only one DOI joins them.
    # A conference paper in a book series (LNCS, IFIP) is exported as a chapter by one database
    # and as a paper by another: the same volume and the same full page range name the item.
    fire(
        f["form_conf"].to_numpy()
        & ~doi_eq
        & ~(f["chapter_vs_paper"].to_numpy() & vol_eq & f["range_eq"].to_numpy()),
        "maybe",
        "thesis/book vs article",
    )
    fire(f["meeting_conf"].to_numpy() & ~doi_eq, "distinct", "abstracts in different meetings")
    # Softer contradictions (different journal, different issue) leave a person to decide unless
    # DOI, or volume and start page together, pin the publication down.
    pinned = doi_eq | (vol_eq & (page_eq | journal_eq))
    # A journal known under two names (a transliterated and a translated title) is no other
    # journal when year, volume and issue all agree with the same long title and authors.
    renamed = same_issue & (t >= TITLE_STRONG) & long_title & author_ok
    fire(
        f["journal_conf"].to_numpy() & ~pinned & ~renamed,
        "maybe",
        "journals differ",
        explainable=True,
    )
    # A periodical's column or an article and its correction share title, authors, journal and
    # volume in different issues; with the start page or the DOI agreeing the issue is a typo.
    num_off = f["num_conf"].to_numpy() & ~page_eq & ~doi_eq
    fire(num_off & (outcome == "duplicate"), "maybe", "issues differ")
    # A short title ("Editorial Introduction", "Editorial Notes") is a column's, printed at the
    # same page of every issue: in another issue or volume only the DOI shows one item.
    column = (f["num_conf"].to_numpy() | vol_conf) & ~long_title & ~doi_eq
    fire(column & (outcome == "duplicate"), "distinct", "short title, another issue")
    # Another end page where the issue is not known to be the same: a person decides (in one
    # issue a column appears once, and an end page is a typo).
    other_end = f["ends_differ"].to_numpy() & ~(vol_eq & f["num_eq"].to_numpy())
    fire(
        other_end & ~long_title & ~doi_eq & (outcome == "duplicate"),
        "maybe",
        "short title, other pages",
    )
    # Meeting abstracts with one title but another first (presenting) author are separate
    # presentations: two abstracts in one supplement, or one abstract per meeting.
    first_differs = f["has_authors"].to_numpy() & (f["fa_sim"].to_numpy() < FIRST_AUTHOR_SIM)
    meeting_items = first_differs & f["any_abstract"].to_numpy() & ~article_doi
    meeting_items &= ~(doi_eq & page_eq)
    fire(meeting_items & (outcome == "duplicate"), "maybe", "first authors differ")
    # A one-year gap is normal between online-first and print, but then identifiers must agree.
    # An identical abstract vouches for the gap, except between meeting abstracts: the same text
    # is often submitted to the next year's meeting.
    meeting_text = f["any_abstract"].to_numpy()
    year_off = (f["year_gap"].to_numpy() > 0) & ~pinned & ~(abs_eq & ~meeting_text)
    fire(year_off & (outcome == "duplicate"), "maybe", "years differ", explainable=True)
    venue = f["venue_conf"].to_numpy() | f["abstract_vs_article"].to_numpy()
    if policy.conference_vs_article != "duplicate":
        fire(venue, policy.conference_vs_article, "conference abstract vs article")

    # Versions of one Cochrane review (its number kept through every update, each version with
    # its own DOI, year and issue) under one title, by one team at least in part: one review,
    # whatever the guards above said of DOI, year or volume (policy: review_versions). A title
    # reworded in an update ("for the treatment of" -> "for treating") is left to the guards: on
    # the labelled sets such versions are as often counted apart as together.
    versions = (
        f["review_eq"].to_numpy()
        & (t >= VERSION_TITLE)
        & ~author_conf
        & ~f["kind_conf"].to_numpy()
        & ~f["protocol_conf"].to_numpy()
        & (outcome != "duplicate")
    )
    if policy.review_versions != "distinct":
        outcome[versions] = policy.review_versions
        reason[versions] = "versions of one Cochrane review"
        guard[versions] = False
        firm[versions] = False

    # --- one database's own records --------------------------------------------------------------
    same_ids = f["same_source_ids"].to_numpy()
    fire(same_ids & (outcome == "duplicate"), "maybe", "same source, different source ids")
    fire(same_ids & (outcome != "maybe"), "distinct", "same source, different source ids")
    same_record = f["same_record"].to_numpy()
    outcome[same_record] = "duplicate"
    reason[same_record] = "same source and source id"
    guard[same_record] = False

    score = np.round(
        0.6 * t + 0.2 * f["overlap"].to_numpy() + 0.2 * np.minimum(support, 3) / 3.0, 4
    )
    # Pairs that no chain of duplicates may join: a guard made them distinct, or flagged them
    # maybe for a contradiction a third record cannot explain (a person may still join them).
    cannot = guard & ((outcome == "distinct") | ((outcome == "maybe") & firm))
    return f.assign(
        outcome=outcome, reason=reason, guard=guard, cannot=cannot, score=score, rule=evidence
    )


def _titles_unlike(a: str, b: str) -> bool:
    """Two titles (normalised words) too different for one work, and neither a truncation of the
    other: a chain of matches must not carry one work's title to another's."""
    if not a or not b:
        return False
    key_a, key_b = a.replace(" ", ""), b.replace(" ", "")
    if min(len(key_a), len(key_b)) >= 20 and (key_a.startswith(key_b) or key_b.startswith(key_a)):
        return False
    return fuzz.ratio(a, b) < TITLE_FAIR * 100


def _authors_unlike(
    a: tuple[str, ...], b: tuple[str, ...], words_a: frozenset[str], words_b: frozenset[str]
) -> bool:
    """Two author lists without a surname in common and hardly a name word (as in ``judge``)."""
    if not a or not b or set(a) & set(b):
        return False
    if fuzz.ratio(a[0], b[0]) >= 60:
        return False
    shared = len(words_a & words_b) / min(len(words_a), len(words_b)) if words_a and words_b else 0
    return shared < 0.3


def hard_conflict(n: pd.DataFrame, policy: Policy) -> Callable[[int, int], bool]:
    """For two records not matched directly (never compared, or compared without a verdict of
    duplicate or maybe): do they contradict on facts a duplicate cannot get wrong all at once?
    Another kind (erratum/reply) or form (thesis, book), a protocol against a report, a meeting
    abstract against a journal article (when the policy keeps them apart), a year gap beyond the
    policy, both volume and start page different, titles that name different works or carry other
    numbers, or author lists with nobody in common."""
    year = n["year"].to_numpy()
    kind = n["kind"].to_numpy()
    protocol = n["protocol"].to_numpy()
    form = n["form"].to_numpy()
    volume = n["volume"].to_numpy()
    page = n["page_start"].to_numpy()
    venue = n["venue"].to_numpy()
    brief = n["one_page_supplement"].to_numpy()
    title = n["title"].to_numpy()
    numbers = n["title_numbers"].to_numpy()
    authors = n["authors"].to_numpy()
    names = n["author_words"].to_numpy()
    strict_venue = policy.conference_vs_article == "distinct"
    review = n["review_number"].to_numpy()
    versions_join = policy.review_versions == "duplicate"

    def conflict(i: int, j: int) -> bool:
        if kind[i] != kind[j] or form[i] != form[j]:
            return True
        # Two versions of one Cochrane review differ in year, volume and DOI by nature.
        if versions_join and review[i] and review[i] == review[j]:
            return protocol[i] != protocol[j] or _titles_unlike(title[i], title[j])
        pair_venues = {venue[i], venue[j]}
        abstract = "conference" in pair_venues or brief[i] or brief[j]
        if strict_venue and "article" in pair_venues and abstract:
            return True
        if year[i] and year[j] and abs(int(year[i]) - int(year[j])) > policy.max_year_gap:
            return True
        if volume[i] and volume[j] and volume[i] != volume[j] and page[i] and page[j] != page[i]:
            return True
        # Titles may differ as translations, or be cut short, where volume and start page agree.
        located = volume[i] and volume[i] == volume[j] and page[i] and page[i] == page[j]
        if not located and (protocol[i] != protocol[j] or _titles_unlike(title[i], title[j])):
            return True
        # Numbered parts, trials or time points of one series ("FOCUS 1", "FOCUS 2").
        if not located and numbers[i] and numbers[j] and numbers[i] != numbers[j]:
            return True
        return _authors_unlike(authors[i], authors[j], names[i], names[j])

    return conflict
