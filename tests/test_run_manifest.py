"""The run manifest fingerprints what people put in (exports, returned sheets, the history)
and what a whole run built, and is there only when the run that last changed them finished."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from livingreview.fileio import TEMP_NAME
from livingreview.run_manifest import input_hashes, people_s_files_stamp
from tests.conftest import REPO_ROOT
from tests.pipeline import run_pipeline
from tests.test_killed_run import killed_run
from tests.test_search_reruns import jobs


def test_input_hashes_cover_people_s_files_only(tmp_path: Path) -> None:
    human, outputs = tmp_path / "human", tmp_path / "outputs"
    for name, body in {
        "screening/r1_done.xlsx": b"sheet",
        "exports/wos.ris": b"TY  - JOUR",
        "screening/~$r1_done.xlsx": b"lock",  # Excel's lock file while the sheet is open
        ".DS_Store": b"finder",
    }.items():
        (human / name).parent.mkdir(parents=True, exist_ok=True)
        (human / name).write_bytes(body)
    assert input_hashes(human, outputs) == {
        "exports/wos.ris": hashlib.sha256(b"TY  - JOUR").hexdigest(),
        "screening/r1_done.xlsx": hashlib.sha256(b"sheet").hexdigest(),
    }
    # A folder inside the outputs (the demo's history) is hashed with the outputs already.
    (outputs / "library_history").mkdir(parents=True)
    (outputs / "library_history/rounds.yaml").write_text("rounds: []\n")
    assert input_hashes(outputs / "library_history", outputs) == {}
    assert input_hashes(tmp_path / "missing", outputs) == {}


def test_exports_in_a_linked_folder_are_hashed_once_and_a_link_loop_ends(tmp_path: Path) -> None:
    """A team's exports kept elsewhere (shared storage) and linked into the human-input folder:
    the imports read them through the link, so the manifest hashes them too."""
    human, shared = tmp_path / "human", tmp_path / "shared_exports"
    shared.mkdir()
    (shared / "wos.ris").write_bytes(b"TY  - JOUR")
    human.mkdir()
    (human / "exports").symlink_to(shared, target_is_directory=True)
    (shared / "again").symlink_to(shared, target_is_directory=True)  # a loop: walked once
    (human / "outputs").mkdir()  # the outputs inside the human-input folder: not walked
    (human / "outputs/records.csv").write_text("study_id\n")
    # before: {} (a linked folder was not entered)
    assert input_hashes(human, human / "outputs") == {
        "exports/wos.ris": hashlib.sha256(b"TY  - JOUR").hexdigest()
    }


# The pipeline writes the manifest as its last step, a rule whose inputs are every artefact
# `rule all` asks for and every file in the human-input folder. Before, the Snakefile's
# `onsuccess` wrote it: a run killed there left no manifest (or the last run's), and the next
# run had "Nothing to be done" and never wrote it.

MANIFEST = "outputs/run_manifest.json"
LEFT_OUT = (".cache/", ".pacing/", ".kept/", "logs/")  # as run_manifest.SKIP_DIRS


def artefacts(outputs: Path) -> dict[str, bytes]:
    """Every file under ``outputs`` the manifest hashes, but the manifest itself."""
    return {
        name: path.read_bytes()
        for path in sorted(outputs.rglob("*"))
        if path.is_file()
        and not (name := path.relative_to(outputs).as_posix()).startswith(LEFT_OUT)
        and name != "run_manifest.json"
        and not TEMP_NAME.fullmatch(path.name)
    }


def vouches_for(workdir: Path, human: Path) -> None:
    """The manifest hashes exactly the artefacts and the human-input folder's files there are."""
    manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    digests = {n: hashlib.sha256(b).hexdigest() for n, b in artefacts(workdir / "outputs").items()}
    assert manifest["outputs"] == digests
    assert manifest["human_input"] == input_hashes(human, workdir / "outputs")
    assert "report/index.html" in manifest["targets"] and "report/kept.json" in manifest["targets"]


