"""The order of a screening sheet: predicted relevance from the ranker
(:mod:`livingreview.screening.ranking`), learned from the reviewer's decisions so far and the
protocol's seed studies, with the review question and include keywords as its query."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview.records import normalise_doi, normalise_pmid
from livingreview.screening.decisions import ScreeningDecision

log = logging.getLogger("livingreview.screening")


def ranking_query(config: Mapping[str, Any]) -> str:
    """What the ranker looks for before any decision: the review question and include keywords."""
    keywords = config["eligibility"].get("keywords", {}).get("include", [])
    return " ".join([config["review"].get("question", ""), *keywords]).strip()


def seed_study_ids(config: Mapping[str, Any], studies: Sequence[Mapping[str, str]]) -> set[str]:
    """Library studies named in ``screening.seed_studies`` (by DOI or PMID): known relevant."""
    wanted = config["screening"].get("seed_studies", [])
    dois = {normalise_doi(item) for item in wanted} - {""}
    pmids = {normalise_pmid(item) for item in wanted if not normalise_doi(item)} - {""}
    found = {
        s["study_id"]
        for s in studies
        if normalise_doi(s.get("doi", "")) in dois or normalise_pmid(s.get("pmid", "")) in pmids
    }
    if wanted and not found:
        log.info("none of the %d seed studies is among the studies to screen", len(wanted))
    return found


class Scorer:
    """Predicted relevance per study: the ranker's features are built once, on first use, and
    the scores once per set of training labels (reviewers who decided alike share them).
    ``words``: the file of the studies' words from the last run (:mod:`.wordcache`), if any."""

    def __init__(
        self,
        studies: Sequence[Mapping[str, str]],
        query: str,
        seeds: Collection[str] = (),
        words: Path | None = None,
    ) -> None:
        self.studies = studies
        self.query = query
        self.seeds = seeds
        self.words = words
        self.ranker: Any = None  # built on first use
        self.known: dict[tuple[tuple[int, bool], ...], dict[str, float]] = {}

    def scores(self, own: Mapping[str, ScreeningDecision]) -> dict[str, float]:
        """Scores learned from ``own`` decisions (include and maybe count as relevant) and the
        seed studies (relevant unless decided otherwise): the seeds first, then the decisions in
        the order they were returned, as the ranker is trained in the order of decisions."""
        from livingreview.screening.decisions import log_order
        from livingreview.screening.ranking import Ranker, document_text

        if self.ranker is None:
            documents = [
                document_text(s.get("title", ""), s.get("abstract", "")) for s in self.studies
            ]
            cache = None
            if self.words is not None:
                from livingreview.screening.features import WORD_PATTERN
                from livingreview.screening.wordcache import WordCache

                cache = WordCache(self.words, WORD_PATTERN)
            self.ranker = Ranker(documents, query=self.query, seed=0, words=cache)
        position = {s["study_id"]: index for index, s in enumerate(self.studies)}
        labels = {position[i]: True for i in sorted(self.seeds) if i in position and i not in own}
        for study_id, decision in sorted(own.items(), key=lambda item: log_order(item[1])):
            if study_id in position:
                labels[position[study_id]] = decision.decision != "exclude"
        key = tuple(labels.items())  # the same labels in the same order: the same scores
        if key not in self.known:
            values = self.ranker.scores(labels)
            ids = (s["study_id"] for s in self.studies)
            self.known[key] = dict(zip(ids, values.tolist(), strict=True))
        return dict(self.known[key])


def stopping_estimate(
    decided: Sequence[ScreeningDecision], pending: int
) -> dict[str, float | int | bool | None] | None:
    """How many relevant studies a reviewer has likely not screened yet
    (:mod:`livingreview.screening.stopping`), from their decisions in the order they were
    returned (file time, file, row: the ranked order when the sheet was filled top down;
    include and maybe count as relevant). None before any decision."""
    if not decided:
        return None
    from dataclasses import asdict

    from livingreview.screening.decisions import log_order
    from livingreview.screening.stopping import estimate_remaining

    ordered = sorted(decided, key=log_order)
    estimate = estimate_remaining([d.decision != "exclude" for d in ordered], pending)
    return asdict(estimate) | {"can_stop": estimate.can_stop}
