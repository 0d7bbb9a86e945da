"""Database exports across rounds: an export belongs to the round that first imported it.

The demo review runs two rounds offline: its PubMed, Europe PMC and OpenAlex searches replayed
(round 2 asks the same services for its own window and gets the same answers back), and its
Web of Science, PsycInfo and Google Scholar exports imported from the human-input folder. A round
that imports an export unchanged (same files, same ``searched_on``) does not search that database
again: its records are not identified again, PRISMA-S does not list it among the round's searches,
and the PRISMA counts of all rounds together count it once. A replaced export is the round's own
search. ``outputs/`` is deleted between the rounds: what each round imported is kept with its
snapshot.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from livingreview.config import load_config
from livingreview.report.status import status_lines
from tests.conftest import REPO_ROOT
from tests.test_living_rounds import run
from tests.test_search_stage import cli

SEARCHES = ("medline", "europepmc", "openalex")
IMPORTS = ("wos", "psycinfo", "google_scholar")
FIRST_WINDOW = ("2010-01-01", "2024-11-25")
ROUND_TWO_END = "2025-06-02"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def demo_protocol(tmp_path: Path) -> Path:
    """The demo review (shipped protocol + demo overrides) with its exports, replay archives,
    outputs and history under ``tmp_path``; nothing is re-fetched."""
    config = yaml.safe_load((REPO_ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    config["review"]["demo"] = True
    config["paths"] = {"human_input": str(tmp_path / "human"), "outputs": str(tmp_path / "out")}
    config["search"].update(
        mode="replay", replay_dir=str(tmp_path / "replay"), refetch={"services": []}
    )
    config["deduplication"]["history_dir"] = str(tmp_path / "history")
    shutil.copytree(REPO_ROOT / "demo/human/exports", tmp_path / "human/exports")
    shutil.copytree(REPO_ROOT / "demo/snapshot", tmp_path / "replay")
    path = tmp_path / "protocol.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def edit_protocol(path: Path, **imports: dict[str, Any]) -> None:
    """Change ``imports.<name>`` keys as the team would for a new export."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, changes in imports.items():
        config["imports"][name].update(changes)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def ask_for_window(replay: Path, start: str, end: str) -> None:
    """The recorded requests as an update round asks them (its window, on each service's
    ``round_date_field``), so the services' recorded answers are served again."""
    first, last = FIRST_WINDOW
    for index in replay.glob("*/index.jsonl"):
        entries = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines()]
        for entry in entries:
            params = entry["params"]
            if "mindate" in params:
                slashed = {"mindate": start.replace("-", "/"), "maxdate": end.replace("-", "/")}
                params.update(datetype="edat", **slashed)
            if "query" in params:
                params["query"] = params["query"].replace(
                    f"FIRST_PDATE:[{first} TO {last}]", f"FIRST_IDATE:[{start} TO {end}]"
                )
            if "filter" in params:
                params["filter"] = params["filter"].replace(
                    f"from_publication_date:{first},to_publication_date:{last}",
                    f"from_publication_date:{start},to_publication_date:{end}",
                )
        index.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def run_round(config: Path) -> dict[str, Any]:
    """Search, import, summarise, build the library and the PRISMA ledger; the round's counts."""
    steps = [f"search {name}" for name in SEARCHES] + [f"import --name {n}" for n in IMPORTS]
    run(config, *steps, "summarise", "library", "ledger")
    return read(Path(load_config([config])["paths"]["outputs"]) / "library/counts.json")


def next_round(config: Path, tmp_path: Path) -> None:
    """``round new`` to :data:`ROUND_TWO_END`, then ``outputs/`` deleted (rebuilt from the
    inputs and the history) and the replay archives asked for the new window."""
    run(config, f"round new --to {ROUND_TWO_END}")
    settings = load_config([config])
    shutil.rmtree(settings["paths"]["outputs"])
    window = settings["search"]["date_range"]
    ask_for_window(tmp_path / "replay", window["from"], window["to"])


