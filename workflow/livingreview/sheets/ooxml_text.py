"""Text as an .xlsx stores it: characters XML cannot hold, and ``_xHHHH_`` typed as text, escaped.

OOXML writes a character as ``_x`` and four hex digits (Excel writes a carriage return as
``_x000D_``, a vertical tab pasted from Word as ``_x000B_``); ``_x005F_`` is an underscore, so
``_x005F_x000D_`` is the text ``_x000D_``. Excel and LibreOffice read both ways.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# A carriage return (XML reads it as a line feed), the control characters XML 1.0 cannot hold,
# and an underscore that would start an escape.
_TO_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")


def _character(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return match.group() if 0xD800 <= code <= 0xDFFF else chr(code)  # half a pair: kept as is


def unescaped(text: str) -> str:
    """A stored string as typed: each ``_xHHHH_`` turned into its character, left to right in
    one pass, so the ``_xHHHH_`` after an escaped underscore stays text."""
    return _ESCAPE.sub(_character, text) if "_x" in text else text


def escaped(text: str) -> str:
    """``text`` as a cell stores it, so that :func:`unescaped` gives it back."""
    return _TO_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
