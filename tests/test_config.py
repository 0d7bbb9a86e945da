"""The protocol: the shipped config validates; wrong configs fail fast naming the key."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from livingreview.cli import main
from livingreview.config import (
    DATE_FIELDS,
    VALIDATED_KEY,
    deep_merge,
    load_config,
    read_configfile_or_exit,
    validate_config,
    write_resolved_protocol,
)
from livingreview.errors import ConfigError
from tests.conftest import require_shared

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "config" / "config.yaml"


@pytest.fixture
def shipped() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m <args>`` from the repository root, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_shipped_config_is_valid_and_gets_defaults() -> None:
    config = load_config([SHIPPED])
    assert config["review"]["id"] == "dta_integrative_review"
    assert list(config["sources"]) == ["medline", "europepmc", "openalex"]
    assert list(config["imports"]) == ["wos", "psycinfo", "google_scholar"]
    assert config["paths"] == {"human_input": "human", "outputs": "outputs"}
    assert config["sources"]["medline"]["enabled"] is True
    assert config["imports"]["wos"]["format"] == "auto"
    assert [level["label"] for level in config["nexus"]["levels"]] == [
        "Level 1",
        "Level 2",
        "Level 3",
    ]


def test_demo_overrides_merge_into_the_shipped_protocol() -> None:
    config = load_config([SHIPPED, ROOT / "demo" / "config.yaml"])
    assert config["search"]["mode"] == "replay"
    assert config["search"]["replay_dir"] == "demo/snapshot"
    assert config["review"]["demo"] is True
    assert config["review"]["title"].startswith("Does the Digital Therapeutic Alliance Exist?")


def test_typo_key_is_named_with_a_suggestion(shipped: dict, tmp_path: Path) -> None:
    shipped["sources"]["medline"]["qurey"] = shipped["sources"]["medline"].pop("query")
    with pytest.raises(ConfigError) as err:
        load_config([write(tmp_path, shipped)])
    message = str(err.value)
    assert "sources.medline" in message
    assert "'qurey'" in message and "did you mean 'query'" in message


def test_missing_query_is_named(shipped: dict, tmp_path: Path) -> None:
    del shipped["sources"]["europepmc"]["query"]
    with pytest.raises(ConfigError, match=r"sources\.europepmc\.query': required key is missing"):
        load_config([write(tmp_path, shipped)])


def test_unknown_source_client_is_named(shipped: dict, tmp_path: Path) -> None:
    shipped["sources"]["scopus"] = {"client": "scopus", "query": "TITLE-ABS-KEY(alliance)"}
    with pytest.raises(ConfigError, match=r"sources\.scopus\.client': 'scopus' is not one of"):
        load_config([write(tmp_path, shipped)])


def test_a_pubmed_date_type_typed_wrong_is_named(shipped: dict) -> None:
    for key in ("date_field", "round_date_field"):
        broken = deep_merge(shipped, {"sources": {"medline": {key: "edta"}}})
        with pytest.raises(
            ConfigError, match=rf"sources\.medline\.{key}': 'edta' is not a PubMed date type"
        ):
            validate_config(broken)
    fine = deep_merge(shipped, {"sources": {"medline": {"date_field": "EDAT"}}})
    assert validate_config(fine)["sources"]["medline"]["date_field"] == "EDAT"


def test_a_date_field_no_service_knows_is_named(shipped: dict) -> None:
    # Europe PMC would search "FIRST_PDTE:[...]" and find nothing; OpenAlex and Crossref refuse
    # an unknown filter only once the search runs.
    typos = {"europepmc": "FIRST_PDTE", "openalex": "publicaton", "crossref": "from-indexed-date"}
    clients = {"europepmc": "Europe PMC date field", "openalex": "OpenAlex date filter",
               "crossref": "Crossref date filter"}  # fmt: skip
    for client, typo in typos.items():
        source = {"client": client, "query": "alliance", "date_field": typo}
        broken = deep_merge(shipped, {"sources": {"extra": source}})
        with pytest.raises(
            ConfigError, match=rf"sources\.extra\.date_field': '{typo}' is not a {clients[client]}"
        ):
            validate_config(broken)
    # Spelled as the services' own documentation spells them, any case.
    for client, field in {"europepmc": "first_idate", "openalex": "from_created_date",
                          "crossref": "from-index-date"}.items():  # fmt: skip
        source = {"client": client, "query": "alliance", "round_date_field": field}
        validate_config(deep_merge(shipped, {"sources": {"extra": source}}))


def test_a_filter_or_query_field_its_client_would_not_send_is_named(shipped: dict) -> None:
    # PubMed and Europe PMC have no filter parameter: the search ran without the limit the
    # protocol states; a Crossref query_field that is no query parameter stopped only the search.
    cases = {
        "medline": ({"filter": "has_abstract:true"}, r"client pubmed takes no filter .*; put"),
        "europepmc": ({"filter": "has_abstract:true"}, r"client europepmc takes no filter"),
        # not 'put the limit in the query': a query field is no limit
        "openalex": ({"query_field": "query"}, r"client openalex takes no query_field .*; leave"),
    }
    for name, (option, message) in cases.items():
        broken = deep_merge(shipped, {"sources": {name: option}})
        key = next(iter(option))
        with pytest.raises(ConfigError, match=rf"'sources\.{name}\.{key}': {message}"):
            validate_config(broken)
    for typo in ("bibliographic", "query.", "query_bibliographic"):
        source = {"client": "crossref", "query": "alliance", "query_field": typo}
        with pytest.raises(
            ConfigError, match=rf"'sources\.extra\.query_field': '{typo}' is not a Crossref query"
        ):
            validate_config(deep_merge(shipped, {"sources": {"extra": source}}))
    for field in ("query", "query.bibliographic", "query.author"):
        source = {"client": "crossref", "query": "alliance", "query_field": field,
                  "filter": "type:journal-article"}  # fmt: skip
        validate_config(deep_merge(shipped, {"sources": {"extra": source}}))
    openalex = deep_merge(shipped, {"sources": {"openalex": {"filter": "has_abstract:true"}}})
    validate_config(openalex)


def test_europe_pmc_date_fields_are_fields_the_service_lists() -> None:
    # The real /fields response of Europe PMC's REST service.
    fields = json.loads(
        require_shared("data/sources/europepmc/epmc_fields.json").read_text(encoding="utf-8")
    )
    listed = {term["term"] for term in fields["searchTermList"]["searchTerms"]}
    ours = set(DATE_FIELDS["europepmc"][1])
    assert ours <= listed
    assert {t for t in listed if t.endswith(("DATE", "DATE_D"))} | {"PUB_YEAR"} == ours


def test_bad_dates_and_ranges(shipped: dict) -> None:
    broken = deep_merge(shipped, {"search": {"date_range": {"from": "2010/01/01"}}})
    with pytest.raises(ConfigError, match=r"search\.date_range\.from': '2010/01/01' is not a date"):
        validate_config(broken)
    reversed_range = deep_merge(shipped, {"search": {"date_range": {"from": "2025-01-01"}}})
    with pytest.raises(ConfigError, match="is after 'to'"):
        validate_config(reversed_range)


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped config.yaml with one line's text replaced, as a person would edit it."""
    text = SHIPPED.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "config.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


