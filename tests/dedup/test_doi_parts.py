"""A DOI naming a part of an article is the article's DOI: eLife gives each section its own DOI
(the article's with ".001" for the abstract after it), and a SICI (Wiley's older DOIs) names the
item up to its ">", the rest saying which part of it (3.0: the contribution, 3.3: its abstract)
with a check character. A database that exported the part's DOI means the article. The values
below are invented in the shapes srsr holds."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.normalise import doi_key, normalise_doi_value

ELIFE = "10.7554/eLife.07312"
SICI = "10.1002/(SICI)1099-1077(199903)14:2<87::AID-HUP71>"


def key(doi: str) -> str:
    return doi_key(normalise_doi_value(doi))


def test_a_part_of_an_article_has_the_articles_doi_key() -> None:
    assert key(f"{ELIFE}.001") == key(ELIFE) != key("10.7554/eLife.07313")
    assert key(f"{SICI}3.0.CO;2-T") == key(f"{SICI}3.3.CO;2-K")
    # Another item of the same issue (other start page and code) is another DOI.
    other = "10.1002/(SICI)1099-1077(199903)14:2<95::AID-HUP72>3.0.CO;2-W"
    assert key(other) != key(f"{SICI}3.0.CO;2-T")
    # A DOI that merely ends in three digits keeps them ("jid.2013.414" is no part of "jid.2013").
    assert key("10.1038/jid.2013.414") != key("10.1038/jid.2013")


def _pair(doi_a: str, doi_b: str) -> pd.DataFrame:
    common = {
        "ENTRYTYPE": "article",
        "title": "CIRCADIAN CONTROL OF FORAGING IN DESERT ANTS",
        "journal": "Elife",
        "year": "2015",
    }
    return pd.DataFrame(
        [
            common | {"ID": "id_0000601", "author": "Moreau T.Ilunga K.", "volume": "4",
                      "doi": doi_a},
            common | {"ID": "id_0000602", "author": "Moreau T.Ilunga K. M.",
                      "volume": "4 (JULY2015) (no pagination)", "number": "e07312", "doi": doi_b},
        ]
    )  # fmt: skip


def test_the_record_with_the_abstracts_doi_joins_its_article() -> None:
    frame = _pair(ELIFE, f"{ELIFE}.001")
    (verdict,) = judge_pairs(frame, [("id_0000601", "id_0000602")])
    assert (verdict.outcome, verdict.reason) == ("duplicate", "same DOI and title")
    assert find_duplicates(frame).groups["id_0000602"] == "id_0000601"
    # Another eLife article's DOI still contradicts.
    (apart,) = judge_pairs(_pair(ELIFE, "10.7554/eLife.07313"), [("id_0000601", "id_0000602")])
    assert apart.outcome == "distinct"
