"""The report's templates compiled in an earlier run, kept so that a run does not compile them.

Compiling the Jinja templates was most of what rendering the report's pages cost (0.14 of 0.15
CPU s in the living bench's update). A template's compiled code is a function of its source, of
the environment compiling it (its options, set in ``report/render.py``) and of Jinja's and
Python's versions. ``<outputs>/.cache/report/<kind>-<digest>/`` keeps each template's code in
Jinja's own bytecode format (``kind``: ``html`` or ``text``, the two environments; ``digest``: of
``render.py`` and both versions), which records the checksum of the template's source: an edited
template is compiled again. A file absent or damaged only means compiling again; the folders of
other code are removed.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from livingreview.fileio import atomic_write_bytes, source_digest

FOLDER = Path(".cache") / "report"  # under the outputs folder
KINDS = ("html", "text")


@functools.cache
def _code_digest() -> str:
    """A digest of the code and versions a compiled template depends on besides its source."""
    render = Path(__file__).with_name("render.py")
    return source_digest([render], jinja2.__version__, sys.version)[:16]


def cache_folder(outputs: Path, html: bool) -> Path:
    """The folder of one environment's compiled templates; folders of other code are removed."""
    root = outputs / FOLDER
    names = {f"{kind}-{_code_digest()}" for kind in KINDS}
    with contextlib.suppress(OSError):
        for stale in [p for p in root.iterdir() if p.is_dir() and p.name not in names]:
            shutil.rmtree(stale, ignore_errors=True)
    return root / f"{KINDS[0] if html else KINDS[1]}-{_code_digest()}"


class TemplateCache(BytecodeCache):
    """Jinja's bytecode cache in ``folder``, one file per template."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        """The template's code when the file holds it for this source (else none: compiled)."""
        try:
            bucket.bytecode_from_string(self._path(bucket).read_bytes())
        except Exception:  # absent, or damaged where Jinja does not check (its pickled checksum)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the template's code just compiled (a cache that cannot be written only costs
        compiling again)."""
        with contextlib.suppress(OSError):
            atomic_write_bytes(self._path(bucket), bucket.bytecode_to_string(), durable=False)