WOS_SEARCHED = 'web_of_science.ris]\n    searched_on: "2024-11-25"'


@pytest.mark.parametrize(
    ("old", "new", "key", "bad"),
    [
        ('to: "2024-11-25"', "to: 2024-11-31", "search.date_range.to", "2024-11-31"),
        ('to: "2024-11-25"', 'to: "2024-11-31"', "search.date_range.to", "2024-11-31"),
        ('from: "2010-01-01"', "from: 2010-02-30", "search.date_range.from", "2010-02-30"),
        (
            WOS_SEARCHED,
            "web_of_science.ris]\n    searched_on: 2024-02-30",
            "imports.wos.searched_on",
            "2024-02-30",
        ),
    ],
)
def test_an_impossible_date_in_the_protocol_is_named_quoted_or_not(
    tmp_path: Path, old: str, new: str, key: str, bad: str
) -> None:
    path = edited(tmp_path, old, new)
    with pytest.raises(ConfigError) as error:
        load_config([path])
    assert str(error.value) == f"{path}: config key '{key}': {bad!r} is not a date (YYYY-MM-DD)"


def test_snakemake_names_an_impossible_unquoted_date_in_the_protocol(tmp_path: Path) -> None:
    """Snakemake builds YAML dates itself and stops on 2010-02-30 with a traceback: the Snakefile
    reads config/config.yaml so that the key is named in one line instead (exit code 2)."""
    path = edited(tmp_path, 'from: "2010-01-01"', "from: 2010-02-30")
    (tmp_path / "config").mkdir()
    path.rename(tmp_path / "config" / "config.yaml")
    result = subprocess.run(
        [
            sys.executable, "-m", "snakemake", "--dry-run", "--cores", "1",
            "--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path),
        ],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "livingreview: error: config/config.yaml: config key 'search.date_range.from': "
        "'2010-02-30' is not a date (YYYY-MM-DD)"
    )


