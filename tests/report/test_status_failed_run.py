"""``livingreview status`` after a pipeline run that did not finish: the failed step, its error
line and its log come first; once the step succeeds again, nothing of it is left."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest
import yaml

from livingreview.cli import main
from livingreview.steps import FAILED_DIR, UNFINISHED, StepFailed, run_step
from tests.conftest import REPO_ROOT
from tests.hardening import epmc_env, epmc_source, serve_two_epmc_pages, write_protocol
from tests.replay_server import Answer, ReplayServer
from tests.screening.sheet_helpers import returned_dir

DEMO_CONFIG = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]
NOT_FINISHED = "The last pipeline run did not finish: 1 step(s) failed or were stopped."


@pytest.fixture
def demo_copy(demo_outputs: Path, tmp_path: Path) -> tuple[list[str], Path]:
    """``--configfile`` arguments of the demo review run in ``tmp_path`` (a copy of its
    outputs and returned sheets), and the returned title/abstract sheet of reviewer r1."""
    outputs, human = tmp_path / "outputs", tmp_path / "human"
    shutil.copytree(demo_outputs, outputs)
    shutil.copytree(REPO_ROOT / "demo/human", human)
    override = tmp_path / "paths.yaml"
    paths = {"outputs": str(outputs), "human_input": str(human)}
    history = {"history_dir": str(outputs / "library_history")}
    override.write_text(yaml.safe_dump({"paths": paths, "deduplication": history}))
    config = yaml.safe_load((REPO_ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    config["paths"] = paths
    sheet = returned_dir(config) / "title_abstract_round1_r1_demo_illustrative.xlsx"
    assert sheet.exists()
    return ["--configfile", *map(str, [*DEMO_CONFIG, override])], sheet


def status(protocol: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines ``livingreview status`` prints."""
    capsys.readouterr()
    assert main(["status", *protocol]) == 0
    return capsys.readouterr().out.splitlines()


def type_decision(sheet: Path, row: int, value: str) -> None:
    """A reviewer types ``value`` into the decision cell of ``row`` and saves."""
    wb = openpyxl.load_workbook(sheet)
    ws = wb["Screening"]
    column = next(c.column for c in ws[1] if c.value == "decision")
    ws.cell(row=row, column=column).value = value
    wb.save(sheet)


