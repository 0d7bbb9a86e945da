"""The ranker's word cache: the features (and so the scores) are the same bits with a cold, warm,
stale, damaged or unwritable cache, and a warm cache spares splitting the texts it holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from livingreview.screening import features
from livingreview.screening.features import WORD_PATTERN, TfidfFeatures
from livingreview.screening.priority import Scorer
from livingreview.screening.simulate import read_labelled_csv
from livingreview.screening.wordcache import WordCache
from tests.conftest import require_shared

QUERY = "Nonsteroidal anti-inflammatory drugs: NSAIDs, COX-2 inhibitors; aspirin"


@pytest.fixture(scope="module")
def documents() -> list[str]:
    path = require_shared("bench/screening/Cohen_2006_NSAIDS.csv")
    return read_labelled_csv(path).documents


def fit(documents: list[str], cache: Path | None = None) -> TfidfFeatures:
    words = None if cache is None else WordCache(cache, WORD_PATTERN)
    return TfidfFeatures(documents, ngram_max=2, min_df=1, max_df=0.95, words=words)


def assert_same(ours: TfidfFeatures, theirs: TfidfFeatures) -> None:
    for a, b in (
        (ours.matrix, theirs.matrix),
        (ours.transform([QUERY]), theirs.transform([QUERY])),
    ):
        assert a.shape == b.shape
        assert np.array_equal(a.indptr, b.indptr)
        assert np.array_equal(a.indices, b.indices)
        assert a.data.tobytes() == b.data.tobytes()
    assert ours.idf.tobytes() == theirs.idf.tobytes()
    assert ours.vocabulary() == theirs.vocabulary()


def test_an_update_round_splits_only_its_new_texts(
    documents: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last round's texts (one since edited, some since gone) are cached; this round adds texts
    and words never seen: the same features as without a cache, and only the new texts split."""
    cache = tmp_path / "words.bin"
    earlier = documents[:300] + documents[350:400]
    fit(earlier, cache)
    edited = documents[250] + " zzqx unseenword"
    now = [*documents[:250], edited, *documents[251:350], "", documents[5]]  # new, empty, twice

    split: list[str] = []
    words = features._WORDS
    monkeypatch.setattr(features, "_WORDS", lambda text: split.append(text) or words(text))
    warm = fit(now, cache)
    cached = set(earlier)
    assert len(split) == sum(t not in cached for t in now) == 51  # the edited text, the new ones
    monkeypatch.setattr(features, "_WORDS", words)
    assert_same(warm, fit(now))
    assert_same(fit(now, cache), fit(now))  # the cache now holds this round's texts: all warm


def test_a_damaged_foreign_or_unwritable_cache_changes_nothing(
    documents: list[str], tmp_path: Path
) -> None:
    texts = documents[:200]
    cold = fit(texts)
    cache = tmp_path / "words.bin"
    fit(texts, cache)
    whole = cache.read_bytes()
    head, body = whole.split(b"\n", 1)
    damaged = [
        whole[:-10],  # truncated
        head + b"\n" + body[:-4] + b"\xff\xff\xff\x7f",  # a changed word number
        head.replace(b'"format": 1', b'"format": 2') + b"\n" + body,
        head.replace(WORD_PATTERN.encode().replace(b"\\", b"\\\\"), b"x") + b"\n" + body,
        b"not a cache",
    ]
    for data in damaged:
        cache.write_bytes(data)
        assert WordCache(cache, WORD_PATTERN).rows == {}
        assert_same(fit(texts, cache), cold)
        assert cache.read_bytes() == whole  # written again, whole

    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    assert_same(fit(texts, blocked / "words.bin"), cold)
    assert blocked.read_text() == "a file where the cache folder would be"


def test_scores_are_the_same_with_the_cache(documents: list[str], tmp_path: Path) -> None:
    studies = [
        {"study_id": f"S{i:04d}", "title": t, "abstract": ""} for i, t in enumerate(documents)
    ]
    plain = Scorer(studies, QUERY).scores({})
    cache = tmp_path / "screening" / "ranker_words.bin"
    assert Scorer(studies[:400], QUERY, words=cache).scores({})  # last round's studies
    assert Scorer(studies, QUERY, words=cache).scores({}) == plain
    assert cache.exists()
