"""A record first found in this version that the library joined to an included study is a new
report of it, unless it is an article the study held before (the same DOI or PMID: another
database found it late, or a new import returned it again)."""

from __future__ import annotations

import csv
from pathlib import Path

from livingreview.report.changes import Facts, State, compare, snapshot_identifiers

STUDY = "S0066cbf750"
GROUPS = [
    {"record_id": "medline:26500589", "study_id": STUDY, "round": "1"},
    {"record_id": "wos:WOS:000755839545593", "study_id": STUDY, "round": "2"},  # found late
    {"record_id": "psycinfo:2015-10591-001", "study_id": STUDY, "round": "2"},  # no ids
    {"record_id": "europepmc:PPR:1", "study_id": STUDY, "round": "2"},  # its preprint
]
IDS = {
    "medline:26500589": frozenset({"doi:10.3389/fpsyg.2015.01531", "pmid:26500589"}),
    "wos:WOS:000755839545593": frozenset({"doi:10.3389/fpsyg.2015.01531"}),
    "europepmc:PPR:1": frozenset({"doi:10.31234/osf.io/abcde"}),
}


def test_a_record_of_an_article_the_study_held_is_no_new_report() -> None:
    both = State(included={STUDY: {"label": "Study", "reports": STUDY}})
    facts = Facts("2025.2", 1, {}, GROUPS, {}, identifiers=lambda: IDS)
    rows = compare(both, both, facts)
    assert [(r["change"], r["item"]) for r in rows] == [
        ("report_added", "europepmc:PPR:1"),
        ("report_added", "psycinfo:2015-10591-001"),  # nothing to tell it is the same article
    ]
    # without identifiers, every joined record is listed, as before
    unknown = Facts("2025.2", 1, {}, GROUPS, {})
    assert len(compare(both, both, unknown)) == 3


def test_identifiers_are_read_from_the_snapshots(demo_outputs: Path) -> None:
    folder = demo_outputs / "library_history/2025.1"
    with (folder / "records.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    read = snapshot_identifiers([folder])()
    assert len(read) == len(rows)
    for row in rows:
        expected = {f"doi:{row['doi'].lower()}"} if row["doi"] else set()
        expected |= {f"pmid:{row['pmid']}"} if row["pmid"] else set()
        assert read[row["record_id"]] == expected
    assert read["europepmc:MED:26500589"] == {"doi:10.3389/fpsyg.2015.01531", "pmid:26500589"}
