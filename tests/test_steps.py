"""Steps run inside the Snakemake process (livingreview.steps): messages to the rule's log,
failures as one error line, process-wide state left as found, one step at a time."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from livingreview.steps import FAILED_DIR, PACKAGE_LOGGER, StepFailed, record_path, run_step
from tests.conftest import REPO_ROOT

EXPORTS = REPO_ROOT / "demo/human/exports"


def protocol(tmp_path: Path, human: Path = REPO_ROOT / "demo/human") -> list[str]:
    """``--configfile`` arguments: the demo review with its outputs under ``tmp_path``."""
    override = tmp_path / "paths.yaml"
    override.write_text(
        f"paths: {{outputs: {tmp_path / 'outputs'}, human_input: {human}}}\n", encoding="utf-8"
    )
    files = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml", override]
    return ["--configfile", *map(str, files)]


def test_a_step_logs_to_its_log_file_and_leaves_logging_and_stderr_as_found(
    tmp_path: Path,
) -> None:
    package = logging.getLogger(PACKAGE_LOGGER)
    before = (list(package.handlers), package.level, package.propagate, sys.stderr)
    log = tmp_path / "logs/wos.log"
    run_step(["import", "--name", "wos", *protocol(tmp_path)], log)

    assert "livingreview.import: wos:" in log.read_text(encoding="utf-8")
    assert "web_of_science.ris: 60 records (ris)" in log.read_text(encoding="utf-8")
    written = (tmp_path / "outputs/search/wos/records.csv").read_text(encoding="utf-8")
    assert len(written.splitlines()) > 60  # header + 60 records (some span several lines)
    assert (list(package.handlers), package.level, package.propagate, sys.stderr) == before


def test_a_failing_step_raises_its_error_line_and_keeps_it_in_the_log(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ris"
    broken.write_text(
        (EXPORTS / "web_of_science.ris").read_text(encoding="utf-8")[:5000] + "\nXX  - \x00\n"
    )
    log = tmp_path / "import.log"
    argv = ["import", str(broken), "--out", str(tmp_path / "out.csv"), "--format", "ris"]
    with pytest.raises(StepFailed) as raised:
        run_step(argv, log)
    message = str(raised.value)
    assert message.startswith(f"livingreview import {broken}")
    assert "exited with 2: livingreview: error:" in message and "broken.ris" in message
    assert str(log) in message
    text = log.read_text(encoding="utf-8")
    assert "livingreview: error:" in text and "Traceback" not in text
    assert not (tmp_path / "out.csv").exists()


def test_a_usage_error_is_a_failed_step_with_the_usage_in_the_log(tmp_path: Path) -> None:
    log = tmp_path / "usage.log"
    with pytest.raises(StepFailed, match="exited with 2") as raised:
        run_step(["no-such-command"], log)
    assert "invalid choice: 'no-such-command'" in log.read_text(encoding="utf-8")
    assert raised.value.exit_code == 2


def test_steps_started_together_each_write_only_their_own_log(tmp_path: Path) -> None:
    exports = {"wos": "web_of_science.ris", "psycinfo": "psycnet_psycinfo.ris"}
    arguments = protocol(tmp_path)
    failures: list[BaseException] = []

    def step(name: str) -> None:
        try:
            run_step(["import", "--name", name, *arguments], tmp_path / f"{name}.log")
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=step, args=(name,)) for name in exports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for name, export in exports.items():
        text = (tmp_path / f"{name}.log").read_text(encoding="utf-8")
        assert export in text
        others = [other for other in exports.values() if other != export]
        assert not any(other in text for other in others)


def crashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> tuple[str, Path]:
    """``command`` run as a step whose code has a defect: its StepFailed message and its log."""
    from livingreview.cli import build_parser

    def defect(args: object) -> int:
        raise RuntimeError("a defect in a step")

    handler = build_parser().parse_args([command]).func  # patched where the parser finds it
    monkeypatch.setattr(sys.modules[handler.__module__], handler.__name__, defect)
    log = tmp_path / f"{command}.log"
    with pytest.raises(StepFailed) as raised:
        run_step([command, *protocol(tmp_path)], log)
    return str(raised.value), log


def test_a_crashing_step_keeps_its_traceback_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message, log = crashed(tmp_path, monkeypatch, "where")
    assert "livingreview where --configfile" in message
    assert "crashed: RuntimeError: a defect in a step" in message and str(log) in message
    text = log.read_text(encoding="utf-8")
    assert text.startswith("Traceback") and text.rstrip().endswith("a defect in a step")
    assert not (tmp_path / "outputs" / FAILED_DIR).exists()  # `where` is no pipeline step


def broken_export(tmp_path: Path) -> tuple[Path, bytes]:
    """``human/`` under ``tmp_path`` with the demo's exports, the Web of Science one cut and
    ended by a broken line; its path and its original bytes."""
    human = tmp_path / "human"
    shutil.copytree(REPO_ROOT / "demo/human/exports", human / "exports")
    export = human / "exports/web_of_science.ris"
    kept = export.read_bytes()
    export.write_text(kept.decode("utf-8")[:5000] + "\nXX  - \x00\n", encoding="utf-8")
    return export, kept


def test_a_failed_step_leaves_one_record_the_same_each_time_until_it_succeeds(
    tmp_path: Path,
) -> None:
    """The record of a failure is state, not an output: no time inside, so the same failure
    writes the same bytes, and the step's next success removes it."""
    export, kept = broken_export(tmp_path)
    human = tmp_path / "human"
    argv = ["import", "--name", "wos", *protocol(tmp_path, human)]
    log = tmp_path / "outputs/logs/import/wos.log"
    record = record_path(tmp_path / "outputs", "import wos")
    written = []
    for _ in range(2):
        with pytest.raises(StepFailed):
            run_step(argv, log)
        written.append(record.read_bytes())
    assert written[0] == written[1]
    error = log.read_text(encoding="utf-8").splitlines()[-1]
    assert "web_of_science.ris" in error and error.startswith("livingreview: error: ")
    expected = {"step": "import wos", "exit_code": 2, "error": error, "log": str(log)}
    assert json.loads(written[0]) == expected

    export.write_bytes(kept)
    run_step(argv, log)
    assert not record.exists()


