"""Risk-of-bias outputs: robvis tables and plots per tool, the NOS table, a summary per study."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from livingreview import consensus
from livingreview.appraisal import forms
from livingreview.fileio import atomic_write_bytes, atomic_write_text
from livingreview.reviewforms import Settled, table_text
from livingreview.rob import nos
from livingreview.rob.tables import RobTable, StudyRow, write_table

NOS_COLUMNS = nos.TABLE_COLUMNS
FIGURE_KINDS = ("traffic_light", "summary")


def robvis_table(
    tool_id: str, judged: Sequence[forms.Judged], labels: Mapping[str, str]
) -> RobTable:
    """The consensus judgements of one robvis tool as a :class:`RobTable` (Study = label)."""
    tool = forms.robvis_tool(tool_id)
    rows = []
    for number, item in enumerate(judged, start=1):
        risks = item.assessment.domain_risks()
        rows.append(
            StudyRow(
                labels[item.study],
                tuple(risks[d.code] for d in tool.domains),
                item.assessment.overall.final,
                None,
                number,
            )
        )
    return RobTable(tool, tool.domains, tuple(rows), True, "assessments")


def nos_rows(judged: Sequence[forms.Judged], labels: Mapping[str, str]) -> list[dict[str, str]]:
    """Rows of ``rob/nos.csv``: stars per item, category totals, total and rating."""
    return [nos.table_row(item.assessment, labels[item.study], item.study) for item in judged]


def write_tool_tables(
    config: Mapping[str, Any],
    outputs: Path,
    studies: Sequence[Mapping[str, str]],
    final: Mapping[str, forms.Judged],
    labels: Mapping[str, str],
) -> list[str]:
    """Write ``rob/<tool>.csv`` per tool in use and the plots of tools with assessments; the
    figure paths written (relative to ``outputs``)."""
    from livingreview.appraisal.stage import FIGURES_DIR, table_outputs

    palette = config["risk_of_bias"].get("palette", "cochrane")
    figures_dir = outputs / FIGURES_DIR
    figures_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for tool_id, relative in table_outputs(config).items():
        judged = [
            final[s["study_id"]] for s in studies if s["study_id"] in final and s["tool"] == tool_id
        ]
        path = outputs / relative
        if tool_id == "nos":
            atomic_write_text(path, table_text(NOS_COLUMNS, nos_rows(judged, labels)))
            continue
        table = robvis_table(tool_id, judged, labels)
        write_table(path, table)
        for kind in FIGURE_KINDS:
            for suffix in (".svg", ".png"):
                target = figures_dir / f"{tool_id}_{kind}{suffix}"
                if not judged:
                    target.unlink(missing_ok=True)
                    continue
                from livingreview.rob import plots  # matplotlib: only when there is a figure

                figure = (
                    plots.traffic_light(table, palette)
                    if kind == "traffic_light"
                    else plots.summary(table, False, palette)
                )
                data = plots.svg_bytes(figure) if suffix == ".svg" else plots.png_bytes(figure)
                atomic_write_bytes(target, data)
                written.append(target.relative_to(outputs).as_posix())
    return written


def summary_rows(
    studies: Sequence[Mapping[str, str]],
    final: Mapping[str, forms.Judged],
    state: Mapping[str, Settled],
    resolved: Mapping[str, str],
) -> list[dict[str, str]]:
    """Rows of ``rob/summary.csv``: one per study to assess, its overall judgement (or NOS
    rating), its domain judgements (NOS: stars per item) as ``D1: Low; D2: ...``, whether
    the reviewers overrode the tool's rule, and how it was reached (``resolved``: study id ->
    who settled its consensus row)."""
    out = []
    for study in studies:
        sid = study["study_id"]
        settled = state.get(sid)
        item = final.get(sid)
        row = {
            "study_id": sid,
            "label": study.get("label", ""),
            "design": study["design"],
            "tool": study["tool"],
            "version": study["version"],
            "status": "final" if item else (settled.how if settled else "pending"),
            "how": consensus.how_text(settled.how, resolved.get(sid, "")) if settled else "",
            "reviewers": "; ".join(settled.reviewers) if settled else "",
        }
        if item is not None:
            row |= {
                "overall": item.overall,
                "domains": "; ".join(f"{code}: {label}" for code, label in item.domains),
                "overall_computed": item.computed,
                "overridden": "yes" if item.override_reason else "no",
                "override_reason": item.override_reason,
                "domain_overrides": "; ".join(item.domain_overrides),
                "stars": item.total,
                "max_stars": item.max_stars,
            }
        out.append(row)
    return out
