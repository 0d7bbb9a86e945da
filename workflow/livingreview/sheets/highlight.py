"""Protocol keywords highlighted in a sheet's text as rich text (include green, exclude red)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from livingreview.sheets.ooxml_text import escaped

INCLUDE_COLOUR = "00713A"
EXCLUDE_COLOUR = "C00000"


class Highlighter:
    """Protocol keywords in a text as rich text: include words bold green, exclude words bold red
    (a word in both lists counts as exclude). Whole words, any capitalisation, longest first."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str]) -> None:
        from openpyxl.cell.text import InlineFont

        self.fonts = {
            True: InlineFont(b=True, color=EXCLUDE_COLOUR),
            False: InlineFont(b=True, color=INCLUDE_COLOUR),
        }
        self.exclude = {k.strip().casefold() for k in exclude if k.strip()}
        words = self.exclude | {k.strip().casefold() for k in include if k.strip()}
        ordered = sorted(words, key=lambda k: (-len(k), k))
        alternatives = "|".join(re.escape(w) for w in ordered)
        self.pattern = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE) if words else None

    def __call__(self, text: str) -> object:
        """``text`` as ``CellRichText``, or the plain string when no keyword occurs (each
        piece :func:`escaped` as a cell stores it)."""
        from openpyxl.cell.rich_text import CellRichText, TextBlock

        matches = list(self.pattern.finditer(text)) if self.pattern else []
        if not matches:
            return escaped(text)
        parts: list[object] = []
        at = 0
        for match in matches:
            if match.start() > at:
                parts.append(escaped(text[at : match.start()]))
            font = self.fonts[match.group().casefold() in self.exclude]
            parts.append(TextBlock(font, escaped(match.group())))
            at = match.end()
        if at < len(text):
            parts.append(escaped(text[at:]))
        return CellRichText(parts)
