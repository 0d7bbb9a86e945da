"""Encoding and line-ending variants of real exports give the same records as the original.

Each variant is written into ``tmp_path`` from a real file at test time. The reference is the
same text saved as plain UTF-8 with LF endings; where a single-byte code page cannot hold a
character, both the reference and the variant use the code page's replacement, so the
comparison stays exact.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from livingreview.imports import import_file
from livingreview.imports.text import decode
from tests.imports import Real, Variant

FILES = {
    "ris": "exports/ris/synthesisr_EBSCO_ASP.ris",
    "ris-psycnet": "exports/ris/colrev_psycnet_psycinfo_anonymized.ris",
    "nbib": "exports/nbib/synthesisr_PubMed.nbib.txt",
    "wos": "exports/wos/wos_sample.txt",
    "bibtex": "exports/bibtex/synthesisr_Scopus.bib",
    "csv-scopus": "exports/scopus/scopus_sample.csv",
    "csv-openalex": "exports/openalex/openalex_sample.csv",
    "pop_json": "exports/google_scholar/colrev_publish_or_perish_gs.json",
}
VARIANTS = ("bom", "crlf", "cp1252", "latin-1", "utf-16", "no-final-newline", "no-end-tags")
#: Code-page variants of files whose text has no character of that code page above ASCII.
MEANINGLESS = {("ris-psycnet", "cp1252"), ("ris-psycnet", "latin-1"), ("pop_json", "latin-1")}
CASES = [(k, v) for k in sorted(FILES) for v in VARIANTS if (k, v) not in MEANINGLESS]


def _without_end_tags(text: str) -> str:
    """Drop the closing tags of the last record (RIS ``ER``, WoS ``ER``/``EF``) and the newline."""
    text = text.rstrip()
    for pattern in (r"\nEF\s*$", r"\nER\s*-?\s*$"):
        text = re.sub(pattern, "", text).rstrip()
    return text


def _make(text: str, variant: str) -> tuple[str, bytes]:
    """The reference text and the variant's bytes."""
    if variant == "bom":
        return text, codecs.BOM_UTF8 + text.encode("utf-8")
    if variant == "crlf":
        return text, text.replace("\n", "\r\n").encode("utf-8")
    if variant in ("cp1252", "latin-1"):
        reference = text.encode(variant, errors="replace").decode(variant)
        assert any(ord(c) > 127 for c in reference), "variant would not test the code page"
        return reference, reference.encode(variant)
    if variant == "utf-16":
        return text, text.encode("utf-16")
    if variant == "no-final-newline":
        return text, text.rstrip("\n").encode("utf-8")
    if variant == "no-end-tags":
        return text, _without_end_tags(text).encode("utf-8")
    raise AssertionError(variant)


@pytest.mark.parametrize(("kind", "variant"), CASES)
def test_variant_gives_the_same_records(
    kind: str, variant: str, real: Real, variant_file: Variant
) -> None:
    original = real(FILES[kind])
    text, _ = decode(original, original.read_bytes())
    reference_text, data = _make(text, variant)
    suffix = original.suffix
    reference = import_file(variant_file(f"reference{suffix}", reference_text.encode()), "v")
    mutated = import_file(variant_file(f"{variant}{suffix}", data), "v")

    assert mutated.records == reference.records
    assert mutated.records_in_file == reference.records_in_file == len(reference.records)
    assert mutated.format == reference.format
    expected_encoding = {
        "bom": "utf-8-sig",
        "cp1252": "cp1252",
        "latin-1": "cp1252",  # Latin-1 letters are the same bytes in Windows-1252
        "utf-16": "utf-16",
    }.get(variant, "utf-8")
    assert mutated.encoding == expected_encoding


def test_the_end_tag_variant_really_removes_end_tags(real: Real) -> None:
    text = real(FILES["wos"]).read_text(encoding="utf-8")
    cut = _without_end_tags(text)
    assert text.rstrip().endswith("EF") and not cut.endswith(("EF", "ER"))
    ris = real(FILES["ris"]).read_text(encoding="utf-8")
    assert not _without_end_tags(ris).endswith("ER  -")


def test_a_missing_er_between_records_does_not_merge_them(
    real: Real, variant_file: Variant
) -> None:
    original = real("exports/ris/synthesisr_Scopus.ris")
    text = original.read_text(encoding="utf-8")
    first_er = text.index("\nER  - \n")
    mutated = variant_file("no_er.ris", (text[:first_er] + text[first_er + 7 :]).encode())
    assert len(import_file(mutated, "v").records) == 3
    assert import_file(mutated, "v").records == import_file(original, "v").records


def test_latin1_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    data = "TY  - JOUR\nTI  - Caf\u00e9 \u0081 M\u00fcller\nER  - \n".encode("latin-1")
    text, encoding = decode(tmp_path / "x.ris", data)
    assert encoding == "latin-1"
    assert "Café" in text and "Müller" in text


@pytest.mark.parametrize("kind", ["wos", "ris", "ris-psycnet", "nbib"])
def test_whitespace_left_after_each_line_changes_nothing(
    kind: str, real: Real, variant_file: Variant
) -> None:
    # An editor (or a copy out of a browser) leaves a tab or spaces after lines, "ER\t" too.
    original = real(FILES[kind])
    text, _ = decode(original, original.read_bytes())
    padded = "\n".join(line + ("\t" if n % 2 else "  ") for n, line in enumerate(text.split("\n")))
    reference = import_file(variant_file(f"reference{original.suffix}", text.encode()), "v")
    mutated = import_file(variant_file(f"padded{original.suffix}", padded.encode()), "v")
    assert mutated.records == reference.records


@pytest.mark.parametrize("kind", ["ris", "wos"])
def test_a_file_ending_inside_a_record_is_read_with_a_warning(
    kind: str, real: Real, variant_file: Variant, caplog: pytest.LogCaptureFixture
) -> None:
    # Every record of these writers ends with ER; a last one without it is read (the records
    # are the same), but the file may have been cut there, losing the records after it: before,
    # nothing said so.
    original = real(FILES[kind])
    text, _ = decode(original, original.read_bytes())
    whole = import_file(variant_file(f"whole{original.suffix}", text.encode("utf-8")), "x")
    assert not [r for r in caplog.records if "ends inside" in r.getMessage()]
    cut = variant_file(f"cut{original.suffix}", _without_end_tags(text).encode("utf-8"))
    with caplog.at_level("WARNING", logger="livingreview.import"):
        assert import_file(cut, "x").records == whole.records
    [warning] = [r.getMessage() for r in caplog.records if "ends inside" in r.getMessage()]
    assert warning.startswith(f"{cut}, record {len(whole.records)} (line ")
    assert "export again" in warning
