"""Re-fetching earlier rounds' studies by identifier, live through the local replay server and
then replayed from the archive it recorded, and MEDLINE RIN/EIN/ROF tags of imported .nbib files.

Round 1 keeps four real works in the library: PubMed 27797938 (in review, full text pending), the
PLOS ONE article of the real Crossref payload (included; its round-1 copy has the correction link
taken out, as before the correction), and the two works of a real OpenAlex filter page (one
included, one excluded at full text). Round 2's search returns only a new PubMed record. The
re-fetch answers are real payloads: Crossref's recorded ``works/{doi}`` with its ``updated-by``
correction and its recorded 404, PubMed's EFetch of 27797938 and the OpenAlex filter page. No real
payload is retracted, so PubMed's is edited the way PubMed marks a retraction (as in
test_flags.py) and one OpenAlex work gets ``is_retracted: true``.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from livingreview.config import validate_config
from livingreview.dedup.library import build_library
from livingreview.errors import InputFileError
from livingreview.flags import build_flags
from livingreview.importing import run_import
from livingreview.records import read_records, write_records
from livingreview.refetch import run_refetch, studies_to_refetch
from tests.conftest import REPO_ROOT
from tests.flags.helpers import protocol, run_round
from tests.flags.test_flags import ARTICLE, CROSSREF, retracted_article
from tests.replay_server import Answer, ReplayServer

OPENALEX_PAGE = "openalex/openalex_works_filter_ids_cursor_star.json"
NOT_FOUND = "crossref/crossref_work_404_notfound.txt"
NEW_ARTICLE = "pubmed/efetch/pubmed6.xml"
PLOS = "10.1371/journal.pone.0033693"
RETRACTED_WORK = "W3046863325"  # 10.1145/3383583.3398584
SERVICES = ("pubmed", "crossref", "openalex")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_table(path: Path, header: str, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def decide_round_one(out: Path, study: dict[str, str]) -> None:
    """The decision tables round 1 left, as the screening and full-text stages write them.

    In review: pm 27797938 (full text pending), the Crossref work and the first OpenAlex work
    (included); the second OpenAlex work was excluded at full text.
    """
    pubmed, plos = study["pm:27797938"], study[f"cr:{PLOS}"]
    kept, dropped = study[f"oa:{RETRACTED_WORK}"], study["oa:W3045921891"]
    _write_table(
        out / "screening/final_decisions.csv",
        "study_id,round,decision,how,votes,resolver,reason",
        [
            f"{s},1,include,agreement,r1: include; r2: include,,"
            for s in (pubmed, plos, kept, dropped)
        ],
    )
    _write_table(
        out / "fulltext/included_studies.csv",
        "study_id,label,reports,round,title,authors,year,journal,doi",
        [f"{s},x,{s},1,t,,,," for s in (plos, kept)],
    )
    _write_table(
        out / "fulltext/excluded.csv",
        "report_id,study_id,round,reason,reason_label,how,title,authors,year,journal,doi",
        [f"{dropped},{dropped},1,no_alliance_outcome,x,agreement,t,,,,"],
    )


def serve_later_state(server: ReplayServer, sources_dir: Path) -> None:
    """The services as they answer in round 2: the old studies now retracted or corrected."""
    server.add(
        "GET",
        "/eutils/efetch.fcgi",
        Answer(retracted_article(sources_dir), content_type="text/xml"),
    )
    server.add("GET", f"/crossref/works/{PLOS}", Answer.file(sources_dir / CROSSREF))
    for doi in ("10.1136/gutjnl-2016-312510", "10.1145/3383583.3398584"):
        server.add(
            "GET",
            f"/crossref/works/{doi}",
            Answer.file(sources_dir / NOT_FOUND, status=404, content_type="text/plain"),
        )
    page = json.loads((sources_dir / OPENALEX_PAGE).read_bytes())
    for work in page["results"]:
        work["is_retracted"] = work["id"].endswith(RETRACTED_WORK)
    server.add("GET", "/openalex/works", Answer(json.dumps(page).encode("utf-8")))


@pytest.fixture
def two_rounds(
    sources_dir: Path, tmp_path: Path, replay_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Round 1 decided, round 2's library built; the services point at the replay server."""
    crossref_then = json.loads((sources_dir / CROSSREF).read_bytes())
    del crossref_then["message"]["updated-by"]  # round 1 saw the work before its correction
    round_one = {
        "pm": [(sources_dir / ARTICLE).read_bytes()],
        "cr": [json.dumps(crossref_then).encode("utf-8")],
        "oa": [(sources_dir / OPENALEX_PAGE).read_bytes()],
    }
    assert not run_round(protocol(tmp_path, "1"), round_one, build_flags)  # nothing flagged yet
    out = tmp_path / "outputs"
    study = {r["record_id"]: r["study_id"] for r in _rows(out / "library/groups.csv")}
    decide_round_one(out, study)
    config = protocol(tmp_path, "2")
    run_round(config, {"pm": [(sources_dir / NEW_ARTICLE).read_bytes()]}, lambda c: None)
    for service, path in (("PUBMED", "eutils"), ("CROSSREF", "crossref"), ("OPENALEX", "openalex")):
        monkeypatch.setenv(f"LIVINGREVIEW_{service}_BASE_URL", f"{replay_server.url}/{path}/")
    serve_later_state(replay_server, sources_dir)
    return {"config": config, "study": study, "out": out}


