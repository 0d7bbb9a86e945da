"""Splitting author strings takes time linear in their length, whatever they hold."""

from __future__ import annotations

import subprocess
import sys

import pytest

from livingreview.dedup.normalise import split_authors

# 60 MEDLINE-style names, then one the Vancouver pattern cannot read: a non-ASCII initial, "et
# al.", a suffix. Each such string sent the pattern through every split of every name (2^60).
_LONG = ", ".join(f"Name{k} AB" for k in range(60))


@pytest.mark.parametrize("ending", ["Nowak Ł", "et al.", "Smith JA 3rd", "x"])
def test_a_long_author_list_that_is_not_vancouver_is_read_at_once(ending: str) -> None:
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
    assert done.stdout.split() == ["1"]  # left whole, as before the Vancouver split


def test_a_long_vancouver_list_is_split_into_its_names() -> None:
    names = split_authors(f"{_LONG}, Garattini S.")
    assert len(names) == 61
    assert (names[0], names[-1]) == ("Name0 AB", "Garattini S.")
