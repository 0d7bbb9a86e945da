"""Exporting screening sheets from the demo library: who gets which studies, in which round."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from livingreview.errors import ConfigError
from livingreview.screening.conflicts import verification_sample
from livingreview.screening.priority import ranking_query
from livingreview.screening.ranking import document_text, relevance_scores
from livingreview.screening.stage import run_screening
from tests.conftest import require_shared
from tests.screening.sheet_helpers import (
    fill_like_a_person,
    returned_dir,
    screening_config,
    sheet_path,
)


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sheet_ids(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Screening"]
    header = [c.value for c in ws[1]]
    return [row[header.index("study_id")] for row in ws.iter_rows(min_row=2, values_only=True)]


def to_screen(outputs: Path) -> set[str]:
    excluded = {row["study_id"] for row in table(outputs / "screening/automation.csv")}
    library = {row["study_id"] for row in table(outputs / "library/records.csv")}
    assert excluded and excluded < library
    return library - excluded


def test_each_screener_gets_every_study_automation_kept_and_nothing_else(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs)
    state = run_screening(config)
    outputs = tmp_path / "outputs"
    expected = to_screen(outputs)
    r1, r2 = sheet_path(config, "r1"), sheet_path(config, "r2")
    assert state["sheets"] == [p.relative_to(outputs).as_posix() for p in (r1, r2)]
    assert set(sheet_ids(r1)) == set(sheet_ids(r2)) == expected
    assert len(sheet_ids(r1)) == len(expected)  # each study once
    assert not sheet_path(config, "r3").exists()  # conflict_resolution only
    wb = openpyxl.load_workbook(r1)
    header = [c.value for c in wb["Screening"][1]]
    assert "other_decisions" not in header  # blind
    assert header[:7] == ["#", "study_id", "title", "abstract", "decision", "reason", "notes"]
    assert wb["Instructions"]["A1"].value.startswith("DEMO DATA")
    meta = {row[0]: row[1] for row in wb["_meta"].iter_rows(max_row=8, values_only=True)}
    assert meta["reviewer"] == "r1" and meta["round"] == "1" and meta["kind"] == "screening"
    assert meta["records"] == str(len(expected))
    status = json.loads((outputs / "screening/status.json").read_text(encoding="utf-8"))
    assert status["reviewers"]["r1"]["assigned"] == len(expected)
    assert status["reviewers"]["r1"]["pending"] == len(expected)
    assert status["reviewers"]["r1"]["stopping"] is None  # nothing decided yet
    assert status["studies_in_library"] == len(expected) + 1
    assert (outputs / "screening/decisions.csv").read_text(encoding="utf-8").count("\n") == 1
    before = {p: p.read_bytes() for p in (r1, r2, outputs / "screening/status.json")}
    run_screening(config)
    assert {p: p.read_bytes() for p in before} == before  # same inputs, same bytes


def test_a_later_round_sheet_holds_its_new_studies_and_those_still_awaiting_the_reviewer(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs)
    library = tmp_path / "outputs/library"
    studies = sorted(to_screen(tmp_path / "outputs"))
    new, split = set(studies[:5]), studies[5]
    # Round 1 (before the library finds the round-2 studies): r1 leaves three blank, r2 all.
    run_screening(config)
    blank = set(studies[-3:])
    this_round = new | {split}
    decided = {s: ("exclude", "no_alliance", "") for s in set(studies) - blank - this_round}
    fill_like_a_person(sheet_path(config, "r1"), returned_dir(config) / "r1_done.xlsx", decided)
    groups = table(library / "groups.csv")
    for row in groups:
        row["round"] = "2" if row["study_id"] in new else "1"
    with (library / "groups.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(groups[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(groups)
    with (library / "changelog.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"2,2026.1,split,{split},Sretired0001,x:1\n")
    counts = json.loads((library / "counts.json").read_text(encoding="utf-8"))
    (library / "counts.json").write_text(json.dumps(counts | {"round": 2}), encoding="utf-8")
    state = run_screening(config)
    assert state["round"] == 2
    # r1: this round's studies and its three blanks, marked with their round; r2: every study.
    awaiting = {"r1": this_round | blank, "r2": set(studies)}
    for reviewer, ids in awaiting.items():
        book = openpyxl.load_workbook(sheet_path(config, reviewer, round_=2))
        header = [c.value for c in book["Screening"][1]]
        cells = book["Screening"].iter_rows(min_row=2, values_only=True)
        rounds = {row[header.index("study_id")]: row[header.index("round")] for row in cells}
        assert rounds == {s: "2" if s in this_round else "1" for s in ids}
        assert state["reviewers"][reviewer]["pending"] == len(ids)
        told = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
        assert f"{len(ids - this_round)} of them are from earlier rounds and still await" in told


def test_batches_follow_the_reviewers_returned_decisions(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs, batch_size=10)
    run_screening(config)
    first = sheet_ids(sheet_path(config, "r1"))
    assert len(first) == 10
    decided = {sid: ("exclude", "no_alliance", "") for sid in first[:6]}
    fill_like_a_person(sheet_path(config, "r1"), returned_dir(config) / "r1_b1.xlsx", decided)
    r2 = {first[6]: ("include", "", "")}
    fill_like_a_person(sheet_path(config, "r2"), returned_dir(config) / "r2_b1.xlsx", r2)
    state = run_screening(config)
    folder = sheet_path(config, "r1").parent
    second = sheet_ids(folder / "title_abstract_round1_batch2_r1.xlsx")
    assert len(second) == 10 and not set(second) & set(decided)
    assert first[6] not in sheet_ids(folder / "title_abstract_round1_batch2_r2.xlsx")
    assert state["reviewers"]["r1"]["decided"] == 6 and state["reviewers"]["r2"]["decided"] == 1


def test_without_blinding_a_sheet_shows_the_other_reviewers_decisions(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs, blind=False)
    run_screening(config)
    ids = sheet_ids(sheet_path(config, "r2"))
    r2 = {ids[0]: ("include", "", ""), ids[5]: ("exclude", "no_alliance", "")}
    fill_like_a_person(sheet_path(config, "r2"), returned_dir(config) / "r2.xlsx", r2)
    run_screening(config)
    for reviewer, expected in (
        ("r1", {ids[0]: "r2: include", ids[5]: "r2: exclude"}),
        ("r2", {}),
    ):
        ws = openpyxl.load_workbook(sheet_path(config, reviewer))["Screening"]
        header = [c.value for c in ws[1]]
        shown = {
            row[header.index("study_id")]: row[header.index("other_decisions")]
            for row in ws.iter_rows(min_row=2, values_only=True)
        }
        assert {sid: text for sid, text in shown.items() if text} == expected


def test_single_mode_and_csv_format(tmp_path: Path, demo_outputs: Path) -> None:
    config = screening_config(tmp_path, demo_outputs, mode="single", sheet_format="both")
    state = run_screening(config)
    assert list(state["reviewers"]) == ["r1"]
    assert sheet_path(config, "r1").exists() and not sheet_path(config, "r2").exists()
    data = sheet_path(config, "r1", ext="csv").read_bytes()
    # the UTF-8 byte-order mark, without which Excel reads the sheet in the system's code page
    assert data.startswith(b"\xef\xbb\xbf# livingreview sheet")
    first = data.decode("utf-8-sig").splitlines()[0]
    assert first.startswith("# livingreview sheet | kind=screening | review_id=dta_integrative")
    count = len(to_screen(tmp_path / "outputs"))
    # the marks of the values written with a ' before = + - @ (none here), then the checksum
    assert f"| reviewer=r1 | records={count} | apostrophes= | checksum=" in first


def test_dual_screening_needs_two_screeners(tmp_path: Path, demo_outputs: Path) -> None:
    config = screening_config(tmp_path, demo_outputs)
    config["reviewers"][1]["roles"] = ["full_text"]
    with pytest.raises(ConfigError, match=r"'reviewers': screening.mode 'dual' needs 2 reviewer"):
        run_screening(config)


def test_single_mode_gives_the_second_screener_only_the_verified_sample(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(
        tmp_path, demo_outputs, mode="single", verification_sample={"fraction": 0.1, "seed": 7}
    )
    state = run_screening(config)
    everything = to_screen(tmp_path / "outputs")
    sample = verification_sample(everything, 0.1, 7)
    assert len(sample) == -(-len(everything) // 10)
    assert set(sheet_ids(sheet_path(config, "r1"))) == everything
    assert sorted(sheet_ids(sheet_path(config, "r2"))) == sample
    assert state["reviewers"]["r2"]["assigned"] == len(sample)


def test_the_returned_sheets_folder_must_stay_inside_the_human_input(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(tmp_path, demo_outputs, folder="../elsewhere")
    with pytest.raises(ConfigError, match=r"'screening.folder': '../elsewhere' must be a relative"):
        run_screening(config)


def test_rows_are_ordered_by_the_rankers_score(tmp_path: Path, demo_outputs: Path) -> None:
    config = screening_config(tmp_path, demo_outputs, seed_studies=[])
    run_screening(config)
    ws = openpyxl.load_workbook(sheet_path(config, "r1"))["Screening"]
    header = [c.value for c in ws[1]]
    shown = [
        (row[header.index("study_id")], float(row[header.index("score")]))
        for row in ws.iter_rows(min_row=2, values_only=True)
    ]
    on_sheet = {sid for sid, _ in shown}
    library = table(tmp_path / "outputs/library/records.csv")
    studies = [s for s in library if s["study_id"] in on_sheet]
    expected = relevance_scores(
        [document_text(s["title"], s["abstract"]) for s in studies], {}, query=ranking_query(config)
    )
    exact = {s["study_id"]: v for s, v in zip(studies, expected, strict=True)}
    assert [sid for sid, _ in shown] == sorted(exact, key=lambda sid: (-exact[sid], sid))
    assert all(f"{exact[sid]:.3f}" == f"{value:.3f}" for sid, value in shown)
    assert shown[0][1] > shown[-1][1]


def test_relevant_studies_come_first_on_the_demo_sheet(tmp_path: Path, demo_outputs: Path) -> None:
    """Real labels of the demo's records (../shared/data/dta): the top quarter of the sheet holds
    clearly more than a quarter of the relevant studies (ordering by study id: about a quarter)."""
    labels = require_shared("data/dta/records.csv")
    with labels.open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    relevant_dois = {f["doi"].lower() for f in facts if f["label"] == "relevant" and f["doi"]}
    config = screening_config(tmp_path, demo_outputs)
    run_screening(config)
    library = table(tmp_path / "outputs/library/records.csv")
    doi_of = {s["study_id"]: s["doi"].lower() for s in library}
    order = [doi_of[sid] in relevant_dois for sid in sheet_ids(sheet_path(config, "r1"))]
    quarter = len(order) // 4
    assert sum(order) >= 20
    assert sum(order[:quarter]) / sum(order) > 0.3
    assert sum(order[:quarter]) > 2 * sum(order[-quarter:])


@pytest.mark.parametrize("seed", ["https://doi.org/10.2196/44548", "PMID: 37074762"])
def test_a_seed_study_given_by_doi_or_pmid_leads_the_first_sheet(
    tmp_path: Path, demo_outputs: Path, seed: str
) -> None:
    library = {s["doi"]: s["study_id"] for s in table(demo_outputs / "library/records.csv")}
    config = screening_config(tmp_path, demo_outputs, seed_studies=[seed])
    run_screening(config)
    assert sheet_ids(sheet_path(config, "r1"))[0] == library["10.2196/44548"]
    unseeded = screening_config(tmp_path / "none", demo_outputs, seed_studies=[])
    run_screening(unseeded)
    assert sheet_ids(sheet_path(unseeded, "r1"))[0] != library["10.2196/44548"]


def test_the_verifier_s_instructions_say_the_sheet_is_a_sample(
    tmp_path: Path, demo_outputs: Path
) -> None:
    config = screening_config(
        tmp_path, demo_outputs, mode="single", verification_sample={"fraction": 0.5, "seed": 7}
    )
    run_screening(config)

    def told(reviewer: str) -> str:
        ws = openpyxl.load_workbook(sheet_path(config, reviewer))["Instructions"]
        return "\n".join(str(row[0]) for row in ws.iter_rows(values_only=True) if row[0])

    # before: r2's sheet listed half the studies and said nothing of why, as if it were a
    # screening sheet of every study
    assert (
        "You verify single screening: Reviewer 1 screens every study, and your sheets list a\n"
        "50% sample of them drawn at random (verification_sample in the protocol)."
    ) in told("r2")
    assert "You verify" not in told("r1")
