"""Retraction and correction flags from real source payloads, across rounds and through the CLI.

Real payloads carry a Crossref correction (``updated-by``), Europe PMC erratum notices
(``Published Erratum``, ``Erratum for``) and OpenAlex ``is_retracted: false``. None of the real
PubMed payloads is retracted, so the retraction tests edit a real EFetch answer the way PubMed
marks one: a ``RetractionIn`` link and the ``Retracted Publication`` type on the article, and a
second real article turned into its retraction notice (``RetractionOf``).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from livingreview.errors import InputFileError
from livingreview.flags import FLAG_COLUMNS, FLAGS, build_flags, read_evidence
from tests.conftest import REPO_ROOT
from tests.flags.helpers import protocol, run_round

CROSSREF = "crossref/crossref_work_single_doi.json"
EPMC = "europepmc/epmc_search_core_cancer.json"
OPENALEX = "openalex/openalex_keypaper_results_page_1.json"
ARTICLE = "pubmed/efetch/pubmed4.xml"  # PMID 27797938, one CommentIn link
NOTICE = "pubmed/efetch/pubmed5.xml"  # PMID 28775130


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def retracted_article(sources_dir: Path) -> bytes:
    """PMID 27797938 as PubMed shows it once retracted."""
    body = (sources_dir / ARTICLE).read_text(encoding="utf-8")
    assert body.count('RefType="CommentIn"') == 1
    body = body.replace('RefType="CommentIn"', 'RefType="RetractionIn"')
    body = body.replace(
        "<PublicationTypeList>",
        '<PublicationTypeList><PublicationType UI="D016441">Retracted Publication'
        "</PublicationType>",
    )
    return body.encode("utf-8")


def retraction_notice(sources_dir: Path) -> bytes:
    """PMID 28775130 turned into the retraction notice of PMID 27797938."""
    body = (sources_dir / NOTICE).read_text(encoding="utf-8")
    link = (
        '<CommentsCorrectionsList><CommentsCorrections RefType="RetractionOf">'
        "<RefSource>Gut. 2016</RefSource><PMID>27797938</PMID></CommentsCorrections>"
        "</CommentsCorrectionsList></MedlineCitation>"
    )
    body = body.replace("</MedlineCitation>", link, 1)
    return body.replace(
        "<PublicationTypeList>",
        "<PublicationTypeList><PublicationType>Retraction of Publication</PublicationType>",
    ).encode("utf-8")


def test_real_payloads_flag_the_crossref_correction_and_the_europe_pmc_errata(
    sources_dir: Path, tmp_path: Path
) -> None:
    config = protocol(tmp_path)
    searches = {
        "cr": [(sources_dir / CROSSREF).read_bytes()],
        "epmc": [(sources_dir / EPMC).read_bytes()],
        "oa": [(sources_dir / OPENALEX).read_bytes()],
        "pm": [(sources_dir / ARTICLE).read_bytes()],
    }
    flags = run_round(config, searches, build_flags)

    rows = _rows(tmp_path / "outputs/library/flags.csv")
    assert tuple(rows[0]) == FLAG_COLUMNS and all(row["flag"] in FLAGS for row in rows)
    groups = {r["record_id"]: r["study_id"] for r in _rows(tmp_path / "outputs/library/groups.csv")}
    assert all(groups[row["record_id"]] == row["study_id"] for row in rows)

    # Crossref: the PLOS ONE article has a publisher correction.
    message = json.loads((sources_dir / CROSSREF).read_bytes())["message"]
    correction = message["updated-by"][0]["DOI"].lower()
    crossref = [r for r in rows if r["source"] == "cr"]
    assert [(r["record_id"], r["flag"]) for r in crossref] == [
        (f"cr:{message['DOI']}", "corrected")
    ]
    assert correction in crossref[0]["detail"] and "2012-05-08" in crossref[0]["detail"]

    # Europe PMC: exactly the results typed 'Published Erratum' are notices.
    results = json.loads((sources_dir / EPMC).read_bytes())["resultList"]["result"]
    errata = {
        f"epmc:MED:{r['id']}"
        for r in results
        if "Published Erratum" in r.get("pubTypeList", {}).get("pubType", [])
    }
    assert len(errata) == 2
    assert {r["record_id"] for r in rows if r["source"] == "epmc"} == errata
    assert {r["flag"] for r in rows if r["source"] == "epmc"} == {"notice"}
    # The corrected Lancet article (PMID 39293462) is not in the library: nothing else flagged.
    assert {r["record_id"] for r in rows} == errata | {f"cr:{message['DOI']}"}
    # OpenAlex is_retracted false and a PubMed 'CommentIn' link flag nothing.
    assert not [r for r in rows if r["source"] in ("oa", "pm")]
    assert len(flags) == len(rows)


def test_a_retraction_in_round_two_flags_the_round_one_study_and_earlier_evidence_survives(
    sources_dir: Path, tmp_path: Path
) -> None:
    article = (sources_dir / ARTICLE).read_bytes()
    round_one = {"pm": [article], "cr": [(sources_dir / CROSSREF).read_bytes()]}
    first = run_round(protocol(tmp_path, "1"), round_one, build_flags)
    assert {(f.record_id, f.flag) for f in first} == {
        ("cr:10.1371/journal.pone.0033693", "corrected")
    }
    study_one = {
        r["record_id"]: r["study_id"] for r in _rows(tmp_path / "outputs/library/groups.csv")
    }

    # Round 2: PubMed now shows the article retracted and returns its retraction notice;
    # Crossref returns nothing, so its correction is known only from round 1's snapshot.
    round_two = {"pm": [retracted_article(sources_dir), retraction_notice(sources_dir)]}
    second = run_round(protocol(tmp_path, "2"), round_two, build_flags)

    by_record: dict[str, set[str]] = {}
    for flag in second:
        by_record.setdefault(flag.record_id, set()).add(flag.flag)
    assert by_record == {
        "cr:10.1371/journal.pone.0033693": {"corrected"},
        "pm:27797938": {"retracted"},
        "pm:28775130": {"notice"},
    }
    retracted = [f for f in second if f.record_id == "pm:27797938"]
    assert {f.study_id for f in retracted} == {study_one["pm:27797938"]}
    details = " | ".join(f.detail for f in retracted)
    assert "'RetractionIn' PMID 27920200" in details  # the article's own link
    assert "publication type 'Retracted Publication'" in details
    assert "notice pm:28775130" in details  # the notice's RetractionOf link
    crossref = [f for f in second if f.source == "cr"]
    assert [f.study_id for f in crossref] == [study_one["cr:10.1371/journal.pone.0033693"]]

    # Each round kept its own evidence; rebuilding round 2 gives the same bytes.
    history = tmp_path / "history"
    assert {r["source"] for r in _rows(history / "1/flags.csv")} == {"cr"}
    assert {r["source"] for r in _rows(history / "2/flags.csv")} == {"pm"}
    before = (tmp_path / "outputs/library/flags.csv").read_bytes()
    build_flags(protocol(tmp_path, "2"))
    assert (tmp_path / "outputs/library/flags.csv").read_bytes() == before


def test_an_unknown_flag_in_a_snapshot_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "flags.csv"
    path.write_text(
        "record_id,source,flag,detail,target\npm:1,pm,retracted,x,\npm:2,pm,withdrawn,x,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as error:
        read_evidence(path)
    message = str(error.value)
    assert str(path) in message and "row 3" in message and "flag" in message
    assert "retracted" in message  # the expected values


def test_cli_writes_flags_and_a_missing_library_exits_2_naming_the_file(
    sources_dir: Path, tmp_path: Path
) -> None:
    config = protocol(tmp_path)
    config_file = tmp_path / "protocol.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")

    def cli() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "livingreview", "flags", "--configfile", str(config_file)],
            capture_output=True,
            text=True,
            check=False,
            cwd=REPO_ROOT,
        )

    missing = cli()
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "groups.csv" in missing.stderr and "library step" in missing.stderr

    run_round(config, {"cr": [(sources_dir / CROSSREF).read_bytes()]}, lambda c: None)
    done = cli()
    assert done.returncode == 0, done.stderr
    assert "1 studies flagged (corrected 1)" in done.stdout
