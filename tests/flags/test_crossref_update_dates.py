"""Crossref ``updated-by`` entries whose date is unknown or written oddly.

Crossref writes an unknown date as ``date-parts: [[null]]`` (seen on real works' ``issued``); the
flags step must still read the update, not stop with a traceback.
"""

from __future__ import annotations

from typing import Any

import pytest

from livingreview.flags import crossref_statements


def said(date_parts: Any) -> list[tuple[str, str, str]]:
    update = {"DOI": "10.5555/notice.1", "type": "retraction", "label": "Retraction"}
    if date_parts is not ...:
        update["updated"] = {"date-parts": date_parts}
    body = {"message": {"DOI": "10.5555/article.1", "updated-by": [update]}}
    return [(s.source_id, s.flag, s.detail) for s in crossref_statements(body)]


@pytest.mark.parametrize(
    ("date_parts", "shown"),
    [
        ([[2021, 3, 9]], " (2021-03-09)"),
        ([[2021, "3"]], " (2021-03)"),
        ([[None]], ""),
        ([], ""),
        (None, ""),
        (..., ""),
    ],
)
def test_update_date_shapes(date_parts: Any, shown: str) -> None:
    detail = f"Crossref updated-by 'retraction' doi:10.5555/notice.1{shown}"
    assert said(date_parts) == [("10.5555/article.1", "retracted", detail)]
