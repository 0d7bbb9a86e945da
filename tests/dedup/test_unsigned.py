"""A record exported without its author list: the full citation still names one article, on real
records of the respiratory tuning set (and real pairs of different works that must stay apart)."""

from __future__ import annotations

import pytest

from livingreview.dedup.engine import find_duplicates
from tests.dedup.test_evidence import judged, rows

# Deutsche Medizinische Wochenschrift 1984, 109:935-940: MEDLINE's bracketed translation with
# its author, and another database's translation of the German title with no author at all.
TRANSLATED = ("respiratory", "id_0000091", "id_0000092", "id_0000799")


def test_the_full_citation_joins_a_record_without_authors() -> None:
    set_name, signed, signed_too, unsigned = TRANSLATED
    records = rows(set_name, signed, signed_too, unsigned)
    assert records.set_index("ID").at[unsigned, "author"] == ""
    assert judged(records, signed, unsigned) == (
        "duplicate",
        "same full citation, one record unsigned",
    )
    assert len(set(find_duplicates(records).groups.values())) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # Another last page: the start page alone is shared by a letter and its reply.
        ("pages", "935-936"),
        # Another volume, year or journal: another article.
        ("volume", "110"),
        ("year", "1985"),
        ("journal", "Lancet"),
        # A title no translation of the other (the ratio of unrelated titles is about 0.4).
        ("title", "Angiotensin receptor blockade in chronic kidney disease"),
    ],
)
def test_every_part_of_the_citation_is_needed(field: str, value: str) -> None:
    set_name, signed, _, unsigned = TRANSLATED
    records = rows(set_name, signed, unsigned)
    changed = records.assign(**{field: records[field].where(records["ID"] != unsigned, value)})
    assert judged(changed, signed, unsigned)[0] != "duplicate"


@pytest.mark.parametrize(
    ("set_name", "a", "b"),
    [
        # FOCUS 1 and FOCUS 2 (Journal of Antimicrobial Chemotherapy 66, iii19-iii32 and
        # iii33-iii44): gold different trials, one team.
        ("respiratory", "id_0001409", "id_0001697"),
        # One letter printed in two issues of one volume (60(2):145-146, 60(7):595-596): gold
        # different records.
        ("neuroimaging", "id_0001202", "id_0001232"),
        # An article (14(5):703-712) and its one-page correction (14(8):1107), one title.
        ("haematology", "id_0001122", "id_0001125"),
    ],
)
def test_without_authors_other_pages_keep_one_title_apart(set_name: str, a: str, b: str) -> None:
    two = rows(set_name, a, b)
    for blank in ([a], [b], [a, b]):
        unsigned = two.assign(author=two["author"].where(~two["ID"].isin(blank), ""))
        assert judged(unsigned, a, b)[0] == "distinct"
        assert len(set(find_duplicates(unsigned).groups.values())) == 2
