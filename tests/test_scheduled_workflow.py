"""The scheduled re-run recipe (.github/workflows/living-review.yml) is valid and calls real
commands: the CLI accepts every ``livingreview`` line, and its secrets are the protocol's. It
proposes the round from the history dir, where the pipeline keeps each version's report and
PRISMA ledger, instead of a second copy of the report."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from livingreview.cli import build_parser
from livingreview.config import load_config
from livingreview.prisma.stage import snapshot_path
from livingreview.report.changes import kept_outputs
from tests.conftest import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github/workflows/living-review.yml"
SHELL_OPERATORS = {">", ">>", "|", "&&", "||", ";", "2>"}


def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps() -> list[dict[str, Any]]:
    return workflow()["jobs"]["next-round"]["steps"]


def script_lines(program: str) -> list[list[str]]:
    """Every command line of the run scripts that starts with ``program``, as arguments."""
    found = []
    for step in steps():
        for line in str(step.get("run", "")).splitlines():
            for command in re.findall(rf"(?:^|\$\()\s*({program} [^)]*)", line.strip()):
                words = shlex.split(command)
                ends = [i for i, word in enumerate(words) if word in SHELL_OPERATORS]
                found.append(words[: ends[0]] if ends else words)
    return found


def test_it_runs_on_a_schedule_and_by_hand() -> None:
    triggers = workflow()["on"]
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(len(cron.split()) == 5 for cron in crons)
    assert "version" in triggers["workflow_dispatch"]["inputs"]
    assert workflow()["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_every_livingreview_command_is_accepted_by_the_cli() -> None:
    commands = script_lines("livingreview")
    assert [c[1] for c in commands] == ["round", "status"]
    parser = build_parser()
    for command in commands:
        literal = [arg for arg in command[1:] if "$" not in arg]
        args = parser.parse_args(literal)
        assert callable(args.func)
        assert args.configfile == ["config/config.yaml"]
        assert Path(REPO_ROOT / args.configfile[0]).exists()


def test_it_starts_a_round_before_the_pipeline_and_proposes_what_it_wrote() -> None:
    names = [step.get("name", step.get("uses", "")) for step in steps()]
    assert names.index("Start the next round") < names.index("Run the pipeline (live searches)")
    (snakemake,) = script_lines("snakemake")
    assert snakemake[snakemake.index("--configfile") + 1] == "config/config.yaml"

    proposal = next(s for s in steps() if str(s.get("uses", "")).startswith("peter-evans/"))
    added = proposal["with"]["add-paths"].split()
    config = load_config([REPO_ROOT / "config/config.yaml"])
    assert added == [f"{config['deduplication']['history_dir']}/**"]  # rounds, snapshots, report


def test_it_refuses_to_start_a_round_while_the_current_ones_counts_are_not_final() -> None:
    (command,) = [c for c in script_lines("livingreview") if c[1] == "round"]
    assert "--require-final" in command
    assert build_parser().parse_args([a for a in command[1:] if "$" not in a]).require_final


def test_it_adds_to_the_folder_where_the_pipeline_keeps_the_version() -> None:
    """The kept report and ledger snapshot are in <history_dir>/<version>/; the step copies
    there only what outputs/ alone holds (sheets, diagrams, status), never the report."""
    config = load_config([REPO_ROOT / "config/config.yaml"])
    history, version = config["deduplication"]["history_dir"], config["review"]["version"]
    kept = Path(kept_outputs(config)["html"])
    assert kept == Path(history, version, "report", "index.html")
    assert snapshot_path(config).parent == Path(history, version)
    keep = next(s for s in steps() if s.get("id") == "round")
    script = str(keep["run"])
    assert "c['deduplication']['history_dir']" in script and "c['review']['version']" in script
    assert 'target="$history/$version"' in script
    assert 'test -f "$target/report/index.html"' in script  # what the pipeline kept
    assert "outputs/report" not in script and "versions/" not in script
    assert 'status --configfile config/config.yaml > "$target/status.txt"' in script


def test_its_secrets_are_the_variables_the_protocol_reads() -> None:
    config = load_config([REPO_ROOT / "config/config.yaml"])
    wanted = {s["api_key_env"] for s in config["sources"].values() if s.get("api_key_env")}
    wanted.add(config["search"]["contact_email_env"])
    run = next(s for s in steps() if s.get("name") == "Run the pipeline (live searches)")
    assert set(run["env"]) == wanted
    assert all(value == f"${{{{ secrets.{key} }}}}" for key, value in run["env"].items())


def test_no_round_starts_while_an_earlier_rounds_pull_request_is_open() -> None:
    # The guard step counts the open pull requests of earlier rounds; every step after it (the
    # install, round new, the searches, the pull request) runs only when it found none.
    names = [step.get("id") or step.get("name") for step in steps()]
    guard = names.index("open")
    assert "gh pr list" in steps()[guard]["run"] and "living-review/round-" in steps()[guard]["run"]
    branch = next(s for s in steps() if "create-pull-request" in str(s.get("uses")))["with"]
    assert branch["branch"].startswith("living-review/round-")
    for step in steps()[guard + 1 :]:
        assert step.get("if") == "steps.open.outputs.open == '0'", step.get("name")
    assert "secrets.LIVING_REVIEW_TOKEN" in branch["token"]
