"""A time of day in a returned .xlsx read as its cell shows it (``12:30``, not ``12:30:00``).

A spreadsheet program stores ``12:30`` typed into a cell as a time with a number format that
says how it shows (``h:mm`` in Excel, ``HH:MM`` in LibreOffice); the reviewer saw, and a CSV of
the sheet holds, what that format makes of it. An earlier version read every time cell as
``HH:MM:SS`` (:func:`as_read_before` maps such a reading back for the nothing-lost checks).
"""

from __future__ import annotations

import re
from datetime import time, timedelta

# One token of a number format: quoted text, an escaped character, a bracketed part (an elapsed
# [h], a colour, a locale), AM/PM, a run of one letter, or any other character
_TOKEN = re.compile(
    r'"[^"]*"|\\.|\[[^\]]*\]|am/pm|a/p|([hms])\1*|\.0+|[a-z]|.', re.IGNORECASE | re.DOTALL
)
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)


def _tokens(section: str) -> list[str] | None:
    """The format's tokens; None when it shows anything but a time (a date, a number)."""
    tokens = [match.group(0) for match in _TOKEN.finditer(section)]
    for token in tokens:
        letter = token[0].lower()
        if token.lower() in ("am/pm", "a/p") or letter in "hms" or token.startswith((".", '"')):
            continue
        if letter.isalpha() or letter in "#0?,%@":
            return None  # a date part, General, or a number placeholder
    return tokens


def time_shown(value: time | timedelta, number_format: str) -> str | None:
    """``value`` as a cell in ``number_format`` shows it; None when the format is no plain
    time format (then the cell reads as before)."""
    tokens = _tokens(number_format.split(";")[0])
    if not tokens or not any(t[0].lower() in "hs[" for t in tokens):
        return None
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        micro = value.microsecond
    else:
        seconds, micro = divmod(round(value.total_seconds() * 1_000_000), 1_000_000)
    twelve = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    text = []
    for index, token in enumerate(tokens):
        lower = token.lower()
        elapsed = _ELAPSED.fullmatch(token)
        if elapsed:
            unit = elapsed.group(1)
            total = seconds // {"h": 3600, "m": 60, "s": 1}[unit[0].lower()]
            text.append(str(total).zfill(len(unit)))
        elif lower in ("am/pm", "a/p"):
            noon = seconds // 3600 % 24 >= 12
            shown = ("PM" if noon else "AM") if lower == "am/pm" else ("P" if noon else "A")
            text.append(shown if token[0].isupper() else shown.lower())
        elif lower[0] == "h":
            hour = seconds // 3600 % 24
            if twelve:
                hour = hour % 12 or 12
            text.append(str(hour).zfill(min(len(token), 2)))
        elif lower[0] == "m":
            if not _minutes(tokens, index):
                return None  # a month
            text.append(str(seconds // 60 % 60).zfill(min(len(token), 2)))
        elif lower[0] == "s":
            text.append(str(seconds % 60).zfill(min(len(token), 2)))
        elif token.startswith("."):
            text.append("." + f"{micro:06d}"[: len(token) - 1])
        elif token.startswith('"'):
            text.append(token[1:-1])
        elif token.startswith("\\"):
            text.append(token[1:])
        elif token.startswith("["):
            continue  # a colour or locale
        else:
            text.append(token)
    return "".join(text)


def _minutes(tokens: list[str], index: int) -> bool:
    """Whether the ``m`` token at ``index`` means minutes: after an hour or before seconds."""
    letters = [(i, t[0].lower()) for i, t in enumerate(tokens) if t[0].lower() in "hms["]
    before = [c for i, c in letters if i < index]
    after = [c for i, c in letters if i > index]
    return bool(before and before[-1] in "h[") or bool(after and after[0] == "s")


_SHOWN_TIME = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d)(\.\d+)?)?(?:\s*([ap])m?)?", re.IGNORECASE)


def as_read_before(value: str) -> str:
    """A time of day as a cell shows it (``12:30``, ``1:30 PM``, ``12:30:00 PM``) as an earlier
    version read the cell (``12:30:00``, ``13:30:00``): what it stored; else ``value``."""
    match = _SHOWN_TIME.fullmatch(value)
    if match is None:
        return value
    hour, minute, second, fraction, half = match.groups()
    hours = int(hour)
    if half:
        if not 1 <= hours <= 12:
            return value
        hours = hours % 12 + (12 if half.lower() == "p" else 0)
    if hours > 23 or int(minute) > 59 or int(second or 0) > 59:
        return value
    stored = time(hours, int(minute), int(second or 0))
    if fraction:
        stored = stored.replace(microsecond=int(fraction[1:7].ljust(6, "0")))
    return str(stored)
