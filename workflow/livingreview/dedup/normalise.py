"""Per-field normalisation of engine records into comparable keys.

Every function takes one raw string (as exported) and returns a plain, comparable value; empty
input gives an empty value. :func:`normalise_frame` applies them to an engine frame.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from livingreview.dedup.journals import journal_key, strip_accents
from livingreview.dedup.model import ENGINE_COLUMNS
from livingreview.records import INVISIBLE, normalise_doi, unlabelled_pages

if TYPE_CHECKING:  # pandas loads with the engine frame, not with the field functions
    import pandas as pd

T = TypeVar("T")

_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
_GREEK = {
    "α": " alpha ",
    "β": " beta ",
    "γ": " gamma ",
    "δ": " delta ",
    "κ": " kappa ",
    "μ": " mu ",
    "ω": " omega ",
    "τ": " tau ",
}
# Letters and digits of every script are words: a Chinese, Japanese, Korean, Cyrillic, Arabic or
# Hebrew title keeps its letters (folding leaves Latin ones ASCII), so that it can be compared.
_NON_ALNUM = re.compile(r"[\W_]+")
# A Greek letter in a title reaches an export as the letter, its name or its Latin look-alike
# ("receptor α", "receptor alpha", "receptor a"; "S-100β", "S-100 beta", "S100b"): titles
# compare by the Latin letter, wherever the name stands (glued: "s100beta", "tgfbeta1").
_GREEK_NAME = re.compile(r"alpha|beta|gamma|delta|kappa")
# Notes that databases append to a title but that are not part of it (MEDLINE/Ovid style).
_TITLE_NOTES = re.compile(
    r"\[(?:erratum|comment|retraction|corrected|see|update|summary|published)[^\]]*(?:\]|$)"
    r"|\[\d+ refs?\]|\[review\]"  # Ovid: "... cancer. [Review] [133 refs]"
    r"|\((?:structured|provisional) abstract\)"  # CRD databases (DARE, NHS EED)
    r"|\[(?:[A-Z][a-z]+)\]\s*$"  # language tag "[Japanese]"
    r"|\s+LA:\s*\w+\s*$"  # Ovid language suffix "LA: Chi"
    # A withdrawn version keeps its title: "WITHDRAWN: Title" (Cochrane Library, MEDLINE),
    # "Title (Withdrawn Paper. 1996, Art. No. CD000153)" (Embase).
    r"|^\s*withdrawn\s*[:.]\s*|\(withdrawn paper\b[^)]*\)",
    re.IGNORECASE,
)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 (``"OlÃ¡h"`` -> ``"Oláh"``, ``"â€“"`` -> ``"–"``) when it is."""
    if "â" in text or "Ã" in text:
        # cp1252 covers "€"-style bytes; latin-1 the C1 controls cp1252 leaves undefined.
        for encoding in ("cp1252", "latin-1"):
            with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                return text.encode(encoding).decode("utf-8")
    return text


def fold(text: str) -> str:
    """Lower-case ASCII: tags and entities removed, diacritics dropped, Greek letters spelled,
    characters that print as nothing (``records.INVISIBLE``) left out."""
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub("", re.sub(r"<U\+[0-9A-Fa-f]{4,6}>", "", text))  # R's "<U+22EF>" escapes
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # markup an export escaped: "[&lt;sup&gt;11&lt;/sup&gt;C]"
            text = _TAG.sub("", text)
    if text.isascii():  # the common case, and the fast one
        return text.lower()
    text = INVISIBLE.sub("", fix_mojibake(text))  # after: "Ã\xad" is a garbled "í"
    for letter, name in _GREEK.items():
        if letter in text:
            text = text.replace(letter, name)
    return strip_accents(text).lower()


