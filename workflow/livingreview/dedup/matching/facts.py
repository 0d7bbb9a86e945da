"""The facts about each pair that the duplicate rules and the guards share, read from
``compare``'s frame (each computed once, when first asked for)."""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from livingreview.dedup.matching.policy import (
    ABSTRACT_SIM,
    FIRST_AUTHOR_SIM,
    SHORT_TITLE,
    TEAM_OVERLAP,
    TITLE_FAIR,
    TITLE_STRONG,
    Policy,
)


class _Column:
    """A column of ``compare``'s frame of the same name, as an array read once."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, facts: Facts, owner: type | None = None) -> np.ndarray:
        value = facts.col(self.name)
        facts.__dict__[self.name] = value
        return value


class Facts:
    """``compare``'s frame ``f`` of candidate pairs, the policy, and facts derived from both."""

    def __init__(self, f: pd.DataFrame, policy: Policy) -> None:
        self.f = f
        self.policy = policy

    def col(self, name: str) -> np.ndarray:
        """Column ``name`` of ``compare``'s frame as an array."""
        return self.f[name].to_numpy()

    # Columns read as they are.
    author_ok = _Column()
    doi_eq = _Column()
    doi_conf = _Column()
    vol_eq = _Column()
    vol_conf = _Column()
    page_eq = _Column()
    page_conf = _Column()
    journal_eq = _Column()
    title_empty = _Column()
    year_eq = _Column()

    @cached_property
    def t(self) -> np.ndarray:
        """Title similarity."""
        return self.col("t_sim")

    @cached_property
    def no_authors(self) -> np.ndarray:
        """Either record has no author list."""
        return ~self.col("has_authors")

    @cached_property
    def author_conf(self) -> np.ndarray:
        """The author lists contradict."""
        f = self.f
        # Authors contradict when no surname is shared and hardly any name word either (the word
        # test survives "Given Surname, Initial" mix-ups that defeat surname parsing).
        return (
            f["has_authors"].to_numpy()
            & (f["fa_sim"].to_numpy() < 0.6)
            & (f["overlap"].to_numpy() == 0)
            & (f["name_words"].to_numpy() < 0.3)
        )

    @cached_property
    def team(self) -> np.ndarray:
        """The same team: four in five names of the shorter list, or one author on both records."""
        f = self.f
        min_authors = f["min_authors"].to_numpy()
        team = (min_authors >= 2) & (
            (f["overlap"].to_numpy() >= TEAM_OVERLAP) | (f["name_words"].to_numpy() >= TEAM_OVERLAP)
        )
        team |= (min_authors == 1) & (f["fa_sim"].to_numpy() >= FIRST_AUTHOR_SIM)
        return team

    @cached_property
    def abs_eq(self) -> np.ndarray:
        """The abstracts are one text."""
        return (self.f["abs_sim"] >= ABSTRACT_SIM).to_numpy()

    @cached_property
    def abs_diff(self) -> np.ndarray:
        """Both abstracts known and different texts."""
        return (self.f["both_abs"] & (self.f["abs_sim"] < 0.5)).to_numpy()

    @cached_property
    def long_title(self) -> np.ndarray:
        """The shorter title is long enough to name one work."""
        return (self.f["title_len"] >= SHORT_TITLE).to_numpy()

    @cached_property
    def year_conf(self) -> np.ndarray:
        """The years lie further apart than the policy allows."""
        return (self.f["year_gap"] > self.policy.max_year_gap).to_numpy()

    # Independent fields that agree, beyond title and authors. Not the issue number: every paper
    # of an issue shares it, and "1" is everywhere (it is no evidence on its own).
    # A volume number is a fact of one journal: under two journal names an equal volume is a
    # coincidence (every journal's first supplement is "1", ACP Journal Club prints in the
    # Annals' volumes) unless the start page agrees as well.
    # So does the issue of the same year: one journal under two names (transliterated and
    # translated). Meeting abstracts in two journals' supplements are kept apart by the guards.
    # And the same year for a journal named with and without its section or subtitle.
    @cached_property
    def same_issue(self) -> np.ndarray:
        """Volume, issue and year agree."""
        return self.vol_eq & self.col("num_eq") & self.year_eq

    @cached_property
    def vol_fact(self) -> np.ndarray:
        """An equal volume that counts as a fact (see above)."""
        placed = self.page_eq | self.same_issue | (self.year_eq & self.col("journal_nested"))
        return self.vol_eq & (~self.col("journal_other") | placed)

    @cached_property
    def support(self) -> np.ndarray:
        """How many independent fields agree (0..5)."""
        doi_eq, page_eq = self.doi_eq, self.page_eq
        return doi_eq.astype(int) + self.vol_fact + page_eq + self.journal_eq + self.abs_eq

    @cached_property
    def citation(self) -> np.ndarray:
        """Journal, year, volume (or one unknown), start page and first author agree."""
        f = self.f
        # The citation (journal, year, volume, start page of a regular article, first author)
        # names one article even when the two titles are different translations of a foreign
        # title.
        return (
            f["both_articles"].to_numpy()
            & self.page_eq
            & self.year_eq
            & self.journal_eq
            & (self.vol_eq | f["vol_missing"].to_numpy())
            & (f["fa_sim"].to_numpy() >= FIRST_AUTHOR_SIM)
        )

    @cached_property
    def doi_citation(self) -> np.ndarray:
        """One DOI at one journal's year, volume and whole page range, and a title on both."""
        # The first and last page of a multi-page item name it within a volume; with the DOI
        # agreeing too, neither the form of its first page ("E180", "S1") nor an author list
        # exported otherwise (given names glued to surnames) makes it another item.
        range_eq, journal_eq, year_eq = self.col("range_eq"), self.journal_eq, self.year_eq
        located = range_eq & self.vol_eq & journal_eq & year_eq
        # Meeting abstracts can carry their abstract book's DOI and whole page range (one item,
        # "Abstracts from the ... Annual Meeting", S85-S922, in a supplement or a regular
        # issue): the titles must then agree too (a note or truncation, words moved), or the
        # first author (a translated title, as the citation rules allow).
        titled = (self.t >= TITLE_FAIR) | self.col("words_moved") | self.citation
        return self.col("doi_same") & ~self.title_empty & located & titled

    @cached_property
    def doi_issue_team(self) -> np.ndarray:
        """One DOI in one journal's issue by one team, one title MEDLINE's translation."""
        # MEDLINE gives a non-English article its English title in brackets ("[Exercise therapy
        # for depression in old age]."), the publisher and Embase its own title, often before
        # the pages are known: the titles share no word (so the DOI reads as a container's, as
        # a supplement's does), and the DOI with the issue (volume, number, year), pages that do
        # not differ and a team of two or more still names one article. Not for meeting
        # abstracts, other title numbers ("Part 2") or another kind of item. On the tuning sets
        # all 12,257 pairs of this shape, translated titles or not, are one work.
        return (
            self.col("one_translated")
            & self.col("doi_same")
            & ~self.col("any_abstract")
            & self.journal_eq
            & self.same_issue
            & ~self.col("page_conf")
            & (self.col("min_authors") >= 2)
            & self.team
            & ~self.title_empty
            & ~self.col("numbers_differ")
            & ~self.col("kind_conf")
        )

    @cached_property
    def doi_title(self) -> np.ndarray:
        """The item's own DOI and its whole title agree."""
        # The item's own DOI (not a meeting supplement's, which many abstracts share) and its
        # whole title.
        any_abstract = self.col("any_abstract")
        return self.doi_eq & ~any_abstract & (self.t >= TITLE_STRONG) & self.long_title

    @cached_property
    def article_doi(self) -> np.ndarray:
        """The DOI agrees and is not a meeting supplement's."""
        # Meeting abstracts often carry their supplement's DOI: for them the DOI does not count.
        return self.doi_eq & ~self.col("any_abstract")

    @cached_property
    def located(self) -> np.ndarray:
        """Same title at the same volume and start page."""
        return (self.t >= TITLE_STRONG) & self.vol_eq & self.page_eq

    @cached_property
    def pinned(self) -> np.ndarray:
        """The DOI agrees, or the volume and with it the start page or the journal."""
        return self.doi_eq | (self.vol_eq & (self.page_eq | self.journal_eq))
