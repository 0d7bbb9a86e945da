"""The last word, after every guard: versions of one Cochrane review (or Clinical Evidence
overview), one database's records."""

from __future__ import annotations

import numpy as np

from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.policy import VERSION_TITLE
from livingreview.dedup.matching.verdict import Verdicts


def review_versions(x: Facts, v: Verdicts) -> None:
    """Versions of one Cochrane review: as the policy says, whatever the guards said."""
    f, t, author_conf, policy = x.f, x.t, x.author_conf, x.policy
    # Versions of one Cochrane review (its number kept through every update, each version with
    # its own DOI, year and issue) under one title, by one team at least in part: one review,
    # whatever the guards above said of DOI, year or volume (policy: review_versions). A title
    # reworded in an update ("for the treatment of" -> "for treating") is left to the guards: on
    # the labelled sets such versions are as often counted apart as together. A record of the
    # review exported without its number (no DOI, no pages: "Cochrane Database Syst Rev", issue
    # 6) is, under that title and team, a version of the numbered one too (on the tuning sets
    # and srsr, all 10 such pairs are one work in the gold).
    versions = (
        (f["review_eq"].to_numpy() | f["review_unnumbered"].to_numpy())
        & (t >= VERSION_TITLE)
        & ~author_conf
        & ~f["kind_conf"].to_numpy()
        & ~f["protocol_conf"].to_numpy()
        & (v.outcome != "duplicate")
    )
    if policy.review_versions != "distinct":
        v.outcome[versions] = policy.review_versions
        # The same for BMJ Clinical Evidence's overviews, updated under their topic's title.
        v.reason[versions] = np.where(
            f["review_cochrane"].to_numpy()[versions],
            "versions of one Cochrane review",
            "versions of one Clinical Evidence overview",
        )
        v.guard[versions] = False
        v.firm[versions] = False


def one_database_records(x: Facts, v: Verdicts) -> None:
    """One database's own records: one id is one record, two ids are two records."""
    f = x.f
    same_ids = f["same_source_ids"].to_numpy()
    v.fire(same_ids & v.duplicate(), "maybe", "same source, different source ids")
    v.fire(same_ids & (v.outcome != "maybe"), "distinct", "same source, different source ids")
    same_record = f["same_record"].to_numpy()
    v.outcome[same_record] = "duplicate"
    v.reason[same_record] = "same source and source id"
    v.guard[same_record] = False
