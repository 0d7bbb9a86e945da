"""WHO ICTRP search results exported as XML ("Export results to XML").

Layout: ``<Trials_downloaded_from_ICTRP>`` holding one ``<Trial>`` per trial, whose children are
the columns of the ICTRP's CSV export as plain text elements, spaces written as underscores:
``<TrialID>``, ``<Public_title>``, ``<Scientific_title>``, ``<Date_registration3>``,
``<Source_Register>``, ``<web_address>``, ``<Condition>``, ``<Intervention>`` ... (also
``<Internal_Number>`` and ``<Export_date>``, not read). Several conditions share one element
joined with ``;`` or an escaped ``<br>``; an empty field is an empty element (``<Acronym/>``);
values may carry the export's indentation around them and ``&#x0D;`` line ends.

Each ``<Trial>`` becomes a row keyed by the CSV column names and goes through the CSV's
``ictrp`` flavour, so both exports of the same trials give the same records. Parsed with the
standard library's expat through :mod:`.xml_tree` (no DTD, no entity).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from livingreview.errors import InputFileError
from livingreview.imports.tabular.columns import CellError, _getter
from livingreview.imports.tabular.flavours import BUILDERS
from livingreview.imports.text import Parsed, match_lines, record_position
from livingreview.imports.xml_tree import element_tree, refuse_declarations

ROOT = "Trials_downloaded_from_ICTRP"
_SCAN = re.compile(r"<Trial[\s>/]")
#: How an ICTRP XML export opens: an XML declaration and comments at most, then its root.
_START = re.compile(rf"(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<{ROOT}[\s>/]", re.DOTALL)


def looks_like(head: str) -> bool:
    """Whether decoded text opens as an ICTRP XML export (its root element first)."""
    return bool(_START.match(head.lstrip()))


def scan(text: str) -> list[int]:
    """Lines where a trial starts: every ``<Trial>`` opening tag, by a plain pattern search."""
    return match_lines(_SCAN, text)


def parse(path: Path | str, text: str) -> list[Parsed]:
    """Parse an ICTRP XML export into records, one per ``<Trial>``."""
    refuse_declarations(path, text, "a WHO ICTRP XML export", "the search results")
    _refuse_cut_short(path, text)
    root, lines = element_tree(path, text, "Trial")
    if root.tag != ROOT:
        opening = re.search(rf"<{re.escape(root.tag)}[\s>/]", text)
        line = text.count("\n", 0, opening.start()) + 1 if opening else 1
        raise InputFileError(
            path,
            f"not a WHO ICTRP XML export: the root element is <{root.tag}>, "
            f"expected <{ROOT}> holding <Trial> elements",
            position=f"line {line}",
        )
    build = BUILDERS["ictrp"]
    parsed: list[Parsed] = []
    for number, trial in enumerate(root.findall("Trial"), 1):
        line = lines.get(id(trial), 0)
        try:
            parsed.append(Parsed(line, build(_getter(trial_row(trial)))))
        except CellError as exc:
            raise InputFileError(
                path,
                exc.problem,
                position=record_position(number, line),
                field=exc.column.replace(" ", "_"),
            ) from None
    return parsed


def trial_row(trial: ET.Element) -> dict[str, str]:
    """A ``<Trial>`` as a CSV row: each child's text under its column name, lower-cased
    (``Public_title`` is ``public title``), ends stripped; a field written twice keeps both
    values, one a line (as the ICTRP joins several conditions in one cell)."""
    cells: dict[str, list[str]] = {}
    for child in trial:
        value = "".join(child.itertext()).replace("\r\n", "\n").replace("\r", "\n").strip()
        cells.setdefault(child.tag.replace("_", " ").lower(), []).append(value)
    return {name: "\n".join(v for v in values if v) for name, values in cells.items()}


def _refuse_cut_short(path: Path | str, text: str) -> None:
    """Fail when the file stops after a ``</Trial>`` without closing its root: the ICTRP's
    download of a large result set is known to end there, the trials after it missing."""
    if text.rstrip().endswith("</Trial>"):
        starts = scan(text)
        raise InputFileError(
            path,
            f"the file ends after trial {len(starts)} without the closing </{ROOT}>: the "
            "export was cut short and later trials may be missing; export the search again, "
            "in smaller parts if it is large",
            position=record_position(len(starts), starts[-1] if starts else 1),
        )
