"""Decoding a returned CSV sheet's bytes (UTF-8, UTF-16, Mac Roman, cp1252), refusing mixed or
binary ones."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from livingreview.errors import InputFileError

#: A UTF-8 sequence of two to four bytes: text that is UTF-8, inside a file that is not all UTF-8.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode_csv(path: Path) -> str:
    """A CSV file's text: UTF-16 when it starts with that byte-order mark (LibreOffice's
    "Unicode (UTF-16)" character set) or, without one, has a NUL byte beside each character of
    its first line; else UTF-8, else Mac Roman when its lines end with CR alone (see
    :func:`_mac_roman`), else Windows' cp1252. A file that is UTF-8 in one place and not
    in another (text pasted or appended in another encoding), or neither, is refused: reading
    it as cp1252 would garble the UTF-8 text a reviewer typed."""
    data = path.read_bytes()
    wide = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ""
    wide = wide or _utf16_without_bom(data)
    if wide:
        try:
            return data.decode(wide)
        except UnicodeDecodeError as exc:
            raise InputFileError(
                path, f"cannot be read as UTF-16 text ({exc.reason} at byte {exc.start})"
            ) from None
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            path,
            "cannot be read as a CSV sheet (a ZIP archive: an .xlsx workbook under a .csv "
            "name?); expected CSV text: give a workbook its .xlsx name",
        )
    if b"\x00" in data:
        raise InputFileError(
            path,
            "cannot be read as a CSV sheet (binary data: a NUL byte); expected CSV text",
            position=_line(data, data.index(b"\x00")),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = data.startswith(codecs.BOM_UTF8)
        mixed = bom or UTF8_SEQUENCE.search(data)
        bad = exc.start + (len(codecs.BOM_UTF8) if bom else 0)  # counted after the BOM
    if not mixed:
        if _mac_roman(data):
            return data.decode("mac_roman")
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            bad = exc.start
    what = "UTF-8, as the rest of the file is (mixed encodings?)" if mixed else "UTF-8 or cp1252"
    raise InputFileError(
        path,
        f"byte {bad} (0x{data[bad]:02x}) is not {what}; expected the sheet in one encoding: "
        "save it again as CSV UTF-8",
        position=_line(data, bad),
    )


#: Bytes where Mac Roman has its accented letters (é 0x8E, ü 0x9F, Ä 0x80) and cp1252 only
#: punctuation, a few rare letters (Ž, š, Ÿ) and five unassigned bytes.
_MAC_LETTERS = re.compile(rb"[\x80-\x9f]")


def _mac_roman(data: bytes) -> bool:
    """Whether 8-bit text is Mac Roman, as Excel's "CSV (Macintosh)" saves it: its first line
    ends with CR alone (Windows' cp1252 files end lines with CRLF; a line break typed inside a
    cell is an LF in both), and it holds a byte of 0x80-0x9F, or read as Mac Roman it has no
    more capitals or signs stuck to small letters than read as cp1252 (:func:`_odd`: Mac
    Roman's ’ “ ” … are cp1252's Õ Ò Ó É, so ``it’s`` would read ``itÕs``; notes with signs
    only, ``≥ 18``, tell neither, and CR line ends say Mac Roman)."""
    end = _LINE_END.search(data)  # the first line, the header or metadata, has no quoted cell
    if end is None or end.group() != b"\r":
        return False
    if _MAC_LETTERS.search(data):
        return True
    return _odd(data.decode("mac_roman")) <= _odd(data.decode("cp1252"))


def _odd(text: str) -> int:
    """How many characters outside ASCII in ``text`` follow a small ASCII letter as a capital
    (``itÕs``, ``CafÈ``) or as no letter before another small one (``Stra§e``, ``L¿ken``), or
    are a sign, no punctuation, before a small letter (``¯re``): text garbled by reading it in
    the other 8-bit encoding (a quote opening a word, ``“good``, is none)."""
    if len(text) < 2:
        return 0
    count = 0
    for before, char, after in zip(text[:-1], text[1:], text[2:] + " ", strict=True):
        if char <= "\x7f" or (char.isalpha() and not char.isupper()):
            continue
        inside = "a" <= before <= "z"
        if char.isalpha():
            count += inside
        elif "a" <= after <= "z":
            count += inside or not unicodedata.category(char).startswith("P")
    return count


_LINE_END = re.compile(rb"\r\n?|\n")


def _line(data: bytes, offset: int) -> str:
    """Where byte ``offset`` of a file is, for messages (``line 3``): lines end with CRLF, LF
    or CR alone (Excel's "CSV (Macintosh)")."""
    return "line " + str(len(_LINE_END.findall(data, 0, offset)) + 1)


def _utf16_without_bom(data: bytes) -> str:
    """``utf-16-le`` or ``-be`` when the first 32 characters (a sheet's first line is ASCII)
    each have a NUL byte after or before them, else ''."""
    head = data[:64]
    even, odd = head[0::2], head[1::2]
    if len(head) < 4 or len(head) % 2:
        return ""
    if odd.count(0) == len(odd) and 0 not in even:
        return "utf-16-le"
    if even.count(0) == len(even) and 0 not in odd:
        return "utf-16-be"
    return ""
