"""The scheduled re-run recipe (.github/workflows/living-review.yml) is valid and calls real
commands: the CLI accepts every ``livingreview`` line, and its secrets are the protocol's. It
proposes the round from the history dir, where the pipeline keeps each version's report and
PRISMA ledger, instead of a second copy of the report; its step that adds the sheets, diagrams and
status, run with bash on a demo run's outputs, keeps every sheet to fill in whatever format."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from livingreview.cli import build_parser
from livingreview.config import load_config
from livingreview.dedup.rounds import ROUND_BRANCH, round_branch, snapshot_dir
from livingreview.fulltext.stage import run_fulltext
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
    assert [c[1] for c in commands] == ["round", "status", "status"]  # the last: a failed run
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
    assert "snapshot_dir(c)" in script  # the version's folder, as the pipeline names it
    assert 'report="$target/report/index.html"' in script  # what the pipeline kept
    assert '[ ! -f "$report" ]' in script
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
    assert "gh pr list" in steps()[guard]["run"] and ROUND_BRANCH in steps()[guard]["run"]
    branch = next(s for s in steps() if "create-pull-request" in str(s.get("uses")))["with"]
    assert branch["branch"] == "${{ steps.round.outputs.branch }}"  # round_branch(version)
    free = "steps.open.outputs.open == '0'"
    for step in steps()[guard + 1 :]:
        # the steps that say why a run failed run only then (and still never beside an open one)
        assert step.get("if") in (free, f"failure() && {free}"), step.get("name")
    assert "secrets.LIVING_REVIEW_TOKEN" in branch["token"]


def test_a_failed_run_says_why_on_its_summary_page_and_keeps_the_logs() -> None:
    # Before: a failed step skipped every later step; the run page showed only the failing
    # step's own log, and no `livingreview status` (which names the step that stopped, its error
    # line and its log) was run.
    on_failure = [s for s in steps() if str(s.get("if", "")).startswith("failure() && ")]
    said = next(s for s in on_failure if "livingreview status" in s.get("run", ""))
    assert "GITHUB_STEP_SUMMARY" in said["run"] and "::error" in said["run"]
    kept = next(s for s in on_failure if "upload-artifact" in str(s.get("uses")))
    assert "/logs/" in kept["with"]["path"]
    proposed = next(s for s in steps() if "create-pull-request" in str(s.get("uses")))
    assert not str(proposed.get("if")).startswith("failure()")  # no half round is proposed


def review_after_the_pipeline(folder: Path, demo_outputs: Path, outputs: str) -> Path:
    """``folder`` as the job's checkout is once the pipeline ran: config/config.yaml (the demo's
    protocol with ``paths.outputs`` and the history dir library_history/), the demo run's outputs
    and its history folder. Returns the protocol file."""
    protocol = json.loads((demo_outputs / "protocol.json").read_text(encoding="utf-8"))
    protocol["paths"] = {"human_input": str(REPO_ROOT / "demo/human"), "outputs": outputs}
    protocol["deduplication"]["history_dir"] = "library_history"
    (folder / "config").mkdir()
    (folder / "config/config.yaml").write_text(yaml.safe_dump(protocol), encoding="utf-8")
    skip = shutil.ignore_patterns("library_history")
    shutil.copytree(demo_outputs, folder / outputs, ignore=skip)
    shutil.copytree(demo_outputs / "library_history", folder / "library_history")
    return folder / "config/config.yaml"


def run_keep_step(folder: Path) -> subprocess.CompletedProcess[str]:
    """The job's step that keeps the round's sheets, diagrams and status, as its runner does
    (bash -e), with this Python as ``python`` and ``livingreview`` (run as ``python -m
    livingreview``: pip's launcher beside this Python cannot start where the clone's path holds
    a ``$`` or ``"``, see README.md, *Two commands*)."""
    script = folder / "keep.sh"
    run = next(s for s in steps() if s.get("id") == "round")["run"]
    script.write_text(f'livingreview() {{ python -m livingreview "$@"; }}\n{run}', encoding="utf-8")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "PATH": path, "GITHUB_OUTPUT": str(folder / "github_output")}
    return subprocess.run(
        ["bash", "-e", str(script)], cwd=folder, env=env, capture_output=True, text=True
    )


