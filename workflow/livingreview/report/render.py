"""Rendering the evidence summary: ``index.html`` (self-contained) and ``report.md``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from livingreview.fileio import atomic_write_text, csv_table_text
from livingreview.report import changes, checklist
from livingreview.report.context import (
    NEXUS_EVIDENCE_COLUMNS,
    NEXUS_EVIDENCE_CSV,
    NEXUS_RISKS_COLUMNS,
    NEXUS_RISKS_CSV,
    collect,
    nexus_evidence_fields,
    nexus_evidence_rows,
    nexus_risk_choices,
    nexus_risk_rows,
    read_outputs,
)

HTML_NAME = "index.html"
MARKDOWN_NAME = "report.md"
CHANGELOG_NAME = changes.CHANGELOG_NAME


def _md_cell(value: object) -> str:
    """A value made safe for one Markdown table cell: each line's whitespace collapsed, its
    lines (a note typed on several) joined by ``<br>``, as a line break would end the row."""
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    return "<br>".join(_md_escaped(line) for line in lines if line)


def _md_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _html_lines(value: object) -> Markup:
    """A value for an HTML page, escaped, its line breaks (a note typed on several lines)
    shown as ``<br>``."""
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


def _md_code(value: object) -> str:
    """A value shown exactly as code in one Markdown table cell (a search strategy): its
    whitespace collapsed, as the HTML page shows it, in a code span that no backtick in it ends,
    with ``|`` escaped for the table (GitHub reads ``\\|`` in a code span as ``|``)."""
    text = " ".join(str(value).split())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return fence + pad + text.replace("|", "\\|") + pad + fence


def _percent(value: object) -> str:
    """A percentage written by a stage (``92.6174``) as ``92.6%``; text is kept as it is."""
    try:
        return f"{float(str(value)):.1f}%"
    except ValueError:
        return str(value)


def _decimal(value: object, places: int = 2) -> str:
    """A number written by a stage, rounded for reading; text is kept as it is."""
    try:
        return f"{float(str(value)):.{places}f}"
    except ValueError:
        return str(value)


@functools.cache
def _environment(html: bool, compiled: Path | None = None) -> Environment:
    """The Jinja environment (one per process and kind: its templates compile once);
    ``compiled``: the folder of the templates compiled in earlier runs (:mod:`.template_cache`)."""
    from livingreview.report.template_cache import TemplateCache

    env = Environment(
        loader=PackageLoader("livingreview", "report/templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False)
        if html
        else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=None if compiled is None else TemplateCache(compiled),
    )
    env.filters["md"] = _md_cell
    env.filters["lines"] = _html_lines
    env.filters["md_code"] = _md_code
    env.filters["percent"] = _percent
    env.filters["decimal"] = _decimal
    return env


def _stylesheet() -> Markup:
    css = files("livingreview.report").joinpath("templates/style.css").read_text(encoding="utf-8")
    return Markup(css)


def _compiled(outputs: Path | None, html: bool) -> Environment:
    """The environment of a kind, with the templates compiled under ``outputs`` when given."""
    from livingreview.report.template_cache import cache_folder

    return _environment(html, None if outputs is None else cache_folder(outputs, html))


def render(context: Mapping[str, Any], outputs: Path | None = None) -> tuple[str, str]:
    """The HTML page and the Markdown twin for one context from :func:`collect` (``outputs``:
    where the templates compiled in earlier runs are kept)."""
    html = (
        _compiled(outputs, html=True)
        .get_template("index.html")
        .render(**context, stylesheet=_stylesheet(), inline_svg=Markup)
    )
    markdown = _compiled(outputs, html=False).get_template("report.md").render(**context)
    return html, markdown


def render_checklist(context: Mapping[str, Any], outputs: Path | None = None) -> str:
    """``prisma_checklist.md``: the reporting checklist of one context from :func:`collect`."""
    return _compiled(outputs, html=False).get_template("prisma_checklist.md").render(**context)


def _write_pages(
    config: Mapping[str, Any], outputs: Path, out_dir: Path, read: Mapping[str, Any]
) -> dict[str, Any]:
    context = collect(config, outputs, out_dir, read)
    html, markdown = render(context, outputs)
    atomic_write_text(out_dir / HTML_NAME, html)
    atomic_write_text(out_dir / MARKDOWN_NAME, markdown)
    return context


def write_report(config: Mapping[str, Any], outputs: Path, out_dir: Path) -> Path:
    """Render the report from ``outputs`` into ``out_dir`` with ``changelog.csv`` (every
    version's changes), the reporting checklist (``prisma_checklist.csv``, ``.md``), when the
    Nexus risks are choices ``nexus_risks.csv`` and, when the Nexus levels and evidence fields
    are set, ``nexus_evidence.csv``; returns the HTML path."""
    return _write_report(config, outputs, out_dir, read_outputs(outputs))


def _write_report(
    config: Mapping[str, Any], outputs: Path, out_dir: Path, read: Mapping[str, Any]
) -> Path:
    context = _write_pages(config, outputs, out_dir, read)
    changes.write_changelog(out_dir / CHANGELOG_NAME, context["changelog"])
    checklist.write(out_dir, context["checklist"]["rows"], render_checklist(context, outputs))
    _write_nexus_risks(config, context, out_dir)
    _write_nexus_evidence(config, context, out_dir)
    return out_dir / HTML_NAME


def _write_nexus_risks(
    config: Mapping[str, Any], context: Mapping[str, Any], out_dir: Path
) -> None:
    """``nexus_risks.csv``: the Nexus section's studies per risk and level (its header alone
    while extraction is pending); a table left from a protocol whose risks were choices is
    removed once they are free text (there is no table then)."""
    rows = nexus_risk_rows if nexus_risk_choices(config) else None
    _write_nexus_table(out_dir / NEXUS_RISKS_CSV, context, "crosstab", rows, NEXUS_RISKS_COLUMNS)


def _write_nexus_evidence(
    config: Mapping[str, Any], context: Mapping[str, Any], out_dir: Path
) -> None:
    """``nexus_evidence.csv``: the Nexus section's studies per evidence field, answer and level
    (its header alone while extraction is pending); removed when the protocol no longer sets
    both the levels and evidence fields (there is no such table then)."""
    rows = nexus_evidence_rows if nexus_evidence_fields(config) else None
    _write_nexus_table(
        out_dir / NEXUS_EVIDENCE_CSV, context, "by_level", rows, NEXUS_EVIDENCE_COLUMNS
    )


def _write_nexus_table(
    path: Path,
    context: Mapping[str, Any],
    key: str,
    rows_of: Callable[[Any], list[dict[str, object]]] | None,
    columns: Sequence[str],
) -> None:
    """One of the Nexus section's tables as CSV (``rows_of`` its rows from the section's
    ``key`` data); the file removed when the protocol has no such table (``rows_of`` None)."""
    if rows_of is None:
        path.unlink(missing_ok=True)
        return
    section = next(s for s in context["sections"] if s.id == "nexus")
    rows = rows_of((section.data or {}).get(key))
    atomic_write_text(path, csv_table_text(columns, ([row[c] for c in columns] for row in rows)))


def publish(config: Mapping[str, Any], outputs: Path, out_dir: Path) -> Path:
    """This version's report in ``out_dir`` and its kept copy with the frozen state in
    ``<history_dir>/<version>/report/`` (:mod:`livingreview.report.changes`), each page linking
    to the earlier versions' kept reports; returns the HTML path in ``out_dir``."""
    read = read_outputs(outputs)  # once: the pages written here are not among its inputs
    page = _write_report(config, outputs, out_dir, read)
    kept = changes.state_dir(config)
    context = _write_pages(config, outputs, kept, read)
    checklist.write(kept, context["checklist"]["rows"], render_checklist(context, outputs))
    changes.freeze(config, read, context["changelog"])
    return page
