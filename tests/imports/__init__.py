"""Tests of the export-file importers, on the real exports in ../shared read in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

#: The ``real`` fixture: the path of a real file under ``data/sources``.
Real = Callable[[str], Path]
#: The ``variant_file`` fixture: writes mutated bytes into ``tmp_path`` and returns the path.
Variant = Callable[[str, bytes], Path]
