"""A PRISMA2020 template CSV filled in by hand keeps the template's 0 in the boxes left alone
(an audit of real users' files, e.g. one with only ``total_reports`` left at 0): the diagram's
notes say exactly which boxes are not shown, and never contradict the drawing; previous studies
left at 0 draw a new review. A two-column living layout of a one-column file says what it draws."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.prisma.layouts import LAYOUTS
from tests.conftest import require_shared
from tests.prisma.svg_helpers import NS, parse_svg

# The counts of a new review's filled-in template (invented; the shape of a real user's file:
# reports of included studies not given, their total left at the template's 0).
NEW_REVIEW = {
    "database_results": "912",
    "database_specific_results": "Database A, 712; Database B, 200",
    "register_results": "NA",
    "register_specific_results": "NA",
    "website_results": "NA",
    "organisation_results": "NA",
    "citations_results": "NA",
    "duplicates": "88",
    "excluded_automatic": "NA",
    "excluded_other": "NA",
    "records_screened": "824",
    "records_excluded": "684",
    "dbr_sought_reports": "140",
    "dbr_notretrieved_reports": "2",
    "dbr_assessed": "138",
    "dbr_excluded": "Wrong outcome, 30; Wrong population, 24",
    "other_sought_reports": "NA",
    "other_notretrieved_reports": "NA",
    "other_assessed": "NA",
    "other_excluded": "NA",
    "new_studies": "84",
    "new_reports": "NA",
    "total_studies": "84",
}


def template_csv(path: Path, values: dict[str, str], columns: tuple[str, ...] = ("n",)) -> Path:
    """The PRISMA2020 package's template (real file) with ``values`` in its value column(s)
    (one value for every column); every other box keeps the template's cell."""
    template = require_shared("data/prisma/PRISMA2020_template_inst_extdata.csv")
    with template.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    out = [[*rows[0][:-1], *columns]]
    for row in rows[1:]:
        cell = values.get(row[0], row[-1])
        out.append([*row[:-1], *([cell] * len(columns))])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(out)
    return path


def drawn(tmp_path: Path, source: Path, *layout: str) -> tuple[dict, str]:
    """The boxes of ``source``'s diagram and its notes (lines joined as they wrap)."""
    out = tmp_path / "flow.svg"
    assert main(["prisma", str(source), "--out", str(out), *layout]) == 0
    svg = out.read_text(encoding="utf-8")
    boxes, _ = parse_svg(svg)
    group = next(g for g in ET.fromstring(svg).iter(f"{{{NS['svg']}}}g") if g.get("id") == "notes")
    notes = " ".join(t.text or "" for t in group.iter(f"{{{NS['svg']}}}text") if t.text)
    return boxes, notes


def test_only_the_reports_total_left_at_0_is_named_and_the_total_studies_box_drawn(
    tmp_path: Path,
) -> None:
    update = NEW_REVIEW | {
        "previous_studies": "10",
        "previous_reports": "12",
        "total_studies": "94",
    }
    boxes, notes = drawn(tmp_path, template_csv(tmp_path / "update.csv", update))
    assert boxes["total"].counts == {("total_studies", "n"): "(n = 94)"}
    assert notes.endswith(
        "Totals: Reports of total included studies: 0 in the file beside new or unknown "
        "counts, read as not given (not shown)."
    )
    assert "boxes not shown" not in notes


