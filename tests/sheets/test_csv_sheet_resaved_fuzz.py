"""Seeded fuzz: a CSV sheet as the pipeline writes it, filled in and saved again the ways
spreadsheet programs save CSV (UTF-8 with or without its mark, UTF-16, Windows' cp1252 with
CRLF, Excel's "CSV (Macintosh)": Mac Roman with CR; comma, semicolon or tab; a line break typed
in a cell an LF, the cell quoted), reads back every value as typed."""

from __future__ import annotations

import random
from pathlib import Path

from livingreview.sheets import csv_text, read_sheet

#: authors as the pipeline writes them into a sheet: real names carry accented small letters
AUTHORS = ("Pérez, A.", "Müller, K.", "Ibáñez, J.", "Kurz, O.", "Smith, J.", "Lévesque, M.")
#: what reviewers type into notes: accents, quotes and dashes a program may put in, symbols
WORDS = (
    *("patient’s", "“good”", "‘fair’", "–", "—", "…", "Straße", "Løken", "Ørsted", "naïve"),
    *("café", "10 €", "n° 3", "±5 mg", "50 %", "a, b", "x; y", 'say "no"', "'quoted'"),
    *("Zoë", "Ça", "Ærø", "ok", "see p.", "12", "1/2", "tab\there", "end."),
)
#: (encoding, line end, delimiters) of the programs' CSV formats
FORMATS = (
    ("utf-8-sig", "\r\n", ",;\t"),  # Excel "CSV UTF-8", LibreOffice with the mark
    ("utf-8", "\n", ",;"),  # LibreOffice, Numbers
    ("utf-16", "\r\n", "\t,"),  # Excel "Unicode Text", LibreOffice "Unicode (UTF-16)"
    ("cp1252", "\r\n", ",;"),  # Excel on Windows "CSV (Comma delimited)"
    ("mac_roman", "\r", ",;"),  # Excel "CSV (Macintosh)"
)
COLUMNS = ["study_id", "decision", "notes", "authors"]


def _note(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.3:  # a line break typed in the cell (Alt+Enter): an LF in every format
        words.insert(rng.randrange(len(words) + 1), "\n")
    return " ".join(words).replace(" \n ", "\n").strip()


def _cell(value: str, delimiter: str) -> str:
    special = any(c in value for c in (delimiter, '"', "\r", "\n"))
    return '"' + value.replace('"', '""') + '"' if special else value


def _resaved(rows: list[list[str]], first: str, encoding: str, end: str, delimiter: str) -> bytes:
    """The sheet as a spreadsheet program saves it: the metadata line one cell of row 1."""
    width = len(rows[0])
    lines = [delimiter.join([_cell(first, delimiter), *[""] * (width - 1)])]
    lines += [delimiter.join(_cell(value, delimiter) for value in row) for row in rows]
    return (end.join(lines) + end).encode(encoding)


def test_a_csv_sheet_saved_again_by_any_program_reads_back_what_was_typed(tmp_path: Path) -> None:
    rng = random.Random(20261205)
    path = tmp_path / "sheet.csv"
    tried = 0
    for sample in range(400):
        typed = [
            {
                "study_id": f"S{sample:04d}{row}",
                "decision": rng.choice(("include", "exclude", "maybe", "")),
                "notes": _note(rng),
                "authors": "; ".join(rng.sample(AUTHORS, 2)),
            }
            for row in range(rng.randint(1, 5))
        ]
        written = csv_text(COLUMNS, typed, {"kind": "screening", "records": str(len(typed))})
        first = written.split("\n", 1)[0]
        encoding, end, delimiters = rng.choice(FORMATS)
        rows = [COLUMNS, *([item[c] for c in COLUMNS] for item in typed)]
        try:
            data = _resaved(rows, first, encoding, end, rng.choice(delimiters))
        except UnicodeEncodeError:  # a character this format cannot hold: not saved so
            continue
        tried += 1
        path.write_bytes(data)
        sheet = read_sheet(path, "Screening")
        assert sheet.meta == {"kind": "screening", "records": str(len(typed))}, (sample, encoding)
        assert [row[:4] for row in sheet.table] == rows, (sample, encoding)
    assert tried > 200