def test_an_unquoted_date_in_the_protocol_is_the_date_typed(tmp_path: Path) -> None:
    path = edited(tmp_path, 'to: "2024-11-25"', "to: 2024-11-25")
    assert load_config([path])["search"]["date_range"] == {"from": "2010-01-01", "to": "2024-11-25"}


def test_dates_snakemake_read_unquoted_are_taken_as_the_text_typed(shipped: dict) -> None:
    """Snakemake reads the configfile itself: an unquoted date reaches validation as a date."""
    shipped["search"]["date_range"]["to"] = dt.date(2024, 11, 25)
    shipped["imports"]["wos"]["searched_on"] = dt.date(2024, 11, 26)
    config = validate_config(shipped)
    assert config["search"]["date_range"]["to"] == "2024-11-25"
    assert config["imports"]["wos"]["searched_on"] == "2024-11-26"


@pytest.mark.parametrize(("typed", "read"), [("2025.10", "the number 2025.1"), ("yes", "True")])
def test_an_unquoted_version_yaml_reads_as_another_type_is_named(
    tmp_path: Path, typed: str, read: str
) -> None:
    path = edited(tmp_path, 'version: "2025.1"', f"version: {typed}")
    with pytest.raises(ConfigError) as error:
        load_config([path])
    assert str(error.value) == (
        f"{path}: config key 'review.version': expected text, but YAML reads the unquoted value "
        f"as {read}: put it in quotes as typed"
    )


def test_replay_needs_a_directory(shipped: dict) -> None:
    with pytest.raises(ConfigError, match=r"search\.replay_dir': required"):
        validate_config(deep_merge(shipped, {"search": {"mode": "replay"}}))


@pytest.mark.parametrize(
    "bad", ["../outside.ris", "/etc/passwd", "exports/../../x.ris", "C:\\x.ris"]
)
def test_import_paths_cannot_escape_the_human_input_folder(shipped: dict, bad: str) -> None:
    shipped["imports"]["wos"]["files"] = [bad]
    with pytest.raises(ConfigError, match=r"imports\.wos\.files\[0\]"):
        validate_config(shipped)


@pytest.mark.parametrize(
    ("section", "key", "folder", "other"),
    [
        ("screening", "conflicts_folder", "screening/title_abstract/conflicts", "screening.folder"),
        ("full_text", "folder", "full_text/conflicts/", "full_text.conflicts_folder"),
        ("risk_of_bias", "folder", "extraction", "extraction.folder"),
        ("deduplication", "decisions_dir", ".", "screening.folder"),
    ],
)
def test_each_kind_of_returned_sheet_has_its_own_folder(
    shipped: dict, section: str, key: str, folder: str, other: str
) -> None:
    validate_config(copy.deepcopy(shipped))  # the shipped folders are apart
    shipped[section][key] = folder
    with pytest.raises(ConfigError) as error:
        validate_config(shipped)
    message = str(error.value)
    assert f"'{section}.{key}'" in message and f"'{other}'" in message
    assert "neither inside the other" in message


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("review:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml, line \d+"):
        load_config([path])


def test_cli_rejects_a_typo_with_one_line(shipped: dict, tmp_path: Path) -> None:
    shipped["imports"]["wos"]["serched_on"] = shipped["imports"]["wos"].pop("searched_on")
    path = write(tmp_path, shipped)
    result = run_module("livingreview.cli", "check-config", "--configfile", str(path))
    assert result.returncode == 2
    assert "imports.wos" in result.stderr and "'serched_on'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_missing_export_is_named_with_its_key_before_any_job(
    shipped: dict, tmp_path: Path
) -> None:
    # Before: check-config said nothing; Snakemake stopped with a MissingInputException. The
    # protocol itself is fine (a team checks it before putting its exports in place).
    shipped["paths"]["human_input"] = str(tmp_path / "human")
    path = write(tmp_path, shipped)
    wanted = f"{tmp_path}/human/exports/web_of_science.ris: export file not found (config key "
    checked = run_module("livingreview.cli", "check-config", "--configfile", str(path))
    assert checked.returncode == 0
    assert f"  not there yet: {wanted}'imports.wos.files[0]')" in checked.stdout
    assert "imports.psycinfo.files[0]" in checked.stdout  # each import missing its files
    result = run_module("snakemake", "-n", "--configfile", str(path))
    assert result.returncode == 2, result.stderr[-2000:]
    assert wanted + "'imports.wos.files[0]')" in result.stderr
    assert "Traceback" not in result.stderr


def test_snakemake_rejects_a_typo_with_the_key_named(shipped: dict, tmp_path: Path) -> None:
    shipped["review"]["titel"] = "x"
    path = write(tmp_path, shipped)
    result = run_module("snakemake", "-n", "--configfile", str(path))
    assert result.returncode != 0
    assert "config key 'review.titel': unknown key 'titel' (did you mean 'title'?)" in result.stderr


