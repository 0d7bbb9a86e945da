"""Fonts for the characters DejaVu Sans (the diagrams' font, bundled with matplotlib) cannot
draw: Chinese, Japanese, Korean and other scripts in a database's name, an exclusion reason
or a title. Each text is drawn in DejaVu Sans, then in installed fonts that have the rest
(matplotlib takes each glyph from the first family that has it); when no installed font has a
character, a warning names it once (not matplotlib's warning for each glyph each time it is
measured or drawn), since PNG and PDF show a placeholder box in its place."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from livingreview.prisma.diagram import FONT_FAMILY

_LOG = logging.getLogger("livingreview.prisma")
_FONT_FILES = (".ttf", ".otf", ".ttc")
#: Fonts whose glyph for every character is a box naming its script (matplotlib bundles one).
_PLACEHOLDERS = frozenset({"Last Resort High-Efficiency", "LastResort"})


@cache
def _charmap(path: str) -> frozenset[int]:
    """The characters a font file has glyphs for (none when it cannot be read)."""
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


@cache
def _base_charmap() -> frozenset[int]:
    from matplotlib.font_manager import FontProperties, findfont

    return _charmap(findfont(FontProperties(family=FONT_FAMILY)))


@cache
def _installed() -> tuple[tuple[str, str], ...]:
    """Every installed font's family and file, in name order (the same choice on every run).
    matplotlib lists the installed fonts once, in its cache folder: those installed since are
    added here (asked for only when DejaVu Sans lacks a character)."""
    from matplotlib.font_manager import findSystemFonts, fontManager

    listed = {f.fname for f in fontManager.ttflist}
    for path in sorted(set(findSystemFonts()) - listed):
        if path.lower().endswith(_FONT_FILES):
            try:
                fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # not a font matplotlib reads; its own list leaves it out too
    fonts = {(f.name, f.fname) for f in fontManager.ttflist if f.name not in _PLACEHOLDERS}
    return tuple(sorted(f for f in fonts if f[1].lower().endswith(_FONT_FILES)))


_SAID: set[int] = set()  # the characters a warning has named (each is named once a process)


@cache
def families(text: str) -> tuple[str, ...]:
    """The families to draw ``text`` in: DejaVu Sans, then installed ones for what it lacks."""
    missing = {ord(c) for c in text if not c.isspace()} - _base_charmap()
    chosen = [FONT_FAMILY]
    for name, path in _installed() if missing else ():
        covered = missing & _charmap(path)
        if covered and name not in chosen:
            chosen.append(name)
            missing -= covered
        if not missing:
            break
    if missing - _SAID:
        _SAID.update(missing)
        shown = "".join(dict.fromkeys(c for c in text if ord(c) in missing))
        _LOG.warning(
            "no installed font has %s (in '%s'): the PNG and PDF diagrams show a placeholder box "
            "for each (the SVG and HTML leave them to the viewer's fonts); install a font that has "
            "them, such as Noto Sans CJK for Chinese, Japanese and Korean",
            shown,
            " ".join(text.split()),
        )
    return tuple(chosen)


def fallback_fonts(text: str) -> list[list[str]]:
    """The installed fonts that would draw what DejaVu Sans lacks in ``text``: family, file name
    and SHA-256 of each (none when it lacks nothing). A diagram's digest holds them
    (:func:`livingreview.prisma.drawn.digest`), so installing such a font draws it again."""
    from livingreview.prisma.fontcache import file_digest

    missing = {ord(c) for c in text if not c.isspace()} - _base_charmap()
    found: list[list[str]] = []
    for name, path in _installed() if missing else ():
        covered = missing & _charmap(path)
        if covered:
            found.append([name, Path(path).name, file_digest(path)])
            missing -= covered
        if not missing:
            break
    return found


@contextmanager
def glyph_warnings_said() -> Iterator[None]:
    """matplotlib's warning for each glyph a font lacks left out: :func:`families` said it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", re.escape("Glyph ") + r"\d+ .*missing from font")
        yield
