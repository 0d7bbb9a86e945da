"""Pipeline steps run inside the Snakemake process.

A rule's ``run:`` block calls :func:`run_step` with the arguments it would give the
``livingreview`` command. With ``force-use-threads`` (``profiles/default``) Snakemake runs that
block in a thread of its own process, so a step pays neither an interpreter start nor imports
another step already made (pandas, openpyxl, matplotlib: 0.2-0.5 CPU s a step). Without it,
Snakemake starts a process per step: slower, same outputs.

Steps in one process run one at a time (they redirect ``sys.stderr`` and use matplotlib, which
are process-wide); each writes its messages to the rule's log file, as ``2> log`` did, and a
failure ends the job with the command's own error line.
While a step runs, the objects the process held before it are left out of the cycle collector's
passes (``gc.freeze``): the step's passes go over its own objects only.

A pipeline step that fails, here or as a ``livingreview`` process of its own (searches, imports,
re-fetches, a cluster job, a step run by hand), leaves a failure record in
``<outputs>/logs/failed_steps/``: its error line and where its log is, for ``livingreview status``.
The step's next success removes it. A record is state, not an output: no time inside, and none
left after a run whose every step succeeded.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import io
import json
import logging
import os
import re
import socket
import stat
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from livingreview.errors import LivingReviewError

PACKAGE_LOGGER = "livingreview"
_ONE_AT_A_TIME = threading.Lock()
FAILED_DIR = Path("logs/failed_steps")  # under the outputs folder
# The commands the pipeline's rules run, in pipeline order (the order status lists failures in).
PIPELINE_STEPS = (
    "search", "import", "summarise", "library", "refetch", "flags", "automation", "screen",
    "agreement", "conflicts", "open-access", "fulltext", "extract", "appraise", "ledger",
    "report", "export",
)  # fmt: skip
# The argument naming which search, import, re-fetch, open-access lookup or export a step is.
_STEP_TARGET = {
    "search": "source", "import": "name", "refetch": "service", "open-access": "service",
    "export": "what",
}  # fmt: skip


class StepFailed(LivingReviewError):
    """A pipeline step ended with a non-zero exit code (its log holds the reason)."""


@contextlib.contextmanager
def _package_log_to(handle: TextIO, level: int) -> Iterator[None]:
    """The package's log records go to ``handle`` (only) for the duration."""
    from livingreview.cli import LOG_FORMAT

    logger = logging.getLogger(PACKAGE_LOGGER)
    handler = logging.StreamHandler(handle)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def _last_line(log: Path) -> str:
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


@contextlib.contextmanager
def _earlier_objects_frozen() -> Iterator[None]:
    """While it lasts, the cycle collector leaves alone the objects alive when it began.

    Snakemake's process holds what Snakemake and earlier steps keep (its DAG, the libraries
    imported, tables kept between steps): each full pass of the collector during a step went
    over all of them again while freeing only the step's own cycles (an update's steps made 8
    such passes, 1.2 CPU s of the 13). The young generations are collected first (their cycles
    freed), then the objects alive are set aside (``gc.freeze``) for the step and put back
    after it; the step's own cycles are collected as before.
    """
    gc.collect(1)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_step(argv: Sequence[str], log: str | Path) -> None:
    """Run ``livingreview ARGV`` in this process, its messages written to ``log``; raise
    :class:`StepFailed` with the command's last message when it fails."""
    from livingreview.cli import build_parser, log_level

    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    with (
        _ONE_AT_A_TIME,
        log.open("w", encoding="utf-8") as handle,
        contextlib.redirect_stderr(handle),
        _earlier_objects_frozen(),
    ):
        try:
            args = build_parser().parse_args(list(argv))
            with _package_log_to(handle, log_level(args)):
                code = run_recorded(args, log)
        except SystemExit as stop:  # argparse's usage errors
            code = stop.code if isinstance(stop.code, int) else 2
        except Exception as exc:  # a defect: its traceback goes to the log, as a process's would
            traceback.print_exc(file=handle)
            handle.flush()
            raise StepFailed(
                f"livingreview {' '.join(argv)} crashed: {type(exc).__name__}: {exc} "
                f"(traceback in {log})"
            ) from exc
    if code:
        command = " ".join(["livingreview", *argv])
        raise StepFailed(f"{command} exited with {code}: {_last_line(log)} (log: {log})")


def step_name(args: argparse.Namespace) -> str:
    """The pipeline step a parsed command is ('search pubmed', 'screen'); '' for a command that
    is none (status, a standalone import, a step writing to a folder of one's own)."""
    command = str(getattr(args, "command", ""))
    # writing a file of one's own (--out, --out-dir, an export's --format) is no pipeline step
    own = ("out_dir", "out", "format") if command == "export" else ("out_dir", "out")
    standalone = any(getattr(args, name, None) for name in own)
    if command not in PIPELINE_STEPS or standalone:
        return ""
    which = _STEP_TARGET.get(command)
    target = str(getattr(args, which) or "") if which else ""
    if which and not target:
        return ""
    return f"{command} {target}" if target else command


def record_path(outputs: Path, step: str) -> Path:
    """``<outputs>/logs/failed_steps/<step>.json``."""
    return outputs / FAILED_DIR / (re.sub(r"[^A-Za-z0-9_.-]+", "_", step) + ".json")


