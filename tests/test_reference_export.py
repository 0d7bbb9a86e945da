"""The library and the included studies as RIS and BibTeX: what the pipeline writes reads back,
through the project's own importers, as the records it was written from."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import bibtexparser
import pytest

from livingreview import reference_export as export
from livingreview.cli import main
from livingreview.fulltext.decide import ReportDecision
from livingreview.fulltext.studies import INCLUDED_COLUMNS, included_rows
from livingreview.imports import import_file
from livingreview.records import COLUMNS, Record, assign_ids
from livingreview.sources.pubmed_xml import parse_efetch
from tests.conftest import REPO_ROOT, require_shared

FIELDS = ("title", "year", "journal", "volume", "issue", "pages", "doi", "pmid")
GREEK = re.compile(r"[\u0391-\u03c9]")


def read_back(path: Path) -> list[Record]:
    """The records our own importer reads from a written file, in file order."""
    result = import_file(path, source="check")
    assert result.format == ("ris" if path.suffix == ".ris" else "bibtex")
    assert result.records_in_file == len(result.records)
    return result.records


def differences(
    studies: list[export.Study], records: list[Record], fields: tuple[str, ...] = FIELDS
) -> list[tuple[str, str]]:
    """(study id, field) of every field read back other than the one written."""
    assert len(records) == len(studies)
    found = []
    for study, back in zip(studies, records, strict=True):
        found += [
            (study.study_id, f) for f in fields if getattr(back, f) != getattr(study.record, f)
        ]
        if back.authors != export.author_names(study.record):
            found.append((study.study_id, "authors"))
    return found


def library_rows(outputs: Path) -> list[dict[str, str]]:
    with (outputs / "library/records.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def notes(ris: Path) -> list[str]:
    text = ris.read_bytes().decode("utf-8")  # read_text would turn CRLF into LF
    return re.findall(r"^N1  - (.*)\r$", text, flags=re.MULTILINE)


def test_the_library_files_read_back_as_the_library(demo_outputs: Path) -> None:
    rows = library_rows(demo_outputs)
    studies = export.library_studies(demo_outputs)
    assert [s.study_id for s in studies] == sorted(r["study_id"] for r in rows)
    for name in ("library.ris", "library.bib"):
        assert differences(studies, read_back(demo_outputs / "library" / name)) == []
    # the written form of the authors is the library's, but for names written "Given Family"
    # (none in the demo: Google Scholar's "G Andersson" is read family first on import)
    originals = [a for r in rows for a in r["authors"].split("; ") if a]
    written = [a for s in studies for a in export.author_names(s.record)]
    assert len(written) == len(originals)
    assert "Andersson, G" in originals
    turned = [(o, w) for o, w in zip(originals, written, strict=True) if o != w]
    assert all("," not in o for o, _ in turned)
    assert notes(demo_outputs / "library/library.ris")[1] == (
        f"livingreview study id {studies[1].study_id}; sources: "
        + rows[1]["sources"].replace(";", ", ")
    )
    assert sum(1 for s in studies if s.record.pmid) > 0  # PMIDs were there to read back


def test_the_included_files_follow_the_report_and_name_each_study(demo_outputs: Path) -> None:
    with (demo_outputs / "fulltext/included_studies.csv").open(encoding="utf-8") as handle:
        included = {r["study_id"]: r for r in csv.DictReader(handle)}
    report = (demo_outputs / "report/report.md").read_text(encoding="utf-8")
    table = report.split("## Included studies")[1].split("\n## ")[0]
    shown = re.findall(r"^\| ([^|:]+?): ", table, flags=re.MULTILINE)
    studies = export.included_studies(demo_outputs)
    assert [s.label for s in studies] == shown and len(shown) == len(included) > 0
    assert notes(demo_outputs / "report/included_studies.ris") == [
        f"Included study {s.label}; livingreview study id {s.study_id}" for s in studies
    ]
    for study in studies:  # the record of the report the full-text stage shows for the study
        assert study.record.title == included[study.study_id]["title"]
        assert study.record.doi == included[study.study_id]["doi"]
    for name in ("included_studies.ris", "included_studies.bib"):
        assert differences(studies, read_back(demo_outputs / "report" / name)) == []
        # the version's kept report keeps the studies it included, as the next run replaces these
        kept = demo_outputs / "library_history/2025.1/report" / name
        assert kept.read_bytes() == (demo_outputs / "report" / name).read_bytes()
    bib = bibtexparser.parse_file(str(demo_outputs / "report/included_studies.bib"), parse_stack=[])
    assert not bib.failed_blocks
    assert [e.key for e in bib.entries] == export.citation_keys(studies)
    assert [e.key for e in bib.entries][:2] == [
        re.sub(r"[^A-Za-z0-9]", "", s.label) for s in studies[:2]
    ]
    annotes = [e.fields_dict["annote"].value for e in bib.entries]
    assert annotes[0] == f"{{Included study {studies[0].label}; livingreview study id " + (
        f"{studies[0].study_id}}}"
    )


def test_ris_is_crlf_utf8_and_bibtex_lf_the_same_bytes_every_time(demo_outputs: Path) -> None:
    ris = (demo_outputs / "library/library.ris").read_bytes()
    assert ris.startswith(b"TY  - ") and ris.count(b"\n") == ris.count(b"\r\n") > 0
    assert not ris.startswith(b"\xef\xbb\xbf") and "Baños".encode() in ris
    assert re.search(rb"^\d+\.\r$", ris, flags=re.MULTILINE) is None  # no rispy record numbers
    assert all(re.match(rb"^[A-Z][A-Z0-9]  - |^$", line) for line in ris.split(b"\r\n"))
    bib = (demo_outputs / "library/library.bib").read_bytes()
    assert b"\r" not in bib and bib.startswith(b"@")
    studies = export.library_studies(demo_outputs)
    assert export.ris_text(studies).encode() == ris
    assert export.bibtex_text(studies).encode() == bib


def real_records() -> list[Record]:
    """Records of real PubMed payloads and database exports (../shared): percent signs and
    ampersands in abstracts, Greek letters (Scopus), a group author (PubMed's CollectiveName),
    underscores, records without DOI."""
    sources = require_shared("data/sources")
    records = []
    for path in sorted((sources / "pubmed/efetch").glob("pubmed*.xml")):
        records += assign_ids("pubmed", parse_efetch(path.read_bytes()))
    for export_file in ("scopus/scopus_sample.csv", "bibtex/colrev_scopus_anonymized.bib"):
        records += import_file(sources / "exports" / export_file, source="scopus").records
    # an ampersand in a title (the Scopus abstracts' only ones were in copyright notices, which
    # imports leave out since 1d65a74)
    records += import_file(sources / "exports/ris/revtools_avian_ecology.ris", source="ris").records
    return records


@pytest.mark.parametrize("fmt, suffix", [("ris", ".ris"), ("bibtex", ".bib")])
def test_real_records_with_awkward_values_read_back(tmp_path: Path, fmt: str, suffix: str) -> None:
    records = real_records()
    texts = [r.title + r.abstract for r in records]
    assert any("%" in t for t in texts) and any("&" in t for t in texts)
    assert any("_" in t for t in texts) and any(GREEK.search(t) for t in texts)
    assert any("Canadian Respiratory Research Network" in r.authors for r in records)
    assert any(not r.doi for r in records)
    studies = [export.Study(r.record_id, f"Real {i}", r, "") for i, r in enumerate(records)]
    path = tmp_path / f"real{suffix}"
    path.write_text(export.export_text(studies, fmt), encoding="utf-8", newline="")
    assert differences(studies, read_back(path), (*FIELDS, "abstract")) == []


def awkward_studies() -> list[export.Study]:
    """Real-looking values that trip writers: LaTeX specials, braces, Greek letters, a group
    author, a name written "Given Family", a record without year or DOI."""
    records = [
        Record(
            title="Effect of {CRISPR} on 50% of p_53 & BRCA1 #2 in $5 cells: a Δ-analysis",
            authors=["COVID-19 Study Group", "G Andersson", "van Dam, A", "West, Jevin D."],
            year="2021",
            journal="Journal of Medical Internet Research",
            volume="23",
            issue="4",
            pages="e123-e130",
            doi="10.2196/a_b%c",
            pmid="33000001",
            publication_types=["Journal Article"],
        ),
        Record(
            title="α-Synuclein and β-amyloid in Müller glia ~ 10^6 cells\\mL",
            authors=["Müller, Jürgen", "Writing Committee for the ABC Trial"],
            year="2020",
            journal="Brain Research",
            pages="101",
            publication_types=["Conference Abstract"],
        ),
        Record(
            title="A record without year or DOI",
            authors=["Muller, J"],
            journal="",
            publication_types=[],
        ),
    ]
    labels = ["Group 2021", "Müller 2020", "Muller n.d."]
    return [
        export.Study(f"S{i}", label, record, f"Included study {label}; livingreview study id S{i}")
        for i, (label, record) in enumerate(zip(labels, records, strict=True))
    ]


@pytest.mark.parametrize("fmt, suffix", [("ris", ".ris"), ("bibtex", ".bib")])
def test_awkward_values_read_back(tmp_path: Path, fmt: str, suffix: str) -> None:
    studies = awkward_studies()
    path = tmp_path / f"awkward{suffix}"
    path.write_text(export.export_text(studies, fmt), encoding="utf-8", newline="")
    back = read_back(path)
    found = differences(studies, back)
    if fmt == "bibtex":  # pylatexenc reads \textasciicircum as U+02C6, LaTeX prints "^"
        assert found == [("S1", "title")]
        assert back[1].title == studies[1].record.title.replace("^", "\u02c6")
    else:
        assert found == []
        assert back[1].title == studies[1].record.title
    assert back[0].authors == [
        "COVID-19 Study Group",
        "Andersson, G",
        "van Dam, A",
        "West, Jevin D.",
    ]
    assert back[0].title == studies[0].record.title  # braces, %, &, _, #, $ and a Greek capital
    assert (back[2].year, back[2].doi) == ("", "")


def test_a_free_full_text_is_a_link_to_attach_in_ris() -> None:
    # OpenAlex's open-access copy of a real work (openalex_work_W2741809807.json)
    record = Record(title="The state of OA", doi="10.7717/peerj.4375", year="2018")
    free = export.Study("S1", "Piwowar 2018", record, "")
    lines = export.ris_entry(free).split("\r\n")
    assert not any(line.startswith("L1  -") for line in lines)
    record.oa_url = "https://peerj.com/articles/4375.pdf"
    lines = export.ris_entry(free).split("\r\n")
    assert [line for line in lines if line.startswith("L1  -")] == [
        "L1  - https://peerj.com/articles/4375.pdf"
    ]


def test_bibtex_escapes_latex_and_protects_capitals(tmp_path: Path) -> None:
    studies = awkward_studies()
    unpaired = Record(title="An unpaired { brace", authors=["West, Jevin D., Jr"])
    studies.append(export.Study("S3", "West 2000", unpaired, "A note with 100% & more"))
    text = export.bibtex_text(studies)
    library = bibtexparser.parse_string(text, parse_stack=[])
    assert not library.failed_blocks and len(library.entries) == 4
    first, second, third, fourth = library.entries
    assert (first.entry_type, second.entry_type, third.entry_type) == (
        "article",
        "inproceedings",
        "misc",
    )
    assert [e.key for e in library.entries] == ["Group2021", "Muller2020", "Mullernd", "West2000"]
    title = first.fields_dict["title"].value
    assert r"50\% of p\_53 \& {BRCA1} \#2 in \$5" in title
    assert r"{\{CRISPR\}}" in title and r"{Δ-analysis}" in title
    assert first.fields_dict["author"].value == (
        "{{COVID-19 Study Group} and Andersson, G and van Dam, A and West, Jevin D.}"
    )
    assert first.fields_dict["pages"].value == "{e123--e130}"
    assert first.fields_dict["doi"].value == "{10.2196/a_b%c}"  # verbatim, as biber reads it
    assert "note" not in first.fields_dict  # a bibliography style would print it
    assert second.fields_dict["booktitle"].value == "{Brain Research}"
    assert "{Writing Committee for the {ABC} Trial}" not in second.fields_dict["author"].value
    assert second.fields_dict["author"].value.endswith("{Writing Committee for the ABC Trial}}")
    assert "year" not in third.fields_dict and "doi" not in third.fields_dict
    assert r"10\textasciicircum{}6 {cells\textbackslash{}mL}" in second.fields_dict["title"].value
    # a lone brace would end the field for BibTeX: written as a command; a suffix after the family
    assert fourth.fields_dict["title"].value == r"{An unpaired \textbraceleft{} brace}"
    assert fourth.fields_dict["author"].value == "{West, Jr, Jevin D.}"
    assert fourth.fields_dict["annote"].value == r"{A note with 100\% \& more}"


def test_citation_keys_are_ascii_and_unique() -> None:
    labels = ["Müller 2020", "Muller 2020", "muller 2020", "Παπαδόπουλος 2019", "O'Brien 2018a"]
    # letters Unicode does not decompose were dropped: 'ien2019', 'Strae2020', 'Ylmaz2020'
    labels += ["Øien 2019", "Straße 2020", "Łukaszewicz 2021", "Yılmaz 2020", "Æbeltoft 2017"]
    studies = [export.Study(f"S{i}", label, Record(), "") for i, label in enumerate(labels)]
    assert export.citation_keys(studies) == [
        "Muller2020",
        "Muller2020_2",
        "muller2020_3",
        "Study2019",
        "OBrien2018a",
        "Oien2019",
        "Strasse2020",
        "Lukaszewicz2021",
        "Yilmaz2020",
        "AEbeltoft2017",
    ]


def test_a_key_an_earlier_version_gave_stays_with_its_study() -> None:
    # Versions before 2026-12-05 keyed "Øien 2019" 'ien2019' and "Straße 2020" 'Strae2020':
    # "Oien 2019" and "Strasse 2020" had the keys a manuscript cites, and keep them.
    labels = ["Øien 2019", "Oien 2019", "Straße 2020", "Strasse 2020", "Müller 2020", "Muller 2020"]
    assert export.label_keys(labels) == [
        "Oien2019_2",
        "Oien2019",
        "Strasse2020_2",
        "Strasse2020",
        "Muller2020",  # 'ü' decomposes: as before, the first takes the key
        "Muller2020_2",
    ]


@pytest.mark.parametrize(
    "types, journal, expected",
    [
        (["Journal Article", "Randomized Controlled Trial"], "Lancet", "JOUR"),
        (["Journal Article", "Consensus Development Conference"], "BMJ", "JOUR"),
        (["Case Reports"], "BMJ Case Reports", "JOUR"),
        (["Conference Abstract"], "Value in Health", "CONF"),
        (["proceedings-article"], "", "CONF"),
        (["Book chapter"], "Handbook of Things", "CHAP"),
        (["Whole book"], "", "BOOK"),
        (["Dissertation"], "", "THES"),
        (["report"], "", "RPRT"),
        (["preprint"], "medRxiv", "GEN"),
        ([], "", "GEN"),
        ([], "Psychology", "JOUR"),
    ],
)
def test_publication_types_map_to_ris_types(types: list[str], journal: str, expected: str) -> None:
    assert export.reference_type(Record(publication_types=types, journal=journal)) == expected


def configfiles(outputs: Path) -> list[str]:
    paths = outputs.parent / "paths.yaml"  # tests.pipeline.run_pipeline's overrides
    return [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml"), str(paths)]


def test_export_command_writes_one_file(demo_outputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.bib"
    argv = ["export", "--what", "library", "--format", "bibtex", "--out", str(out)]
    assert main([*argv, "--configfile", *configfiles(demo_outputs)]) == 0
    assert out.read_bytes() == (demo_outputs / "library/library.bib").read_bytes()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--what", "library", "--out", "x.ris"], "give --out FILE with --format ris or bibtex"),
        (["--what", "included", "--format", "ris"], "give --out FILE with --format ris or bibtex"),
        (["--what", "library", "--format", "ris", "--out", "."], "--out is a folder"),
    ],
)
def test_export_command_bad_arguments(
    demo_outputs: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["export", *argv, "--configfile", *configfiles(demo_outputs)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def test_export_command_without_a_library(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    paths = tmp_path / "paths.yaml"
    paths.write_text(f"paths:\n  outputs: {tmp_path / 'outputs'}\n", encoding="utf-8")
    config = [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml")]
    argv = ["export", "--what", "library", "--configfile", *config, str(paths)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "library/records.csv: cannot open the library" in err[0]
    # nothing written but the step's failure record, for `livingreview status`
    written = [p.relative_to(tmp_path) for p in (tmp_path / "outputs").rglob("*") if p.is_file()]
    assert written == [Path("outputs/logs/failed_steps/export_library.json")]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_study_of_several_reports_is_its_main_reports_record(tmp_path: Path) -> None:
    """The study's own record was excluded at full text (a conference abstract); two other
    reports were included, one merged since into a third: the export takes the record the
    full-text stage shows, the earliest round's included report, followed to its study."""
    outputs = tmp_path / "outputs"
    library = {
        "S1": Record(title="Conference abstract of the trial", year="2019", authors=["Lee, K"]),
        "S2": Record(title="The trial's main paper", year="2020", journal="Trials", pages="1-9"),
        "S3": Record(title="The trial's follow-up", year="2022", pmid="35000000"),
    }
    extra = {"sources": "x", "source_records": ""}
    rows = [{**r.to_row(), "study_id": sid, **extra} for sid, r in library.items()]
    write_csv(outputs / export.LIBRARY_CSV, (*COLUMNS, "study_id", *extra), rows)
    write_csv(
        outputs / export.CHANGELOG_CSV,
        ("event", "study_id", "other_study_id"),
        [{"event": "merged", "study_id": "S2", "other_study_id": "S9"}],
    )
    reports = [
        ReportDecision("S1", 1, "exclude", reason="wrong_design", study_id="S1"),
        ReportDecision("S3", 2, "include", study_id="S1"),
        ReportDecision("S9", 1, "include", study_id="S1"),  # S9 is part of S2 now
    ]
    shown = {**{sid: r.to_row() for sid, r in library.items()}, "S9": library["S2"].to_row()}
    (table,) = included_rows(reports, shown)
    assert (table["reports"], table["main_report"]) == ("S3; S9", "S9")
    write_csv(outputs / export.INCLUDED_CSV, INCLUDED_COLUMNS, [table])
    (study,) = export.included_studies(outputs)
    assert (study.study_id, study.label) == ("S1", "Anonymous 2020")
    assert study.record.title == "The trial's main paper"
    assert study.record.pages == "1-9"  # the library's whole record, not the table's columns


def test_where_names_the_reference_manager_files_and_ends_with_the_summary(
    demo_outputs: Path, capsys: pytest.CaptureFixture
) -> None:
    # `make demo` ends with `livingreview where`: it named neither the checklist nor these files
    assert main(["where", "--configfile", *configfiles(demo_outputs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"Library for a reference manager: {demo_outputs / 'library/library.ris'} (.bib)" in lines
    )
    report = demo_outputs / "report"
    assert (
        f"Included studies for a reference manager: {report / 'included_studies.ris'} (.bib)"
        in (lines)
    )
    assert (
        f"Reporting checklist (PRISMA 2020, PRISMA-S): {report / 'prisma_checklist.md'} (.csv)"
        in (lines)
    )
    assert lines[-1] == f"Evidence summary: {report / 'index.html'}"


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("In Seok Kim", False),  # Korean given names that are also small English words
        ("Jae On Kim", False),
        ("Ministry of Health", True),
        ("Writing Committee for the ABC Trial", True),
        ("WRITING COMMITTEE FOR THE ABC TRIAL", True),
        ("RECOVERY Collaborative Group", True),
    ],
)
def test_small_words_make_a_group_only_in_lower_case(name: str, group: bool) -> None:
    assert export.is_group(name) is group
    record = Record(title="t", authors=[name])
    assert export.author_names(record) == [name if group else f"Kim, {name.rsplit(' ', 1)[0]}"]


def test_family_names_before_initials_stay_first(tmp_path: Path) -> None:
    """PubMed's CSV ("Lim SM, Shiau CWC") and Embase's and older Scopus' CSV ("Liu R.; Adler
    D.G.") write the family name before the initials; the exports turned those around like a
    given name ("SM, Lim", "R., Liu"). Names written initials first ("G Andersson") still turn."""
    export_file = "data/sources/exports/pubmed_csv/colrev_pubmed_chatbot.csv"
    records = assign_ids("pubmed", import_file(require_shared(export_file), "pubmed").records)
    assert records[0].authors[:2] == ["Lim SM", "Shiau CWC"]
    studies = [export.Study(r.record_id, f"Real {i}", r, "") for i, r in enumerate(records)]
    (tmp_path / "out.ris").write_text(export.ris_text(studies), encoding="utf-8")
    written = read_back(tmp_path / "out.ris")
    assert written[0].authors[:2] == ["Lim, SM", "Shiau, CWC"]
    assert all(", " in name for record in written for name in record.authors)
    embase = Record(title="t", authors=["Liu R.", "Adler D.G.", "Dubois J.-P.", "G Andersson"])
    assert export.author_names(embase) == [
        "Liu, R.",
        "Adler, D.G.",
        "Dubois, J.-P.",
        "Andersson, G",
    ]
    (tmp_path / "out.bib").write_text(export.bibtex_text(studies), encoding="utf-8")
    assert read_back(tmp_path / "out.bib")[0].authors[:2] == ["Lim, SM", "Shiau, CWC"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("John Smith III", "Smith, John, III"),
        ("Henry Ford II", "Ford, Henry, II"),
        ("Kim YS Jr", "Kim, YS, Jr"),
        ("Adler D.G. Jr.", "Adler, D.G., Jr."),
    ],
)
def test_a_suffix_is_no_initial(name: str, expected: str) -> None:
    """'II', 'III' and 'IV' look like initials ('Adler DG'), so since 18962e5 'John Smith III'
    was read as a family name before initials ('John Smith, III'), and a suffix after initials
    ('Kim YS Jr') turned the initials into the family name ('YS, Kim, Jr')."""
    assert export.author_names(Record(title="t", authors=[name])) == [expected]


