"""Normalisation traps, each on real rows of the labelled benchmark sets (read in place)."""

from __future__ import annotations

import pandas as pd
import pytest

from livingreview.dedup.journals import journal_key, journals_match
from livingreview.dedup.normalise import (
    author_surnames,
    conference_kind,
    doi_key,
    first_int,
    locate,
    name_parts,
    normalise_doi_value,
    normalise_pages,
    normalise_title,
    supplement_number,
    work_kind,
)
from tests.dedup import benchmark_frame

_INDEXED: dict[str, pd.DataFrame] = {}


def records(set_name: str) -> pd.DataFrame:
    """A benchmark set's records, indexed by ID."""
    if set_name not in _INDEXED:
        _INDEXED[set_name] = benchmark_frame(set_name).set_index("ID")
    return _INDEXED[set_name]


def record(set_name: str, record_id: str) -> pd.Series:
    """One real record of a benchmark set."""
    return records(set_name).loc[record_id]


@pytest.mark.parametrize(
    ("set_name", "record_id", "raw", "expected"),
    [
        ("neuroimaging", "id_0000004", "06-Oct", ("6", "10")),  # day-month: 6-10
        ("neuroimaging", "id_0000044", "Jul-34", ("7", "34")),  # month-number: 7-34
        ("respiratory", "id_0000157", "21-Apr", ("21", "24")),  # "21-4" abbreviated: 21-24
        ("diabetes", "id_0000001", "221-8", ("221", "228")),  # abbreviated end page
        ("diabetes", "id_0000344", "S299", ("s299", "")),  # supplement page keeps its S
        # SAGE's 16-digit article number kept by a spreadsheet as a number: its digits are lost
        ("diabetes", "id_0000108", "2050310000000000", ("", "")),
    ],
)
def test_pages(set_name: str, record_id: str, raw: str, expected: tuple[str, str]) -> None:
    row = record(set_name, record_id)
    assert row["pages"] == raw
    assert normalise_pages(row["pages"]) == expected


def test_a_rounded_article_number_is_no_page_but_a_whole_one_is() -> None:
    # srsr: "3490000000000" beside the same article's pages 193-207 kept a pair apart
    assert normalise_pages("3490000000000") == ("", "")
    assert normalise_pages("2050312118822927") == ("2050312118822927", "")  # as SAGE gives it
    assert normalise_pages("1000000") == ("1000000", "")


def test_front_matter_pages_in_roman_numerals() -> None:
    row = record("neuroimaging", "id_0001241")
    assert (row["title"], row["pages"]) == ("Preface", "v-vii")
    assert normalise_pages(row["pages"]) == ("v", "7")
    assert normalise_pages("xi") == ("xi", "")
    assert normalise_pages("iii19-iii25") == ("iii19", "25")  # a supplement page, not a numeral


def test_spaced_article_number_pages_equal_the_dotted_form() -> None:
    dotted = record("neuroimaging", "id_0000199")["pages"]
    spaced = record("neuroimaging", "id_0001618")["pages"]
    assert spaced == "875 e1-875 e7"
    assert normalise_pages(spaced)[0] == normalise_pages(dotted)[0]


def test_concatenated_authors_are_split() -> None:
    row = record("diabetes", "id_0000001")
    assert row["author"] == "Adeli K.Lewis G. F."
    assert author_surnames(row["author"]) == ("adeli", "lewis")


def test_vancouver_lists_with_et_al_suffixes_and_non_ascii_initials_are_split() -> None:
    text = "Kaplan BS, Meyers KE Jr, Dvořák Š, Nowak Ł, et al."
    assert author_surnames(text) == ("kaplan", "meyers", "dvorak", "nowak")
    assert author_surnames("Smith J 3rd, Doe A et al") == ("smith", "doe")
    # One name written surname first is not a list of two.
    assert author_surnames("Karpman, D") == ("karpman",)