class _LastLine(io.TextIOBase):
    """A text stream passing everything to ``stream`` and keeping the last non-blank line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.line, self._partial = stream, "", ""

    def write(self, text: str) -> int:
        self.stream.write(text)
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        complete = [line for line in lines if line.strip()]
        if complete:
            self.line = complete[-1].rstrip()
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def last(self) -> str:
        """The last non-blank line written, a line not ended by a newline included."""
        return self._partial.rstrip() if self._partial.strip() else self.line


def _outputs_of(args: argparse.Namespace) -> Path | None:
    """The outputs folder of the command's protocol; None when the protocol cannot be read
    (the command has already said why). Read once per version of the protocol files: every
    step of a Snakemake run asks for the same protocol."""
    files = tuple(str(f) for f in (args.configfile or ()))
    try:
        stamps = tuple((f.stat().st_mtime_ns, f.stat().st_size) for f in map(Path, files))
    except OSError:
        return None
    return _protocol_outputs(files, stamps, str(Path.cwd()))


@functools.lru_cache(maxsize=4)
def _protocol_outputs(
    files: tuple[str, ...], stamps: tuple[tuple[int, int], ...], cwd: str
) -> Path | None:
    del stamps, cwd  # part of the cache key only: an edited protocol is read again
    from livingreview.config import load_config

    try:
        return Path(load_config(list(files))["paths"]["outputs"])
    except (LivingReviewError, OSError, KeyError):
        return None


def _stderr_file() -> str:
    """The file this process's standard error is written to (``2> log``), relative to the
    working folder when inside it; '' for a terminal, a pipe or a file already deleted."""
    try:
        if not stat.S_ISREG(os.fstat(2).st_mode):
            return ""
        path = Path(os.readlink("/proc/self/fd/2"))
    except OSError:  # no /proc (macOS), or standard error closed
        return ""
    if not path.is_file():  # "(deleted)": a temporary file
        return ""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _record(args: argparse.Namespace, step: str, record: Mapping[str, Any] | None) -> None:
    """Write the step's failure record, or remove it (``record`` None) after a success."""
    from livingreview.fileio import write_json

    outputs = _outputs_of(args)
    if outputs is None:
        return
    path = record_path(outputs, step)
    try:
        if record is not None:
            write_json(path, {"step": step, **record})
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:  # the step's own outcome stands; status cannot tell it
        logging.getLogger(PACKAGE_LOGGER).warning(
            "%s: cannot record the step's outcome: %s", path, exc
        )


#: The error of a step that started and has not ended.
UNFINISHED = (
    "started and did not finish: still running, or stopped from outside (killed, out of memory "
    "or out of time)"
)


def _this_process() -> dict[str, Any]:
    """Where a step runs (``process``: host and process id), so ``status`` can tell a step
    still running on this machine from one stopped from outside."""
    return {"process": {"host": socket.gethostname(), "pid": os.getpid()}}


def process_state(record: Mapping[str, Any]) -> str:
    """For the record of a step that started and has not ended: ``running`` (its process is
    alive on this machine), ``stopped`` (it is not) or ``unknown`` (another machine, or a record
    without its process); ``""`` for the record of a step that ended."""
    if "exit_code" not in record or record["exit_code"] is not None:
        return ""
    process = record.get("process")
    if not isinstance(process, dict) or process.get("host") != socket.gethostname():
        return "unknown"
    pid = process.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return "unknown"
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return "stopped"
    except PermissionError:  # another user's process
        return "running"
    except OSError:
        return "unknown"
    return "running"


def run_recorded(args: argparse.Namespace, log: str | Path | None = None) -> int:
    """Run a parsed command (``livingreview.cli.run_parsed``); when it is a pipeline step, record
    its failure (exit code, last error line, ``log`` or the file standard error went to) or
    clear the record of its earlier failure."""
    from livingreview.cli import run_parsed

    step = step_name(args)
    if not step:
        return run_parsed(args)
    seen = _LastLine(sys.stderr)
    where = str(log) if log is not None else _stderr_file()
    # Until the step ends, its record says it has not finished: a process killed from outside
    # (out of memory, a cluster's time limit) cannot write one when it stops.
    _record(args, step, {"exit_code": None, "error": UNFINISHED, "log": where, **_this_process()})
    try:
        with contextlib.redirect_stderr(seen):
            code = run_parsed(args)
    except BrokenPipeError:
        raise
    except Exception as exc:  # a defect: the caller reports it with its traceback
        error = f"crashed: {type(exc).__name__}: {exc}"
        _record(args, step, {"exit_code": 1, "error": error, "log": where})
        raise
    if code:
        error = seen.last() or f"exited with {code}"
        _record(args, step, {"exit_code": code, "error": error, "log": where})
    else:
        _record(args, step, None)
    return code


def failed_steps(outputs: Path) -> list[dict[str, Any]]:
    """The failure records under ``outputs``, in pipeline order; a record that cannot be read
    is one naming its file."""
    folder = outputs / FAILED_DIR
    records = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("step"), str):
            record = {"step": path.stem, "error": f"unreadable failure record {path}", "log": ""}
        records.append(record)
    return sorted(records, key=_pipeline_order)


def _pipeline_order(record: Mapping[str, Any]) -> tuple[int, str]:
    command = str(record["step"]).split(" ", 1)[0]
    rank = PIPELINE_STEPS.index(command) if command in PIPELINE_STEPS else len(PIPELINE_STEPS)
    return rank, str(record["step"])
