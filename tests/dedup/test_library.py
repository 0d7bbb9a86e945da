"""The library step with the real engine, on the demo round and on real database exports."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest

from livingreview.dedup.library import build_library
from livingreview.imports import import_file
from livingreview.records import assign_ids, write_records
from tests.conftest import REPO_ROOT, require_shared
from tests.dedup.library_helpers import build_demo_identified, demo_config

# The same search run in several databases (synthesisr's example exports, in ../shared).
EXPORTS = {
    "scopus": "ris/synthesisr_Scopus.ris",
    "ovid": "ris/synthesisr_Ovid.ris",
    "ebsco": "ris/synthesisr_EBSCO_ASP.ris",
    "wos": "wos/synthesisr_WoS.ciw",
    "pubmed": "nbib/synthesisr_PubMed.nbib.txt",
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_demo_round_groups_every_record_and_merges_the_best_fields(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    identified = build_demo_identified(config)
    returned = tmp_path / "human" / config["deduplication"]["decisions_dir"]
    shutil.copytree(REPO_ROOT / "demo/human/dedup", returned)  # a person's pair decisions
    counts = build_library(config, identified=identified)
    out = tmp_path / "outputs"
    groups = {r["record_id"]: r["study_id"] for r in _read(out / "library/groups.csv")}
    studies = {r["study_id"]: r for r in _read(out / "library/records.csv")}
    assert len(groups) == counts["records_identified"] == 340
    assert len(studies) == counts["new_studies"] == counts["studies_in_library"]
    assert counts["duplicates_removed"] == 340 - len(studies) > 100

    # One paper from four sources: PubMed, Europe PMC, OpenAlex and a truncated Google Scholar hit.
    paper = ["medline:25840591", "europepmc:MED:25840591", "openalex:W9102964360"]
    assert len({groups[r] for r in paper}) == 1
    merged = studies[groups[paper[0]]]
    assert merged["title"].endswith("Recommendations for Future Research")  # MEDLINE's: no "."
    assert merged["record_id"] == "europepmc:MED:25840591"  # the anchor: earliest, smallest id
    assert merged["pmid"] == "25840591" and merged["doi"] == "10.2196/jmir.3554"
    assert set(paper) <= set(merged["source_records"].split(";"))
    assert merged["sources"].split(";")[0] == "medline"  # protocol order breaks ties
    # Same PMID, sparse metadata (no authors, journal or DOI): linked by the library, not asked.
    assert groups["europepmc:MED:35815030"] == groups["medline:35815030"]
    # Every study lists each of its records once, and every record is in exactly one study.
    listed = [rid for s in studies.values() for rid in s["source_records"].split(";")]
    assert sorted(listed) == sorted(groups)
    assert all(
        groups[rid] == sid for sid, s in studies.items() for rid in s["source_records"].split(";")
    )

    # The audit trail names why each pair joined: an identifier link is not a person's decision.
    version = config["review"]["version"]
    pairs = _read(tmp_path / "history" / version / "pairs.csv")
    reason = {(p["record_a"], p["record_b"]): p["reason"] for p in pairs}
    assert reason[("europepmc:MED:25840591", "medline:25840591")] == "same PMID"
    decided = {
        (d["record_a"], d["record_b"])
        for d in _read(out / "library/decisions.csv")
        if d["decision"] == "duplicate"
    }
    assert decided and {k for k, v in reason.items() if v == "decision: duplicate"} == decided
    assert sum(v == "same PMID" for v in reason.values()) > 100  # 134 pairs: PubMed ids

    first = _tree(out / "library") | _tree(out / "dedup")
    build_library(config, identified=identified)
    assert _tree(out / "library") | _tree(out / "dedup") == first


def _write_round(tmp: Path, names: list[str]) -> Path:
    base = require_shared("data/sources/exports")
    records = []
    for name in names:
        records += assign_ids(name, import_file(base / EXPORTS[name], source=name).records)
    path = tmp / f"identified_{'_'.join(names)}.csv"
    write_records(path, records)
    return path


def _config(tmp: Path, version: str) -> dict[str, Any]:
    config = demo_config(tmp)
    config["review"]["version"] = version
    return config


def test_real_exports_over_two_rounds_keep_ids_and_join_old_studies(tmp_path: Path) -> None:
    round_1 = _write_round(tmp_path, ["scopus", "ovid", "ebsco"])
    round_2 = _write_round(tmp_path, ["wos", "pubmed"])  # a later, incremental search
    build_library(_config(tmp_path, "v1"), identified=round_1)
    before = {r["record_id"]: r for r in _read(tmp_path / "outputs/library/groups.csv")}
    counts = build_library(_config(tmp_path, "v2"), identified=round_2)
    after = {r["record_id"]: r for r in _read(tmp_path / "outputs/library/groups.csv")}

    assert set(before) < set(after)
    assert all(after[rid] == row for rid, row in before.items())
    new = {rid: row for rid, row in after.items() if rid not in before}
    assert {row["round"] for row in new.values()} == {"2"}
    old_studies = {row["study_id"] for row in before.values()}
    joined = [rid for rid, row in new.items() if row["study_id"] in old_studies]
    assert joined and all(rid.startswith(("wos:", "pubmed:")) for rid in joined)
    assert counts["duplicates_of_earlier_studies"] == len(joined)
    assert counts["records_identified"] == len(new)
    assert counts["new_studies"] + counts["duplicates_removed"] == len(new)


@pytest.mark.parametrize("policy", ["distinct", "maybe", "duplicate"])
def test_policy_comes_from_the_config(tmp_path: Path, policy: str) -> None:
    config = demo_config(tmp_path, policy={"conference_vs_article": policy, "max_year_gap": 1})
    counts = build_library(config, identified=build_demo_identified(config))
    assert counts["records_identified"] == 340


def test_engine_frame_maps_the_record_model() -> None:
    from livingreview.dedup.frame import records_to_frame
    from livingreview.dedup.model import ENGINE_COLUMNS
    from livingreview.records import Record

    records = [
        Record(record_id="wos:2", source="wos", publication_types=["Meeting Abstract"]),
        Record(
            record_id="pm:1",
            source="pm",
            source_id="1",
            authors=["Smith, J", "Doe, A"],
            issue="4",
            publication_types=["Journal Article", "Published Erratum"],
        ),
        Record(record_id="oa:3", source="oa", publication_types=["book-chapter"]),
        Record(record_id="ps:4", source="ps", publication_types=["Journal"]),
    ]
    frame = records_to_frame(records)
    assert list(frame.columns) == list(ENGINE_COLUMNS)
    assert list(frame["ID"]) == ["oa:3", "pm:1", "ps:4", "wos:2"]
    assert list(frame["ENTRYTYPE"]) == ["incollection", "erratum", "article", "inproceedings"]
    row = frame.iloc[1]
    assert (row["author"], row["number"], row["source"], row["source_id"]) == (
        "Smith, J; Doe, A",
        "4",
        "pm",
        "1",
    )


def test_same_pmid_or_pmcid_links_records() -> None:
    from livingreview.dedup.library import identifier_links
    from livingreview.records import Record

    records = [
        Record(record_id="medline:1", pmid="1"),
        Record(record_id="europepmc:MED:1", pmid="1", pmcid="PMC7"),
        Record(record_id="openalex:W5", pmcid="PMC7"),
        Record(record_id="psycinfo:9", pmid="2"),
        Record(record_id="wos:3"),
    ]
    assert identifier_links(records) == {
        ("europepmc:MED:1", "medline:1"): "same PMID",
        ("europepmc:MED:1", "openalex:W5"): "same PMCID",
    }


def test_same_trial_registration_links_register_records() -> None:
    """A ClinicalTrials.gov row and CENTRAL's copy of that registration (its ``SO`` the study's
    address) are one record of one register entry; an article naming the NCT id is not."""
    from livingreview.dedup.library import identifier_links
    from livingreview.records import Record

    registration = ["Trial registration", "INTERVENTIONAL"]
    records = [
        Record(
            record_id="ctgov:NCT09000111",
            source_id="NCT09000111",
            journal="ClinicalTrials.gov",
            publication_types=registration,
            url="https://clinicaltrials.gov/study/NCT09000111",
        ),
        Record(
            record_id="central:CN-02100444",
            source_id="CN-02100444",
            journal="https://clinicaltrials.gov/show/nct09000111",
            publication_types=["Trial registry record"],
        ),
        Record(  # ICTRP's copy in CENTRAL: the id inside a query string
            record_id="central:CN-02100555",
            source_id="CN-02100555",
            journal="http://www.who.int/trialsearch/Trial2.aspx?TrialID=ISRCTN12345678",
            publication_types=["Trial registry record"],
        ),
        Record(
            record_id="ictrp:ISRCTN12345678",
            source_id="ISRCTN12345678",
            journal="ISRCTN",
            publication_types=["Trial registration"],
        ),
        Record(  # the trial's article: same NCT id in its title, abstract and address
            record_id="pubmed:5",
            pmid="5",
            title="A chatbot trial (NCT09000111)",
            abstract="Registered at ClinicalTrials.gov: NCT09000111.",
            journal="Trials",
            publication_types=["Journal Article", "Randomized Controlled Trial"],
            url="https://example.org/NCT09000111",
        ),
        Record(
            record_id="ctgov:NCT09000222",
            source_id="NCT09000222",
            journal="ClinicalTrials.gov",
            publication_types=registration,
        ),
    ]
    assert identifier_links(records) == {
        ("central:CN-02100444", "ctgov:NCT09000111"): "same register id",
        ("central:CN-02100555", "ictrp:ISRCTN12345678"): "same register id",
    }


def test_a_pair_linked_by_pmcid_and_pmid_is_named_by_its_pmid() -> None:
    """The name of a link did not depend on which kind of id the records gave first."""
    from livingreview.dedup.library import identifier_links
    from livingreview.records import Record

    both = [
        Record(record_id="zotero:9", pmcid="PMC7"),  # read first, with its PMCID only
        Record(record_id="europepmc:MED:1", pmid="1", pmcid="PMC7"),
        Record(record_id="medline:1", pmid="1", pmcid="PMC7"),
    ]
    assert identifier_links(both) == {
        ("europepmc:MED:1", "medline:1"): "same PMID",  # was "same PMCID"
        ("europepmc:MED:1", "zotero:9"): "same PMCID",
    }
    only = [Record(record_id="openalex:W5", pmcid="PMC7"), Record(record_id="pmc:7", pmcid="PMC7")]
    assert identifier_links(only) == {("openalex:W5", "pmc:7"): "same PMCID"}
