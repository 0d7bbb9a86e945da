"""YAML loaders that keep what a person typed as text where PyYAML would guess a type.

PyYAML's safe loader turns an unquoted ``2024-11-25`` into a date (and an impossible
``2024-11-31`` into a ValueError, not a YAML error), ``2025.10`` into the number 2025.1 and
``yes`` into True. Files people edit by hand are read with these loaders instead, and the code
reading them checks the text itself. A key given twice in one mapping, which PyYAML resolves by
silently keeping the last value, is an error naming both lines.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_MERGE = "tag:yaml.org,2002:merge"


class UniqueKeys(yaml.SafeLoader):
    """The safe loader, except that a key repeated in one mapping is a YAML error (at its second
    place) instead of the earlier value silently dropped. Keys a ``<<`` merge brings in may be
    overridden, as YAML means them to be."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """The mapping of ``node``, after checking that no key of it is typed twice."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue  # an unhashable key: the safe loader names it itself
                if first is not key_node:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {key!r} is given twice in one mapping (first on line "
                        f"{first.start_mark.line + 1}); YAML would keep only this one: "
                        "remove or rename one of them",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep=deep)


class DatesAsText(UniqueKeys):
    """The safe loader, except that dates and times stay text (``2024-11-25``)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rule) for tag, rule in rules if tag != "tag:yaml.org,2002:timestamp"]
        for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class PlainText(UniqueKeys):
    """The safe loader, except that every unquoted scalar but null (``~``, ``null`` or
    nothing) stays text: numbers, booleans and dates are left for the reader to check."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}


PlainText.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