def words(text: str) -> str:
    """Folded text as space-separated alphanumeric words."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


# Web of Science names the corrected article in an erratum's title: "... (vol 142, pg 310, 2003)".
_WOS_ERRATUM = re.compile(r"\(vol \d+,? pg? ?\w+,? \d{4}\)", re.IGNORECASE)


_ORIGINAL = re.compile(r"<original>", re.IGNORECASE)


_REGISTER_NAMES = ("clinicaltrials.gov", "trialsearch", "isrctn", "anzctr", "drks", "ictrp")


def is_registration(publication_types: list[str], journal: str) -> bool:
    """A register's record of a trial (not a report of it): typed as a trial registration or
    registry record, or published by a register (its name or address as the journal)."""
    if any("trial regist" in kind.lower() for kind in publication_types):
        return True
    return any(name in journal.lower() for name in _REGISTER_NAMES)


def normalise_title(title: str) -> str:
    """Comparable title: notes like ``[Erratum appears in ...]`` and ``[Japanese]`` removed,
    the brackets of translated titles (``[Title]``) dropped, an original-language title appended
    after ``<ORIGINAL>`` cut off, folded to words."""
    if not title:
        return ""
    text = _WOS_ERRATUM.sub(" ", _ORIGINAL.split(title, maxsplit=1)[0])
    return _GREEK_NAME.sub(lambda m: m.group()[0], words(_without_notes(text)))


def is_translated_title(title: str) -> bool:
    """Whether ``title`` is a translated one as MEDLINE gives it: the whole title, its notes
    aside ("[Japanese]", "[Review]"), in square brackets ("[Exercise therapy in old age].")."""
    bare = _without_notes(title).strip().rstrip(".").strip()
    return len(bare) > 2 and bare[0] == "[" and bare[-1] == "]" and "]" not in bare[1:-1]


def _without_notes(title: str) -> str:
    """``title`` without the notes databases add to it. A note is never the whole title: when
    nothing else is left, the first one (a translated title that opens like a note, "[Update on
    the treatment of ...]", or a one-word "[Editorial]") is the title, and only the notes after
    it ("[Review] [16 refs] [Romanian]") go."""
    bare = _TITLE_NOTES.sub(" ", title)
    first = _TITLE_NOTES.search(title)
    if words(bare) or not first:
        return bare
    return title[: first.end()] + _TITLE_NOTES.sub(" ", title[first.end() :])


# "(vol 49, pg 931" is Web of Science's citation of the corrected article after an erratum's title,
# its commas dropped by exports that strip punctuation from titles ("(VOL 49 PG 931 2019)").
# Springer Nature titles its notices "Author Correction: <title>" and "Publisher Correction:
# <title>", Elsevier "Retraction notice to <title>".
_ERRATUM = re.compile(
    r"^(?:erratum|errata|corrigendum|(?:(?:author|publisher)\s+)?correction(?:s)?\s*(?:to\b|:|$)"
    r"|notice of retraction|retraction(?:\s+note|\s+notice)?\s*(?:of\b|to\b|:|$)|retracted\b"
    r"|expression of concern)"
    r"|\berratum\b|\(vol \d+,? pg? \d+"
)
# Embase errata cite the corrected article: "Title (New England Journal of Medicine (2009) 360
# (542-544))".
_EMBASE_ERRATUM = re.compile(r"\([a-z][^()]*\(\d{4}\)\s*\d+[^()]*\(\s*\d+\s*[-–]?\s*\d*\s*\)\s*\)$")
_REPLY = re.compile(
    r"^(?:reply\b|in reply\b|authors?'? reply|response to (?:the )?(?:letter|comment|editor)"
    r"|comment on\b|re:)"
    r"|\b(?:authors?'? reply|reply to the authors|in reply)\s*$"  # WoS: "... AUTHORS REPLY"
    # A reply or an editor's comment printed under the article's own title: "... - Reply",
    # "... A reply", "... What Is New Editorial Comment".
    r"|(?:[-.:]\s*(?:an? |the )?|\ba )reply\s*$|\beditorial comment\s*$"
)


# JAMA Network's correction notices are titled by what was wrong and where, and nothing else:
# "Error in Figure", "Errors in Table 2 and Results", "Incorrect Data in Abstract", "Omitted
# Funding Information". A research title can open with "Error in" ("Error in the measurement of
# ..."), so every word of a notice must name an error, a part of an article or a joining word.
_NOTICE_ERROR = frozenset(
    re.findall(r"\w+", "error errors incorrect omitted omission omissions missing wrong")
)
_NOTICE_PART = frozenset(
    re.findall(
        r"\w+",
        "figure figures fig table tables efigure efigures etable etables text abstract results"
        " methods discussion introduction conclusion conclusions byline author authors"
        " affiliation affiliations contribution contributions funding support disclosure"
        " disclosures conflict interest key points title supplement supplementary appendix"
        " legend legends caption axis references reference section sections box",
    )
)
_NOTICE_JOIN = frozenset(
    re.findall(
        r"\w+",
        "in of from to and the data information name names wording value values label labels"
        " unit units",
    )
)
_NOTICE_WORDS = _NOTICE_ERROR | _NOTICE_PART | _NOTICE_JOIN


def _correction_notice(title: str) -> bool:
    """Whether a folded title is only a correction notice's ("error in figure 2a")."""
    words = re.findall(r"[a-z]+|\d+", title)
    if not words or words[0] not in _NOTICE_ERROR or len(words) > 12:
        return False
    known = all(w in _NOTICE_WORDS or w.isdigit() or len(w) == 1 for w in words)
    return known and any(w in _NOTICE_PART for w in words)


def work_kind(raw_title: str, entry_type: str) -> str:
    """``erratum`` (also corrections and retractions), ``reply`` (replies, comments) or ``""``."""
    entry = entry_type.strip().lower()
    if entry in {"erratum", "correction", "retraction"}:
        return "erratum"
    # Brackets and a closing full stop ("[... - Reply].") are no part of the words that mark it.
    title = fold(_TITLE_NOTES.sub(" ", raw_title)).strip(" [(").rstrip(" .]")
    if _ERRATUM.search(title) or _correction_notice(title):
        return "erratum"
    if title.endswith(")") and _EMBASE_ERRATUM.search(title.rstrip(" .")):
        return "erratum"
    if _REPLY.search(title):
        return "reply"
    return ""


# A trial's or review's protocol and its report share title, authors and often journal.
_PROTOCOL = re.compile(
    r"\b(?:study|trial|review|research) protocol\b"
    r"|\bprotocol (?:for|of) (?:a|an|the)\b|\brationale (?:and )?design\b|\bdesign and rationale\b"
)


def is_protocol(title: str) -> bool:
    """Whether a normalised title names a study protocol ("...: study protocol for a randomised
    controlled trial", "rationale and design of ...") rather than a report of results."""
    return ("protocol" in title or "rationale" in title) and bool(_PROTOCOL.search(title))


# A Cochrane protocol carries its review's title and number; only the abstract the databases
# export for it tells: "This is a protocol for a Cochrane Review (Intervention). The objectives
# are as follows: ...", earlier "This is the protocol for a review and there is no abstract. ...".
_REVIEW_PROTOCOL = re.compile(r"^\W*this is (?:the|a) protocol for a (?:cochrane )?review\b")


