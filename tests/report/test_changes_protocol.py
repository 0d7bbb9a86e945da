"""Protocol amendments between versions (PRISMA 2020 item 24c): each version keeps the settings
of its protocol that define the methods; the next one lists those amended in its changelog,
its report and its checklist, and says so when the previous version kept none."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from livingreview.config import load_config
from livingreview.errors import InputFileError
from livingreview.report.amendments import Amendment, amendments, methods, methods_text
from livingreview.report.changes import summary
from livingreview.report.render import publish
from livingreview.round_state import apply_round_state
from tests.report.test_changes import DEMO_CONFIG, next_version, read

KEPT = "library_history/2025.1/report"


def amended(outputs: Path) -> list[tuple[str, ...]]:
    """The changelog's protocol rows: (version, study_id, item, old, new, detail)."""
    return [
        (c["version"], c["study_id"], c["item"], c["old"], c["new"], c["detail"])
        for c in read(outputs / "report/changelog.csv")
        if c["change"] == "protocol_amended"
    ]


def item_24c(outputs: Path) -> dict[str, str]:
    rows = read(outputs / "report/prisma_checklist.csv")
    return next(r for r in rows if (r["checklist"], r["item"]) == ("PRISMA 2020", "24c"))


def section(text: str, title: str) -> str:
    return text.split(title, 1)[1].split("\n## ", 1)[0]


def test_a_first_version_keeps_its_methods_and_claims_no_amendment(demo_outputs: Path) -> None:
    kept = json.loads((demo_outputs / KEPT / "protocol.json").read_text(encoding="utf-8"))
    assert kept["exclusion_reasons"] == load_config(DEMO_CONFIG)["exclusion_reasons"]
    assert "paths" not in kept and "version" not in kept["review"]
    assert "api_key_env" not in kept["sources"]["medline"]
    row = item_24c(demo_outputs)
    assert row["status"] == "authors"
    assert row["what"].startswith("First version: no earlier protocol to compare with.")


