"""Journal names: a comparable key, and abbreviation <-> full-name matching without a lookup table.

``"Curr Opin Lipidol"`` matches ``"Current Opinion in Lipidology"`` because, once function
words are dropped, every word of the abbreviation is a prefix of the matching full word (ISO 4
abbreviations are built that way). A handful of abbreviations that are not prefixes are listed.
"""

from __future__ import annotations

import re
import unicodedata

from livingreview.records import INVISIBLE

_STOP = frozenset(
    {"the", "of", "and", "in", "for", "on", "de", "d", "l", "la", "le", "les", "des", "du", "di"}
    | {"del", "der", "die", "das", "fur", "und", "y", "e", "et"}
)
# ISO 4 abbreviations that are not prefixes of the word they stand for.
_NOT_PREFIX = {"j": "journal", "natl": "national", "intl": "international", "jpn": "japanese"}
_SUPPLEMENT_WORDS = frozenset({"supplement", "supplements", "supplementum", "suppl", "supp"})
_CUT = re.compile(r"[.:]\s*(?:conference|supplement|suppl)\b.*$", re.IGNORECASE)
# Embase may append the citation to the journal: "Behavioural Brain Research.276 ()(pp 118-129)
# 2015.Date of Publication: ...": everything from the volume on is cut.
_CITATION = re.compile(r"\.\s*\d+\s*\(.*$|\.?\s*date of publication:.*$", re.IGNORECASE)
# Ovid MEDLINE notes on the medium ("PLoS ONE [Electronic Resource]"), not part of the name.
_NOTE = re.compile(r"\[\s*(?:electronic resource|epub ahead of print|online|print)\s*\]", re.I)
# A translated name in brackets ("Gan to Kagaku Ryoho [Japanese Journal of Cancer &
# Chemotherapy]") is another name of the journal.
_BRACKETED = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$")
# The journal's acronym after its name ("Journal of Acquired Immune Deficiency Syndromes: JAIDS").
_ACRONYM = re.compile(r"\s*:\s*[A-Z]{2,8}\s*$")
# A parallel title glued on with a full stop after a whole word: "International journal of
# cancer.Journal international du cancer" (NLM's title and its French title); not the stops of
# an abbreviation ("Ann.New York Acad.Sci.").
_GLUED_PARALLEL = re.compile(r"(?<=[a-z]{5})\.(?=[A-Z][a-z]+ )")