def _schema_keys(node: object, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            found.add(key)
            _schema_keys(sub, found)
        for value in node.values():
            if isinstance(value, dict | list):
                _schema_keys(value, found)
    elif isinstance(node, list):
        for item in node:
            _schema_keys(item, found)
    return found


def test_every_schema_key_is_documented_in_the_config_readme() -> None:
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    readme = (ROOT / "config/README.md").read_text(encoding="utf-8")
    undocumented = sorted(k for k in _schema_keys(schema, set()) if f"`{k}`" not in readme)
    assert undocumented == []


def resolved_protocol(tmp_path: Path) -> tuple[dict, Path]:
    """The shipped protocol as the Snakefile resolves it, written under ``tmp_path``."""
    config = load_config([SHIPPED])
    config["paths"]["outputs"] = str(tmp_path / "outputs")
    return config, Path(write_resolved_protocol(config))


def test_resolved_protocol_loads_without_validating_again(tmp_path: Path) -> None:
    config, path = resolved_protocol(tmp_path)
    assert next(iter(json.loads(path.read_text(encoding="utf-8")))) == VALIDATED_KEY
    assert load_config([path]) == config
    assert load_config([path, ROOT / "demo" / "config.yaml"])["search"]["mode"] == "replay"
    probe = (
        "import sys; from livingreview.config import load_config; "
        f"load_config([{str(path)!r}]); print('jsonschema' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == ["False"]


def test_hand_edited_resolved_protocol_is_validated(tmp_path: Path) -> None:
    _, path = resolved_protocol(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data[VALIDATED_KEY].startswith("sha256:")
    data["search"]["mode"] = "offline"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"search\.mode': 'offline' is not one of"):
        load_config([path])
    data[VALIDATED_KEY] = "sha256:0"
    data["search"]["mode"] = "live"
    data["review"]["titel"] = "typo"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'title'"):
        load_config([path])


def test_version_is_the_installed_packages_on_stdout() -> None:
    from importlib.metadata import version

    result = run_module("livingreview.cli", "--version")
    assert result.returncode == 0
    assert result.stdout == f"livingreview {version('livingreview')}\n"


@pytest.mark.parametrize(
    ("overlay", "says"),
    [
        ("search:\n  1: x\n  foo: y\n", "config key 'search.1': unknown key 1, 'foo'; allowed"),
        ("1: x\n", "config key '1': unknown key 1; allowed keys: automation,"),
    ],
)
def test_keys_yaml_reads_as_numbers_are_named_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: str, says: str
) -> None:
    """A key typed as a number beside one typed as text stopped check-config with a TypeError
    traceback (the unknown keys could not be sorted)."""
    path = tmp_path / "overlay.yaml"
    path.write_text(overlay, encoding="utf-8")
    assert main(["check-config", "--configfile", str(SHIPPED), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err


def twice(tmp_path: Path) -> tuple[Path, int, int]:
    """The shipped config with the openalex source renamed medline, as a copied block whose name
    was not changed: (file, line of the first medline, line of the second)."""
    path = edited(tmp_path, "  openalex:\n    client: openalex", "  medline:\n    client: openalex")
    lines = path.read_text(encoding="utf-8").splitlines()
    first, second = (n for n, line in enumerate(lines, start=1) if line == "  medline:")
    return path, first, second


def test_a_key_typed_twice_is_named_not_the_first_silently_dropped(tmp_path: Path) -> None:
    path, first, second = twice(tmp_path)
    with pytest.raises(ConfigError) as error:
        load_config([path])
    assert str(error.value) == (
        f"{path}, line {second}, column 3: key 'medline' is given twice in one mapping (first "
        f"on line {first}); YAML would keep only this one: remove or rename one of them"
    )


def test_a_key_a_merge_brings_in_may_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text(
        "sources:\n  medline: &base {client: pubmed, query: a}\n"
        "  pubmed_b:\n    <<: *base\n    query: b\n",
        encoding="utf-8",
    )
    sources = load_config([SHIPPED, path])["sources"]
    assert (sources["pubmed_b"]["client"], sources["pubmed_b"]["query"]) == ("pubmed", "b")


def test_the_snakefile_names_a_key_typed_twice_in_config_yaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Snakemake's own YAML reader keeps the last of two equal keys without a word."""
    path, first, second = twice(tmp_path)

    class Workflow:
        def configfile(self, fp: str) -> None:
            raise AssertionError(f"{fp} read without the check")

    with pytest.raises(SystemExit) as stop:
        read_configfile_or_exit(Workflow(), str(path))
    assert stop.value.code == 2
    assert capsys.readouterr().err == (
        f"livingreview: error: {path}, line {second}, column 3: key 'medline' is given twice "
        f"in one mapping (first on line {first}); YAML would keep only this one: remove or "
        "rename one of them\n"
    )


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            {"review": {"id": "DTA review"}},
            "config key 'review.id': 'DTA review' must be lower-case letters, digits and "
            "underscores, starting with a letter",
        ),
        (
            {"sources": {"PubMed": {"client": "pubmed", "query": "x"}}},
            "config key 'sources': name 'PubMed' must be lower-case letters, digits and "
            "underscores, starting with a letter",
        ),
    ],
)
def test_a_name_that_is_no_identifier_says_what_a_name_may_hold(
    shipped: dict, change: dict, says: str
) -> None:
    with pytest.raises(ConfigError) as error:
        validate_config(deep_merge(shipped, change))
    assert str(error.value) == f"config: {says}"


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("paths", "outputs"),
        ("paths", "human_input"),
        ("deduplication", "history_dir"),
        ("deduplication", "decisions_dir"),
        ("screening", "folder"),
        ("full_text", "conflicts_folder"),
    ],
)
def test_an_empty_folder_name_is_refused(shipped: dict, section: str, key: str) -> None:
    """'' is the repository itself: outputs 'safe to delete', snapshots and rounds.yaml among
    the project's files, or a returned-sheet folder holding all the others."""
    shipped.setdefault(section, {})[key] = ""
    with pytest.raises(ConfigError) as error:
        validate_config(shipped)
    assert str(error.value) == f"config: config key '{section}.{key}': '' should be non-empty"


