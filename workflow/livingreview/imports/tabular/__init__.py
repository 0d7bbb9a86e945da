"""Tabular exports: CSV flavours told apart by their header, and Publish or Perish JSON.

CSV flavours: Scopus, Lens.org, PubMed web ("Save > CSV"), OpenAlex web UI (flattened dotted
columns, ``|``-joined lists), Publish or Perish (Google Scholar), Web of Science tab-delimited
(tags as column names), ClinicalTrials.gov downloads (register records), and a generic table
with a title column (IEEE Xplore, Dimensions, Embase, Springer Link, Zotero, Web of Science saved
from Excel ...). The header row is the first of the first lines with a title column (Dimensions
and Embase write lines above it); the delimiter (comma, tab or semicolon) is taken from it. Cells
holding ``NA`` (written by R and some exporters) count as empty.

The modules of this package hold one concern each; the import registry and the other readers use
the names below.
"""

from livingreview.imports.tabular.columns import csv_flavour
from livingreview.imports.tabular.csv_text import (
    csv_source,
    scan_csv,
    sheet_header_index,
    sniff_delimiter,
)
from livingreview.imports.tabular.flavours import rebuild_abstract
from livingreview.imports.tabular.pop_json import parse_json, scan_json
from livingreview.imports.tabular.rows import parse_csv, parse_sheet

__all__ = [
    "csv_flavour",
    "csv_source",
    "parse_csv",
    "parse_json",
    "parse_sheet",
    "rebuild_abstract",
    "scan_csv",
    "scan_json",
    "sheet_header_index",
    "sniff_delimiter",
]