def test_mojibake_authors_are_split_like_clean_ones() -> None:
    broken = record("neuroimaging", "id_0000552")["author"]
    clean = record("neuroimaging", "id_0002423")["author"]
    assert "Ã" in broken
    # The export also lost one dot ("Zvara ÁSántha M."), so only the other names must agree.
    assert author_surnames(broken)[:3] == author_surnames(clean)[:3] == ("olah", "kalman", "toth")
    assert len(set(author_surnames(broken)) & set(author_surnames(clean))) >= 6


def test_surname_comma_initials_and_bibtex_and() -> None:
    row = record("haematology", "id_0000001")
    assert row["author"].startswith("Zuber, J and Le Quintrec, M")
    assert author_surnames(row["author"])[:2] == ("zuber", "lequintrec")
    assert author_surnames("J Zuber; M Le Quintrec")[:1] == ("zuber",)


def test_collective_author_is_not_a_surname() -> None:
    row = record("cytology_screening", "id_0000912")
    assert row["author"].startswith("Group, ASCUS-LSIL")
    assert author_surnames(row["author"]) == ()


@pytest.mark.parametrize(
    ("set_name", "abbreviated", "full"),
    [
        ("diabetes", "id_0000015", "id_0000682"),  # J Am Soc Hypertens
        ("haematology", "id_0000075", "id_0000072"),  # N Engl J Med
        ("cytology_screening", "id_0000708", "id_0000709"),  # Ann.New York Acad.Sci.
    ],
)
def test_abbreviated_journals_match_full_names(set_name: str, abbreviated: str, full: str) -> None:
    short = journal_key(record(set_name, abbreviated)["journal"])
    long = journal_key(record(set_name, full)["journal"])
    assert short != long
    assert journals_match(short, long)


@pytest.mark.parametrize(
    ("glued", "spaced"),
    [
        ("id_0000037", "id_0000038"),  # Zhonghua Weichang Waike Zazhi / Zhonghua wei chang wai ke
        ("id_0000337", "id_0000335"),  # Jthoraccardiovascsurg / Journal of Thoracic & ...
    ],
)
def test_journal_names_spaced_otherwise_match(glued: str, spaced: str) -> None:
    one = journal_key(record("respiratory", glued)["journal"])
    other = journal_key(record("respiratory", spaced)["journal"])
    assert len(one.split()) < len(other.split())
    assert journals_match(one, other)


def test_glued_names_need_every_word_in_order() -> None:
    glued = journal_key("Jthoraccardiovascsurg")
    assert not journals_match(glued, journal_key("Journal of Thoracic Oncology"))
    assert not journals_match(glued, journal_key("Journal of Cardiovascular Surgery"))
    assert not journals_match(journal_key("Annalsofsurgicaloncology"), journal_key("Ann Surg"))
    # other Chinese journals of the same family stay apart
    assert not journals_match(
        journal_key("Zhonghua nei ke za zhi"), journal_key("Zhonghua Waike Zazhi")
    )
    # a short glued string abbreviates too many names to be read as one
    assert not journals_match(journal_key("Jsurgres"), journal_key("Journal of Surgical Research"))


def test_different_journals_do_not_match() -> None:
    a = journal_key(record("respiratory", "id_0001355")["journal"])  # Annals of Internal Medicine
    b = journal_key(record("respiratory", "id_0001356")["journal"])  # ACP Journal Club
    assert not journals_match(a, b)
    assert not journals_match(journal_key("Circulation"), journal_key("Circulation Research"))


def test_pubmed_journal_subtitle_and_embase_citation_are_cut() -> None:
    long = record("cytology_screening", "id_0000165")["journal"]
    assert long.startswith("Clinical cancer research : an official journal")
    assert journal_key(long) == journal_key(record("cytology_screening", "id_0001667")["journal"])
    embase = (
        "Journal of Neuroscience.30 (15) ()(pp 5357-5367) 2010.Date of Publication: 14 Apr 2010."
    )
    assert journal_key(embase) == "journal neuroscience"


