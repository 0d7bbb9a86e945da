"""A final extraction value an earlier version read otherwise from a returned .xlsx (a
percentage as its number, TRUE as Python writes it, a date with its midnight): the same value
as read now, so the next version's changelog lists no change for it."""

from __future__ import annotations

from livingreview.report.changes import Facts, State, compare

FACTS = ("2", 1, {}, (), {"share": "Share", "blinded": "Blinded", "seen": "Seen"})


def _state(values: dict[str, str]) -> State:
    state = State()
    state.included["S1"] = {"study_id": "S1", "label": "S1", "reports": "S1"}
    state.extraction["S1"] = dict(values)
    return state


def test_a_value_an_earlier_version_read_otherwise_is_not_a_change() -> None:
    """Before: 'extraction changed' rows for share 0.45 -> 45% (40bb786), blinded True -> TRUE
    (5e33a01), seen 2024-03-05 00:00:00 -> 2024-03-05, though no reviewer changed a cell."""
    before = _state({"share": "0.45", "blinded": "True", "seen": "2024-03-05 00:00:00"})
    now = _state({"share": "45%", "blinded": "TRUE", "seen": "2024-03-05"})
    assert compare(before, now, Facts(*FACTS)) == []
    now.extraction["S1"]["share"] = "46%"
    [row] = compare(before, now, Facts(*FACTS))
    assert (row["change"], row["item"], row["old"], row["new"]) == (
        "extraction_changed",
        "share",
        "0.45",
        "46%",
    )


def test_a_time_an_earlier_version_read_as_python_writes_it_is_not_a_change() -> None:
    """Review of 0388ae7: a time typed alone (12:30, 1:30 PM) was stored as '12:30:00' /
    '13:30:00' and is read as shown since, so the changelog listed 'extraction changed
    12:30:00 -> 12:30' though no reviewer changed a cell; a real change is still listed."""
    before = _state({"share": "12:30:00", "blinded": "13:30:00", "seen": "08:05:00"})
    now = _state({"share": "12:30", "blinded": "1:30 PM", "seen": "08:05"})
    assert compare(before, now, Facts(*FACTS)) == []
    now.extraction["S1"]["seen"] = "08:15"
    [row] = compare(before, now, Facts(*FACTS))
    assert (row["item"], row["old"], row["new"]) == ("seen", "08:05:00", "08:15")
