"""The livingreview modules a module reaches through its imports, for tests checking that a
cache's code digest lists every module that decides what the cache holds."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path


def package_imports(module: Path, package: Path, *, module_level_only: bool) -> set[Path]:
    """The modules of the livingreview package (folder ``package``) that ``module`` imports, by
    file: at module level only, or also inside its functions."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body if module_level_only else ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:  # 'from a.b import c': a.b, a.b.c
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "livingreview" and len(parts) > 1:
                path = package.joinpath(*parts[1:])
                found |= {f for f in (path.with_suffix(".py"), path / "__init__.py") if f.is_file()}
    return found


def reached_modules(
    starts: Iterable[Path], package: Path, *, module_level_only: bool = False
) -> set[Path]:
    """Every module of the package ``starts`` reach through their imports, ``starts`` too."""
    reached: set[Path] = set()
    todo = list(starts)
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(package_imports(module, package, module_level_only=module_level_only))
    return reached
