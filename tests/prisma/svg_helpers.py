"""Reading the diagram back from its SVG: boxes, their texts and the counts they show."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

NS = {"svg": "http://www.w3.org/2000/svg"}


@dataclass
class SvgBox:
    id: str
    x: float
    y: float
    w: float
    h: float
    texts: list[str]
    counts: dict[tuple[str, str], str]  # (data-key, data-column) -> text shown


def parse_svg(text: str) -> tuple[dict[str, SvgBox], list[list[tuple[float, float]]]]:
    """Boxes by id (without the ``box-`` prefix) and arrows as point lists."""
    root = ET.fromstring(text.encode("utf-8"))
    boxes = {}
    for group in root.iter(f"{{{NS['svg']}}}g"):
        gid = group.get("id", "")
        if not gid.startswith("box-"):
            continue
        rect = next(group.iter(f"{{{NS['svg']}}}rect"))
        texts, counts = [], {}
        for element in group.iter(f"{{{NS['svg']}}}text"):
            texts.append(element.text or "")
            if element.get("class") == "count":
                counts[(element.get("data-key", ""), element.get("data-column", ""))] = (
                    element.text or ""
                )
        boxes[gid[4:]] = SvgBox(
            gid[4:], *(float(rect.get(a, 0)) for a in ("x", "y", "width", "height")), texts, counts
        )
    arrows = [
        [tuple(float(v) for v in p.split(",")) for p in line.get("points", "").split()]
        for line in root.iter(f"{{{NS['svg']}}}polyline")
    ]
    return boxes, arrows  # type: ignore[return-value]


def shown_number(text: str) -> int | None:
    """The number in "(n = 1,234)" or "1,234"; None for the not-given dash."""
    match = re.search(r"([0-9][0-9,]*)", text)
    return int(match.group(1).replace(",", "")) if match else None


def overlaps(a: SvgBox, b: SvgBox) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def crosses(box: SvgBox, p: tuple[float, float], q: tuple[float, float]) -> bool:
    """Whether an axis-parallel segment runs through the inside of a box (touching is fine)."""
    (x1, y1), (x2, y2) = p, q
    inside_x = min(x1, x2) < box.x + box.w - 0.5 and max(x1, x2) > box.x + 0.5
    inside_y = min(y1, y2) < box.y + box.h - 0.5 and max(y1, y2) > box.y + 0.5
    return inside_x and inside_y