def is_review_protocol(abstract: str) -> bool:
    """Whether an abstract (as exported) is a Cochrane protocol's stand-in for one."""
    return bool(_REVIEW_PROTOCOL.match(abstract[:60].lower()))


# Entry types of a whole book, a chapter or a thesis: the same title and author as a journal
# article (the thesis behind a paper, a chapter retelling it) but another publication.
_FORMS = {
    "book": "book",
    "inbook": "book",
    "incollection": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "dissertation": "thesis",
}


def publication_form(entry_type: str) -> str:
    """``book`` (also a chapter), ``thesis`` or ``""`` (a journal article, or unknown)."""
    return _FORMS.get(entry_type.strip().lower(), "")


# Meeting markers. Not "proceedings" alone: "Proceedings of the National Academy of Sciences" is
# a journal (meeting proceedings name the meeting: "conference", "congress", ...).
_CONFERENCE = re.compile(
    r"conference|congress|meeting|symposium|abstracts?\b|annual scientific|workshop"
)
# A volume that is only "1)" is the tail of "62 (Suppl. 1)" or "(Supplement 1)" cut off by an
# export (see first_int): a supplement's too.
_SUPPLEMENT = re.compile(r"supp|\bs\d|\(\s*s\d|^\s*\d+\)")


# A page range and nothing else, also as a spreadsheet turned it into a date ("01-Feb", "Oct-15");
# any dash is a hyphen by then (records.unlabelled_pages).
_PLAIN_RANGE = re.compile(r"\d+\s*-+\s*\d+|\d{1,2}-[a-z]{3}|[a-z]{3}-\d{1,4}")


def conference_kind(entry_type: str, journal: str, volume: str, number: str, pages: str) -> str:
    """``conference`` (meeting abstract/paper), ``supplement`` (in a supplement issue),
    ``article`` (a plain page range such as ``221-228``: a regular journal article) or ``""``."""
    entry = entry_type.strip().lower()
    if entry in {"inproceedings", "conference", "proceedings"}:
        return "conference"
    if _CONFERENCE.search(fold(f"{journal} {volume} {number}")):
        return "conference"
    marks = fold(f"{volume} {number}")
    start = unlabelled_pages(pages).lower()  # "pp. 221-228" is a range too
    if _SUPPLEMENT.search(marks) or re.match(r"^[sa]\s*\d", start) or re.match(r"^\d+a\b", start):
        return "supplement"
    # A plain range of at least two pages is a regular article ("221-8", also as a spreadsheet
    # turned it into a date: "01-Feb"); "35-35" is a one-page abstract.
    first, last = normalise_pages(start) if _PLAIN_RANGE.fullmatch(start) else ("", "")
    if first.isdigit() and last and int(last) > int(first):
        return "article"
    return ""


def one_page_supplement(volume: str, number: str, start: str, end: str) -> bool:
    """An item of at most one page (``start``, ``end`` as from :func:`normalise_pages`) in an
    issue marked as a supplement (``"65 (Suppl 1)"``, ``"S2"``, page ``S321``): a meeting
    abstract rather than a supplement article. A page prefix ``A`` alone is not a mark (BMJ
    numbers its articles ``a1754``)."""
    marked = bool(_SUPPLEMENT.search(fold(f"{volume} {number}"))) or bool(re.match(r"s\d", start))
    return marked and (not end or end == re.sub(r"^[a-z]+", "", start))


_NUMBERED = frozenset(
    {"part", "phase", "type", "stage", "grade", "class", "study", "trial", "series", "section"}
)
_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"})


