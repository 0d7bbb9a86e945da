"""environment.yml (conda users) asks conda-forge for every dependency of pyproject.toml with the
same lower bound, but those pip installs with the package."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: conda-forge's names of the packages whose PyPI names differ
CONDA_NAME = {"snakemake": "snakemake-minimal", "matplotlib": "matplotlib-base"}
#: left to pip (conda-forge lacks them in the versions needed), as environment.yml says
PIP_ONLY = {"bibtexparser", "rispy"}


def _requirement(text: str) -> tuple[str, str]:
    name, bounds = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", text).groups()  # type: ignore[union-attr]
    return name.lower(), bounds.replace(" ", "")


def test_conda_environment_lists_every_dependency_with_its_lower_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_requirement(r) for r in project["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_requirement(d) for d in env["dependencies"] if isinstance(d, str))
    for name, bounds in wanted.items():
        if name in PIP_ONLY:
            assert CONDA_NAME.get(name, name) not in conda
            continue
        assert conda.get(CONDA_NAME.get(name, name)) == bounds, name
    assert {"-e ."} == set(next(d for d in env["dependencies"] if isinstance(d, dict))["pip"])
