"""The engine on real benchmark records: pair verdicts, guards, decisions, determinism, the CLI."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from livingreview.cli import main
from livingreview.dedup.clusters import Groups
from livingreview.dedup.engine import (
    Policy,
    find_duplicates,
    judge_pairs,
    read_engine_csv,
)
from livingreview.dedup.matching import compare, hard_conflict
from livingreview.dedup.normalise import normalise_frame
from livingreview.errors import InputFileError
from tests.conftest import require_shared
from tests.dedup import benchmark_frame


def records(set_name: str) -> pd.DataFrame:
    """A benchmark set's engine frame."""
    return benchmark_frame(set_name)


def record_row(set_name: str, record_id: str) -> dict[str, str]:
    """One real record of a benchmark set, as a row to edit."""
    frame = records(set_name)
    return frame[frame["ID"] == record_id].iloc[0].to_dict()


def verdict(set_name: str, a: str, b: str, policy: Policy | None = None):
    return judge_pairs(records(set_name), [(a, b)], policy=policy)[0]


# --- pair verdicts on real rows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("set_name", "a", "b", "why"),
    [
        ("diabetes", "id_0000001", "id_0000699", "221-8 vs 221-228, DOI as URL"),
        ("neuroimaging", "id_0000401", "id_0002234", "Excel pages 01-Oct, volume 'Part 3. 275'"),
        ("diabetes", "id_0000015", "id_0000682", "J Am Soc Hypertens vs the full name"),
        ("cytology_screening", "id_0001064", "id_0001065", "page 488 vs range 487-488"),
        ("neuroimaging", "id_0000997", "id_0003261", "title inside a longer title, same DOI"),
        ("neuroimaging", "id_0001513", "id_0003050", "wrong DOI, all else agrees"),
        ("cytology_screening", "id_0000357", "id_0001591", "same citation, authors garbled"),
        ("haematology", "id_0000105", "id_0000106", "citation shifted: '', '26', '9' for 26(9)"),
        ("neuroimaging", "id_0001241", "id_0002887", "'Preface', front-matter pages v-vii"),
        ("diabetes", "id_0001347", "id_0001610", "volume '1' cut from '59 (Suppl. 1)'"),
        ("diabetes", "id_0000686", "id_0001437", "Atherosclerosis Supplements = Atherosclerosis"),
    ],
)
def test_real_duplicates(set_name: str, a: str, b: str, why: str) -> None:
    assert verdict(set_name, a, b).outcome == "duplicate", why


@pytest.mark.parametrize(
    ("set_name", "a", "b", "reason"),
    [
        # one conference-supplement DOI shared by two different abstracts
        ("diabetes", "id_0000675", "id_0000676", "shared DOI, different titles"),
        # the FOCUS 1 and FOCUS 2 trials: same title but for the number, pages iii19 vs iii33
        ("respiratory", "id_0001409", "id_0001697", "pages differ"),
        # an erratum ("Erratum: ...", page 616) and the article it corrects (310-317)
        ("haematology", "id_0000018", "id_0000021", "erratum/reply vs article"),
        # a letter and the authors' reply printed on the same page
        ("haematology", "id_0000180", "id_0001126", "erratum/reply vs article"),
    ],
)
def test_real_non_duplicates_fire_a_guard(set_name: str, a: str, b: str, reason: str) -> None:
    v = verdict(set_name, a, b)
    assert v.outcome == "distinct"
    assert v.reason == reason


def without_pages(set_name: str, a: str, b: str) -> pd.DataFrame:
    """Two real records with their pages removed, to see the other guards alone."""
    frame = records(set_name)
    return frame[frame["ID"].isin([a, b])].assign(pages="")


def test_a_supplement_doi_is_no_evidence_between_its_abstracts() -> None:
    # 10.1002/dmrr.2604 belongs to a whole supplement (different titles carry it): two abstracts
    # on pages 51 and 52 with near-identical titles are then judged on their pages.
    frame = records("diabetes")
    assert frame.loc[frame["ID"] == "id_0000493", "doi"].str.contains("dmrr.2604").all()
    v = judge_pairs(frame, [("id_0000493", "id_0000494")])[0]
    assert v.outcome != "duplicate"