# Numbers spelled out: "five-year" and "six-year follow-up", "a second patient", "three doses".
# "One" and "first" are left out ("one of the", "first report"), except "one" before a time unit.
_CARDINALS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_SPELLED = (
    {word: str(value) for value, word in enumerate(_CARDINALS, start=2)}
    | {word: str(value) for value, word in enumerate(_ORDINALS, start=2)}
    | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "hundred": "100"}
)
_TIME_UNITS = frozenset({"hour", "day", "week", "month", "year", "decade"})
# "Twenty-first century" is 21, as "21st" is; "forty eight hour" 48.
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty"})
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_UNITS |= {"eight": 8, "nine": 9, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


def title_numbers(title: str) -> str:
    """The numbers of a normalised title, arabic, roman ("part ii" -> "2") and spelled out
    ("two-year" -> "2"), sorted and distinct."""
    found = set(re.findall(r"\d+", title))
    words_ = title.split()
    for k, word in enumerate(words_):
        after = words_[k + 1] if k + 1 < len(words_) else ""
        if k and words_[k - 1] in _TENS and word in _UNITS:
            continue  # counted with its tens
        if word in _TENS and after in _UNITS:
            found.add(str(int(_SPELLED[word]) + _UNITS[after]))
        elif word in _SPELLED:
            found.add(_SPELLED[word])
        elif word == "one" and after.rstrip("s") in _TIME_UNITS:
            found.add("1")
    if _ROMAN.isdisjoint(words_):
        return " ".join(sorted(found))
    for k, word in enumerate(words_):
        # "I" is also the pronoun ("I can feel it coming"): a numeral only after "part", "type"...
        if word == "i" and (k == 0 or words_[k - 1] not in _NUMBERED):
            continue
        if word in _ROMAN:
            found.add(str(roman_value(word)))
    return " ".join(sorted(found))


# --- authors -------------------------------------------------------------------------------------

# Vancouver style (MEDLINE): "Karpman D, Tati R, Smith AB", every name its surname and its
# initials; "Karpman, D" (one name, surname first) is not. Each name starts at the first
# character after the comma's spaces: one way to match, so a long list that fails near its end
# ("..., Nowak Ł") fails in linear time, not by trying every split of every name. Initials may
# be any Latin capital ("Nowak Ł", "Dvořák Š"), a name may end in a suffix ("Meyers KE Jr",
# "Smith J 3rd"), and the list in "et al." (dropped: it is nobody).
_CAPITAL = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
_SUFFIX = r"(?:\s(?:Jr|Sr|2nd|3rd|4th))?\.?"
_VANCOUVER = re.compile(
    rf"^[^,]+?\s[{_CAPITAL}]{{1,3}}{_SUFFIX}(?:,\s*[^,\s][^,]*?\s[{_CAPITAL}]{{1,3}}{_SUFFIX})+$"
)
_ET_AL = re.compile(r",?\s+et\.?\s+al\.?$", re.IGNORECASE)
_CONCAT_SPLIT = re.compile(r"(?<=\.)\s*(?=[A-ZÀ-Þ][a-zß-ÿ'])")
_INITIALS = re.compile(rf"^(?:[{_CAPITAL}]\.?-?){{1,4}}$")
_NAME_SUFFIX = re.compile(r"^(?:Jr|Sr|2nd|3rd|4th)\.?$")
_INITIALS_ONLY = re.compile(rf"(?:[{_CAPITAL}]\.-?\s*)+")


def split_authors(author: str) -> list[str]:
    """Person strings from ``"A and B"``, ``"A; B"``, ``"Adeli K, Lewis GF"`` or concatenated
    ``"Adeli K.Lewis G. F."``."""
    # "et al." ends a cut list however it is written ("Li N. et al.", "Li N, Wang J, et al.").
    text = _ET_AL.sub("", fix_mojibake(author.strip()))
    if not text:
        return []
    if " and " in text:
        parts = text.split(" and ")
    elif ";" in text:
        parts = text.split(";")
    elif "\n" in text:
        parts = text.split("\n")
    elif _VANCOUVER.match(text):
        parts = text.split(",")
    else:
        if "." in text:
            text = _unglued(text)
        parts = _given_first(_CONCAT_SPLIT.split(text))
    return [p.strip() for p in parts if p.strip()]


def _given_first(parts: list[str]) -> list[str]:
    """Concatenated parts with initials alone joined to the name after them: "A. B. Andres" is
    one person written given names first, not "A. B." and "Andres" (a concatenated list writes
    each person surname first, "Andres A. B.")."""
    out: list[str] = []
    for part in parts:
        if out and _INITIALS_ONLY.fullmatch(out[-1].strip()):
            out[-1] = f"{out[-1].strip()} {part}"
        else:
            out.append(part)
    return out


# Embase glues full names without a separator: "Wenxing HuDongdong LinCalhoun V. D.Yu-Ping Wang"
# is Wenxing Hu, Dongdong Lin, Calhoun V. D. and Yu-Ping Wang. A capital inside a word after a
# given name starts the next person, unless the word is a surname prefix ("McGuire", "VanMeter").
_GLUED_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)? )([A-Z][a-z]+)(?=[A-Z][a-z]{2})")
_NAME_PREFIX = re.compile(r"mc|mac|de|del|della|le|la|van|von|der|di|da|du|fitz|st|san|ben|al|el")


def _unglue(match: re.Match[str]) -> str:
    given, name = match.group(1), match.group(2)
    return match.group(0) if _NAME_PREFIX.fullmatch(name.lower()) else f"{given}{name}."


def _unglued(text: str) -> str:
    """``text`` with a separator after each glued full name (one name can hide the next)."""
    previous = None
    while previous != text:
        previous, text = text, _GLUED_NAME.sub(_unglue, text)
    return text


_GLUED_INITIALS = re.compile(r"(?<=[a-zß-ÿ'])(?:[A-ZÀ-Þ]\.-?)+$")


def surname(person: str) -> str:
    """Folded surname of one person: ``"Surname, I."``, ``"Surname I. J."`` or ``"I. Surname"``."""
    # "TavenerS.A." (Embase without spaces): the initials glued to the surname are dropped.
    person = _GLUED_INITIALS.sub("", person.strip())
    if "," in person:
        name = person.split(",", 1)[0]
    else:
        tokens = re.sub(r"\.(?!-)", ". ", person).split()  # "J.-P." stays one token
        if len(tokens) > 1 and _NAME_SUFFIX.match(tokens[-1]):
            tokens.pop()
        while len(tokens) > 1 and _INITIALS.match(tokens[-1]):
            tokens.pop()
        while len(tokens) > 1 and _INITIALS.match(tokens[0]):
            tokens.pop(0)
        name = " ".join(tokens)
    return _NON_ALNUM.sub("", fold(name))


_COLLECTIVE = re.compile(
    r"group|study|trial|investigators|consortium|collaborat|committee|society|association"
    r"|network|council|panel|working|task ?force|pharmaceuticals|inc\b|ltd\b"
)
_NOBODY = frozenset({"anonymous", "anon", "unknown", "etal", "author", "authors", "jr", "sr"})