def test_totals_left_at_0_in_one_column_are_dashes_where_another_column_gives_them(
    tmp_path: Path,
) -> None:
    """Two rounds, the update's totals left at 0: its column shows a dash in the total box the
    base review's totals draw, and the note says so."""
    rounds = NEW_REVIEW | {"previous_studies": "0", "previous_reports": "0", "new_reports": "84"}
    source = template_csv(tmp_path / "rounds.csv", rounds | {"total_reports": "84"}, ("Base", "U1"))
    text = source.read_text(encoding="utf-8").splitlines()
    for key, base, update in (
        ("previous_studies", "0", "84"),
        ("previous_reports", "0", "84"),
        ("total_studies", "84", "0"),
        ("total_reports", "84", "0"),
    ):
        at = next(i for i, line in enumerate(text) if line.startswith(f"{key},"))
        text[at] = ",".join([*text[at].split(",")[:-2], base, update])
    source.write_text("\n".join(text) + "\n", encoding="utf-8")
    boxes, notes = drawn(tmp_path, source)
    assert boxes["total"].counts[("total_studies", "U1")] == "–"
    assert boxes["total"].counts[("total_reports", "Base")] == "84"
    assert notes.endswith(
        "Totals: U1: Total studies included in review and Reports of total included studies: 0 "
        "in the file beside new or unknown counts, read as not given (shown as –)."
    )


@pytest.mark.parametrize(
    ("layout", "drawn_as"),
    [
        ("base_updates", "the base review, with no update to combine"),
        ("previous_latest", "the latest version, with no previous version to combine"),
    ],
)
@pytest.mark.parametrize(
    ("name", "label"),
    [("PRISMA2020_template_inst_extdata", "n"), ("livingPRISMAflow_approach2", "Base and updates")],
)
def test_a_two_column_layout_of_a_one_column_file_says_what_it_draws(
    layout: str, drawn_as: str, name: str, label: str, tmp_path: Path
) -> None:
    """One column is one round: the layout draws it as it is (as ``auto`` does, and as the
    pipeline's living layouts of a first version do), and the note says how it reads."""
    source = require_shared(f"data/prisma/{name}.csv")
    boxes, notes = drawn(tmp_path, source, "--layout", layout)
    as_given, auto_notes = drawn(tmp_path, source)
    assert {b: box.counts for b, box in boxes.items()} == {
        b: box.counts for b, box in as_given.items()
    }
    line = f"{LAYOUTS[layout]}, of one round ({label}): drawn as {drawn_as}."
    assert notes == f"{auto_notes} {line}".strip()


def test_previous_studies_left_at_the_template_0_draw_a_new_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real user's shape: a new review, previous studies and reports left at the template's
    0, total studies 84 = new studies, total reports left at 0. No previous-studies column with
    n = 0: the new-review template, and the notes say what is not shown and why."""
    source = template_csv(tmp_path / "new.csv", NEW_REVIEW)
    boxes, notes = drawn(tmp_path, source)
    assert not any(b.startswith(("previous", "total", "title_previous")) for b in boxes)
    assert boxes["new"].counts == {("new_studies", "n"): "(n = 84)"}
    texts = " ".join(t for b in boxes.values() for t in b.texts)
    assert "Studies included in review" in texts and "Identification of studies via" in texts
    assert notes.endswith(
        "Totals: Reports of total included studies: 0 in the file beside new or unknown counts, "
        "read as not given (not shown). Previous studies: the template's 0 read as no previous "
        "version, drawn as a new review (previous-studies and total boxes not shown; the total "
        "is the 84 studies included)."
    )
    # The 0 still counts in the checks: a total that is not the new studies is refused.
    wrong = template_csv(tmp_path / "wrong.csv", NEW_REVIEW | {"total_studies": "86"})
    assert main(["prisma", str(wrong), "--out", str(tmp_path / "wrong.svg")]) == 2
    assert "[previous_studies] 0 + New studies included in review" in capsys.readouterr().err


def test_a_previous_version_of_no_study_is_drawn_when_the_column_names_the_version(
    tmp_path: Path,
) -> None:
    """Updating a review that included no study: the value column named after the version
    (not the template's ``n``) keeps its 0 as given."""
    source = template_csv(tmp_path / "update.csv", NEW_REVIEW, ("2025",))
    boxes, notes = drawn(tmp_path, source)
    assert boxes["previous"].counts[("previous_studies", "2025")] == "(n = 0)"
    assert boxes["total"].counts[("total_studies", "2025")] == "(n = 84)"
    assert "Previous studies:" not in notes