# Letters that Unicode does not decompose into a base letter and a mark, spelled as they are
# written in ASCII ("Søren" and "Soren", "Strauß" and "Strauss", "Łukasz" and "Lukasz").
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def strip_accents(text: str) -> str:
    """Letters without their diacritics (``"é"`` -> ``"e"``, ``"ø"`` -> ``"o"``, ``"ß"`` ->
    ``"ss"``); other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNDECOMPOSED)
    return unicodedata.normalize("NFC", bare)  # Korean syllables composed again


def _fold(text: str) -> str:
    """Lower case, accents dropped, characters that print as nothing left out (as in titles)."""
    return text.lower() if text.isascii() else strip_accents(INVISIBLE.sub("", text)).lower()


ALTERNATIVES = " | "


def journal_key(journal: str) -> str:
    """Folded words of the journal's own name: the ``". Conference: ..."`` tail and punctuation
    dropped, ``&`` read as ``and``, function words removed. Parallel titles (MEDLINE's "Ai zheng
    = Aizheng = Chinese journal of cancer") are kept as alternatives joined by
    :data:`ALTERNATIVES`."""
    if not journal:
        return ""
    text = _CITATION.sub("", _CUT.sub("", journal.replace("&amp;", "&")))
    text = _ACRONYM.sub("", _NOTE.sub(" ", text).strip())
    text = _GLUED_PARALLEL.sub(" = ", text)
    bracketed = _BRACKETED.match(text)
    if bracketed and bracketed.group(1):
        text = f"{bracketed.group(1)} = {bracketed.group(2)}"
    if " = " in text:
        keys = dict.fromkeys(_name_key(part) for part in text.split(" = "))
        return ALTERNATIVES.join(k for k in keys if k)
    return _name_key(text)


def _name_key(text: str) -> str:
    # PubMed's long form adds a subtitle or the society: "Clinical cancer research : an official
    # journal of...", "The Journal of veterinary medical science / the Japanese Society of ...".
    # Parenthesised notes first: "Chirurgia (Bucharest, Romania : 1990)" is "Chirurgia".
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"\([^)]*$", " ", text)  # the place note cut by a CSV split: "(New York N.Y"
    text = re.split(r" [:/] ", text)[0]
    text = _fold(text).replace("&", " and ")
    text = re.sub(r"\b([dl])['\u2019]", r"\1 ", text)  # French elision: "d'anesthesie"
    text = re.sub(r"['\u2019]", "", text)
    # "Annales fran?aises d'anesth?sie": a "?" between letters is a letter lost to a wrong
    # encoding; it stays in the word as a wildcard (see _word_matches).
    text = re.sub(r"(?<![a-z])\?|\?(?![a-z])", " ", text)
    tokens = [t for t in re.split(r"[^\w?]+|_", text) if t and t not in _STOP]
    # "Atherosclerosis Supplements" prints the meeting abstracts of "Atherosclerosis": a
    # journal's supplement series is that journal.
    if len(tokens) > 1 and tokens[-1] in _SUPPLEMENT_WORDS:
        tokens.pop()
    return " ".join(tokens)


_MEETING = re.compile(r"\b(?:conference|congress|meeting|symposium|workshop)\b")


def is_meeting_name(key: str) -> bool:
    """Whether a journal key names a meeting ("23rd congress ...") rather than a journal."""
    return bool(_MEETING.search(key))


def _is_subsequence(short: str, full: str) -> bool:
    letters = iter(full)
    return all(ch in letters for ch in short)


def _word_matches(short: str, full: str) -> bool:
    """One word abbreviates another: a prefix ("Curr" for "Current"), or, as ISO 4 contracts
    words, its letters in order from the same first letter ("Dtsch" for "Deutsche")."""
    if short == full:
        return True
    if "?" in short or "?" in full:
        # a lost letter matches any one letter: compare position by position
        return len(short) <= len(full) and all(
            a == b or "?" in (a, b) for a, b in zip(short, full, strict=False)
        )
    if _NOT_PREFIX.get(short) == full:
        return True
    if len(short) == 1:
        return full[0] == short
    return full.startswith(short) or (short[0] == full[0] and _is_subsequence(short, full))


def journals_match(a: str, b: str) -> bool:
    """Whether two journal keys name the same journal (equal, or one abbreviates the other; for
    parallel titles, any of them)."""
    if not a or not b:
        return False
    if a == b:
        return True
    if ALTERNATIVES in a or ALTERNATIVES in b:
        return any(_names_match(x, y) for x in a.split(ALTERNATIVES) for y in b.split(ALTERNATIVES))
    return _names_match(a, b)


def _names_match(a: str, b: str) -> bool:
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    # A transliterated name spaced otherwise ("Zhonghua Weichang Waike Zazhi" and "Zhonghua wei
    # chang wai ke za zhi"), or an abbreviation exported without its spaces
    # ("Jthoraccardiovascsurg"): the letters of one name are the other's, word by word.
    if len(wa) != len(wb) and (_glued_match("".join(wa), wb) or _glued_match("".join(wb), wa)):
        return True
    return any(_words_match(x, y) for x in _variants(wa) for y in _variants(wb))


# A glued name must be this long to be compared: a short string abbreviates too many names.
_GLUED_MIN = 10


def _glued_match(glued: str, words: list[str]) -> bool:
    """Whether ``glued`` reads as every one of ``words`` in order, each written in full or
    abbreviated as :func:`_word_matches` allows, with the spaces left out."""
    if len(glued) < _GLUED_MIN or len(words) < 2:
        return False
    # ends[k]: the positions in ``glued`` where a reading of the first k words can end
    ends = {0}
    for word in words:
        ends = {
            stop
            for start in ends
            for stop in range(start + 1, len(glued) + 1)
            if _word_matches(glued[start:stop], word)
        }
        if not ends:
            return False
    return len(glued) in ends


def _variants(words: list[str]) -> list[list[str]]:
    """A name as written, and, when it opens with the acronym of the rest ("CMAJ Canadian
    Medical Association Journal", "JAMA: the journal of the American Medical Association"), the
    acronym alone and the rest alone."""
    if len(words) >= 4 and len(words[0]) >= 3 and words[0] == _initials(words[1:]):
        return [words, words[:1], words[1:]]
    return [words]


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words)


def _words_match(wa: list[str], wb: list[str]) -> bool:
    # An acronym of three or more letters for the full name: "BMJ", "British Medical Journal".
    if len(wa) == 1 and len(wb) >= 3 and len(wa[0]) == len(wb) and wa[0] == _initials(wb):
        return True
    if len(wb) == 1 and len(wa) >= 3 and len(wb[0]) == len(wa) and wb[0] == _initials(wa):
        return True
    if len(wa) != len(wb):
        # "Circulation" vs "Circulation Research" differ; a shared-word mismatch means no match.
        return False
    short, full = (wa, wb) if len("".join(wa)) <= len("".join(wb)) else (wb, wa)
    return all(_word_matches(s, f) for s, f in zip(short, full, strict=True))