def author_surnames(author: str) -> tuple[str, ...]:
    """Surnames in order; collective ("ALTS Study Group") and anonymous authors are left out."""
    names = []
    for person in split_authors(author):
        if _COLLECTIVE.search(fold(person)):
            continue
        name = surname(person)
        if name and name not in _NOBODY:
            names.append(name)
    return tuple(names)


_COMPOUND_MARKS = re.compile(r"[-'’]")
# Where one glued name ends and the next begins: a lower-case letter before a capital
# ("LiangMoody"), or initials before a capitalised word ("CPascoe").
_CASE_JOIN = re.compile(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ])|(?<=[A-ZÀ-Þ])(?=[A-ZÀ-Þ][a-zß-ÿ])")


def name_parts(author: str) -> tuple[str, ...]:
    """The name words of two or more letters in the list's order, also split where one glued
    name meets the next: full names glued without separators ("Liu LiangMoody JulieGall
    Angela", "Fohr CPascoe DWilliams HC") hide each surname in a word of its own. Each word is
    followed by its unsplit form ("dipietro") and a compound name by its form as a surname
    ("mottaguitabar"), so that the order of the names is kept."""
    found: list[str] = []
    for token in author.split():
        split = _CASE_JOIN.sub(" ", token)
        for piece in split.split():
            found += words(piece).split()
            joined = _COMPOUND_MARKS.sub("", piece)
            if joined != piece:
                found += words(joined).split()
        if split != token:
            found += words(token).split()
    return tuple(dict.fromkeys(w for w in found if len(w) >= 2))


def author_words(author: str) -> frozenset[str]:
    """Every name word of three or more letters (surnames and given names alike; glued full
    names separated first)."""
    if "." in author and ";" not in author and " and " not in author:
        author = _unglued(author)
    return frozenset(w for w in words(author).split() if len(w) >= 3 and w != "and")


# --- numbers, pages, identifiers -----------------------------------------------------------------

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_EXCEL_DAY_MONTH = re.compile(r"^(\d{1,2})-([a-z]{3})$")
_EXCEL_MONTH_NUM = re.compile(r"^([a-z]{3})-(\d{1,4})$")
# Any dash is a hyphen by then (records.unlabelled_pages).
_PAGE = re.compile(r"^([a-z]{0,4}\d+[a-z]?(?:\.[a-z]?\d+)?)(?:\s*-+\s*([a-z]{0,4}\d+[a-z]?))?")


def first_int(value: str) -> str:
    """The first run of digits without leading zeros (volume ``"88 Suppl 1"`` -> ``"88"``).

    A lone ``"1)"`` is the tail of ``"(Supplement 1)"`` cut off by an export: no volume.
    """
    if re.fullmatch(r"\s*\d+\)\s*", value or ""):
        return ""
    value = re.sub(
        r"^\s*(?:part|pt)\.?\s*\w{1,3}\.?\s+(?=\d)", "", value or "", flags=re.IGNORECASE
    )
    match = re.search(r"\d+", value)
    if not match:
        return ""
    return match.group(0).lstrip("0") or "0"


def _expand_end(start: str, end: str) -> str:
    """``221-8`` -> ``228``: an abbreviated end page borrows the leading digits of the start."""
    s_digits = re.sub(r"\D", "", start)
    e_digits = re.sub(r"\D", "", end)
    if s_digits and e_digits and len(e_digits) < len(s_digits):
        return s_digits[: len(s_digits) - len(e_digits)] + e_digits
    return e_digits


_ROMAN_PAGES = re.compile(r"^([ivxlc]+)(?:\s*-+\s*([ivxlc]+))?\.?$")
_ROMAN_VALUE = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(numeral: str) -> int:
    """The value of a lower-case roman numeral (subtractive notation: ``"iv"`` -> 4)."""
    value = 0
    for k, ch in enumerate(numeral):
        v = _ROMAN_VALUE[ch]
        value += -v if k + 1 < len(numeral) and _ROMAN_VALUE[numeral[k + 1]] > v else v
    return value


# A long article number (SAGE's "2050312118822927") that a spreadsheet kept as a number, to its
# 15 significant digits or fewer, the rest zeros ("2050310000000000"): its digits are lost, so
# it is no page to compare.
_EXCEL_ROUNDED = re.compile(r"^\d{7,}0{5,}$")


def normalise_pages(pages: str) -> tuple[str, str]:
    """``(start, end)``; Excel dates are undone (``06-Oct`` -> 6-10, ``Oct-15`` -> 10-15).

    Start keeps a letter prefix (``S518``, ``e203``, ``A27``) because a supplement or article
    number is a different page from the plain number; end is digits only. Front matter in roman
    numerals keeps its numeral as start (``v-vii`` -> ``("v", "7")``): page v is not page 5.
    """
    # Quotes a CSV export left around a list of ranges ('"233-8, 230-5"') are no part of it.
    text = (pages or "").strip().strip("\"'").strip().lower()
    if not text or "no pagination" in text or _EXCEL_ROUNDED.match(text):
        return "", ""
    text = unlabelled_pages(text)  # "pp. 123-128", "pp. v-vii"
    roman = _ROMAN_PAGES.match(text)
    if roman:
        end = roman.group(2)
        return roman.group(1), str(roman_value(end)) if end else ""
    text = re.sub(r"(?<=[a-z])\s+(?=\d)", "", text)  # "S 274-5" -> "s274-5"
    text = re.sub(r"(?<=\d)[\s.]+(?=[a-z]\d)", ".", text)  # "875 e1" -> "875.e1"
    match = _EXCEL_DAY_MONTH.match(text)
    if match and match.group(2) in _MONTHS:
        start = match.group(1).lstrip("0") or "0"
        return start, _expand_end(start, str(_MONTHS[match.group(2)]))
    match = _EXCEL_MONTH_NUM.match(text)
    if match and match.group(1) in _MONTHS:
        start = str(_MONTHS[match.group(1)])
        return start, _expand_end(start, match.group(2).lstrip("0"))
    match = _PAGE.match(text)
    if not match:
        return "", ""
    start = re.sub(r"(?<![a-z0-9])0+(?=\d)", "", match.group(1))
    start = re.sub(r"^([a-z]*)0+(?=\d)", r"\1", start)
    end = _expand_end(start, match.group(2)) if match.group(2) else ""
    return start, end


