"""Beyond one machine: the Snakemake profiles and the resources the rules declare.

A dry run of the demo review plans every job with the local profile and, when
snakemake-executor-plugin-slurm is installed, with the SLURM profile; the plan Snakemake prints
is parsed and checked: each search is its own job holding one ``api`` slot and one slot of its
own service, with memory and runtime, and every slot a rule asks for is capped by the profile.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import re
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
import yaml

from livingreview.config import load_config
from livingreview.http import HttpClient
from livingreview.search import build_settings
from livingreview.sources import get_client
from tests.conftest import REPO_ROOT
from tests.hardening import write_protocol
from tests.replay_server import Answer, ReplayServer

SERVICES = ("pubmed", "europepmc", "openalex", "crossref")
DEMO_SEARCHES = {"medline": "pubmed", "europepmc": "europepmc", "openalex": "openalex"}
#: Resources Snakemake or the executor handle themselves (not rate-limit slots).
STANDARD = re.compile(r"^(tmpdir|mem\w*|disk\w*|runtime|slurm_\w+|threads|_\w+)$")


def profile(name: str) -> dict:
    return yaml.safe_load((REPO_ROOT / "profiles" / name / "config.yaml").read_text())


def limits(name: str) -> dict[str, int]:
    """The global resource caps a profile sets (``name=value`` entries)."""
    return {k: int(v) for k, v in (item.split("=") for item in profile(name)["resources"])}


def dry_run(workdir: Path, name: str) -> str:
    """Snakemake's printed plan for the demo review with ``profiles/<name>``."""
    configs = [REPO_ROOT / "config/config.yaml", REPO_ROOT / "demo/config.yaml"]
    paths = f"{{outputs: {workdir / 'outputs'}, human_input: {REPO_ROOT / 'demo/human'}}}"
    result = subprocess.run(
        [
            sys.executable, "-m", "snakemake", "--dry-run",
            "--snakefile", str(REPO_ROOT / "Snakefile"),
            "--directory", str(workdir),
            "--workflow-profile", str(REPO_ROOT / "profiles" / name),
            "--configfile", *map(str, configs),
            "--config", f"paths={paths}", f"search={{replay_dir: {REPO_ROOT / 'demo/snapshot'}}}",
        ],
        capture_output=True, text=True, check=False, cwd=workdir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    plan = result.stdout + result.stderr
    assert f"profile {REPO_ROOT / 'profiles' / name} " in plan
    return plan


def planned_jobs(plan: str) -> list[dict[str, object]]:
    """Each ``rule X:`` block of a dry run: rule name, wildcards and resources."""
    jobs: list[dict[str, object]] = []
    for block in re.split(r"\n(?=rule \w+:)", plan)[1:]:
        job: dict[str, object] = {"rule": block.split(":", 1)[0].removeprefix("rule ")}
        for key in ("wildcards", "resources"):
            found = re.search(rf"^\s+{key}: (.*)$", block, re.MULTILINE)
            pairs = [p.split("=", 1) for p in found.group(1).split(", ")] if found else []
            job[key] = {k: v for k, v in pairs}
        jobs.append(job)
    return jobs


@pytest.mark.parametrize("name", ["default", "slurm"])
def test_each_search_is_its_own_job_holding_its_service_slot(name: str, tmp_path: Path) -> None:
    if name == "slurm" and importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        message = "snakemake-executor-plugin-slurm not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":  # the test extra has it: CI must run this check
            pytest.fail(message)
        pytest.skip(message)
    jobs = planned_jobs(dry_run(tmp_path, name))
    searches = {
        j["wildcards"]["source"]: j["resources"]  # type: ignore[index]
        for j in jobs
        if j["rule"] == "search_api"
    }
    assert set(searches) == set(DEMO_SEARCHES)  # one job per configured search
    for source, service in DEMO_SEARCHES.items():
        resources = searches[source]
        assert resources["api"] == "1"
        assert {s: resources[f"{s}_api"] for s in SERVICES} == {
            s: "1" if s == service else "0" for s in SERVICES
        }, source
        assert int(resources["mem_mb"]) >= 1000 and int(resources["runtime"]) >= 60
    # the re-fetch of earlier studies talks to the same services: the same slots
    refetches = {
        j["wildcards"]["service"]: j["resources"]  # type: ignore[index]
        for j in jobs
        if j["rule"] == "refetch"
    }
    assert set(refetches) == {"pubmed", "crossref", "openalex"}
    for service, resources in refetches.items():
        assert resources["api"] == "1"
        assert {s: resources[f"{s}_api"] for s in SERVICES} == {
            s: "1" if s == service else "0" for s in SERVICES
        }, service
    caps = limits(name)
    assert caps["pubmed_api"] == 1  # NCBI counts per IP: one PubMed search at a time
    for job in jobs:
        slots = {k for k in job["resources"] if not STANDARD.match(k)}  # type: ignore[union-attr]
        assert slots <= set(caps), f"{job['rule']} asks for {slots - set(caps)}, uncapped in {name}"
        if name == "slurm":  # every cluster job says where to run and for how long
            assert {"slurm_partition", "runtime"} <= set(job["resources"])  # type: ignore[arg-type]


def test_steps_in_snakemakes_process_hold_the_one_in_process_slot(tmp_path: Path) -> None:
    # Steps that run as threads of Snakemake's process run one at a time (livingreview.steps):
    # each holds the slot the local profile caps at 1, so a step waiting for its turn does not
    # keep a core from a search or re-fetch process; those are processes and do not hold it.
    processes = {"search_api", "import_export", "refetch", "library_export"}
    jobs = planned_jobs(dry_run(tmp_path, "default"))
    held = {
        str(j["rule"]): j["resources"].get("in_process")  # type: ignore[union-attr]
        for j in jobs
        if j["rule"] != "all"
    }
    assert {"library", "screening", "prisma_ledger", "report"} <= set(held)
    assert {rule: slot for rule, slot in held.items() if rule not in processes} == {
        rule: "1" for rule in held if rule not in processes
    }
    assert all(held[rule] is None for rule in processes & set(held))
    assert limits("default")["in_process"] == 1
    # On a cluster every step is a job: its memory must cover the library step of a 100,000-record
    # review (1,236 MB peak in bench/scale.py, README) with room to spare, not the 1,000 MB
    # Snakemake assumes for a rule that declares none.
    for job in jobs:
        if job["rule"] not in processes | {"all"}:
            resources = job["resources"]
            assert int(resources["mem_mb"]) >= 2 * 1236, job["rule"]  # type: ignore[index]
            # the slowest step there takes under a minute (screening sheets, 50 s)
            assert int(resources["runtime"]) >= 30, job["rule"]  # type: ignore[index]
    assert profile("default")["force-use-threads"] is True


def test_the_slurm_profile_runs_on_the_cluster_and_the_local_one_does_not() -> None:
    slurm, local = profile("slurm"), profile("default")
    assert slurm["executor"] == "slurm" and "executor" not in local
    assert limits("slurm")["api"] > limits("default")["api"] == 1
    for key in ("mem_mb", "runtime", "slurm_partition"):
        assert key in slurm["default-resources"]
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install snakemake-executor-plugin-slurm" in readme
    assert ".venv/bin/snakemake --workflow-profile slurm " in readme  # by name: see README
    extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = extras["project"]
    # The tests check the profile with the plugin; a local run never needs it.
    assert any(
        d.startswith("snakemake-executor-plugin-slurm>=")
        for d in project["optional-dependencies"]["test"]
    )
    assert not any("executor-plugin-slurm" in d for d in project["dependencies"])


def test_two_searches_of_one_service_share_one_pacing_budget(
    replay_server: ReplayServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NCBI limits requests per IP: two PubMed searches in parallel jobs pace as one."""
    pubmed = {"client": "pubmed", "query": "a", "min_interval": 0.2}
    sources = {"medline": pubmed, "medline_update": {**pubmed, "query": "b"}}
    sources["epmc"] = {"client": "europepmc", "query": "c"}
    config = load_config([write_protocol(tmp_path, sources)])
    settings = {n: build_settings(config, n, get_client(s["client"])) for n, s in sources.items()}
    assert settings["medline"].pace_key == "pubmed-eutils.ncbi.nlm.nih.gov"
    assert settings["medline_update"].pace_key == settings["medline"].pace_key
    assert settings["epmc"].pace_key == "europepmc-www.ebi.ac.uk"

    monkeypatch.setenv("LIVINGREVIEW_PUBMED_BASE_URL", replay_server.url + "/eutils/")
    replay_server.add("GET", "/eutils/einfo.fcgi", Answer(b"<eInfoResult/>"))

    def search(name: str) -> None:
        http = HttpClient(build_settings(config, name, get_client("pubmed")), state_dir=tmp_path)
        for _ in range(3):
            http.get("einfo.fcgi")

    threads = [threading.Thread(target=search, args=(n,)) for n in ("medline", "medline_update")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # When the server received them (a response's arrival at the client says nothing of when
    # its request left under load); unpaced, the two threads' requests come together.
    arrivals = sorted(r.received for r in replay_server.requests("/eutils/einfo.fcgi"))
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(arrivals) == 6 and min(gaps) >= 0.1, gaps
    assert [p.name for p in tmp_path.glob("*.pace")] == [
        f"pubmed-127.0.0.1_{replay_server.url.rsplit(':', 1)[1]}.pace"
    ]
