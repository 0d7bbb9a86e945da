"""The search stage through the CLI: live searches against a local server, incomplete searches,
replay of the recorded archive, and configured imports of real exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.replay_server import Answer, ReplayServer

EPMC_PAGE = "europepmc/epmc_search_core_cancer.json"
EPMC_END = "europepmc/epmc_search_no_results.json"


def protocol(tmp_path: Path, human: Path, **search: object) -> Path:
    config = {
        "review": {"id": "t", "title": "Test review", "question": "Q?", "version": "1"},
        "paths": {"human_input": str(human), "outputs": str(tmp_path / "outputs")},
        "search": {"secrets_file": str(tmp_path / "none.env"), **search},
        "sources": {
            "epmc": {
                "client": "europepmc",
                "query": "cancer",
                "batch_size": 25,
                "min_interval": 0,
                "max_tries": 2,
            }
        },
        "imports": {},
        "deduplication": {"history_dir": str(tmp_path / "history")},
    }
    path = tmp_path / f"config-{len(list(tmp_path.glob('config-*')))}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "livingreview", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
    )


def serve_epmc(server: ReplayServer, sources_dir: Path, hit_count: int | None) -> None:
    page = json.loads((sources_dir / EPMC_PAGE).read_bytes())
    if hit_count is not None:  # a complete search needs the total to match what the pages hold
        page["hitCount"] = hit_count
    server.add(
        "GET",
        "/rest/search",
        Answer(json.dumps(page).encode(), match=lambda p: p.get("cursorMark") == "*"),
        Answer.file(sources_dir / EPMC_END),
    )


def test_live_search_writes_records_manifest_and_raw_then_replays_identically(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    serve_epmc(replay_server, sources_dir, hit_count=25)
    env = {
        "LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/",
        "LIVINGREVIEW_EMAIL": "secret.person@example.org",
    }
    result = cli("search", "epmc", "--configfile", str(protocol(tmp_path, tmp_path)), env=env)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "outputs/search/epmc"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["reported_total"] == manifest["retrieved"] == 25
    assert manifest["complete"] is True and manifest["mode"] == "live"
    assert manifest["query_sent"].startswith("cancer")
    assert manifest["base_url"] == replay_server.url + "/rest/"
    assert "epmc: 25/25 records retrieved" in result.stderr  # progress
    records = (out / "records.csv").read_bytes()
    assert records.count(b"\nepmc:") == 25
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"secret.person@example.org" not in path.read_bytes(), path

    replay_root = tmp_path / "archive"
    (replay_root / "epmc").parent.mkdir()
    (out / "raw").rename(replay_root / "epmc")
    config = protocol(tmp_path, tmp_path, mode="replay", replay_dir=str(replay_root))
    requests_before = len(replay_server.requests())
    replayed = cli("search", "epmc", "--configfile", str(config))
    assert replayed.returncode == 0, replayed.stderr
    assert (out / "records.csv").read_bytes() == records
    again = json.loads((out / "manifest.json").read_text())
    assert again["mode"] == "replay" and again["ran_at"] == manifest["ran_at"]
    assert len(replay_server.requests()) == requests_before


def test_a_rounds_live_search_is_kept_and_replayed_when_the_round_runs_again(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    # outputs/ deleted (or a fresh clone) and the round run again: it gets back the records and
    # the search date it had, from the responses kept with its snapshot, not a new search.
    serve_epmc(replay_server, sources_dir, hit_count=25)
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    config = protocol(tmp_path, tmp_path)
    assert cli("search", "epmc", "--configfile", str(config), env=env).returncode == 0
    kept = tmp_path / "history/1/searches/epmc"
    assert (kept / "meta.json").is_file() and (kept / "index.jsonl").is_file()
    out = tmp_path / "outputs/search/epmc"
    bodies = sorted(p.name for p in (out / "raw").iterdir() if p.name[0].isdigit())
    assert sorted(p.name for p in kept.iterdir() if p.name[0].isdigit()) == [
        f"{name}.gz" for name in bodies
    ]  # kept compressed for the repository
    first = {name: (out / name).read_bytes() for name in ("records.csv", "manifest.json")}
    shutil.rmtree(tmp_path / "outputs")
    sent = len(replay_server.requests())

    again = cli("search", "epmc", "--configfile", str(config), env=env)
    assert again.returncode == 0, again.stderr
    assert {name: (out / name).read_bytes() for name in first} == first
    assert len(replay_server.requests()) == sent  # nothing asked of the service

    # The same round with its query changed: not silently searched again.
    edited = yaml.safe_load(config.read_text(encoding="utf-8"))
    edited["sources"]["epmc"]["query"] = "cancer AND therapy"
    config.write_text(yaml.safe_dump(edited), encoding="utf-8")
    changed = cli("search", "epmc", "--configfile", str(config), env=env)
    assert changed.returncode != 0 and "Traceback" not in changed.stderr
    assert f"its responses are kept in {kept}" in changed.stderr
    assert "livingreview round new" in changed.stderr
    assert len(replay_server.requests()) == sent

    # The next round searches afresh and keeps its own responses.
    edited["review"]["version"] = "2"
    config.write_text(yaml.safe_dump(edited), encoding="utf-8")
    serve_epmc(replay_server, sources_dir, hit_count=25)
    assert cli("search", "epmc", "--configfile", str(config), env=env).returncode == 0
    assert len(replay_server.requests()) > sent
    assert (tmp_path / "history/2/searches/epmc/meta.json").is_file()


def test_a_short_search_fails_loudly_and_is_never_counted_complete(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    serve_epmc(replay_server, sources_dir, hit_count=None)  # real hitCount 5,059,039
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    result = cli("search", "epmc", "--configfile", str(protocol(tmp_path, tmp_path)), env=env)
    assert result.returncode == 3
    assert "incomplete" in result.stderr and "Traceback" not in result.stderr
    out = tmp_path / "outputs/search/epmc"
    assert not (out / "manifest.json").exists() and not (out / "records.csv").exists()
    partial = json.loads((out / "manifest.incomplete.json").read_text())
    assert partial["complete"] is False
    assert (partial["retrieved"], partial["reported_total"]) == (25, 5059039)


def test_server_errors_are_retried_then_reported(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    replay_server.add("GET", "/rest/search", Answer(b"<html>busy</html>", status=503))
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    result = cli("search", "epmc", "--configfile", str(protocol(tmp_path, tmp_path)), env=env)
    assert result.returncode == 3
    assert "failed after 2 tries: HTTP 503" in result.stderr
    assert len(replay_server.requests()) == 2


def test_configured_import_of_a_real_export(sources_dir: Path, tmp_path: Path) -> None:
    config = yaml.safe_load(protocol(tmp_path, sources_dir / "exports").read_text())
    config["imports"] = {
        "wos": {
            "database": "Web of Science Core Collection",
            "files": ["wos/wos_sample.txt"],
            "searched_on": "2025-01-31",
            "query": "TS=(bibliometrics)",
        }
    }
    path = tmp_path / "import.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = cli("import", "--name", "wos", "--configfile", str(path))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "outputs/search/wos/manifest.json").read_text())
    assert manifest["retrieved"] == 8 and manifest["ran_at"] == "2025-01-31"
    assert manifest["files"][0]["format"] == "wos" and manifest["files"][0]["records_in_file"] == 8

    config["imports"]["wos"]["records_reported"] = 9
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    mismatch = cli("import", "--name", "wos", "--configfile", str(path))
    assert mismatch.returncode == 2
    assert "reported 9 records" in mismatch.stderr and "hold 8" in mismatch.stderr


def test_standalone_import_of_several_files(sources_dir: Path, tmp_path: Path) -> None:
    files = [
        sources_dir / "exports/ris/synthesisr_Scopus.ris",
        sources_dir / "exports/nbib/synthesisr_PubMed.nbib.txt",
    ]
    out = tmp_path / "records.csv"
    result = cli("import", *map(str, files), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "6 records" in result.stdout
    assert out.read_text(encoding="utf-8").count("\nimport:") == 6


@pytest.mark.parametrize("content", [b"\x00\x01\x02garbage", b""])
def test_standalone_import_of_a_broken_file_is_one_clear_line(
    tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "export.ris"
    bad.write_bytes(content)
    result = cli("import", str(bad), "--out", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert str(bad) in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "x.csv").exists()


def imported_wos_sample(
    sources_dir: Path, tmp_path: Path, human: Path
) -> tuple[dict[str, Any], Path]:
    """A protocol importing the real WoS sample from ``human``, imported and summarised; the
    protocol and the file it is saved in."""
    from livingreview.cli import main

    shutil.copytree(sources_dir / "exports/wos", human / "exports")
    config = yaml.safe_load(protocol(tmp_path, human).read_text())
    config["sources"]["epmc"]["enabled"] = False
    config["imports"] = {
        "wos": {
            "database": "Web of Science Core Collection",
            "files": ["exports/wos_sample.txt"],
            "searched_on": "2025-01-31",
        }
    }
    path = tmp_path / "import.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["import", "--name", "wos", "--configfile", str(path)]) == 0
    assert main(["summarise", "--configfile", str(path)]) == 0
    return config, path


def test_an_import_made_from_another_human_input_folder_is_not_counted(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The demo's imports, then the review's own protocol in the same checkout: the outputs hold
    # an import of exports/... made from the demo's folder, where the review's folder has none.
    from livingreview.cli import main

    human = tmp_path / "demo_human"
    config, path = imported_wos_sample(sources_dir, tmp_path, human)

    (tmp_path / "human").mkdir()
    config["paths"]["human_input"] = str(tmp_path / "human")
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    capsys.readouterr()
    assert main(["summarise", "--configfile", str(path)]) == 2
    error = capsys.readouterr().err
    assert "human/exports/wos_sample.txt: export file not found" in error
    assert "made from a file of that name elsewhere" in error

    config["paths"]["human_input"] = str(human)  # back, but the export edited since
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    export = human / "exports/wos_sample.txt"
    export.write_bytes(export.read_bytes().replace(b"\nER", b"\nER", 1) + b"\n")
    assert main(["summarise", "--configfile", str(path)]) == 2
    assert "changed since the import of wos" in capsys.readouterr().err


def test_an_import_whose_protocol_now_names_other_files_is_not_counted(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A new round's export named in imports.<name>.files but not (yet) put in the human-input
    # folder: Snakemake keeps the import of the old file (its output exists, the new input does
    # not), so the summary must not count the old import as this protocol's.
    from livingreview.cli import main

    config, path = imported_wos_sample(sources_dir, tmp_path, tmp_path / "human")

    config["imports"]["wos"].update(files=["exports/wos_round2.txt"], searched_on="2025-06-02")
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    capsys.readouterr()
    assert main(["summarise", "--configfile", str(path)]) == 2
    error = capsys.readouterr().err
    assert "human/exports/wos_round2.txt: export file not found" in error
    assert "imports.wos.files[0]" in error and error.count("\n") == 1

    # Every file there, but not the ones the import in the outputs was made from, or not on
    # the day the protocol now gives: import it again.
    config["imports"]["wos"]["files"] = ["exports/wos_sample.txt", "exports/synthesisr_WoS.txt"]
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["summarise", "--configfile", str(path)]) == 2
    error = capsys.readouterr().err
    assert "imports.wos" in error and "exports/synthesisr_WoS.txt" in error
    assert "livingreview import --name wos" in error
    config["imports"]["wos"].update(files=["exports/wos_sample.txt"], searched_on="2025-06-02")
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["summarise", "--configfile", str(path)]) == 2
    assert "2025-06-02" in capsys.readouterr().err
    assert main(["import", "--name", "wos", "--configfile", str(path)]) == 0
    assert main(["summarise", "--configfile", str(path)]) == 0


def kept_search(replay_server: ReplayServer, sources_dir: Path, tmp_path: Path) -> tuple:
    """A live search of round 1 kept in history/1/searches/epmc, then outputs/ deleted: (the
    protocol, the service's environment, the kept folder, the kept meta.json's bytes)."""
    serve_epmc(replay_server, sources_dir, hit_count=25)
    env = {"LIVINGREVIEW_EUROPEPMC_BASE_URL": replay_server.url + "/rest/"}
    config = protocol(tmp_path, tmp_path)
    assert cli("search", "epmc", "--configfile", str(config), env=env).returncode == 0
    kept = tmp_path / "history/1/searches/epmc"
    shutil.rmtree(tmp_path / "outputs")
    return config, env, kept, (kept / "meta.json").read_bytes()


def copy_as_keep_does(kept: Path, partial: Path, complete: bool = True) -> None:
    """What kept_searches.keep writes in ``.epmc.partial`` before it moves it: the archive, its
    bodies compressed (here copied from the kept one); not ``complete``: stopped in the copy."""
    shutil.copytree(kept, partial)
    if not complete:
        for body in sorted(p for p in partial.iterdir() if p.name[0].isdigit())[1:]:
            body.unlink()


def test_a_run_stopped_between_the_two_moves_of_keep_is_completed_not_searched_again(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    """keep() copies the new archive to .epmc.partial, moves the kept one to .epmc.old, then the
    copy to epmc. Stopped between the moves, the next run found no kept archive: it searched the
    round again live (other answers than its sheets were made from), kept that, and removed
    .epmc.old, the round's responses, without a word."""
    config, env, kept, meta = kept_search(replay_server, sources_dir, tmp_path)
    copy_as_keep_does(kept, kept.with_name(".epmc.partial"))
    kept.rename(kept.with_name(".epmc.old"))
    sent = len(replay_server.requests())
    again = cli("search", "epmc", "--configfile", str(config), env=env)
    assert again.returncode == 0, again.stderr
    assert len(replay_server.requests()) == sent  # replayed, not searched again
    assert (kept / "meta.json").read_bytes() == meta
    assert sorted(p.name for p in kept.parent.iterdir()) == ["epmc"]
    assert "a run stopped while replacing these kept responses left .epmc.partial" in again.stderr
    assert "removed .epmc.old" in again.stderr


def test_an_unfinished_copy_or_a_replaced_archive_left_by_a_stopped_run_is_removed(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    """Stopped while copying, keep() left an unfinished .epmc.partial beside the kept archive;
    stopped in its last step, the replaced .epmc.old. A run replaying the kept archive never
    called keep(), so both stayed in the history dir, for the scheduled re-run to commit."""
    config, env, kept, meta = kept_search(replay_server, sources_dir, tmp_path)
    copy_as_keep_does(kept, kept.with_name(".epmc.partial"), complete=False)
    shutil.copytree(kept, kept.with_name(".epmc.old"))
    sent = len(replay_server.requests())
    again = cli("search", "epmc", "--configfile", str(config), env=env)
    assert again.returncode == 0, again.stderr
    assert len(replay_server.requests()) == sent
    assert (kept / "meta.json").read_bytes() == meta
    assert sorted(p.name for p in kept.parent.iterdir()) == ["epmc"]
    assert "removed .epmc.partial, the unfinished copy" in again.stderr
    assert "removed .epmc.old, the replaced copy" in again.stderr