def sheets_to_fill(outputs: Path) -> list[str]:
    """The sheets and forms the stages wrote for people (their status.json lists them)."""
    listed = []
    for status in sorted(outputs.glob("*/status.json")):
        state = json.loads(status.read_text(encoding="utf-8"))
        listed += state.get("sheets", []) + state.get("forms", [])
    return listed


def check_kept(folder: Path, protocol: Path, history: str = "library_history") -> None:
    """Every sheet to fill, the maybe pairs and conflicts workbooks, the diagrams and the status
    are in <history_dir>/<version>/, byte for byte, and the step names that folder."""
    config = load_config([protocol])
    outputs = Path(config["paths"]["outputs"])
    version = config["review"]["version"]
    target = folder / snapshot_dir(config)
    assert target.parent == folder / history
    wanted = sheets_to_fill(outputs)
    wanted += ["dedup/maybe_pairs.xlsx", "screening/conflicts.xlsx", "fulltext/conflicts.xlsx"]
    for name in wanted:
        assert (target / "sheets" / name).read_bytes() == (outputs / name).read_bytes(), name
    assert (target / "prisma/flow.svg").read_bytes() == (outputs / "prisma/flow.svg").read_bytes()
    assert f"(version {version})" in (target / "status.txt").read_text(encoding="utf-8")
    assert (folder / "github_output").read_text(encoding="utf-8").splitlines() == [
        f"version={version}",
        f"kept={history}/{target.name}",
        f"branch={round_branch(version)}",
    ]


def test_the_round_keeps_csv_sheets_to_fill_too(
    tmp_path: Path, demo_outputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With sheet_format csv the sheets to fill are csv files: the pull request must still hold
    them (the step used to copy *.xlsx only, leaving the reviewers nothing to assess)."""
    monkeypatch.chdir(tmp_path)
    protocol = review_after_the_pipeline(tmp_path, demo_outputs, "outputs")
    settings = yaml.safe_load(protocol.read_text(encoding="utf-8"))
    settings["full_text"]["sheet_format"] = "csv"
    protocol.write_text(yaml.safe_dump(settings), encoding="utf-8")
    run_fulltext(load_config([protocol]))  # the full-text sheets written again, as csv
    csv_sheets = [n for n in sheets_to_fill(tmp_path / "outputs") if n.endswith(".csv")]
    assert [Path(n).parent.as_posix() for n in csv_sheets] == ["fulltext/sheets"] * 2
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    result = run_keep_step(tmp_path)
    assert result.returncode == 0, result.stderr
    check_kept(tmp_path, protocol)
    added = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    target = tmp_path / "library_history" / load_config([protocol])["review"]["version"]
    outside = {p for p in added if not p.is_relative_to(target)}
    assert outside == {tmp_path / "keep.sh", tmp_path / "github_output"}


def test_the_round_is_kept_from_the_protocols_outputs_folder(
    tmp_path: Path, demo_outputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``paths.outputs`` need not be outputs/ (the step used to read outputs/ whatever the
    protocol said, and failed on the missing diagrams)."""
    monkeypatch.chdir(tmp_path)
    protocol = review_after_the_pipeline(tmp_path, demo_outputs, "build/review")
    result = run_keep_step(tmp_path)
    assert result.returncode == 0, result.stderr
    check_kept(tmp_path, protocol)


def test_what_the_job_proposes_is_not_git_ignored() -> None:
    """The pull request adds the history dir: a file there that git ignores would be left out
    of the round without a word (outputs/ is ignored; the history dir must not be)."""
    history = load_config([REPO_ROOT / "config/config.yaml"])["deduplication"]["history_dir"]
    kept = [
        "rounds.yaml",
        "2099.1/round.json",
        "2099.1/report/index.html",
        "2099.1/prisma/flow.svg",
        "2099.1/sheets/screening/title_abstract/title_abstract_round2_r1.xlsx",
        "2099.1/sheets/screening/title_abstract/title_abstract_round2_r1.csv",
        "2099.1/status.txt",
        "2099.1/searches/medline/raw/0001.json.gz",
    ]
    paths = [f"{history}/{name}" for name in kept]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if result.returncode == 128:
        pytest.skip("not a git checkout")
    assert result.returncode == 1 and result.stdout == "", result.stdout  # 1: none ignored
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "outputs/x"], cwd=REPO_ROOT)
    assert ignored.returncode == 0  # the check sees the project's ignore rules


