"""`make demo`, `make test` and `make bench` work from a clone whose folder name holds a space,
quotes, a dollar sign or letters beyond ASCII: they run Snakemake and the CLI as
`.venv/bin/python -m ...`, never through pip's launchers (`.venv/bin/snakemake`), whose first
lines hand the folder's path to /bin/sh in double quotes, so that a `$`, `"` or backtick in it
stops them ("exec: /tmp/it's /root x/livingreview/.venv/bin/python: not found", exit 127)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT

MAKE = shutil.which("make")
#: what the targets depend on, taken as made so that a dry run lists only their own commands
MADE = (".venv/bin/python", ".venv/.installed", ".venv/.installed-test", ".venv/.installed-bench")


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_runs_every_program_of_the_venv_through_its_python() -> None:
    made = [arg for path in MADE for arg in ("-o", path)]
    result = subprocess.run(
        [MAKE, "--dry-run", *made, "demo", "test", "bench"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    programs = re.findall(r"\.venv/bin/\S+", result.stdout)
    assert programs and set(programs) == {".venv/bin/python"}, result.stdout
    assert ".venv/bin/python -m snakemake --cores" in result.stdout
    assert ".venv/bin/python -m livingreview where" in result.stdout


def test_every_phony_target_has_a_rule() -> None:
    """A name listed as .PHONY without a rule (`make lint`) does nothing and exits 0."""
    text = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    (phony,) = re.findall(r"^\.PHONY:(.*)$", text, re.MULTILINE)
    rules = set(re.findall(r"^([A-Za-z_-]+):", text, re.MULTILINE))
    assert sorted(set(phony.split()) - rules) == []