# A trial registration as ClinicalTrials.gov's download gives it (invented trial).
CTGOV_CSV = (
    "NCT Number,Study Title,Study URL,Study Type,First Posted\n"
    "NCT05100006,Therapeutic Alliance With a Mental Health App: an Observational Cohort,"
    "https://clinicaltrials.gov/study/NCT05100006,OBSERVATIONAL,2020-08-20\n"
)


def test_a_study_is_cited_by_its_journal_article_not_by_hash_order(tmp_path: Path) -> None:
    """The study ids (the first report's, by hash) used to choose the record a study is cited
    by: NCT05100006's study was its registration ('NCT05100006'), not the included journal
    article (Okafor 2023), and another trial's was a conference abstract. The journal article
    is chosen now, in the full-text table and the exports alike; a later round's article does
    not rename the study."""
    outputs = tmp_path / "outputs"
    (tmp_path / "ctg.csv").write_text(CTGOV_CSV, encoding="utf-8")
    (registration,) = assign_ids("ctgov", import_file(tmp_path / "ctg.csv", "ctgov").records)
    journal = ["Journal Article", "Randomized Controlled Trial"]
    library = {
        "S2becbdc179": registration,
        "Sf13c7fdfc2": Record(
            title="Bond With a Self-Guided Mental Health App and Symptom Change",
            authors=["Okafor, Chidi", "Smith, Rebecca"], year="2023",
            journal="JMIR mental health", doi="10.2196/45678",
            publication_types=["Journal Article", "Observational Study"],
        ),
        "S115b004c75": Record(  # Embase's record of a meeting abstract
            title="MoodApp: a smartphone CBT app for depressive symptoms. Results of a trial",
            authors=["Tremblay, M."], year="2023", journal="Canadian Journal of Psychiatry",
            abstract="Background ...", publication_types=["Conference Abstract"],
        ),
        "S149739cd6c": Record(
            title="MoodApp for depression in young adults: protocol for a randomized controlled "
            "trial", authors=["Tremblay, Marie"], year="2022", journal="JMIR Research Protocols",
            doi="10.2196/40001", publication_types=["Journal Article"],
        ),
        "S38c98f4c25": Record(
            title="A smartphone CBT app for depressive symptoms in young adults: randomized trial",
            authors=["Tremblay, Marie", "Gagnon, Louis"], year="2024",
            journal="Journal of Medical Internet Research", doi="10.2196/51234",
            publication_types=journal,
        ),
        "S0a1b2c3d4e": Record(  # round 2: the one-year follow-up, more complete, sorts first
            title="One-year outcomes of a smartphone CBT app", authors=["Gagnon, Louis"],
            year="2025", journal="Journal of Medical Internet Research", volume="27",
            pages="e1", pmid="40000001", doi="10.2196/60000", abstract="Background ...",
            publication_types=journal,
        ),
    }  # fmt: skip
    extra = {"sources": "x", "source_records": ""}
    rows = [{**r.to_row(), "study_id": sid, **extra} for sid, r in library.items()]
    write_csv(outputs / export.LIBRARY_CSV, (*COLUMNS, "study_id", *extra), rows)
    reports = [
        ReportDecision("S2becbdc179", 1, "include", study_id="S2becbdc179"),
        ReportDecision("Sf13c7fdfc2", 1, "include", study_id="S2becbdc179"),
        *(ReportDecision(r, 1, "include", study_id="S115b004c75")
          for r in ("S115b004c75", "S149739cd6c", "S38c98f4c25")),
        ReportDecision("S0a1b2c3d4e", 2, "include", study_id="S115b004c75"),
    ]  # fmt: skip
    shown = {sid: r.to_row() for sid, r in library.items()}
    table = included_rows(reports, shown)
    assert [(r["study_id"], r["label"], r["year"]) for r in table] == [
        ("S115b004c75", "Tremblay 2024", "2024"),
        ("S2becbdc179", "Okafor 2023", "2023"),
    ]
    assert [r["main_report"] for r in table] == ["S38c98f4c25", "Sf13c7fdfc2"]
    write_csv(outputs / export.INCLUDED_CSV, INCLUDED_COLUMNS, table)
    cited = [(s.label, s.record.doi) for s in export.included_studies(outputs)]
    assert cited == [("Okafor 2023", "10.2196/45678"), ("Tremblay 2024", "10.2196/51234")]


