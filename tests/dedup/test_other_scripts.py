"""Titles, authors and journals written in another script than Latin (Chinese, Japanese, Korean,
Cyrillic, ...) compare by their own letters: folding them to ASCII left nothing to compare."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from livingreview.dedup.engine import judge_pairs
from livingreview.dedup.frame import records_to_frame
from livingreview.dedup.journals import journal_key
from livingreview.dedup.normalise import normalise_title, surname
from livingreview.imports import import_file
from tests.conftest import require_shared


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("心理治疗中的治疗联盟：一项荟萃分析", "心理治疗中的治疗联盟 一项荟萃分析"),
        # A letter's diacritic goes in every script, as Latin ones do: й as и, ё as е.
        ("Терапевтический альянс", "терапевтическии альянс"),
        ("디지털 치료에서의 치료 동맹", "디지털 치료에서의 치료 동맹"),
        ("COVID-19患者の抑うつ", "covid 19患者の抑うつ"),
    ],
)
def test_letters_of_other_scripts_are_words(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


def test_an_author_in_another_script_has_a_surname() -> None:
    assert surname("Иванов, И. И.") == "иванов"
    assert surname("朱德泉") == "朱德泉"


def test_a_chinese_record_from_two_databases_is_one_study() -> None:
    # EBSCO's record of a Chinese article (real: Chinese title and authors, the English title as
    # T2) and the same article as a Chinese database gives it: its journal's Chinese name, no
    # DOI, the title without EBSCO's closing full stop. Only "2ZGK-6" was left of either title,
    # so the pair went to a person as 'similar title, too little corroboration'.
    path = require_shared("data/sources/exports/ris/synthesisr_EBSCO_ASP.ris")
    ebsco = next(r for r in import_file(path, "ebsco").records if r.title.startswith("2ZGK"))
    assert ebsco.authors[0] == "朱德泉"
    cnki = dataclasses.replace(
        ebsco,
        record_id="cnki:1",
        source="cnki",
        source_id="1",
        doi="",
        abstract="",
        title="2ZGK-6型可调宽窄行高速水稻插秧机设计与试验",
        journal="农业工程学报",
    )
    frame = records_to_frame([ebsco, cnki])
    verdict = judge_pairs(frame, [(ebsco.record_id, cnki.record_id)])[0]
    assert verdict.outcome == "duplicate"


def test_two_chinese_articles_sharing_an_english_word_are_two() -> None:
    # Two articles of one issue, no pages yet (online first), one team; the titles share only
    # "COVID-19" in Latin letters, which was all of either that was compared.
    row = dict(
        ENTRYTYPE="article",
        author="王芳 and 李娜",
        year="2020",
        journal="中华精神科杂志",
        volume="53",
        number="4",
        pages="",
        abstract="",
        doi="",
        isbn="",
        source_id="1",
    )
    frame = pd.DataFrame(
        [
            dict(row, ID="cnki:1", source="cnki", title="COVID-19疫情期间医务人员心理健康状况调查"),
            dict(
                row, ID="wanfang:1", source="wanfang", title="COVID-19患者出院后抑郁症状的纵向研究"
            ),
        ],
        dtype=str,
    )
    verdict = judge_pairs(frame, [("cnki:1", "wanfang:1")])[0]
    assert verdict.outcome == "distinct"


@pytest.mark.parametrize(
    "title",
    [
        "Online-Psycho\u00adtherapie: die thera\u00adpeutische Allianz",  # soft hyphens
        "Online-Psychotherapie: die thera&shy;peutische Allianz",  # as an HTML entity
        "Online-Psychotherapie: die thera\u200bpeutische Allianz",  # zero-width space
    ],
)
def test_characters_that_print_as_nothing_are_no_part_of_a_title(title: str) -> None:
    # A German article as a publisher's web page gives its title (hyphenation points kept) and
    # as a database gives it; no pages or DOI yet. 'a title word differs' made it a maybe pair.
    row = dict(
        ENTRYTYPE="article",
        author="Schmidt, A. and Weber, B.",
        year="2019",
        journal="Psychotherapeut",
        volume="64",
        number="",
        pages="",
        abstract="",
        doi="",
        isbn="",
        source_id="1",
    )
    plain = "Online-Psychotherapie: die therapeutische Allianz"
    frame = pd.DataFrame(
        [
            dict(row, ID="a:1", source="a", title=title),
            dict(row, ID="b:1", source="b", title=plain),
        ],
        dtype=str,
    )
    assert normalise_title(title) == normalise_title(plain)
    assert judge_pairs(frame, [("a:1", "b:1")])[0].outcome == "duplicate"


def test_a_garbled_accent_ending_in_a_soft_hyphen_byte_is_still_read() -> None:
    # UTF-8 'í' read as Windows-1252 is 'Ã' and a soft hyphen (the neuroimaging set's authors).
    assert surname("MartÃ\xadnez-Zabaleta, M. T.") == "martinezzabaleta"


@pytest.mark.parametrize(
    "copied, typed",
    [
        ("Psycho\u00adtherapeut", "Psychotherapeut"),  # a hyphenation point from a web page
        ("中华\u200b医学杂志", "中华医学杂志"),  # a zero-width space
        ("\u200fמדע\u200f ורפואה", "מדע ורפואה"),  # right-to-left marks around a word
    ],
)
def test_characters_that_print_as_nothing_are_no_part_of_a_journal(copied: str, typed: str) -> None:
    assert journal_key(copied) == journal_key(typed) != ""


@pytest.mark.parametrize(
    "original, translated",
    [
        (  # eLIBRARY.RU's record of a Russian article and Scopus's, with its English title
            dict(
                title="Терапевтический альянс в онлайн-психотерапии депрессии",
                author="Иванов, И. И. and Петрова, А. С.",
                journal="Консультативная психология и психотерапия",
            ),
            dict(
                title="Therapeutic alliance in online psychotherapy of depression",
                author="Ivanov, I. I. and Petrova, A. S.",
                journal="Counseling Psychology and Psychotherapy",
            ),
        ),
        (  # a Chinese database's record and MEDLINE's, names in pinyin
            dict(
                title="抑郁症患者网络认知行为治疗中的治疗联盟研究",
                author="王芳 and 李娜",
                journal="中华精神科杂志",
            ),
            dict(
                title="Therapeutic alliance in internet-based CBT for depression",
                author="Wang, F. and Li, N.",
                journal="Zhonghua Jing Shen Ke Za Zhi",
            ),
        ),
    ],
)
def test_one_doi_with_the_title_in_its_language_and_in_english_is_one_article(
    original: dict[str, str], translated: dict[str, str]
) -> None:
    # Before 63d45e4 the title in Cyrillic or Chinese letters was compared as missing and the
    # DOI joined the pair; compared as a title, it made the DOI one of 'records with unlike
    # titles' (a supplement's) and the pair two studies ('shared DOI, different titles').
    row = dict(
        ENTRYTYPE="article",
        year="2019",
        volume="27",
        number="4",
        pages="85-101",
        abstract="",
        isbn="",
        source_id="1",
        doi="10.17759/cpp.2019270405",
    )
    frame = pd.DataFrame(
        [
            dict(row, ID="local:1", source="local", **original),
            dict(row, ID="scopus:1", source="scopus", **translated),
        ]
    )
    verdict = judge_pairs(frame, [("local:1", "scopus:1")])[0]
    assert (verdict.outcome, verdict.reason) == ("duplicate", "same DOI and title")
