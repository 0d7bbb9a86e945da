"""The ranker's TF-IDF features are scikit-learn's TfidfVectorizer's, bit for bit (the ranker
reproduces ASReview's ELAS u4 order only if every sum adds the same numbers in the same order)."""

from __future__ import annotations

import numpy as np
import pytest

from livingreview.screening.features import NoTerms, TfidfFeatures
from livingreview.screening.simulate import read_labelled_csv
from tests.conftest import require_shared

text = pytest.importorskip("sklearn.feature_extraction.text")

SETS = ("bench/screening/Cohen_2006_NSAIDS.csv", "bench/screening/Cohen_2006_ACEInhibitors.csv")
QUERY = "Nonsteroidal anti-inflammatory drugs: NSAIDs, COX-2 inhibitors; aspirin (aspirin) zzzq"


def assert_same(ours, theirs) -> None:
    """The same shape, row pointers, column numbers in the same order and identical bits."""
    theirs = theirs.tocsr()
    assert ours.shape == theirs.shape
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)
    assert ours.data.tobytes() == theirs.data.tobytes()


def compare(documents: list[str], ngram_max: int, min_df: float, max_df: float) -> None:
    vectorizer = text.TfidfVectorizer(
        ngram_range=(1, ngram_max),
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
        dtype=np.float64,
    )
    theirs = vectorizer.fit_transform(documents)
    ours = TfidfFeatures(documents, ngram_max=ngram_max, min_df=min_df, max_df=max_df)
    assert ours.vocabulary() == vectorizer.vocabulary_
    assert ours.idf.tobytes() == vectorizer.idf_.tobytes()
    assert_same(ours.matrix, theirs)
    # known words in an order never seen: n-grams whose first words were never seen together
    shuffled = " ".join(reversed(documents[3].split()))
    queries = [QUERY, "", documents[3], "nothing", shuffled, documents[3] + " " + documents[4]]
    assert_same(ours.transform(queries), vectorizer.transform(queries))


@pytest.mark.parametrize("path", SETS)
def test_the_rankers_features_on_real_records(path: str) -> None:
    """ELAS u4's settings: word 1- and 2-grams, terms in more than 95 % of records dropped."""
    documents = read_labelled_csv(require_shared(path)).documents
    compare(documents, ngram_max=2, min_df=1, max_df=0.95)


def test_other_settings_and_awkward_records() -> None:
    """3-grams, a minimum document count, maxima that drop common terms ("the", "of", ...),
    records without any word, one word, accents and non-Latin letters, upper case, repeats."""
    documents = read_labelled_csv(require_shared(SETS[0])).documents[:300]
    documents += ["", "a", "word", "Ünïcode ÉTUDE étude Étude", "ß straße 東京 東京 2024 x2 x_y"]
    documents += ["again again again again", "!!! ...", documents[0]]
    dropped = TfidfFeatures(documents, ngram_max=1, min_df=1, max_df=0.5).vocabulary()
    assert "the" not in dropped and "of" not in dropped
    compare(documents, ngram_max=3, min_df=2, max_df=0.5)
    compare(documents, ngram_max=1, min_df=1, max_df=40)
    compare(documents, ngram_max=2, min_df=0.01, max_df=1.0)


def test_no_term_is_an_error_as_in_scikit_learn() -> None:
    for documents, settings in (
        (["", "a !", "?"], {"min_df": 1, "max_df": 1.0}),
        (["one two", "one two"], {"min_df": 1, "max_df": 0.5}),
    ):
        with pytest.raises(ValueError):
            text.TfidfVectorizer(sublinear_tf=True, **settings).fit(documents)
        with pytest.raises(NoTerms):
            TfidfFeatures(documents, ngram_max=2, **settings)


def test_the_first_seen_numbering_is_numpys_unique() -> None:
    """Keys of real records' 1- to 3-grams, and keys too large for the one-sort shortcut."""
    from collections import defaultdict

    from livingreview.screening.features import _Grams, _tokens, _unique

    documents = read_labelled_csv(require_shared(SETS[1])).documents
    number: defaultdict[str, int] = defaultdict()
    number.default_factory = number.__len__
    tokens, words_in = _tokens(documents, number.__getitem__)
    keys = _Grams(tokens, words_in, 3, len(number)).keys
    assert (int(keys.max()) + 1) * keys.size < 2**63  # the shortcut
    large = keys * (2**62 // (int(keys.max()) + 1)) + 1  # numpy's unique
    for values in (keys, large, keys[:1], keys[:0]):
        expected = np.unique(values, return_index=True, return_inverse=True)
        for ours, theirs in zip(_unique(values), expected, strict=True):
            assert np.array_equal(ours, theirs)
        for ours, theirs in zip(_unique(values.copy(), overwrite=True), expected, strict=True):
            assert np.array_equal(ours, theirs)


def test_the_fit_allocates_little_beside_the_matrix() -> None:
    """The fit's large arrays (a key per term, the numbers sorted to count them) are worked on
    in place or a block of texts at a time, not copied whole at every step: fresh memory costs
    time (the kernel zeroes it, and numpy asks for huge pages). The living-review benchmark's
    4,029 records took 194 MB at the peak of the fit for a 17 MB matrix before, 79 MB now;
    here 102 MB before and 40 MB now for the 8.6 MB matrix of 2,544 records."""
    import tracemalloc

    documents = read_labelled_csv(require_shared(SETS[1])).documents
    tracemalloc.start()
    try:
        matrix = TfidfFeatures(documents, ngram_max=2, min_df=1, max_df=0.95).matrix
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * (matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)
