"""The ``livingreview`` command: one thin subcommand per pipeline stage.

Every :class:`~livingreview.errors.LivingReviewError` is printed as one line and ends the process
with its exit code (2 for bad input or config, 3 for search failures); no traceback.

The parser is put together in :mod:`.parser` from one module per area (:mod:`.search`,
:mod:`.library`, :mod:`.progress`, :mod:`.screening`, :mod:`.assessment`, :mod:`.demo`,
:mod:`.prisma`, :mod:`.tools`), each holding its subcommands and their handlers; :mod:`.entry`
runs a command and turns its failure into one line and an exit code.
"""

from __future__ import annotations

from livingreview.cli.common import DEFAULT_CONFIG
from livingreview.cli.entry import LOG_FORMAT, SIGPIPE_EXIT, log_level, main, run_parsed
from livingreview.cli.parser import build_parser

__all__ = [
    "DEFAULT_CONFIG",
    "LOG_FORMAT",
    "SIGPIPE_EXIT",
    "build_parser",
    "log_level",
    "main",
    "run_parsed",
]
