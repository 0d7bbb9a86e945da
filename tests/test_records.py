"""The record model: normalisation, stable ids and a canonical, diff-friendly file format."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.errors import InputFileError
from livingreview.records import (
    COLUMNS,
    Record,
    assign_ids,
    author_name,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    normalise_year,
    read_record_fields,
    read_records,
    records_to_csv,
    strip_markup,
    write_records,
)


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.2196/69294", "10.2196/69294"),
        ("https://doi.org/10.2196/69294", "10.2196/69294"),
        ("http://dx.doi.org/10.1016/J.INVENT.2017.11.005", "10.1016/j.invent.2017.11.005"),
        ("doi:10.1037/pst0000172.", "10.1037/pst0000172"),
        ("10.1002/jclp.22000 [doi]", "10.1002/jclp.22000"),
        ("DOI 10.3389/fpsyt.2022.123456", "10.3389/fpsyt.2022.123456"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1111/jan.1234?af=R", "10.1111/jan.1234"),
        (
            "https://doi.org/10.1002/%28SICI%291097-0258%2819980715%2917",
            "10.1002/(sici)1097-0258(19980715)17",
        ),
        (
            "https://doi.org/10.1016/j.x.2020.01.001?utm_source=feed&utm_medium=rss",
            "10.1016/j.x.2020.01.001",
        ),
        (
            "10.1002/(SICI)1097-0142(19850815)56:4<819::AID-CNCR1>3.0.CO;2-#",
            "10.1002/(sici)1097-0142(19850815)56:4<819::aid-cncr1>3.0.co;2-#",
        ),
        # decoding gives no control character or replacement character: the DOI ends there
        ("https://doi.org/10.1000/inv.2020.1%00%3Cb%3E", "10.1000/inv.2020.1"),
        ("10.1000/inv.2020.2&#0;x", "10.1000/inv.2020.2"),
        ("https://doi.org/10.1000/inv.2020.3%7F", "10.1000/inv.2020.3"),
        # percent-encoding of bytes that are no UTF-8 is kept as written, not a '\ufffd'
        ("https://doi.org/10.1000/inv.2020%C3.4", "10.1000/inv.2020%c3.4"),
        # escaped twice, as some exports write it: every level is decoded
        (
            "10.1002/(SICI)1097-0142(19850815)56:4&amp;lt;819::AID-CNCR1&amp;gt;3.0.CO;2-#",
            "10.1002/(sici)1097-0142(19850815)56:4<819::aid-cncr1>3.0.co;2-#",
        ),
        ("10.1000/inv&amp;amp;2021", "10.1000/inv&2021"),
        ("10.1000/&gt;", ""),  # nothing left after the prefix
        # a closing bracket the DOI opens is its own (ASCE's DOIs end with one); one it does
        # not open is the text's around it
        ("10.1061/(ASCE)0733-9445(2008)134:4(574)", "10.1061/(asce)0733-9445(2008)134:4(574)"),
        (
            "(doi 10.1061/(ASCE)0733-9445(2008)134:4(574)).",
            "10.1061/(asce)0733-9445(2008)134:4(574)",
        ),
        ("<10.1000/inv.2021.5>;", "10.1000/inv.2021.5"),
        # characters that print as nothing, as a web page copied puts them in a long DOI
        ("10.11477/mf.1405205\u200b", "10.11477/mf.1405205"),
        ("https://doi.org/10.1016/j.jad.\u00ad2020.01.001", "10.1016/j.jad.2020.01.001"),
        ("\u200f10.1000/inv.2022.6&#8203;", "10.1000/inv.2022.6"),
        ("not a doi", ""),
        ("", ""),
    ],
)
def test_normalise_doi(raw: str, doi: str) -> None:
    assert normalise_doi(raw) == doi


def test_identifier_and_year_normalisers() -> None:
    assert normalise_pmid("https://pubmed.ncbi.nlm.nih.gov/39924298") == "39924298"
    assert normalise_pmid("PMID: 39924298") == "39924298"
    assert (
        normalise_pmcid("https://www.ncbi.nlm.nih.gov/pmc/articles/pmc13000526/") == "PMC13000526"
    )
    assert normalise_year("2019 Jan-Feb") == "2019"
    assert normalise_year("Y1 2022/11/05/") == "2022"
    assert normalise_year("n.d.") == ""
    assert normalise_year("２０１８") == "2018"  # full-width digits (a Japanese database's RIS)
    assert normalise_year("２０２１年３月") == "2021"


def test_strip_markup_keeps_words_apart_at_block_tags() -> None:
    assert (
        strip_markup('<i>Blood Relationship"</i> of <sup>14</sup>C') == 'Blood Relationship" of 14C'
    )
    assert (
        strip_markup("<h4>Background</h4>Digital <b>alliance</b>") == "Background Digital alliance"
    )
    assert strip_markup("<jats:p>Chatbots &amp; apps</jats:p>") == "Chatbots & apps"
    assert strip_markup("a\u00a0b\n  c") == "a b c"
    # Wiley sets initial letters in small capitals inside a word
    assert strip_markup("<scp>A</scp>lzheimer's and <jats:scp>d</jats:scp>-xylose") == (
        "Alzheimer's and d-xylose"
    )
    # Scopus writes subscripts as <inf>: one word, as PubMed's <sub> gives it
    assert (
        strip_markup("YBa<inf>2</inf>Cu<inf>3</inf>O<inf>7</inf> films")
        == (strip_markup("YBa<sub>2</sub>Cu<sub>3</sub>O<sub>7</sub> films"))
        == "YBa2Cu3O7 films"
    )


def test_assign_ids_are_stable_and_unique() -> None:
    paper = Record(
        title="Digital <i>alliance</i>", year="2020", authors=["Doe, J"], doi="DOI:10.1234/X"
    )
    first = assign_ids("wos", [paper, paper])
    again = assign_ids("wos", [paper])
    assert first[0].record_id == again[0].record_id
    assert first[0].record_id.startswith("wos:h")
    assert first[1].record_id == first[0].record_id + "~2"
    assert first[0].title == "Digital alliance" and first[0].doi == "10.1234/x"
    with_id = assign_ids("medline", [Record(source_id="39924298", title="x")])
    assert with_id[0].record_id == "medline:39924298"


def test_source_ids_differing_in_letters_outside_ascii_are_two_records() -> None:
    # A reference manager's RIS ID (a citation key) or a Chinese database's own ids: both were
    # 'import:M_ller2019' ('import:_-001'), the second taken for the first exported twice.
    ids = ["Müller2019", "Möller2019", "张-001", "王-001", "WOS:000 123__4", "a b/c"]
    records = assign_ids("import", [Record(source_id=i, title=i) for i in ids])
    assert [r.record_id for r in records] == [
        "import:Müller2019",
        "import:Möller2019",
        "import:张-001",
        "import:王-001",
        "import:WOS:000_123__4",  # as before: a space one '_', underscores kept
        "import:a_b/c",
    ]


def test_an_ascii_source_id_keeps_the_record_id_earlier_versions_gave_it() -> None:
    # A library's earlier rounds and returned sheets hold these ids: each run of characters
    # other than letters, digits and . : / - _ was one '_', and underscores stayed as they were
    # (two ids differing in them stay two records).
    ids = ["Smith__2019", "Smith_2019", "AB _12", "x_ y", "a_(b)", "_key_", "2-s2.0-85"]
    records = assign_ids("import", [Record(source_id=i, title=i) for i in ids])
    assert [r.record_id for r in records] == [
        "import:Smith__2019",
        "import:Smith_2019",
        "import:AB__12",
        "import:x__y",
        "import:a__b_",
        "import:_key_",
        "import:2-s2.0-85",
    ]


def test_record_file_round_trips_in_canonical_order(tmp_path: Path) -> None:
    records = assign_ids(
        "s",
        [
            Record(
                source_id="2",
                title="B, with comma",
                authors=["Doe, J", "Roe, R"],
                keywords=["a", "b"],
            ),
            Record(source_id="1", title='Quote " and\nnewline'),
        ],
    )
    path = tmp_path / "records.csv"
    assert write_records(path, records) == 2
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "\r" not in text
    back = read_records(path)
    assert [r.record_id for r in back] == ["s:1", "s:2"]
    assert back[1].authors == ["Doe, J", "Roe, R"] and back[1].keywords == ["a", "b"]
    assert records_to_csv(back) == text  # byte-identical re-serialisation


def test_reading_a_non_record_file_names_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(
        InputFileError, match=r"other\.csv, row 1: not a record file: missing column"
    ):
        read_records(path)


def test_reading_some_fields_gives_those_of_every_record_and_leaves_the_rest_empty(
    tmp_path: Path,
) -> None:
    from livingreview.imports import import_file
    from tests.conftest import REPO_ROOT

    exported = import_file(REPO_ROOT / "demo/human/exports/psycnet_psycinfo.ris", source="psycinfo")
    path = tmp_path / "records.csv"
    write_records(path, assign_ids("psycinfo", exported.records))
    names = ("record_id", "doi", "publication_types")
    whole, some = read_records(path), read_record_fields(path, names)
    assert len(some) == len(whole) == 58
    assert sum(bool(r.doi) for r in some) > 30 and sum(bool(r.publication_types) for r in some) > 30
    for full, part in zip(whole, some, strict=True):
        assert part == Record(**{name: getattr(full, name) for name in names})
    with pytest.raises(InputFileError, match=r"other\.csv, row 1: not a record file"):
        (tmp_path / "other.csv").write_text("id,doi\n1,x\n", encoding="utf-8")
        read_record_fields(tmp_path / "other.csv", names)


def test_fields_of_a_file_read_whole_are_not_parsed_again_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from livingreview import records as module
    from livingreview.imports import import_file
    from tests.conftest import REPO_ROOT

    exported = import_file(REPO_ROOT / "demo/human/exports/psycnet_psycinfo.ris", source="psycinfo")
    path = tmp_path / "records.csv"
    write_records(path, assign_ids("psycinfo", exported.records))
    names = ("record_id", "pmid", "doi", "publication_types")
    parsed = read_record_fields(path, names)
    whole, _ = module.read_records_digest(path)  # as the library step reads an earlier round's
    parsing = module._fields_of
    monkeypatch.setattr(module, "_fields_of", lambda *a: pytest.fail("parsed again"))
    kept = read_record_fields(path, names)
    assert kept == parsed and sum(bool(r.publication_types) for r in kept) > 30
    kept[0].publication_types.append("Retracted Publication")  # the caller's own lists
    assert read_record_fields(path, names) == parsed
    # a file changed in place (same size and time) is parsed again
    monkeypatch.setattr(module, "_fields_of", parsing)
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    changed = text.replace(whole[0].record_id, whole[0].record_id[:-1] + "~", 1)
    assert changed != text and len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert read_record_fields(path, names)[0].record_id.endswith("~")
    # fields not kept (the title) are always read from the file
    assert read_record_fields(path, ("record_id", "title"))[0].title == whole[0].title
    # a kept file saved again in another encoding is the one clear error, not a traceback
    module.read_records_digest(path)
    path.write_bytes(path.read_text(encoding="utf-8").replace("~", "\u00e9").encode("cp1252"))
    with pytest.raises(InputFileError, match=r"records\.csv"):
        read_record_fields(path, names)


def test_placeholders_for_missing_values_are_no_names_or_keywords() -> None:
    # Mendeley's RIS writes "null" for a given name it lacks, MDPI "n/a" for no keywords.
    record = Record(
        title="t",
        authors=["van den Hoven, null", "Smith, J.", "null", "Na", "Nan", "n/a", "Null, Mary"],
        keywords=["n/a", "NA", "nan", "heart", "Nanotech"],
    ).normalised()
    assert record.authors == ["van den Hoven", "Smith, J.", "Na", "Nan", "Null, Mary"]
    assert record.keywords == ["heart", "Nanotech"]


def test_nan_as_a_given_name_is_kept() -> None:
    # "Nan" is a common given name ("Li, Nan"; OpenAlex's "Nan Li" turned family first), no
    # placeholder: since e690250 it was cut off and the author left as "Li".
    names = [author_name("Nan Li", given_first=True), "Wang, Nan", "van den Hoven, null"]
    assert Record(title="t", authors=names).normalised().authors == [
        "Li, Nan",
        "Wang, Nan",
        "van den Hoven",
    ]


def test_a_given_name_after_an_initial_is_no_family_name() -> None:
    # OpenAlex writes a person styled so as "R. Brian Haynes"; since a0a4865 every word after
    # the initials was read as the family name ("Brian Haynes, R."), so the first author matched
    # PubMed's "Haynes RB" no more. Google Scholar's initials stay before a family name of
    # several words.
    names = ["R. Brian Haynes", "J. Phillip Thompson", "A. John Rush Jr"]
    assert [author_name(n, given_first=True) for n in names] == [
        "Haynes, R. Brian",
        "Thompson, J. Phillip",
        "Rush, A. John, Jr",
    ]
    names = ["JM Gómez Penedo", "A de la Cruz", "J. M. Gómez Penedo", "B Herbeck Belnap"]
    assert [author_name(n, given_first=True) for n in names] == [
        "Gómez Penedo, JM",
        "de la Cruz, A",
        "Gómez Penedo, J. M.",
        "Herbeck Belnap, B",
    ]


def test_an_accented_initial_is_an_initial() -> None:
    # "Nowak Ł" (MEDLINE's way) was turned into the family name "Ł" and Google Scholar's
    # "Á Fernández García" into "García, Á Fernández": initials were A-Z only.
    assert [author_name(n) for n in ("Nowak Ł", "Dvořák Š", "Øvretveit J")] == [
        "Nowak, Ł",
        "Dvořák, Š",
        "Øvretveit, J",
    ]
    names = ["Á Fernández García", "Ö Yılmaz Kaya"]
    assert [author_name(n, given_first=True) for n in names] == [
        "Fernández García, Á",
        "Yılmaz Kaya, Ö",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        "10.1000/a%2541",
        "https://doi.org/10.1000/x%252Fy",
        "https://doi.org/10.1002/%28SICI%291097-0258",
        "10.1000/%C3%A9t%C3%A9",
        "10.1000/inv&amp;amp;2021",
        "10.1000/(SICI)0000-0000(1999)1:2&amp;lt;3::AID-INV4&amp;gt;3.0.CO;2-X",
        "https://doi.org/10.1000/inv%26amp%3B2021",
        "10.1000/inv&Amp;2021",
        "10.1000/inv%41 %C3",
    ],
)
def test_normalising_a_doi_twice_changes_nothing(raw: str) -> None:
    once = normalise_doi(raw)
    assert once and normalise_doi(once) == once  # the deduplicator normalises stored DOIs again
