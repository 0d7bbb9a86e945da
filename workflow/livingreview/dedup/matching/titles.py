"""Title features of a pair: similarity (a truncated or embedded title counts as near-equal), a
swapped word, the numbers the titles carry; and which titles name different works."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from livingreview.dedup.matching.pairs import Pairs, cpdist, in_other_script
from livingreview.dedup.matching.policy import TITLE_FAIR, TITLE_GOOD, TITLE_STRONG


def title_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """Title similarity ``t_sim`` and length, whether one is missing or cut short, and whether
    a word is swapped for another."""
    ta, tb = pairs.col("title")
    t_sim = cpdist(list(ta), list(tb), fuzz.ratio)
    ka, kb = pairs.col("title_key")
    # Two missing titles are not two equal titles (the ratio of two empty strings is 1); a title
    # in another script than the other's is none to compare (a Russian title and its English).
    missing = (ka == "") | (kb == "") | pairs.scripts_apart("title_key")
    t_sim[missing] = 0.0
    near = np.flatnonzero((t_sim >= TITLE_GOOD) & (t_sim < 0.999))
    swapped = np.zeros(len(pairs), dtype=bool)
    for k in near:
        swapped[k] = _word_swapped(ta[k], tb[k])
    title_len = np.minimum(
        np.fromiter((len(x) for x in ka), int, len(ka)),
        np.fromiter((len(y) for y in kb), int, len(kb)),
    )
    t_sim, cut = _raise_truncated(ka, kb, t_sim)
    _raise_embedded(ta, tb, t_sim, title_len)
    return {
        "t_sim": t_sim,
        "title_len": title_len,
        "title_empty": missing,
        "title_cut": cut,
        "word_swapped": swapped,
        "words_moved": _words_moved(ta, tb, t_sim),
        "words_kept": _words_kept(ta, tb, t_sim),
        "one_translated": np.logical_or(*pairs.col("translated")),
    }


# Words an export adds or drops when it rewords a title ("melatonin's effects" / "the effects
# of melatonin"): no other word of one title may be missing from the other.
_JOINING = frozenset(
    {"a", "an", "the", "of", "s", "on", "in", "for", "and", "to", "with", "by", "at", "from"}
)


def _words_kept(ta: np.ndarray, tb: np.ndarray, t_sim: np.ndarray) -> np.ndarray:
    """Where a fairly similar title has no word the other lacks on both sides (reworded or
    shortened, not another word: "anxiety" for "depression", "yoga" for "tai chi")."""
    kept = np.zeros(len(ta), dtype=bool)
    for k in np.flatnonzero(t_sim >= TITLE_FAIR):
        wa, wb = set(ta[k].split()) - _JOINING, set(tb[k].split()) - _JOINING
        kept[k] = wa <= wb or wb <= wa
    return kept


def _words_moved(ta: np.ndarray, tb: np.ndarray, t_sim: np.ndarray) -> np.ndarray:
    """Where a dissimilar title has the other's words in another order ("host response disease
    in peri-implant" for "host response in peri-implant disease")."""
    moved = np.zeros(len(ta), dtype=bool)
    check = np.flatnonzero((t_sim < TITLE_FAIR) & (ta != "") & (tb != ""))
    if check.size:
        same = cpdist(list(ta[check]), list(tb[check]), fuzz.token_sort_ratio)
        moved[check[same >= TITLE_STRONG]] = True
    return moved


def _raise_truncated(
    ka: np.ndarray, kb: np.ndarray, t_sim: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``t_sim`` raised where one title key is a prefix of the other, and where that prefix is
    all the two have in common (``title_cut``)."""
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
    return t_sim, cut


def _raise_embedded(
    ta: np.ndarray, tb: np.ndarray, t_sim: np.ndarray, title_len: np.ndarray
) -> None:
    """Raise ``t_sim`` in place where one title lies almost exactly within the other."""
    # A title inside a longer one ("Case 17-2012: ..." in "Case records of the MGH. Case
    # 17-2012. ..."): as good as one changed word when 30+ letters match almost exactly.
    check = np.flatnonzero((t_sim >= 0.5) & (t_sim < TITLE_GOOD) & (title_len >= 30))
    if check.size:
        part = cpdist(list(ta[check]), list(tb[check]), fuzz.partial_ratio)
        t_sim[check[part >= 0.97]] = TITLE_GOOD


def title_number_columns(pairs: Pairs) -> dict[str, np.ndarray]:
    """Whether the numbers in the titles conflict (both carry some) or differ at all."""
    return {
        "numbers_conf": _numbers_conflict(*pairs.col("title_numbers")),
        "numbers_differ": np.not_equal(*pairs.col("title_numbers")),
    }


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


def titles_unlike(a: str, b: str) -> bool:
    """Two titles (normalised words) too different for one work, and neither a truncation of the
    other: a chain of matches must not carry one work's title to another's."""
    if not a or not b:
        return False
    key_a, key_b = a.replace(" ", ""), b.replace(" ", "")
    if min(len(key_a), len(key_b)) >= 20 and (key_a.startswith(key_b) or key_b.startswith(key_a)):
        return False
    return fuzz.ratio(a, b) < TITLE_FAIR * 100


def shared_by_other_works(key: pd.Series, title: pd.Series) -> set[str]:
    """Values of ``key`` carried by records whose titles name different works (see
    :func:`titles_unlike`): such a value is not specific to one work."""
    both = (key != "") & (title != "")
    sub = pd.DataFrame({"key": key[both], "title": title[both]}).drop_duplicates()
    sub = sub[sub["key"].duplicated(keep=False)]
    out: set[str] = set()
    for value, titles in sub.groupby("key", sort=False)["title"]:
        values = list(titles)
        # Twenty different titles on one value are unspecific whatever their similarity.
        # A title in another script than the other's is its translation, not another work's.
        if len(values) >= 20 or any(
            titles_unlike(x, y) and in_other_script(x) == in_other_script(y)
            for k, x in enumerate(values)
            for y in values[k + 1 :]
        ):
            out.add(str(value))
    return out
