"""A returned risk-of-bias form without its metadata is named as the form of its tool: an NOS
form was called "the rob2 risk-of-bias form" (the first tool in use)."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.appraisal import forms
from livingreview.appraisal.stage import _group_by_kind
from livingreview.errors import InputFileError

TOOLS = list(forms.TOOL_IDS)


def header_only(path: Path, columns: tuple[str, ...]) -> Path:
    """A CSV form with the header ``columns`` and no metadata line."""
    path.write_text(",".join(columns) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("tool", TOOLS)
def test_a_form_without_metadata_is_named_by_its_columns(tmp_path: Path, tool: str) -> None:
    """A robins_i form holds every column of a quadas2 form: it is a robins_i form."""
    path = header_only(tmp_path / "form.csv", forms.layout(tool).names)
    with pytest.raises(InputFileError, match=f"no sheet metadata .* return the {tool} risk-of"):
        _group_by_kind([path], TOOLS)


def test_a_form_holding_no_tools_columns_is_named_a_risk_of_bias_form(tmp_path: Path) -> None:
    path = header_only(tmp_path / "form.csv", ("study_id", "notes"))
    with pytest.raises(InputFileError, match="return the risk-of-bias form as it was written"):
        _group_by_kind([path], TOOLS)


def test_the_tool_is_one_in_use(tmp_path: Path) -> None:
    """Without quadas2 in use, a quadas2 form is no tool's form."""
    path = header_only(tmp_path / "form.csv", forms.layout("quadas2").names)
    with pytest.raises(InputFileError, match="return the risk-of-bias form as it was written"):
        _group_by_kind([path], ["rob2", "nos"])
