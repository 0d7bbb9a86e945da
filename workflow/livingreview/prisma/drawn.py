"""Diagrams are drawn again only when their files would change.

Drawing the flow diagram and the four living layouts (SVG, PNG, PDF, HTML each) is most of what
the ledger costs. A diagram's files are a function of what it shows (its columns, title, box links
and notes), of the code that draws it (this package's source) and of the libraries that draw it
(their versions, matplotlib's settings, the fonts found, and the installed fonts that draw
characters DejaVu Sans lacks). ``<outputs>/prisma/drawn.json`` keeps,
per diagram, a digest of all of these and the SHA-256 of each file written; a diagram whose digest
is the same and whose files are all there with those digests is not drawn again.

Snakemake deletes the ledger's outputs before it runs the step, so the files of the latest drawing
of each digest are also kept under ``<outputs>/.cache/prisma/<digest>/`` (a cache, never a
Snakemake output, not in the run manifest): a diagram whose files are missing or edited is copied
from there when its digest matches and the copies are what was drawn. Entries no diagram's record
names any more are removed. A damaged, missing or stale record or entry only means drawing again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import shutil
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from livingreview.fileio import atomic_write_bytes, source_digest, write_json
from livingreview.prisma.fontcache import file_digest

log = logging.getLogger("livingreview.prisma")

RECORD = "prisma/drawn.json"
CACHE = ".cache/prisma"  # under outputs: the files of each digest's latest drawing
KEPT = "sha256.json"  # in an entry: the SHA-256 of each file, by suffix
FORMAT = 1
_DIGEST = re.compile(r"[0-9a-f]{64}")


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
        "fonts": [[Path(f).name, file_digest(str(f))] for f in fonts],  # not where they are
        "settings": _sha256(repr(settings).encode()),
        "code": source_digest(sorted(Path(__file__).parent.glob("*.py"))),
    }


def digest(inputs: Mapping[str, Any]) -> str:
    """The digest of one diagram: its inputs (JSON-ready), :func:`environment` and the installed
    fonts that draw what DejaVu Sans lacks in them (only when it lacks something)."""
    from livingreview.prisma.glyphs import fallback_fonts

    payload = {"format": FORMAT, "inputs": inputs, "environment": environment()}
    fonts = fallback_fonts(json.dumps(inputs, sort_keys=True, ensure_ascii=False))
    if fonts:
        payload["fallback_fonts"] = fonts
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

    def restore(self, stem: Path, key: str, paths: Sequence[Path]) -> bool:
        """Write ``paths`` from the cache entry of digest ``key`` when it holds every one of them
        as drawn; whether it did (the record then names them, as :meth:`remember` does)."""
        folder = self.outputs / CACHE / key
        try:
            kept = json.loads((folder / KEPT).read_text(encoding="utf-8"))
            found = [(folder / f"diagram{p.suffix}").read_bytes() for p in paths]
        except (OSError, ValueError):
            return False
        if not isinstance(kept, dict) or [kept.get(p.suffix) for p in paths] != [
            _sha256(data) for data in found
        ]:
            return False
        for path, data in zip(paths, found, strict=True):
            atomic_write_bytes(path, data)
        self.entries[self._key(stem)] = {
            "digest": key,
            "files": {p.name: kept[p.suffix] for p in paths},
        }
        return True

    def remember(self, stem: Path, key: str, paths: Sequence[Path]) -> None:
        """Note ``paths`` as just drawn for digest ``key`` and keep copies in the cache."""
        found = {p: p.read_bytes() for p in paths}
        files = {p.name: _sha256(data) for p, data in found.items()}
        self.entries[self._key(stem)] = {"digest": key, "files": files}
        folder = self.outputs / CACHE / key
        try:  # an unwritable cache only costs drawing again
            for path, data in found.items():
                atomic_write_bytes(folder / f"diagram{path.suffix}", data, durable=False)
            kept = {p.suffix: files[p.name] for p in paths}
            atomic_write_bytes(folder / KEPT, json.dumps(kept).encode(), durable=False)
        except OSError as exc:
            log.debug("diagram cache not written: %s", exc)

    def save(self) -> None:
        """Write the record when it changed; drop the cache entries it no longer names."""
        if json.dumps(self.entries, sort_keys=True) != self.before:
            write_json(self.path, self.entries)
        named = {e.get("digest") for e in self.entries.values() if isinstance(e, dict)}
        try:
            stale = [
                p
                for p in (self.outputs / CACHE).iterdir()
                if _DIGEST.fullmatch(p.name) and p.name not in named
            ]
        except OSError:
            return
        for folder in stale:
            shutil.rmtree(folder, ignore_errors=True)
