"""Every screened record's words, numbered, kept from one screening run to the next.

Splitting titles and abstracts into words is most of the cost of fitting the ranker's features
(:mod:`livingreview.screening.features`), and a living review's update adds a few hundred records
to thousands whose text has not changed. The file holds, per record text (by its BLAKE2b digest),
the numbers of its words in a word list; a text found there is not split again. Word numbers
only name words (the features do not depend on them), so the features are the same bits with a
cold, warm, stale or damaged file. A file of another format, word pattern or Unicode version, or
whose checksum fails, is ignored; one that cannot be written only costs the time it would save.

Layout: one JSON header line (format, word pattern, Unicode version, part sizes, SHA-256 of the
rest), then the words (UTF-8, one a line), the text digests (16 bytes each), the number of words
of each text (int64) and the word numbers (int32), little-endian.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from livingreview.fileio import atomic_write_bytes

log = logging.getLogger("livingreview.screening")

FORMAT = 1
DIGEST_SIZE = 16


def text_digest(text: str) -> bytes:
    """The key of one record's text."""
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


class WordCache:
    """Word numbers per text digest, read from (and written back to) ``path``."""

    def __init__(self, path: Path, pattern: str) -> None:
        self.path = path
        self.pattern = pattern
        self.words: list[str] = []
        self.rows: dict[bytes, np.ndarray] = {}
        self._digests: dict[str, bytes] = {}  # of the texts looked up
        self._read()

    def _header(self) -> dict[str, object]:
        return {"format": FORMAT, "pattern": self.pattern, "unicode": unicodedata.unidata_version}

    def _read(self) -> None:
        try:
            head, body = self.path.read_bytes().split(b"\n", 1)
            meta = json.loads(head)
            if {k: meta.get(k) for k in self._header()} != self._header():
                return
            if meta["sha256"] != hashlib.sha256(body).hexdigest():
                return
            words_end = int(meta["words_bytes"])
            rows, total = int(meta["rows"]), int(meta["tokens"])
            digests_end = words_end + rows * DIGEST_SIZE
            lengths_end = digests_end + rows * 8
            if len(body) != lengths_end + total * 4:
                return
            words = body[:words_end].decode("utf-8").split("\n") if words_end else []
            lengths = np.frombuffer(body[digests_end:lengths_end], dtype="<i8")
            tokens = np.frombuffer(body[lengths_end:], dtype="<i4").astype(np.int64)
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            return
        if int(lengths.sum()) != total or (total and int(tokens.max()) >= len(words)):
            return
        ends = np.cumsum(lengths).tolist()
        starts = [0, *ends[:-1]]
        digests = body[words_end:digests_end]
        self.words = words
        self.rows = {
            digests[i * DIGEST_SIZE : (i + 1) * DIGEST_SIZE]: tokens[a:b]
            for i, (a, b) in enumerate(zip(starts, ends, strict=True))
        }

    def numbers(self) -> dict[str, int]:
        """Each cached word and its number."""
        return {word: number for number, word in enumerate(self.words)}

    def known(self, text: str) -> np.ndarray | None:
        """The word numbers of ``text`` when it was split before (in :meth:`numbers`' numbering)."""
        key = self._digests[text] = text_digest(text)
        return self.rows.get(key)

    def write(
        self,
        texts: Sequence[str],
        tokens: np.ndarray,
        words_in: np.ndarray,
        numbers: Mapping[str, int],
    ) -> None:
        """Keep ``texts``' words (``tokens``, ``words_in`` per text, in ``numbers``' numbering:
        0, 1, ... in the mapping's order) for the next run: those texts only, their words only."""
        used = np.bincount(tokens, minlength=len(numbers)) > 0
        renumber = np.cumsum(used) - 1
        words = [word for word, keep in zip(numbers, used.tolist(), strict=True) if keep]
        renumbered = renumber[tokens].astype("<i4")
        keys = [self._digests.get(t) or text_digest(t) for t in texts]
        first = {key: row for row, key in reversed(list(enumerate(keys)))}
        ends = np.cumsum(words_in)
        starts = ends - words_in
        rows = sorted(first.items())  # one entry per distinct text, in digest order
        lengths = np.array([words_in[row] for _, row in rows], dtype="<i8")
        order = [renumbered[starts[row] : ends[row]] for _, row in rows]
        word_bytes = "\n".join(words).encode("utf-8")
        body = b"".join(
            [
                word_bytes,
                b"".join(key for key, _ in rows),
                lengths.tobytes(),
                np.concatenate([np.zeros(0, dtype="<i4"), *order]).tobytes(),
            ]
        )
        meta = {
            **self._header(),
            "words_bytes": len(word_bytes),
            "rows": len(rows),
            "tokens": int(lengths.sum()),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        data = json.dumps(meta, sort_keys=True).encode() + b"\n" + body
        try:
            if self.path.exists() and self.path.read_bytes() == data:
                return
            atomic_write_bytes(self.path, data, durable=False)
        except OSError as exc:  # the cache only saves time
            log.info("%s: word cache not written (%s)", self.path, exc)