def two_report_study(outputs: Path, columns: tuple[str, ...]) -> None:
    """A library of a trial's registration and its journal article, one study, and the
    full-text table of it in ``columns`` (its main report: the article, as the stage chose)."""
    article = Record(
        title="Bond With a Self-Guided Mental Health App and Symptom Change",
        authors=["Okafor, Chidi"], year="2023", journal="JMIR mental health",
        doi="10.2196/45678", publication_types=["Journal Article"],
    )  # fmt: skip
    registration = Record(
        title="Therapeutic Alliance With a Mental Health App",
        year="2020", journal="ClinicalTrials.gov", source_id="NCT05100006",
        publication_types=["Clinical Trial Registration"],
    )  # fmt: skip
    library = {"S2becbdc179": registration, "Sf13c7fdfc2": article}
    extra = {"sources": "x", "source_records": ""}
    rows = [{**r.to_row(), "study_id": sid, **extra} for sid, r in library.items()]
    write_csv(outputs / export.LIBRARY_CSV, (*COLUMNS, "study_id", *extra), rows)
    reports = [
        ReportDecision("S2becbdc179", 1, "include", study_id="S2becbdc179"),
        ReportDecision("Sf13c7fdfc2", 2, "include", study_id="S2becbdc179"),
    ]
    table = included_rows(reports, {sid: r.to_row() for sid, r in library.items()})
    write_csv(outputs / export.INCLUDED_CSV, columns, [{c: r[c] for c in columns} for r in table])


