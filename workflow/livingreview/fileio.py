"""Small file helpers: atomic writes (temp file + rename), stable JSON, reading JSON back, and CSV
text that reads back as written."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from livingreview.errors import InputFileError

try:
    import fcntl
except ImportError:  # Windows: a file open for writing cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

# The name :func:`_new_temp_file` gives: ``.<name>.<12 hex digits>.tmp`` beside ``<name>``.
TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.tmp")


def _new_temp_file(path: Path) -> tuple[int, str]:
    """A new hidden file beside ``path``, opened for writing, with the permissions a plain
    write gives (0o666 less the umask: teammates sharing the folder can read the outputs;
    ``tempfile.mkstemp`` would make every output readable by its owner alone)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:  # another writer's temporary name: draw again
            continue
        if _held_as_named(fd, tmp):
            return fd, str(tmp)
        os.close(fd)  # removed as a leftover before it was locked: draw again


def _held_as_named(fd: int, tmp: Path) -> bool:
    """Lock the new temporary file for as long as it is open (the mark of a live write, see
    :func:`remove_leftover_temp_files`); whether ``tmp`` still names it."""
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without locks: written unlocked
            fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        return os.stat(tmp).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers never see a partial file. ``durable``: on disk
    before the rename (survives a power loss); caches, checked before use and only costing time
    when lost, pass False."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_temp_file(path)
    try:
        with os.fdopen(fd, "wb") as handle:  # open, so locked, until renamed
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            if fcntl is None:
                handle.close()  # Windows renames no open file
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def leftover_temp_files(folder: Path) -> list[Path]:
    """The temporary files of atomic writes under ``folder`` (in path order): a write whose
    process was killed (``kill -9``, the out-of-memory killer, a power loss) before its rename
    leaves one, which nothing else removes."""
    found = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in (".git", ".snakemake"))
        found += [Path(root, name) for name in sorted(files) if TEMP_NAME.fullmatch(name)]
    return found


def remove_leftover_temp_files(folders: Iterable[Path]) -> list[Path]:
    """Delete the :func:`leftover_temp_files` under each of ``folders``; returns them. Only
    while nothing writes there: at the start of a pipeline run, under its lock."""
    removed = []
    for folder in folders:
        for path in leftover_temp_files(folder):  # a folder inside another: found once
            if _remove_unless_written(path):
                removed.append(path)
    return removed


def _remove_unless_written(path: Path) -> bool:
    """Delete ``path`` unless a live process still writes it (it holds the file's lock: a
    ``livingreview`` command or another Snakemake run in the same folders); whether deleted."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink()
    except OSError:  # locked by its writer, or no lock to be had: it may be written still
        return False
    finally:
        os.close(fd)
    return True


def atomic_write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """Atomically write UTF-8 text with the line endings given (``durable``: as above)."""
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable)


def keep_copy(written: Path, copy: Path, data: bytes) -> None:
    """``copy`` (a cache's copy of the file just written) becomes a hard link to ``written`` or,
    where links fail, a copy of its bytes ``data``."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    partial = copy.with_name(f".{copy.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(written, partial)
        os.replace(partial, copy)
    except OSError:
        partial.unlink(missing_ok=True)
        atomic_write_bytes(copy, data, durable=False)


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


def not_utf8(path: Path) -> InputFileError:
    """The error for a file that is not UTF-8 text, naming the line of its first bad byte."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        start = len(data)
    except UnicodeDecodeError as exc:
        start = exc.start
    line = data.count(b"\n", 0, start) + 1
    return InputFileError(
        path, f"byte {start} is not UTF-8; save it as UTF-8", position=f"line {line}"
    )


def read_json(path: Path, missing: str) -> Any:
    """Decoded JSON of a UTF-8 file; ``missing`` is the problem reported when it does not exist."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(path, missing) from None
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except json.JSONDecodeError as exc:
        raise invalid_json(path, exc) from None


def csv_table_text(columns: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text with ``\\n`` line ends: the header ``columns``, then ``rows`` (values in column
    order). A row with a carriage return in a field has every field quoted: the csv module
    quotes a field holding the line terminator's ``\\n`` but not a lone ``\\r``, and a reader
    ends the row there. Every other row is written as ``csv.writer`` writes it."""
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(columns)
    for row in rows:
        cells = list(row)
        has_cr = any(isinstance(cell, str) and "\r" in cell for cell in cells)
        (quoted if has_cr else plain).writerow(cells)
    return buffer.getvalue()


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
            return [] if header_only else _full_rows(path, reader)
    except FileNotFoundError:
        raise InputFileError(path, missing) from None
    except UnicodeDecodeError:
        raise not_utf8(path) from None


def _full_rows(path: Path, reader: csv.DictReader[str]) -> list[dict[str, str]]:
    """The rows of ``reader``; a row with fewer or more cells than the header (an edit gone
    wrong) is an error naming its line."""
    rows = []
    width = len(reader.fieldnames or [])
    for row in reader:
        extra = len(row.get(None) or [])  # type: ignore[call-overload]
        missing = sum(1 for key, value in row.items() if key is not None and value is None)
        if extra or missing:
            cells = width + extra - missing
            raise InputFileError(
                path,
                f"expected the {width} cells of the header, found {cells}",
                position=f"line {reader.line_num}",
            )
        rows.append(row)
    return rows


def source_digest(paths: Iterable[Path], *also: str) -> str:
    """SHA-256 (hex) of source files, each by name and content, and of ``also`` (e.g. a version):
    what a cache of results those files compute is keyed on."""
    digest = hashlib.sha256()
    for text in also:
        digest.update(text.encode("utf-8") + b"\0")
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