def manifests(out: Path, names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {name: read(out / "search" / name / "manifest.json") for name in names}


def by_database(column: dict[str, Any]) -> dict[str, int]:
    """A ledger column's "records identified from each database" list."""
    return {e["label"]: e["n"] for e in column["lists"]["database_specific_results"]}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unchanged_exports_belong_to_round_one_and_are_counted_once(tmp_path: Path) -> None:
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    one = run_round(config)
    first = manifests(out, SEARCHES + IMPORTS)
    assert one["records_identified"] == sum(m["retrieved"] for m in first.values())
    for name in IMPORTS:
        assert first[name]["imported_in"] == "2025.1"
        recorded = read(history / f"2025.1/imports/{name}.json")
        files = first[name]["files"]
        assert recorded["searched_on"] == "2024-11-25"
        assert recorded["files"] == [
            {"file": f["file"], "sha256": sha256(tmp_path / "human" / f["file"])} for f in files
        ]

    next_round(config, tmp_path)
    two = run_round(config)
    second = manifests(out, SEARCHES + IMPORTS)
    searched = sum(second[name]["retrieved"] for name in SEARCHES)
    assert two["version"] == "2025.2"
    assert two["records_identified"] == searched  # not the exports again
    assert set(two["records_identified_by_source"]) == set(SEARCHES)
    assert two["records_seen_in_earlier_rounds"] == searched and two["new_studies"] == 0
    assert two["records_in_library"] == one["records_in_library"]  # the exports' records kept
    identified = {r["source"] for r in rows(out / "search/identified.csv")}
    assert identified == set(SEARCHES)
    for name in IMPORTS:
        assert second[name]["imported_in"] == "2025.1"
        assert second[name]["round"]["version"] == "2025.2"
    assert not (history / "2025.2/imports").exists()

    # PRISMA-S: round 2's searches are the API searches; the exports are named as round 1's.
    assert [r["source"] for r in rows(out / "search/prisma_s.csv")] == list(SEARCHES)
    summary = (out / "search/prisma_s.md").read_text(encoding="utf-8")
    earlier = summary.split("## Database exports of earlier rounds", 1)[1].split("\n## ", 1)[0]
    for name in IMPORTS:
        database = second[name]["database"]
        assert f"| {name} | {database} | 2024-11-25 | 2025.1 | {first[name]['retrieved']} |" in (
            earlier
        )
    assert f"Records identified in total: **{searched}**" in summary

    # The PRISMA ledger: each export in round 1's column only; all rounds count it once.
    ledger = read(out / "prisma/ledger.json")
    columns = [r["counts"] for r in ledger["rounds"]]
    assert [c["database_results"] for c in columns] == [
        one["records_identified"],
        two["records_identified"],
    ]
    listed = [by_database(r) for r in ledger["rounds"]]
    databases = {name: first[name]["database"] for name in IMPORTS}
    assert all(listed[0][d] == first[n]["retrieved"] for n, d in databases.items())
    assert not set(databases.values()) & set(listed[1])
    combined = ledger["cumulative"]
    assert combined["counts"]["database_results"] == sum(c["database_results"] for c in columns)
    together = by_database(combined)
    assert all(together[d] == first[n]["retrieved"] for n, d in databases.items())

    # Run by hand, the import says which round the export belongs to and what to do for a new one.
    again = cli("import", "--name", "wos", "--configfile", str(config))
    assert again.returncode == 0, again.stderr
    said = [line for line in again.stderr.splitlines() if "belongs to round" in line]
    assert len(said) == 1 and said[0].startswith("livingreview.import: wos: the export searched ")
    assert "belongs to round 2025.1" in said[0] and "not counted again in round 2025.2" in said[0]
    assert "imports.wos.files" in said[0] and "searched_on" in said[0]


def test_a_replaced_export_is_the_later_rounds_search(tmp_path: Path) -> None:
    config = demo_protocol(tmp_path)
    out, history, exports = tmp_path / "out", tmp_path / "history", tmp_path / "human/exports"
    one = run_round(config)
    first = manifests(out, IMPORTS)
    next_round(config, tmp_path)
    # Web of Science searched again: its new export replaces the file (the first record of
    # the old one is gone from the database, say); Google Scholar's export only renamed.
    wos = exports / "web_of_science.ris"
    text = wos.read_text(encoding="utf-8-sig")
    wos.write_text(text[text.index("ER  -") + len("ER  -") :].lstrip("\r\n"), encoding="utf-8")
    (exports / "google_scholar_pop.csv").rename(exports / "scholar_2024.csv")
    edit_protocol(
        config,
        wos={"searched_on": ROUND_TWO_END},
        google_scholar={"files": ["exports/scholar_2024.csv"]},
    )
    two = run_round(config)
    second = manifests(out, SEARCHES + IMPORTS)
    assert second["wos"]["retrieved"] == first["wos"]["retrieved"] - 1
    assert second["wos"]["imported_in"] == "2025.2"
    assert {second[n]["imported_in"] for n in ("psycinfo", "google_scholar")} == {"2025.1"}
    searched = sum(second[name]["retrieved"] for name in (*SEARCHES, "wos"))
    assert two["records_identified"] == searched
    assert set(two["records_identified_by_source"]) == {*SEARCHES, "wos"}
    assert [r["source"] for r in rows(out / "search/prisma_s.csv")] == [*SEARCHES, "wos"]
    assert read(history / "2025.2/imports/wos.json")["searched_on"] == ROUND_TWO_END
    ledger = read(out / "prisma/ledger.json")
    database = first["wos"]["database"]
    listed = [by_database(r) for r in ledger["rounds"]]
    assert [column[database] for column in listed] == [
        first["wos"]["retrieved"],
        second["wos"]["retrieved"],
    ]
    assert (
        one["records_identified"] + two["records_identified"]
        == (ledger["cumulative"]["counts"]["database_results"])
    )

    # Round 3 with the same files: Web of Science's export is round 2's, the others round 1's.
    run(config, f"round new --to {ROUND_TWO_END}")
    run(config, *(f"import --name {n}" for n in IMPORTS))
    third = manifests(out, IMPORTS)
    assert {n: m["imported_in"] for n, m in third.items()} == {
        "wos": "2025.2",
        "psycinfo": "2025.1",
        "google_scholar": "2025.1",
    }


def test_a_snapshot_that_predates_import_records_is_matched_on_its_records(
    tmp_path: Path,
) -> None:
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    run_round(config)
    shutil.rmtree(history / "2025.1/imports")  # a round run before rounds recorded imports
    next_round(config, tmp_path)
    psycinfo = tmp_path / "human/exports/psycnet_psycinfo.ris"
    psycinfo.write_bytes(psycinfo.read_bytes().replace(b"T1  - ", b"T1  - Revised: ", 1))
    run(config, *(f"import --name {n}" for n in IMPORTS))
    found = manifests(out, IMPORTS)
    assert {n: (m["imported_in"], m.get("imported_in_by")) for n, m in found.items()} == {
        "wos": ("2025.1", "records"),
        "psycinfo": ("2025.2", None),  # a record changed: a new export
        "google_scholar": ("2025.1", "records"),
    }


def test_exports_not_imported_again_in_the_new_round_are_not_counted_again(
    tmp_path: Path,
) -> None:
    """As the pipeline runs a new round: the import steps do not run again (their files and
    protocol sections are unchanged), so their manifests are round 1's; the search summary
    judges them against the history and says so, one line each."""
    config = demo_protocol(tmp_path)
    out = tmp_path / "out"
    one = run_round(config)
    run(config, f"round new --to {ROUND_TWO_END}")
    window = load_config([config])["search"]["date_range"]
    ask_for_window(tmp_path / "replay", window["from"], window["to"])
    run(config, *(f"search {name}" for name in SEARCHES))
    summary = cli("summarise", "--configfile", str(config))
    assert summary.returncode == 0, summary.stderr
    said = [line for line in summary.stderr.splitlines() if "belongs to round" in line]
    assert [line.split(":")[1].strip() for line in said] == list(IMPORTS)
    for line, name in zip(said, IMPORTS, strict=True):
        assert "belongs to round 2025.1" in line and "not counted again in round 2025.2" in line
        assert f"imports.{name}.files" in line and "searched_on" in line
    assert "(wos, psycinfo, google_scholar: exports of earlier rounds" in summary.stdout
    run(config, "library", "ledger")
    two = read(out / "library/counts.json")
    searched = manifests(out, SEARCHES)
    assert two["records_identified"] == sum(m["retrieved"] for m in searched.values())
    assert set(two["records_identified_by_source"]) == set(SEARCHES)
    assert [r["source"] for r in rows(out / "search/prisma_s.csv")] == list(SEARCHES)
    ledger = read(out / "prisma/ledger.json")
    assert ledger["cumulative"]["counts"]["database_results"] == (
        one["records_identified"] + two["records_identified"]
    )
    status = status_lines(load_config([config]), out)
    block = status[status.index(next(s for s in status if s.startswith("Database exports"))) :]
    for name in IMPORTS:
        assert any(
            line.startswith(f"  {name} (")
            and "belongs to version 2025.1" in line
            and "not searched in version 2025.2" in line
            for line in block
        )


def initials_first(name: str) -> str:
    """A Publish or Perish author as livingreview wrote it before a0a4865 (2026-12-04): as
    Google Scholar gives it, initials first ('JA Chen'), where it now writes 'Chen, JA'."""
    family, _, initials = name.rpartition(", ")
    return f"{initials} {family}" if family else name


def test_a_snapshot_of_an_older_version_matches_exports_it_wrote_otherwise(
    tmp_path: Path,
) -> None:
    """Round 1 run and frozen by a version before import records (152c676) and before Google
    Scholar's authors were put family first (a0a4865): its snapshot holds the same 71 records
    with the authors as given ('JA Chen; JC Fortney'). After the upgrade the unchanged export
    is still round 1's, not a round 2 search of 71 records all removed as duplicates."""
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    run_round(config)
    shutil.rmtree(history / "2025.1/imports")  # a round run before rounds recorded imports
    snapshot = history / "2025.1/records.csv"
    with snapshot.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    authors, source = table[0].index("authors"), table[0].index("source")
    rewritten = 0
    for row in table[1:]:
        if row[source] == "google_scholar" and ", " in row[authors]:
            row[authors] = "; ".join(initials_first(a) for a in row[authors].split("; "))
            rewritten += 1
    assert rewritten  # the demo's Google Scholar records with authors (39)
    with snapshot.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)
    next_round(config, tmp_path)
    counts = run_round(config)
    found = manifests(out, IMPORTS)
    assert {n: (m["imported_in"], m.get("imported_in_by")) for n, m in found.items()} == {
        name: ("2025.1", "records") for name in IMPORTS
    }
    assert set(counts["records_identified_by_source"]) == set(SEARCHES)


