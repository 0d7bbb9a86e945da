"""config/README.md's tables with a `default` column give the defaults the schema applies."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.conftest import REPO_ROOT

NO_DEFAULT = "—"


def schema_defaults(node: dict[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Each key's default (`review.type`), nested sections walked."""
    found: dict[str, Any] = {}
    for key, sub in (node.get("properties") or {}).items():
        if isinstance(sub, dict):
            if "default" in sub:
                found[".".join((*path, key))] = sub["default"]
            found.update(schema_defaults(sub, (*path, key)))
    return found


def _row(section: str, line: str) -> tuple[str, Any]:
    """A table row's key path and its documented default (the text when not in backticks)."""
    cells = [c.strip() for c in line.strip("|").split("|")]
    key = re.match(r"`([a-z_]+)`(?: \(in `([a-z_.]+)`\))?", cells[0])
    assert key, line
    parent = key.group(2) or section
    if not parent.startswith(section):  # `fraction` (in `verification_sample`)
        parent = f"{section}.{parent}"
    value = re.match(r"`([^`]*)`", cells[1])
    return f"{parent}.{key.group(1)}", yaml.safe_load(value.group(1)) if value else cells[1]


def documented_defaults() -> dict[str, Any]:
    """Every row of a `| key | default | meaning |` table, under its section's heading."""
    section, in_table, found = "", False, {}
    for line in (REPO_ROOT / "config/README.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,3} `([a-z_.]+)`", line)
        if heading:
            section, in_table = heading.group(1), False
        elif line.startswith("| key | default |"):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and not line.startswith("|---"):
            path, value = _row(section, line)
            found[path] = value
    return found


def test_every_documented_default_is_the_schemas() -> None:
    schema = yaml.safe_load((REPO_ROOT / "workflow/schemas/config.schema.yaml").read_text())
    defaults = schema_defaults(schema)
    documented = documented_defaults()
    assert len(documented) > 40
    wrong = {
        path: (value, defaults.get(path, NO_DEFAULT))
        for path, value in documented.items()
        if not isinstance(defaults.get(path), dict)  # a section: "see below"
        and value != defaults.get(path, NO_DEFAULT)
    }
    assert wrong == {}
