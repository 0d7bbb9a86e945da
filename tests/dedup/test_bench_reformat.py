"""The reformat sweep's variants (``bench/dedup_reformat.py``) on real cells of the tuning sets."""

from __future__ import annotations

import importlib
import zlib
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT
from tests.dedup import benchmark_frame


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO_ROOT / "bench"))
        return importlib.import_module("dedup_reformat")


def _chosen(record_id: str, parts: int) -> bool:
    return zlib.crc32(record_id.encode()) % parts == 0


@pytest.mark.parametrize("set_name", ["haematology", "diabetes"])
def test_each_variant_rewrites_its_field_in_the_hashed_share_only(
    bench: ModuleType, set_name: str
) -> None:
    frame = benchmark_frame(set_name)
    for name, variant in bench.VARIANTS.items():
        out = bench.reformat(frame, name)
        assert out.drop(columns=variant.field).equals(frame.drop(columns=variant.field)), name
        changed = out[variant.field] != frame[variant.field]
        assert all(_chosen(i, variant.parts) for i in frame.loc[changed, "ID"]), name
        assert not (out[variant.field].eq("") & frame[variant.field].ne("")).any(), name
        assert out.equals(bench.reformat(frame, name)), name  # deterministic
    titles = bench.reformat(frame, "title_capitals")["title"] != frame["title"]
    assert titles.sum() > len(frame) * 0.4


def test_author_variants_keep_the_separators_of_a_real_cell(bench: ModuleType) -> None:
    frame = benchmark_frame("haematology").set_index("ID")
    mixed = frame.at["id_0001399", "author"]
    assert mixed.startswith("Abarrategui Garrido, Cynthia; Martinez Barricarte, Ruben and ")
    given = bench.VARIANTS["author_given_first"].rewrite(mixed)
    assert given == (
        "Cynthia Abarrategui Garrido; Ruben Martinez Barricarte and Stefanie Strobel"
        " and Elena Fariza Requejo and Antonio Gimenez Llort and Margarita Lopez Trascasa"
        " and Mihaly Jozsi and Santiago Rodriguez de Cordoba and Pilar Sanchez-Corral"
    )
    capitals = bench.VARIANTS["author_capitals"].rewrite
    assert capitals(mixed) == mixed.upper().replace(" AND ", " and ")
    assert capitals("Müller, J. and Ŝtěpán, Ö.") == "MULLER, J. and STEPAN, O."
    assert bench.first_et_al(mixed) == "Abarrategui Garrido, Cynthia et al."
    # commas between people (Vancouver), not 'Surname, Given': left as it is
    assert "Karpman D, Tati R" in set(frame["author"])
    assert bench.VARIANTS["author_given_first"].rewrite("Karpman D, Tati R") == "Karpman D, Tati R"


def test_a_concatenated_author_list_is_cut_at_its_second_name(bench: ModuleType) -> None:
    cell = benchmark_frame("diabetes").set_index("ID").at["id_0001447", "author"]
    assert cell == "Adeli K.Lewis G. F."
    assert bench.name_pieces(cell) == ["Adeli K.", "", "Lewis G. F."]
    assert bench.first_et_al(cell) == "Adeli K. et al."
    assert bench.VARIANTS["author_given_first"].rewrite(cell) == cell


def test_page_title_and_identifier_rewrites(bench: ModuleType) -> None:
    assert [bench.short_end(p) for p in ("221-228", "543--553", "91-92", "893-893", "99-101")] == [
        "221-8",
        "543--53",
        "91-2",
        "893-893",
        "99-101",
    ]
    assert bench.short_end("S12-S15") == "S12-S15"
    html = "Crohn&#39;s &amp; &lt;i&gt;&eacute;&lt;/i&gt;."
    assert bench.html_title("Crohn's & <i>é</i>") == html
    assert bench.html_title("Why?") == "Why?"
    assert bench.bracketed("Update on anaemia.") == "[Update on anaemia]."
    assert bench.no_subtitle("Anaemia: a review") == "Anaemia"
    assert bench.no_subtitle(": a review") == ": a review"
    url = "http://dx.doi.org/10.1097/MOL.0b013e3282ffaf82"
    assert bench.doi_address(url) == "https://doi.org/10.1097/MOL.0B013E3282FFAF82"
    assert bench.the_journal("The Lancet") == "THE LANCET"
    assert bench.next_year("2008") == "2009" and bench.next_year("2008a") == "2008a"


def test_an_unknown_variant_is_refused_naming_the_known_ones(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--variants", "title_capitals,title_lower"]) == 2
    err = capsys.readouterr().err
    assert "unknown variant title_lower" in err and "title_no_subtitle" in err
