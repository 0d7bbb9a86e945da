"""The console script's entry point: logging to standard error, and a command's failure turned
into one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from livingreview.cli.parser import build_parser
from livingreview.errors import LivingReviewError

SIGPIPE_EXIT = 141  # 128 + SIGPIPE, as a shell reports a command its pipe reader left
LOG_FORMAT = "%(name)s: %(message)s"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``livingreview`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=log_level(args), format=LOG_FORMAT, stream=sys.stderr)
    from livingreview.steps import run_recorded  # a pipeline step's failure is recorded

    try:
        code = run_recorded(args)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`livingreview status | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    return code


def log_level(args: argparse.Namespace) -> int:
    """The logging level the command line asks for."""
    return logging.WARNING if args.quiet else logging.INFO


def run_parsed(args: argparse.Namespace) -> int:
    """Run a parsed command; a package error becomes one line on stderr and its exit code, a
    file that cannot be read or written one line naming it (exit 2)."""
    try:
        return int(args.func(args))
    except LivingReviewError as exc:
        print(f"livingreview: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        raise  # stdout's reader went away: :func:`main` stops quietly
    except OSError as exc:  # a file the step cannot read or write: say which and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"livingreview: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("livingreview: interrupted", file=sys.stderr)
        return 130
