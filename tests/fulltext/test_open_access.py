"""The open-access lookup of the reports sought at full text (``full_text.open_access``).

The library holds the two works of a real OpenAlex filter page as a database export gives them:
without their open-access links. Both are included at title/abstract. The lookup asks OpenAlex
for their DOIs through the local replay server, which answers with the real recorded page (both
works open access: an ACM PDF and an arXiv PDF); the full-text sheet then links each report to
its copy. Then: the same answers replayed from the archive, a 503 retried, a service that keeps
failing (exit 3, no answer left), a missing API key (exit 2, the variable named), and the lookup
off (nothing asked, nothing read).
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from livingreview.cli import main
from livingreview.config import validate_config
from livingreview.errors import ConfigError, InputFileError, SearchError
from livingreview.fulltext import open_access
from livingreview.fulltext.stage import SHEETS_DIR, run_fulltext
from livingreview.steps import record_path
from tests.flags.helpers import run_round
from tests.replay_server import Answer, ReplayServer

PAGE = "openalex/openalex_works_filter_ids_cursor_star.json"
COPIES = {
    "10.1145/3383583.3398584": "https://dl.acm.org/doi/pdf/10.1145/3383583.3398584",
    "10.48550/arxiv.2007.14454": "https://arxiv.org/pdf/2007.14454",
}


def protocol(tmp: Path, services: list[str], **search: Any) -> dict[str, Any]:
    """One OpenAlex search (the library's only source), two full-text reviewers."""
    return validate_config(
        {
            "review": {"id": "t", "title": "T", "question": "Q?", "version": "1"},
            "paths": {"human_input": str(tmp / "human"), "outputs": str(tmp / "outputs")},
            "search": {"secrets_file": str(tmp / "none.env"), **search},
            "sources": {"oa": {"client": "openalex", "query": "q", "max_tries": 2}},
            "imports": {},
            "deduplication": {"history_dir": str(tmp / "history")},
            "reviewers": [
                {
                    "id": "r1",
                    "name": "R1",
                    "roles": ["screening", "full_text", "extraction", "risk_of_bias"],
                },
                {
                    "id": "r2",
                    "name": "R2",
                    "roles": ["screening", "full_text", "extraction", "risk_of_bias"],
                },
            ],
            "full_text": {"open_access": {"services": services}},
        }
    )


def exported_page(sources_dir: Path) -> bytes:
    """The real page with every open-access location taken out, as an export names none."""
    page = json.loads((sources_dir / PAGE).read_bytes())
    for work in page["results"]:
        for key in ("open_access", "best_oa_location", "primary_location", "locations"):
            work.pop(key, None)
    return json.dumps(page).encode("utf-8")


def build_library(
    config: dict[str, Any], sources_dir: Path, page: bytes | None = None
) -> list[str]:
    """The library of the exported page (or ``page``), both studies included at
    title/abstract."""
    run_round(config, {"oa": [page or exported_page(sources_dir)]}, lambda c: None)
    out = Path(config["paths"]["outputs"])
    with (out / "library/groups.csv").open(encoding="utf-8", newline="") as handle:
        studies = sorted({row["study_id"] for row in csv.DictReader(handle)})
    lines = ["study_id,round,decision,how,votes,resolver,reason"]
    lines += [f"{study},1,include,agreement,,," for study in studies]
    (out / "screening").mkdir(parents=True, exist_ok=True)
    (out / "screening/final_decisions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return studies


@pytest.fixture
def served(replay_server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> ReplayServer:
    """OpenAlex is the replay server, and an API key is set."""
    monkeypatch.setenv("LIVINGREVIEW_OPENALEX_BASE_URL", f"{replay_server.url}/openalex/")
    monkeypatch.setenv("OPENALEX_API_KEY", "test-key")
    return replay_server


def links_table(config: dict[str, Any]) -> list[dict[str, str]]:
    path = open_access.output_dir(config, "openalex") / open_access.LINKS
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def free_full_text(config: dict[str, Any]) -> dict[str, tuple[str | None, str | None]]:
    """Report id -> (free_full_text value, its link target) in r1's full-text sheet."""
    path = Path(config["paths"]["outputs"]) / SHEETS_DIR / "full_text_round1_r1.xlsx"
    rows = list(openpyxl.load_workbook(path)["Full text"].iter_rows())
    header = [cell.value for cell in rows[0]]
    rid, free = header.index("report_id"), header.index("free_full_text")
    return {
        row[rid].value: (row[free].value, row[free].hyperlink and row[free].hyperlink.target)
        for row in rows[1:]
    }


def test_reports_without_a_link_get_openalex_copy_in_the_sheet(
    tmp_path: Path, sources_dir: Path, served: ReplayServer
) -> None:
    config = protocol(tmp_path, ["openalex"])
    studies = build_library(config, sources_dir)
    served.add("GET", "/openalex/works", Answer.file(sources_dir / PAGE))
    manifest = open_access.run_open_access(config, "openalex")
    assert (manifest["reports_sought"], manifest["asked"], manifest["open_copies"]) == (2, 2, 2)
    assert manifest["not_found"] == [] and manifest["mode"] == "live"
    [asked] = served.requests("/openalex/works")
    assert asked.params["filter"] == "doi:" + "|".join(sorted(COPIES))
    assert asked.params["api_key"] == "test-key"
    rows = links_table(config)
    assert sorted(r["study_id"] for r in rows) == studies
    assert {r["doi"]: r["oa_url"] for r in rows} == COPIES
    assert {r["work"] for r in rows} == {"W3046863325", "W3045921891"}
    raw = open_access.output_dir(config, "openalex") / "raw"
    assert "test-key" not in "".join(p.read_text("utf-8") for p in raw.iterdir())

    run_fulltext(config)
    by_doi = {r["study_id"]: COPIES[r["doi"]] for r in rows}
    assert free_full_text(config) == {study: (url, url) for study, url in by_doi.items()}


def test_the_recorded_answers_replay_without_the_service_or_its_key(
    tmp_path: Path, sources_dir: Path, served: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = protocol(tmp_path, ["openalex"])
    build_library(config, sources_dir)
    served.add("GET", "/openalex/works", Answer.file(sources_dir / PAGE))
    open_access.run_open_access(config, "openalex")
    folder = open_access.output_dir(config, "openalex")
    live = (folder / open_access.LINKS).read_bytes()
    recorded = tmp_path / "replay/open_access/openalex"
    shutil.copytree(folder / "raw", recorded)
    monkeypatch.delenv("OPENALEX_API_KEY")
    config["search"] |= {"mode": "replay", "replay_dir": str(tmp_path / "replay")}
    manifest = open_access.run_open_access(config, "openalex")
    assert (folder / open_access.LINKS).read_bytes() == live
    assert manifest["mode"] == "replay" and manifest["open_copies"] == 2
    assert len(served.requests()) == 1  # only the live run asked


def test_a_503_is_retried_and_a_service_still_failing_leaves_no_answer(
    tmp_path: Path, sources_dir: Path, served: ReplayServer
) -> None:
    config = protocol(tmp_path, ["openalex"])
    build_library(config, sources_dir)
    busy = Answer(b"upstream busy", status=503, headers={"Retry-After": "0"}, times=1)
    served.add("GET", "/openalex/works", busy, Answer.file(sources_dir / PAGE))
    assert open_access.run_open_access(config, "openalex")["open_copies"] == 2
    assert len(served.requests("/openalex/works")) == 2

    served.routes.clear()
    served.add("GET", "/openalex/works", Answer(b"down", status=503, headers={"Retry-After": "0"}))
    with pytest.raises(SearchError) as failed:
        open_access.run_open_access(config, "openalex")
    assert failed.value.exit_code == 3 and "503" in str(failed.value)
    folder = open_access.output_dir(config, "openalex")
    assert not (folder / open_access.MANIFEST).exists() and not (folder / "links.csv").exists()
    with pytest.raises(InputFileError, match=r"run `livingreview open-access openalex` first"):
        run_fulltext(config)  # the earlier complete answer is not taken for this one


def test_a_missing_api_key_is_named_before_anything_is_asked(
    tmp_path: Path,
    sources_dir: Path,
    served: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = protocol(tmp_path, ["openalex"])
    build_library(config, sources_dir)
    monkeypatch.delenv("OPENALEX_API_KEY")
    protocol_file = tmp_path / "protocol.yaml"
    protocol_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["open-access", "openalex", "--configfile", str(protocol_file)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "OPENALEX_API_KEY" in error[0], error
    assert error[0].startswith("livingreview: error: full_text.open_access: OpenAlex requires")
    assert served.requests() == []
    # a pipeline step: livingreview status names it until it succeeds
    record = record_path(Path(config["paths"]["outputs"]), "open-access openalex")
    assert json.loads(record.read_text(encoding="utf-8"))["error"] == error[0]


def test_off_by_default_nothing_is_asked_or_read(
    tmp_path: Path, sources_dir: Path, served: ReplayServer
) -> None:
    config = protocol(tmp_path, [])
    assert validate_config({**config, "full_text": {}})["full_text"]["open_access"] == {
        "services": []
    }
    studies = build_library(config, sources_dir)
    run_fulltext(config)
    before = free_full_text(config)
    assert before == {study: (None, None) for study in studies}
    # a lookup left by an earlier run with it on is not read while it is off
    on = protocol(tmp_path, ["openalex"])
    served.add("GET", "/openalex/works", Answer.file(sources_dir / PAGE))
    open_access.run_open_access(on, "openalex")
    sheet = Path(config["paths"]["outputs"]) / SHEETS_DIR / "full_text_round1_r1.xlsx"
    written = sheet.read_bytes()
    run_fulltext(config)
    assert sheet.read_bytes() == written and free_full_text(config) == before
    with pytest.raises(ConfigError, match=r"not in full_text\.open_access\.services"):
        open_access.run_open_access(config, "openalex")


def test_duplicate_works_and_addresses_that_are_not_web_links(
    tmp_path: Path, sources_dir: Path, served: ReplayServer
) -> None:
    """The arXiv work's library row names an ftp copy (no link in the sheet): it is asked. OpenAlex
    answers with the ACM work three times (W1 naming an ftp copy, W999 and the real one https
    copies) and the arXiv work without open access."""
    config = protocol(tmp_path, ["openalex"])
    page = json.loads(exported_page(sources_dir))
    page["results"][1]["open_access"] = {"is_oa": True, "oa_url": "ftp://mirror.example/a.pdf"}
    studies = build_library(config, sources_dir, json.dumps(page).encode("utf-8"))
    answer = json.loads((sources_dir / PAGE).read_bytes())
    acm, arxiv = answer["results"]
    ftp, w999 = copy.deepcopy(acm), copy.deepcopy(acm)
    ftp |= {"id": "https://openalex.org/W1", "best_oa_location": None}
    ftp["open_access"] = {"is_oa": True, "oa_url": "ftp://mirror.example/b.pdf"}
    w999 |= {"id": "https://openalex.org/W999", "best_oa_location": None}
    w999["open_access"] = {"is_oa": True, "oa_url": "https://repository.example/w999.pdf"}
    arxiv |= {"open_access": {"is_oa": False, "oa_url": None}, "best_oa_location": None}
    answer["results"] = [acm, ftp, arxiv, w999]
    answer["meta"]["count"] = 4
    served.add("GET", "/openalex/works", Answer(json.dumps(answer).encode("utf-8")))
    manifest = open_access.run_open_access(config, "openalex")
    assert (manifest["asked"], manifest["open_copies"], manifest["not_found"]) == (2, 1, [])
    rows = {r["doi"]: (r["oa_url"], r["work"]) for r in links_table(config)}
    assert rows == {
        "10.1145/3383583.3398584": ("https://repository.example/w999.pdf", "W999"),
        "10.48550/arxiv.2007.14454": ("", "W3045921891"),
    }
    run_fulltext(config)
    study = {r["doi"]: r["study_id"] for r in links_table(config)}
    assert sorted(study.values()) == studies
    assert free_full_text(config) == {
        study["10.1145/3383583.3398584"]: ("https://repository.example/w999.pdf",) * 2,
        study["10.48550/arxiv.2007.14454"]: ("ftp://mirror.example/a.pdf", None),
    }


def test_replay_without_a_recording_says_what_to_copy_and_keeps_the_live_one(
    tmp_path: Path,
    sources_dir: Path,
    served: ReplayServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = protocol(tmp_path, ["openalex"])
    build_library(config, sources_dir)
    served.add("GET", "/openalex/works", Answer.file(sources_dir / PAGE))
    open_access.run_open_access(config, "openalex")
    raw = open_access.output_dir(config, "openalex") / "raw"
    recorded = sorted(p.name for p in raw.iterdir())
    config["search"] |= {"mode": "replay", "replay_dir": str(tmp_path / "replay")}
    protocol_file = tmp_path / "protocol.yaml"
    protocol_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["open-access", "openalex", "--configfile", str(protocol_file)]) == 2
    [error] = capsys.readouterr().err.strip().splitlines()
    expected = tmp_path / "replay/open_access/openalex/meta.json"
    assert error.startswith(f"livingreview: error: {expected}: missing: search.mode is replay")
    assert f"copy the raw/ folder of a live run ({raw})" in error
    assert sorted(p.name for p in raw.iterdir()) == recorded  # the recording to copy is kept
    assert not (raw.parent / open_access.MANIFEST).exists()  # no answer passes as this run's
    assert len(served.requests()) == 1