def test_round_two_refetches_earlier_studies_in_review_and_flags_their_retractions(
    two_rounds: dict[str, Any], replay_server: ReplayServer
) -> None:
    config, study = two_rounds["config"], two_rounds["study"]
    in_review = {study[k] for k in ("pm:27797938", f"cr:{PLOS}", f"oa:{RETRACTED_WORK}")}
    assert set(studies_to_refetch(config)) == in_review  # not the excluded, not round 2's

    manifests = {service: run_refetch(config, service) for service in SERVICES}
    assert (manifests["pubmed"]["asked"], manifests["pubmed"]["returned"]) == (1, 1)
    assert manifests["crossref"]["asked"] == 3 and manifests["crossref"]["returned"] == 1
    assert manifests["crossref"]["not_found"] == [
        "10.1136/gutjnl-2016-312510", "10.1145/3383583.3398584"
    ]  # fmt: skip
    # What went over the wire: one EFetch by id, one works/{doi} per DOI, one OpenAlex filter.
    (efetch,) = replay_server.requests("/eutils/efetch.fcgi")
    assert efetch.params["id"] == "27797938" and efetch.params["db"] == "pubmed"
    assert len([r for r in replay_server.log if r.path.startswith("/crossref/works/")]) == 3
    (works,) = replay_server.requests("/openalex/works")
    assert works.params["filter"].startswith("doi:") and works.params["filter"].count("|") == 2

    flags = build_flags(config)
    by_study: dict[str, set[tuple[str, str]]] = {}
    for flag in flags:
        by_study.setdefault(flag.study_id, set()).add((flag.source, flag.flag))
    assert by_study == {
        study["pm:27797938"]: {("refetch_pubmed", "retracted")},
        study[f"cr:{PLOS}"]: {("refetch_crossref", "corrected")},
        study[f"oa:{RETRACTED_WORK}"]: {("refetch_openalex", "retracted")},
    }
    details = {f.detail for f in flags if f.study_id == study["pm:27797938"]}
    assert any("'RetractionIn' PMID 27920200" in d for d in details)
    assert any("publication type 'Retracted Publication'" in d for d in details)
    # The flags land on the round-1 records and stay in round 2's evidence snapshot.
    assert {f.record_id for f in flags} == {"pm:27797938", f"cr:{PLOS}", f"oa:{RETRACTED_WORK}"}
    snapshot = _rows(Path(config["deduplication"]["history_dir"]) / "2/flags.csv")
    assert {r["source"] for r in snapshot} == {f"refetch_{s}" for s in SERVICES}