@pytest.mark.parametrize(
    ("human_input", "outputs", "key"),
    [
        ("human", "human", "paths.human_input"),
        ("human", "./human/", "paths.human_input"),
        ("demo/human", "demo", "paths.human_input"),
        ("human", "human/dedup", "deduplication.decisions_dir"),
        ("human", "human/exports", "imports.wos.files[0]"),
    ],
)
def test_outputs_and_human_input_one_inside_the_other_are_refused(
    shipped: dict, tmp_path: Path, human_input: str, outputs: str, key: str
) -> None:
    # Accepted before: the pipeline wrote its sheets and logs into the folder returned sheets
    # are read from, or 'outputs, safe to delete' held the human work (human/exports: the
    # database export of imports.wos, exports/web_of_science.ris).
    shipped["paths"] = {"human_input": human_input, "outputs": outputs}
    path = write(tmp_path, shipped)
    named = rf"'paths\.outputs' and '{re.escape(key)}': '{re.escape(outputs)}' and .* must be"
    with pytest.raises(ConfigError, match=named):
        load_config([path])
    result = run_module("livingreview", "check-config", "--configfile", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"config keys 'paths.outputs' and '{key}'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    for fine in ({"human_input": "humans", "outputs": "human_out"},
                 {"human_input": ".", "outputs": "outputs"}):  # fmt: skip
        validate_config(deep_merge(shipped, {"paths": fine}))


