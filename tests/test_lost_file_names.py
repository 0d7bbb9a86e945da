"""A returned file removed or saved over stops the run, naming the file as every other error on
a returned file does: its path as the protocol's ``paths.human_input`` gives it (here, from the
test's folder), not relative to the human-input folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from livingreview.errors import InputFileError
from livingreview.extraction.stage import run_extraction
from livingreview.screening.stage import run_screening
from tests.extraction.test_extraction import CODED, ID, TITLE, form, returned
from tests.extraction.test_extraction import config as config  # the fixture
from tests.form_helpers import fill_form, form_ids
from tests.screening.sheet_helpers import returned_dir
from tests.screening.test_import import returned_r1 as returned_r1  # the fixture


def test_a_removed_extraction_form_is_named_by_its_path(config: dict[str, Any]) -> None:
    ids = form_ids(form(config, "r1"), TITLE, ID)
    path = fill_form(form(config, "r1"), TITLE, ID, {ids[0]: CODED}, returned(config, "a.xlsx"))
    run_extraction(config)
    path.unlink()
    with pytest.raises(InputFileError) as error:
        run_extraction(config)
    # before: "extraction/a.xlsx, row 7, field ...", where a bad cell of the same file read
    # "<human_input>/extraction/a.xlsx, row 7, field ..."
    assert str(error.value).startswith(f"{path}, row ")
    assert "is no longer in this file (was it removed or saved over?)" in str(error.value)


def test_a_removed_screening_sheet_is_named_by_its_path(
    returned_r1: tuple[dict[str, Any], list[str], bytes],
) -> None:
    config, _, _ = returned_r1
    path = returned_dir(config) / "r1_a.xlsx"
    assert Path(config["paths"]["human_input"]) in path.parents
    path.unlink()
    with pytest.raises(InputFileError) as error:
        run_screening(config)
    assert str(error.value).startswith(f"{path}, row ")
    assert "is no longer in this file (was it removed or saved over?)" in str(error.value)
