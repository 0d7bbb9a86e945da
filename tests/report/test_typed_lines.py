"""Extraction text typed on several lines (kept so since the forms read line breaks): shown
with its line breaks in the HTML page and the Markdown report, and not listed as changed when
the kept state of the version before holds it on one line (as earlier versions read it)."""

from __future__ import annotations

from pathlib import Path

from livingreview.report.changes import Facts, State, compare
from livingreview.report.render import publish
from tests.report.test_changes import next_version, read, write


def test_a_value_typed_on_several_lines_is_shown_with_its_lines(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    extracted = read(outputs / "extraction/studies.csv")
    same, edited = [r for r in extracted if r["extraction_status"] == "final"][:2]
    words = same["key_findings"].split()
    assert len(words) > 2 and not edited["facilitators"]
    same["key_findings"] = f"{words[0]}\n  {' '.join(words[1:])}"  # as read now: same words
    edited["facilitators"] = "<b>cost</b> | fees\nlogin needed"
    edited.update(nexus_level="1", nexus_risks="over-reliance\nprivacy")
    write(outputs / "extraction/studies.csv", extracted)

    publish(config, outputs, outputs / "report")
    changes = [c for c in read(outputs / "report/changelog.csv") if c["version"] == "2025.2"]
    changed = [(c["study_id"], c["item"], c["old"], c["new"]) for c in changes
               if c["change"] == "extraction_changed"]  # fmt: skip
    assert [c for c in changed if c[0] == same["study_id"]] == []
    assert (edited["study_id"], "facilitators", "", edited["facilitators"]) in changed
    html = (outputs / "report/index.html").read_text(encoding="utf-8")
    assert f"{edited['label']}: over-reliance<br>privacy</td>" in html
    assert html.count("&lt;b&gt;cost&lt;/b&gt; | fees<br>login needed</td>") == 2
    markdown = (outputs / "report/report.md").read_text(encoding="utf-8")
    lines = [line for line in markdown.splitlines() if "&lt;b>cost" in line]
    assert len(lines) == 3  # the changes, the evidence matrix and its tallies: a row each
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert all("&lt;b>cost&lt;/b> \\| fees<br>login needed" in line for line in lines)


def test_a_value_differing_only_in_whitespace_is_not_a_change() -> None:
    before, now = State(), State()
    for state, value in ((before, "bond reported in week 2"), (now, "bond reported\nin  week 2")):
        state.included["S1"] = {"study_id": "S1", "label": "S1", "reports": "S1"}
        state.extraction["S1"] = {"key_findings": value, "country": "Canada"}
    facts_args = ("2", 1, {}, (), {"key_findings": "Key findings"})
    assert compare(before, now, Facts(*facts_args)) == []
    now.extraction["S1"]["country"] = "Canada\nUSA"
    [row] = compare(before, now, Facts(*facts_args))
    assert (row["change"], row["item"], row["old"], row["new"]) == (
        "extraction_changed",
        "country",
        "Canada",
        "Canada\nUSA",
    )
