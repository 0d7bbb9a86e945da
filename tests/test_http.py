"""The one HTTP layer: retries, backoff, Retry-After, pacing, secrets and the raw archive.

Every test talks to a real local HTTP server on 127.0.0.1 serving recorded payloads.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest

from livingreview.archive import RawArchive
from livingreview.errors import HTTPError, InputFileError, ReplayError
from livingreview.http import HttpClient, Response, ServiceSettings, retry_after_seconds
from tests.replay_server import Answer, ReplayServer
from tests.sources import Sleeps

RATE_LIMIT_BODY = b'{"error":"API rate limit exceeded","count":"11"}'  # NCBI's documented body


def client(server: ReplayServer, tmp_path: Path | None = None, **kw: object) -> HttpClient:
    settings = ServiceSettings(
        name="svc", base_url=server.url + "/api/", min_interval=0, max_tries=kw.pop("max_tries", 4)
    )  # type: ignore[arg-type]
    settings.secret_params.update(kw.pop("secrets", {}))  # type: ignore[arg-type]
    return HttpClient(settings, sleep=kw.pop("sleep", Sleeps()), **kw)  # type: ignore[arg-type]


def empty_archive(tmp_path: Path) -> RawArchive:
    """A new raw-response archive in ``tmp_path/raw``."""
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    return archive


def test_429_storm_honours_retry_after_then_succeeds(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    esearch = sources_dir / "pubmed/esearch/esearch2.xml"
    replay_server.add(
        "GET",
        "/api/esearch.fcgi",
        Answer(RATE_LIMIT_BODY, status=429, headers={"Retry-After": "3"}, times=2),
        Answer.file(esearch),
    )
    sleeps = Sleeps()
    http = client(replay_server, sleep=sleeps)
    response = http.get("esearch.fcgi", {"db": "pubmed", "term": "x"})
    assert response.body == esearch.read_bytes()
    backoffs = [s for s in sleeps if s >= 1]
    assert backoffs == [3.0, 3.0]
    assert all(s <= http.pacer.interval for s in sleeps if s < 1)  # pacing after the 429s
    assert len(replay_server.requests("/api/esearch.fcgi")) == 3
    assert http.pacer.interval > 0  # widened after the 429s


def test_a_refusal_asking_a_longer_wait_than_a_retry_makes_fails_at_once_quoting_it(
    replay_server: ReplayServer,
) -> None:
    """OpenAlex answers a spent daily budget with 429 and ``Retry-After`` of about an hour or
    more (its body, in this shape: 'Insufficient budget ... Resets at midnight UTC', retryAfter):
    asking again after a minute only fails again; the reader learns the wait and the reason."""
    body = (
        b'{"error":"Rate limit exceeded","message":"Insufficient budget. This request costs '
        b'$0.0001 but you only have $0 remaining. Resets at midnight UTC.","retryAfter":3564}'
    )
    replay_server.add(
        "GET", "/api/works", Answer(body, status=429, headers={"Retry-After": "3564"}, times=1),
        Answer(b'{"meta": {"count": 0}, "results": []}'),
    )  # fmt: skip
    sleeps = Sleeps()
    with pytest.raises(HTTPError, match=r"HTTP 429 and asks to wait 59 min .*Insufficient budget"):
        client(replay_server, sleep=sleeps).get("works", {"search": "x"})
    assert len(replay_server.requests("/api/works")) == 1
    assert not [s for s in sleeps if s >= 1]


def test_5xx_backoff_grows_exponentially_with_jitter(replay_server: ReplayServer) -> None:
    replay_server.add(
        "GET", "/api/x", Answer(b"<html>WWW Error 500</html>", status=502, times=3), Answer(b"{}")
    )
    sleeps = Sleeps()
    client(replay_server, sleep=sleeps, max_tries=5).get("x")
    assert len(sleeps) == 3
    for attempt, delay in enumerate(sleeps, start=1):
        ceiling = 2 ** (attempt - 1)
        assert 0.5 * ceiling <= delay <= ceiling


def test_exhausted_retries_name_the_service_and_problem(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    replay_server.add("GET", "/api/x", Answer(b"busy", status=503))
    archive = empty_archive(tmp_path)
    with pytest.raises(HTTPError, match=r"svc: GET .*/api/x failed after 3 tries: HTTP 503"):
        client(replay_server, archive=archive, max_tries=3).get("x")
    assert not (tmp_path / "raw" / "index.jsonl").exists()  # nothing half-recorded


def test_non_retryable_4xx_fails_at_once_with_the_service_message(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    body = sources_dir / "openalex/openalex_error_400_invalid_filter.json"
    replay_server.add("GET", "/api/works", Answer.file(body, status=400))
    with pytest.raises(HTTPError, match="is not a valid field") as err:
        client(replay_server).get("works", {"filter": "DOESNTEXIST:1"})
    assert err.value.status == 400
    assert len(replay_server.requests()) == 1


def test_dropped_connection_is_retried(replay_server: ReplayServer) -> None:
    replay_server.add("GET", "/api/x", Answer(b"", drop_connection=True, times=1), Answer(b"ok"))
    assert client(replay_server).get("x").body == b"ok"
    assert len(replay_server.requests()) == 2


def test_in_band_transient_errors_are_retried(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    failed = (
        b"<eSearchResult><ERROR>Search Backend failed: Database is not supported: pubmed"
        b"</ERROR></eSearchResult>"
    )
    good = sources_dir / "pubmed/esearch/esearch1.xml"
    replay_server.add(
        "GET",
        "/api/esearch.fcgi",
        Answer(failed, content_type="text/xml", times=1),
        Answer.file(good),
    )

    def transient(response: Response) -> str | None:
        return "backend failed" if b"Search Backend failed" in response.body else None

    response = client(replay_server).get("esearch.fcgi", {"term": "biopython"}, transient=transient)
    assert response.body == good.read_bytes()


def test_secrets_are_sent_but_never_archived(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    page = sources_dir / "openalex/openalex_works_filter_ids_cursor_star.json"
    replay_server.add("GET", "/api/works", Answer.file(page))
    archive = empty_archive(tmp_path)
    http = client(
        replay_server, archive=archive, secrets={"api_key": "SECRET-KEY-123", "mailto": "me@x.org"}
    )
    http.get("works", {"cursor": "*", "per_page": "100"})
    sent = replay_server.requests("/api/works")[0].params
    assert sent["api_key"] == "SECRET-KEY-123" and sent["mailto"] == "me@x.org"
    for file in (tmp_path / "raw").iterdir():
        text = file.read_bytes()
        assert b"SECRET-KEY-123" not in text and b"me@x.org" not in text
    entry = archive.entries()[0]
    assert entry["params"] == {"cursor": "*", "per_page": "100"}
    assert (tmp_path / "raw" / entry["file"]).read_bytes() == page.read_bytes()


def test_replay_answers_from_the_archive_and_refuses_unknown_requests(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    pages = [
        sources_dir / "openalex/openalex_keypaper_results_page_1.json",
        sources_dir / "openalex/openalex_keypaper_results_page_2.json",
    ]
    replay_server.add("GET", "/api/works", Answer.file(pages[0], times=1), Answer.file(pages[1]))
    archive = empty_archive(tmp_path)
    live = client(replay_server, archive=archive)
    bodies = [live.get("works", {"cursor": c}).body for c in ("*", "next")]

    replayed = client(replay_server, replay=RawArchive(tmp_path / "raw"))
    assert [replayed.get("works", {"cursor": c}).body for c in ("*", "next")] == bodies
    assert len(replay_server.requests()) == 2  # replay sent nothing
    with pytest.raises(ReplayError, match="holds no response for GET works\\?cursor=other"):
        replayed.get("works", {"cursor": "other"})


def test_replay_detects_a_tampered_body(replay_server: ReplayServer, tmp_path: Path) -> None:
    replay_server.add("GET", "/api/x", Answer(b'{"a": 1}'))
    archive = empty_archive(tmp_path)
    client(replay_server, archive=archive).get("x")
    body = tmp_path / "raw" / archive.entries()[0]["file"]
    body.write_bytes(b'{"a": 2}')
    with pytest.raises(InputFileError, match="does not match its sha256"):
        client(replay_server, replay=RawArchive(tmp_path / "raw")).get("x")


def compressed_page(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> tuple[RawArchive, bytes, Path]:
    """A real OpenAlex page recorded in ``tmp_path/raw``, then compressed: the archive, the body
    as received and its ``.gz`` file."""
    page = sources_dir / "openalex/openalex_keypaper_results_page_1.json"
    replay_server.add("GET", "/api/works", Answer.file(page))
    archive = empty_archive(tmp_path)
    body = client(replay_server, archive=archive).get("works").body
    archive.compress()
    [name] = [entry["file"] for entry in archive.entries()]
    return archive, body, tmp_path / "raw" / f"{name}.gz"


def test_a_compressed_archive_replays_the_bodies_as_received(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    archive, body, packed = compressed_page(replay_server, sources_dir, tmp_path)
    [entry] = archive.entries()  # names and hashes the body as received
    assert (entry["file"], entry["sha256"]) == (packed.stem, hashlib.sha256(body).hexdigest())
    assert not packed.with_suffix("").exists() and packed.stat().st_size < len(body) / 3
    first = packed.read_bytes()
    archive.compress()  # nothing left to compress; equal bodies give equal files
    assert packed.read_bytes() == first
    assert client(replay_server, replay=RawArchive(tmp_path / "raw")).get("works").body == body
    packed.write_bytes(first[: len(first) // 2])
    with pytest.raises(InputFileError, match=f"{packed.name}: compressed raw response is cut"):
        client(replay_server, replay=RawArchive(tmp_path / "raw")).get("works")


def test_a_damaged_compressed_body_is_named_not_a_traceback(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    _, _, packed = compressed_page(replay_server, sources_dir, tmp_path)
    data = bytearray(packed.read_bytes())
    data[10] ^= 0xFF  # the first byte of the deflate stream (after gzip's 10-byte header)
    packed.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match=f"{packed.name}: .*damaged"):
        client(replay_server, replay=RawArchive(tmp_path / "raw")).get("works")


def test_pacing_is_shared_between_clients(replay_server: ReplayServer, tmp_path: Path) -> None:
    replay_server.add("GET", "/api/x", Answer(b"ok"))

    def worker() -> None:
        settings = ServiceSettings(
            name="svc", base_url=replay_server.url + "/api/", min_interval=0.1
        )
        http = HttpClient(settings, state_dir=tmp_path / "pace")
        for _ in range(3):
            http.get("x")

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # When the server received them: six requests paced as one stream span at least five
    # intervals; two clients pacing only themselves send in pairs, spanning two. The span, not
    # each gap, is asserted, so a request delayed on a loaded machine cannot fail the test.
    arrivals = sorted(logged.received for logged in replay_server.requests("/api/x"))
    assert len(arrivals) == 6
    assert arrivals[-1] - arrivals[0] >= 0.45, arrivals


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_archive_index_is_deterministic(replay_server: ReplayServer, tmp_path: Path) -> None:
    replay_server.add("GET", "/api/x", Answer(b'{"n": 1}'))
    texts = []
    for run in ("a", "b"):
        archive = RawArchive(tmp_path / run)
        archive.reset()
        client(replay_server, archive=archive).get("x", {"b": "2", "a": "1"})
        texts.append((tmp_path / run / "index.jsonl").read_text())
    assert texts[0] == texts[1]
    assert json.loads(texts[0])["params"] == {"a": "1", "b": "2"}


def test_a_post_redirected_to_a_get_fails_instead_of_answering_an_empty_query(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    """requests re-sends a POST redirected by 301/302/303 as a GET without its form data: the
    answer to that empty request was returned (and archived) as the answer to the query."""
    replay_server.add("POST", "/api/esearch", Answer(b"", status=301, headers={"Location": "/v2"}))
    replay_server.add("GET", "/v2", Answer(b'{"count": 0}'))
    archive = empty_archive(tmp_path)
    with pytest.raises(HTTPError) as raised:
        client(replay_server, archive=archive).post("esearch", {"term": "a long query"})
    assert "POST " in str(raised.value) and "/api/esearch was redirected (HTTP 301)" in str(
        raised.value
    )
    assert "'/v2', which would lose the query sent as form data" in str(raised.value)
    assert raised.value.status == 301
    assert [r.method for r in replay_server.requests()] == ["POST", "GET"]  # never retried
    assert not (tmp_path / "raw/index.jsonl").exists()  # nothing archived
    # a 307 keeps the method and the form: followed as before
    replay_server.add("POST", "/api/moved", Answer(b"", status=307, headers={"Location": "/v3"}))
    replay_server.add("POST", "/v3", Answer(b'{"count": 7}'))
    assert client(replay_server).post("moved", {"term": "q"}).body == b'{"count": 7}'
    assert replay_server.requests("/v3")[0].params["term"] == "q"