def test_the_refetch_replays_from_its_recorded_archive_without_the_network(
    two_rounds: dict[str, Any], replay_server: ReplayServer, tmp_path: Path
) -> None:
    config, out = two_rounds["config"], two_rounds["out"]
    for service in SERVICES:
        run_refetch(config, service)
    build_flags(config)
    live_flags = (out / "library/flags.csv").read_bytes()
    live_records = {s: (out / f"refetch/{s}/records.csv").read_bytes() for s in SERVICES}
    replay_dir = tmp_path / "recorded"
    for service in SERVICES:
        shutil.copytree(out / f"refetch/{service}/raw", replay_dir / "refetch" / service)
    sent = len(replay_server.log)

    replayed = {**config, "search": {**config["search"], "mode": "replay"}}
    replayed["search"]["replay_dir"] = str(replay_dir)
    for service in SERVICES:
        manifest = run_refetch(replayed, service)
        assert manifest["mode"] == "replay"
        assert (out / f"refetch/{service}/records.csv").read_bytes() == live_records[service]
    build_flags(replayed)
    assert (out / "library/flags.csv").read_bytes() == live_flags
    assert len(replay_server.log) == sent  # nothing asked of the server


def test_a_live_refetch_is_kept_with_the_round_and_replayed_when_the_round_runs_again(
    two_rounds: dict[str, Any], replay_server: ReplayServer
) -> None:
    # outputs/ deleted (a fresh clone) and the round run again: the re-fetch is this round's,
    # kept with its snapshot, not a new one whose answers may have changed since.
    config, out = two_rounds["config"], two_rounds["out"]
    live = {service: run_refetch(config, service) for service in SERVICES}
    history = Path(config["deduplication"]["history_dir"])
    for service in SERVICES:
        assert (history / "2/refetch" / service / "meta.json").is_file()
    records = {s: (out / f"refetch/{s}/records.csv").read_bytes() for s in SERVICES}
    shutil.rmtree(out / "refetch")
    sent = len(replay_server.log)
    for service in SERVICES:
        assert run_refetch(config, service) == live[service]  # same ran_at, same answers
        assert (out / f"refetch/{service}/records.csv").read_bytes() == records[service]
    assert len(replay_server.log) == sent  # nothing asked of the services

    # A study included since the round's re-fetch: the kept one does not cover it, so the
    # service is asked again and the new answers are kept.
    with (out / "fulltext/included_studies.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{two_rounds['study']['oa:W3045921891']},x,y,1,t,,,,\n")
    again = run_refetch(config, "crossref")
    assert again["asked"] == live["crossref"]["asked"] + 1
    assert len(replay_server.log) > sent


def test_a_first_round_asks_nothing_and_needs_no_recording(
    sources_dir: Path, tmp_path: Path
) -> None:
    config = protocol(tmp_path, "1")
    run_round(config, {"pm": [(sources_dir / ARTICLE).read_bytes()]}, lambda c: None)
    out = tmp_path / "outputs"
    (pubmed,) = {r["study_id"] for r in _rows(out / "library/groups.csv")}
    decide_round_one(
        out,
        {
            "pm:27797938": pubmed,
            f"cr:{PLOS}": "-",
            f"oa:{RETRACTED_WORK}": "-",
            "oa:W3045921891": "-",
        },
    )
    config["search"].update(mode="replay", replay_dir=str(tmp_path / "no-recording"))
    manifest = run_refetch(config, "pubmed")
    assert (manifest["studies"], manifest["asked"], manifest["ran_at"]) == (0, 0, "")
    assert read_records(out / "refetch/pubmed/records.csv") == []


# -- MEDLINE (.nbib) comment/correction tags -----------------------------------------------


NBIB = "exports/nbib/synthesisr_PubMed.nbib.txt"


