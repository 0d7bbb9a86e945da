"""Hostile and broken input: a catalogue of what the importers, the config and the PubMed XML
parser do with it. Each case ends in one clear :class:`LivingReviewError` naming the file (exit 2
from the CLI) or in documented safe handling, never in a traceback.

Cases already covered in ``tests/imports/test_errors.py`` and ``tests/test_config.py`` (corrupted
tags, broken quoting, truncated JSON, binary junk, empty files, ``..`` in import paths) are not
repeated. Every mutated file is written into ``tmp_path`` from a real export in ../shared.
"""

from __future__ import annotations

import codecs
import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from livingreview.config import load_config
from livingreview.errors import ConfigError, InputFileError, SearchError
from livingreview.imports import import_file
from livingreview.secrets import read_secrets_file
from livingreview.sources.pubmed import CLIENT as PUBMED
from livingreview.sources.pubmed_xml import MalformedXMLError, UnsafeXMLError, parse_xml
from tests.conftest import REPO_ROOT
from tests.hardening import write_protocol
from tests.replay_server import Answer, ReplayServer
from tests.sources import service_http
from tests.sources.test_pubmed_slicing import esearch_body
from tests.test_search_stage import cli

SCOPUS_RIS = "exports/ris/synthesisr_Scopus.ris"  # 3 records
SCOPUS_CSV = "exports/scopus/scopus_sample.csv"  # 8 rows
SCOPUS_BIB = "exports/bibtex/synthesisr_Scopus.bib"  # 3 entries
PUBMED_NBIB = "exports/nbib/synthesisr_PubMed.nbib.txt"  # 3 records
EFETCH = "pubmed/efetch/pubmed1.xml"
ESEARCH = "pubmed/esearch/esearch2.xml"

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
)  # nine levels: 10^9 "lol"s if anything expanded it


def billion_laughs(root: str, inner: str) -> bytes:
    """An XML document whose ``root`` holds ``&lol9;`` in place of ``inner``'s text."""
    return (LAUGHS + f"<{root}><{inner}>&lol9;</{inner}></{root}>\n").encode()


def external_entity(target: str, body: bytes) -> bytes:
    """``body`` (a real XML response) with a DOCTYPE declaring ``&xxe;`` = ``target``, used once."""
    text = body.decode("utf-8")
    start = text.index("<PubmedArticleSet>")
    declared = (
        f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "{target}">]>\n'
    )
    text = declared + text[start:].replace("<ArticleTitle>", "<ArticleTitle>&xxe;", 1)
    return text.encode("utf-8")


# -- the import catalogue --------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _huge_csv_abstract(data: bytes) -> bytes:
    rows = _csv_rows(data)
    rows[1][rows[0].index("Abstract")] = "word " * 400_000  # 2 MB, beyond csv's 128 KB default
    return _csv_bytes(rows)


def _csv_row_twice(data: bytes) -> bytes:
    rows = _csv_rows(data)
    return _csv_bytes([rows[0], rows[1], rows[1], *rows[2:]])


def _csv_concatenated(data: bytes) -> bytes:
    return data + data  # two exports joined with `cat`: the header comes back as row 10


