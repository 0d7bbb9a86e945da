"""The version of the code a pipeline run uses: the package version and a digest of its files.

Every rule has it as a param (``version``), so Snakemake runs a step again when livingreview's
code changed since the step last ran (an upgrade to a newer commit), not only when its inputs or
the rule's own text did. The package version alone (``0.1.0``) is the same at every commit.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from livingreview import __version__
from livingreview.config import SCHEMA_NAME

PACKAGE = Path(__file__).resolve().parent
# When set (not empty), the code's version as given: the tests pin it for their whole session, so
# that other edits to the tree while a test runs the pipeline twice do not re-run its steps.
PINNED = "LIVINGREVIEW_CODE_VERSION"


# Files an editor or a merge tool leaves beside the code (not part of it): backups, swap files,
# merge leftovers, JetBrains IDEs' safe-write copies; Emacs' auto-saves are '#name#'.
_NOT_CODE = ("~", ".swp", ".swo", ".bak", ".orig", ".rej", ".pyc", "___jb_tmp___", "___jb_old___")


def _left_by_an_editor(name: str) -> bool:
    """Whether a file's ``name`` is one an editor or a merge tool leaves beside the code."""
    return name.endswith(_NOT_CODE) or (len(name) > 1 and name[0] == name[-1] == "#")


def _code_files(root: Path) -> list[Path]:
    """The package's files and the config schemas beside it (``workflow/schemas``, when it holds
    the config schema: not another distribution's ``schemas`` beside an installed package), without
    compiled caches, hidden files (``.DS_Store``) and editors' or merge tools' leftovers
    (:func:`_left_by_an_editor`)."""
    schemas = root.parent / "schemas"  # in the source tree; a wheel has them in the package
    folders = [root, *([schemas] if (schemas / SCHEMA_NAME).is_file() else [])]
    return sorted(
        path
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and not _left_by_an_editor(path.name)
    )


def code_digest(root: Path = PACKAGE) -> str:
    """SHA-256 (first 16 hex digits) of the code's files (:func:`_code_files`), their paths and
    bytes."""
    digest = hashlib.sha256()
    for path in _code_files(root):
        try:
            content = path.read_bytes()
        except FileNotFoundError:  # gone since listed: an editor's file for a moment (vim's 4913)
            continue
        digest.update(path.relative_to(root.parent).as_posix().encode("utf-8") + b"\0")
        digest.update(content)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def code_version(root: Path = PACKAGE) -> str:
    """``<package version>+<code digest>``, e.g. ``0.1.0+3f2a...`` (or :data:`PINNED`'s value)."""
    return os.environ.get(PINNED) or f"{__version__}+{code_digest(root)}"
