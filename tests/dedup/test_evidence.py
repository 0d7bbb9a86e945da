"""Evidence rules found by error analysis on the tuning sets, each on the real records behind it.

Several tests remove a field from real records: the pair then shows what the remaining fields
alone are worth, as when a database does not export that field.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from livingreview.dedup.engine import find_duplicates, judge_pairs
from livingreview.dedup.matching import compare
from livingreview.dedup.normalise import (
    author_surnames,
    author_words,
    doi_key,
    is_protocol,
    issue_numbers,
    normalise_frame,
    normalise_title,
    split_authors,
    unpack_no_pagination,
    work_kind,
)
from tests.dedup import benchmark_frame


def rows(set_name: str, *ids: str, **fields: str) -> pd.DataFrame:
    """Real records of a benchmark set, with the given fields replaced (``pages=""``)."""
    frame = benchmark_frame(set_name)
    return frame[frame["ID"].isin(ids)].assign(**fields).reset_index(drop=True)


def judged(frame: pd.DataFrame, a: str, b: str) -> tuple[str, str]:
    v = judge_pairs(frame, [(a, b)])[0]
    return v.outcome, v.reason


# --- normalisation -------------------------------------------------------------------------------


def test_embase_citation_without_pages() -> None:
    # Embase: volume "10 (11) (no pagination)", the article number in the issue field
    two = rows("diabetes", "id_0000425", "id_0001490")
    embase = two[two["ID"] == "id_0000425"].iloc[0]
    assert (embase["volume"], embase["number"]) == ("10 (11) (no pagination)", "e0143396")
    assert unpack_no_pagination(embase["volume"], embase["number"], embase["pages"]) == (
        "10",
        "11",
        "e0143396",
    )
    norm = normalise_frame(two)
    assert norm["volume"].tolist() == ["10", "10"]
    assert norm["number"].tolist() == ["11", "11"]  # not 143396 against 11
    assert norm["page_start"].tolist() == ["e143396", "e143396"]
    assert compare(norm, np.array([[0, 1]]))["page_eq"].iloc[0]
    # pages given are kept; "9 (no pagination)" with article number 93 in both fields
    assert unpack_no_pagination("9 (no pagination)", "93", "93") == ("9", "", "93")
    assert unpack_no_pagination("61", "5", "1-10") == ("61", "5", "1-10")


def test_record_numbers_exported_as_issue_are_no_issue() -> None:
    # respiratory's "number" is a reference manager's record number (1 to 1,988, all distinct)
    respiratory = normalise_frame(benchmark_frame("respiratory"))
    assert respiratory["number"].nunique() == len(respiratory)
    numbers = issue_numbers(respiratory["number"].tolist(), respiratory["source"].tolist())
    assert set(numbers) == {""}
    diabetes = normalise_frame(benchmark_frame("diabetes"))
    kept = issue_numbers(diabetes["number"].tolist(), diabetes["source"].tolist())
    assert kept == diabetes["number"].tolist()  # real issues repeat and are kept
    assert sum(1 for number in kept if number) > 900
    # per source: one database's record numbers do not blank another's issues
    mixed = issue_numbers(
        respiratory["number"].tolist() + diabetes["number"].tolist(),
        ["endnote"] * len(respiratory) + ["embase"] * len(diabetes),
    )
    assert mixed == [""] * len(respiratory) + kept


def test_glued_full_names_are_separated() -> None:
    row = rows("neuroimaging", "id_0002180").iloc[0]
    assert row["author"] == "Wenxing HuDongdong LinCalhoun V. D.Yu-Ping Wang"
    assert split_authors(row["author"]) == [
        "Wenxing Hu.",
        "Dongdong Lin.",
        "Calhoun V. D.",
        "Yu-Ping Wang",
    ]
    assert {"lin", "calhoun", "wang"} <= author_words(row["author"])
    # surname prefixes are not glued names
    assert author_surnames("Fishbein D. H.Rose E. J.VanMeter J. W.") == (
        "fishbein",
        "rose",
        "vanmeter",
    )
    assert len(split_authors("Windy McNerney M.Sheng T.")) == 2
    # The same paper with its authors as "Deng S. P.Lin D. ..." is one work again (the glued
    # names had made "author lists differ").
    two = rows("neuroimaging", "id_0000288", "id_0002167")
    assert judged(two, "id_0000288", "id_0002167")[0] == "duplicate"


def test_replies_and_comments_under_the_article_title() -> None:
    reply = rows("haematology", "id_0000039").iloc[0]
    assert reply["title"].endswith(" - Reply")
    assert work_kind(reply["title"], reply["ENTRYTYPE"]) == "reply"
    a_reply = rows("neuroimaging", "id_0002326").iloc[0]
    assert a_reply["title"].endswith("A reply")
    assert work_kind(a_reply["title"], a_reply["ENTRYTYPE"]) == "reply"
    comment = rows("haematology", "id_0001138").iloc[0]
    assert comment["title"].endswith("Editorial Comment")
    assert work_kind(comment["title"], comment["ENTRYTYPE"]) == "reply"
    # The editor's comment on page C235 and the article on C219-C235 (its pages overlap)
    two = rows("haematology", "id_0000159", "id_0001138")
    assert judged(two, "id_0000159", "id_0001138") == ("distinct", "erratum/reply vs article")
    assert work_kind("A reply to critics of the model", "article") == ""


def test_protocol_titles() -> None:
    protocols = [
        ("neuroimaging", "id_0000132"),  # "Study protocol of the ASD-Net ..."
        ("cytology_screening", "id_0001676"),  # "Rationale and design of a ... trial"
        ("diabetes", "id_0000385"),  # "...: rationale and design of the TRUST study"
    ]
    for set_name, record_id in protocols:
        assert is_protocol(normalise_title(rows(set_name, record_id)["title"].iloc[0]))
    reports = [
        ("cytology_screening", "id_0001096"),  # "... results from the ZYC101a protocol"
        ("respiratory", "id_0000612"),  # "... (treatment protocol of Essen University Hospital)"
    ]
    for set_name, record_id in reports:
        title = normalise_title(rows(set_name, record_id)["title"].iloc[0])
        assert "protocol" in title and not is_protocol(title)


def test_protocol_and_report_of_one_trial_are_not_merged() -> None:
    # The TRUST study's design paper, and its report (the title without "rationale and design
    # of", not yet in a volume): the same team, journal and title otherwise.
    protocol = rows("diabetes", "id_0000385").iloc[0].to_dict()
    assert protocol["title"].endswith(": rationale and design of the TRUST study")
    title = protocol["title"].replace("rationale and design of the TRUST study", "the TRUST study")
    report = dict(protocol, ID="report", title=title, volume="", number="", pages="", doi="")
    pair = pd.DataFrame([protocol, report])
    assert judged(pair, protocol["ID"], "report") == ("maybe", "protocol vs report")
    # The protocol's own record with its title cut before the colon (as Google Scholar lists
    # titles): the same volume and pages name the same paper.
    cut = dict(protocol, ID="cut", title=protocol["title"].split(": rationale")[0])
    assert not is_protocol(normalise_title(cut["title"]))
    assert judged(pd.DataFrame([protocol, cut]), protocol["ID"], "cut")[0] == "duplicate"


# --- evidence a duplicate needs ------------------------------------------------------------------


def test_missing_titles_are_not_equal_titles() -> None:
    # Two abstracts on one page of a special issue, different teams: without titles nothing
    # says they are one (the ratio of two empty strings is 1).
    two = rows("haematology", "id_0000794", "id_0001319", title="")
    assert judged(two, "id_0000794", "id_0001319")[0] != "duplicate"
    assert compare(normalise_frame(two), np.array([[0, 1]]))["t_sim"].iloc[0] == 0.0


def test_unknown_first_authors_are_not_one_author() -> None:
    two = rows("diabetes", "id_0000290", "id_0001031")  # both "Anonymous"
    assert compare(normalise_frame(two), np.array([[0, 1]]))["fa_sim"].iloc[0] == 0.0
    # the unsigned rule still joins the same untitled-author item of one issue
    assert judged(two, "id_0000290", "id_0001031")[0] == "duplicate"


def test_title_authors_and_abstract_need_a_fact_of_publication() -> None:
    # A book chapter (volume 54, pages 1-30) and a journal article (volume 7, 183-212) with one
    # title, one author pair and one abstract: different works.
    two = rows("neuroimaging", "id_0000618", "id_0002464")
    assert judged(two, "id_0000618", "id_0002464") == ("distinct", "volumes differ")
    # Without the volumes, nothing of where they were published agrees: a person decides.
    no_volume = two.assign(volume="")
    assert judged(no_volume, "id_0000618", "id_0002464")[0] == "maybe"


def test_journal_and_volume_alone_do_not_name_the_item() -> None:
    # A periodical's column "Gateways to clinical trials" (one title, one team, one journal
    # and volume, another issue): without pages or issues only a loose title match remains.
    two = rows("haematology", "id_0001339", "id_0001340", pages="", number="")
    assert judged(two, "id_0001339", "id_0001340")[0] == "maybe"
    # No author list on one side: journal and volume do not vouch for a truncated title.
    unsigned = rows("haematology", "id_0000410", "id_0000907", pages="")
    unsigned.loc[unsigned["ID"] == "id_0000410", "author"] = ""
    assert judged(unsigned, "id_0000410", "id_0000907")[0] == "maybe"


def test_another_issue_without_pages_is_for_a_person() -> None:
    # The same title, team, journal and volume in issues 5 and 8 (gold: different items)
    two = rows("haematology", "id_0001122", "id_0001125")
    assert judged(two, "id_0001122", "id_0001125") == ("distinct", "pages differ")
    assert judged(two.assign(pages=""), "id_0001122", "id_0001125") == ("maybe", "issues differ")
    zaidi = rows("neuroimaging", "id_0001202", "id_0001232", pages="")
    assert judged(zaidi, "id_0001202", "id_0001232") == ("maybe", "issues differ")
    # The article number exported as issue ("11", "791", "") is the page, not another issue.
    wagner = rows("diabetes", "id_0001167", "id_0001550")
    assert sorted(wagner["number"]) == ["3", "791"]
    assert judged(wagner, "id_0001167", "id_0001550")[0] == "duplicate"


def test_meeting_abstracts_with_another_first_author() -> None:
    # One title in two supplements of one journal, presented by Zhang and by Kaminen-Ahola
    two = rows("neuroimaging", "id_0002773", "id_0002794")
    assert judged(two, "id_0002773", "id_0002794") == ("distinct", "pages differ")
    no_pages = two.assign(pages="")
    assert judged(no_pages, "id_0002773", "id_0002794") == ("maybe", "first authors differ")


def test_a_translated_title_joins_through_the_full_citation() -> None:
    # English and French titles of one article: journal, year, volume 13, pages 280-284, team
    two = rows("respiratory", "id_0000088", "id_0000089")
    assert judged(two, "id_0000088", "id_0000089")[0] == "duplicate"
    spanish = rows("respiratory", "id_0000279", "id_0000280")  # Spanish and English titles
    assert judged(spanish, "id_0000279", "id_0000280")[0] == "duplicate"
    # The last page is part of the evidence ...
    open_end = two.assign(pages="280")
    assert judged(open_end, "id_0000088", "id_0000089")[0] != "duplicate"
    # ... and a title is: an untitled record with the citation is for a person.
    untitled = rows("haematology", "id_0000001", "id_0000002")
    assert untitled["title"].tolist()[1] == ""
    assert judged(untitled, "id_0000001", "id_0000002")[0] == "maybe"


def test_a_flagged_pair_is_not_joined_through_a_third_record() -> None:
    # Issue 7 without pages and issue 2 with pages 145-146: "issues differ", for a person.
    # A third record of the issue-2 paper without its issue matches both; the chain must not
    # decide what the flagged pair left open.
    two = rows("neuroimaging", "id_0001202", "id_0001232")
    two.loc[two["ID"] == "id_0001202", "pages"] = ""
    third = two[two["ID"] == "id_0001232"].assign(ID="id_0001232x", number="")
    three = pd.concat([two, third], ignore_index=True)
    verdicts = judge_pairs(three, [("id_0001202", "id_0001232x"), ("id_0001232", "id_0001232x")])
    assert [v.outcome for v in verdicts] == ["duplicate", "duplicate"]
    groups = find_duplicates(three).groups
    assert groups["id_0001232"] == groups["id_0001232x"]
    assert groups["id_0001202"] != groups["id_0001232"]


def test_a_year_flag_is_explained_by_a_record_matching_both() -> None:
    # One article (real record) with its print year, its online-first year with the DOI, and a
    # bare record of that year: print vs bare differ in year with only the journal to pin them
    # (for a person), but the DOI record matches both and explains the gap.
    article = rows("diabetes", "id_0000001").iloc[0].to_dict()
    year = str(int(article["year"]) + 1)
    online = dict(article, ID="online", year=year)
    bare = dict(article, ID="bare", year=year, doi="", volume="", number="", pages="", abstract="")
    three = pd.DataFrame([article, online, bare])
    pairs = [("bare", "id_0000001"), ("id_0000001", "online"), ("bare", "online")]
    outcomes = [(v.outcome, v.reason) for v in judge_pairs(three, pairs)]
    assert outcomes[0][0] == "maybe"
    assert [o for o, _ in outcomes[1:]] == ["duplicate", "duplicate"]
    assert set(find_duplicates(three).groups.values()) == {"bare"}


# --- records with nothing to say where they were published --------------------------------------
# Records of the digital-work search bundled with bib-dedupe 0.7.2 (not in ../shared: written out
# here): AIS eLibrary and Scopus export conference papers without the proceedings' name.


def _records(*records: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"ID": f"r{k}", **r} for k, r in enumerate(records)])


CONTESTS = {
    "ENTRYTYPE": "inproceedings",
    "author": "Chan, Jason and Mo, Jiahui and Zhang, Nila",
    "year": "2019",
    "title": "Are Contests Effective for Online Labor Markets?",
    "pages": "1--5",
}


def test_two_conference_papers_with_one_title_team_and_year_are_one_paper() -> None:
    scopus = {**CONTESTS, "author": "Chan, J. and Mo, J. and Zhang, N.", "pages": ""}
    pair = _records(CONTESTS, scopus)
    assert judged(pair, "r0", "r1") == ("duplicate", "same conference paper title, team and year")
    # Both with the same pages, even from page 1 (each paper of AIS proceedings starts there).
    paged = _records(CONTESTS, {**scopus, "pages": "1-5"})
    assert judged(paged, "r0", "r1") == ("duplicate", "same conference paper title, team and year")
    # Two journal articles exported without their journals stay for a person (one guideline
    # printed in two journals is alike in every field left).
    articles = pair.assign(ENTRYTYPE="article")
    assert judged(articles, "r0", "r1") == ("maybe", "similar title, too little corroboration")
    # The paper and its version a year later (another meeting, or its proceedings' year).
    later = _records(CONTESTS, {**scopus, "year": "2020"})
    assert judged(later, "r0", "r1")[0] == "maybe"
    # The same title presented by another team: not the same paper.
    other_team = _records(CONTESTS, {**scopus, "author": "Chan, J. and Li, W. and Park, S."})
    assert judged(other_team, "r0", "r1")[0] != "duplicate"
    # A journal named on one side says where that one was published: not this rule.
    in_journal = _records(CONTESTS, {**scopus, "ENTRYTYPE": "article", "journal": "MIS Quarterly"})
    assert judged(in_journal, "r0", "r1")[0] != "duplicate"


def test_one_doi_and_one_whole_title_name_one_article_whatever_the_authors() -> None:
    article = {
        "ENTRYTYPE": "article",
        "author": "Kneese, Tamara",
        "year": "2018",
        "title": "Mourning the Commons: Circulating Affect in Crowdfunded Funeral Campaigns",
        "journal": "Social Media + Society",
        "volume": "4",
        "number": "1",
        "doi": "10.1177/2056305117743350",
    }
    rule = ("duplicate", "same DOI, title and year, author lists differ")
    # Given name and surname swapped in one record; or another author list altogether (a group
    # name for its members, a field filled wrong).
    assert judged(_records(article, {**article, "author": "Tamara, Kneese"}), "r0", "r1") == rule
    assert judged(_records(article, {**article, "author": "Okafor, Chidi"}), "r0", "r1") == rule
    # Years three apart (online first, or a year of entry) do not part them either.
    later = _records(article, {**article, "year": "2021"})
    assert judged(later, "r0", "r1") == ("duplicate", "same DOI and title")
    # A DOI with a title that agrees only in part is not enough on its own.
    retitled = {**article, "author": "Okafor, Chidi", "title": "Mourning the Commons"}
    assert judged(_records(article, retitled), "r0", "r1")[0] != "duplicate"
    # Meeting abstracts share their supplement's DOI: there the authors still count.
    supplement = {**article, "journal": "Annual Meeting Abstracts", "number": "Suppl 1"}
    abstracts = _records(supplement, {**supplement, "author": "Okafor, Chidi"})
    assert judged(abstracts, "r0", "r1") == ("maybe", "same DOI, authors differ")


def test_the_editors_column_of_two_issues_is_two_items() -> None:
    # MIS Quarterly 2003, volume 27: the editor's comments of issues 2 and 3, both from page iii.
    column = {
        "ENTRYTYPE": "article",
        "author": "Weber, Ron",
        "year": "2003",
        "title": "Editor's Comments",
        "journal": "MIS Quarterly",
        "volume": "27",
    }
    issues = _records(
        {**column, "number": "2", "pages": "iii--xi"}, {**column, "number": "3", "pages": "iii-xii"}
    )
    assert judged(issues, "r0", "r1") == ("maybe", "issues differ")
    assert len(set(find_duplicates(issues).groups.values())) == 2
    # The same front-matter range in one issue is one item (typed "iii-xi" and "iii--xi").
    one = _records({**column, "pages": "iii--xi"}, {**column, "pages": "iii-xi"})
    assert judged(one, "r0", "r1")[0] == "duplicate"


def test_a_short_column_title_in_another_issue_is_another_item() -> None:
    # Journal of Management Information Systems: the editor's introduction opens every issue at
    # page 5; records without their DOIs (Google Scholar, older exports) keep only the issue.
    column = {
        "ENTRYTYPE": "article",
        "author": "Zwass, Vladimir",
        "year": "2002",
        "title": "Editorial Introduction",
        "journal": "Journal of Management Information Systems",
    }
    rule = ("distinct", "short title, another issue")
    issues = _records(
        {**column, "volume": "19", "number": "1", "pages": "5--10"},
        {**column, "volume": "19", "number": "2", "pages": "5--6"},
        {**column, "volume": "18", "number": "3", "pages": "5--6"},
    )
    assert judged(issues, "r0", "r1") == rule
    assert judged(issues, "r1", "r2") == rule  # volume and issue differ, same pages
    assert len(set(find_duplicates(issues).groups.values())) == 3
    # Without volume and issue, another end page leaves it to a person.
    unplaced = _records({**column, "pages": "5--10"}, {**column, "pages": "5--6"})
    assert judged(unplaced, "r0", "r1") == ("maybe", "short title, other pages")
    # One issue's introduction exported twice is one item; so is a long title whose issue
    # alone differs, at the same pages (a typed issue).
    issue = {**column, "volume": "19", "number": "2"}
    one = _records({**issue, "pages": "5--6"}, {**issue, "pages": "5-6"})
    assert judged(one, "r0", "r1")[0] == "duplicate"
    long = {**column, "title": "Editorial Introduction to the Special Issue on Crowdsourcing"}
    typed = _records(
        {**long, "volume": "19", "number": "2", "pages": "5--6"},
        {**long, "volume": "19", "number": "3", "pages": "5--6"},
    )
    assert judged(typed, "r0", "r1")[0] == "duplicate"
    # The DOI names the item whatever the issue says.
    doi = {**column, "doi": "10.1080/07421222.2002.11045729"}
    same = _records({**doi, "volume": "19", "number": "3"}, {**doi, "volume": "19", "number": "2"})
    assert judged(same, "r0", "r1")[0] != "distinct"


def test_a_short_title_at_one_issues_whole_page_range_is_one_article() -> None:
    # A review with a short title in one issue of a journal, exported by two databases: one gives
    # the author list glued and with a typo ("Wiliams Frances M. K.Spector Tim D."), so the
    # authors do not vouch for it; the same title at the same whole page range of the same
    # volume and issue does.
    review = {
        "ENTRYTYPE": "article",
        "year": "2007",
        "title": "THE GENETICS OF OSTEOPOROSIS",
        "journal": "Acta Reumatol Port",
        "volume": "32",
        "number": "3",
    }
    pair = _records(
        {**review, "author": "Williams F. M.Spector T. D.", "pages": "231-40"},
        {**review, "author": "Wiliams Frances M. K.Spector Tim D.", "pages": "231-240"},
    )
    assert judged(pair, "r0", "r1") == ("duplicate", "same title and citation")
    # Another issue (an editor's column at the same pages of every issue), or only the start
    # page known, leaves it as before.
    assert judged(pair.assign(number=["3", "4"]), "r0", "r1")[0] != "duplicate"
    assert judged(pair.assign(pages=["231", "231-240"]), "r0", "r1")[0] != "duplicate"
    # The publisher's two DOIs of one article (a journal's legacy DOI beside its new one), in the
    # same issue at the same whole page range, under one short title: one article.
    dois = _records(
        {**review, "author": "Ferner R. E.O'Doherty M. J.", "pages": "679-84",
         "doi": "10.1097/01.wco.0000044764.39452.ab"},
        {**review, "author": "Ferner R. E.O'Doherty M. J.", "pages": "679-684",
         "doi": "10.1097/00019052-200712000-00004"},
    )  # fmt: skip
    assert judged(dois, "r0", "r1") == (
        "duplicate",
        "DOIs differ, title/authors/journal/year/volume/page agree",
    )
    assert judged(dois.assign(number=["3", "4"]), "r0", "r1")[0] == "distinct"


def test_two_corrections_titled_alike_at_one_erratum_page_range_stay_apart() -> None:
    # A journal prints several corrections on one or two pages, each under its own DOI (the next
    # number in the publisher's sequence) and the same short title, unsigned: the issue and the
    # page range they share do not make them one item, as they do an article's two exports.
    correction = {
        "ENTRYTYPE": "article",
        "year": "2019",
        "title": "Correction",
        "journal": "Lancet Psychiatry",
        "volume": "6",
        "number": "2",
        "pages": "110-111",
    }
    pair = _records(
        {**correction, "doi": "10.1016/s2215-0366(19)30010-1"},
        {**correction, "doi": "10.1016/s2215-0366(19)30011-3"},
    )
    assert judged(pair, "r0", "r1")[0] != "duplicate"


def test_a_paper_of_a_book_series_exported_as_chapter_and_as_paper() -> None:
    paper = {
        "author": "Monnik, Michael and Pan, Lei",
        "year": "2014",
        "title": "Forensic Identification of Students Outsourcing Assignment Projects from "
        "Freelancer.com",
        "volume": "490",
        "pages": "183--190",
    }
    two = _records({**paper, "ENTRYTYPE": "incollection"}, {**paper, "ENTRYTYPE": "inproceedings"})
    assert judged(two, "r0", "r1")[0] == "duplicate"
    # Without the volume and page range a chapter and a paper of one title are for a person.
    bare = two.assign(volume="", pages="")
    assert judged(bare, "r0", "r1") == ("maybe", "thesis/book vs article")


def test_vancouver_author_lists_are_split_into_names() -> None:
    # MEDLINE style in the haematology set: "Surname Initials" joined by commas.
    three = rows("haematology", "id_0000896", "id_0000914")
    assert [author_surnames(a) for a in three["author"]] == [
        ("kaplan", "meyers", "schulman"),
        ("joppi", "bertele", "garattini"),
    ]
    # One name written surname first ("Karpman, D") is one name.
    assert author_surnames("Karpman, D") == ("karpman",)
    assert split_authors("Karpman, D. and Tati, R.") == ["Karpman, D.", "Tati, R."]


def test_embase_citing_the_year_as_volume_is_no_volume() -> None:
    # srsr (bib-dedupe's labelled set, not in ../shared): Embase cites a PeerJ article, a journal
    # without volumes, as "2017 (10) (no pagination)"; another database gives PeerJ's volume 5
    title = (
        "AUGMENTED CARTILAGE REGENERATION BY IMPLANTATION OF CELLULAR VERSUS ACELLULAR IMPLANTS "
        "AFTER BONE MARROW STIMULATION: A SYSTEMATIC REVIEW AND META-ANALYSIS OF ANIMAL STUDIES"
    )
    frame = pd.DataFrame(
        [
            {
                "ID": "embase",
                "author": "Pot M. W.van Kuppevelt T. H.Gonzales V. K.Buma P.",
                "journal": "PeerJ",
                "volume": "2017 (10) (no pagination)",
                "number": "e3927",
            },
            {
                "ID": "other",
                "author": "Pot Michiel W.van Kuppevelt Toin H.Gonzales Veronica K.",
                "journal": "PEERJournal Article",
                "volume": "5",
                "number": "",
            },
        ]
    ).assign(ENTRYTYPE="article", year="2017", title=title, pages="", doi="10.7717/peerj.3927")
    assert unpack_no_pagination("2017 (10) (no pagination)", "e3927", "", "2017") == (
        "", "", "e3927",
    )  # fmt: skip
    assert normalise_frame(frame)["volume"].tolist() == ["", "5"]
    assert judged(frame, "embase", "other")[0] == "duplicate"
    # a volume that is not the year stays one
    assert unpack_no_pagination("10 (11) (no pagination)", "e0143396", "", "2015")[0] == "10"


def test_a_plos_figure_doi_is_its_articles() -> None:
    # srsr: Embase exported one record of a PLOS ONE article with its first figure's DOI; that
    # record joined the article's group, and a fourth record of the article (author list glued,
    # no pages) was then kept apart by the contradicting DOI inside the group
    title = "ALTERATION OF THE SYSTEMIC AND MICROCIRCULATION BY A SINGLE ORAL DOSE OF FLAVAN-3-OLS"
    initials = "Ingawa K.Aruga N.Matsumura Y.Shibata M.Osakabe N."
    embase = {"volume": "9 (4) (no pagination)", "number": "e94853", "pages": ""}
    article = "10.1371/journal.pone.0094853"
    frame = pd.DataFrame(
        [
            {"ID": "medline", "author": initials, "volume": "9", "number": "4",
             "pages": "e94853", "doi": article},
            {"ID": "figure", "author": initials, **embase, "doi": f"{article}.g001"},
            {"ID": "embase", "author": initials, **embase, "doi": article},
            {"ID": "glued", "volume": "9", "number": "4", "pages": "", "doi": article,
             "author": "Ingawa KodaiAruga NozomiMatsumura YusukeShibata MasahiroOsakabe Naomi"},
        ]
    ).assign(ENTRYTYPE="article", year="2014", title=title, journal="PLoS One")  # fmt: skip
    assert len(set(find_duplicates(frame).groups.values())) == 1
    assert doi_key(f"{article}.g001") == doi_key(article) != doi_key("10.1371/journal.pone.0094854")
    assert doi_key("10.1371/journal.pmed.1001234.sd001") == doi_key("10.1371/journal.pmed.1001234")


def test_one_journal_under_two_names_in_one_issue() -> None:
    # digital_work (a labelled set not in ../shared): Scopus gives the transliterated name of the
    # journal of the Japanese Society for AI, the publisher's record its English name; year,
    # volume and issue agree, the article number is on one record only
    title = (
        "Rating prediction for software developers by integrating OSS community and crowd sourcing"
    )
    frame = pd.DataFrame(
        [
            {"ID": "scopus", "author": "Ohsawa, Shohei and Matsuo, Yutaka",
             "journal": "Jinko Chino Gakkai Ronbunshi", "pages": "", "doi": ""},
            {"ID": "publisher", "author": "Ohsawa, S. and Matsuo, Y.",
             "journal": "Transactions of the Japanese Society for Artificial Intelligence",
             "pages": "A-F24_1-10", "doi": "10.1527/TJSAI.A-F24"},
        ]
    ).assign(ENTRYTYPE="article", year="2016", title=title, volume="31", number="2")  # fmt: skip
    assert judged(frame, "scopus", "publisher")[0] == "duplicate"
    # another issue of the volume: two journals, for a person
    assert judged(frame.assign(number=["2", "3"]), "scopus", "publisher")[0] == "maybe"
    # nor does a supplement issue vouch for meeting abstracts (one team's abstract at two
    # meetings whose journals both print them in a volume's first supplement)
    abstracts = frame.assign(number="Suppl 1", pages=["", "S57"], doi="")
    assert judged(abstracts, "scopus", "publisher")[0] != "duplicate"


def test_a_journal_and_its_section_share_volume_and_year() -> None:
    # cytology_screening, page ranges removed (as in an online-first record): a journal named
    # with and without its section or subtitle, in one volume and year, is one publication
    for a, b in [
        (
            "id_0000432",
            "id_0000433",
        ),  # "Mutation Research - Fundamental and ..." / "Mutation Research"
        ("id_0000290", "id_0000291"),  # "Cancer Cytopathology" / "Cancer"
        ("id_0000697", "id_0000698"),  # "Journal of Reproductive Medicine for the Obstetrician ..."
    ]:
        two = rows("cytology_screening", a, b, pages="")
        assert judged(two, a, b)[0] == "duplicate", (a, b)
        # another year of the volume number is another journal's volume: for a person
        later = two.assign(year=["2007", "2008"])
        assert judged(later, a, b)[0] == "maybe", (a, b)