def test_a_journal_place_note_split_into_the_volume_is_repaired() -> None:
    # A CSV export split MEDLINE's "Cerebral cortex (New York, N.Y. : 1991)" at its comma: the
    # journal field ends inside the place note and the volume field starts with its end.
    assert journal_key("Cerebral cortex (New York N.Y") == journal_key(
        "Cerebral cortex (New York, N.Y. : 1991)"
    )
    assert locate("Cerebral cortex (New York N.Y", ": 1991). 25", "", "2153-65", 2015) == (
        "25",
        ("2153", "2165"),
    )
    assert locate("Cerebral cortex", "25", "", "2153-65", 2015)[0] == "25"


def test_conference_tail_is_cut_from_journal() -> None:
    row = record("diabetes", "id_0000359")
    assert row["journal"].startswith("Microcirculation. Conference:")
    assert journal_key(row["journal"]) == "microcirculation"


def test_translated_title_and_language_tag() -> None:
    titles = records("diabetes")["title"]
    tagged = titles[titles.str.startswith("[Protective effects of incretin on atherosclerosis]")]
    assert tagged.str.contains(r"\[Japanese\]").any()
    assert {normalise_title(t) for t in tagged} == {
        "protective effects of incretin on atherosclerosis"
    }


def test_ovid_review_tag_is_not_part_of_the_title() -> None:
    tagged = record("cytology_screening", "id_0001219")["title"]
    assert tagged.endswith("[Review] [133 refs]")
    plain = record("cytology_screening", "id_0001218")["title"]
    assert normalise_title(tagged) == normalise_title(plain)


def test_erratum_note_is_not_part_of_the_title_and_not_an_erratum() -> None:
    row = record("haematology", "id_0000175")
    assert "[Erratum appears in" in row["title"]
    assert normalise_title(row["title"]).endswith("atypical hemolytic uremic syndrome")
    assert work_kind(row["title"], row["ENTRYTYPE"]) == ""


@pytest.mark.parametrize("record_id", ["id_0000020", "id_0000021", "id_0000058"])
def test_errata_are_recognised(record_id: str) -> None:
    row = record("haematology", record_id)  # "Erratum: ..." and WoS "(vol 360, pg 542, 2009)"
    assert work_kind(row["title"], row["ENTRYTYPE"]) == "erratum"


def test_replies_are_recognised() -> None:
    row = record("neuroimaging", "id_0000352")
    assert row["title"].startswith("Re:")
    assert work_kind(row["title"], row["ENTRYTYPE"]) == "reply"
    wos = record("haematology", "id_0001126")  # "... AUTHORS REPLY" on the letter's page
    assert wos["title"].endswith("AUTHORS REPLY")
    assert work_kind(wos["title"], wos["ENTRYTYPE"]) == "reply"
    letter = record("haematology", "id_0000180")
    assert work_kind(letter["title"], letter["ENTRYTYPE"]) == ""


def test_html_in_title_and_mojibake_dash() -> None:
    frame = records("neuroimaging")
    tagged = frame["title"][frame["title"].str.contains("<inf>1B</inf>", regex=False)]
    # one with <sup> and an en dash, one with the dash as mojibake "â\x80\x93"
    keys = {normalise_title(t).replace(" ", "") for t in tagged if "AZ10419096" in t}
    assert keys == {"11caz10419096afullantagonistpetradioligandforimagingbrain5ht1breceptors"}


def test_escaped_markup_in_title_is_markup() -> None:
    # One export escaped the <sup> of "[11C]" (and cut the title short); the other kept the tag.
    for escaped_id, tagged_id in (("id_0000505", "id_0002398"), ("id_0000504", "id_0002263")):
        escaped = record("neuroimaging", escaped_id)["title"]
        assert "&lt;sup&gt;11&lt;/sup&gt;" in escaped
        key = normalise_title(escaped)
        assert normalise_title(record("neuroimaging", tagged_id)["title"]).startswith(key)
        assert "sup" not in key.split()