def earlier_ids(snapshot: Path, earlier: dict[str, str]) -> None:
    """Rewrite a round's snapshot with the PsycInfo record ids a version before 2af5825 gave
    (``earlier``: export id -> id after ``psycinfo:``)."""
    for name in ("records.csv", "groups.csv"):
        path = snapshot / name
        text = path.read_text(encoding="utf-8")
        for new, old in earlier.items():
            assert f"psycinfo:{new}," in text
            text = text.replace(f"psycinfo:{new},", f"psycinfo:{old},")
        path.write_text(text, encoding="utf-8")


def test_a_snapshot_of_an_older_version_matches_source_ids_in_other_scripts(
    tmp_path: Path,
) -> None:
    """Round 1 frozen by a version before import records and before 2af5825, which kept a
    source id's letters outside ASCII as '_' ('Müller-2012' was 'psycinfo:M_ller-2012',
    'Möller-2012' after it in the file 'psycinfo:M_ller-2012~2', '张-001' 'psycinfo:_-001').
    After the upgrade the unchanged export still belongs to round 1, its records are not
    identified again in round 2."""
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    export = tmp_path / "human/exports/psycnet_psycinfo.ris"
    ids = {"2020-53836-001": "张-001", "2012-12871-001": "Müller-2012"}
    text = export.read_text(encoding="utf-8")
    for old, new in ids.items():
        text = text.replace(f"ID  - {old}\n", f"ID  - {new}\n", 1)
    third = text.split("ID  - ")[3].split("\n", 1)[0]  # a record after Müller-2012
    export.write_text(text.replace(f"ID  - {third}\n", "ID  - Möller-2012\n", 1), "utf-8")
    one = run_round(config)
    shutil.rmtree(history / "2025.1/imports")  # a round run before rounds recorded imports
    earlier_ids(
        history / "2025.1",
        {"张-001": "_-001", "Müller-2012": "M_ller-2012", "Möller-2012": "M_ller-2012~2"},
    )
    next_round(config, tmp_path)
    two = run_round(config)
    found = manifests(out, IMPORTS)
    assert {n: (m["imported_in"], m.get("imported_in_by")) for n, m in found.items()} == {
        name: ("2025.1", "records") for name in IMPORTS
    }
    assert set(two["records_identified_by_source"]) == set(SEARCHES)
    assert two["records_in_library"] == one["records_in_library"]


