"""The evidence matrix's tallies of a multichoice field (a scoping review's charting form)."""

from __future__ import annotations

from livingreview.config import load_config
from livingreview.report.context import _evidence
from tests.report.test_report import DEMO_CONFIG


def test_a_multichoice_field_is_tallied_per_choice() -> None:
    """Before, 'forum; chat' was one answer of its own, so a study charting two channels was
    counted under neither channel: 'forum: 1; forum; chat: 1' for two studies using a forum."""
    config = load_config(DEMO_CONFIG)
    config["extraction"]["fields"] = [
        {"id": "channel", "label": "Channel", "type": "multichoice", "choices": ["forum", "chat"]},
        {"id": "note", "label": "Note", "type": "text"},
    ]
    config["report"]["evidence_fields"] = ["channel", "note"]
    studies = [
        {"label": "A", "extraction_status": "final", "channel": "forum; chat", "note": "x; y"},
        {"label": "B", "extraction_status": "final", "channel": "forum", "note": "x; y"},
        {"label": "C", "extraction_status": "final", "channel": "", "note": ""},
        {"label": "D", "extraction_status": "pending", "channel": "chat", "note": ""},
    ]
    tallies = _evidence(config, studies).data["tallies"]
    assert tallies["channel"] == [("blank", 1), ("chat", 1), ("forum", 2)]
    assert tallies["note"] == [("blank", 1), ("x; y", 2)]  # text is one answer, as typed
