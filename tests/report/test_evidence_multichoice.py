"""The evidence matrix's tallies: per choice of a multichoice field (a scoping review's charting
form), and in the codebook's order with every answer, so fields read side by side."""

from __future__ import annotations

from livingreview.config import load_config
from livingreview.report.context import _evidence
from tests.report.test_report import DEMO_CONFIG


def test_a_multichoice_field_is_tallied_per_choice() -> None:
    """Before, 'forum; chat' was one answer of its own, so a study charting two channels was
    counted under neither channel: 'forum: 1; forum; chat: 1' for two studies using a forum.
    The choices are listed in the codebook's order (forum, chat; this test fixed the
    alphabetical order chat, forum before the tallies followed the codebook), blank last."""
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
    assert tallies["channel"] == [("forum", 2), ("chat", 1), ("blank", 1)]
    assert tallies["note"] == [("blank", 1), ("x; y", 2)]  # text is one answer, as typed


def test_choices_are_tallied_in_codebook_order_with_zeros() -> None:
    """Before, 'against' and 'not reported' were left out when no study gave them and the rest
    came alphabetically (mixed before supports), so two dimensions' tallies did not line up."""
    config = load_config(DEMO_CONFIG)
    config["report"]["evidence_fields"] = ["goal_alignment", "therapeutic_bond"]
    studies = [
        {"label": label, "extraction_status": "final", "goal_alignment": goal,
         "therapeutic_bond": bond}
        for label, goal, bond in [
            ("A", "supports", "mixed"), ("B", "mixed", "not reported"), ("C", "supports", ""),
        ]
    ]  # fmt: skip
    tallies = _evidence(config, studies).data["tallies"]
    assert tallies["goal_alignment"] == [
        ("supports", 2), ("mixed", 1), ("against", 0), ("not reported", 0),
    ]  # fmt: skip
    assert tallies["therapeutic_bond"] == [
        ("supports", 0), ("mixed", 1), ("against", 0), ("not reported", 1), ("blank", 1),
    ]  # fmt: skip


def test_included_studies_awaiting_extraction_are_said_to_be_left_out_of_the_counts() -> None:
    """Before, the matrix's per-answer counts added up to the final extractions only (64 of 65
    included studies in an audit of the demo with one study in disagreement), and the section
    did not say why; the note stood only under the included-studies table."""
    config = load_config(DEMO_CONFIG)
    config["report"]["evidence_fields"] = ["therapeutic_bond"]
    studies = [
        {"label": "A", "extraction_status": "final", "therapeutic_bond": "supports"},
        {"label": "B", "extraction_status": "disagreement", "therapeutic_bond": "mixed"},
        {"label": "C", "extraction_status": "pending", "therapeutic_bond": ""},
    ]
    section = _evidence(config, studies)
    assert sum(n for _, n in section.data["tallies"]["therapeutic_bond"]) == 1
    assert section.notes == [
        "2 of 3 included studies still await final extraction and are not counted here."
    ]
    assert _evidence(config, studies[:1]).notes == []