ELIBRARY_RIS = """TY  - JOUR
ID  - 41234567
TI  - Терапевтический альянс в онлайн-психотерапии депрессии
AU  - Иванов, Иван Иванович
AU  - Петрова, Анна Сергеевна
JO  - Консультативная психология и психотерапия
PY  - 2021
VL  - 29
IS  - 2
SP  - 45
EP  - 63
ER  -
"""


def test_an_export_an_earlier_version_read_in_another_code_page_still_belongs_to_its_round(
    tmp_path: Path,
) -> None:
    """Round 1 imported a Russian database's export saved in windows-1251, which versions before
    72ff5c1 (2026-12-05) read as Windows-1252 ('Òåðàïåâòè÷åñêèé'), exit 0, and recorded with
    its SHA-256. Such a file is now refused; the very file round 1 recorded is read as round 1
    read it, with a warning, so round 2 runs and counts it once (re-saved as UTF-8 it would be
    a new export of round 2, counted again)."""
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    protocol = yaml.safe_load(config.read_text(encoding="utf-8"))
    protocol["imports"]["elibrary"] = {
        "database": "eLIBRARY.RU",
        "files": ["exports/elibrary.ris"],
        "searched_on": "2024-11-25",
    }
    config.write_text(yaml.safe_dump(protocol, sort_keys=False), encoding="utf-8")
    saved = ELIBRARY_RIS.encode("cp1251")
    export = tmp_path / "human/exports/elibrary.ris"
    export.write_text(saved.decode("cp1252"), encoding="utf-8")  # what round 1 read
    steps = [f"search {n}" for n in SEARCHES] + [
        f"import --name {n}" for n in (*IMPORTS, "elibrary")
    ]
    run(config, *steps, "summarise", "library", "ledger")
    one = read(out / "library/counts.json")
    export.write_bytes(saved)  # the file itself, as round 1's version recorded it
    recorded = history / "2025.1/imports/elibrary.json"
    data = read(recorded)
    data["files"][0]["sha256"] = sha256(export)
    recorded.write_text(json.dumps(data), encoding="utf-8")

    next_round(config, tmp_path)
    run(config, *steps, "summarise", "library", "ledger")
    two = read(out / "library/counts.json")
    manifest = read(out / "search/elibrary/manifest.json")
    assert (manifest["imported_in"], manifest["imported_in_by"]) == ("2025.1", "files")
    assert set(two["records_identified_by_source"]) == set(SEARCHES)
    assert two["records_in_library"] == one["records_in_library"]
    again = cli("import", "--name", "elibrary", "--configfile", str(config))
    assert again.returncode == 0, again.stderr
    said = [line for line in again.stderr.splitlines() if "not UTF-8" in line]
    assert len(said) == 1 and "elibrary.ris, line 3: the file is not UTF-8" in said[0]
    assert "'Òåðàïåâòè'" in said[0] and "read as round 2025.1 read it" in said[0]

    export.write_bytes(saved.replace(b"2021", b"2022"))  # a new export in that code page
    refused = cli("import", "--name", "elibrary", "--configfile", str(config))
    assert refused.returncode == 2 and "re-save the file as UTF-8" in refused.stderr


