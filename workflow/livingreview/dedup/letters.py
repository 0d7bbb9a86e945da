"""Letters without diacritics, shared by the title, author and journal keys."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark, spelled as they are
# written in ASCII ("Søren" and "Soren", "Strauß" and "Strauss", "Łukasz" and "Lukasz").
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def strip_accents(text: str) -> str:
    """Letters without their diacritics (``"é"`` -> ``"e"``, ``"ø"`` -> ``"o"``, ``"ß"`` ->
    ``"ss"``); other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNDECOMPOSED)
