"""What re-runs a search: only the protocol keys that change what it finds (a dry run plans it).

A live search run again asks the service again, and in a living review that is a new search of
the round. So editing how studies are re-fetched, or where the contact e-mail is looked up, must
leave every search and import alone, while a new date window re-runs the API searches (and not
the database-export imports, which read none of the ``search`` section).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.pipeline import run_pipeline

SEARCHES = {"search_api", "import_export"}


def jobs(result: subprocess.CompletedProcess) -> list[str]:
    """The rules of the jobs a run started (or a dry run plans), in order."""
    lines = (result.stdout + result.stderr).splitlines()
    starts = ("rule ", "localrule ")
    return [line.split()[1].rstrip(":") for line in lines if line.startswith(starts)]


def planned(workdir: Path, search: str) -> list[str]:
    """The rules a dry run plans after ``search`` (YAML) is merged into the protocol."""
    plan = run_pipeline(workdir, None, "--dry-run", "--config", f"search={search}")
    assert plan.returncode == 0, plan.stderr[-3000:]
    return jobs(plan)


@pytest.mark.slow
def test_editing_refetch_or_the_email_variable_reruns_no_search_but_a_new_window_does(
    tmp_path: Path,
) -> None:
    done = run_pipeline(tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert planned(tmp_path, "{}") == []

    refetch = planned(tmp_path, "{refetch: {services: [pubmed], studies: included}}")
    assert not SEARCHES & set(refetch)
    # Only the run manifest is written again, with the edited protocol's sha256.
    email = planned(tmp_path, "{contact_email_env: TEAM_EMAIL, secrets_file: team.env}")
    assert email == ["run_manifest", "all"]

    window = planned(tmp_path, "{date_range: {from: '2011-01-01', to: '2024-11-25'}}")
    assert sorted(j for j in window if j in SEARCHES) == ["search_api"] * 3
