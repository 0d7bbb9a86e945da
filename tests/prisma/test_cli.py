"""``livingreview prisma FILE.csv --out PATH``: draws consistent CSVs, exits 2 on the real typo."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.cli import main
from livingreview.prisma.interop import read_csv_columns
from tests.conftest import require_shared
from tests.prisma.svg_helpers import parse_svg


def test_approach1_draws_in_a_living_layout(tmp_path: Path) -> None:
    source = require_shared("data/prisma/livingPRISMAflow_approach1.csv")
    out = tmp_path / "a1.svg"
    assert main(["prisma", str(source), "--out", str(out), "--layout", "base_updates"]) == 0
    boxes, _ = parse_svg(out.read_text(encoding="utf-8"))
    columns = {col for b in boxes.values() for _, col in b.counts}
    assert columns == {"Jan.2020", "Updates Feb.2020–Aug.2020"}
    png = tmp_path / "a1.png"
    assert main(["prisma", str(source), "--out", str(png)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    page = tmp_path / "a1.html"
    assert main(["prisma", str(source), "--out", str(page), "--title", "Approach 1"]) == 0
    html = page.read_text(encoding="utf-8")
    assert "<title>Approach 1</title>" in html and html.count("<svg") == 1
    pdf = tmp_path / "a1.pdf"
    assert main(["prisma", str(source), "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_layout_written_back_as_living_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = require_shared("data/prisma/livingPRISMAflow_approach1.csv")
    out = tmp_path / "combined.csv"
    assert main(["prisma", str(source), "--out", str(out), "--layout", "combined"]) == 0
    assert "checked and converted ->" in capsys.readouterr().out  # a CSV, nothing drawn
    (combined,) = read_csv_columns(out)
    (approach2,) = read_csv_columns(require_shared("data/prisma/livingPRISMAflow_approach2.csv"))
    assert combined.n("records_screened") == approach2.n("records_screened") == 130


@pytest.mark.parametrize(("approach", "column"), [(3, "Updates"), (4, "Last update")])
def test_the_typo_exits_2_naming_the_relation(
    approach: int, column: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = require_shared(f"data/prisma/livingPRISMAflow_approach{approach}.csv")
    out = tmp_path / "flow.svg"
    assert main(["prisma", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"[{column}]" in err and "[dbr_excluded] 2" in err and "[dbr_assessed]" in err
    assert "no diagram drawn" in err and not out.exists()


def test_unknown_output_type_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = require_shared("data/prisma/livingPRISMAflow_approach2.csv")
    assert main(["prisma", str(source), "--out", str(tmp_path / "flow.jpg")]) == 2
    assert "give an output ending in .svg" in capsys.readouterr().err


def test_combined_columns_checked_against_their_rounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    combined = require_shared("data/prisma/livingPRISMAflow_approach2.csv")
    same_labels = require_shared("data/prisma/livingPRISMAflow_template.csv")
    out = tmp_path / "a2.svg"
    assert main(["prisma", str(combined), "--rounds", str(same_labels), "--out", str(out)]) == 0
    # approach1 names its reasons "Population"/"Intervention", approach2 "Not … of interest".
    other_labels = require_shared("data/prisma/livingPRISMAflow_approach1.csv")
    out.unlink()
    assert main(["prisma", str(combined), "--rounds", str(other_labels), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cumulative = Σ rounds, box by box" in err
    assert "[dbr_excluded] 'Population' 0, but Jan.2020–Aug.2020 combined = 2" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("layout", "names"),
    [
        ("base_updates", ["Jan.2020", "Updates Feb.2020–Aug.2020"]),
        ("previous_latest", ["Previous Jan.2020–Jul.2020", "Aug.2020"]),
    ],
)
def test_a_file_of_a_layout_drawn_again_in_it_keeps_its_column_names(
    tmp_path: Path, layout: str, names: list[str]
) -> None:
    source = require_shared("data/prisma/livingPRISMAflow_approach1.csv")
    once, twice = tmp_path / "once.csv", tmp_path / "twice.csv"
    assert main(["prisma", str(source), "--out", str(once), "--layout", layout]) == 0
    assert [c.label for c in read_csv_columns(once)] == names
    assert main(["prisma", str(once), "--out", str(twice), "--layout", layout]) == 0
    assert [c.label for c in read_csv_columns(twice)] == names  # not "Updates Updates ..."


@pytest.mark.parametrize("name", ["PRISMA2020_template_inst_extdata", "livingPRISMAflow_approach1"])
def test_a_csv_with_mac_line_ends_reads_as_the_original(name: str, tmp_path: Path) -> None:
    # before: the file saved with carriage returns only (Excel's "CSV (Macintosh)") stopped
    # with csv.Error "new-line character seen in unquoted field" and a traceback
    source = require_shared(f"data/prisma/{name}.csv")
    mac = tmp_path / "mac.csv"
    mac.write_bytes(source.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    assert b"\n" not in mac.read_bytes()
    outs = [tmp_path / "original.csv", tmp_path / "from_mac.csv"]
    for path, out in zip([source, mac], outs, strict=True):
        assert main(["prisma", str(path), "--out", str(out), "--layout", "each"]) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
    svg = tmp_path / "mac.svg"
    assert main(["prisma", str(mac), "--out", str(svg)]) == 0