def test_one_first_author_with_another_team_is_not_enough() -> None:
    # A real abstract and its record from a second database: with the same DOI, volume and
    # page removed, the title, the journal, the abstract and the author list still agree.
    frame = records("diabetes")
    pair = [("id_0000359", "id_0001098")]
    two = frame[frame["ID"].isin(pair[0])].assign(doi="", volume="", pages="")
    assert judge_pairs(two, pair)[0].outcome == "duplicate"
    # The same first author with a different team (names of another real record)
    team = frame.loc[frame["ID"] == "id_0000001", "author"].iloc[0]  # Adeli K.Lewis G. F.
    first = two["author"].iloc[1].split(".")[0] + "."
    other = two.assign(author=[two["author"].iloc[0], f"{first}{team}Smith J."])
    v = judge_pairs(other, pair)[0]
    assert (v.outcome, v.reason) == ("maybe", "author lists differ")


def test_a_translation_joins_its_group_through_the_citation() -> None:
    # German article listed with a bracketed English title (twice) and with another English
    # rendering; the journal as "Praxis", as a parallel title and as "... Medizin/Praxis".
    frame = records("respiratory")
    three = frame[frame["ID"].isin(["id_0000610", "id_0000611", "id_0000612"])]
    groups = find_duplicates(three).groups
    assert set(groups.values()) == {"id_0000610"}


def test_a_supplement_doi_does_not_excuse_a_changed_title_word() -> None:
    # One meeting abstract listed twice with its supplement's DOI (no pages; abstract left out)
    frame = records("diabetes")
    pair = [("id_0000686", "id_0001434")]
    two = frame[frame["ID"].isin(pair[0])].assign(abstract="")
    assert judge_pairs(two, pair)[0].outcome == "duplicate"
    # ... and a companion abstract that differs in one word of the title
    title = two["title"].iloc[1]
    assert "inactivation" in title
    other = two.assign(title=[two["title"].iloc[0], title.replace("inactivation", "secretion")])
    v = judge_pairs(other, pair)[0]
    assert (v.outcome, v.reason) == ("maybe", "a title word differs")


def test_a_translated_title_needs_the_volume() -> None:
    # An English title and the same with its Portuguese translation appended (ratio 0.76):
    # journal, year, volume, start page agree.
    frame = records("respiratory")
    pair = [("id_0000289", "id_0000290")]
    assert judge_pairs(frame, pair)[0].outcome == "duplicate"
    # Without the volume, journal + year + start page do not name one article (journals with
    # several volumes a year restart their page numbers): a person decides.
    two = frame[frame["ID"].isin(pair[0])].assign(volume="")
    assert judge_pairs(two, pair)[0].outcome == "maybe"


def test_one_abstract_text_a_year_apart_at_meetings_is_not_enough() -> None:
    # The same abstract at two meetings a year apart (real records; here made to look like one
    # journal's meeting supplements, without the volumes that otherwise tell them apart).
    frame = records("diabetes")
    pair = [("id_0000298", "id_0000357")]
    two = frame[frame["ID"].isin(pair[0])].assign(volume="", number="Suppl. 1", pages="", doi="")
    two["journal"] = two["journal"].iloc[0]
    years = sorted(two["year"].astype(int))
    assert years[1] - years[0] == 1
    v = judge_pairs(two, pair)[0]
    assert (v.outcome, v.reason) == ("maybe", "years differ")


def test_a_one_page_supplement_abstract_is_not_the_article() -> None:
    # A 2011 meeting abstract (page S500) and the 2012 article (742-747): without the volumes
    # that otherwise tell them apart, the abstract-vs-article policy decides.
    frame = records("cytology_screening")
    pair = [("id_0000396", "id_0001514")]
    two = frame[frame["ID"].isin(pair[0])].assign(volume="")
    v = judge_pairs(two, pair)[0]
    assert (v.outcome, v.reason) == ("distinct", "conference abstract vs article")
    assert judge_pairs(two, pair, policy=Policy("maybe"))[0].outcome == "maybe"
    # BMJ numbers its articles a1754: no supplement abstract.
    bmj = frame[frame["ID"] == "id_0001041"].iloc[0]
    assert bmj["pages"] == "a1754"
    assert not normalise_frame(frame[frame["ID"] == "id_0001041"])["one_page_supplement"].iloc[0]


