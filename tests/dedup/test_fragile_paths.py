"""Rules from stressing the tuning sets (a field removed from half the records): each on the real
records behind it, with the field removed where the rule is about a record that lacks it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from livingreview.dedup.journals import journal_key, journals_match
from livingreview.dedup.matching import compare
from livingreview.dedup.normalise import normalise_frame, normalise_pages, normalise_title
from tests.dedup import benchmark_frame
from tests.dedup.test_evidence import judged, rows


def field(set_name: str, record_id: str, name: str) -> str:
    frame = benchmark_frame(set_name)
    return str(frame.loc[frame["ID"] == record_id, name].iloc[0])


def compared(frame: pd.DataFrame) -> pd.Series:
    """The compared fields of a two-record frame."""
    return compare(normalise_frame(frame), np.array([[0, 1]])).iloc[0]


# --- journal names -------------------------------------------------------------------------------


def test_medium_notes_and_acronym_tails_are_no_part_of_a_journal_name() -> None:
    pairs = [
        ("respiratory", "id_0000632", "id_0000631"),  # "PLoS ONE [Electronic Resource]"
        ("cytology_screening", "id_0000994", "id_0000993"),  # "... & Cancer [Electronic ...]"
        ("cytology_screening", "id_0000442", "id_0000441"),  # "...Syndromes: JAIDS"
        ("neuroimaging", "id_0003183", "id_0000695"),  # "Chirurgia (Bucharest Romania : 1990)"
    ]
    for set_name, noted, plain in pairs:
        a = journal_key(field(set_name, noted, "journal"))
        b = journal_key(field(set_name, plain, "journal"))
        assert journals_match(a, b), (noted, a, b)
    assert journal_key(field("respiratory", "id_0000632", "journal")) == "plos one"


def test_a_journal_acronym_matches_its_full_name() -> None:
    cmaj = journal_key(field("neuroimaging", "id_0002894", "journal"))  # "Cmaj"
    full = journal_key(field("neuroimaging", "id_0001319", "journal"))
    assert (cmaj, full) == ("cmaj", "canadian medical association journal")
    assert journals_match(cmaj, full)
    # "CMAJ: Canadian Medical Association Journal" as exported without the colon
    both = journal_key(field("cytology_screening", "id_0000627", "journal"))
    assert journals_match(both, cmaj) and journals_match(both, full)
    assert not journals_match(journal_key("Diabetes"), journal_key("Diabetologia"))
    assert not journals_match(journal_key("BMJ"), journal_key("Brain Research"))


# --- pages ---------------------------------------------------------------------------------------


def test_quoted_page_lists() -> None:
    raw = field("respiratory", "id_0000602", "pages")
    assert raw.startswith('"')
    assert normalise_pages(raw) == ("233", "238")


def test_ranges_ending_on_one_page_are_one_article() -> None:
    # 2141-2147 and 2142-2147: the same article with a start page mistyped
    two = rows("haematology", "id_0001010", "id_0001011")
    assert compared(two)["page_eq"]
    assert judged(two, "id_0001010", "id_0001011")[0] == "duplicate"


# --- truncated titles ----------------------------------------------------------------------------


def test_an_export_truncated_title_with_journal_volume_and_year() -> None:
    # One database cuts the long title; journal, volume and year agree, pages removed.
    two = rows("cytology_screening", "id_0000262", "id_0000263", pages="")
    assert compared(two)["title_cut"]
    assert judged(two, "id_0000262", "id_0000263")[0] == "duplicate"


def test_a_title_extended_by_a_numbered_part_needs_the_item() -> None:
    # The same record with ". Part 2" and a subtitle added: a numbered second part of one team's
    # paper in the same journal and volume is another article unless DOI, page or abstract agree.
    two = rows("cytology_screening", "id_0000262", "id_0000263", pages="")
    longer = two["title"].str.len() == two["title"].str.len().max()
    two.loc[longer, "title"] = two.loc[longer, "title"] + ". Part 2: results at five years"
    assert compared(two)["title_cut"]
    assert judged(two, "id_0000262", "id_0000263")[0] == "maybe"


# --- DOIs ----------------------------------------------------------------------------------------


def test_one_doi_on_records_in_unrelated_journals_with_other_abstracts() -> None:
    # A Journal of Neurochemistry meeting abstract exported with the DOI of the team's article
    # in Parkinsonism and Related Disorders (gold: different items); pages and volume removed.
    two = rows("neuroimaging", "id_0002052", "id_0002357", pages="", volume="")
    assert judged(two, "id_0002052", "id_0002357") == (
        "maybe",
        "same DOI, journals and abstracts differ",
    )
    # The same DOI in two journal names with the same abstract stays one work.
    same_text = rows("neuroimaging", "id_0002442", "id_0003153")
    assert judged(same_text, "id_0002442", "id_0003153")[0] == "duplicate"


def test_a_volume_contradicting_doi_title_journal_and_year_is_a_typo() -> None:
    # Frontiers in Cellular Neuroscience, volume 7 and 27 (a day), one DOI
    two = rows("neuroimaging", "id_0000851", "id_0002621")
    assert judged(two, "id_0000851", "id_0002621")[0] == "duplicate"


def test_a_wrong_doi_against_volume_issue_and_abstract() -> None:
    # Title, authors, journal, year, volume, issue and abstract agree; one DOI is another
    # article's. Without pages the abstract pins the item.
    two = rows("neuroimaging", "id_0001513", "id_0003050", pages="")
    assert judged(two, "id_0001513", "id_0003050")[0] == "duplicate"
    # With the abstract removed as well, the DOIs decide.
    bare = two.assign(abstract="")
    assert judged(bare, "id_0001513", "id_0003050") == ("distinct", "DOIs differ")


def test_database_notes_after_a_title_are_no_part_of_it() -> None:
    # CRD's DARE appends "(Structured abstract)" / "(Provisional abstract)" to the title
    two = rows("cytology_screening", "id_0001166", "id_0001167")
    assert two["title"].str.endswith("(Structured abstract)").any()
    assert normalise_title(two["title"].iloc[0]) == normalise_title(two["title"].iloc[1])
    assert not compared(two.assign(pages=""))["title_cut"]


def test_an_online_first_record_is_the_article_whatever_its_volume_says() -> None:
    # Alcoholism: Clinical and Experimental Research 42(1):21-31, one DOI (gold: one work). The
    # Web of Science record made the online-first one as Embase exports it: a year earlier, no
    # issue, no pages, and the day of the month as volume.
    early = {"year": "2017", "volume": "24", "number": "", "pages": ""}
    two = rows("neuroimaging", "id_0001551", "id_0000034")
    two.loc[two["ID"] == "id_0001551", list(early)] = list(early.values())
    assert judged(two, "id_0000034", "id_0001551")[0] == "duplicate"
    # A start page on both records is an item of its own (two abstracts under one supplement's
    # DOI), and two years apart no online-first delay explains: a person decides.
    paged = two.copy()
    paged.loc[paged["ID"] == "id_0001551", "pages"] = "22"
    assert judged(paged, "id_0000034", "id_0001551") == (
        "maybe",
        "same DOI, volume or pages differ",
    )
    later = two.copy()
    later.loc[later["ID"] == "id_0001551", "year"] = "2016"
    assert judged(later, "id_0000034", "id_0001551")[0] != "duplicate"


def title_key(title: str) -> str:
    """The title as blocking and comparison see it without spaces (the engine's title_key)."""
    return normalise_title(title).replace(" ", "")


def test_a_greek_letter_compares_as_its_name_or_its_latin_letter() -> None:
    # Neuroimaging: "interferon-beta"; respiratory: "integrin (alpha)v(beta)3". Exports give the
    # letter, its name, its name glued to the word, or the Latin letter it looks like.
    title = field("neuroimaging", "id_0001382", "title")
    assert "interferon-beta" in title
    variants = ("interferon-β", "interferonbeta", "interferon-b", "interferon β")
    keys = {title_key(title.replace("interferon-beta", v)) for v in variants}
    assert keys == {title_key(title)}
    integrin = field("respiratory", "id_0000510", "title")
    assert "(alpha)v(beta)3" in integrin
    glued = {title_key(integrin.replace("(alpha)v(beta)3", v))
             for v in ("αvβ3", "alphavbeta3", "(alpha)v(beta)3", "avb3")}  # fmt: skip
    assert len(glued) == 1
    # Two letters stay two letters.
    assert title_key(title) != title_key(title.replace("interferon-beta", "interferon-α"))