def test_a_step_failed_on_a_damaged_sheet_is_said_first_until_it_succeeds(
    demo_copy: tuple[list[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    protocol, sheet = demo_copy
    before = status(protocol, capsys)
    assert not any("did not finish" in line for line in before)
    kept = sheet.read_bytes()
    type_decision(sheet, 3, "perhaps")
    log = tmp_path / "outputs/logs/screening/screen.log"
    with pytest.raises(StepFailed):  # the rule's step, as Snakemake runs it
        run_step(["screen", *protocol], log)
    error = log.read_text(encoding="utf-8").splitlines()[-1]
    assert error.startswith("livingreview: error: ") and sheet.name in error
    assert "row 3, field 'decision': unknown decision 'perhaps'" in error

    lines = status(protocol, capsys)
    assert lines[0] == before[0]  # the review's title, then the failure
    assert lines[1].startswith(NOT_FINISHED)
    assert lines[2:4] == [f"  Step 'screen' failed (exit 2): {error}", f"    Full log: {log}"]
    # Then what the last successful steps left, the step first in the work still pending.
    todo = before.index("Work still pending:") + 1
    again = "  - Pipeline: step 'screen' failed (above): correct what its error says and run the "
    assert lines[4:] == [*before[1:todo], again + "pipeline again", *before[todo:]]

    sheet.write_bytes(kept)  # the reviewer corrects the sheet; the step runs again
    run_step(["screen", *protocol], log)
    assert status(protocol, capsys) == before
    assert list((tmp_path / "outputs" / FAILED_DIR).iterdir()) == []


def test_a_search_process_failed_by_the_network_is_said_until_it_succeeds(
    replay_server: ReplayServer,
    sources_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search runs as a process of its own (rule search_api: ``2> log``); its failure is
    recorded there too, with the log its standard error went to."""
    protocol = ["--configfile", str(write_protocol(tmp_path, epmc_source()))]
    log = tmp_path / "outputs/logs/search/epmc.log"
    log.parent.mkdir(parents=True)
    serve_two_epmc_pages(replay_server, sources_dir, Answer(b"busy", status=503, times=2))
    for name, value in epmc_env(replay_server).items():
        monkeypatch.setenv(name, value)
    with log.open("w") as handle:
        command = [sys.executable, "-m", "livingreview", "search", "epmc", *protocol]
        assert subprocess.run(command, stderr=handle, check=False).returncode == 3
    error = log.read_text(encoding="utf-8").splitlines()[-1]
    assert error.startswith("livingreview: error: ") and "503" in error

    lines = status(protocol, capsys)
    assert lines[1].startswith(NOT_FINISHED)
    assert lines[2:4] == [f"  Step 'search epmc' failed (exit 3): {error}", f"    Full log: {log}"]
    others = {**epmc_source(enabled=False), "trials": epmc_source()["epmc"]}  # epmc dropped
    dropped = ["--configfile", str(write_protocol(tmp_path, others))]
    assert not any("did not finish" in line for line in status(dropped, capsys))  # not run now
    assert main(["search", "epmc", *protocol]) == 0  # the service answers again
    assert not any("did not finish" in line for line in status(protocol, capsys))
    assert list((tmp_path / "outputs" / FAILED_DIR).iterdir()) == []


def test_a_step_killed_from_outside_is_said_to_have_not_finished(
    replay_server: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A process killed outright (out of memory, a cluster's time limit) writes nothing when it
    stops: its step's record, written when it started with its process, says it is running
    while the process lives and that it was stopped once the process is gone."""
    protocol = ["--configfile", str(write_protocol(tmp_path, epmc_source()))]
    log = tmp_path / "outputs/logs/search/epmc.log"
    log.parent.mkdir(parents=True)
    asked, release = threading.Event(), threading.Event()

    def hang(params: dict[str, str]) -> bytes:
        asked.set()
        release.wait(30)
        return b"{}"

    replay_server.add("GET", "/rest/search", Answer(hang))
    command = [sys.executable, "-m", "livingreview", "search", "epmc", *protocol]
    env = {**epmc_env(replay_server), "PATH": "/usr/bin:/bin"}
    with log.open("w") as handle:
        running = subprocess.Popen(command, stderr=handle, env=env)
        try:
            assert asked.wait(30)  # the search is waiting for the service's answer
            while_running = status(protocol, capsys)
            running.kill()
            running.wait(30)
        finally:
            release.set()
    assert while_running[1] == (
        f"Step 'search epmc' is running now (process {running.pid} on this machine): what "
        "follows is what it will replace when it ends."
    )
    assert not any("did not finish" in line or "stopped" in line for line in while_running)
    assert not any("'search epmc'" in line for line in while_running[2:])  # no work for anyone

    lines = status(protocol, capsys)
    assert lines[1].startswith(NOT_FINISHED)
    stopped = "was stopped before it finished (killed, out of memory or out of time)"
    assert lines[2:4] == [f"  Step 'search epmc' {stopped}", f"    Full log: {log}"]
    # the work still pending says so too: no error to correct, the step did not fail
    pending = lines[lines.index("Work still pending:") + 1 :]
    assert pending[0] == (
        "  - Pipeline: step 'search epmc' was stopped before it finished (above): run it again "
        "(the pipeline, or the command if it was run by hand)"
    )
    assert not any("failed" in line for line in pending)

    # a record written on another machine (a cluster node): whether it runs cannot be told
    record = tmp_path / "outputs" / FAILED_DIR / "search_epmc.json"
    elsewhere = json.loads(record.read_text(encoding="utf-8"))
    assert elsewhere["process"]["pid"] == running.pid
    elsewhere["process"]["host"] = "another-node"
    record.write_text(json.dumps(elsewhere), encoding="utf-8")
    lines = status(protocol, capsys)
    assert lines[2] == f"  Step 'search epmc' {UNFINISHED}"
    assert "unless it is still running, run the pipeline again" in "\n".join(lines)