def test_an_abstract_opening_other_works_share_is_no_evidence() -> None:
    frame = records("diabetes")
    pair = frame[frame["ID"].isin(["id_0000001", "id_0000699"])].reset_index(drop=True)
    assert pair["abstract"].iloc[0][:80] == pair["abstract"].iloc[1][:80]
    alone = compare(normalise_frame(pair), np.array([[0, 1]]))
    assert alone["both_abs"].iloc[0] and alone["abs_sim"].iloc[0] >= 0.9
    # another work (its own title) with the same opening: the opening is a template
    other = frame[frame["ID"] == "id_0000359"].assign(abstract=pair["abstract"].iloc[0])
    three = pd.concat([pair, other]).reset_index(drop=True)
    shared = compare(normalise_frame(three), np.array([[0, 1]]))
    assert not shared["both_abs"].iloc[0] and shared["abs_sim"].iloc[0] == 0


def test_numbers_in_titles_alone_separate_trials() -> None:
    pair = without_pages("respiratory", "id_0001409", "id_0001697")
    v = judge_pairs(pair, [("id_0001409", "id_0001697")])[0]
    assert (v.outcome, v.reason) == ("distinct", "numbers in titles differ")


def test_erratum_policy_maybe() -> None:
    # Pages differ as well, and that guard does not depend on the policy.
    v = verdict("haematology", "id_0000018", "id_0000021", Policy(erratum_vs_article="maybe"))
    assert (v.outcome, v.reason) == ("distinct", "pages differ")
    pair = without_pages("haematology", "id_0000018", "id_0000021")
    ids = [("id_0000018", "id_0000021")]
    assert judge_pairs(pair, ids)[0].outcome == "distinct"
    assert judge_pairs(pair, ids, policy=Policy(erratum_vs_article="maybe"))[0].outcome == "maybe"


def test_conference_abstract_vs_article_follows_policy() -> None:
    article = record_row("diabetes", "id_0000001")
    # The same work as a meeting abstract: the record as Embase lists conference abstracts.
    abstract = dict(
        article,
        ID="abstract",
        journal="Curr Opin Lipidol. Conference: Annual Meeting",
        pages="",
        doi="",
    )
    pair = pd.DataFrame([article, abstract])
    outcomes = {
        policy: judge_pairs(pair, [("abstract", "id_0000001")], policy=Policy(policy))[0].outcome
        for policy in ("distinct", "maybe", "duplicate")
    }
    assert outcomes == {"distinct": "distinct", "maybe": "maybe", "duplicate": "duplicate"}


def test_versions_of_one_cochrane_review_follow_policy() -> None:
    # The 2008 review CD006828 and its 2012 update (the review number in the pages field), same
    # title and team: one review unless the policy keeps versions apart (then the year gap does).
    ids = ("id_0000418", "id_0000420")
    outcomes = {
        policy: verdict("respiratory", *ids, Policy(review_versions=policy))
        for policy in ("duplicate", "maybe", "distinct")
    }
    assert {p: (v.outcome, v.reason) for p, v in outcomes.items()} == {
        "duplicate": ("duplicate", "versions of one Cochrane review"),
        "maybe": ("maybe", "versions of one Cochrane review"),
        "distinct": ("distinct", "years too far apart"),
    }
    # Nor does the chain guard keep them apart when they were never compared directly.
    frame = records("respiratory")
    norm = normalise_frame(frame[frame["ID"].isin(ids)].reset_index(drop=True))
    assert list(norm["review_number"]) == ["cd006828", "cd006828"]
    assert not hard_conflict(norm, Policy())(0, 1)
    assert hard_conflict(norm, Policy(review_versions="distinct"))(0, 1)
    # Another review number in the same title is another review.
    other = (
        frame[frame["ID"].isin(ids)].reset_index(drop=True).assign(pages=["CD006828", "CD006829"])
    )
    assert judge_pairs(other, [ids])[0].outcome == "distinct"


def test_a_cochrane_protocol_is_not_a_version_of_its_review() -> None:
    # A Cochrane protocol is published under its review's number with the review's title (the
    # title does not say "protocol"); its record says so in the abstract the database exports.
    # Merged as a version, the protocol a round excluded would take in the review found later.
    review = record_row("respiratory", "id_0000420")  # CD006828, 2008
    objectives = "The objectives are as follows: to assess the efficacy of treatment for POEMS."
    protocol = dict(
        review,
        ID="protocol",
        year="2007",
        abstract=f"This is a protocol for a Cochrane Review (Intervention). {objectives}",
    )
    older = dict(
        protocol,
        ID="older",
        abstract=f"This is the protocol for a review and there is no abstract. {objectives}",
    )
    pair = pd.DataFrame([review, protocol, older])
    for other in ("protocol", "older"):
        found = judge_pairs(pair, [("id_0000420", other)])[0]
        assert (found.outcome, found.reason) == ("maybe", "protocol vs report")
    assert judge_pairs(pair, [("protocol", "older")])[0].outcome == "duplicate"
    norm = normalise_frame(pair)
    assert list(norm["protocol"]) == [False, True, True]
    assert hard_conflict(norm, Policy())(0, 1)


