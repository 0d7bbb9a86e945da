"""One title at the whole page range of one issue (journal, year, volume, issue, first and last
page of a multi-page item) names one article: whatever form its pages take (a lettered range,
"E301-7" / "E301-E307", is no regular article's plain start page), whatever the author lists say
(an Ovid list glued without separators, its first name mistyped) or a second DOI (one digit of
the year mistyped). The records are invented in the shape srsr holds them."""

from __future__ import annotations

import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs

LETTERED = [
    {
        "ID": "id_0000801",
        "author": "Ortiz-Bravo Garcia L.Mendez-Ruiz P. A.Soto-Lago R.",
        "journal": "Med Oral Patol Oral Cir Bucal",
        "pages": "E301-7",
    },
    {
        "ID": "id_0000802",
        "author": "Bravo Garcia Lucia OrtizMendez Ruiz Pablo A.Soto Lago Rosa",
        "journal": "Medicina Oral Patologia Oral y Cirugia Bucal",
        "pages": "E301-E307",
    },
]
TYPED = [
    {
        "ID": "id_0000803",
        "author": "Lindgren C.Okafor D.Haddad H. C.",
        "journal": "Br J Dermatol",
        "pages": "410-19",
        "doi": "10.1111/j.1365-2133.2004.06123.x",
    },
    {
        "ID": "id_0000804",
        "author": "Lingren CHOkafor DHaddad HC",
        "journal": "British Journal of Dermatology",
        "pages": "410-419",
        "doi": "10.1111/J.1365-2133.2005.06123.X",
    },
]


def _frame(rows: list[dict[str, str]], **changed: str) -> pd.DataFrame:
    common = {
        "ENTRYTYPE": "article",
        "year": "2009",
        "title": "SURGICAL VERSUS NONSURGICAL DRAINAGE OF ODONTOGENIC ABSCESSES: A META-ANALYSIS",
        "volume": "14",
        "number": "6",
    }
    return pd.DataFrame([common | rows[0], common | rows[1] | changed])


def _outcome(frame: pd.DataFrame) -> tuple[str, str]:
    a, b = frame["ID"]
    (verdict,) = judge_pairs(frame, [(a, b)])
    return verdict.outcome, verdict.reason


def test_one_title_at_one_issues_lettered_page_range_is_one_article() -> None:
    assert _outcome(_frame(LETTERED)) == ("duplicate", "same title and citation")
    assert len(set(find_duplicates(_frame(LETTERED)).groups.values())) == 1


def test_a_second_doi_and_a_glued_mistyped_author_list_do_not_part_it() -> None:
    assert _outcome(_frame(TYPED)) == (
        "duplicate",
        "DOIs differ, title/authors/journal/year/volume/page agree",
    )
    assert len(set(find_duplicates(_frame(TYPED)).groups.values())) == 1


def test_another_issue_or_an_erratum_is_no_such_article() -> None:
    # Another issue: the range alone does not name the item (a column's pages recur).
    assert _outcome(_frame(LETTERED, number="7"))[0] != "duplicate"
    assert _outcome(_frame(TYPED, number="7"))[0] != "duplicate"
    # An erratum under the article's title shares its pages in some exports: not plain works.
    erratum = "SURGICAL VERSUS NONSURGICAL DRAINAGE OF ODONTOGENIC ABSCESSES: A META-ANALYSIS"
    erratum = f"Erratum: {erratum}"
    assert _outcome(_frame(TYPED, title=erratum))[0] != "duplicate"
