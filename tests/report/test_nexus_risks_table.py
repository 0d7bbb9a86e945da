"""The Nexus risks-by-level table as a file (``report/nexus_risks.csv``) and the protocol check
that the risks a level lists are choices of the risks field (a test protocol: the shipped one
keeps the risks as text, since the facts held do not give the viewpoint's list of risks)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from livingreview.cli import main
from livingreview.config import load_config
from livingreview.report.render import write_report
from tests.conftest import REPO_ROOT
from tests.pipeline import run_pipeline
from tests.report.test_changes import read, write
from tests.report.test_nexus_section import RISKS, coded
from tests.report.test_report import DEMO_CONFIG
from tests.test_search_reruns import jobs

SHIPPED = REPO_ROOT / "config/config.yaml"


def protocol(tmp_path: Path, risks: list[str]) -> Path:
    """The shipped protocol with the Nexus risks as a multichoice field, level 3 listing
    ``risks``."""
    data: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    coded(data)
    data["nexus"]["levels"][0]["risks"] = risks
    path = tmp_path / "protocol.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_level_risk_that_is_not_a_choice_of_the_risks_field_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config", "--configfile", str(protocol(tmp_path, ["sycophancy"]))]) == 0
    capsys.readouterr()
    typo = protocol(tmp_path, ["sycophancy", "sycophantic tendencies"])
    assert main(["check-config", "--configfile", str(typo)]) == 2
    err = capsys.readouterr().err
    assert "config key 'nexus.levels[0].risks[1]': 'sycophantic tendencies' is not a choice" in err
    assert "'nexus_risks'" in err and ", ".join(RISKS) in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_level_risk_is_free_while_the_risks_field_is_text(tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["nexus"]["levels"][2]["risks"] = ["anything the team writes"]
    path = tmp_path / "protocol.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["check-config", "--configfile", str(path)]) == 0


def test_the_table_is_written_beside_the_report_the_same_each_time(
    demo_outputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    shutil.copytree(demo_outputs, outputs)
    config = coded(load_config(DEMO_CONFIG))
    config["paths"]["outputs"] = str(outputs)
    extracted = read(outputs / "extraction/studies.csv")
    final = [r for r in extracted if r["extraction_status"] == "final"]
    levels, risks = ["3", "3", "1", ""], ["sycophancy; privacy", "sycophancy", "", "privacy"]
    for row, level, noted in zip(final[:4], levels, risks, strict=True):
        row.update(nexus_level=level, nexus_risks=noted)
    write(outputs / "extraction/studies.csv", extracted)

    pages = []
    for name in ("first", "second"):
        write_report(config, outputs, tmp_path / name)
        pages.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert pages[0] == pages[1] and "nexus_risks.csv" in pages[0]
    with (tmp_path / "first/nexus_risks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(RISKS) * 4  # levels 1-3 and no level
    assert rows[:4] == [
        {"risk": "sycophancy", "level": "1", "level_label": "First", "studies": "0",
         "extracted": "1", "expected": "yes"},
        {"risk": "sycophancy", "level": "2", "level_label": "Second", "studies": "0",
         "extracted": "0", "expected": "no"},
        {"risk": "sycophancy", "level": "3", "level_label": "Third", "studies": "2",
         "extracted": "2", "expected": "yes"},
        {"risk": "sycophancy", "level": "", "level_label": "no level", "studies": "0",
         "extracted": str(len(final) - 3), "expected": "no"},
    ]  # fmt: skip
    assert [r["studies"] for r in rows if r["risk"] == "privacy"] == ["0", "0", "1", "1"]

    text = load_config(DEMO_CONFIG)  # the risks as text again: no table, none left behind
    text["paths"]["outputs"] = str(outputs)
    write_report(text, outputs, tmp_path / "first")
    assert not (tmp_path / "first/nexus_risks.csv").exists()


@pytest.mark.slow
def test_the_pipeline_declares_the_table_when_the_risks_are_choices(tmp_path: Path) -> None:
    """The report rule lists the table among its outputs: asked for once removed, the report
    is made again (not a rule Snakemake does not know for that file)."""
    config = coded(load_config(DEMO_CONFIG))
    extra = tmp_path / "nexus.yaml"
    fields = {"extraction": {"fields": config["extraction"]["fields"]}, "nexus": config["nexus"]}
    extra.write_text(yaml.safe_dump(fields, sort_keys=False), encoding="utf-8")
    # the demo's protocol files, then the one run_pipeline writes, then this one
    files = [str(REPO_ROOT / p) for p in ("config/config.yaml", "demo/config.yaml")]
    files += [str(tmp_path / "paths.yaml"), str(extra)]
    done = run_pipeline(tmp_path, None, "--configfile", *files)
    assert done.returncode == 0, done.stderr[-3000:]
    table = tmp_path / "outputs/report/nexus_risks.csv"
    assert table.read_text(encoding="utf-8").startswith(
        "risk,level,level_label,studies,extracted,expected\nsycophancy,1,First,0,0,yes\n"
    )
    table.unlink()
    plan = run_pipeline(tmp_path, None, "--dry-run", str(table), "--configfile", *files)
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert jobs(plan) == ["report"]
