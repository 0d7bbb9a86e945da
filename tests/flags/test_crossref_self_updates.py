"""Crossref works updated in place: a withdrawal or removal whose ``update-to`` names the work's
own DOI.

Elsevier withdraws an article in press, or removes one, on its own DOI: the work carries
``update-to`` and ``updated-by`` entries that both name that DOI (seen on
10.1016/j.adengl.2021.11.027, ``withdrawal``, and 10.1016/j.asr.2025.03.045, ``removal`` beside
an erratum with its own notice DOI). Such a work is the withdrawn study, not a notice about
another one. The bodies below are invented in that shape.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from livingreview.flags import build_flags
from tests.flags.helpers import protocol, run_round


def _update(doi: str, kind: str, day: list[int]) -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": kind,
        "label": kind.replace("_", " ").capitalize(),
        "source": "publisher",
        "updated": {"date-parts": [day], "date-time": "2021-11-29T00:00:00Z"},
    }


def _work(doi: str, title: str, **updates: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "container-title": ["Journal of Examples"],
        "issued": {"date-parts": [[2021, 11]]},
        **updates,
    }


WITHDRAWN = "10.5555/withdrawn.1"
REMOVED = "10.5555/removed.1"
ARTICLE = "10.5555/article.1"
NOTICE = "10.5555/notice.1"
ITEMS = [
    _work(
        WITHDRAWN,
        "WITHDRAWN: Striae in athletes",
        **{
            "update-to": [_update(WITHDRAWN, "withdrawal", [2021, 11, 29])],
            "updated-by": [_update(WITHDRAWN, "withdrawal", [2021, 11, 29])],
        },
    ),
    # an older answer: update-to only
    _work(REMOVED, "REMOVED: Tides", **{"update-to": [_update(REMOVED, "removal", [2025, 10, 1])]}),
    _work(ARTICLE, "Dose and response"),
    _work(
        NOTICE, "Retraction notice", **{"update-to": [_update(ARTICLE, "retraction", [2022, 1, 5])]}
    ),
]


def test_a_work_withdrawn_on_its_own_doi_is_retracted_and_not_a_notice(tmp_path: Path) -> None:
    config = protocol(tmp_path)
    page = {"status": "ok", "message": {"total-results": len(ITEMS), "items": ITEMS}}
    run_round(config, {"cr": [json.dumps(page).encode("utf-8")]}, build_flags)

    with (tmp_path / "outputs/library/flags.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(r["record_id"], r["flag"], r["detail"]) for r in csv.DictReader(handle)]
    assert sorted(rows) == [
        (f"cr:{ARTICLE}", "retracted", f"notice cr:{NOTICE}: Crossref update-to 'retraction' "
         f"doi:{ARTICLE} (2022-01-05)"),
        (f"cr:{NOTICE}", "notice", f"Crossref update-to 'retraction' doi:{ARTICLE} (2022-01-05)"),
        (f"cr:{REMOVED}", "retracted", f"Crossref update-to 'removal' doi:{REMOVED} (2025-10-01)"),
        (f"cr:{WITHDRAWN}", "retracted",
         f"Crossref updated-by 'withdrawal' doi:{WITHDRAWN} (2021-11-29)"),
    ]  # fmt: skip
