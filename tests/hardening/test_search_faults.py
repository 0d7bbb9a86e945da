"""Faults during a search, injected through the local replay server, through the real CLI.

Each search runs as ``livingreview search`` in a subprocess against 127.0.0.1 serving the real
Europe PMC pages from ../shared. Whatever goes wrong, the rule is the same: ``manifest.json`` (the
mark of a complete search) exists only when every page arrived, no file of an earlier or
interrupted run passes as this run's, and the command ends with one line and exit 3 (2 for a
config problem), never a traceback. A re-run after a crash starts the search afresh: a search is
one snapshot in time, so pages of two runs are never mixed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from livingreview.config import load_config
from livingreview.errors import (
    ConfigError,
    HTTPError,
    IncompleteSearchError,
    InputFileError,
    LivingReviewError,
)
from livingreview.fileio import write_json
from livingreview.http import HttpClient, ServiceSettings
from livingreview.search import run_search
from tests.conftest import REPO_ROOT
from tests.hardening import (
    CURSOR_2,
    CURSOR_3,
    EPMC_CORE,
    EPMC_LITE,
    EPMC_PAGE_2,
    cursor_is,
    epmc_env,
    epmc_page,
    epmc_source,
    output_files,
    serve_two_epmc_pages,
    write_protocol,
)
from tests.replay_server import Answer, ReplayServer
from tests.sources import Sleeps
from tests.test_search_stage import cli

# NCBI's documented 429 body (quoted in biocommons/bioutils#16); any service's 429 will do here.
RATE_LIMITED = b'{"error":"API rate limit exceeded","count":"11","limit":"10"}'


def search(config: Path, server: ReplayServer) -> subprocess.CompletedProcess:
    return cli("search", "epmc", "--configfile", str(config), env=epmc_env(server))


def search_here(
    config: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[LivingReviewError | None, Sleeps]:
    """Run the search in this process with recorded sleeps; the error it raised, if any.

    The CLI only maps a :class:`LivingReviewError` to its message and exit code (checked by the
    subprocess tests here); in-process runs keep backoff instant.
    """
    for name, value in epmc_env(server).items():
        monkeypatch.setenv(name, value)
    sleeps = Sleeps()
    try:
        run_search(load_config([config]), "epmc", out_dir(config.parent), sleep=sleeps)
    except LivingReviewError as exc:
        return exc, sleeps
    return None, sleeps


def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "outputs/search/epmc"


def assert_not_complete(tmp_path: Path, result: subprocess.CompletedProcess, code: int) -> None:
    """Failed with one line and ``code``; nothing in the folder passes as a complete search."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("livingreview: error: ")
    assert_nothing_complete(tmp_path)


def assert_nothing_complete(tmp_path: Path) -> None:
    """No manifest.json or records.csv, no raw meta.json without an incomplete manifest."""
    out = out_dir(tmp_path)
    assert not (out / "manifest.json").exists()
    assert not (out / "records.csv").exists()
    assert not (out / "raw/meta.json").exists() or (out / "manifest.incomplete.json").exists()
    assert not [p for p in out.rglob("*.tmp")], "a temporary file was left behind"


def raw_entries(tmp_path: Path) -> list[dict]:
    index = out_dir(tmp_path) / "raw/index.jsonl"
    return [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines()]