@pytest.mark.slow
def test_a_run_killed_while_writing_the_manifest_writes_it_when_run_again(tmp_path: Path) -> None:
    workdir = tmp_path / "review"
    workdir.mkdir()
    assert killed_run(workdir, MANIFEST) == -signal.SIGKILL  # all else written, then killed
    assert not (workdir / MANIFEST).exists()
    built = artefacts(workdir / "outputs")
    assert "report/index.html" in built

    assert run_pipeline(workdir, None, "--unlock").returncode == 0
    again = run_pipeline(workdir)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Nothing to be done" not in again.stderr  # before: the manifest stayed missing
    vouches_for(workdir, REPO_ROOT / "demo/human")
    assert artefacts(workdir / "outputs") == built  # only the manifest was written
    written = (workdir / MANIFEST).read_bytes()

    idle = run_pipeline(workdir)
    assert idle.returncode == 0, idle.stderr[-3000:]
    assert "Nothing to be done" in idle.stderr
    assert (workdir / MANIFEST).read_bytes() == written


@pytest.mark.slow
def test_no_manifest_is_left_from_an_earlier_run_by_a_run_that_did_not_finish(
    tmp_path: Path,
) -> None:
    workdir = tmp_path / "review"
    workdir.mkdir()
    exports_only = workdir / "human_before"
    shutil.copytree(REPO_ROOT / "demo/human/exports", exports_only / "exports")
    first = run_pipeline(workdir, human=exports_only)
    assert first.returncode == 0, first.stderr[-3000:]
    assert (workdir / MANIFEST).is_file()
    # The returned sheets arrive; the run that reads them is killed at its manifest. Before,
    # the first run's manifest stayed, vouching for outputs and sheets the folder no longer held.
    assert killed_run(workdir, MANIFEST) == -signal.SIGKILL
    assert not (workdir / MANIFEST).exists()
    # So does a run of one target: the manifest it would leave could not vouch for the others.
    assert run_pipeline(workdir, None, "--unlock").returncode == 0
    (workdir / "outputs/library/library.bib").unlink()
    one = run_pipeline(workdir, None, "--keep-going", str(workdir / "outputs/library/library.bib"))
    assert one.returncode == 0, one.stderr[-3000:]
    assert not (workdir / MANIFEST).exists()
    whole = run_pipeline(workdir)
    assert whole.returncode == 0, whole.stderr[-3000:]
    vouches_for(workdir, REPO_ROOT / "demo/human")


@pytest.mark.slow
def test_a_file_put_in_the_human_input_folder_is_hashed_without_any_other_step(
    tmp_path: Path,
) -> None:
    """A file no step reads (a team's notes) changes the manifest alone; the next run has
    nothing to do. Before, the manifest of a run with nothing to do was never written again."""
    workdir, human = tmp_path / "review", tmp_path / "human"
    workdir.mkdir()
    shutil.copytree(REPO_ROOT / "demo/human", human)
    first = run_pipeline(workdir, human=human)
    assert first.returncode == 0, first.stderr[-3000:]
    built = artefacts(workdir / "outputs")
    (human / "notes.txt").write_text("round 1: sheets checked by r1\n", encoding="utf-8")
    noted = run_pipeline(workdir, human=human)
    assert noted.returncode == 0, noted.stderr[-3000:]
    manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    assert "notes.txt" in manifest["human_input"]
    vouches_for(workdir, human)
    assert artefacts(workdir / "outputs") == built
    idle = run_pipeline(workdir, human=human)
    assert "Nothing to be done" in idle.stderr, idle.stderr[-3000:]


# A ZIP of full texts made on Windows leaves names that are not UTF-8; a person names a copy
# 'notes {draft}.txt'. Before, the human-input files were the manifest rule's inputs: Snakemake
# read '{draft}' as a wildcard (WildcardError 'draft', exit 1, before any job) and stopped in
# its lock file at the other (UnicodeEncodeError, a traceback).
ODD_NAMES = {
    "notes {draft}.txt": b"to discuss",
    os.fsdecode(b"full texts/Ma\xefve 2020.pdf"): b"%PDF-1.4",  # Latin-1 bytes of 'Maïve'
    "full texts/line\nbreak.pdf": b"%PDF-1.7",
}


