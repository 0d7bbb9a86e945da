"""The export formats ``livingreview import`` reads, by name (outside :mod:`livingreview.imports`,
so that the command line lists them without loading every reader)."""

from __future__ import annotations

FORMATS = (
    "ris",
    "nbib",
    "bibtex",
    "wos",
    "csv",
    "pop_json",
    "ovid",
    "cochrane",
    "endnote_xml",
    "xlsx",
    "refer",
    "refworks",
    "csl_json",
    "ictrp_xml",
)
