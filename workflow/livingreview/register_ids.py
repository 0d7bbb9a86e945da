"""Trial register ids: found in text and written in one exact form, so that two records of one
trial compare equal and two trials never do.

Each id is written as its register writes it: ``NCT`` + 8 digits, ``ISRCTN`` + 8 digits,
``ACTRN`` + 14 digits, ``DRKS`` + 8 digits, ``EUCTR`` + the EudraCT number (``yyyy-nnnnnn-nn``,
without the EU register's country suffix ``-GB``, ``-3RD``), ``CTIS`` + the EU CT number
(``yyyy-5nnnnn-nn-nn``), ``ChiCTR`` (+ the old type code of two to five letters:
``ChiCTR-IOR-15006789``, ``ChiCTR-ONRC-11001444``), ``CTRI/yyyy/mm/nnnnnn``, ``IRCT`` ... ``N1``,
``JPRN-UMIN`` / ``JPRN-C`` (UMIN's early ids) / ``JPRN-jRCT`` / ``JPRN-JapicCTI-`` /
``JPRN-JMA-IIA``, ``KCT``, ``PACTR``, ``TCTR``, ``NTR``, ``RBR-``, ``SLCTR/yyyy/nnn``, ``LBCTR``,
and the WHO Universal Trial Number ``U1111-nnnn-nnnn`` that several registers list.

A bare EudraCT or EU CT number (``2010-012345-12``) is a register id only in a field that holds
ids (:func:`find_register_ids` with ``id_field=True``: ClinicalTrials.gov's "Other IDs", the
ICTRP's secondary ids); in free text it needs its register's name (``EudraCT 2010-012345-12``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EUDRACT = r"20\d\d-\d{6}-\d{2}(?!\d|-\d\d)"  # not an EU CT number's start
_EU_CT = r"20\d\d-5\d{5}-\d{2}-\d{2}(?!\d)"
_EU_NAME = r"(?:EUCTR|EudraCT(?:[ ]?(?:number|no\.?|nr\.?|id))?)[ :#-]*"
_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"NCT[ ]?(?P<nct>\d{8})"
    r"|ISRCTN[ ]?(?P<isrctn>\d{8})"
    r"|ACTRN[ ]?(?P<actrn>\d{14})"
    r"|DRKS[ ]?(?P<drks>\d{8})"
    rf"|(?:CTIS|EU[ ]?CT(?:[ ]?(?:number|no\.?))?|{_EU_NAME})[ :#-]*(?P<euct>{_EU_CT})"
    rf"|{_EU_NAME}(?P<eudract>{_EUDRACT})"
    r"|(?P<bare_euct>" + _EU_CT + r")"
    r"|(?P<bare_eudract>(?<![\d-])" + _EUDRACT + r")"
    r"|ChiCTR(?:-?(?P<chictr_code>[A-Z]{2,5})-?)?(?P<chictr>\d{8,10})"
    r"|CTRI/(?P<ctri>\d{4}/\d{2,3}/\d{6})"
    r"|IRCT(?P<irct>\d+N\d+)"
    r"|(?:JPRN-)?(?:UMIN(?P<umin>\d{9})|jRCT(?P<jrct>[a-z]?\d{7,10})"
    r"|JapicCTI-?(?P<japic>\d{6})|JMA-?IIA(?P<jma>\d{5}))"
    r"|JPRN-C(?P<umin_c>\d{9})"
    r"|KCT(?P<kct>\d{7})"
    r"|PACTR(?P<pactr>\d{15})"
    r"|TCTR(?P<tctr>\d{11})"
    r"|NTR(?P<ntr>\d{3,5})"
    r"|RBR-(?P<rbr>[a-z0-9]{6,8})"
    r"|SLCTR/(?P<slctr>\d{4}/\d{3})"
    r"|LBCTR(?P<lbctr>\d{10})"
    r"|U1111-(?P<utn>\d{4}-\d{4})"
    r")(?![0-9])",
    re.IGNORECASE,
)
#: How each register writes its ids: the text before the number (named group -> prefix).
_PREFIX = {
    "nct": "NCT",
    "isrctn": "ISRCTN",
    "actrn": "ACTRN",
    "drks": "DRKS",
    "euct": "CTIS",
    "bare_euct": "CTIS",
    "eudract": "EUCTR",
    "bare_eudract": "EUCTR",
    "ctri": "CTRI/",
    "irct": "IRCT",
    "umin": "JPRN-UMIN",
    "umin_c": "JPRN-C",
    "jrct": "JPRN-jRCT",
    "japic": "JPRN-JapicCTI-",
    "jma": "JPRN-JMA-IIA",
    "kct": "KCT",
    "pactr": "PACTR",
    "tctr": "TCTR",
    "ntr": "NTR",
    "rbr": "RBR-",
    "slctr": "SLCTR/",
    "lbctr": "LBCTR",
    "utn": "U1111-",
}
_BARE = ("bare_euct", "bare_eudract")
#: The register (namespace) of a written id: one trial has one id in each.
_NAMESPACE = re.compile(r"U1111|JPRN-(?:UMIN|jRCT|JapicCTI|JMA|C(?=\d))|[A-Za-z]+")


def _written(match: re.Match[str]) -> str:
    """The id a match found, written as its register writes it."""
    if match.group("chictr"):
        code = (match.group("chictr_code") or "").upper()
        return f"ChiCTR-{code}-{match.group('chictr')}" if code else f"ChiCTR{match['chictr']}"
    name = next(key for key in _PREFIX if match.group(key))
    value = match.group(name)
    if name in ("jrct", "rbr"):
        value = value.lower()  # jRCTs031180001, RBR-7b6cq6
    elif name == "irct":
        value = value.upper()
    return _PREFIX[name] + value


def find_register_ids(*texts: str, id_field: bool = False) -> list[str]:
    """The trial register ids in ``texts``, each written as its register writes it, in order,
    each once (``id_field``: the texts are a field of ids, where a bare EudraCT or EU CT number
    counts too)."""
    found = (
        _written(match)
        for text in texts
        if text
        for match in _PATTERN.finditer(text)
        if id_field or not any(match.group(name) for name in _BARE)
    )
    return list(dict.fromkeys(found))


def namespace(register_id: str) -> str:
    """The register an id written by :func:`find_register_ids` belongs to (``NCT``, ``EUCTR``,
    ``JPRN-UMIN`` ...): a trial has at most one id in each."""
    found = _NAMESPACE.match(register_id)
    return found.group() if found else register_id


def listed_ids(values: Iterable[str], own: Iterable[str] = ()) -> list[str]:
    """The register ids of a field of ids (each value read as :func:`find_register_ids` with
    ``id_field``), without the record's ``own`` ids."""
    skip = set(own)
    return [rid for rid in find_register_ids(*values, id_field=True) if rid not in skip]


#: Databanks whose accession numbers are bare EudraCT or EU CT numbers (PubMed's ``EudraCT``).
_EU_BANKS = ("eudract", "euctr", "ctis", "eu ct")


def databank_ids(bank: str, accessions: Iterable[str]) -> list[str]:
    """The register ids of a databank link an article record gives (PubMed's DataBankList,
    MEDLINE's ``SI - ClinicalTrials.gov/NCT01234567``): a bare number counts for a EudraCT or EU
    CT bank only; other banks (GenBank ...) give none."""
    return find_register_ids(*accessions, id_field=bank.strip().casefold().startswith(_EU_BANKS))


def secondary_source_ids(values: Iterable[str]) -> list[str]:
    """The register ids of MEDLINE's ``SI`` values (``bank/accession``)."""
    found = (rid for v in values for rid in databank_ids(*_bank_split(v)))
    return list(dict.fromkeys(found))


def _bank_split(value: str) -> tuple[str, list[str]]:
    bank, _, accession = value.partition("/")
    return (bank, [accession]) if accession else ("", [value])