def _nul_in_middle(data: bytes) -> bytes:
    middle = data.index(b"\n", len(data) // 2)
    return data[:middle] + b"\x00\x00" + data[middle:]


@dataclass
class Case:
    """One hostile variant of a real export and what must happen to it."""

    name: str
    source: str  # real file under data/sources
    mutate: Callable[[bytes], bytes]
    error: str = ""  # fragment of the InputFileError message, or ...
    records: int = 0  # ... the number of records imported safely
    suffix: str = ""  # file name suffix if not the source's

    def write(self, sources: Path, tmp_path: Path) -> Path:
        path = tmp_path / f"{self.name}{self.suffix or Path(self.source).suffix}"
        path.write_bytes(self.mutate((sources / self.source).read_bytes()))
        return path


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


CATALOGUE = [
    # encodings: read, and the encoding reported
    Case("utf16-without-bom", SCOPUS_RIS, lambda b: _text(b).encode("utf-16-le"), records=3),
    Case("utf16-big-endian", SCOPUS_RIS, lambda b: _text(b).encode("utf-16-be"), records=3),
    Case("utf32-with-bom", SCOPUS_RIS, lambda b: _text(b).encode("utf-32"), records=3),
    Case("latin1", PUBMED_NBIB, lambda b: _text(b).encode("latin-1", "replace"), records=3),
    Case(
        "utf8-bom-then-latin1",
        SCOPUS_RIS,
        lambda b: codecs.BOM_UTF8 + b + "Zürich".encode("latin-1"),
        error="starts with a UTF-8 byte-order mark but byte",
    ),
    # huge fields are kept whole
    Case(
        "huge-ris-abstract",
        SCOPUS_RIS,
        lambda b: b.replace(b"AB  - ", b"AB  - " + b"x" * 5_000_000, 1),
        records=3,
    ),
    Case("huge-csv-cell", SCOPUS_CSV, _huge_csv_abstract, records=8),
    Case(
        "huge-nbib-abstract",
        PUBMED_NBIB,
        lambda b: b.replace(b"AB  - ", b"AB  - " + b"y " * 1_000_000, 1),
        records=3,
    ),
    # duplicated rows and records: all kept, with distinct ids (deduplication merges them)
    Case("csv-row-twice", SCOPUS_CSV, _csv_row_twice, records=9),
    Case("ris-file-twice", SCOPUS_RIS, lambda b: b + b"\n" + b, records=6),
    Case("csv-exports-concatenated", SCOPUS_CSV, _csv_concatenated, error="repeats the header"),
    # XML and HTML: never parsed by an importer, so no entity is ever expanded or fetched
    Case(
        "billion-laughs",
        SCOPUS_RIS,
        lambda b: billion_laughs("PubmedArticleSet", "ArticleTitle"),
        error="XML/HTML is not a supported export format",
        suffix=".xml",
    ),
    Case(
        "external-entity",
        EFETCH,
        lambda b: external_entity("file:///etc/passwd", b),
        error="XML/HTML is not a supported export format",
    ),
    Case(
        "pubmed-xml-as-ris",
        EFETCH,
        lambda b: b,
        error="XML/HTML is not a supported export format",
        suffix=".ris",
    ),
    Case(
        "login-page-saved-as-export",
        SCOPUS_RIS,
        lambda b: b"<!DOCTYPE html>\n<html><body><form>Sign in</form></body></html>\n",
        error="XML/HTML is not a supported export format",
    ),
    # broken structure
    Case(
        "bibtex-cut-in-half",
        SCOPUS_BIB,
        lambda b: b[: len(b) // 2],
        error="malformed BibTeX entry",
    ),
    Case("nul-bytes-mid-file", SCOPUS_CSV, _nul_in_middle, error="binary data (NUL byte)"),
    Case(
        "json-nested-100000-deep",
        SCOPUS_RIS,
        lambda b: b"[" * 100_000 + b"]" * 100_000,
        error="JSON nested too deeply: expected a list of records",
        suffix=".json",
    ),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.name for c in CATALOGUE])
def test_hostile_export(case: Case, sources_dir: Path, tmp_path: Path) -> None:
    path = case.write(sources_dir, tmp_path)
    if case.error:
        with pytest.raises(InputFileError) as raised:
            import_file(path, source="x")
        assert str(raised.value).startswith(str(path)) and case.error in str(raised.value)
        return
    result = import_file(path, source="x")
    assert len(result.records) == result.records_in_file == case.records
    ids = [r.record_id for r in result.records]
    assert len(set(ids)) == len(ids)
    if case.name.startswith("huge"):
        assert max(len(r.abstract) for r in result.records) >= 1_999_999  # stripped


def test_encodings_are_reported_as_read(sources_dir: Path, tmp_path: Path) -> None:
    expected = {"utf16-without-bom": "utf-16-le", "utf16-big-endian": "utf-16-be"}
    expected["utf32-with-bom"] = "utf-32"
    original = import_file(sources_dir / SCOPUS_RIS, source="x").records
    for case in (c for c in CATALOGUE if c.name in expected):
        result = import_file(case.write(sources_dir, tmp_path), source="x")
        assert result.encoding == expected[case.name]
        assert result.records == original


@pytest.mark.parametrize(
    "name", ["csv-exports-concatenated", "billion-laughs", "nul-bytes-mid-file"]
)
def test_the_cli_reports_a_hostile_export_on_one_line_with_exit_2(
    name: str, sources_dir: Path, tmp_path: Path
) -> None:
    case = next(c for c in CATALOGUE if c.name == name)
    path = case.write(sources_dir, tmp_path)
    result = cli("import", str(path), "--out", str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(path) in result.stderr and case.error in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_cut_export_is_caught_by_the_count_the_database_reported(
    sources_dir: Path, tmp_path: Path
) -> None:
    """A RIS export cut inside its last record reads like one without end tags (both exist).

    The safety net is ``imports.<name>.records_reported``: the count the database showed.
    """
    human = tmp_path / "human"
    human.mkdir()
    data = (sources_dir / SCOPUS_RIS).read_bytes()
    (human / "scopus.ris").write_bytes(data[: len(data) // 2])
    config = yaml.safe_load(write_protocol(tmp_path, {}).read_text())
    config["sources"] = {}
    config["imports"] = {
        "scopus": {
            "database": "Scopus",
            "files": ["scopus.ris"],
            "searched_on": "2025-01-31",
            "records_reported": 3,
        }
    }
    protocol = tmp_path / "import.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = cli("import", "--name", "scopus", "--configfile", str(protocol))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "reported 3 records" in result.stderr and "hold 2" in result.stderr
    assert not (tmp_path / "outputs/search/scopus/manifest.json").exists()


# -- the PubMed XML parser: entities are refused, DTDs never fetched --------------------------


def test_billion_laughs_from_a_service_is_refused_at_once(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    from livingreview.archive import RawArchive

    replay_server.add(
        "GET",
        "/esearch.fcgi",
        Answer(billion_laughs("eSearchResult", "Count"), content_type="text/xml"),
    )
    archive = RawArchive(tmp_path / "raw")
    archive.reset()
    http = service_http("pubmed", replay_server.url + "/", archive=archive)
    started = time.monotonic()
    with pytest.raises(UnsafeXMLError, match="declares XML entities") as raised:
        PUBMED.search(http, _pubmed_spec(), lambda d, t: None)
    assert time.monotonic() - started < 5
    assert raised.value.exit_code == 3
    assert len(replay_server.requests()) == 1  # refused, not retried
    assert not (tmp_path / "raw/index.jsonl").exists()  # and never archived


def test_an_external_entity_is_never_resolved(
    replay_server: ReplayServer, sources_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "private.txt"
    marker.write_text("PRIVATE-FILE-CONTENT", encoding="utf-8")
    efetch = (sources_dir / EFETCH).read_bytes()
    for target in (marker.as_uri(), replay_server.url + "/private.txt"):
        with pytest.raises(UnsafeXMLError):
            parse_xml(external_entity(target, efetch))
    replay_server.add("GET", "/esearch.fcgi", _history(sources_dir, 2))
    replay_server.add(
        "GET",
        "/efetch.fcgi",
        Answer(external_entity(marker.as_uri(), efetch), content_type="text/xml"),
    )
    with pytest.raises(SearchError) as raised:
        PUBMED.search(
            service_http("pubmed", replay_server.url + "/"), _pubmed_spec(), lambda d, t: None
        )
    assert "PRIVATE-FILE-CONTENT" not in str(raised.value)
    assert replay_server.requests("/private.txt") == []


@pytest.mark.parametrize(
    ("encoding", "refused_as"),
    [("utf-16", UnsafeXMLError), ("utf-16-le", MalformedXMLError), ("utf-32", MalformedXMLError)],
)
def test_entities_in_a_wide_encoding_are_refused_too(encoding: str, refused_as: type) -> None:
    """Bodies are scanned for entity declarations before the fast parser; a body in UTF-16 or
    UTF-32 (which such a scan of bytes cannot read) goes to the refusing parser instead, which
    refuses the entities or, where expat cannot read the encoding, the body."""
    text = billion_laughs("eSearchResult", "Count").decode()
    body = text.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>')
    with pytest.raises(refused_as):
        parse_xml(body.encode(encoding))


def test_an_external_dtd_is_never_downloaded(
    replay_server: ReplayServer, sources_dir: Path
) -> None:
    """Real responses name NCBI's DTD; the parser reads the document without fetching it."""
    replay_server.add("GET", "/esearch.dtd", Answer(b"<!ENTITY x 'y'>", content_type="text/xml"))
    body = esearch_body((sources_dir / ESEARCH).read_bytes(), 2).decode("utf-8")
    dtd = replay_server.url + "/esearch.dtd"
    body = body.replace("https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd", dtd)
    assert dtd in body
    root = parse_xml(body.encode("utf-8"))
    assert root.findtext("Count") == "2"
    assert replay_server.requests() == []


def _pubmed_spec() -> object:
    from livingreview.sources.base import SearchSpec

    return SearchSpec(name="medline", client="pubmed", query="cancer")


def _history(sources_dir: Path, count: int) -> Answer:
    body = esearch_body((sources_dir / ESEARCH).read_bytes(), count)
    return Answer(body, content_type="text/xml; charset=UTF-8")


# -- config and secrets ----------------------------------------------------------------------


def _yaml_bomb(levels: int) -> str:
    """``review.title`` holding nine-fold nested aliases: 9**levels strings once expanded."""
    lines = ["review:", "  title:", '    - &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for n in range(1, levels):
        lines.append(f"    - &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_the_config_is_refused_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_yaml_bomb(10), encoding="utf-8")
    started = time.monotonic()
    result = cli("check-config", "--configfile", str(REPO_ROOT / "config/config.yaml"), str(bomb))
    assert time.monotonic() - started < 10  # without the check: minutes and gigabytes
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the config expands to" in result.stderr and "YAML aliases" in result.stderr


def test_aliases_of_normal_size_are_fine(tmp_path: Path) -> None:
    override = tmp_path / "aliases.yaml"
    override.write_text(
        "search:\n  languages: &langs [en, fr]\nsources:\n  europepmc:\n    languages: *langs\n",
        encoding="utf-8",
    )
    config = load_config([REPO_ROOT / "config/config.yaml", override])
    assert config["sources"]["europepmc"]["languages"] == ["en", "fr"]


def test_a_config_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("review:\n  title: Caf\xe9 review\n".encode("latin-1"))
    result = cli("check-config", "--configfile", str(REPO_ROOT / "config/config.yaml"), str(latin))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{latin}, line 2: byte 20 is not UTF-8" in result.stderr


@pytest.mark.parametrize(
    "bad",
    ["../../etc/passwd", "wos/../../../etc/passwd", "..\\..\\etc\\passwd", "/etc/passwd"],
)
def test_path_traversal_in_import_files_is_refused_before_anything_is_read(
    bad: str, tmp_path: Path
) -> None:
    config = yaml.safe_load(write_protocol(tmp_path, {}).read_text())
    config["sources"] = {}
    config["imports"] = {
        "x": {"database": "WoS", "files": ["ok.txt", bad], "searched_on": "2025-01-31"}
    }
    protocol = tmp_path / "traversal.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = cli("import", "--name", "x", "--configfile", str(protocol))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "config key 'imports.x.files[1]'" in result.stderr
    assert "must be a relative path inside paths.human_input" in result.stderr
    assert not (tmp_path / "outputs/search/x").exists()


def test_a_secrets_file_never_echoes_its_values_in_errors(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.env"
    secrets.write_text("NCBI_API_KEY=k-123456789\nthis line has the key k-987654321\n")
    with pytest.raises(ConfigError, match="line 2: expected KEY=value") as raised:
        read_secrets_file(secrets)
    assert "k-987654321" not in str(raised.value)
    secrets.write_bytes(b"LIVINGREVIEW_EMAIL=caf\xe9@example.org\n")
    with pytest.raises(ConfigError, match="is not UTF-8") as raised:
        read_secrets_file(secrets)
    assert "example.org" not in str(raised.value)


def test_a_failed_reimport_leaves_no_earlier_result_behind(
    sources_dir: Path, tmp_path: Path
) -> None:
    human = tmp_path / "human"
    human.mkdir()
    export = human / "scopus.csv"
    export.write_bytes((sources_dir / SCOPUS_CSV).read_bytes())
    config = yaml.safe_load(write_protocol(tmp_path, {}).read_text())
    config["sources"] = {}
    config["imports"] = {
        "scopus": {"database": "Scopus", "files": ["scopus.csv"], "searched_on": "2025-01-31"}
    }
    protocol = tmp_path / "import.yaml"
    protocol.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = tmp_path / "outputs/search/scopus"
    assert cli("import", "--name", "scopus", "--configfile", str(protocol)).returncode == 0
    assert (out / "manifest.json").exists() and (out / "records.csv").exists()

    export.write_bytes(_csv_concatenated(export.read_bytes()))  # the reviewer replaced the file
    result = cli("import", "--name", "scopus", "--configfile", str(protocol))
    assert result.returncode == 2 and "repeats the header" in result.stderr
    assert not (out / "manifest.json").exists() and not (out / "records.csv").exists()


def test_an_output_path_taken_by_a_file_is_one_line_naming_it(
    demo_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A file where a step writes a folder (someone saved `outputs/report` as a file) stops
    the step with the path and the reason, exit 2, not a traceback."""
    import json
    import shutil

    from livingreview.cli import main

    work = shutil.copytree(demo_outputs.parent, tmp_path / "review", symlinks=True)
    shutil.rmtree(work / "outputs/report")
    (work / "outputs/report").write_text("not a folder", encoding="utf-8")
    protocol = json.loads((work / "outputs/protocol.json").read_text(encoding="utf-8"))
    protocol["paths"]["outputs"] = "outputs"  # the copy's, not the shared demo run's
    (work / "protocol.json").write_text(json.dumps(protocol), encoding="utf-8")
    monkeypatch.chdir(work)
    assert main(["report", "--configfile", "protocol.json"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "livingreview: error: outputs/report: File exists"