@pytest.mark.parametrize(
    ("history", "holds"),
    [
        (".", "the project folder"),
        ("..", "the project folder"),
        (str(Path.cwd()), "the project folder"),
        ("config", "the project's config folder"),
        ("human", "paths.human_input 'human'"),
        ("outputs/", "paths.outputs 'outputs'"),
    ],
)
def test_a_history_dir_around_the_project_or_its_folders_is_refused(
    shipped: dict, tmp_path: Path, history: str, holds: str
) -> None:
    # Accepted before: each run's start searched the whole folder (with '.', '..' or the
    # project itself, every file of the project and beyond) for leftover temporary files.
    shipped["deduplication"]["history_dir"] = history
    path = write(tmp_path, shipped)
    with pytest.raises(
        ConfigError, match=f"'deduplication.history_dir': .* is (or holds )?{holds}"
    ):
        load_config([path])
    result = run_module("livingreview", "check-config", "--configfile", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "config key 'deduplication.history_dir'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    for fine in ("library_history", "outputs/library_history", "human/history", "../history"):
        validate_config(deep_merge(shipped, {"deduplication": {"history_dir": fine}}))


def test_a_history_dir_holding_the_human_input_and_outputs_folders_is_accepted(
    shipped: dict, tmp_path: Path
) -> None:
    # A project keeping everything under data/ (data/human, data/outputs, its round snapshots
    # in data/<version>) ran before b687325, which refused it ('holds paths.human_input'), so
    # after the upgrade the review could not run its next round. Only its own temporary files
    # are found there, and each round's snapshot is a folder of its own: it is accepted.
    shipped["paths"] = {"human_input": "data/human", "outputs": "data/outputs"}
    shipped["deduplication"]["history_dir"] = "data"
    path = write(tmp_path, shipped)
    assert load_config([path])["deduplication"]["history_dir"] == "data"
    result = run_module("livingreview", "check-config", "--configfile", str(path))
    assert result.returncode == 0, result.stderr
    shipped["deduplication"]["history_dir"] = "data/outputs"  # still the outputs: refused
    refused = re.escape("'data/outputs' is paths.outputs 'data/outputs';")
    with pytest.raises(ConfigError, match=refused):
        validate_config(shipped)


@pytest.mark.parametrize(
    ("history", "key", "folder"),
    [
        ("human/screening/title_abstract", "screening.folder", "screening/title_abstract"),
        ("human/screening/title_abstract/history", "screening.folder", "screening/title_abstract"),
        ("human/full_text/conflicts/kept", "full_text.conflicts_folder", "full_text/conflicts"),
        ("human/dedup", "deduplication.decisions_dir", "dedup"),
    ],
)
def test_a_history_dir_in_a_folder_of_returned_sheets_is_refused(
    shipped: dict, tmp_path: Path, history: str, key: str, folder: str
) -> None:
    # Accepted before (review of 8efe968): the library step wrote the round's snapshot among
    # the returned screening sheets and the screening step then stopped with 'a folder among
    # the returned screening sheets: sheets in it are not read; move them into
    # human/screening/title_abstract', the history's tables to be moved among the sheets.
    shipped["deduplication"]["history_dir"] = history
    path = write(tmp_path, shipped)
    expected = f"{history!r} is or lies in {key} {folder!r} (in paths.human_input)"
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_config([path])
    result = run_module("livingreview", "check-config", "--configfile", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for fine in ("human/history", "human/screening", "human/screening/kept"):
        validate_config(deep_merge(shipped, {"deduplication": {"history_dir": fine}}))


def test_choices_a_reviewer_could_never_pick_are_refused(shipped: dict) -> None:
    # A form's value is read in any capitalisation (parse gives 'llm' the first, 'LLM'), and a
    # multichoice value is split at ';' ('LLM; chat' read as 'LLM' and 'chat', neither a choice):
    # both protocols passed check-config and such a choice could never be recorded.
    def with_modality(kind: str, choices: list[str]) -> dict:
        config = copy.deepcopy(shipped)
        field = next(f for f in config["extraction"]["fields"] if f["id"] == "ai_modality")
        field.update(type=kind, choices=choices)
        return config

    key = r"'extraction\.fields\[5\]\.choices': "
    with pytest.raises(ConfigError, match=key + r"'LLM', 'llm' listed twice \(a value is read"):
        validate_config(with_modality("choice", ["LLM", "llm", "none"]))
    with pytest.raises(ConfigError, match=key + r"'LLM; chat' holds ';', which separates"):
        validate_config(with_modality("multichoice", ["rule-based", "LLM; chat", "none"]))
    # a form's cell is read on one line ('LLM ' from the dropdown is read 'LLM', no choice)
    for spaced in ("LLM ", "rule  based", "rule\nbased"):
        with pytest.raises(ConfigError, match=key + re.escape(repr(spaced)) + " has spaces"):
            validate_config(with_modality("choice", ["rule-based", spaced, "none"]))
    # a single choice may hold ';' (its value is read whole)
    validate_config(with_modality("choice", ["rule-based", "LLM; chat", "none"]))


@pytest.mark.parametrize("seed", ["PMC1234567", "not a doi", "3992 4298", "CRD42024000000"])
def test_a_seed_study_that_is_no_doi_or_pmid_is_named(shipped: dict, seed: str) -> None:
    # Accepted before: the ranker never found it, and a PMCID was taken for the PMID of its
    # digits (normalise_pmid('PMC1234567') is '1234567'), another study marked known relevant.
    seeds = ["10.2196/69294", seed]
    with pytest.raises(
        ConfigError, match=rf"'screening\.seed_studies\[1\]': '{seed}' is neither a DOI"
    ):
        validate_config(deep_merge(shipped, {"screening": {"seed_studies": seeds}}))
    fine = ["10.2196/69294", "https://doi.org/10.2196/69294", "39924298", "PMID: 39924298",
            "https://pubmed.ncbi.nlm.nih.gov/39924298/"]  # fmt: skip
    validate_config(deep_merge(shipped, {"screening": {"seed_studies": fine}}))


@pytest.mark.parametrize(
    "seed", ["https://www.ncbi.nlm.nih.gov/pubmed/39924298", "pubmed.ncbi.nlm.nih.gov/39924298/"]
)
def test_a_seed_study_at_the_older_pubmed_address_is_accepted(shipped: dict, seed: str) -> None:
    # PubMed's address before 2020 (and one copied without 'https://') names the PMID the
    # ranker reads (seed_study_ids finds the study); 17799c4 refused it, stopping a protocol
    # that worked.
    from livingreview.screening.priority import seed_study_ids

    config = validate_config(deep_merge(shipped, {"screening": {"seed_studies": [seed]}}))
    studies = [{"study_id": "S1", "pmid": "39924298"}, {"study_id": "S2", "pmid": "1"}]
    assert seed_study_ids(config, studies) == {"S1"}


@pytest.mark.parametrize(
    ("section", "key", "folder"),
    [
        ("deduplication", "decisions_dir", "/tmp/dedup"),
        ("screening", "folder", "../screening"),
        ("full_text", "conflicts_folder", "full_text/../../conflicts"),
        ("risk_of_bias", "folder", "C:/rob"),
    ],
)
def test_a_returned_sheet_folder_outside_the_human_input_folder_is_refused(
    shipped: dict, section: str, key: str, folder: str
) -> None:
    # Accepted before: the folder, documented as under paths.human_input, was read outside it
    # (Path('human') / '/tmp/dedup' is /tmp/dedup), as import files are not (no '..', absolute).
    broken = deep_merge(shipped, {section: {key: folder}})
    with pytest.raises(
        ConfigError, match=rf"'{section}\.{key}': '{folder}' must be a relative folder inside"
    ):
        validate_config(broken)


def test_a_report_field_listed_twice_is_named(shipped: dict) -> None:
    # Accepted before: the included-studies table showed the column twice, and the evidence
    # matrix and nexus_evidence.csv counted the field twice.
    twice = {
        "study_columns": ["country", "n", "country"],
        "evidence_fields": ["goal_alignment", "barriers", "goal_alignment"],
    }
    for key, fields in twice.items():
        message = rf"'report\.{key}\[2\]': '{fields[0]}' is already report\.{key}\[0\]"
        with pytest.raises(ConfigError, match=message):
            validate_config(deep_merge(shipped, {"report": {key: fields}}))
    # one field both a study column and an evidence field is fine
    both = {"study_columns": ["country"], "evidence_fields": ["country"]}
    validate_config(deep_merge(shipped, {"report": both}))


def test_a_review_that_only_imports_exports_needs_no_sources(shipped: dict) -> None:
    del shipped["sources"]
    config = validate_config(shipped)
    assert config["sources"] == {} and list(config["imports"]) == [
        "wos",
        "psycinfo",
        "google_scholar",
    ]
    del shipped["imports"]
    with pytest.raises(ConfigError, match="'sources': no enabled source or import to search"):
        validate_config(shipped)


def test_the_help_shows_no_source_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "The livingreview command: one thin subcommand per pipeline stage." in out
    assert "``" not in out


@pytest.mark.parametrize(
    ("change", "key", "value"),
    [
        (
            {"search": {"contact_email_env": "me@uni.example"}},
            "search.contact_email_env",
            "me@uni.example",
        ),
        (
            {"sources": {"medline": {"api_key_env": "ab12-cd34"}}},
            "sources.medline.api_key_env",
            "ab12-cd34",
        ),
    ],
)
def test_a_secret_typed_where_its_variable_is_named_is_refused(
    shipped: dict, change: dict, key: str, value: str
) -> None:
    """The e-mail or key itself in place of the variable's name was sent to no service (the
    variable it names is never set) and went into the outputs with the resolved protocol."""
    with pytest.raises(ConfigError) as error:
        validate_config(deep_merge(shipped, change))
    assert str(error.value) == (
        f"config: config key '{key}': {value!r} is not the name of an environment variable "
        "(letters, digits and underscores): name the variable here and put the value in the "
        "environment or the secrets file"
    )


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_registration_is_refused(shipped: dict, blank: str) -> None:
    # a blank one passed and made the checklist say item 24a was reported, showing nothing
    with pytest.raises(ConfigError, match=r"'review\.registration': is blank; give the text"):
        validate_config(deep_merge(shipped, {"review": {"registration": blank}}))
    validate_config(deep_merge(shipped, {"review": {"registration": "PROSPERO CRD42024000000"}}))


BLANK_TEXT = [
    # (where in the shipped protocol, key named, required)
    (("sources", "medline", "query"), "sources.medline.query", True),
    (("sources", "openalex", "database"), "sources.openalex.database", False),
    (("imports", "wos", "platform"), "imports.wos.platform", False),
    (("review", "title"), "review.title", True),
    (("exclusion_reasons", "full_text", 1, "label"), "exclusion_reasons.full_text[1].label", True),
    (("extraction", "fields", 2, "label"), "extraction.fields[2].label", True),
    (("nexus", "levels", 0, "label"), "nexus.levels[0].label", True),
    (("reviewers", 2, "name"), "reviewers[2].name", True),
]


def test_a_blank_import_query_is_as_if_left_out(shipped: dict, tmp_path: Path) -> None:
    # Valid before 5e80c51 and read exactly as a key left out (an export recorded without its
    # query, e.g. citation searching, in PRISMA-S and the checklist): refusing it stopped a
    # working protocol on upgrade and prevented no wrong output.
    from livingreview.importing import import_paths

    shipped["imports"]["wos"]["query"] = " \n"
    path = write(tmp_path, shipped)
    config = load_config([path])
    assert import_paths(config, "wos") == [Path("human/exports/web_of_science.ris")]
    result = run_module("livingreview", "check-config", "--configfile", str(path))
    assert "Traceback" not in result.stderr and "is blank" not in result.stderr
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("where", "key", "required"), BLANK_TEXT)
def test_text_that_is_only_white_space_is_refused(
    shipped: dict, tmp_path: Path, where: tuple, key: str, required: bool
) -> None:
    # A blank query passed (the search then sent an empty one: every record of the service), as
    # did a blank title, label or database, which the reports then showed as nothing.
    node = shipped
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = " \n\t"
    path = write(tmp_path, shipped)
    optional = "" if required else " or leave the key out"
    message = rf"'{re.escape(key)}': is blank; give the text{optional}$"
    with pytest.raises(ConfigError, match=message):
        load_config([path])
    result = run_module("livingreview", "check-config", "--configfile", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"config key '{key}': is blank" in result.stderr


@pytest.mark.parametrize(
    ("overlay", "key"),
    [
        (
            "exclusion_reasons:\n  full_text:\n"
            "    - {id: population, label: 'Wrong population (adults; older adults)'}\n"
            "    - {id: design, label: 'Wrong design'}\n",
            "exclusion_reasons.full_text[0].label",
        ),
        (
            "imports:\n  wos:\n    database: 'Web of Science; SCI-EXPANDED'\n",
            "imports.wos.database",
        ),
    ],
)
def test_a_name_counted_in_a_prisma_list_holding_a_semicolon_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: str, key: str
) -> None:
    """Before: accepted, and prisma/ledger.csv wrote 'Wrong population (adults; older adults),
    6; ...', which 'livingreview prisma' refused ('Wrong population (adults' is not 'Label, n')
    and the PRISMA2020 package read as two reasons."""
    path = tmp_path / "overlay.yaml"
    path.write_text(overlay, encoding="utf-8")
    assert main(["check-config", "--configfile", str(SHIPPED), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"config key '{key}'" in err and "';'" in err
    # A comma is fine: the list's items are split at ';' and each at its last comma.
    path.write_text(overlay.replace(";", ","), encoding="utf-8")
    assert main(["check-config", "--configfile", str(SHIPPED), str(path)]) == 0


@pytest.mark.parametrize(
    ("overlay", "key", "ids"),
    [
        (
            "exclusion_reasons:\n  title_abstract:\n"
            "    - {id: no_digital, label: 'No digital intervention'}\n"
            "    - {id: not_digital, label: 'No digital intervention'}\n",
            "exclusion_reasons.title_abstract[1].label",
            ("'no_digital'", "'not_digital'"),
        ),
        (
            "exclusion_reasons:\n  full_text:\n"
            "    - {id: wrong_design, label: 'Wrong design'}\n"
            "    - {id: wrong_population, label: 'Wrong population'}\n"
            "    - {id: design, label: 'wrong  Design'}\n",
            "exclusion_reasons.full_text[2].label",
            ("'wrong_design'", "'design'"),
        ),
    ],
)
def test_two_exclusion_reasons_with_one_label_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: str, key: str, ids: tuple
) -> None:
    """Before: accepted, and the two reasons showed as one label twice in the sheets'
    instructions and the reports. The same label in the other list is fine."""
    path = tmp_path / "overlay.yaml"
    path.write_text(overlay, encoding="utf-8")
    assert main(["check-config", "--configfile", str(SHIPPED), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and f"config key '{key}'" in err
    assert all(reason in err for reason in ids)
    assert "Traceback" not in err


def test_the_same_reason_label_in_both_lists_is_accepted(shipped: dict) -> None:
    labels = {
        stage: {reason["label"] for reason in reasons}
        for stage, reasons in shipped["exclusion_reasons"].items()
    }
    assert labels["title_abstract"] & labels["full_text"]
    validate_config(shipped)
