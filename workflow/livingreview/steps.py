"""Pipeline steps run inside the Snakemake process.

A rule's ``run:`` block calls :func:`run_step` with the arguments it would give the
``livingreview`` command. With ``force-use-threads`` (``profiles/default``) Snakemake runs that
block in a thread of its own process, so a step pays neither an interpreter start nor imports
another step already made (pandas, openpyxl, matplotlib: 0.2-0.5 CPU s a step). Without it,
Snakemake starts a process per step: slower, same outputs.

Steps in one process run one at a time (they redirect ``sys.stderr`` and use matplotlib, which
are process-wide); each writes its messages to the rule's log file, as ``2> log`` did, and a
failure ends the job with the command's own error line.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from livingreview.errors import LivingReviewError

PACKAGE_LOGGER = "livingreview"
_ONE_AT_A_TIME = threading.Lock()


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


def run_step(argv: Sequence[str], log: str | Path) -> None:
    """Run ``livingreview ARGV`` in this process, its messages written to ``log``; raise
    :class:`StepFailed` with the command's last message when it fails."""
    from livingreview.cli import build_parser, log_level, run_parsed

    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    with (
        _ONE_AT_A_TIME,
        log.open("w", encoding="utf-8") as handle,
        contextlib.redirect_stderr(handle),
    ):
        try:
            args = build_parser().parse_args(list(argv))
            with _package_log_to(handle, log_level(args)):
                code = run_parsed(args)
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