def normalise_doi_value(doi: str) -> str:
    """Bare lower-case DOI of a cell's first line (see :func:`normalise_doi`); ``""`` if none."""
    return normalise_doi(doi.split("\n")[0]) if doi else ""


# The registrant prefix typed twice ("10.3779/10.3779/j.issn...") by an export.
_DOUBLED_PREFIX = re.compile(r"^(10\.\d+/)\1+")
# Punctuation that exports drop or swap inside a DOI: "fnr.v57i0" / "fnrv57i0", "82_2012_287" /
# "82-2012-287" (underscores written as hyphens), "jas.2013-6195" / "jas2013-6195".
_DOI_PUNCTUATION = re.compile(r"[._-]")


# PLOS gives each figure, table and supplementary file of an article a DOI of its own, the
# article's with ".g001", ".t002", ".s001" after it; a database that exported one of them for the
# article ("10.1371/journal.pone.0094853.g001") means the article.
_PLOS_COMPONENT = re.compile(r"^(10\.1371/journal\.[a-z]+\.\d{7})\.[a-z]{1,2}\d{3}$")
# So does eLife for each section of an article, its abstract first: "10.7554/eLife.06487.001".
_ELIFE_COMPONENT = re.compile(r"^(10\.7554/elife\.\d{5})\.\d{3}$")
# A SICI (Wiley's older DOIs) names the item up to its ">"; what follows says which part of it
# (0 the contribution, 3 its abstract, ...), the version and a check character:
# "...<199::AID-HUP163>3.0.CO;2-T" and "...<199::AID-HUP163>3.3.CO;2-K" are one article.
_SICI_PART = re.compile(r"^(10\.\d+/\(sici\)[^<>]*<[^<>]*>).+$")


def doi_key(doi: str) -> str:
    """The key two records' DOIs (already normalised) are compared by: one DOI however an export
    punctuated it. (Of 18 record pairs in the labelled sets whose DOIs differ only so, 17 are one
    work; the other is two abstracts under their meeting supplement's DOI.) A PLOS figure's or
    table's DOI, an eLife section's and a SICI naming a part of the item are its article's."""
    doi = _SICI_PART.sub(r"\1", _ELIFE_COMPONENT.sub(r"\1", _PLOS_COMPONENT.sub(r"\1", doi)))
    prefix, slash, suffix = _DOUBLED_PREFIX.sub(r"\1", doi).partition("/")
    # A slash inside the suffix is dropped by some exports too: "endrev/bnz002" / "endrevbnz002".
    return (
        _DOI_PUNCTUATION.sub("", prefix) + slash + _DOI_PUNCTUATION.sub("", suffix.replace("/", ""))
    )


# A Cochrane review keeps its number through every update: CD007231 is published as
# 10.1002/14651858.CD007231, then .pub2, .pub3... (each version its own DOI, year and issue).
_REVIEW_DOI = re.compile(r"^10\.1002/14651858\.(cd\d{6})(?:\.pub(\d+))?$")
_REVIEW_NUMBER = re.compile(r"^\s*(cd\d{6})\s*$", re.IGNORECASE)


def review_doi_version(doi: str) -> int:
    """The version a Cochrane review's DOI (already normalised) names: N of ``.pubN``, 1 for the
    first version's DOI (no ``.pub``); 0 for any other DOI."""
    match = _REVIEW_DOI.match(doi)
    return int(match.group(2) or 1) if match else 0


# BMJ Clinical Evidence updates each of its systematic overviews every year or two under the
# overview's topic ("Head lice" 2009, 2011, 2015), its volume the year, without pages, DOI or a
# number of its own: the topic names the overview, as a review number names a Cochrane review.
_CLINICAL_EVIDENCE = re.compile(
    r"^\s*(?:bmj\s+)?clin(?:ical)?\.?\s+evid(?:ence)?\.?\s*(?:\(\s*online\s*\))?\s*$",
    re.IGNORECASE,
)


def is_clinical_evidence(journal: str) -> bool:
    """Whether ``journal`` names BMJ Clinical Evidence ("BMJ Clin Evid", "Clinical Evidence")."""
    return bool(_CLINICAL_EVIDENCE.match(journal or ""))


