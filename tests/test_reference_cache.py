"""The library export reuses the entries of studies whose row, label and key did not change
(livingreview.reference_cache): the files are the bytes of writing every entry, a changed
record is written again, and a damaged or foreign cache is not used."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from livingreview import reference_cache as cache
from livingreview import reference_export as export
from tests.conftest import REPO_ROOT
from tests.module_imports import reached_modules


def library(demo_outputs: Path, tmp_path: Path) -> Path:
    """An outputs folder holding the demo's library (real records) and nothing else."""
    outputs = tmp_path / "outputs"
    (outputs / "library").mkdir(parents=True)
    shutil.copy(demo_outputs / export.LIBRARY_CSV, outputs / export.LIBRARY_CSV)
    return outputs


def edit_rows(outputs: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    path = outputs / export.LIBRARY_CSV
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def written(outputs: Path) -> tuple[bytes, bytes]:
    return tuple((outputs / p).read_bytes() for p in export.LIBRARY_EXPORTS.values())  # type: ignore[return-value]


def every_entry_written(outputs: Path) -> tuple[bytes, bytes]:
    """The files as writing every entry makes them (no cache involved)."""
    studies = export.library_studies(outputs)
    return export.ris_text(studies).encode(), export.bibtex_text(studies).encode()


@pytest.fixture
def entries_written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The study ids whose entries an export writes (not copies), as it writes them."""
    seen: list[str] = []
    real = export.ris_entry

    def counted(study: export.Study) -> str:
        seen.append(study.study_id)
        return real(study)

    monkeypatch.setattr(export, "ris_entry", counted)
    return seen


def test_a_changed_record_is_written_again_and_the_others_copied(
    demo_outputs: Path, tmp_path: Path, entries_written: list[str]
) -> None:
    outputs = library(demo_outputs, tmp_path)
    assert export.write_exports(outputs, "library") > 10
    studies = export.library_studies(outputs)
    assert entries_written == [s.study_id for s in studies]  # none kept yet (or outputs deleted)
    assert written(outputs) == every_entry_written(outputs)
    entries_written.clear()
    export.write_exports(outputs, "library")
    assert entries_written == []  # the same library: every entry copied, same bytes
    assert written(outputs) == every_entry_written(outputs)
    entries_written.clear()
    twin = next(s.study_id for s in studies[4:] if s.label[-1].isdigit())  # no letter yet
    changed = studies[3].study_id

    def next_round(rows: list[dict[str, str]]) -> None:
        by_id = {row["study_id"]: row for row in rows}
        by_id[changed]["title"] += " (corrected)"  # a record updated by a later round
        # a new study labelled as an existing one: both get a letter (Smith 2020a, 2020b)
        rows.append({**by_id[twin], "study_id": "Szzzzzzzzzz", "title": "Another study"})

    edit_rows(outputs, next_round)
    export.write_exports(outputs, "library")
    assert sorted(entries_written) == sorted([changed, twin, "Szzzzzzzzzz"])
    assert written(outputs) == every_entry_written(outputs)
    ris, bib = written(outputs)
    assert b"(corrected)" in ris and b"(corrected)" in bib


def _damage_index(folder: Path) -> None:
    (folder / cache.INDEX).write_bytes(b"not json")


def _truncate_index(folder: Path) -> None:
    data = (folder / cache.INDEX).read_bytes()
    (folder / cache.INDEX).write_bytes(data[: len(data) // 2])


def _swap_spans(folder: Path) -> None:
    """Two entries' places swapped: a valid-looking index that no longer matches its digest."""
    head, body = (folder / cache.INDEX).read_bytes().split(b"\n", 1)
    index = json.loads(body)
    first, second = list(index["entries"])[:2]
    entries = index["entries"]
    entries[first], entries[second] = entries[second], entries[first]
    (folder / cache.INDEX).write_bytes(head + b"\n" + json.dumps(index).encode())


def _edit_copy(folder: Path) -> None:
    """A title edited in the kept copy, same length (as an editor saving the linked output)."""
    path = folder / cache.COPIES["ris"]
    data = path.read_bytes()
    start = data.index(b"TI  - ") + 6
    path.write_bytes(data[:start] + b"X" + data[start + 1 :])


def _delete_copy(folder: Path) -> None:
    (folder / cache.COPIES["bib"]).unlink()


@pytest.mark.parametrize(
    "damage", [_damage_index, _truncate_index, _swap_spans, _edit_copy, _delete_copy]
)
def test_a_damaged_cache_is_not_used(
    demo_outputs: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    outputs = library(demo_outputs, tmp_path)
    export.write_exports(outputs, "library")
    expected = written(outputs)
    (outputs / "library/library.ris").unlink()  # as Snakemake deletes outputs before the rule
    (outputs / "library/library.bib").unlink()
    damage(outputs / cache.FOLDER)
    export.write_exports(outputs, "library")
    assert written(outputs) == expected
    export.write_exports(outputs, "library")  # and the cache written again is sound
    assert written(outputs) == expected


def test_a_cache_of_other_code_is_not_used(
    demo_outputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    entries_written: list[str],
) -> None:
    outputs = library(demo_outputs, tmp_path)
    export.write_exports(outputs, "library")
    entries_written.clear()
    monkeypatch.setattr(cache, "ENTRY_MODULES", (*cache.ENTRY_MODULES, "prisma/ledger.py"))
    export.write_exports(outputs, "library")  # as after an upgrade that changes the writing
    assert len(entries_written) == len(export.library_studies(outputs))


def test_the_code_digest_covers_every_module_that_writes_an_entry() -> None:
    package = Path(cache.__file__).resolve().parent
    keyed = {package / name for name in cache.ENTRY_MODULES}
    # module level only: what its functions import later gives them rows and labels, which the
    # entry key holds
    starts = [package / "reference_export.py", package / "reference_cache.py"]
    reached = reached_modules(starts, package, module_level_only=True)
    plumbing = {package / "errors.py", package / "fileio.py"}  # no say in an entry's text
    assert package / "records.py" in reached
    assert sorted(map(str, reached - plumbing - keyed)) == []


def test_the_library_export_does_not_load_pandas(demo_outputs: Path, tmp_path: Path) -> None:
    # the export runs as a process of its own; pandas (0.3 s to load) came with the study
    # labels' module through dedup.normalise, which needs it only for the engine's frames
    outputs = library(demo_outputs, tmp_path)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from livingreview import reference_export\n"
        f"reference_export.write_exports(Path({str(outputs)!r}), 'library')\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert done.stdout.strip() == "False"


def _listed_digest(study_id: str, label: str, key: str, row: dict[Any, Any]) -> str:
    """The entry key as the values listed and joined (entry_key before its quicker path)."""
    import hashlib

    values = [study_id, label, key, *map(str, row), *map(str, row.values())]
    what = cache.SEPARATOR.join(values)
    if what.count(cache.SEPARATOR) != len(values) - 1:
        what = repr(values)
    return hashlib.sha256(what.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def test_an_entry_key_is_the_digest_of_its_values_listed(demo_outputs: Path) -> None:
    from livingreview.screening.automation import library_rows

    rows = [row for _, row in library_rows(demo_outputs / export.LIBRARY_CSV)][:30]
    sep = cache.SEPARATOR
    odd: list[tuple[str, str, str, dict[Any, Any]]] = [
        ("S1", "Smith 2020", "Smith2020", {**rows[0], "title": f"a{sep}b"}),  # in a cell
        ("S1", f"Smith{sep}2020", "Smith2020", rows[0]),  # in the label
        ("S1", "Smith 2020", "Smith2020", {f"ti{sep}tle": "x", "year": "2020"}),  # in a name
        ("S1", "Smith 2020", "Smith2020", {**rows[1], "year": None}),  # a short row
        ("S1", "Smith 2020", "Smith2020", {**rows[2], None: ["extra", "cells"]}),  # a long one
        ("S1", "Smith 2020", "Smith2020", {}),
        ("S1", "", "", {"title": ""}),
    ]
    cases = [(f"S{n}", "Label", f"Key{n}", row) for n, row in enumerate(rows)] + odd
    digests = [cache.entry_key(*case) for case in cases]
    assert digests == [_listed_digest(*case) for case in cases]
    assert len(set(digests)) == len(digests)
    # the names of one row, then another's: each row's own names are joined
    assert cache.entry_key("S1", "L", "K", {"a": "1", "b": "2"}) != cache.entry_key(
        "S1", "L", "K", {"b": "1", "a": "2"}
    )


def test_a_span_that_is_not_two_whole_numbers_inside_its_file_is_no_entry() -> None:
    data = {"ris": b"TY  - JOUR\r\nER  - ", "bib": b"@article{Smith2020,\n}\n"}
    good = [[0, 10], [0, 21]]
    spans: dict[str, Any] = {
        "good": good,
        "float": [[0.0, 10], [0, 19]],
        "text": [["0", "10"], [0, 19]],
        "bool": [[False, True], [0, 19]],
        "empty": [[5, 5], [0, 19]],
        "backwards": [[10, 5], [0, 19]],
        "negative": [[-1, 10], [0, 19]],
        "past the end": [[0, 10], [0, 99]],
        "one format": [[0, 10]],
        "three": [*good, [0, 1]],
        "three numbers": [[0, 10, 11], [0, 19]],
        "not a list": {"ris": [0, 10], "bib": [0, 19]},
        "none": None,
    }
    kept = cache.Kept(data, spans)
    entry = kept.entry("good")
    assert entry is not None
    assert {fmt: bytes(view) for fmt, view in entry.items()} == {
        "ris": b"TY  - JOUR",
        "bib": b"@article{Smith2020,\n}",
    }
    assert [name for name in spans if kept.entry(name) is None] == list(spans)[1:]
    assert kept.entry("absent") is None


def test_joined_places_every_entry_where_it_is(demo_outputs: Path, tmp_path: Path) -> None:
    outputs = library(demo_outputs, tmp_path)
    export.write_exports(outputs, "library")
    kept = cache.load(outputs)
    assert kept is not None
    entries = {key: kept.entry(key) for key in kept.spans}
    data, spans = cache.joined(entries)  # type: ignore[arg-type]
    assert data == {"ris": written(outputs)[0], "bib": written(outputs)[1]}
    assert spans == {key: [tuple(s) for s in span] for key, span in kept.spans.items()}
    for key, pair in entries.items():
        for (start, end), fmt in zip(spans[key], cache.FORMATS, strict=True):
            assert data[fmt][start:end] == bytes(pair[fmt])  # type: ignore[index]
    assert cache.joined({}) == ({"ris": b"", "bib": b""}, {})
