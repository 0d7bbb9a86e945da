"""Diagrams are drawn again only when their files would change.

Drawing the flow diagram and the four living layouts (SVG, PNG, PDF, HTML each) is most of what
the ledger costs. A diagram's files are a function of what it shows (its columns, title, box links
and notes), of the code that draws it (this package's source) and of the libraries that draw it
(their versions, matplotlib's settings, the fonts found). ``<outputs>/prisma/drawn.json`` keeps,
per diagram, a digest of all of these and the SHA-256 of each file written; a diagram whose digest
is the same and whose files are all there with those digests is not drawn again. A damaged,
missing or stale record, or a missing or edited file, only means drawing it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from livingreview.fileio import source_digest, write_json
from livingreview.prisma.fontcache import file_digest

log = logging.getLogger("livingreview.prisma")

RECORD = "prisma/drawn.json"
FORMAT = 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def environment() -> dict[str, Any]:
    """What besides its inputs decides a diagram's bytes (imports matplotlib, not its drawing
    modules)."""
    import fontTools
    import matplotlib
    import numpy
    import PIL
    from matplotlib.font_manager import FontProperties, findfont

    from livingreview.prisma.diagram import FONT_FAMILY

    fonts = [findfont(FontProperties(family=FONT_FAMILY, weight=w)) for w in ("normal", "bold")]
    settings = sorted(
        (key, repr(value))
        for key, value in dict.items(matplotlib.rcParams)
        if not key.startswith("backend")  # which GUI is used: not what a saved file holds
    )
    return {
        "python": platform.python_version(),
        "matplotlib": matplotlib.__version__,
        "numpy": numpy.__version__,
        "pillow": PIL.__version__,
        "fonttools": fontTools.version,
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "fonts": [[str(f), file_digest(str(f))] for f in fonts],
        "settings": _sha256(repr(settings).encode()),
        "code": source_digest(sorted(Path(__file__).parent.glob("*.py"))),
    }


def digest(inputs: Mapping[str, Any]) -> str:
    """The digest of one diagram: its inputs (JSON-ready) and :func:`environment`."""
    payload = {"format": FORMAT, "inputs": inputs, "environment": environment()}
    return _sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())


class Drawn:
    """The record of the diagrams drawn under ``outputs``."""

    def __init__(self, outputs: Path) -> None:
        self.outputs = outputs
        self.path = outputs / RECORD
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, Any] = found if isinstance(found, dict) else {}
        except (OSError, ValueError):
            self.entries = {}
        self.before = json.dumps(self.entries, sort_keys=True)

    def _key(self, stem: Path) -> str:
        return stem.relative_to(self.outputs).as_posix()

    def current(self, stem: Path, key: str, paths: Sequence[Path]) -> bool:
        """Whether ``paths`` are what drawing the diagram of digest ``key`` would write."""
        entry = self.entries.get(self._key(stem))
        if not isinstance(entry, dict) or entry.get("digest") != key:
            return False
        files = entry.get("files")
        if not isinstance(files, dict) or set(files) != {p.name for p in paths}:
            return False
        try:
            return all(_sha256(p.read_bytes()) == files[p.name] for p in paths)
        except OSError:
            return False

    def remember(self, stem: Path, key: str, paths: Sequence[Path]) -> None:
        """Note ``paths`` as just drawn for digest ``key``."""
        files = {p.name: _sha256(p.read_bytes()) for p in paths}
        self.entries[self._key(stem)] = {"digest": key, "files": files}

    def save(self) -> None:
        """Write the record when it changed."""
        if json.dumps(self.entries, sort_keys=True) != self.before:
            write_json(self.path, self.entries)