def test_wrong_doi_with_the_whole_citation_and_names_in_another_format() -> None:
    # A DOI typed wrong on one side, the same title, volume and whole page range; one database
    # gives "Surname I." and the other glued "Surname Given" full names (as Ovid's Embase
    # export does), so no surname matches as such but every name word does.
    ids = ("id_0001513", "id_0003050")
    a, b = (record_row("neuroimaging", i) for i in ids)
    pair = pd.DataFrame(
        [
            dict(a, author="Cui J.Liu X.Chow L. M. C."),
            dict(b, author="Cui JiahuaLiu XiaoyangChow Larry M. C."),
        ]
    )
    assert (judge_pairs(pair, [ids])[0].outcome) == "duplicate"
    # With a person missing from the glued list the teams are not known to be one; the whole
    # page range still names the article, a single page does not: that stays apart on the DOIs.
    partial = pair.assign(author=["Cui J.Liu X.Chow L. M. C.", "Cui JiahuaChow Larry M. C."])
    assert (judge_pairs(partial, [ids])[0].outcome) == "duplicate"
    single = partial.assign(pages=["165", "165"])
    assert judge_pairs(single, [ids])[0].reason == "DOIs differ"


def test_one_doi_punctuated_two_ways_is_one_doi() -> None:
    # Exports drop or swap a DOI's punctuation ("10.3402/fnr.v57i0.21245" as
    # "10.3402/fnrv57i0.21245", underscores written as hyphens) or repeat its prefix; the article,
    # listed without volume or pages, with its authors in another name format, is one article.
    row = record_row("diabetes", "id_0000699")  # DOI 10.1097/MOL.0b013e3282ffaf82
    row.update(volume="", pages="")
    ids = [("id_0000699", "other")]
    for doi in ("10.1097/mol0b013e3282ffaf82", "10.1097/10.1097/MOL_0b013e3282ffaf82"):
        other = dict(row, ID="other", author="Adeli Khosrow.Lewis Gary F.", doi=doi)
        assert judge_pairs(pd.DataFrame([row, other]), ids)[0].outcome == "duplicate", doi
    # One character more or less is another DOI.
    other = dict(row, ID="other", author="Adeli Khosrow.Lewis Gary F.", doi=row["doi"] + "2")
    assert judge_pairs(pd.DataFrame([row, other]), ids)[0].reason == "DOIs differ"


def test_surnames_found_in_a_list_of_glued_full_names() -> None:
    # "Hu W. X.Lin D. D.Calhoun V. D.Wang Y. P." and, from another database, the same team as
    # full names glued together, given name first: "Wenxing HuDongdong LinCalhoun V. D.Yu-Ping
    # Wang". No surname parses alike, but each is a name word of the other list.
    frame = records("neuroimaging")
    pair = frame[frame["ID"].isin(["id_0001681", "id_0002180"])]
    found = judge_pairs(pair, [("id_0001681", "id_0002180")])[0]
    assert (found.outcome, found.reason) == ("duplicate", "same title and authors, published alike")
    # A list that holds only some of those surnames is another team.
    lists = ["Hu W. X.Lin D. D.Calhoun V. D.Wang Y. P.", "Wenxing HuDongdong Li"]
    other = pair.assign(author=lists)
    found = judge_pairs(other, [("id_0001681", "id_0002180")])[0]
    assert (found.outcome, found.reason) == ("distinct", "authors differ")
    # So is a list holding those surnames in another order (short surnames are also given
    # names: "Hu W.Lin D." is not "Lin HuWang Dongdong").
    lists = ["Hu W.Lin D.", "Lin HuWang Dongdong"]
    found = judge_pairs(pair.assign(author=lists), [("id_0001681", "id_0002180")])[0]
    assert found.outcome != "duplicate"


