"""What the subcommand modules share: adding a subcommand, the protocol a handler loads, its
outputs folder, and the checked, atomic writing of a standalone command's output files."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from livingreview.errors import LivingReviewError

DEFAULT_CONFIG = ["config/config.yaml"]
Subcommands = argparse._SubParsersAction  # what add_subparsers returns: add_parser on it
Handler = Callable[[argparse.Namespace], int]
log = logging.getLogger("livingreview")


def add_command(
    sub: Subcommands, name: str, summary: str, func: Handler, *parents: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    """Add the subcommand ``name`` (``summary`` in --help) that runs ``func``; ``parents`` lend it
    their options (``--configfile``)."""
    p = sub.add_parser(name, parents=list(parents), help=summary)
    p.set_defaults(func=func)
    return p


def config_of(args: argparse.Namespace) -> dict[str, Any]:
    """The protocol the command line's ``--configfile`` names, loaded and checked."""
    from livingreview.config import load_config

    return load_config(args.configfile)


def outputs_of(config: dict[str, Any]) -> Path:
    """The protocol's outputs folder."""
    return Path(config["paths"]["outputs"])


def check_outputs(sources: Sequence[Path], outputs: dict[str, Path]) -> None:
    """Before any work: each output is a plain file name (the atomic write would replace a link
    or device), and none is an input or another output."""
    seen: dict[Path, str] = {source.resolve(): "the input" for source in sources}
    for option, path in outputs.items():
        if path.is_symlink() or (path.exists() and not path.is_file()):
            kind = "a folder" if path.is_dir() else "a link or device, not a plain file"
            raise LivingReviewError(f"{path}: {option} is {kind}; give a file name")
        earlier = seen.setdefault(path.resolve(), option)
        if earlier != option:
            raise LivingReviewError(f"{path}: {option} would overwrite {earlier}; use another name")


def write_output(path: Path, option: str, text: str) -> None:
    """Write a standalone command's output file atomically; a failure is one line naming it."""
    from livingreview.fileio import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise LivingReviewError(f"{path}: cannot write {option} ({exc.strerror or exc})") from None