def test_the_round_is_kept_when_its_folders_have_spaces_in_their_names(
    tmp_path: Path, demo_outputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step read the version, the history dir and the outputs folder from one line split at
    white space, so a history dir named `review history` was read as `review` (and `history` taken
    for the outputs folder): the step failed on `review/<version>/report/index.html`."""
    monkeypatch.chdir(tmp_path)
    protocol = review_after_the_pipeline(tmp_path, demo_outputs, "build/my review")
    settings = yaml.safe_load(protocol.read_text(encoding="utf-8"))
    settings["deduplication"]["history_dir"] = "review history"
    protocol.write_text(yaml.safe_dump(settings), encoding="utf-8")
    (tmp_path / "library_history").rename(tmp_path / "review history")
    result = run_keep_step(tmp_path)
    assert result.returncode == 0, result.stderr
    check_kept(tmp_path, protocol, history="review history")


def test_a_round_without_its_kept_report_is_named_before_the_step_fails(
    tmp_path: Path, demo_outputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no report in <history_dir>/<version>/report/ the step failed on a bare `test -f`,
    saying nothing on the run's page of what was missing or where."""
    monkeypatch.chdir(tmp_path)
    protocol = review_after_the_pipeline(tmp_path, demo_outputs, "outputs")
    version = load_config([protocol])["review"]["version"]
    (tmp_path / "library_history" / version / "report/index.html").unlink()
    result = run_keep_step(tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error title=No report kept for the round::library_history/{version}/report/index.html"
        f" is missing: the pipeline keeps version {version}'s report in "
        "<deduplication.history_dir>/<version>/report/ (here library_history); run livingreview "
        "status to see which step did not write it"
    ]
    assert not (tmp_path / "library_history" / version / "prisma").exists()  # nothing kept


@pytest.mark.parametrize(
    "version",
    ["2025 update 2", "2025..2", "2025.2~1^", "v2: spring", "2025.2.lock", "2025.2.", "2025/2"],
)
def test_a_version_git_refuses_as_a_branch_name_is_proposed_on_one_it_takes(
    tmp_path: Path, demo_outputs: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """The pull request's branch was living-review/round-<version>, which git refuses for a
    version with a space, '..', '~', '^', ':' or a trailing '.lock' or '.', so the round was
    never proposed; and the step looked for the kept report in <history_dir>/<version> though
    the pipeline keeps a version with a space or '/' under its folder name (2025_update_2)."""
    monkeypatch.chdir(tmp_path)
    protocol = review_after_the_pipeline(tmp_path, demo_outputs, "outputs")
    settings = yaml.safe_load(protocol.read_text(encoding="utf-8"))
    kept = tmp_path / snapshot_dir(load_config([protocol]))
    settings["review"]["version"] = version
    protocol.write_text(yaml.safe_dump(settings), encoding="utf-8")
    kept.rename(tmp_path / snapshot_dir(load_config([protocol])))
    result = run_keep_step(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    check_kept(tmp_path, protocol)
    branch = round_branch(version)
    assert branch.startswith(ROUND_BRANCH) and len(branch) > len(ROUND_BRANCH)
    git = subprocess.run(
        ["git", "check-ref-format", "--branch", branch], capture_output=True, text=True
    )
    assert git.returncode == 0 and git.stdout.strip() == branch, git.stderr