def test_a_later_export_keeps_the_ids_an_older_version_gave_in_other_scripts(
    tmp_path: Path,
) -> None:
    """Round 1 kept by a version before 2af5825 ('Müller-2012' as 'psycinfo:M_ller-2012'); in
    round 2 a new PsycInfo export holds the same records. As for any other record, their copies
    replace round 1's (seen in an earlier round), not two more records in the library."""
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    export = tmp_path / "human/exports/psycnet_psycinfo.ris"
    text = export.read_text(encoding="utf-8")
    for old, new in {"2020-53836-001": "张-001", "2012-12871-001": "Müller-2012"}.items():
        text = text.replace(f"ID  - {old}\n", f"ID  - {new}\n", 1)
    export.write_text(text, encoding="utf-8")
    one = run_round(config)
    earlier_ids(history / "2025.1", {"张-001": "_-001", "Müller-2012": "M_ller-2012"})
    next_round(config, tmp_path)
    edit_protocol(config, psycinfo={"searched_on": "2025-06-01"})  # a new search, same records
    two = run_round(config)
    assert read(out / "search/psycinfo/manifest.json")["imported_in"] == "2025.2"
    assert two["records_in_library"] == one["records_in_library"]
    assert two["records_seen_in_earlier_rounds"] == two["records_identified"]
    ids = {r["record_id"] for r in rows(out / "search/psycinfo/records.csv")}
    assert {"psycinfo:_-001", "psycinfo:M_ller-2012"} <= ids


