"""A cache on disk of PDF font subsets, shared by every process that draws diagrams.

Subsetting a TrueType font with fontTools is most of what a PDF costs the first time a process
draws one (about 0.4 s CPU per font). The subset is a pure function of the font file, its face,
the glyphs kept and the fontTools / matplotlib versions, so an entry is keyed by all of these and
holds the subset's bytes and its glyph index map, checked by digest when read: an entry that is
missing, unreadable or damaged is computed again. Nothing is cached when the folder cannot be
written; the PDFs are the same bytes either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from livingreview.fileio import atomic_write_bytes

FOLDER = "livingreview-font-subsets"
Subset = tuple[bytes, dict[int, int]]


@lru_cache(maxsize=8)
def file_digest(path: str) -> str:
    """The SHA-256 of a (font) file, once per process."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_cachedir()) / FOLDER


def entry_key(font_path: str, face_index: int, glyphs: Iterable[int]) -> str:
    """The digest naming the cache entry of one subset."""
    import fontTools
    import matplotlib

    parts = [
        f"fonttools={fontTools.version}",
        f"matplotlib={matplotlib.__version__}",
        f"font={file_digest(font_path)}",
        f"face={face_index}",
        "glyphs=" + ",".join(map(str, sorted(glyphs))),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _read(path: Path) -> Subset | None:
    try:
        header, data = path.read_bytes().split(b"\n", 1)
        meta = json.loads(header)
        if meta["sha256"] != hashlib.sha256(data).hexdigest():
            return None
        return data, {int(k): int(v) for k, v in meta["index_map"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, subset: Subset) -> None:
    data, index_map = subset
    meta = {"sha256": hashlib.sha256(data).hexdigest(), "index_map": sorted(index_map.items())}
    with contextlib.suppress(OSError):  # an unwritable cache only costs the time it would save
        atomic_write_bytes(path, json.dumps(meta).encode() + b"\n" + data, durable=False)


def cached_subset(
    font_path: str, face_index: int, glyphs: frozenset[int], compute: Callable[[], Subset]
) -> Subset:
    """The subset of ``font_path`` to ``glyphs``: from the cache, or ``compute``-d and stored."""
    path = _folder() / f"{entry_key(font_path, face_index, glyphs)}.bin"
    found = _read(path)
    if found is None:
        found = compute()
        _write(path, found)
    return found
