"""A written sheet's bytes do not depend on the openpyxl release that wrote it.

openpyxl names itself with its version in ``docProps/app.xml`` (3.1.5: "Microsoft Excel
Compatible / Openpyxl 3.1.5"; 3.1.3: "Microsoft Excel"): left as written, every openpyxl release
would change every sheet, the committed demo sheets among them.
"""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

from livingreview.sheets import deterministic_zip
from livingreview.sheets.writing import APPLICATION


def _saved(application: str) -> bytes:
    """A one-cell workbook as openpyxl saves it, its writer's name replaced by ``application``."""
    wb = Workbook()
    wb.active["A1"] = "study"
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                body = re.sub(
                    rb"<Application>[^<]*<", f"<Application>{application}<".encode(), body
                )
            copy.writestr(info, body)
    return out.getvalue()


def test_two_openpyxl_releases_give_the_same_bytes() -> None:
    older = deterministic_zip(_saved("Microsoft Excel"))
    newer = deterministic_zip(_saved("Microsoft Excel Compatible / Openpyxl 3.1.5"))
    assert older == newer
    app = zipfile.ZipFile(io.BytesIO(newer)).read("docProps/app.xml")
    assert b"<Application>" + APPLICATION + b"</Application>" in app
