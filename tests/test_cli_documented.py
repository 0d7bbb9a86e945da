"""README's table of `livingreview` commands names every subcommand the parser has, no other,
and each command's row names every option it takes (`--configfile` is documented above it)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

from livingreview.cli import build_parser
from tests.conftest import REPO_ROOT


def commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, set[str]]]:
    """Each (sub)command's name (`round new`) and its long options."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*prefix, name))
            return
    options = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
    yield " ".join(prefix), options - {"--help", "--configfile"}


def readme_rows() -> dict[str, str]:
    """README's command table: each command's row (two rows of one command joined)."""
    rows: dict[str, str] = {}
    for line in (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `livingreview ([a-z-]+(?: [a-z]+)?)(?=[ `])", line)
        if found:
            name = found.group(1)
            name = name if name.split()[0] in {"round", "rob"} else name.split()[0]
            rows[name] = rows.get(name, "") + line
    return rows


def test_every_command_and_option_is_in_the_readme_table() -> None:
    rows = readme_rows()
    parsed = dict(commands(build_parser()))
    assert sorted(rows) == sorted(parsed)
    undocumented = {
        name: sorted(o for o in options if not re.search(rf"{o}(?![\w-])", rows[name]))
        for name, options in parsed.items()
    }
    assert {k: v for k, v in undocumented.items() if v} == {}


def test_every_option_with_a_default_shows_it_in_its_help() -> None:
    # Before: `livingreview build-demo --help` did not say --facts reads
    # ../shared/data/dta/records.csv when left out (nor did import --format, simulate, rob plot).
    def hidden(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from hidden(sub, f"{prefix}{name} ")
            elif action.option_strings and action.nargs != 0 and action.default not in ("", None):
                text = parser._get_formatter()._expand_help(action) if action.help else ""
                if "(default" not in text and "default:" not in text:
                    yield f"{prefix}{action.option_strings[-1]}"

    assert list(hidden(build_parser())) == []
    (demo,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    text = demo.choices["build-demo"].format_help()
    assert "(default: ../shared/data/dta/records.csv)" in " ".join(text.split())