def test_one_doi_and_full_citation_join_an_original_and_a_translated_title() -> None:
    # A foreign-language article exported once under its original title and once under the
    # English one, without abstracts (their titles share few letters): same DOI, journal, year,
    # volume, whole page range and first author.
    row = record_row("diabetes", "id_0000001")
    original = dict(
        row,
        ID="original",
        title="Sobreproduccion intestinal de lipoproteinas en estados de resistencia a la insulina",
        abstract="",
    )
    pair = pd.DataFrame([dict(row, abstract=""), original])
    ids = [("id_0000001", "original")]
    assert judge_pairs(pair, ids)[0].outcome == "duplicate"
    # Without the whole range (a start page only) one DOI under two titles is still a container
    # (a supplement's), not evidence.
    assert judge_pairs(pair.assign(pages="221"), ids)[0].reason == "shared DOI, different titles"


def test_year_gap_beyond_policy_is_distinct() -> None:
    row = record_row("diabetes", "id_0000001")
    # The same title three years later, without volume and pages to locate it: another work.
    later = dict(row, ID="later", year=str(int(row["year"]) + 3), volume="", pages="", doi="")
    pair = pd.DataFrame([row, later])
    assert judge_pairs(pair, [("id_0000001", "later")])[0].reason == "years too far apart"
    wide = Policy(max_year_gap=3)
    assert judge_pairs(pair, [("id_0000001", "later")], policy=wide)[0].outcome != "distinct"
    # With the same journal, volume and start page the year is the typo.
    typo = pd.DataFrame([row, dict(row, ID="typo", year=str(int(row["year"]) + 3))])
    assert judge_pairs(typo, [("id_0000001", "typo")])[0].outcome == "duplicate"


# --- groups, decisions, determinism --------------------------------------------------------------


def test_a_chain_never_joins_records_with_unlike_titles_or_authors() -> None:
    frame = records("diabetes")
    # an abstract, a record of it without a title (matched through the supplement DOI), and
    # another abstract of that supplement with its own title
    rows = frame[frame["ID"].isin(["id_0000675", "id_0000676"])]
    untitled = rows.iloc[[0]].assign(ID="untitled", title="")
    three = pd.concat([rows, untitled]).sort_values("ID").reset_index(drop=True)
    norm = normalise_frame(three)
    conflict = hard_conflict(norm, Policy())
    a, b, blank = (int(three.index[three["ID"] == k][0]) for k in (*rows["ID"], "untitled"))
    assert conflict(min(a, b), max(a, b))  # titles name different works
    assert not conflict(min(a, blank), max(a, blank))  # no title: nothing to contradict
    groups = Groups(3, conflict=conflict, judged={(min(a, blank), max(a, blank))})
    assert groups.union(a, blank)
    assert not groups.union(blank, b)  # blank-b alone would chain a and b
    # a truncated title is the same title
    cut = normalise_frame(records("neuroimaging").query("ID in ['id_0001490', 'id_0001977']"))
    assert not hard_conflict(cut.reset_index(drop=True), Policy())(0, 1)


def test_groups_cover_every_record_and_use_the_smallest_id() -> None:
    frame = records("haematology")
    result = find_duplicates(frame)
    assert set(result.groups) == set(frame["ID"])
    members: dict[str, list[str]] = {}
    for record_id, group in result.groups.items():
        members.setdefault(group, []).append(record_id)
    assert all(group == min(ids) for group, ids in members.items())
    assert result.groups["id_0000001"] == result.groups["id_0000003"]  # same record twice
    assert result.verdicts == sorted(result.verdicts)
    assert result.maybe == sorted(result.maybe)
    assert all(v.outcome == "maybe" for v in result.maybe)


def test_same_result_under_row_shuffling() -> None:
    frame = records("haematology")
    first = find_duplicates(frame)
    shuffled = find_duplicates(frame.sample(frac=1.0, random_state=7))
    assert shuffled.groups == first.groups
    assert shuffled.verdicts == first.verdicts
    assert shuffled.maybe == first.maybe


def test_decisions_override_the_engine() -> None:
    frame = records("haematology")
    base = find_duplicates(frame)
    assert base.groups["id_0000001"] == base.groups["id_0000003"]
    assert base.maybe, "haematology has maybe pairs"
    open_pair = base.maybe[0]
    assert base.groups[open_pair.a] != base.groups[open_pair.b]

    decided = find_duplicates(
        frame,
        decisions={
            ("id_0000001", "id_0000003"): "distinct",
            (open_pair.a, open_pair.b): "duplicate",
        },
    )
    assert decided.groups["id_0000001"] != decided.groups["id_0000003"]
    assert decided.groups[open_pair.a] == decided.groups[open_pair.b]
    assert (open_pair.a, open_pair.b) not in {(v.a, v.b) for v in decided.maybe}