def test_venue_kinds() -> None:
    conf = record("diabetes", "id_0000359")
    assert conference_kind(*conf[["ENTRYTYPE", "journal", "volume", "number", "pages"]]) == (
        "conference"
    )
    supp = record("diabetes", "id_0000344")  # page S299
    assert conference_kind(*supp[["ENTRYTYPE", "journal", "volume", "number", "pages"]]) == (
        "supplement"
    )
    article = record("diabetes", "id_0000001")  # 221-8
    assert conference_kind(*article[["ENTRYTYPE", "journal", "volume", "number", "pages"]]) == (
        "article"
    )
    one_page = record("haematology", "id_0000122")  # 507-507: a one-page abstract
    assert conference_kind(*one_page[["ENTRYTYPE", "journal", "volume", "number", "pages"]]) == ""


def test_volumes() -> None:
    assert record("neuroimaging", "id_0002234")["volume"] == "Part 3. 275"
    assert first_int("Part 3. 275") == "275"
    assert first_int(record("cardiac", "id_0003268")["volume"]) == "88"  # "88 Suppl 1"
    assert first_int("1)") == ""  # the tail of "(Supplement 1)"


def test_supplement_numbers() -> None:
    row = record("diabetes", "id_0001347")
    assert (row["volume"], row["number"]) == ("59", "SUPPL. 1")
    assert supplement_number(row["volume"], row["number"]) == "1"
    assert supplement_number(record("cardiac", "id_0003268")["volume"], "") == "1"  # 88 Suppl 1
    assert supplement_number("10", "S2") == "2"
    assert supplement_number("19", "8") == ""


def test_a_journal_supplement_series_is_the_journal() -> None:
    supplements = record("diabetes", "id_0001434")["journal"]
    assert supplements == "Atherosclerosis Supplements"
    assert journal_key(supplements) == journal_key(record("diabetes", "id_0001437")["journal"])
    assert journal_key("Supplement") == "supplement"  # a lone word is kept


def test_letters_lost_to_encoding_and_french_elision_in_journal_names() -> None:
    lost = record("respiratory", "id_0000090")["journal"]
    assert lost == "Annales fran?aises d'anesth?sie et de r?animation"
    full = journal_key(record("respiratory", "id_0000089")["journal"])
    abbreviated = journal_key(record("respiratory", "id_0000088")["journal"])  # Ann Fr Anesth...
    assert journals_match(journal_key(lost), full)
    assert journals_match(journal_key(lost), abbreviated)
    assert not journals_match(journal_key("Annales fran?aises de pediatrie"), full)


def test_parallel_journal_titles_are_alternatives() -> None:
    parallel = record("respiratory", "id_0000011")["journal"]
    assert parallel == "Ai zheng = Aizheng = Chinese journal of cancer"
    assert journals_match(journal_key(parallel), journal_key("Chinese Journal of Cancer"))
    assert journals_match(
        journal_key(record("respiratory", "id_0000009")["journal"]), journal_key(parallel)
    )
    swiss = journal_key(record("respiratory", "id_0000611")["journal"])  # "... = Revue suisse ..."
    assert journals_match(swiss, journal_key(record("respiratory", "id_0000612")["journal"]))
    assert not journals_match(swiss, journal_key("Revue medicale suisse"))


def test_original_language_title_appended_is_cut() -> None:
    title = record("respiratory", "id_0000611")["title"]
    assert "<ORIGINAL> NEOADJUVANTE" in title
    plain = record("respiratory", "id_0000610")["title"]  # the same title without the original
    assert normalise_title(title) == normalise_title(plain)


def test_dois() -> None:
    assert normalise_doi_value(record("diabetes", "id_0000699")["doi"]) == (
        "10.1097/mol.0b013e3282ffaf82"
    )
    escaped = record("neuroimaging", "id_0001525")["doi"]
    assert "&lt;" in escaped
    assert normalise_doi_value(escaped) == normalise_doi_value(
        record("neuroimaging", "id_0003422")["doi"]
    )
    assert normalise_doi_value("Doi 10.1016/S0924-977x(09)70984-8") == (
        "10.1016/s0924-977x(09)70984-8"
    )


