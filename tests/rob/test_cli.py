"""``livingreview rob plot``: robvis tables from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.cli import main
from tests.rob.test_tables import with_weights


def test_folder_gets_every_plot_and_the_table(rob_dir: Path, tmp_path: Path, capsys) -> None:
    source = rob_dir / "robvis_data_quadas.csv"
    out = tmp_path / "plots"
    assert main(["rob", "plot", str(source), "--tool", "quadas-2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "12 studies, QUADAS-2" in printed
    assert "override: Study 11 (line 12) Overall 'Some concerns'" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "rob_table.csv",
        "summary.png",
        "summary.svg",
        "traffic_light.png",
        "traffic_light.svg",
    ]
    assert (out / "rob_table.csv").read_text() == source.read_text()
    assert (out / "traffic_light.png").read_bytes().startswith(b"\x89PNG")
    assert b"Study 12</text>" in (out / "traffic_light.svg").read_bytes()


def test_one_file_by_extension_and_weighted_summary(rob_dir: Path, tmp_path: Path) -> None:
    table = with_weights(rob_dir, tmp_path)
    svg, png = tmp_path / "w.svg", tmp_path / "w.png"
    args = ["rob", "plot", str(table), "--tool", "robins-i", "--kind", "summary", "--weighted"]
    assert main([*args, "--out", str(svg)]) == 0
    assert main([*args, "--out", str(png), "--palette", "colourblind"]) == 0
    assert b"Weighted share of studies" in svg.read_bytes()
    assert png.read_bytes().startswith(b"\x89PNG")
    folder = tmp_path / "all"
    assert main(["rob", "plot", str(table), "--tool", "robins-i", "--out", str(folder)]) == 0
    assert (folder / "summary_weighted.svg").exists()
    assert "Weight" in (folder / "rob_table.csv").read_text().splitlines()[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--tool", "rob2", "--out", "x.svg"], "ROB2 tables have Study, 5 domain columns"),
        (["--tool", "quadas-2", "--out", "x.pdf"], "use a .svg or .png"),
        (["--tool", "quadas-2", "--out", "x.svg", "--kind", "summary", "--weighted"], "Weight"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    rob_dir: Path, tmp_path: Path, capsys, args: list[str], words: str
) -> None:
    args = [a if a not in ("x.svg", "x.pdf") else str(tmp_path / a) for a in args]
    code = main(["rob", "plot", str(rob_dir / "robvis_data_quadas.csv"), *args])
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_missing_table(tmp_path: Path, capsys) -> None:
    code = main(["rob", "plot", str(tmp_path / "no.csv"), "--tool", "rob2", "--out", "x.svg"])
    assert code == 2 and "risk-of-bias table not found" in capsys.readouterr().err


def test_cli_tool_names_are_the_tools() -> None:
    from livingreview.rob import TOOL_NAMES
    from livingreview.rob.tools import TOOLS, get_tool

    assert set(TOOL_NAMES) == {*TOOLS, "rob1", "nos"}  # nos: rob.nos_tables, no robvis tool
    assert get_tool("rob1") is get_tool("generic") is TOOLS["generic"]


def test_table_with_mac_line_ends_is_read(rob_dir: Path, tmp_path: Path, capsys) -> None:
    # before: robvis' ROB2 example saved with carriage returns only (Excel's "CSV (Macintosh)")
    # stopped with csv.Error "new-line character seen in unquoted field" and a traceback
    source = rob_dir / "robvis_data_rob2.csv"
    text = source.read_text(encoding="utf-8")
    mac = tmp_path / "rob2_mac.csv"
    mac.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    out = tmp_path / "plots"
    assert main(["rob", "plot", str(mac), "--tool", "rob2", "--out", str(out)]) == 0
    assert "9 studies, RoB 2" in capsys.readouterr().out
    assert (out / "rob_table.csv").read_text(encoding="utf-8") == text
    bad = text.replace("Study 3,No information", "Study 3,Unclear")
    mac.write_bytes(bad.replace("\n", "\r").encode("utf-8"))
    assert main(["rob", "plot", str(mac), "--tool", "rob2", "--out", str(out)]) == 2
    assert "line 4" in capsys.readouterr().err  # rows still numbered by the file's lines