def test_odd_names_are_hashed_and_named_and_stamped(tmp_path: Path) -> None:
    human, outputs = tmp_path / "human", tmp_path / "outputs"
    for name, body in ODD_NAMES.items():
        (human / name).parent.mkdir(parents=True, exist_ok=True)
        (human / name).write_bytes(body)
    (human / "history/v1").mkdir(parents=True)  # history_dir inside the human-input folder
    (human / "history/v1/snapshot.json").write_text("{}\n")
    assert input_hashes(human, outputs, human / "history") == {
        "full texts/Ma\\xefve 2020.pdf": hashlib.sha256(b"%PDF-1.4").hexdigest(),
        "full texts/line\nbreak.pdf": hashlib.sha256(b"%PDF-1.7").hexdigest(),
        "notes {draft}.txt": hashlib.sha256(b"to discuss").hexdigest(),
    }
    assert json.dumps(input_hashes(human, outputs), ensure_ascii=False).encode("utf-8")
    stamp = people_s_files_stamp(human, outputs, human / "history")
    (human / "history/v1/report.json").write_text("{}\n")  # a step writes the history
    (human / ".~lock.notes.odt#").write_text("LibreOffice lock")  # a file opened
    assert people_s_files_stamp(human, outputs, human / "history") == stamp
    (human / "notes {draft}.txt").write_bytes(b"to discuss, and more")
    assert people_s_files_stamp(human, outputs, human / "history") != stamp


@pytest.mark.slow
def test_odd_names_and_a_history_inside_the_human_input_folder_run_and_then_rest(
    tmp_path: Path,
) -> None:
    """Before, the odd names stopped the run before any job, and with the history folder
    inside the human-input folder (history_dir: human/history, accepted by check-config) the
    second run wrote the manifest again: the files the first run kept there were new inputs."""
    workdir, human = tmp_path / "review", tmp_path / "human"
    workdir.mkdir()
    shutil.copytree(REPO_ROOT / "demo/human", human)
    for name, body in ODD_NAMES.items():
        (human / name).parent.mkdir(parents=True, exist_ok=True)
        (human / name).write_bytes(body)
    history = tmp_path / "history.yaml"
    history.write_text(f"deduplication: {{history_dir: '{human / 'history'}'}}\n")
    files = [str(REPO_ROOT / p) for p in ("config/config.yaml", "demo/config.yaml")]
    files += [str(workdir / "paths.yaml"), str(history)]
    first = run_pipeline(workdir, None, "--configfile", *files, human=human)
    assert first.returncode == 0, first.stderr[-3000:]
    manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    assert {"notes {draft}.txt", "full texts/Ma\\xefve 2020.pdf"} <= set(manifest["human_input"])
    assert not [name for name in manifest["human_input"] if name.startswith("history/")]
    assert any(name.endswith("/report/index.html") for name in manifest["library_history"])
    idle = run_pipeline(workdir, None, "--configfile", *files, human=human)
    assert "Nothing to be done" in idle.stderr, idle.stderr[-3000:]
    (human / "notes {draft}.txt").write_bytes(b"to discuss, and more")
    plan = run_pipeline(workdir, None, "--dry-run", "--configfile", *files, human=human)
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert jobs(plan) == ["run_manifest", "all"]


def test_a_history_folder_holding_the_human_input_lists_each_file_people_gave_once(
    tmp_path: Path,
) -> None:
    """history_dir 'data' holding data/human and data/outputs (accepted again, 8efe968): the
    human-input files were hashed twice, under human_input and again under library_history."""
    import yaml

    from livingreview.config import load_config
    from livingreview.run_manifest import write_run_manifest

    data = tmp_path / "data"
    protocol = yaml.safe_load((REPO_ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    protocol["paths"] = {"human_input": str(data / "human"), "outputs": str(data / "outputs")}
    protocol["deduplication"]["history_dir"] = str(data)
    path = tmp_path / "protocol.yaml"
    path.write_text(yaml.safe_dump(protocol, sort_keys=False), encoding="utf-8")
    config = load_config([path])
    (data / "human/screening").mkdir(parents=True)
    (data / "human/screening/r1_done.xlsx").write_bytes(b"sheet")
    (data / "2025.1").mkdir()
    (data / "2025.1/round.json").write_text('{"round": 1, "version": "2025.1"}\n')
    (data / "outputs").mkdir()
    manifest = json.loads(write_run_manifest(config, data / "outputs", []).read_text())
    assert manifest["human_input"] == {
        "screening/r1_done.xlsx": hashlib.sha256(b"sheet").hexdigest()
    }
    assert list(manifest["library_history"]) == ["2025.1/round.json"]