def test_doi_key_ignores_export_punctuation() -> None:
    # Pairs one 53,001-record labelled search holds as one work.
    pairs = [
        ("10.3402/fnr.v57i0.21245", "10.3402/fnrv57i0.21245"),
        ("10.1007/978-3-642-31659-3_3", "10.1007/978-3-642-31659-3-3"),
        ("10.1007/82_2012_287", "10.1007/82-2012-287"),
        ("10.2527/jas.2013-6195", "10.2527/jas2013-6195"),
        ("10.3779/j.issn.1009-3419.2018.11.07", "10.3779/10.3779/j.issn.1009-3419.2018.11.07"),
        ("10.1210/endrev/bnz002", "10.1210/endrevbnz002"),  # Endocrine Reviews, epub and print
    ]
    for a, b in pairs:
        assert doi_key(a) == doi_key(b), (a, b)
    assert doi_key("10.3402/fnr.v57i0.21245") != doi_key("10.3402/fnr.v57i0.21083")
    assert doi_key("10.1136/bmjopen-2016-012759") != doi_key("10.1136/bmjopen-2016-012759corr1")
    # The registrant prefix keeps its slash: it is no part of the suffix.
    assert doi_key("10.1210/endrev/bnz002").startswith("101210/")


# Values below are copied from rows of the depression set (Embase export), which is too large to
# read in a fast test.


def test_name_parts_split_glued_full_names() -> None:
    # Ovid-style lists of full names with nothing between one person and the next.
    assert [w for w in name_parts("Liu LiangMoody JulieGall Angela") if len(w) < 8] == [
        "liu", "liang", "moody", "julie", "gall", "angela",
    ]  # fmt: skip
    # Surname-initials glued ("Zhu GSPollak L..."): each surname, a compound one as one word too.
    parts = name_parts("Zhu GSPollak LMottagui-Tabar SWahlestedt C")
    assert {"zhu", "pollak", "mottaguitabar", "wahlestedt"} <= set(parts)
    assert parts[:2] == ("zhu", "gs")
    parts = name_parts("Wenxing HuDongdong LinCalhoun V. D.")
    assert parts[:5] == ("wenxing", "hu", "dongdong", "hudongdong", "lin")  # unsplit too


def test_embase_glued_initials() -> None:
    assert author_surnames("TavenerS.A.KubesP.") == ("tavener", "kubes")
    assert author_surnames("ClineB.H.AnthonyD.C.LeschK.-P.StrekalovaT.") == (
        "cline",
        "anthony",
        "lesch",
        "strekalova",
    )
    assert author_surnames("ArtmanM.OlsonR.D.BoucekR.J.Jr.GhishanF.K.")[:4] == (
        "artman",
        "olson",
        "boucek",
        "ghishan",
    )


def test_embase_citation_in_the_journal_field() -> None:
    journal = (
        "Journal of Neuroscience.30 (15) ()(pp 5357-5367) 2010.Date of Publication: 14 Apr 2010."
    )
    # the pages field holds the day of publication; the citation is the truth
    assert locate(journal, "", "15", "14", 2010) == ("30", ("5357", "5367"))
    # a year where the volume should be is no volume
    korsakova = "Zhurnal Nevrologii i Psihiatrii imeni S.S.Korsakova.2015 (2) ()(pp 48-52) 2015."
    assert locate(korsakova, "", "2", "", 2015) == ("", ("48", "52"))
    # pages in the issue field, the year in the pages field
    assert locate("Pharmacologyonline", "3", "pp 737-749", "2010", 2010) == ("3", ("737", "749"))
    assert locate("Pharmacol.Rep.", "62", "2", "2010", 2010) == ("62", ("", ""))