def test_the_export_cites_the_report_the_fulltext_table_names(tmp_path: Path) -> None:
    """The export used to choose each study's main report again, with its reports' rounds
    read from fulltext/decisions.csv; it reads the full-text stage's choice now (the table's
    main_report column), and no longer needs decisions.csv (none written here)."""
    outputs = tmp_path / "outputs"
    two_report_study(outputs, INCLUDED_COLUMNS)
    assert outputs / "fulltext/decisions.csv" not in export.inputs_of(outputs, "included")
    ((study_id, label, doi),) = [
        (s.study_id, s.label, s.record.doi) for s in export.included_studies(outputs)
    ]
    assert (study_id, label, doi) == ("S2becbdc179", "Okafor 2023", "10.2196/45678")
    # the table's choice is followed as written: the registration, if that is what it names
    with (outputs / export.INCLUDED_CSV).open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    write_csv(
        outputs / export.INCLUDED_CSV, INCLUDED_COLUMNS, [{**row, "main_report": "S2becbdc179"}]
    )
    (study,) = export.included_studies(outputs)
    assert (study.record.title, study.record.doi) == (
        "Therapeutic Alliance With a Mental Health App",
        "",
    )


def test_a_fulltext_table_from_before_main_report_asks_for_the_step_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table the full-text stage wrote before it had the main_report column (outputs kept
    from an earlier version): one error naming the file and the column, exit 2; the pipeline's
    rule re-runs the stage by itself (its params name the columns)."""
    outputs = tmp_path / "outputs"
    two_report_study(outputs, tuple(c for c in INCLUDED_COLUMNS if c != "main_report"))
    paths = tmp_path / "paths.yaml"
    paths.write_text(f"paths:\n  outputs: {outputs}\n", encoding="utf-8")
    config = [str(REPO_ROOT / "config/config.yaml"), str(REPO_ROOT / "demo/config.yaml")]
    out = tmp_path / "included.ris"
    argv = ["export", "--what", "included", "--format", "ris", "--out", str(out)]
    assert main([*argv, "--configfile", *config, str(paths)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"{outputs / export.INCLUDED_CSV}" in err[0]
    assert "row 1" in err[0] and "missing column main_report" in err[0]
    assert "run the full-text step again" in err[0]
    assert not out.exists()


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ({"publication_types": "Journal Article; Case Reports", "journal": "BMJ"}, "journal "
         "article"),
        ({"publication_types": "Published Erratum", "journal": "BMJ"}, "notice"),
        ({"title": "Erratum: Alliance in apps", "journal": "BMJ"}, "notice"),
        ({"title": "Like a Therapist, But Not", "journal": "arXiv"}, "preprint"),
        ({"publication_types": "posted-content", "doi": "10.1101/2024.01.01.24300001"}, "preprint"),
        ({"publication_types": "Conference Abstract", "journal": "Eur Psychiatry"},
         "conference abstract"),
        ({"journal": "Abstracts of the 12th World Congress of Psychiatry"}, "conference abstract"),
        ({"publication_types": "Trial registry record", "journal": "ISRCTN"}, "registration"),
        ({"publication_types": "Dissertation/Thesis", "journal": ""}, "other report"),
        ({"title": "An app: study protocol for a randomised trial", "journal": "Trials"},
         "protocol"),
    ],
)  # fmt: skip
def test_the_kind_of_a_report(row: dict[str, str], kind: str) -> None:
    from livingreview.fulltext.studies import report_kind

    assert report_kind(row) == kind
