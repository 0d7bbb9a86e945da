"""An auditor tracing a record back to its export: ``search/<import>/provenance.csv`` names the
file each imported record came from and where it is in it, the only way to find a record whose
export gives no id (its record_id is a digest) or one of several export files."""

from __future__ import annotations

import csv
from pathlib import Path

from livingreview.config import load_config, validate_config
from livingreview.importing import run_import
from tests.conftest import REPO_ROOT

EXPORTS = REPO_ROOT / "demo/human/exports"


def _provenance(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _line(position: str) -> int:
    """The line of ``record 7 (line 123)`` or ``row 8 (line 8)``."""
    return int(position.rsplit("line ", 1)[1].rstrip(")"))


def _key(record_id: str) -> str:
    """The id an export writes for the record: WoS's UT, PsycInfo's ID, Google Scholar's
    cluster number in its CitesURL (the record id holds it after 'GS:')."""
    return record_id.split(":", 1)[1].removeprefix("GS:")


def test_each_demo_import_record_is_found_at_its_position(demo_outputs: Path) -> None:
    for source, export in (
        ("wos", "web_of_science.ris"),
        ("psycinfo", "psycnet_psycinfo.ris"),
        ("google_scholar", "google_scholar_pop.csv"),
    ):
        rows = _provenance(demo_outputs / f"search/{source}/provenance.csv")
        with (demo_outputs / f"search/{source}/records.csv").open(encoding="utf-8") as handle:
            assert [r["record_id"] for r in rows] == [
                r["record_id"] for r in csv.DictReader(handle)
            ]
        lines = (EXPORTS / export).read_text(encoding="utf-8-sig").splitlines()
        starts = sorted(_line(row["position"]) for row in rows)
        for row in rows:
            assert row["file"] == f"exports/{export}", row
            start = _line(row["position"])
            later = [n for n in starts if n > start]
            end = later[0] - 1 if later else len(lines)
            assert _key(row["record_id"]) in "\n".join(lines[start - 1 : end]), (source, row)


def test_records_of_two_export_files_name_their_own_file(tmp_path: Path) -> None:
    """A WoS search exported in two parts (it exports 1,000 records at a time): which file held
    a record was not written anywhere."""
    text = (EXPORTS / "web_of_science.ris").read_text(encoding="utf-8-sig")
    records = text.split("\nER  -")
    half = len(records) // 2
    human = tmp_path / "human"
    human.mkdir()
    (human / "wos_1.ris").write_text("\nER  -".join(records[:half]) + "\nER  -\n", "utf-8")
    (human / "wos_2.ris").write_text("\nER  -".join(records[half:]).lstrip("\n"), "utf-8")
    config = load_config([REPO_ROOT / "config/config.yaml"])
    config["paths"] = {"human_input": str(human), "outputs": str(tmp_path / "out")}
    config["deduplication"]["history_dir"] = str(tmp_path / "history")
    config["imports"] = {
        "wos": {**config["imports"]["wos"], "files": ["wos_1.ris", "wos_2.ris"]},
    }
    config["imports"]["wos"].pop("records_reported", None)
    out = tmp_path / "out/search/wos"
    manifest = run_import(validate_config(config), "wos", out)
    rows = _provenance(out / "provenance.csv")
    assert [f["imported"] for f in manifest["files"]] == [
        sum(r["file"] == "wos_1.ris" for r in rows),
        sum(r["file"] == "wos_2.ris" for r in rows),
    ]
    for row in rows:
        lines = (human / row["file"]).read_text(encoding="utf-8").splitlines()
        start = _line(row["position"])
        assert lines[start - 1].startswith("TY  - "), row
        following = "\n".join(lines[start - 1 : start + 40]).split("\nER  -")[0]
        assert _key(row["record_id"]) in following, row
