"""Upgrading livingreview between runs of a round: steps run again with the new code.

Every rule has the code's version as a param (package version and a digest of the package's
files), so outputs an earlier commit wrote are not kept as if this code had written them. The
package version alone is 0.1.0 at every commit: upgraded from 266d42c (2026-12-02) to a commit
of 2026-12-04, the database-export imports did not run again, so the Google Scholar records kept
their authors initials first ('JJ Prochaska') and the report labelled studies as the old code
did, unlike a run of the new code on the same inputs ('Prochaska 2021').
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest

from livingreview.code_version import PINNED, code_digest
from tests.conftest import REPO_ROOT
from tests.pipeline import run_pipeline
from tests.test_search_reruns import jobs


def code_copy(tmp_path: Path) -> Path:
    """A copy of the package and its schemas (workflow/), which the pipeline imports from
    there (PYTHONPATH)."""
    root = tmp_path / "code"
    shutil.copytree(REPO_ROOT / "workflow", root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def written_file(parts: tuple[str, ...]) -> str:
    """The output a Snakemake metadata record (its path's parts under .snakemake/metadata) is
    of: the path's urlsafe base64, split in parts that all but the last begin with '@'."""
    return base64.urlsafe_b64decode("".join(part.removeprefix("@") for part in parts)).decode()


def dry_run(workdir: Path, code: Path) -> list[str]:
    """The rules a dry run with the package in ``code`` plans."""
    path = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH", "")]))
    plan = run_pipeline(workdir, {"PYTHONPATH": path, PINNED: ""}, "--dry-run")
    assert plan.returncode == 0, plan.stderr[-3000:]
    return jobs(plan)


def test_the_digest_is_of_the_files_not_of_where_they_are(tmp_path: Path) -> None:
    copy = code_copy(tmp_path) / "livingreview"
    assert code_digest(copy) == code_digest(REPO_ROOT / "workflow/livingreview")
    (copy / "report/templates/style.css").write_text("p {}\n", encoding="utf-8")
    assert code_digest(copy) != code_digest(REPO_ROOT / "workflow/livingreview")


def test_what_an_editor_leaves_beside_the_code_is_not_code(tmp_path: Path) -> None:
    # a swap file, a backup or Finder's .DS_Store beside the package would otherwise re-run every
    # step of the next run; the config schema is code (its defaults and checks decide outputs)
    copy = code_copy(tmp_path)
    package = copy / "livingreview"
    before = code_digest(package)
    (package / "report/.render.py.swp").write_bytes(b"b0VIM 9.0")
    (package / "importing.py~").write_text("# backup\n", encoding="utf-8")
    (package / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (package / "dedup/rounds.py.orig").write_text("# merge\n", encoding="utf-8")
    assert code_digest(package) == before
    schema = copy / "schemas/config.schema.yaml"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n# amended\n", encoding="utf-8")
    assert code_digest(package) != before


def test_an_emacs_auto_save_or_an_ide_safe_write_copy_is_not_code(tmp_path: Path) -> None:
    # Emacs keeps an unsaved buffer in '#name#' beside the file, JetBrains IDEs write a file
    # through 'name___jb_tmp___' and keep 'name___jb_old___' a moment: neither is the code
    package = code_copy(tmp_path) / "livingreview"
    before = code_digest(package)
    (package / "#importing.py#").write_text("# edit\n", encoding="utf-8")
    (package / "config.py___jb_tmp___").write_text("# safe write\n", encoding="utf-8")
    (package / "config.py___jb_old___").write_text("# safe write\n", encoding="utf-8")
    assert code_digest(package) == before


def test_a_schemas_folder_of_another_distribution_beside_an_installed_package_is_not_code(
    tmp_path: Path,
) -> None:
    # a wheel installs the package with its schemas inside (livingreview/_schemas); a folder
    # 'schemas' beside it in site-packages is another distribution's, not this code
    site = tmp_path / "site-packages"
    package = site / "livingreview"
    shutil.copytree(code_copy(tmp_path) / "livingreview", package)
    shutil.copytree(REPO_ROOT / "workflow/schemas", package / "_schemas")
    before = code_digest(package)
    (site / "schemas").mkdir()
    (site / "schemas/event.json").write_text('{"type": "object"}\n', encoding="utf-8")
    assert code_digest(package) == before


def test_a_file_gone_between_listing_and_reading_is_not_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # vim writes and removes '4913' beside a file it saves; listed, then gone before it is read,
    # it stopped the Snakefile's load with a FileNotFoundError traceback
    from livingreview import code_version

    package = code_copy(tmp_path) / "livingreview"
    before = code_digest(package)
    listed = [*code_version._code_files(package), package / "4913"]
    monkeypatch.setattr(code_version, "_code_files", lambda root: listed)
    assert code_digest(package) == before


@pytest.mark.slow
def test_after_an_upgrade_every_step_runs_again(tmp_path: Path) -> None:
    work = tmp_path / "review"
    work.mkdir()
    done = run_pipeline(work, {PINNED: ""})  # the digest, as outside the tests
    assert done.returncode == 0, done.stderr[-3000:]
    ran = sorted(jobs(done))
    code = code_copy(tmp_path)
    assert dry_run(work, code) == []  # the same code elsewhere: nothing to do
    importing = code / "livingreview/importing.py"
    importing.write_text(importing.read_text(encoding="utf-8") + "\n# upgraded\n", "utf-8")
    assert sorted(dry_run(work, code)) == ran


@pytest.mark.slow
def test_an_import_written_before_it_kept_provenance_runs_again_after_an_upgrade(
    tmp_path: Path,
) -> None:
    # versions before 00e1998 wrote an import's records.csv and manifest.json, no provenance.csv;
    # Snakemake compares no params of an output it has no record of, so the upgraded code kept
    # those imports: their manifests named no round, and round 2 (the demo with a new Web of
    # Science export) stopped in the ledger, per-database counts 388 against 255 identified
    work = tmp_path / "review"
    work.mkdir()
    done = run_pipeline(work, {PINNED: ""})
    assert done.returncode == 0, done.stderr[-3000:]
    ran = sorted(jobs(done))
    assert ran.count("import_export") == 3
    for provenance in (work / "outputs/search").glob("*/provenance.csv"):
        provenance.unlink()  # the outputs of such a version, and Snakemake's records of them
    for record in (work / ".snakemake/metadata").rglob("*"):
        parts = record.relative_to(work / ".snakemake/metadata").parts
        if record.is_file() and written_file(parts).endswith("/provenance.csv"):
            record.unlink()
    code = code_copy(tmp_path)
    importing = code / "livingreview/importing.py"
    importing.write_text(importing.read_text(encoding="utf-8") + "\n# upgraded\n", "utf-8")
    assert sorted(dry_run(work, code)) == ran
