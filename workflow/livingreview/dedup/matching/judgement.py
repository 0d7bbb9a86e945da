"""``judge``: the verdict on each compared pair, duplicate evidence first, then the guards."""

from __future__ import annotations

import numpy as np
import pandas as pd

from livingreview.dedup.matching.evidence import weigh_evidence
from livingreview.dedup.matching.facts import Facts
from livingreview.dedup.matching.guards import apply_guards
from livingreview.dedup.matching.policy import Policy
from livingreview.dedup.matching.verdict import Verdicts


def judge(f: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Add ``outcome``, ``score``, ``reason``, ``guard`` (a non-duplicate guard fired),
    ``cannot`` (a cannot-link for clustering) and ``rule`` (the duplicate rule that held before
    the guards, or "")."""
    x = Facts(f, policy)
    v = Verdicts(len(f))
    evidence = weigh_evidence(x, v)
    apply_guards(x, v)
    score = np.round(
        0.6 * x.t + 0.2 * f["overlap"].to_numpy() + 0.2 * np.minimum(x.support, 3) / 3.0, 4
    )
    return f.assign(
        outcome=v.outcome,
        reason=v.reason,
        guard=v.guard,
        cannot=v.cannot(),
        score=score,
        rule=evidence,
    )
