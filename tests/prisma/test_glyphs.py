"""Text DejaVu Sans cannot draw (a Chinese database's name, a Korean exclusion reason) is drawn
in an installed font that has it, or named once in a warning when none has it: matplotlib
warned for each glyph each time it measured or drew it, and the PNG showed placeholder boxes."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.prisma.diagram import FONT_FAMILY
from tests.prisma.test_csv_template_defaults import template_csv

CHINESE = "中国知网"


def test_text_dejavu_sans_draws_keeps_to_it() -> None:
    from livingreview.prisma import glyphs

    assert glyphs.families("Records identified from: Ölçüt dışı, Не РКИ (n\u00a0=\u00a03)") == (
        FONT_FAMILY,
    )


def test_a_symbol_dejavu_sans_lacks_is_drawn_in_a_font_that_has_it() -> None:
    from livingreview.prisma import glyphs

    # U+214A PROPERTY LINE: not in DejaVu Sans, in matplotlib's own STIX fonts
    chosen = glyphs.families("Records \u214a")
    assert chosen[0] == FONT_FAMILY and len(chosen) == 2


def _cjk_font_installed() -> bool:
    from matplotlib.font_manager import fontManager
    from matplotlib.ft2font import FT2Font

    for font in fontManager.ttflist:
        if font.name.startswith("Last Resort") or not font.fname.endswith((".ttf", ".otf")):
            continue
        if all(ord(c) in FT2Font(font.fname).get_charmap() for c in CHINESE):
            return True
    return False


def test_cjk_names_are_drawn_or_named_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = template_csv(
        tmp_path / "flow.csv",
        {
            "database_specific_results": f"CNKI {CHINESE}, 0; RISS 학술연구정보서비스, 0",
            "dbr_excluded": "非随机对照试验, 0",
        },
    )
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        for suffix in (".png", ".pdf"):
            assert main(["prisma", str(source), "--out", str(tmp_path / f"f{suffix}")]) == 0
    assert not [w for w in caught if "Glyph" in str(w.message)]
    said = [r.getMessage() for r in caplog.records if r.name == "livingreview.prisma"]
    if _cjk_font_installed():
        assert said == []
    else:  # one line for each text bringing characters no font has, across both drawings
        assert len(said) == 3
        assert said[0].startswith(f"no installed font has {CHINESE} (in 'CNKI {CHINESE}")
        assert "placeholder box" in said[0] and "Noto Sans CJK" in said[0]


def test_a_diagram_is_drawn_again_once_a_font_for_its_missing_characters_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """drawn.json's digest named DejaVu Sans only: a diagram drawn with placeholder boxes was
    copied back from the cache after the team installed a font that has the characters."""
    from matplotlib.font_manager import fontManager

    from livingreview.prisma import drawn, glyphs

    def digests() -> tuple[str, str]:
        glyphs._installed.cache_clear()
        glyphs.families.cache_clear()
        plain = {"title": "Records identified from: Ölçüt dışı, Не РКИ"}
        symbol = {"title": "Records \u214a (n = 3)"}  # U+214A: in matplotlib's STIX fonts only
        return drawn.digest(plain), drawn.digest(symbol)

    installed = digests()
    without_stix = [f for f in fontManager.ttflist if not f.name.startswith("STIX")]
    assert len(without_stix) < len(fontManager.ttflist)
    monkeypatch.setattr(fontManager, "ttflist", without_stix)
    missing = digests()
    assert glyphs.families("Records \u214a") == (FONT_FAMILY,)  # now drawn as a box
    assert missing[0] == installed[0]  # text DejaVu Sans draws: the same digest as before
    assert missing[1] != installed[1]
    monkeypatch.undo()
    assert digests() == installed


_PROBE = """
import json, sys
from livingreview.prisma import drawn, glyphs
text = "Records from \\U0010fffd (n = 3)"
print(json.dumps([glyphs.families(text), drawn.digest({"title": text})]))
"""


def _font_with_the_last_private_character(path: Path) -> None:
    """DejaVu Sans renamed 'RV Probe Sans', with a glyph for U+10FFFD (no font has one)."""
    import matplotlib
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    font = TTFont(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf")
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = "RVProbeSans" if record.nameID == 6 else "RV Probe Sans"
    wide = CmapSubtable.newSubtable(12)
    wide.platformID, wide.platEncID, wide.language = 3, 10, 0
    wide.cmap = {**font.getBestCmap(), 0x10FFFD: "A"}
    font["cmap"].tables = [t for t in font["cmap"].tables if t.format != 12] + [wide]
    font.save(path)


def test_a_font_installed_after_matplotlib_listed_the_fonts_draws_the_diagram_again(
    tmp_path: Path,
) -> None:
    """(review of 3fc5503) matplotlib keeps its list of installed fonts in its cache folder and
    never looks again: a font the team installed for characters no font had was neither drawn
    with nor in the diagram's digest until that list was deleted by hand."""
    import json
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(tmp_path / "mpl")}

    def probe() -> tuple[list[str], str]:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
        )
        found, digest = json.loads(done.stdout)
        return found, digest

    before = probe()  # matplotlib lists the fonts now, in its cache folder
    assert before[0] == [FONT_FAMILY]
    (home / ".fonts").mkdir(parents=True)
    _font_with_the_last_private_character(home / ".fonts" / "RVProbeSans.ttf")
    after = probe()
    assert after[0] == [FONT_FAMILY, "RV Probe Sans"]
    assert after[1] != before[1]
    assert probe() == after  # the same on the next run
