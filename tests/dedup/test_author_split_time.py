"""Splitting author strings takes time linear in their length, whatever they hold."""

from __future__ import annotations

import subprocess
import sys

import pytest

from livingreview.dedup.normalise import split_authors

# 60 MEDLINE-style names, then an ending: a non-ASCII initial, "et al.", a suffix (all read as
# Vancouver names since), or one the pattern cannot read. Each such string once sent the pattern
# through every split of every name (2^60).
_LONG = ", ".join(f"Name{k} AB" for k in range(60))


@pytest.mark.parametrize(
    ("ending", "names"),
    [("Nowak Ł", 61), ("et al.", 60), ("Smith JA 3rd", 61), ("x", 1), ("Nowak łukasz", 1)],
)
def test_a_long_author_list_is_read_at_once(ending: str, names: int) -> None:
    probe = (
        "import sys\n"
        "from livingreview.dedup.normalise import split_authors\n"
        "print(len(split_authors(sys.argv[1])))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, f"{_LONG}, {ending}"],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    assert done.stdout.split() == [str(names)]  # 1: left whole, not split at every comma


def test_a_long_vancouver_list_is_split_into_its_names() -> None:
    names = split_authors(f"{_LONG}, Garattini S.")
    assert len(names) == 61
    assert (names[0], names[-1]) == ("Name0 AB", "Garattini S.")