def test_an_added_exclusion_reason_and_extraction_field_are_listed_and_shown(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    config["exclusion_reasons"]["full_text"].append({"id": "wrong_setting", "label": "Setting"})
    field = {"id": "sessions", "label": "Sessions", "type": "integer", "required": False}
    config["extraction"]["fields"].append(field)
    publish(config, outputs, outputs / "report")
    assert amended(outputs) == [
        ("2025.2", "", "exclusion_reasons.full_text", "", "wrong_setting", "added: Setting"),
        ("2025.2", "", "extraction.fields", "", "sessions", "added: Sessions"),
    ]
    row = item_24c(outputs)
    assert row["status"] == "partly"
    assert row["what"].startswith(
        "Amendments since version 2025.1: 2, listed in the changelog "
        "(exclusion_reasons.full_text, extraction.fields)."
    )
    assert row["where"].split("; ") == ["report/index.html#new", "report/changelog.csv"]
    new = section((outputs / "report/report.md").read_text(encoding="utf-8"), "## What is new")
    assert "Protocol amended since version 2025.1: 2 settings that define the methods" in new
    assert "| extraction.fields |  | sessions | added: Sessions |" in new
    page = (outputs / "report/index.html").read_text(encoding="utf-8")
    assert (
        '<tr data-change="protocol_amended"><td><code>exclusion_reasons.full_text</code></td>'
        "<td></td><td>wrong_setting</td><td>added: Setting</td></tr>"
    ) in page
    this = [c for c in read(outputs / "report/changelog.csv") if c["version"] == "2025.2"]
    assert summary(this) == "2 protocol amendments"  # the version history's count
    kept = json.loads((outputs / "library_history/2025.2/report/protocol.json").read_text())
    assert kept["extraction"]["fields"][-1]["id"] == "sessions"  # the next version's baseline


def test_a_new_version_and_its_search_window_are_no_amendment(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    rounds = [
        {"version": "2025.1", "search_from": "2010-01-01", "search_to": "2024-11-25"},
        {"version": "2025.2", "search_from": "2024-11-18", "search_to": "2025-06-02",
         "previous_search": "2024-11-25", "overlap_days": 7},
    ]  # fmt: skip
    state = outputs / "library_history/rounds.yaml"
    state.write_text(yaml.safe_dump({"rounds": rounds}), encoding="utf-8")
    apply_round_state(config)  # as `livingreview round new` leaves the next run
    assert config["sources"]["medline"]["date_field"] == "edat"  # was pdat in version 2025.1
    config["imports"]["wos"].update(searched_on="2025-06-02", files=["exports/wos_2025.ris"])
    config["paths"]["human_input"] = str(tmp_path / "elsewhere")
    publish(config, outputs, outputs / "report")
    assert config["search"]["date_range"] == {"from": "2024-11-18", "to": "2025-06-02"}
    assert amended(outputs) == []
    assert item_24c(outputs)["what"].startswith("None since version 2025.1.")
    new = section((outputs / "report/report.md").read_text(encoding="utf-8"), "## What is new")
    assert "No setting of the protocol that defines the methods was amended since" in new


def test_a_previous_version_without_a_kept_protocol_gives_no_amendment(
    demo_outputs: Path, tmp_path: Path
) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    (outputs / KEPT / "protocol.json").unlink(missing_ok=True)  # as frozen before this change
    config["exclusion_reasons"]["full_text"].append({"id": "wrong_setting", "label": "Setting"})
    publish(config, outputs, outputs / "report")
    assert amended(outputs) == []
    row = item_24c(outputs)
    assert row["status"] == "authors"
    assert row["what"].startswith(
        "Not available for this version: version 2025.1 kept no protocol to compare with."
    )
    new = section((outputs / "report/report.md").read_text(encoding="utf-8"), "## What is new")
    assert "Version 2025.1 kept no protocol" in new
    assert "Protocol amended" not in new and "No setting of the protocol" not in new


def test_renamed_removed_and_changed_settings_are_named_briefly() -> None:
    before = load_config(DEMO_CONFIG)
    now = copy.deepcopy(before)
    now["extraction"]["fields"][3]["id"] = "participants"  # was n, all else the same
    now["extraction"]["fields"][0]["choices"].append("case series")
    now["risk_of_bias"]["tools_by_design"]["cohort"] = "robins_i"
    now["screening"]["mode"] = "single"
    del now["imports"]["google_scholar"]
    now["automation"]["publication_types"].reverse()  # order only: no amendment
    now["sources"]["medline"]["query"] += " AND humans[mh]"
    now["search"]["replay_dir"] = "elsewhere"  # how the run replays: no amendment
    found = amendments(json.loads(methods_text(before)), now)
    query = found[0]
    assert (query.item, query.detail) == ("sources.medline.query", "changed")
    # from a little before the first difference: the query's end here
    assert (query.old, query.new) == (
        '…ive behavio*"[tiab])',
        '…ive behavio*"[tiab]) AND humans[mh]',
    )
    assert found[1:] == [
        Amendment("imports", "google_scholar", "", "removed: Google Scholar"),
        Amendment("screening.mode", "dual", "single", "changed"),
        Amendment("extraction.fields", "n", "participants", "renamed"),
        Amendment("extraction.fields.study_design.choices", "", "case series", "added"),
        Amendment("risk_of_bias.tools_by_design.cohort", "nos", "robins_i", "changed"),
    ]


def test_the_kept_methods_do_not_depend_on_key_order() -> None:
    config = load_config(DEMO_CONFIG)
    reordered: dict[str, Any] = dict(reversed(list(config.items())))
    assert methods_text(reordered) == methods_text(config)
    assert methods(json.loads(methods_text(config))) == json.loads(methods_text(config))


def test_a_kept_protocol_edited_into_no_object_is_named(demo_outputs: Path, tmp_path: Path) -> None:
    config, outputs = next_version(demo_outputs, tmp_path)
    kept = outputs / KEPT / "protocol.json"
    kept.write_text("[]\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="expected a JSON object of protocol settings"):
        publish(config, outputs, outputs / "report")
    kept.write_text("{", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"protocol\.json"):
        publish(config, outputs, outputs / "report")
    # An object whose settings have the wrong shape (edited by hand): named, no traceback.
    for edited in ({"sources": "medline"}, {"exclusion_reasons": {"full_text": [{"x": 1}]}}):
        kept.write_text(json.dumps(edited), encoding="utf-8")
        with pytest.raises(InputFileError, match="not the protocol settings a version kept"):
            publish(config, outputs, outputs / "report")


def test_the_report_steps_methods_digest_follows_amendments_only() -> None:
    # The report rule's parameter: an amended question re-renders the report, a new version
    # number alone does not change it.
    from livingreview.report.amendments import methods_digest

    config = load_config(DEMO_CONFIG)
    asked = copy.deepcopy(config)
    asked["review"]["question"] += " And for whom?"
    bumped = copy.deepcopy(config)
    bumped["review"]["version"] = "2099.1"
    assert methods_digest(asked) != methods_digest(config) == methods_digest(bumped)


def test_a_query_folded_onto_other_lines_is_no_amendment() -> None:
    """A query whose spacing alone changed (folded onto lines in the YAML, a space doubled or
    added at its end) was listed as changed, with the same text before and after."""
    before = load_config(DEMO_CONFIG)
    now = copy.deepcopy(before)
    query = now["sources"]["medline"]["query"]
    now["sources"]["medline"]["query"] = query.replace(" AND ", "\n  AND ", 1) + " "
    assert amendments(json.loads(methods_text(before)), now) == []
    now["sources"]["medline"]["query"] = query.replace("alliance", "alliances", 1)
    assert [(a.item, a.detail) for a in amendments(before, now)] == [
        ("sources.medline.query", "changed")
    ]


def test_a_review_without_nexus_levels_keeps_no_nexus_setting(tmp_path: Path) -> None:
    # a review of its own (exercise for depression in older adults) uses no Nexus levels: the
    # shipped protocol without its Nexus section, fields and report keys
    protocol = yaml.safe_load(DEMO_CONFIG[0].read_text(encoding="utf-8"))
    fields = protocol["extraction"]["fields"]
    protocol["extraction"]["fields"] = [f for f in fields if not f["id"].startswith("nexus")]
    protocol["report"] = {"study_columns": ["country"], "evidence_fields": ["goal_alignment"]}
    del protocol["nexus"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(protocol, sort_keys=False), encoding="utf-8")
    config = load_config([path])
    assert "nexus_field" not in config["extraction"] and config["nexus"] == {}
    # before: library_history/<version>/report/protocol.json held "nexus": {} and
    # "nexus_field": "nexus_level", the schema's defaults naming nothing of this review
    assert "nexus" not in methods_text(config)
    # a version kept before, with the defaults in it, is no amendment of it
    before = json.loads(methods_text(config))
    before["extraction"]["nexus_field"], before["nexus"] = "nexus_level", {}
    assert amendments(before, config) == []
    # with levels the field is a setting of the review, kept and compared as before
    with_levels = load_config(DEMO_CONFIG)
    assert json.loads(methods_text(with_levels))["extraction"]["nexus_field"] == "nexus_level"
