"""The report's templates compiled in one run are not compiled again in the next, and the pages
are the same bytes; an edited template or a damaged cache file is compiled again."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest
from jinja2 import DictLoader, Environment

from livingreview.config import load_config
from livingreview.report import render
from livingreview.report.template_cache import FOLDER, TemplateCache, cache_folder
from tests.report.test_report import DEMO_CONFIG

PAGES = ("index.html", "report.md", "prisma_checklist.md")


def test_a_second_run_compiles_no_template_and_writes_the_same_pages(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = shutil.copytree(demo_outputs, tmp_path / "outputs")
    shutil.rmtree(outputs / FOLDER, ignore_errors=True)
    config = load_config(DEMO_CONFIG)
    compiled: list[str] = []
    original = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(str(name))
        return original(self, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "compile", counted)
    render._environment.cache_clear()  # as a new process starts
    render.write_report(config, outputs, tmp_path / "first")
    assert "index.html" in compiled and "report.md" in compiled

    compiled.clear()
    render._environment.cache_clear()  # the next run
    render.write_report(config, outputs, tmp_path / "second")
    assert compiled == []
    for name in PAGES:
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    render._environment.cache_clear()


def _page(folder: Path, source: str) -> str:
    env = Environment(loader=DictLoader({"page": source}), bytecode_cache=TemplateCache(folder))
    return env.get_template("page").render(x="x")


def test_an_edited_template_or_a_damaged_file_is_compiled_again(tmp_path: Path) -> None:
    folder = tmp_path / "compiled"
    assert _page(folder, "one {{ x }}") == "one x"
    kept = list(folder.iterdir())
    assert len(kept) == 1
    assert _page(folder, "one {{ x }}") == "one x"
    assert _page(folder, "two {{ x }}") == "two x"  # same name, other source: not the old code
    for damage in (b"", b"j2garbage", kept[0].read_bytes()[:40]):
        kept[0].write_bytes(damage)
        assert _page(folder, "two {{ x }}") == "two x"


def test_the_compiled_templates_of_other_code_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / FOLDER / "html-0000000000000000"
    stale.mkdir(parents=True)
    (stale / "x.cache").write_bytes(b"old")
    html, text = cache_folder(tmp_path, html=True), cache_folder(tmp_path, html=False)
    assert html.name.startswith("html-") and text.name.startswith("text-") and html != text
    assert not stale.exists()
    assert jinja2.__version__  # the folders' names hold a digest of its version too
