"""YAML loaders that keep what a person typed as text where PyYAML would guess a type.

PyYAML's safe loader turns an unquoted ``2024-11-25`` into a date (and an impossible
``2024-11-31`` into a ValueError, not a YAML error), ``2025.10`` into the number 2025.1 and
``yes`` into True. Files people edit by hand are read with these loaders instead, and the code
reading them checks the text itself.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class DatesAsText(yaml.SafeLoader):
    """The safe loader, except that dates and times stay text (``2024-11-25``)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rule) for tag, rule in rules if tag != "tag:yaml.org,2002:timestamp"]
        for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class PlainText(yaml.SafeLoader):
    """The safe loader, except that every unquoted scalar but null (``~``, ``null`` or
    nothing) stays text: numbers, booleans and dates are left for the reader to check."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}


PlainText.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
