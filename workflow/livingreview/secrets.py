"""API keys and the contact e-mail: from the environment or an untracked ``KEY=value`` file only.

They are handed to the HTTP layer and nowhere else: never to manifests, logs or archives.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from livingreview.errors import ConfigError


def read_secrets_file(path: Path) -> dict[str, str]:
    """Parse a ``KEY=value`` file (``#`` comments, also after a value; optional quotes); missing
    file = empty."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: byte {exc.start} is not UTF-8; save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the secrets file ({exc.strerror})") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{path}, line {number}: expected KEY=value")
        try:
            values[key.strip().removeprefix("export ").strip()] = _value(value)
        except ValueError as exc:
            raise ConfigError(f"{path}, line {number}: {exc}") from None
    return values


_INLINE_COMMENT = re.compile(r"\s#")


def _value(raw: str) -> str:
    """A value as written after ``=``: inside its quotes if quoted, else up to a `` #`` comment
    (``KEY=  # later`` is an empty value, not ``# later``). A quote left open, or text after the
    closing quote other than a comment, is a :class:`ValueError`: which part is the secret?"""
    text = raw.strip()
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end < 0:
            raise ValueError(f"the value's opening {text[0]} is never closed")
        rest = text[end + 1 :].strip()
        if rest and not rest.startswith("#"):
            raise ValueError(
                f'text after the quoted value ({rest[:20]!r}); expected KEY="value" # comment'
            )
        return text[1:end]
    comment = _INLINE_COMMENT.search(raw)  # before stripping: the blank after '=' counts
    return (raw[: comment.start()] if comment else raw).strip().strip("'\"")


def lookup(name: str, secrets_file: Path) -> str:
    """The value of ``name`` from the environment, else from the secrets file, else ''."""
    if not name:
        return ""
    value = os.environ.get(name)
    if value:
        return value
    return read_secrets_file(secrets_file).get(name, "")
