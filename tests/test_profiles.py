"""The SLURM profile's advice for a cluster whose compute nodes do not all reach the internet
covers every job that talks to a service: the searches, the re-fetches of earlier studies
(which wait for screening and full text, so running the searches first leaves them behind) and
the open-access lookup of the reports sought (before full text). The command README and the
profile give for it makes Snakemake use that profile alone, from the checkout or a review's
folder."""

from __future__ import annotations

import importlib.util
import itertools
import re
import shlex
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest
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


def advised_until_targets(refetch: bool, open_access: bool) -> list[str]:
    """The targets of the ``snakemake --until ...`` the profile advises for the login node, with
    the re-fetches and the open-access lookup on or off."""
    text = " ".join(line.lstrip("# ") for line in PROFILE.read_text(encoding="utf-8").splitlines())
    if not refetch:
        (when_on, when_off) = re.findall(
            r"re-fetches off .*? give --until (\w+) instead when the lookup is on, "
            r"else --until (\w+)\.",
            text,
        )[0]
        return [when_on if open_access else when_off]
    (command,) = re.findall(r"\((snakemake --until [^)]*)\)", text)
    words = shlex.split(command)
    after = words[words.index("--until") + 1 :]
    return list(itertools.takewhile(lambda word: not word.startswith("-"), after))


def test_the_partition_example_sends_every_job_reaching_a_service() -> None:
    networked = rules_holding_an_api_slot()
    assert networked == {"search_api", "refetch", "open_access"}
    example = commented_settings()["set-resources"]
    assert set(example) == networked  # type: ignore[arg-type]
    assert all(set(value) == {"slurm_partition"} for value in example.values())  # type: ignore[union-attr]


@pytest.mark.parametrize(("refetch", "open_access"), [(True, True), (False, True), (False, False)])
def test_the_login_node_command_runs_every_job_reaching_a_service(
    tmp_path: Path, refetch: bool, open_access: bool
) -> None:
    """A dry run of the advised command on the demo review plans every search, re-fetch and
    open-access lookup the protocol turns on (before: with the re-fetches off the advised
    ``--until refetch`` planned nothing, the searches included)."""
    paths = f"{{outputs: {tmp_path / 'outputs'}, human_input: {REPO_ROOT / 'demo/human'}}}"
    refetched = "" if refetch else ", refetch: {services: []}"
    looked_up = "openalex" if open_access else ""
    result = subprocess.run(
        [
            sys.executable, "-m", "snakemake", "--dry-run", "--quiet", "rules",
            "--snakefile", str(REPO_ROOT / "Snakefile"), "--directory", str(tmp_path),
            "--workflow-profile", "none", "--cores", "1",
            "--until", *advised_until_targets(refetch, open_access),
            "--configfile", str(REPO_ROOT / "config/config.yaml"),
            str(REPO_ROOT / "demo/config.yaml"),
            "--config", f"paths={paths}",
            f"search={{replay_dir: {REPO_ROOT / 'demo/snapshot'}{refetched}}}",
            f"full_text={{open_access: {{services: [{looked_up}]}}}}",
        ],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    planned = set(re.findall(r"^(\w+)\s+\d+$", result.stdout + result.stderr, re.MULTILINE))
    turned_off = {
        rule for rule, on in (("refetch", refetch), ("open_access", open_access)) if not on
    }
    assert rules_holding_an_api_slot() - turned_off <= planned, planned


SLURM_PLUGIN = importlib.util.find_spec("snakemake_executor_plugin_slurm")
needs_plugin = pytest.mark.skipif(
    SLURM_PLUGIN is None, reason="snakemake-executor-plugin-slurm not installed (test extra)"
)


def documented_cluster_arguments(text: str) -> list[str]:
    """The arguments of the one ``.venv/bin/snakemake`` command ``text`` gives for SLURM."""
    (arguments,) = re.findall(
        r"^(?:#\s+)?\.venv/bin/snakemake (--[\w-]+ \S*slurm)\b", text, re.MULTILINE
    )
    return arguments.split()


def resolved(arguments: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Namespace:
    """The settings Snakemake takes from ``arguments`` and its profiles, run in ``cwd``."""
    from snakemake.cli import parse_args

    monkeypatch.chdir(cwd)
    monkeypatch.delenv("SNAKEMAKE_PROFILE", raising=False)  # a site profile would layer under
    return parse_args([*arguments, "--dry-run"])[1]


def caps(args: Namespace) -> dict[str, int]:
    """The global resource caps Snakemake resolved."""
    return {name: resource.value for name, resource in args.resources.items()}


def profile_caps(name: str) -> dict[str, int]:
    """The ``resources`` caps ``profiles/<name>`` sets."""
    entries = yaml.safe_load((REPO_ROOT / "profiles" / name / "config.yaml").read_text())
    return {k: int(v) for k, v in (item.split("=", 1) for item in entries["resources"])}


@needs_plugin
def test_the_documented_cluster_command_runs_the_slurm_profile_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's command, from the checkout or from a review's own folder, gives Snakemake the
    SLURM profile's settings and none of the local profile's (its one-at-a-time caps)."""
    readme = documented_cluster_arguments((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert documented_cluster_arguments(PROFILE.read_text(encoding="utf-8")) == readme
    review_folder = [*readme, "--snakefile", str(REPO_ROOT / "Snakefile")]
    for arguments, cwd in ((readme, REPO_ROOT), (review_folder, tmp_path)):
        args = resolved(arguments, cwd, monkeypatch)
        assert args.executor == "slurm", (arguments, cwd)
        assert caps(args) == profile_caps("slurm") != profile_caps("default")
        assert not args.force_use_threads and args.latency_wait == 60


@needs_plugin
def test_with_profile_the_local_profile_still_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the docs say not --profile: Snakemake layers profiles/default over it, key by key."""
    args = resolved(["--profile", "profiles/slurm"], REPO_ROOT, monkeypatch)
    assert args.executor == "slurm"  # a key the local profile leaves out comes through
    assert caps(args) == profile_caps("default")  # one search, one step at a time cluster-wide
