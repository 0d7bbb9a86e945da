"""``livingreview status``: each stage written or waiting, and who has what to do."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview.report.context import collect


def status_lines(config: Mapping[str, Any], outputs: Path) -> list[str]:
    """The terminal version of the report's section list and its 'work still pending'."""
    context = collect(config, outputs)
    review = context["review"]
    lines = [f"{review['title']} (version {review['version']})"]
    if context["demo"]:
        lines[0] += " [demo data]"
    for section in context["sections"]:
        state = "written" if section.ready else f"waiting for {section.pending}"
        lines.append(f"  {section.title:<36} {state}")
    todo = context["pending_work"]
    lines.append("Work still pending:" if todo else "Nothing is waiting for a person.")
    lines.extend(f"  - {item}" for item in todo)
    return lines
