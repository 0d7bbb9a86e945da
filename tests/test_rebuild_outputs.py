"""``outputs/`` is rebuilt from the inputs alone: deleting it after a review has run more than
once and running the pipeline again gives the same files, byte for byte, and the same run
manifest but for when it finished. Only what is kept to save time (``.cache``) and the logs
may differ; the ranker's word cache, whose bytes depend on the runs before, is one of those."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from livingreview.screening.stage import WORDS_CACHE
from tests.conftest import REPO_ROOT
from tests.pipeline import run_pipeline

VARYING = (".cache/", "logs/")


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(VARYING)
    }


def earlier_state(workdir: Path) -> Path:
    """The human folder as it was before the team's work: the database exports only, the Web of
    Science one holding its first 20 records (fewer texts, and fewer words, to screen)."""
    human = workdir / "human_before"
    shutil.copytree(REPO_ROOT / "demo/human/exports", human / "exports")
    ris = human / "exports/web_of_science.ris"
    records = ris.read_text(encoding="utf-8").split("ER  -")
    ris.write_text("ER  -".join(records[:20]) + "ER  -\n", encoding="utf-8")
    return human


@pytest.mark.slow
def test_a_deleted_outputs_folder_is_rebuilt_identically(tmp_path: Path) -> None:
    before = run_pipeline(tmp_path, human=earlier_state(tmp_path))
    assert before.returncode == 0, before.stderr[-3000:]
    now = run_pipeline(tmp_path)  # the demo's human work: more records, screened with a warm cache
    assert now.returncode == 0, now.stderr[-3000:]
    outputs = tmp_path / "outputs"
    original = tree(outputs)
    assert (outputs / WORDS_CACHE).is_file()
    shutil.rmtree(outputs)

    rebuilt = run_pipeline(tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    again = tree(outputs)
    assert sorted(again) == sorted(original)
    manifests = [json.loads(t.pop("run_manifest.json")) for t in (original, again)]
    for manifest in manifests:
        assert manifest.pop("finished_at")
    assert manifests[0] == manifests[1]
    assert [name for name in original if original[name] != again[name]] == []