def test_same_source_rule() -> None:
    rows = records("haematology")
    pair = rows[rows["ID"].isin(["id_0000001", "id_0000003"])].copy()
    pair["source"] = "pubmed"

    pair["source_id"] = ["111", "222"]  # one database listing one work under two ids: never merged
    result = find_duplicates(pair)
    assert result.groups["id_0000001"] != result.groups["id_0000003"]
    assert [(v.a, v.b, v.outcome) for v in result.maybe] == [("id_0000001", "id_0000003", "maybe")]

    pair["source_id"] = ["111", "111"]  # a true repeated record
    result = find_duplicates(pair)
    assert result.groups["id_0000001"] == result.groups["id_0000003"]

    # a third record from elsewhere cannot chain the two ids of one database together
    third = pair.iloc[[0]].assign(ID="other", source="embase", source_id="x")
    pair["source_id"] = ["111", "222"]
    result = find_duplicates(pd.concat([pair, third]))
    assert result.groups["id_0000001"] != result.groups["id_0000003"]


# --- files and the CLI ---------------------------------------------------------------------------


def test_cli_on_a_real_gzipped_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = require_shared("bench/dedup/haematology/records.csv.gz")
    out, maybe = tmp_path / "groups.csv", tmp_path / "maybe.csv"
    assert main(["dedup", str(path), "--out", str(out), "--maybe", str(maybe)]) == 0
    groups = pd.read_csv(out, dtype=str)
    source = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(groups.columns) == ["ID", "group_id"]
    assert groups["ID"].tolist() == source["ID"].tolist()
    assert set(groups["group_id"]) <= set(source["ID"])
    pairs = pd.read_csv(maybe, dtype=str)
    assert {"a", "b", "score", "reason", "title_a", "title_b", "pages_a", "pages_b"} <= set(
        pairs.columns
    )
    assert "duplicates removed" in capsys.readouterr().out


def test_missing_columns_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "few.csv"
    path.write_text("ID,title\na,Some title of a paper on things\nb,Other\n", encoding="utf-8")
    frame = read_engine_csv(path)
    assert frame.loc[0, "doi"] == ""
    assert find_duplicates(frame).groups == {"a": "a", "b": "b"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title,year\nx,2001\n", "no ID column"),
        ("ID,title\na,x\na,y\n", "duplicate ID 'a'"),
        ("ID,title\na,x\n,y\n", "empty ID"),
    ],
)
def test_bad_input(tmp_path: Path, content: str, message: str, capsys) -> None:
    path = tmp_path / "bad.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(content)
    with pytest.raises(InputFileError, match=message):
        read_engine_csv(path)
    assert main(["dedup", str(path), "--out", str(tmp_path / "g.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "bad.csv.gz" in err and len(err.splitlines()) == 1


def test_unreadable_input(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="file not found"):
        read_engine_csv(tmp_path / "absent.csv")
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(InputFileError, match="cannot read"):
        read_engine_csv(broken)


def test_two_studies_a_person_kept_apart_are_not_asked_about_again() -> None:
    # One paper exported twice (one study, a and b) and a third record x that may be it. A
    # person answers a-x "distinct": x is then apart from the study, so b-x is not asked.
    row = record_row("neuroimaging", "id_0001681")
    a = dict(row, ID="a", source="wos", source_id="1")
    b = dict(row, ID="b", source="pubmed", source_id="2")
    x = dict(row, ID="x", source="scopus", source_id="3", author="Hu W. X.Lin D. D.", pages="")
    x["abstract"] = ""
    pair = pd.DataFrame([a, b, x])
    first = find_duplicates(pair)
    assert first.groups == {"a": "a", "b": "a", "x": "x"}
    assert [(v.a, v.b) for v in first.maybe] == [("a", "x")]
    answered = find_duplicates(pair, decisions={("a", "x"): "distinct"})
    assert answered.groups == first.groups and answered.maybe == []
    # "duplicate" is not carried over that way: it joins the records, so nothing is left to ask.
    joined = find_duplicates(pair, decisions={("a", "x"): "duplicate"})
    assert set(joined.groups.values()) == {"a"} and joined.maybe == []