def test_a_crashing_step_is_recorded_as_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, log = crashed(tmp_path, monkeypatch, "ledger")
    record = json.loads(record_path(tmp_path / "outputs", "ledger").read_text(encoding="utf-8"))
    error = "crashed: RuntimeError: a defect in a step"
    assert record == {"step": "ledger", "exit_code": 1, "error": error, "log": str(log)}


def test_a_step_run_by_hand_records_its_error_line_and_no_log_file(tmp_path: Path) -> None:
    broken_export(tmp_path)
    argv = ["import", "--name", "wos", *protocol(tmp_path, tmp_path / "human")]
    ran = subprocess.run(
        [sys.executable, "-m", "livingreview", *argv], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 2
    record = json.loads(record_path(tmp_path / "outputs", "import wos").read_text("utf-8"))
    error = ran.stderr.splitlines()[-1]
    assert record == {"step": "import wos", "exit_code": 2, "error": error, "log": ""}


def test_each_export_of_the_pipeline_is_a_step_and_a_standalone_one_is_none() -> None:
    from livingreview.cli import build_parser
    from livingreview.steps import step_name

    def named(*argv: str) -> str:
        return step_name(build_parser().parse_args(list(argv)))

    assert named("export", "--what", "included") == "export included"
    assert named("export", "--what", "library") == "export library"
    assert named("export", "--what", "library", "--format", "ris", "--out", "a.ris") == ""
    assert named("export", "--what", "included", "--format", "ris") == ""  # a usage error
    assert named("screen") == "screen"


def test_a_step_leaves_the_objects_alive_before_it_out_of_the_collectors_passes(
    tmp_path: Path,
) -> None:
    # Snakemake's process holds millions of objects; a step's collector passes go over its own
    # objects only (those alive before are frozen while it runs) and it leaves none frozen.
    import gc

    frozen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            frozen.append(gc.get_freeze_count())

    held = [{"kept": [i]} for i in range(10_000)]  # alive before the step
    gc.callbacks.append(note)
    try:
        run_step(["import", "--name", "wos", *protocol(tmp_path)], tmp_path / "wos.log")
    finally:
        gc.callbacks.remove(note)
    during = frozen[frozen.index(max(frozen)) :]  # once the step began (young ones collected)
    assert min(during) > len(held) and len(during) > 1  # its passes left them out
    assert gc.get_freeze_count() == 0
    assert (tmp_path / "outputs/search/wos/records.csv").exists()