def test_nbib_rin_ein_and_rof_tags_flag_the_imported_records(
    sources_dir: Path, tmp_path: Path
) -> None:
    """A real PubMed-format export with tags added as PubMed writes them on retracted,
    corrected and notice records (the real file has none)."""
    text = (sources_dir / NBIB).read_text(encoding="utf-8")
    pmids = [
        line.split("-", 1)[1].strip() for line in text.splitlines() if line.startswith("PMID-")
    ]
    assert len(pmids) == 3
    tags = {
        pmids[0]: "RIN - J Example. 2021;1:1. PMID: 99999991\n",
        pmids[1]: "EIN - J Example. 2021;2:2. PMID: 99999992\n",
        pmids[2]: f"ROF - J Example. 2019;3:3. PMID: {pmids[0]}\n",
    }
    for pmid, tag in tags.items():
        text = text.replace(f"PMID- {pmid}\n", f"PMID- {pmid}\n{tag}", 1)
    config = protocol(tmp_path)
    config["imports"] = {
        "pubmed_web": {"database": "MEDLINE", "files": ["export.nbib"], "searched_on": "2024-01-01"}
    }
    config["search"]["refetch"]["services"] = []
    config = validate_config(config)
    (tmp_path / "human").mkdir()
    (tmp_path / "human/export.nbib").write_text(text, encoding="utf-8")
    run_import(config, "pubmed_web", tmp_path / "outputs/search/pubmed_web")
    imported = read_records(tmp_path / "outputs/search/pubmed_web/records.csv")
    write_records(tmp_path / "outputs/search/identified.csv", imported)  # no API search ran
    build_library(config)
    flags = {(f.record_id, f.flag, f.source) for f in build_flags(config)}
    first, second, third = (f"pubmed_web:{p}" for p in pmids)
    assert flags == {
        (first, "retracted", "pubmed_web"),  # its own RIN, and the ROF notice pointing at it
        (second, "corrected", "pubmed_web"),
        (third, "notice", "pubmed_web"),
    }
    details = " | ".join(f.detail for f in build_flags(config) if f.record_id == first)
    assert "MEDLINE RIN 'RetractionIn' PMID 99999991 (J Example. 2021;1:1)" in details
    assert f"notice {third}: MEDLINE ROF 'RetractionOf' PMID {pmids[0]}" in details


def test_cli_replay_without_a_recording_exits_2_naming_the_archive(
    two_rounds: dict[str, Any], tmp_path: Path, replay_server: ReplayServer
) -> None:
    config = two_rounds["config"]
    config["search"].update(mode="replay", replay_dir=str(tmp_path / "recorded"))
    config_file = tmp_path / "protocol.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    command = [sys.executable, "-m", "livingreview", "refetch", "pubmed", "--configfile"]
    done = subprocess.run(
        [*command, str(config_file)], capture_output=True, text=True, check=False, cwd=REPO_ROOT
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(tmp_path / "recorded/refetch/pubmed/meta.json") in done.stderr
    assert not (two_rounds["out"] / "refetch/pubmed/manifest.json").exists()
    assert replay_server.log == []  # replay never goes to the network


def test_replay_without_a_recording_says_what_to_copy_and_keeps_the_live_one(
    two_rounds: dict[str, Any], tmp_path: Path
) -> None:
    config, out = two_rounds["config"], two_rounds["out"]
    run_refetch(config, "openalex")
    raw = out / "refetch/openalex/raw"
    recorded = sorted(p.name for p in raw.iterdir())
    replayed = {**config, "search": {**config["search"], "mode": "replay"}}
    replayed["search"]["replay_dir"] = str(tmp_path / "recorded")
    with pytest.raises(InputFileError) as refused:
        run_refetch(replayed, "openalex")
    error = str(refused.value)
    assert str(tmp_path / "recorded/refetch/openalex/meta.json") in error
    assert "no openalex re-fetch was recorded there" in error
    assert f"copy the raw/ folder of a live run ({raw})" in error
    assert sorted(p.name for p in raw.iterdir()) == recorded  # the recording to copy is kept
    assert not (out / "refetch/openalex/manifest.json").exists()  # no answer passes as this run's
