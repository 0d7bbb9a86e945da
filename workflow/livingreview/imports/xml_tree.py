"""Reading an XML export safely: the standard library's expat, no DTD and no entity.

A file declaring a DTD or entities (``<!DOCTYPE``, ``<!ENTITY``) is refused before it is parsed
and, should the pattern miss one, by expat's handlers while parsing: nothing outside the file is
ever read and no entity is expanded (what :mod:`defusedxml` guards against). Used by the EndNote
XML and WHO ICTRP XML readers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from livingreview.errors import InputFileError
from livingreview.imports.text import record_position

_DECLARATION = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse_declarations(path: Path | str, text: str, export: str, again: str) -> None:
    """Fail when ``text`` declares a DTD or entities: ``export`` (``"an EndNote XML export"``)
    has none, so ``again`` (``"the library"``) is to be exported again."""
    declaration = _DECLARATION.search(text)
    if declaration:
        raise InputFileError(
            path,
            f"the XML declares a DTD or entities (<!DOCTYPE/<!ENTITY); {export} "
            f"has none, and they are not read: export {again} again",
            position=f"line {text.count(chr(10), 0, declaration.start()) + 1}",
        )


def element_tree(path: Path | str, text: str, record_tag: str) -> tuple[ET.Element, dict[int, int]]:
    """The element tree and the start line of every ``record_tag`` element (by ``id``).

    Malformed XML fails naming its line and column, at the record it was in when one had started.
    """
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    starts: list[int] = []
    lines: dict[int, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(tag, attributes)
        if tag == record_tag:
            starts.append(parser.CurrentLineNumber)
            lines[id(element)] = parser.CurrentLineNumber

    def refuse(*_: object) -> None:  # a DOCTYPE the pattern missed: never expanded
        raise InputFileError(
            path,
            "the XML declares a DTD or entities; they are not read",
            position=f"line {parser.CurrentLineNumber}",
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        where = record_position(len(starts), starts[-1]) if starts else f"line {exc.lineno}"
        raise InputFileError(
            path,
            f"malformed XML at line {exc.lineno}, column {exc.offset + 1}: "
            f"{expat.ErrorString(exc.code)} (a cut or hand-edited export?)",
            position=where,
        ) from None
    return builder.close(), lines
