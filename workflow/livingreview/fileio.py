"""Small file helpers: atomic writes (temp file + rename), stable JSON, and reading JSON back."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers never see a partial file. ``durable``: on disk
    before the rename (survives a power loss); caches, checked before use and only costing time
    when lost, pass False."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """Atomically write UTF-8 text with the line endings given (``durable``: as above)."""
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable)


def dump_json(data: Any, *, sort_keys: bool = True) -> str:
    """Deterministic JSON text: sorted keys (unless order matters), two-space indent, newline."""
    return json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n"


def write_json(path: Path, data: Any) -> None:
    """Atomically write deterministic JSON."""
    atomic_write_text(path, dump_json(data))


def invalid_json(path: Path, exc: json.JSONDecodeError, line: int | None = None) -> InputFileError:
    """The error for a file that is not valid JSON; ``line`` overrides the decoder's line."""
    return InputFileError(
        path, f"invalid JSON ({exc.msg})", position=f"line {exc.lineno if line is None else line}"
    )


def read_json(path: Path, missing: str) -> Any:
    """Decoded JSON of a UTF-8 file; ``missing`` is the problem reported when it does not exist."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(path, missing) from None
    except json.JSONDecodeError as exc:
        raise invalid_json(path, exc) from None


def read_csv_table(
    path: Path, required: Sequence[str], missing: str, *, header_only: bool = False
) -> list[dict[str, str]]:
    """Rows of a CSV an earlier stage wrote, checking it has the ``required`` columns;
    ``missing`` is the problem reported when the file does not exist. ``header_only``: the
    checks alone, no row read (returns no rows)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            absent = [c for c in required if c not in (reader.fieldnames or [])]
            if absent:
                raise InputFileError(
                    path, f"missing column(s) {', '.join(absent)}", position="row 1"
                )
            return [] if header_only else list(reader)
    except FileNotFoundError:
        raise InputFileError(path, missing) from None


def source_digest(paths: Iterable[Path], *also: str) -> str:
    """SHA-256 (hex) of source files, each by name and content, and of ``also`` (e.g. a version):
    what a cache of results those files compute is keyed on."""
    digest = hashlib.sha256()
    for text in also:
        digest.update(text.encode("utf-8") + b"\0")
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
