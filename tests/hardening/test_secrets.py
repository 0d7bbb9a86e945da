"""Secrets: API keys and the contact e-mail come only from the environment or the untracked
secrets file, reach the services, and are never written to outputs, logs, manifests, raw
archives or Snakemake's own records, even when a service echoes them back.

The search stage runs under Snakemake against the local replay server serving real payloads of
all four services, with a recognisable key per service (environment) and an e-mail (secrets
file); then every byte under the working directory and everything printed is searched for them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import yaml

from livingreview.archive import RawArchive
from livingreview.config import load_config
from livingreview.errors import HTTPError
from livingreview.http import HttpClient, ServiceSettings
from livingreview.search import build_settings, run_search
from livingreview.sources import get_client
from tests.conftest import REPO_ROOT
from tests.hardening import (
    EPMC_CORE,
    epmc_page,
    epmc_source,
    output_files,
    serve_two_epmc_pages,
    write_protocol,
)
from tests.replay_server import Answer, ReplayServer
from tests.sources import Sleeps
from tests.sources.test_crossref import CURSOR_STAR, with_total
from tests.sources.test_openalex import EXHAUSTED, IDS_CURSOR, IDS_PAGE
from tests.sources.test_pubmed_slicing import esearch_body

NCBI_KEY = "ncbi-KEY-7f3a9c21e5"
OPENALEX_KEY = "openalex-KEY-b84d02c6"
CROSSREF_TOKEN = "crossref-TOKEN-5e1f7a90"
EMAIL = "secret.reviewer+lr@example.org"
SECRETS = (NCBI_KEY, OPENALEX_KEY, CROSSREF_TOKEN, EMAIL)


def forms(secret: str) -> list[bytes]:
    """The secret as written and URL-encoded (how it travels in a query string)."""
    return sorted({s.encode() for s in (secret, quote(secret, safe=""), quote_plus(secret))})


def leaks(files: dict[str, bytes], *texts: str) -> list[str]:
    """Where any form of any secret appears."""
    found = []
    for secret in SECRETS:
        for form in forms(secret):
            found += [f"{name}: {secret}" for name, data in files.items() if form in data]
            found += [f"output: {secret}" for text in texts if form.decode() in text]
    return found


def serve_all_four(server: ReplayServer, sources_dir: Path) -> None:
    """Real payloads of PubMed, Europe PMC, OpenAlex and Crossref, each a complete search.

    PubMed first answers with NCBI's documented 429 body, which names the caller's api-key.
    """
    echo = b'{"error":"API rate limit exceeded","api-key":"%s","count":"11","limit":"10"}'
    esearch = esearch_body((sources_dir / "pubmed/esearch/esearch2.xml").read_bytes(), 2)
    server.add(
        "GET",
        "/eutils/esearch.fcgi",
        Answer(echo % NCBI_KEY.encode(), status=429, headers={"Retry-After": "0"}, times=1),
        Answer(esearch, content_type="text/xml; charset=UTF-8"),
    )
    server.add("GET", "/eutils/efetch.fcgi", Answer.file(sources_dir / "pubmed/efetch/pubmed1.xml"))
    server.add(
        "GET",
        "/rest/search",
        Answer(
            epmc_page(sources_dir, EPMC_CORE, 25),
            match=lambda p: p.get("cursorMark") == "*",
        ),
        Answer.file(sources_dir / "europepmc/epmc_search_no_results.json"),
    )
    server.add(
        "GET",
        "/openalex/works",
        Answer.file(sources_dir / IDS_PAGE, match=lambda p: p.get("cursor") == "*"),
        Answer.file(sources_dir / EXHAUSTED, match=lambda p: p.get("cursor") == IDS_CURSOR),
    )
    server.add("GET", "/crossref/works", Answer(with_total(sources_dir / CURSOR_STAR, 20)))


def protocol(tmp_path: Path) -> Path:
    common = {"min_interval": 0, "max_tries": 3}
    config = {
        "review": {"id": "s", "title": "Secrets", "question": "Q?", "version": "1"},
        "paths": {"human_input": str(tmp_path / "human"), "outputs": "outputs"},
        "search": {"secrets_file": str(tmp_path / "secrets.env")},
        "sources": {
            "medline": {"client": "pubmed", "query": "cancer", "api_key_env": "NCBI_API_KEY"},
            "epmc": {"client": "europepmc", "query": "cancer", "batch_size": 25},
            "openalex": {
                "client": "openalex",
                "query": "telomere",
                "filter": "openalex:W3045921891|W3046863325",
                "api_key_env": "OPENALEX_API_KEY",
            },
            "crossref": {"client": "crossref", "query": "widget", "api_key_env": "CROSSREF_TOKEN"},
        },
        "imports": {},
    }
    for spec in config["sources"].values():
        spec.update(common)
    path = tmp_path / "protocol.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_no_key_or_email_in_any_output_log_manifest_or_snakemake_record(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    serve_all_four(replay_server, sources_dir)
    workdir = tmp_path / "run"
    workdir.mkdir()
    (tmp_path / "secrets.env").write_text(
        f"# untracked\nLIVINGREVIEW_EMAIL='{EMAIL}'\n", encoding="utf-8"
    )
    url = replay_server.url
    env = {
        **os.environ,
        "NCBI_API_KEY": NCBI_KEY,
        "OPENALEX_API_KEY": OPENALEX_KEY,
        "CROSSREF_TOKEN": CROSSREF_TOKEN,
        "LIVINGREVIEW_PUBMED_BASE_URL": f"{url}/eutils/",
        "LIVINGREVIEW_EUROPEPMC_BASE_URL": f"{url}/rest/",
        "LIVINGREVIEW_OPENALEX_BASE_URL": f"{url}/openalex/",
        "LIVINGREVIEW_CROSSREF_BASE_URL": f"{url}/crossref/",
    }
    env.pop("LIVINGREVIEW_EMAIL", None)
    result = subprocess.run(
        [
            sys.executable, "-m", "snakemake",
            "--snakefile", str(REPO_ROOT / "Snakefile"),
            "--directory", str(workdir),
            "--cores", "2",
            "--configfile", str(protocol(tmp_path)),
            "--printshellcmds",
            "outputs/search/prisma_s.md",
        ],
        capture_output=True, text=True, env=env, cwd=workdir, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]

    # the secrets did reach the services (so the test can fail) ...
    sent = replay_server.requests()
    assert {r.params.get("api_key") for r in sent if r.path.startswith("/eutils")} == {NCBI_KEY}
    assert {r.params.get("email") for r in sent if r.path.startswith("/eutils")} == {EMAIL}
    assert {r.params.get("api_key") for r in sent if r.path.startswith("/openalex")} == {
        OPENALEX_KEY
    }
    assert {r.params.get("mailto") for r in sent if r.path.startswith("/crossref")} == {EMAIL}
    tokens = {
        r.headers.get("Crossref-Plus-API-Token") for r in sent if r.path.startswith("/crossref")
    }
    assert tokens == {f"Bearer {CROSSREF_TOKEN}"}
    # ... and were written nowhere: outputs, logs, manifests, raw archives, .snakemake records
    files = output_files(workdir)
    assert any(name.startswith("outputs/logs/search/") for name in files)
    assert any(name.endswith("raw/index.jsonl") for name in files)
    assert any(name.startswith(".snakemake/") for name in files)
    for name in ("medline", "epmc", "openalex", "crossref"):
        manifest = json.loads(files[f"outputs/search/{name}/manifest.json"])
        assert manifest["complete"] is True, name
    assert leaks(files, result.stdout, result.stderr) == []


def test_a_secret_echoed_by_a_service_is_redacted_from_archive_and_errors(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    def echo(params: dict[str, str]) -> bytes:  # as Europe PMC's "request" and Crossref's errors do
        return json.dumps({"request": params, "hitCount": 0}).encode()

    replay_server.add("GET", "/api/ok", Answer(echo))
    replay_server.add("GET", "/api/bad", Answer(echo, status=400))
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    settings = ServiceSettings(name="svc", base_url=replay_server.url + "/api/", min_interval=0)
    settings.secret_params.update({"api_key": NCBI_KEY, "email": EMAIL})
    settings.secret_headers["Crossref-Plus-API-Token"] = f"Bearer {CROSSREF_TOKEN}"
    http = HttpClient(settings, archive=archive, sleep=Sleeps())
    body = json.loads(http.get("ok", {"query": "cancer"}).body)
    assert body["request"] == {"query": "cancer", "api_key": "[redacted]", "email": "[redacted]"}
    with pytest.raises(HTTPError) as raised:
        http.get("bad", {"query": "cancer"})
    assert "[redacted]" in str(raised.value)
    assert leaks(output_files(tmp_path), str(raised.value)) == []
    replayed = HttpClient(settings, replay=RawArchive(tmp_path / "raw"), sleep=Sleeps())
    assert json.loads(replayed.get("ok", {"query": "cancer"}).body) == body  # sha256 still holds


def test_the_default_secrets_file_is_ignored_by_git() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "secrets.env"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode == 128:
        pytest.skip("not a git checkout")
    assert result.returncode == 0, "secrets.env must be listed in .gitignore"


def test_credentials_in_a_mirror_url_are_sent_but_never_shown(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "mirror-PASS-6d1c"
    host = replay_server.url.removeprefix("http://")
    mirror = f"http://proxy-user:{password}@{host}/rest/"
    monkeypatch.setenv("LIVINGREVIEW_EUROPEPMC_BASE_URL", mirror)
    serve_two_epmc_pages(replay_server, sources_dir)
    config = load_config([write_protocol(tmp_path, epmc_source())])
    manifest = run_search(config, "epmc", tmp_path / "out", sleep=Sleeps())
    assert manifest["complete"] is True
    assert manifest["base_url"] == f"http://{host}/rest/"
    sent = base64.b64encode(f"proxy-user:{password}".encode()).decode()
    assert {r.headers.get("Authorization") for r in replay_server.requests()} == {f"Basic {sent}"}
    replay_server.add("GET", "/rest/fail", Answer(b"busy", status=503))
    http = HttpClient(build_settings(config, "epmc", get_client("europepmc")), sleep=Sleeps())
    with pytest.raises(HTTPError) as raised:
        http.get("fail")
    assert f"GET http://{host}/rest/fail failed after 2 tries" in str(raised.value)
    texts = [str(raised.value), raised.value.url]
    for secret in (password, "proxy-user"):
        assert not [n for n, data in output_files(tmp_path).items() if secret.encode() in data]
        assert all(secret not in text for text in texts)


def test_a_comment_after_a_value_is_not_part_of_the_secret(tmp_path: Path) -> None:
    from livingreview.secrets import read_secrets_file

    secrets = tmp_path / "secrets.env"
    secrets.write_text(
        "NCBI_API_KEY=0123456789abcdef  # the lab's key\n"
        'LIVINGREVIEW_EMAIL="reviews@uni.example" # who to contact\n'
        "OPENALEX_API_KEY='k#1 2'\n"
        "OTHER=a#b\n",
        encoding="utf-8",
    )
    assert read_secrets_file(secrets) == {
        "NCBI_API_KEY": "0123456789abcdef",
        "LIVINGREVIEW_EMAIL": "reviews@uni.example",
        "OPENALEX_API_KEY": "k#1 2",  # inside quotes: all of it
        "OTHER": "a#b",  # a '#' inside a value is kept
    }


def test_a_comment_after_an_empty_value_is_not_sent_as_the_secret(tmp_path: Path) -> None:
    from livingreview.secrets import read_secrets_file

    secrets = tmp_path / "secrets.env"
    secrets.write_text("NCBI_API_KEY=   # ask the lab for one\nOTHER=#kept\n", encoding="utf-8")
    assert read_secrets_file(secrets) == {
        "NCBI_API_KEY": "",  # no key, not '# ask the lab for one'
        "OTHER": "#kept",  # no blank before '#': part of the value
    }


@pytest.mark.parametrize("line", ['NCBI_API_KEY="abc', 'NCBI_API_KEY="abc" def', "K='x'y"])
def test_a_quote_left_open_or_text_after_it_is_named(tmp_path: Path, line: str) -> None:
    from livingreview.errors import ConfigError
    from livingreview.secrets import read_secrets_file

    secrets = tmp_path / "secrets.env"
    secrets.write_text(f"# keys\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"secrets\.env, line 2: "):
        read_secrets_file(secrets)
