"""Fuzzing the importers with hypothesis: random mutations of the real exports in ../shared.

Each example starts from a real export file and applies one to three mutations: a flipped byte,
truncation, a deleted or duplicated line, inserted junk, or the whole text re-encoded (UTF-16,
Latin-1, Windows-1252, UTF-8 with BOM, CRLF). ``import_file`` must then either return records or
raise a :class:`LivingReviewError`; any other exception is a bug. Examples are derandomised (the
same ones on every run, in CI too) and bounded, so the whole module takes seconds.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livingreview.errors import LivingReviewError
from livingreview.imports import import_file
from tests.conftest import require_shared

#: One or two real exports per format (relative to data/sources/exports).
EXPORTS = {
    "ris": ["ris/synthesisr_Scopus.ris", "ris/colrev_psycnet_psycinfo_anonymized.ris"],
    "nbib": ["nbib/synthesisr_PubMed.nbib.txt"],
    "bibtex": ["bibtex/synthesisr_Scopus.bib", "bibtex/colrev_wos_anonymized.bib"],
    "wos": ["wos/wos_sample.txt"],
    "csv": ["scopus/scopus_sample.csv", "pubmed_csv/colrev_pubmed_chatbot.csv"],
    "pop_json": ["google_scholar/colrev_publish_or_perish_gs.json"],
}
EXAMPLES_PER_FORMAT = 50
ENCODINGS = ("utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig", "crlf")

FUZZ = settings(
    max_examples=EXAMPLES_PER_FORMAT,
    derandomize=True,  # the same examples on every run: deterministic in CI
    database=None,
    deadline=None,  # a slow machine must not turn into a flaky failure; the size is bounded
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _reencode(data: bytes, encoding: str) -> bytes:
    text = data.decode("utf-8-sig", errors="replace")
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One mutation of ``data``."""
    kind = draw(
        st.sampled_from(["flip", "truncate", "delete_line", "duplicate_line", "insert", "encode"])
    )
    if not data:
        return draw(st.binary(max_size=64))
    if kind == "flip":
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind in ("delete_line", "duplicate_line"):
        lines = _lines(data)
        at = draw(st.integers(0, len(lines) - 1))
        copies = [] if kind == "delete_line" else [lines[at], lines[at]]
        return b"\n".join([*lines[:at], *copies, *lines[at + 1 :]])
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        junk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=16),
                st.sampled_from([b"\n", b"{", b"}", b'"', b",", b"ER  - \n", b"TY  - JOUR\n"]),
            )
        )
        return data[:at] + junk + data[at:]
    return _reencode(data, draw(st.sampled_from(ENCODINGS)))


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` after one to three mutations."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        data = draw(mutation(data))
    return data


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the mutated files are written (module-scoped, as hypothesis requires)."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_mutated_real_exports_import_or_fail_clearly(fmt: str, fuzz_dir: Path) -> None:
    exports = require_shared("data/sources/exports")
    originals = [(exports / name).read_bytes() for name in EXPORTS[fmt]]
    suffixes = [Path(name).suffix for name in EXPORTS[fmt]]
    outcomes = {"records": 0, "clear error": 0}

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        which = data.draw(st.integers(0, len(originals) - 1), label="file")
        content = data.draw(mutated(originals[which]), label="mutated bytes")
        override = data.draw(st.sampled_from(["auto", fmt]), label="format")
        path = fuzz_dir / f"{fmt}{suffixes[which]}"
        path.write_bytes(content)
        try:
            result = import_file(path, source="fuzz", fmt=override)
        except LivingReviewError as exc:
            assert str(exc).startswith(str(path)), f"message does not name the file: {exc}"
            outcomes["clear error"] += 1
            return
        assert result.records and len(result.records) == result.records_in_file
        assert len({r.record_id for r in result.records}) == len(result.records)
        outcomes["records"] += 1

    check()
    # both branches were exercised: the mutations are neither all harmless nor all fatal
    assert outcomes["records"] > 0 and outcomes["clear error"] > 0, outcomes
