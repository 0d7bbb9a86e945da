"""Running the demo pipeline offline from tests (each run in its own working directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO_ROOT

# Any attempt to reach a service hits a closed local port and fails the run.
OFFLINE_ENV = {
    **{
        f"LIVINGREVIEW_{c}_BASE_URL": "http://127.0.0.1:9/"
        for c in ("PUBMED", "EUROPEPMC", "OPENALEX", "CROSSREF")
    },
    "NCBI_API_KEY": "demo-secret-key-0123",
}


def run_pipeline(
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    *snakemake_args: str,
    human: Path = REPO_ROOT / "demo/human",
) -> subprocess.CompletedProcess:
    """Run the demo review in ``workdir`` (outputs under ``workdir/outputs``) on the returned
    sheets and exports in ``human`` (the demo's own by default)."""
    overrides = {
        "paths": {
            "human_input": str(human),
            "outputs": str(workdir / "outputs"),
        },
        "search": {"replay_dir": str(REPO_ROOT / "demo/snapshot")},
    }
    override_file = workdir / "paths.yaml"
    override_file.write_text(yaml.safe_dump(overrides), encoding="utf-8")
    env = {**os.environ, **OFFLINE_ENV, **(extra_env or {})}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(REPO_ROOT / "Snakefile"),
            "--directory",
            str(workdir),
            "--cores",
            "2",
            "--configfile",
            str(REPO_ROOT / "config/config.yaml"),
            str(REPO_ROOT / "demo/config.yaml"),
            str(override_file),
            *snakemake_args,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=workdir,
    )
