"""Plot a robvis-format table from the command line: one figure file, or all into a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from livingreview.errors import LivingReviewError
from livingreview.fileio import atomic_write_bytes
from livingreview.rob.plots import png_bytes, summary, svg_bytes, traffic_light
from livingreview.rob.tables import (
    OverallDifference,
    RobTable,
    overall_differences,
    read_table,
    with_overall,
    write_table,
)
from livingreview.rob.tools import get_tool

KINDS = ("traffic-light", "summary")
FORMATS = (".svg", ".png")


@dataclass(frozen=True)
class PlotResult:
    """What was written and which studies' Overall departs from the tool's rule."""

    table: RobTable
    written: list[Path]
    overrides: list[OverallDifference]


def _figure(table: RobTable, kind: str, palette: str, weighted: bool) -> Figure:
    if kind == "traffic-light":
        return traffic_light(table, palette)
    if weighted and not table.has_weight:
        raise LivingReviewError(
            f"{table.source}: --weighted needs a numeric Weight column as the last column"
        )
    return summary(table, weighted, palette)


def _write(figure: Figure, path: Path) -> Path:
    data = svg_bytes(figure) if path.suffix == ".svg" else png_bytes(figure)
    atomic_write_bytes(path, data)
    return path


def plot_table(
    path: Path,
    tool_name: str,
    out: Path,
    *,
    kind: str = "traffic-light",
    palette: str = "cochrane",
    weighted: bool = False,
) -> PlotResult:
    """Read and validate ``path``; write ``out`` (.svg/.png) or, for a folder, every figure.

    A folder gets ``traffic_light``, ``summary`` (and ``summary_weighted`` when the table has
    weights) as SVG and PNG, plus ``rob_table.csv``: the table as read, Overall filled in from
    the tool's rule where the table had none. ``nos`` reads a Newcastle-Ottawa table instead
    (:mod:`~livingreview.rob.nos_tables`): its plots are of the AHRQ conversion, and the folder
    gets ``nos_table.csv``, the table scored.
    """
    if tool_name == "nos":
        return _plot_nos(path, out, kind, palette, weighted)
    table = read_table(path, get_tool(tool_name))
    overrides = overall_differences(table)
    full = with_overall(table)
    written = _plot(full, out, kind, palette, weighted)
    if not out.suffix:
        csv_path = out / "rob_table.csv"
        write_table(csv_path, full)
        written.append(csv_path)
    return PlotResult(full, written, overrides)


def _plot_nos(path: Path, out: Path, kind: str, palette: str, weighted: bool) -> PlotResult:
    """``rob plot --tool nos``: score a NOS table, plot its AHRQ conversion."""
    from livingreview.rob.nos_tables import ahrq_plot_table, read_nos_table, write_nos_table

    if weighted:
        raise LivingReviewError(f"{path}: --weighted needs weights, which NOS tables do not have")
    rows = read_nos_table(path)
    table = ahrq_plot_table(path, rows)
    written = _plot(table, out, kind, palette, weighted)
    if not out.suffix:
        csv_path = out / "nos_table.csv"
        write_nos_table(csv_path, rows)
        written.append(csv_path)
    return PlotResult(table, written, [])


def _plot(full: RobTable, out: Path, kind: str, palette: str, weighted: bool) -> list[Path]:
    """Write ``out`` (one figure) or every figure into the folder ``out``."""
    written: list[Path] = []
    if out.suffix:
        if out.suffix.lower() not in FORMATS:
            raise LivingReviewError(f"--out {out}: use a .svg or .png file name, or a folder")
        written.append(_write(_figure(full, kind, palette, weighted), out))
        return written
    figures = {
        "traffic_light": traffic_light(full, palette),
        "summary": summary(full, False, palette),
    }
    if full.has_weight:
        figures["summary_weighted"] = summary(full, True, palette)
    elif weighted:
        _figure(full, "summary", palette, weighted)  # raises: no weights
    for stem, figure in figures.items():
        written += [_write(figure, out / f"{stem}{suffix}") for suffix in FORMATS]
    return written
