"""The SLURM profile's advice for a cluster whose compute nodes do not all reach the internet
covers every job that talks to a service: the searches, the re-fetches of earlier studies
(which wait for screening and full text, so running the searches first leaves them behind) and
the open-access lookup of the reports sought (before full text)."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT

PROFILE = REPO_ROOT / "profiles/slurm/config.yaml"
RULE = re.compile(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", re.MULTILINE | re.DOTALL)


def rules_holding_an_api_slot() -> set[str]:
    """The rules whose jobs reach a service: they hold the ``api`` slot (rules/*.smk)."""
    found = set()
    for smk in sorted((REPO_ROOT / "rules").glob("*.smk")):
        for name, body in RULE.findall(smk.read_text(encoding="utf-8")):
            if re.search(r"^\s+api=1,$", body, re.MULTILINE):
                found.add(name)
    return found


def commented_settings() -> dict[str, object]:
    """The ``set-resources`` example in the profile's comments, read as YAML."""
    lines = PROFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#   set-resources:"))
    block = []
    for line in lines[start:]:
        if not line.startswith("#   "):
            break
        block.append(line.removeprefix("# "))
    return yaml.safe_load("\n".join(block))


def advised_until_targets() -> list[str]:
    """The targets of the ``snakemake --until ...`` the profile advises for the login node."""
    (command,) = re.findall(r"\((snakemake --until [^)]*)\)", PROFILE.read_text(encoding="utf-8"))
    words = shlex.split(command)
    after = words[words.index("--until") + 1 :]
    return list(itertools.takewhile(lambda word: not word.startswith("-"), after))


def test_the_partition_example_sends_every_job_reaching_a_service() -> None:
    networked = rules_holding_an_api_slot()
    assert networked == {"search_api", "refetch", "open_access"}
    example = commented_settings()["set-resources"]
    assert set(example) == networked  # type: ignore[arg-type]
    assert all(set(value) == {"slurm_partition"} for value in example.values())  # type: ignore[union-attr]


def test_the_login_node_command_runs_every_job_reaching_a_service(tmp_path: Path) -> None:
    """A dry run of the advised command on the demo review plans every search and re-fetch."""
    paths = f"{{outputs: {tmp_path / 'outputs'}, human_input: {REPO_ROOT / 'demo/human'}}}"
    result = subprocess.run(
        [
            sys.executable, "-m", "snakemake", "--dry-run", "--quiet", "rules",
            "--snakefile", str(REPO_ROOT / "Snakefile"), "--directory", str(tmp_path),
            "--workflow-profile", "none", "--cores", "1",
            "--until", *advised_until_targets(),
            "--configfile", str(REPO_ROOT / "config/config.yaml"),
            str(REPO_ROOT / "demo/config.yaml"),
            "--config", f"paths={paths}", f"search={{replay_dir: {REPO_ROOT / 'demo/snapshot'}}}",
            "full_text={open_access: {services: [openalex]}}",  # the lookup on: planned too
        ],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    planned = set(re.findall(r"^(\w+)\s+\d+$", result.stdout + result.stderr, re.MULTILINE))
    assert rules_holding_an_api_slot() <= planned, planned
