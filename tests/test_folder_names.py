"""A review whose outputs folder has a space, quotes or a dollar sign in its path runs all the
same: the rules that start a process of their own (searches, imports, re-fetches, the library's
RIS/BibTeX export, open-access lookups) pass the protocol and the log to the shell quoted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pipeline import run_pipeline


@pytest.mark.slow
def test_searches_and_imports_run_in_a_folder_named_with_spaces_and_quotes(
    tmp_path: Path,
) -> None:
    # Before: `--configfile {params.protocol} 2> {log}` split the path at its space, so every
    # import failed with exit 2 and its error went to a stray file named after the first word.
    workdir = tmp_path / "Übersicht (2026)" / "it's my $HOME review"
    workdir.mkdir(parents=True)
    outputs = workdir / "outputs"
    wanted = ["search/medline", "search/wos", "refetch/pubmed"]  # a search, an import, a re-fetch
    targets = [str(outputs / name / "records.csv") for name in wanted]
    targets.append(str(outputs / "library/library.ris"))  # the library's RIS/BibTeX export
    result = run_pipeline(workdir, None, "--keep-going", *targets)  # the flag ends --configfile
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((outputs / "search/wos/manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True and manifest["retrieved"] > 0
    for log in ("import/wos", "search/medline", "refetch/pubmed", "library_export"):
        assert (outputs / "logs" / f"{log}.log").is_file(), log
    assert (outputs / "library/library.bib").stat().st_size > 0
    left = sorted(p.name for p in workdir.iterdir() if not p.name.startswith("."))
    assert left == ["outputs", "paths.yaml"]  # no stray file named "it's" or "my"