def test_an_export_searched_again_by_an_older_version_belongs_to_that_round(
    tmp_path: Path,
) -> None:
    # Rounds 1 and 2 run by a version before rounds recorded their imports, round 2 with a new
    # Web of Science export (round 1's records and one new): round 2's snapshot keeps only the
    # record new in it, so that export was matched to no round and, imported again unchanged
    # in round 3, was counted again (the demo upgraded from afad370: 320 records identified in
    # round 3 instead of 246)
    config = demo_protocol(tmp_path)
    out, history = tmp_path / "out", tmp_path / "history"
    run_round(config)
    next_round(config, tmp_path)
    wos = tmp_path / "human/exports/web_of_science.ris"
    text = wos.read_text(encoding="utf-8-sig")
    first = text[: text.index("ER  -") + len("ER  -")]
    new = first.replace("TI  - ", "TI  - Five-year follow-up: ", 1).replace(
        "AN  - WOS:", "AN  - WOS:9", 1
    )
    wos.write_text(text.rstrip("\r\n") + "\n\n" + new + "\n", encoding="utf-8")
    edit_protocol(config, wos={"searched_on": ROUND_TWO_END})
    two = run_round(config)
    assert two["records_identified_by_source"]["wos"] == first_count(text) + 1
    for version in ("2025.1", "2025.2"):
        shutil.rmtree(history / version / "imports")  # as such a version left them
    assert len(rows(history / "2025.2/records.csv")) == 1  # the one new record
    run(config, f"round new --to {ROUND_TWO_END}")
    run(config, *(f"import --name {n}" for n in IMPORTS))
    third = manifests(out, IMPORTS)
    assert {n: (m["imported_in"], m.get("imported_in_by")) for n, m in third.items()} == {
        "wos": ("2025.2", "records"),
        "psycinfo": ("2025.1", "records"),
        "google_scholar": ("2025.1", "records"),
    }


def first_count(ris: str) -> int:
    """The records of a RIS export."""
    return sum(line.startswith("TY  - ") for line in ris.splitlines())