def review_number(
    doi: str, journal: str, volume: str, number: str, pages: str, title: str = ""
) -> str:
    """The Cochrane review number (``cd007231``) of a version of a Cochrane review: from its DOI
    (already normalised), or, in the Cochrane Database of Systematic Reviews, from the field the
    number was exported in (pages, issue or volume); for a BMJ Clinical Evidence overview,
    ``clinevid:`` and its ``title`` (normalised) without spaces; ``""`` otherwise."""
    match = _REVIEW_DOI.match(doi)
    if match:
        return match.group(1)
    if title and is_clinical_evidence(journal):
        return "clinevid:" + title.replace(" ", "")
    if "cochrane database" not in journal.lower():
        return ""
    for value in (unlabelled_pages(pages or ""), number, volume):
        found = _REVIEW_NUMBER.match(value or "")
        if found:
            return found.group(1).lower()
    return ""


def normalise_isbn(isbn: str) -> str:
    """Digits (and X) of the first ISBN-10/13 in the field; ISSNs (8 digits) are ignored."""
    for part in re.split(r"[\n;,]", isbn or ""):
        digits = re.sub(r"[^0-9X]", "", part.upper())
        if len(digits) in (10, 13):
            return digits
    return ""


def normalise_year(year: str) -> int:
    """Four-digit year, ``0`` if none."""
    match = re.search(r"(1[5-9]\d\d|20\d\d)", year or "")
    return int(match.group(1)) if match else 0


# --- the frame -----------------------------------------------------------------------------------

# Embase puts the citation in the journal field: "Journal of Neuroscience.30 (15) ()(pp 5357-5367)
# 2010." while its pages field may hold a date ("14", "2010"); the citation is then the truth.
_EMBASE_CITATION = re.compile(r"\.\s*(\d+)?\s*(?:\([^()]*\)\s*)*\(pp\s*([^()]+)\)")


_NO_PAGINATION = re.compile(r"\(\s*no pagination\s*\)", re.IGNORECASE)


def unpack_no_pagination(
    volume: str, number: str, pages: str, year: str = ""
) -> tuple[str, str, str]:
    """Embase's citation of an article without pages: volume ``"10 (11) (no pagination)"``,
    the article number (``"e0143396"``) in the issue field. Returns (volume, issue, pages) as
    other databases give them (``"10"``, ``"11"``, ``"e0143396"``); other citations unchanged.
    Pages given are kept; a number of one or two characters is no article number. For a
    journal without volumes Embase cites the year (``"2017 (10) (no pagination)"``, PeerJ):
    a "volume" equal to the record's ``year`` is no volume, and its "issue" no issue."""
    if "pagination" not in volume.lower() or not _NO_PAGINATION.search(volume):
        return volume, number, pages
    rest = _NO_PAGINATION.sub(" ", volume)
    issue = re.search(r"\(([^()]*)\)", rest)
    bare = re.sub(r"\([^()]*\)", " ", rest).strip()
    article = number.strip() if len(number.strip()) >= 3 else ""
    if bare and bare == str(normalise_year(year)):
        return "", "", pages.strip() or article
    return bare, issue.group(1).strip() if issue else "", pages.strip() or article


def locate(
    journal: str, volume: str, number: str, pages: str, year: int
) -> tuple[str, tuple[str, str]]:
    """Volume and (start, end) pages, taken from an Embase citation in the journal field or a
    ``"pp 737-749"`` issue field when present; a page equal to the year is no page."""
    match = _EMBASE_CITATION.search(journal or "")
    if match:
        cited = normalise_pages(match.group(2))
        if cited[0]:
            cited_volume = (match.group(1) or "").lstrip("0")
            if cited_volume == str(year):  # "Korsakova.2015 (2) ()(pp 48-52)": no volume
                cited_volume = ""
            return first_int(volume) or cited_volume, cited
    if re.match(r"^\s*pp\.?\s*\d", number or "", re.IGNORECASE):
        return first_int(volume), normalise_pages(re.sub(r"^\s*pp\.?\s*", "", number))
    start, end = normalise_pages(pages)
    if year and start == str(year):
        start, end = "", ""
    return first_int(_SPILLED_PLACE.sub("", volume)), (start, end)


# A CSV export that split MEDLINE's long journal title at its comma leaves the end of the place
# note in the volume: journal "Cerebral cortex (New York", volume ": 1991). 25" (volume 25).
_SPILLED_PLACE = re.compile(r"^\s*:\s*\d{4}\)\.?\s*")


def _each(func: Callable[..., T], *columns: list) -> list[T]:
    """``func`` over rows of the given columns, computed once per distinct value (journal names,
    pages and years repeat across records, and so does every field of a duplicate)."""
    memo: dict[tuple, T] = {}
    out = []
    for key in zip(*columns, strict=True):
        value = memo.get(key)
        if value is None:
            value = memo[key] = func(*key)
        out.append(value)
    return out


_MEETING_TAIL = re.compile(r"conference:\s*(.*)$", re.IGNORECASE)


def supplement_number(volume: str, number: str) -> str:
    """The number of a supplement named in the issue or volume field (``"SUPPL. 1"`` -> ``"1"``,
    ``"88 Suppl 2"`` -> ``"2"``), or ``""``."""
    match = re.search(r"\bsupp\w*\.?\s*(\d+)|\bs(\d+)\b", f"{volume} {number}".lower())
    if not match:
        return ""
    return (match.group(1) or match.group(2)).lstrip("0")


def meeting_name(journal: str) -> str:
    """The meeting named after ``"Conference:"`` in a journal field (Embase), folded; or ``""``."""
    match = _MEETING_TAIL.search(journal or "")
    if not match:
        return ""
    return words(match.group(1))[:60]