def test_a_search_killed_between_pages_restarts_cleanly(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    page_2 = epmc_page(sources_dir, EPMC_PAGE_2, 50)
    page_2_requested, release = threading.Event(), threading.Event()

    def hang(params: dict[str, str]) -> bytes:
        page_2_requested.set()
        release.wait(30)
        return page_2

    # run 1: complete; run 2: killed while waiting for page 2; run 3: complete again
    serve_two_epmc_pages(replay_server, sources_dir, Answer(page_2, times=1), Answer(hang, times=1))
    config = write_protocol(tmp_path, epmc_source())
    first = search(config, replay_server)
    assert first.returncode == 0, first.stderr
    records = (out_dir(tmp_path) / "records.csv").read_bytes()
    shutil.rmtree(tmp_path / "history")  # search the round again, not replay its kept responses

    process = subprocess.Popen(
        [sys.executable, "-m", "livingreview", "search", "epmc", "--configfile", str(config)],
        cwd=REPO_ROOT,
        env={**os.environ, **epmc_env(replay_server)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert page_2_requested.wait(30), "the second run never asked for page 2"
        assert len(raw_entries(tmp_path)) == 1  # page 1 of the second run is archived
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        release.set()
    out = out_dir(tmp_path)
    assert not (out / "manifest.json").exists()  # run 1's manifest never passes as run 2's
    assert not (out / "records.csv").exists()
    assert not (out / "manifest.incomplete.json").exists()
    assert not (out / "raw/meta.json").exists()
    assert not [p for p in out.rglob("*.tmp")]

    # The interrupted archive cannot be replayed as if it were a finished search.
    shutil.copytree(out / "raw", tmp_path / "killed/epmc")
    replay = write_protocol(
        tmp_path, epmc_source(), mode="replay", replay_dir=str(tmp_path / "killed")
    )
    refused = search(replay, replay_server)
    assert refused.returncode == 2 and "raw-response archive has no meta.json" in refused.stderr

    third = search(config, replay_server)
    assert third.returncode == 0, third.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["retrieved"] == 50
    assert (out / "records.csv").read_bytes() == records
    cursors = [e["params"]["cursorMark"] for e in raw_entries(tmp_path)]
    assert cursors == ["*", CURSOR_2, CURSOR_3]


def test_network_failure_on_page_2_fails_cleanly(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    serve_two_epmc_pages(replay_server, sources_dir, Answer(b"", drop_connection=True))
    result = search(write_protocol(tmp_path, epmc_source()), replay_server)
    assert_not_complete(tmp_path, result, 3)
    assert "failed after 2 tries: connection error" in result.stderr
    assert len(raw_entries(tmp_path)) == 1  # page 1 kept for the audit, but no meta.json


def test_a_429_storm_on_page_2_honours_retry_after_then_completes(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = Answer(RATE_LIMITED, status=429, headers={"Retry-After": "7"}, times=3)
    serve_two_epmc_pages(replay_server, sources_dir, limited)
    config = write_protocol(tmp_path, epmc_source(max_tries=4))
    error, sleeps = search_here(config, replay_server, monkeypatch)
    assert error is None
    # exactly what the service asked for; the rest is pacing, widened after the 429s
    assert [s for s in sleeps if s >= 1] == [7.0, 7.0, 7.0]
    assert all(s <= 0.34 for s in sleeps if s < 1)  # 0.1 widened 1.5-fold per 429
    manifest = json.loads((out_dir(tmp_path) / "manifest.json").read_text())
    assert (manifest["complete"], manifest["retrieved"], manifest["raw_responses"]) == (True, 50, 3)


def test_a_429_storm_that_never_ends_fails_cleanly(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = Answer(RATE_LIMITED, status=429, headers={"Retry-After": "7"})
    serve_two_epmc_pages(replay_server, sources_dir, limited)
    config = write_protocol(tmp_path, epmc_source(max_tries=3))
    error, sleeps = search_here(config, replay_server, monkeypatch)
    assert isinstance(error, HTTPError) and error.exit_code == 3 and error.status == 429
    assert "failed after 3 tries: HTTP 429" in str(error)
    assert [s for s in sleeps if s >= 1] == [7.0, 7.0]
    assert len(replay_server.requests("/rest/search")) == 4  # page 1, then page 2 three times
    assert_nothing_complete(tmp_path)


def test_a_transfer_cut_mid_body_is_retried(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    page_2 = epmc_page(sources_dir, EPMC_PAGE_2, 50)
    serve_two_epmc_pages(replay_server, sources_dir, Answer(page_2, cut_after=500, times=1))
    result = search(write_protocol(tmp_path, epmc_source()), replay_server)
    assert result.returncode == 0, result.stderr
    assert "connection error: ChunkedEncodingError" in result.stderr
    entries = raw_entries(tmp_path)
    assert len(entries) == 3  # pages 1, 2 and the end page: the cut transfer was never archived
    assert (out_dir(tmp_path) / "raw" / entries[1]["file"]).read_bytes() == page_2


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Answer(b"", cut_after=0), "connection error: ChunkedEncodingError"),
        (Answer(b'{"version": "6.9", "hitCount": 50, "resultL'), "body is not valid JSON"),
    ],
    ids=["cut-transfer", "truncated-json"],
)
def test_a_page_that_always_arrives_truncated_fails_cleanly(
    replay_server: ReplayServer,
    sources_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: Answer,
    message: str,
) -> None:
    fault.body = fault.body or epmc_page(sources_dir, EPMC_PAGE_2, 50)
    serve_two_epmc_pages(replay_server, sources_dir, fault)
    config = write_protocol(tmp_path, epmc_source(max_tries=3))
    error, _ = search_here(config, replay_server, monkeypatch)
    assert isinstance(error, HTTPError) and message in str(error)
    assert len(replay_server.requests("/rest/search")) == 4
    assert_nothing_complete(tmp_path)


def test_a_total_that_changes_on_page_2_is_an_incomplete_search(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    serve_two_epmc_pages(replay_server, sources_dir, second_total=49)
    result = search(write_protocol(tmp_path, epmc_source()), replay_server)
    assert_not_complete(tmp_path, result, 3)
    assert "reported 50 records on page 1 but 49 on page 2" in result.stderr
    partial = json.loads((out_dir(tmp_path) / "manifest.incomplete.json").read_text())
    assert partial["complete"] is False
    # page 2 belongs to another result set: only the pages consistent with page 1 are counted
    assert (partial["retrieved"], partial["reported_total"]) == (25, 50)
    assert "results changed while paging" in partial["incomplete_reason"]


def test_a_total_that_grows_on_page_2_is_incomplete_too(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_two_epmc_pages(replay_server, sources_dir, total=25, second_total=26)
    config = write_protocol(tmp_path, epmc_source())
    error, _ = search_here(config, replay_server, monkeypatch)
    assert isinstance(error, IncompleteSearchError)
    assert "reported 25 records on page 1 but 26 on page 2" in str(error)
    partial = json.loads((out_dir(tmp_path) / "manifest.incomplete.json").read_text())
    # 25 of 25 retrieved, yet never complete: the failure decides, not the arithmetic
    assert (partial["complete"], partial["retrieved"], partial["reported_total"]) == (False, 25, 25)
    assert_nothing_complete(tmp_path)


def test_a_page_handed_out_again_does_not_make_up_the_total(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Page 2 holds page 1's 25 records again (and echoes the cursor: the end). With the repeats
    # 50 of the 50 reported records arrived; only 25 distinct ones did.
    replay_server.add(
        "GET",
        "/rest/search",
        Answer(epmc_page(sources_dir, EPMC_CORE, 50), match=cursor_is("*")),
        Answer(epmc_page(sources_dir, EPMC_LITE, 50), match=cursor_is(CURSOR_2)),
    )
    config = write_protocol(tmp_path, epmc_source())
    error, _ = search_here(config, replay_server, monkeypatch)
    assert isinstance(error, IncompleteSearchError) and error.exit_code == 3, error
    assert "ended after 50 (2 page(s)), 25 of them repeats of records already" in str(error)
    assert "retrieved 50 of 50" not in str(error)  # the repeats, not a full count, lead
    assert_nothing_complete(tmp_path)
    partial = json.loads((out_dir(tmp_path) / "manifest.incomplete.json").read_text())
    assert (partial["complete"], partial["retrieved"], partial["reported_total"]) == (False, 50, 50)
    assert "25 of them repeats" in partial["incomplete_reason"]


def test_a_redirect_loop_fails_cleanly(
    replay_server: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = Answer(b"", status=302, headers={"Location": "/rest/search"})
    replay_server.add("GET", "/rest/search", loop)
    config = write_protocol(tmp_path, epmc_source())
    error, _ = search_here(config, replay_server, monkeypatch)
    assert isinstance(error, HTTPError) and "failed: TooManyRedirects" in str(error)
    assert_nothing_complete(tmp_path)


@pytest.mark.parametrize("url", ["not a url", "ftp://mirror.example.org/", "http://"])
def test_an_unusable_base_url_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("LIVINGREVIEW_EUROPEPMC_BASE_URL", url)
    config = load_config([write_protocol(tmp_path, epmc_source())])
    with pytest.raises(ConfigError, match="is not a usable http") as error:
        run_search(config, "epmc", out_dir(tmp_path), sleep=Sleeps())
    assert f"base URL {url!r}" in str(error.value) and error.value.exit_code == 2
    assert_nothing_complete(tmp_path)


def test_retry_after_is_capped_and_http_dates_are_honoured(replay_server: ReplayServer) -> None:
    soon = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    replay_server.add(
        "GET",
        "/api/x",
        Answer(RATE_LIMITED, status=429, headers={"Retry-After": "90"}, times=1),
        Answer(RATE_LIMITED, status=503, headers={"Retry-After": soon}, times=1),
        Answer(b"{}"),
    )
    sleeps = Sleeps()
    settings = ServiceSettings(
        name="svc", base_url=replay_server.url + "/api/", min_interval=0, backoff_max=20
    )
    assert HttpClient(settings, sleep=sleeps).get("x").body == b"{}"
    backoffs = [s for s in sleeps if s >= 1]
    # a Retry-After above backoff_max, within what the 5 retries left span, is capped (one that
    # outlasts them fails at once: tests/test_http.py)
    assert backoffs[0] == 20
    assert 15 <= backoffs[1] <= 20  # an HTTP date 30 s ahead, capped too


def test_no_retry_is_spent_on_a_permanent_failure(replay_server: ReplayServer) -> None:
    replay_server.add("GET", "/api/x", Answer(b'{"error": "Bad Request"}', status=400))
    settings = ServiceSettings(name="svc", base_url=replay_server.url + "/api/", min_interval=0)
    with pytest.raises(HTTPError, match="answered HTTP 400"):
        HttpClient(settings, sleep=Sleeps()).get("x")
    assert len(replay_server.requests()) == 1


def test_an_interrupted_write_keeps_the_previous_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "manifest.json"
    write_json(manifest, {"complete": True, "retrieved": 50})
    before = output_files(tmp_path)

    def crash(fd: int) -> None:
        raise KeyboardInterrupt  # the process stopped between writing and renaming

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(KeyboardInterrupt):
        write_json(manifest, {"complete": False, "retrieved": 25})
    assert output_files(tmp_path) == before


def _drop_body(raw: Path) -> None:
    (raw / raw_index(raw)[1]["file"]).unlink()


def _edit_entry(raw: Path, change: dict[str, object]) -> None:
    entries = raw_index(raw)
    entries[0].update(change)
    (raw / "index.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))


def raw_index(raw: Path) -> list[dict]:
    return [json.loads(line) for line in (raw / "index.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_drop_body, "listed in index.jsonl but cannot be read"),
        (lambda raw: _edit_entry(raw, {"sha256": None}), "entry lacks 'sha256'"),
        (lambda raw: _edit_entry(raw, {"file": "../../secrets.env"}), "must be a plain file name"),
        (lambda raw: (raw / "meta.json").write_text("[]"), "expected a JSON object"),
        (lambda raw: (raw / "index.jsonl").write_text("[1, 2]\n"), "one JSON object per line"),
    ],
    ids=["missing-body", "entry-without-sha256", "file-outside-archive", "bad-meta", "bad-index"],
)
def test_replaying_a_damaged_archive_names_the_file(
    replay_server: ReplayServer,
    sources_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[Path], None],
    message: str,
) -> None:
    serve_two_epmc_pages(replay_server, sources_dir)
    assert (
        search_here(write_protocol(tmp_path, epmc_source()), replay_server, monkeypatch)[0] is None
    )
    shutil.copytree(out_dir(tmp_path) / "raw", tmp_path / "snapshot/epmc")
    damage(tmp_path / "snapshot/epmc")
    replay = write_protocol(
        tmp_path, epmc_source(), mode="replay", replay_dir=str(tmp_path / "snapshot")
    )
    error, _ = search_here(replay, replay_server, monkeypatch)
    assert isinstance(error, InputFileError) and error.exit_code == 2, error
    assert str(tmp_path / "snapshot/epmc") in str(error) and message in str(error)
    assert_nothing_complete(tmp_path)


def log_text(tmp_path: Path) -> str:
    return (tmp_path / "crashed-run.log").read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_a_crashed_pipeline_reruns_only_the_unfinished_search(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    """Snakemake and its jobs killed (a crash, a node lost) while one search waits for page 2.

    After ``--unlock``, the next run keeps the search that had finished and redoes the other.
    """
    serve_two_epmc_pages(replay_server, sources_dir, total=50)
    ids_page = sources_dir / "openalex/openalex_works_filter_ids_cursor_star.json"
    exhausted = sources_dir / "openalex/openalex_works_cursor_exhausted.json"
    cursor = json.loads(ids_page.read_bytes())["meta"]["next_cursor"]
    page_2_requested, release = threading.Event(), threading.Event()

    def hang(params: dict[str, str]) -> bytes:
        page_2_requested.set()
        release.wait(60)
        return exhausted.read_bytes()

    replay_server.add(
        "GET",
        "/openalex/works",
        Answer.file(ids_page, match=lambda p: p.get("cursor") == "*"),
        Answer(hang, match=lambda p: p.get("cursor") == cursor, times=1),
        Answer.file(exhausted, match=lambda p: p.get("cursor") == cursor),
    )
    openalex = {"client": "openalex", "query": "x", "filter": "openalex:W3045921891|W3046863325"}
    config = write_protocol(tmp_path, {**epmc_source(), "openalex": openalex})
    env = {
        **os.environ,
        **epmc_env(replay_server),
        "LIVINGREVIEW_OPENALEX_BASE_URL": replay_server.url + "/openalex/",
    }
    snakemake = [
        sys.executable, "-m", "snakemake", str(tmp_path / "outputs/search/prisma_s.md"),
        "--snakefile", str(REPO_ROOT / "Snakefile"), "--directory", str(tmp_path),
        "--cores", "2", "--resources", "api=2", "--configfile", str(config),
    ]  # fmt: skip
    log = (tmp_path / "crashed-run.log").open("w")
    run = subprocess.Popen(
        snakemake, cwd=tmp_path, env=env, start_new_session=True, stdout=log, stderr=log,
    )  # fmt: skip
    epmc = tmp_path / "outputs/search/epmc/manifest.json"
    try:
        assert page_2_requested.wait(90), log_text(tmp_path)[-3000:]
        deadline = time.monotonic() + 60  # until Snakemake has recorded the finished search
        while "1 of 3 steps" not in log_text(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert epmc.exists(), log_text(tmp_path)[-3000:]
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # Snakemake, the job shells and the searches
        run.wait(10)
        release.set()
        log.close()
    finished = epmc.read_bytes()
    assert not (tmp_path / "outputs/search/openalex/manifest.json").exists()
    epmc_requests = len(replay_server.requests("/rest/search"))

    unlock = subprocess.run([*snakemake, "--unlock"], cwd=tmp_path, env=env, capture_output=True)
    assert unlock.returncode == 0, unlock.stderr[-2000:]
    rerun = subprocess.run(snakemake, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "wildcards: source=openalex" in rerun.stderr
    assert "wildcards: source=epmc" not in rerun.stderr  # the finished search is kept ...
    assert len(replay_server.requests("/rest/search")) == epmc_requests  # ... not asked again
    assert epmc.read_bytes() == finished
    manifest = json.loads((tmp_path / "outputs/search/openalex/manifest.json").read_text())
    assert manifest["complete"] is True and manifest["retrieved"] == 2
