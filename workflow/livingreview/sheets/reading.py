"""Reading a returned sheet of either format, and the cache that skips unchanged .xlsx files."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from livingreview.fileio import atomic_write_text, source_digest
from livingreview.sheets.csv_sheet import read_csv_sheet
from livingreview.sheets.returned import ReturnedSheet
from livingreview.sheets.xlsx_read import read_xlsx_sheet

log = logging.getLogger(__name__)


def read_sheet(path: Path, title: str) -> ReturnedSheet:
    """Read a returned .xlsx (main sheet ``title``, else the first data sheet) or .csv."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_sheet(path, title)
    return read_csv_sheet(path)


class SheetCache:
    """What returned .xlsx files hold, kept by content in ``folder`` between runs.

    openpyxl needs seconds for a sheet of thousands of rows, and every run reads every round's
    returned sheets again; an unchanged file is read from its entry instead (keyed on the file's
    SHA-256, the sheet title, this package's code and openpyxl's version; an entry starts with the
    SHA-256 of the rest, so one edited or damaged since is not used). Every check still runs on
    what is read. The cache only saves time: a missing or damaged entry means reading the file.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[Path] = set()

    def read(self, path: Path, title: str) -> ReturnedSheet:
        """:func:`read_sheet`, from the cache when the file was read before."""
        if path.suffix.lower() != ".xlsx":
            return read_sheet(path, title)
        from importlib.metadata import version

        data = path.read_bytes()  # hashed and parsed: one version of a file being replaced
        content = hashlib.sha256(data).hexdigest()
        code = sorted(Path(__file__).parent.glob("*.py"))  # all of the package, read or write
        key = source_digest(code, content, title, version("openpyxl"))
        entry = self.folder / f"{key}.json"
        self.used.add(entry)
        try:
            check, _, body = entry.read_text(encoding="utf-8").partition("\n")
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != check:
                raise ValueError("entry edited or damaged")  # read the file instead
            kept = json.loads(body)
            ids = kept["ids"]
            unread = tuple(str(message) for message in kept["unread"])
            for message in unread:  # named in every run, as when the file is read
                log.warning("%s", message)
            return ReturnedSheet(
                path,
                kept["table"],
                kept["meta"],
                None if ids is None else [tuple(i) for i in ids],
                kept["saved_at"],
                header_row=kept["header_row"],  # 2 in a CSV sheet saved as .xlsx
                dates=frozenset((row, column) for row, column in kept["dates"]),
                unread=unread,
            )
        except (OSError, ValueError, KeyError, TypeError):
            pass
        sheet = read_xlsx_sheet(path, title, data)
        fields = ("table", "meta", "ids", "saved_at", "header_row")
        kept = {name: getattr(sheet, name) for name in fields} | {
            "dates": sorted(sheet.dates),
            "unread": list(sheet.unread),
        }
        body = json.dumps(kept, ensure_ascii=False)
        check = hashlib.sha256(body.encode("utf-8")).hexdigest()
        try:  # the digest of the rest first: an entry edited since is not used
            atomic_write_text(entry, f"{check}\n{body}", durable=False)
        except OSError as exc:  # the cache only saves time
            log.info("%s: sheet cache not written (%s)", entry, exc)
        return sheet

    def prune(self) -> None:
        """Delete the entries of files no longer returned (read since this cache was made)."""
        if self.folder.is_dir():
            for entry in self.folder.glob("*.json"):
                if entry not in self.used:
                    try:
                        entry.unlink(missing_ok=True)
                    except OSError as exc:  # the cache only saves time
                        log.info("%s: sheet cache entry not deleted (%s)", entry, exc)


def listed_count(path: Path) -> int | None:
    """How many rows a sheet the pipeline wrote lists for its reader (its metadata's
    ``records``), read from the metadata alone (the hidden ``_meta`` tab of an .xlsx, the first
    line of a .csv); None when the file or the count cannot be read."""
    from livingreview.sheets.csv_sheet import csv_meta
    from livingreview.sheets.layout import META_SHEET
    from livingreview.sheets.xlsx_read import open_workbook

    try:
        if path.suffix.lower() != ".xlsx":
            with path.open(encoding="utf-8-sig") as handle:
                meta = csv_meta(handle.readline()) or {}
        else:
            wb = open_workbook(path.read_bytes())
            try:
                rows = wb[META_SHEET].iter_rows(max_col=2, values_only=True)
                meta = {str(k): str(v) for k, v in rows if k == "records"}
            finally:
                wb.close()
    except Exception:  # openpyxl raises many types; `where` prints no count for such a file
        return None
    records = meta.get("records", "")
    return int(records) if records.isdigit() else None
