"""The raw-response archive: every response a search received, in order, with an index.

Layout of an archive directory::

    index.jsonl      one JSON object per exchange: seq, method, path, params, status, file, sha256
    0001-esearch.xml the response bodies, byte for byte as received
    meta.json        what the search was (written by the search, see ``livingreview.search``)

A body may be stored gzip-compressed as ``<file>.gz`` (:meth:`RawArchive.compress`: the copies
kept in the repository with a round's snapshot); the index still names and hashes the body as
received, and reading gives those bytes back.

Parameters that carry secrets (API keys, e-mail) are never stored: the key of an exchange is its
method, path and public parameters, which is also how replay finds the answer to a request.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections import defaultdict, deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livingreview.errors import InputFileError
from livingreview.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    dump_json,
    invalid_json,
    read_json,
)

if TYPE_CHECKING:
    from livingreview.http import Response

INDEX = "index.jsonl"
META = "meta.json"
GZIP = ".gz"

_EXTENSIONS = {"xml": ".xml", "json": ".json", "html": ".html", "text/plain": ".txt"}


def request_key(method: str, path: str, params: dict[str, str]) -> str:
    """Canonical text of a request without secrets: ``GET esearch.fcgi?db=pubmed&term=...``."""
    query = "&".join(f"{k}={params[k]}" for k in sorted(params))
    return f"{method} {path.lstrip('/')}?{query}"


def _extension(content_type: str) -> str:
    for marker, ext in _EXTENSIONS.items():
        if marker in content_type:
            return ext
    return ".bin"


_ENTRY_FIELDS = {"method": str, "path": str, "params": dict, "status": int, "file": str}


def _entry_problem(entry: Any) -> str:
    """Why an index line is not a usable exchange, or ''."""
    if not isinstance(entry, dict):
        return "expected one JSON object per line"
    for key, kind in (*_ENTRY_FIELDS.items(), ("sha256", str)):
        if not isinstance(entry.get(key), kind):
            return f"entry lacks {key!r} (expected a {kind.__name__})"
    name = entry["file"]
    if not name or name != Path(name).name or name.startswith("."):
        return f"file {name!r} must be a plain file name inside the archive folder"
    return ""


class RawArchive:
    """Append-only store of raw responses, readable for replay."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._entries: list[dict[str, Any]] = []
        self._queues: dict[str, deque[dict[str, Any]]] | None = None

    # -- writing -------------------------------------------------------------------------
    def reset(self) -> None:
        """Start a fresh archive (a new search run replaces the previous raw responses)."""
        if self.directory.exists():
            for child in self.directory.iterdir():
                if child.is_file():
                    child.unlink()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._entries = []

    def save(self, method: str, path: str, params: dict[str, str], response: Response) -> str:
        """Store one exchange and return the body's file name."""
        seq = len(self._entries) + 1
        stem = re.sub(r"[^A-Za-z0-9]+", "-", path.strip("/").split("/")[-1]).strip("-") or "root"
        name = f"{seq:04d}-{stem}{_extension(response.content_type)}"
        atomic_write_bytes(self.directory / name, response.body)
        entry = {
            "seq": seq,
            "method": method,
            "path": path.lstrip("/"),
            "params": dict(sorted(params.items())),
            "status": response.status,
            "content_type": response.content_type,
            "file": name,
            "sha256": hashlib.sha256(response.body).hexdigest(),
        }
        self._entries.append(entry)
        lines = "".join(
            json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n" for e in self._entries
        )
        atomic_write_text(self.directory / INDEX, lines)
        return name

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Describe the search this archive belongs to."""
        atomic_write_text(self.directory / META, dump_json(meta))

    # -- reading -------------------------------------------------------------------------
    def read_meta(self) -> dict[str, Any]:
        """The search description saved with :meth:`write_meta`."""
        path = self.directory / META
        meta = read_json(path, "raw-response archive has no meta.json")
        if not isinstance(meta, dict) or not isinstance(meta.get("ran_at"), str):
            raise InputFileError(path, "expected a JSON object with the search's 'ran_at'")
        return meta

    def entries(self) -> list[dict[str, Any]]:
        """The index, in the order the responses were received."""
        path = self.directory / INDEX
        if not path.exists():
            raise InputFileError(path, "raw-response archive has no index.jsonl")
        entries = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise invalid_json(path, exc, number) from None
            problem = _entry_problem(entry)
            if problem:
                raise InputFileError(path, problem, position=f"line {number}")
            entries.append(entry)
        return entries

    def take(self, key: str) -> Response | None:
        """The next unused recorded response for a request key, or None."""
        from livingreview.http import Response

        if self._queues is None:
            self._queues = defaultdict(deque)
            for entry in self.entries():
                self._queues[request_key(entry["method"], entry["path"], entry["params"])].append(
                    entry
                )
        queue = self._queues.get(key)
        if not queue:
            return None
        entry = queue.popleft()
        return Response(entry["status"], self.body(entry), entry.get("content_type", ""), {})

    def body(self, entry: dict[str, Any]) -> bytes:
        """The body of one exchange as received (from ``<file>.gz`` when compressed), checked
        against its SHA-256 in the index."""
        body_path = self.directory / entry["file"]
        packed = body_path.with_name(body_path.name + GZIP)
        try:
            if body_path.exists() or not packed.exists():
                body = body_path.read_bytes()
            else:
                body_path = packed
                body = gzip.decompress(packed.read_bytes())
        except OSError as exc:
            problem = exc.strerror or str(exc)  # gzip.BadGzipFile has no strerror
            raise InputFileError(
                body_path, f"listed in index.jsonl but cannot be read ({problem})"
            ) from None
        except EOFError:
            raise InputFileError(body_path, "compressed raw response is cut short") from None
        except zlib.error as exc:  # a damaged deflate stream (not an OSError)
            raise InputFileError(body_path, f"compressed raw response is damaged ({exc})") from None
        if hashlib.sha256(body).hexdigest() != entry["sha256"]:
            raise InputFileError(body_path, "raw response does not match its sha256 in index.jsonl")
        return body

    def compress(self) -> None:
        """Store every body gzip-compressed (``<file>.gz``, no name or time in the header, so
        equal bodies give equal files); the index is left as it is."""
        for entry in self.entries():
            plain = self.directory / entry["file"]
            if plain.exists():
                packed = gzip.compress(self.body(entry), compresslevel=9, mtime=0)
                atomic_write_bytes(plain.with_name(plain.name + GZIP), packed)
                plain.unlink()
