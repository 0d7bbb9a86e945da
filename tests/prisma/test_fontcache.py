"""The on-disk cache of PDF font subsets: PDFs are the same bytes with a cold, warm, damaged or
unwritable cache, and a warm cache spares the subsetting."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.prisma import fontcache, render
from livingreview.prisma.diagram import build_flow
from livingreview.prisma.render import to_pdf
from tests.prisma.ledgers import consistent

pytestmark = pytest.mark.skipif(
    not render.shares_font_subsets(),
    reason="matplotlib < 3.11.1: each PDF subsets its fonts itself, nothing is cached",
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(fontcache, "_folder", lambda: folder)
    render._SUBSETS.clear()
    return folder


def _pdf() -> bytes:
    render._SUBSETS.clear()  # a new process: only the disk cache is left
    return to_pdf(build_flow([consistent("n", previous=3)], title="Cached"))


def test_a_warm_cache_gives_the_same_pdf_without_subsetting(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _pdf()
    entries = sorted(cache_dir.glob("*.bin"))
    assert len(entries) == 2  # regular and bold

    from matplotlib.backends import _backend_pdf_ps

    def no_subsetting(*_: object) -> None:
        raise AssertionError("subset computed although cached")

    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", no_subsetting)
    assert _pdf() == cold


def test_a_damaged_or_unwritable_cache_changes_nothing(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _pdf()
    entries = sorted(cache_dir.glob("*.bin"))
    entries[0].write_bytes(entries[0].read_bytes()[:-10])  # truncated
    entries[1].write_bytes(b"not a cache entry")
    assert _pdf() == cold
    assert all(fontcache._read(e) is not None for e in entries)  # rewritten whole

    blocked = cache_dir.parent / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setattr(fontcache, "_folder", lambda: blocked / "cache")
    assert _pdf() == cold
    assert blocked.read_text() == "a file where the cache folder would be"


def test_the_key_follows_font_face_and_glyphs(tmp_path: Path) -> None:
    font = tmp_path / "a.ttf"
    font.write_bytes(b"font one")
    key = fontcache.entry_key(str(font), 0, {3, 1, 2})
    assert key == fontcache.entry_key(str(font), 0, [1, 2, 3])
    assert key != fontcache.entry_key(str(font), 1, {1, 2, 3})
    assert key != fontcache.entry_key(str(font), 0, {1, 2})
    other = tmp_path / "b.ttf"
    other.write_bytes(b"font two")
    assert key != fontcache.entry_key(str(other), 0, {1, 2, 3})