def issue_numbers(numbers: list[str], sources: list[str]) -> list[str]:
    """Issue numbers, blanked for a source whose "issue" is a different number on nearly every
    record (a reference manager's record number exported as issue: 1347, 1348, ...). Real issue
    numbers repeat: a journal has a dozen issues a year, and dozens of records share each.
    (A property of a whole set of records, so not part of each record's normalisation.)"""
    by_source: dict[str, list[int]] = {}
    for k, (number, source) in enumerate(zip(numbers, sources, strict=True)):
        if number:
            by_source.setdefault(source.strip(), []).append(k)
    out = list(numbers)
    for rows in by_source.values():
        distinct = len({numbers[k] for k in rows})
        if len(rows) >= UNIQUE_NUMBERS_MIN and distinct > len(rows) / 2:
            for k in rows:
                out[k] = ""
    return out


# Fewer records than this cannot show that their issue numbers are record numbers.
UNIQUE_NUMBERS_MIN = 50


def _abstract(text: str) -> str:
    """The opening of an abstract (300 characters tell two abstracts apart), if it has one."""
    return words(text[:300]) if len(text) >= 100 else ""


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalised columns for an engine frame (same index and order)."""
    import pandas as pd

    col = _text_columns(frame)
    titles = _each(normalise_title, col["title"])
    years = _each(normalise_year, col["year"])
    located = _each(locate, col["journal"], col["volume"], col["number"], col["pages"], years)
    return pd.DataFrame(
        {
            "ID": col["ID"],
            **_title_columns(titles),
            "translated": _each(is_translated_title, col["title"]),
            **_author_columns(col["author"]),
            **_citation_columns(col, years, located),
            **_identifier_columns(col, titles),
            **_kind_columns(col, titles, located),
            "source": [v.strip() for v in col["source"]],
            "source_id": [v.strip() for v in col["source_id"]],
        },
        index=frame.index,
    )


# What :func:`locate` gives: the volume and the (start, end) pages.
_Located = tuple[str, tuple[str, str]]


def _text_columns(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The frame's engine columns as lists of text (missing ones empty), with a volume, issue
    or pages field holding the whole citation unpacked (:func:`unpack_no_pagination`)."""
    df = frame.reindex(columns=list(ENGINE_COLUMNS), fill_value="").fillna("").astype(str)
    col = {name: df[name].tolist() for name in ENGINE_COLUMNS}
    cited = _each(unpack_no_pagination, col["volume"], col["number"], col["pages"], col["year"])
    col["volume"], col["number"], col["pages"] = (list(part) for part in zip(*cited, strict=True))
    return col


def _title_columns(titles: list[str]) -> dict[str, list[Any]]:
    """The normalised title, the same without spaces, and the numbers in it."""
    return {
        "title": titles,
        "title_key": [t.replace(" ", "") for t in titles],
        "title_numbers": _each(title_numbers, titles),
    }


def _author_columns(authors: list[str]) -> dict[str, list[Any]]:
    """The authors' surnames, the first one, and the words and name parts of the field."""
    surnames = _each(author_surnames, authors)
    return {
        "authors": surnames,
        "first_author": [s[0] if s else "" for s in surnames],
        "author_words": _each(author_words, authors),
        "name_parts": _each(name_parts, authors),
    }


def _citation_columns(
    col: dict[str, list[str]], years: list[int], located: list[_Located]
) -> dict[str, list[Any]]:
    """Where the work was published: year, journal, meeting, volume, issue, supplement and
    first and last page."""
    return {
        "year": years,
        "journal": _each(journal_key, col["journal"]),
        "meeting": _each(meeting_name, col["journal"]),
        "volume": [volume for volume, _ in located],
        "number": _each(first_int, col["number"]),
        "supplement": _each(supplement_number, col["volume"], col["number"]),
        "page_start": [pages[0] for _, pages in located],
        "page_end": [pages[1] for _, pages in located],
    }


def _identifier_columns(col: dict[str, list[str]], titles: list[str]) -> dict[str, list[Any]]:
    """The DOI's key, the review number a Cochrane DOI or citation holds (or a Clinical Evidence
    overview's title), and the ISBN."""
    dois = _each(normalise_doi_value, col["doi"])
    return {
        "doi": _each(doi_key, dois),
        "review_number": _each(
            review_number,
            dois,
            col["journal"],
            col["volume"],
            col["number"],
            col["pages"],
            titles,
        ),
        "isbn": _each(normalise_isbn, col["isbn"]),
    }


def _kind_columns(
    col: dict[str, list[str]], titles: list[str], located: list[_Located]
) -> dict[str, list[Any]]:
    """What kind of work it is: abstract opening, kind, protocol, publication form, conference
    venue, and a one-page supplement."""
    return {
        "abstract": _each(_abstract, col["abstract"]),
        "kind": _each(work_kind, col["title"], col["ENTRYTYPE"]),
        "protocol": [
            is_protocol(title) or is_review_protocol(abstract)
            for title, abstract in zip(titles, col["abstract"], strict=True)
        ],
        "form": _each(publication_form, col["ENTRYTYPE"]),
        "venue": _each(
            conference_kind,
            col["ENTRYTYPE"],
            col["journal"],
            col["volume"],
            col["number"],
            col["pages"],
        ),
        "one_page_supplement": _each(
            one_page_supplement,
            col["volume"],
            col["number"],
            [pages[0] for _, pages in located],
            [pages[1] for _, pages in located],
        ),
    }
