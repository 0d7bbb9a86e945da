"""Embase gives a meeting abstract's volume as "63 (Suppl. 1)"; an export that splits the field at
its space leaves the volume "1)" (diabetes, neuroimaging and srsr hold 1,003 such records). That
tail marks a supplement as "Suppl" does: the abstract at a one-page "e12" in another journal is no
maybe against the team's article ("journals differ"), but a meeting abstract against an article,
and two such abstracts in two journals are two meetings'. The records are invented in srsr's
shape."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.normalise import conference_kind

ARTICLE = {
    "ID": "id_0009814",
    "ENTRYTYPE": "article",
    "author": "Okonkwo C.Ferreira K.Lindgren J.",
    "year": "2015",
    "title": "ESTRADIOL PRIMING IN THE LUTEAL PHASE BEFORE ANTAGONIST PROTOCOL FOR IN VITRO"
    " FERTILIZATION",
    "journal": "J Obstet Gynaecol Can",
    "volume": "37",
    "number": "9",
    "pages": "810-815",
    "doi": "10.1016/s1701-2163(15)30153-5",
}
ABSTRACT = {
    "ID": "id_0033060",
    "ENTRYTYPE": "article",
    "author": "Okonkwo C.Lindgren J.",
    "year": "2015",
    "title": "ESTRADIOL PRIMING IN THE LUTEAL PHASE PRIOR TO ANTAGONIST PROTOCOL FOR IN VITRO"
    " FERTILIZATION",
    "journal": "Fertil Steril",
    "volume": "1)",
    "pages": "e12",
}
OTHER_MEETING = ABSTRACT | {"ID": "id_0033061", "journal": "Hum Reprod", "volume": "2)"}


def test_a_volume_cut_to_its_supplements_tail_marks_a_supplement() -> None:
    assert conference_kind("article", "J Hepatol", "2)", "", "S549-S550") == "supplement"
    assert conference_kind("article", "Fertil Steril", "1)", "", "e12") == "supplement"
    assert conference_kind("article", "Fertil Steril", "102", "", "e12") == ""


def test_the_abstract_is_no_maybe_against_the_article_or_another_meetings_abstract() -> None:
    frame = pd.DataFrame([ARTICLE, ABSTRACT, OTHER_MEETING])
    pairs = [("id_0009814", "id_0033060"), ("id_0033060", "id_0033061")]
    verdicts = judge_pairs(frame, pairs)
    assert [(v.outcome, v.reason) for v in verdicts] == [
        ("distinct", "conference abstract vs article"),
        ("distinct", "abstracts in different meetings"),
    ]
    assert find_duplicates(frame).maybe == []


def test_the_same_abstract_with_its_whole_volume_is_still_one() -> None:
    whole = ABSTRACT | {"ID": "id_0049213", "volume": "102", "number": "Suppl. 1"}
    frame = pd.DataFrame([ABSTRACT, whole])
    assert find_duplicates(frame).groups["id_0049213"] == "id_0033060"
