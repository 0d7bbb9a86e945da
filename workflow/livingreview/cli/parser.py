"""The ``livingreview`` argument parser, put together from each area's subcommands."""

from __future__ import annotations

import argparse

import livingreview
from livingreview.cli import assessment, demo, library, prisma, progress, screening, search, tools
from livingreview.cli.common import DEFAULT_CONFIG


class _VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
            help="show the version and exit",
        )  # fmt: skip

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"livingreview {livingreview.__version__}")  # on stdout, as argparse's own does
        parser.exit()


def _protocol_options() -> argparse.ArgumentParser:
    """The parent parser of every subcommand that reads the protocol: ``--configfile``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--configfile",
        nargs="+",
        default=DEFAULT_CONFIG,
        metavar="FILE",
        help="protocol file(s), later ones override earlier ones (default: config/config.yaml)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from livingreview import cli

    summary = cli.__doc__.splitlines()[0].replace("``", "")  # its markup is not for --help
    parser = argparse.ArgumentParser(prog="livingreview", description=summary)
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="log only warnings and errors (the result line still prints)",
    )
    common = _protocol_options()
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # in the order --help lists them
    search.add_commands(sub, common)
    library.add_commands(sub, common)
    progress.add_commands(sub, common)
    screening.add_commands(sub, common)
    assessment.add_commands(sub, common)
    demo.add_commands(sub)
    prisma.add_commands(sub, common)
    tools.add_commands(sub, common)
    return parser
