"""One record from a row of each named exporter's table (Scopus, Lens, PubMed, OpenAlex ...)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import pairwise

from livingreview.imports import wos
from livingreview.imports.tabular.columns import CellError, Getter
from livingreview.imports.tabular.generic import generic_record
from livingreview.imports.text import join_pages, normalise_issns, split_values
from livingreview.records import Record, author_name
from livingreview.register_ids import find_register_ids, listed_ids


def _scopus(get: Getter) -> Record:
    full = [re.sub(r"\s*\(\d+\)$", "", n) for n in split_values(get("Author full names"), ";")]
    short = get("Authors")
    authors = full or split_values(short, ";" if ";" in short else ",")
    authors = [a for a in authors if "no author name available" not in a.lower()]
    abstract = get("Abstract")
    if abstract.lower().startswith("[no abstract available"):
        abstract = ""
    eid = get("EID") or _match(r"[?&]eid=([\w.-]+)", get("Link"))
    return Record(
        source_id=eid,
        pmid=get("PubMed ID"),
        doi=get("DOI"),
        title=get("Title"),
        abstract=abstract,
        authors=authors,
        year=get("Year"),
        journal=get("Source title"),
        volume=get("Volume"),
        issue=get("Issue"),
        pages=join_pages(get("Page start"), get("Page end"), get("Art. No.")),
        issn=normalise_issns([get("ISSN")]),
        publication_types=split_values(get("Document Type"), ";"),
        keywords=split_values(get("Author Keywords"), ";")
        + split_values(get("Index Keywords"), ";"),
        language=get("Language of Original Document"),
        url=get("Link"),
    )


def _lens(get: Getter) -> Record:
    urls = get("Source URLs").split()
    return Record(
        source_id=get("Lens ID"),
        pmid=get("PMID"),
        pmcid=get("PMCID"),
        doi=get("DOI"),
        title=get("Title"),
        abstract=get("Abstract"),
        authors=[author_name(a, given_first=True) for a in split_values(get("Author/s"), ";")],
        year=get("Publication Year", "Date Published"),
        journal=get("Source Title"),
        volume=get("Volume"),
        issue=get("Issue Number"),
        pages=join_pages(get("Start Page"), get("End Page")),
        issn=normalise_issns([get("ISSNs")]),
        publication_types=split_values(get("Publication Type"), ";"),
        keywords=split_values(get("Keywords"), ";") + split_values(get("MeSH Terms"), ";"),
        url=urls[0] if urls else get("External URL"),
    )


_CITATION = re.compile(
    r";\s*(?P<volume>[^:;()]+?)?\s*(?:\((?P<issue>[^)]*)\))?:(?P<pages>[^.;\s]+)"
)


def _pubmed(get: Getter) -> Record:
    citation = re.search(_CITATION, get("Citation"))
    parts = citation.groupdict() if citation else {}
    return Record(
        source_id=get("PMID"),
        pmid=get("PMID"),
        pmcid=get("PMCID"),
        doi=get("DOI"),
        title=get("Title"),
        authors=[a.strip().rstrip(".") for a in split_values(get("Authors"), ",")],
        year=get("Publication Year", "Create Date"),
        journal=get("Journal/Book"),
        volume=(parts.get("volume") or "").strip(),
        issue=parts.get("issue") or "",
        pages=parts.get("pages") or "",
    )


def rebuild_abstract(value: str) -> str:
    """Plain text from an OpenAlex ``abstract_inverted_index``; plain text is returned as is."""
    if not value.lstrip().startswith("{"):
        return value
    try:
        index = json.loads(value)
    except ValueError:
        return value
    if not isinstance(index, dict):
        return value
    words: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int):
                words[position] = word
    return " ".join(words[i] for i in sorted(words))


def _openalex(get: Getter) -> Record:
    work_id = get("id")
    return Record(
        source_id=re.sub(r"^https?://openalex\.org/", "", work_id),
        pmid=get("ids.pmid"),
        pmcid=get("ids.pmcid"),
        doi=get("doi", "ids.doi"),
        title=get("display_name", "title"),
        abstract=rebuild_abstract(get("abstract", "abstract_inverted_index")),
        # a person's display name is given name first: family first as every other source has
        # it; a group's name ("RECOVERY Collaborative Group") is kept as it is
        authors=[
            author_name(a, given_first=True)
            for a in split_values(get("authorships.author.display_name"), "|")
        ],
        year=get("publication_year", "publication_date"),
        journal=get("primary_location.source.display_name", "host_venue.display_name"),
        volume=get("biblio.volume"),
        issue=get("biblio.issue"),
        pages=join_pages(get("biblio.first_page"), get("biblio.last_page")),
        issn=normalise_issns(
            split_values(get("primary_location.source.issn_l"), "|")
            + split_values(get("primary_location.source.issn"), "|")
        ),
        publication_types=split_values(get("type"), "|"),
        keywords=split_values(get("keywords.display_name"), "|"),
        language=get("language"),
        url=get("primary_location.landing_page_url") or work_id,
    )


def pop_record(get: Getter, author_list: list[str] | None = None) -> Record:
    """Publish or Perish, from CSV columns or JSON keys (the getter accepts both spellings).

    Google Scholar writes each person initials first (``AG Meyer``): family first as every other
    source has it (``Meyer, AG``); the ``...`` placeholder for more authors is dropped.
    """

    def number(*names: str) -> str:
        value = get(*names)
        return "" if value in {"0", "0.0"} else value

    if author_list is None:
        author_list = split_values(get("authors"), ",")
    article_url = get("article_url", "ArticleURL")
    cites_url = get("cites_url", "CitesURL")
    cites_id = _match(r"[?&]cites=(\d+)", cites_url)
    return Record(
        source_id=get("uid") or (f"GS:{cites_id}" if cites_id else ""),
        doi=get("doi") or (article_url if "doi.org/" in article_url else ""),
        title=get("title"),
        abstract=get("abstract"),
        authors=[author_name(a, given_first=True) for a in author_list if a.strip(" .…")],
        year=number("year"),
        journal=get("source"),
        volume=number("volume"),
        issue=number("issue"),
        pages=join_pages(number("startpage", "start_page"), number("endpage", "end_page")),
        issn=normalise_issns([get("issn")]),
        publication_types=split_values(get("type"), ";"),
        url=article_url,
    )


_WOS_TAB_COLUMNS = (
    *("PT", "AU", "AF", "TI", "SO", "VL", "IS", "BP", "EP", "AR", "PS", "DI", "D2", "PM"),
    *("UT", "AN", "PY", "PD", "EA", "SN", "EI", "DE", "ID", "DT", "LA", "AB"),
)


def _wos_tab(get: Getter) -> Record:
    return wos.build_record({tag: [get(tag)] for tag in _WOS_TAB_COLUMNS})


def _springer(get: Getter) -> Record:
    """Springer Link's search export: its columns as any table's, its authors split apart."""
    record = generic_record(get)
    record.authors = [
        author_name(_TITLES.sub("", name), given_first=True)
        for name in run_together_names(get("Authors"))
    ]
    return record


#: Titles Springer Link puts before an editor's name (``Prof. Dr. Osvaldo Gervasi``).
_TITLES = re.compile(r"^(?:(?:Univ\.-)?Prof\.\s+|Dr\.(?:-Ing\.)?\s+|Ph\.D\.\s+)+")
#: Family names whose capital follows a lower-case prefix (``McKee``, ``DeVito``, ``AlQahtani``).
_CAMEL_PREFIXES = frozenset(
    {"mc", "mac", "de", "di", "da", "du", "le", "la", "van", "von", "fitz", "al", "el"}
)
#: Of those, the prefixes that are no family name of their own: a name never ends with them
#: (``Jane McKee Smith``).
_BOUND_PREFIXES = frozenset({"mc", "fitz"})
#: Camel-cased family names whose prefix is a family name of its own too (``Le``, ``Du``,
#: ``Da`` ...), by their prefix: these words after the prefix go on with the name even when more
#: words follow (``Jane LeBlanc Smith``), where another word would start the next author
#: (``Thi LeJohn Smith``). A word that is also a common given name is left out (``DeMarco``,
#: ``LeDuc``, ``MacNeil``): after an author named ``De`` or ``Le`` it is the next author's
#: (``Sourav DeMarco Rossi`` is ``Sourav De`` and ``Marco Rossi``, ``Thi LeDuc Minh Tran``
#: ``Thi Le`` and ``Duc Minh Tran``).
_COMPOUND_TAILS: dict[str, frozenset[str]] = {
    "le": frozenset(
        """blanc clair clerc beau bel blond boeuf brun compte comte doux fevre febvre grand gros
        maire moine noir page roux sage tourneau vasseur""".split()  # noqa: SIM905
    ),
    "la": frozenset("belle croix fontaine mont porte rue salle tour".split()),  # noqa: SIM905
    "de": frozenset(
        """angelis boer graaf groot haan jong nardo santis silva souza vries witt
        wolfe""".split()  # noqa: SIM905
    ),
    "di": frozenset("maggio napoli".split()),  # noqa: SIM905
    "du": frozenset("bois four mont plessis pont pre puis".split()),  # noqa: SIM905
    "da": frozenset("costa cruz cunha silva vinci".split()),  # noqa: SIM905
    "mac": frozenset(
        """dougall farlane innes intyre kenzie kinnon lean leod millan pherson""".split()  # noqa: SIM905
    ),
}
#: Where a name ends whatever follows: a suffix (``John Smith Jr.Jane Doe``, ``Smith IIIJane``)
#: or a name written in Chinese, Japanese or Korean script after the Latin one (``Jing Hou
#: 侯景Shi Sun``) before the capital of the next author.
_HARD_END = re.compile(
    r"(?:(?<=\s)(?:Jr|Sr)\.(?=[A-Z])|(?<=\s)(?:II|III|IV)(?=[A-Z][a-z])"
    r"|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff](?=[A-Z]))"
)


def run_together_names(value: str) -> list[str]:
    """Springer Link's ``Authors`` cell, which writes the names given name first one right after
    another (``Jane DoeRick Roe``), as a list: a new name starts where a capital follows a
    lower-case letter, but inside ``McKee``-like family names (a prefix followed by one word),
    and always after a suffix or a name in CJK script (:data:`_HARD_END`). A prefix that is a
    surname of its own (``Thi LeJohn Smith``, ``Wei DuJane Roe``) ends a name when a whole name
    (two words or more) follows, unless it and the next word are a known family name
    (:data:`_COMPOUND_TAILS`); ``Mc`` and ``Fitz`` never do. A cell holding ``;`` is split on
    it."""
    if ";" in value:
        return split_values(value, ";")
    hard = {m.end() for m in _HARD_END.finditer(value)}
    cuts = [
        i
        for i in range(1, len(value))
        if i in hard or (value[i - 1].islower() and value[i].isupper())
    ]
    names, start = [], 0
    for i, end in pairwise([*cuts, len(value)]):
        if i in hard or _ends_a_name(value[start:i].rsplit(" ", 1)[-1], value[i:end]):
            names.append(value[start:i])
            start = i
    names.append(value[start:])
    return [name.strip() for name in names if name.strip()]


def _ends_a_name(word: str, after: str) -> bool:
    """Whether the name's last ``word`` so far, before a capital, ends the name, ``after`` being
    the text up to the next capital that follows a lower-case letter."""
    prefix = word.casefold()
    if prefix not in _CAMEL_PREFIXES:
        return True
    if prefix in _BOUND_PREFIXES or " " not in after.strip():
        return False
    tail = after.split(" ", 1)[0].casefold()
    return tail not in _COMPOUND_TAILS.get(prefix, frozenset())


_NCT = re.compile(r"NCT\d{8}")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


def _ctgov(get: Getter) -> Record:
    """A ClinicalTrials.gov download, current (``Study Title``) or classic (``Title``, ``URL``).

    A register record: no authors or journal article; the year is when the study was first
    posted (else its start); conditions and interventions (``|``-joined) are its keywords; the
    trial's ids in other registers, among its ``Other IDs`` (a EudraCT number, an ISRCTN ...),
    its register ids.
    """
    nct = get("NCT Number")
    if not _NCT.fullmatch(nct):
        raise CellError("NCT Number", f"expected an NCT number (NCT and 8 digits), found {nct!r}")
    years = [
        m.group() for v in (get("First Posted"), get("Start Date")) for m in [_YEAR.search(v)] if m
    ]
    return Record(
        source_id=nct,
        title=get("Study Title", "Title"),
        abstract=get("Brief Summary"),
        year=years[0] if years else "",
        journal="ClinicalTrials.gov",
        publication_types=["Trial registration", *split_values(get("Study Type"), "|")],
        keywords=split_values(get("Conditions"), "|") + split_values(get("Interventions"), "|"),
        url=get("Study URL", "URL"),
        register_ids=listed_ids([get("Other IDs")], own=[nct]),
    )


#: How the WHO ICTRP joins several conditions or interventions in one cell (the parts are
#: stripped after the split: spaces around the separator in the pattern took quadratic time on a
#: long run of them).
_ICTRP_LIST = re.compile(r";|<br\s*/?>|\n", re.IGNORECASE)


def _ictrp(get: Getter) -> Record:
    """A WHO ICTRP search export (``TrialID, ..., Public title, Scientific title ...``).

    A register record as ClinicalTrials.gov's: its public title (the brief title, as
    ClinicalTrials.gov's own download gives it) else its scientific one, the year it was
    registered, the register it came from as the journal, conditions and interventions as
    keywords, and the register ids among its secondary ids (:data:`ICTRP_SECONDARY_IDS`: the
    trial's ids in other registers) as its register ids.
    """
    trial = get("TrialID")
    if not trial:
        raise CellError("TrialID", "expected the trial's register id (NCT01234567, ISRCTN...)")
    return Record(
        source_id=trial,
        title=get("Public title", "Scientific title"),
        year=_registered_year(get("Date registration3"), get("Date registration")),
        journal=get("Source Register"),
        publication_types=["Trial registration", *split_values(get("Study type"), ";")],
        keywords=[
            part.strip()
            for column in ("Condition", "Intervention")
            for part in _ICTRP_LIST.split(get(column))
            if part.strip()
        ],
        url=get("web address"),
        register_ids=listed_ids([get(*ICTRP_SECONDARY_IDS)], own=find_register_ids(trial)),
    )


#: The column of an ICTRP export listing a trial's other ids (its ids in other registers, the
#: sponsor's protocol number ...), as the CSV or the XML (underscores for spaces) names it.
ICTRP_SECONDARY_IDS = ("Secondary ID", "Secondary IDs", "SecondaryIDs", "Secondary ID(s)")


def _registered_year(compact: str, written: str) -> str:
    """The year an ICTRP trial was registered: from ``Date registration3`` (``20200115``), else
    from ``Date registration`` as the register wrote it (``15/01/2020``, ``2020-01-15``)."""
    if re.fullmatch(r"(?:1[89]|20)\d{6}", compact):
        return compact[:4]
    found = _YEAR.search(written)
    return found.group() if found else ""


BUILDERS: dict[str, Callable[[Getter], Record]] = {
    "scopus": _scopus,
    "lens": _lens,
    "pubmed": _pubmed,
    "openalex": _openalex,
    "pop": pop_record,
    "wos_tab": _wos_tab,
    "ctgov": _ctgov,
    "ictrp": _ictrp,
    "springer": _springer,
    "generic": generic_record,
}


def _match(pattern: str, value: str) -> str:
    found = re.search(pattern, value)
    return found.group(1) if found else ""
