"""One trial in two registers: its registrations linked by the ids each lists, never chained.

Invented trials in the shapes the importers read: a ClinicalTrials.gov download (``Other IDs``,
``|``-joined, a EudraCT number written bare), WHO ICTRP exports, as CSV (a ``Secondary IDs``
column) and as XML (a ``<Secondary_ID>`` element, ids joined with an escaped ``<br>``), and a
PubMed (MEDLINE) record of the trial's article citing its registration (``SI -
ClinicalTrials.gov/NCT...``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from livingreview.dedup.library import build_library, identifier_links
from livingreview.dedup.merge import merge_records
from livingreview.dedup.register_links import LISTED_ID, SAME_ID
from livingreview.imports import import_file
from livingreview.records import Record, assign_ids, write_records
from tests.dedup.library_helpers import demo_config
from tests.imports.test_clinicaltrials_csv import CURRENT
from tests.imports.test_flavours import _csv
from tests.imports.test_ictrp import HEADER

# The trial's row in ClinicalTrials.gov's download: its EudraCT number among its other ids.
CTGOV_ROWS = [
    {
        "NCT Number": "NCT09000301",
        "Study Title": "Walking Groups for Low Mood in Older Adults",
        "Study URL": "https://clinicaltrials.gov/study/NCT09000301",
        "Brief Summary": "An invented summary.",
        "Conditions": "Depression",
        "Interventions": "BEHAVIORAL: Walking group",
        "Study Type": "INTERVENTIONAL",
        "Other IDs": "2019-001234-56|WALK-2019|U1111-1234-5678",
        "First Posted": "2020-01-15",
    },
    {  # another trial of the same sponsor, listed by the extension study below
        "NCT Number": "NCT09000302",
        "Study Title": "Dance Classes for Low Mood in Older Adults",
        "Study URL": "https://clinicaltrials.gov/study/NCT09000302",
        "Study Type": "INTERVENTIONAL",
        "Other IDs": "DANCE-2019",
        "First Posted": "2020-02-03",
    },
]

# The same trial in the EU Clinical Trials Register, as the ICTRP exports it as XML: its
# country record's id, another title, and its ClinicalTrials.gov id among its secondary ids.
ICTRP_XML = """<?xml version='1.0' encoding='UTF-8' ?>
<Trials_downloaded_from_ICTRP>
  <Trial>
    <Internal_Number>70000301
    </Internal_Number>
    <TrialID>EUCTR2019-001234-56-GB
    </TrialID>
    <Public_title>Structured group walking for late-life depression
    </Public_title>
    <Scientific_title>A multicentre randomised controlled trial of a structured group walking
    programme for depression in people aged 65 and over - WALK
    </Scientific_title>
    <Date_registration>20/11/2019
    </Date_registration>
    <Date_registration3>20191120
    </Date_registration3>
    <Source_Register>EU Clinical Trials Register
    </Source_Register>
    <web_address>https://www.clinicaltrialsregister.eu/ctr-search/search?query=eudract_number:2019-001234-56
    </web_address>
    <Study_type>Interventional clinical trial of medicinal product
    </Study_type>
    <Condition>Depression
    </Condition>
    <Intervention>Walking group
    </Intervention>
    <Secondary_ID>WALK-2019&lt;br&gt;NCT09000301
    </Secondary_ID>
  </Trial>
</Trials_downloaded_from_ICTRP>
"""

# The ICTRP's CSV of three more trials: an extension study listing two ClinicalTrials.gov trials
# (its parents), and two trials of other registers that list one EudraCT number but name
# different DRKS ids: two trials, whatever they share.
ICTRP_CSV_ROWS = [
    {
        "TrialID": "ISRCTN19000401",
        "Public title": "Long-term follow-up of two walking and dance trials for low mood",
        "Date registration3": "20210310",
        "Source Register": "ISRCTN",
        "web address": "https://www.isrctn.com/ISRCTN19000401",
        "Study type": "Interventional",
        "Secondary IDs": "NCT09000301; NCT09000302; FOLLOW-1",
    },
    {
        "TrialID": "DRKS00019001",
        "Public title": "Nordic walking after stroke",
        "Date registration3": "20190502",
        "Source Register": "German Clinical Trials Register",
        "web address": "https://drks.de/search/en/trial/DRKS00019001",
        "Study type": "Interventional",
        "Secondary IDs": "EudraCT 2018-000111-22",
    },
    {
        "TrialID": "ACTRN12619000123456",
        "Public title": "Aquatic exercise after stroke",
        "Date registration3": "20190604",
        "Source Register": "ANZCTR",
        "web address": "https://anzctr.org.au/ACTRN12619000123456.aspx",
        "Study type": "Interventional",
        "Secondary IDs": "2018-000111-22; DRKS00019002",
    },
]

# The trial's article in PubMed: its registration cited in SI (and in its abstract).
MEDLINE = """PMID- 39000301
OWN - NLM
STAT- MEDLINE
DP  - 2022 Mar
TI  - Structured group walking for depression in older adults: a randomised
      controlled trial.
PG  - 101-110
AB  - BACKGROUND: Invented abstract. TRIAL REGISTRATION: ClinicalTrials.gov
      NCT09000301; EudraCT 2019-001234-56.
FAU - Rossi, Giulia
AU  - Rossi G
LA  - eng
SI  - ClinicalTrials.gov/NCT09000301
SI  - EudraCT/2019-001234-56
SI  - GENBANK/AB123456
PT  - Journal Article
PT  - Randomized Controlled Trial
TA  - Age Ageing
JT  - Age and ageing
"""


def _imported(tmp_path: Path) -> dict[str, Record]:
    """The records of every export above, by record id, as the import step keeps them."""
    files = {
        "ctgov": ("ctg-studies.csv", _csv(CURRENT, CTGOV_ROWS)),
        "ictrp": ("ICTRP-Results.xml", ICTRP_XML),
        "ictrp_csv": ("ICTRP-Results.csv", _csv([*HEADER, "Secondary IDs"], ICTRP_CSV_ROWS)),
        "medline": ("pubmed-walking.nbib", MEDLINE),
    }
    records = {}
    for source, (name, text) in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        for record in assign_ids(source, import_file(path, source).records):
            records[record.record_id] = record
    return records


def test_the_importers_keep_each_record_s_other_register_ids(tmp_path: Path) -> None:
    records = _imported(tmp_path)
    # bare EudraCT number in an id field, the UTN; a sponsor's code is no register id
    ctgov = records["ctgov:NCT09000301"]
    assert ctgov.register_ids == ["EUCTR2019-001234-56", "U1111-1234-5678"]
    # the country record's own id is not listed again (the suffix is the register's country)
    assert records["ictrp:EUCTR2019-001234-56-GB"].register_ids == ["NCT09000301"]
    assert records["ictrp_csv:ISRCTN19000401"].register_ids == ["NCT09000301", "NCT09000302"]
    assert records["ictrp_csv:DRKS00019001"].register_ids == ["EUCTR2018-000111-22"]
    # the article cites its registration (SI); a GenBank accession is not one
    article = records["medline:39000301"]
    assert article.register_ids == ["NCT09000301", "EUCTR2019-001234-56"]
    assert records["ctgov:NCT09000302"].register_ids == []


def test_registrations_listing_each_other_are_one_trial_and_nothing_chains(
    tmp_path: Path,
) -> None:
    links = identifier_links(_imported(tmp_path).values())
    assert links == {("ctgov:NCT09000301", "ictrp:EUCTR2019-001234-56-GB"): LISTED_ID}
    # not linked: the extension study naming two ClinicalTrials.gov trials (neither of them,
    # and so never the two trials together); the two trials sharing a EudraCT number but
    # naming different DRKS ids; the article citing the registration (a report of the study)


def test_the_library_groups_the_trial_s_registrations_and_keeps_both_ids(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    records = _imported(tmp_path)
    write_records(tmp_path / "identified.csv", records.values())
    build_library(config, identified=tmp_path / "identified.csv")
    out = tmp_path / "outputs/library"
    with (out / "groups.csv").open(encoding="utf-8") as handle:
        groups = {row["record_id"]: row["study_id"] for row in csv.DictReader(handle)}
    with (out / "records.csv").open(encoding="utf-8") as handle:
        studies = {row["study_id"]: row for row in csv.DictReader(handle)}
    trial = groups["ctgov:NCT09000301"]
    assert groups["ictrp:EUCTR2019-001234-56-GB"] == trial
    assert len(set(groups.values())) == len(groups) - 1  # every other record its own study
    merged = studies[trial]
    assert merged["source_id"] == "NCT09000301"
    assert merged["register_ids"] == "EUCTR2019-001234-56; U1111-1234-5678"
    assert set(merged["sources"].split(";")) == {"ctgov", "ictrp"}
    assert set(merged["source_records"].split(";")) == {
        "ctgov:NCT09000301",
        "ictrp:EUCTR2019-001234-56-GB",
    }


def _registration(record_id: str, own: str, listed: list[str]) -> Record:
    return Record(
        record_id=record_id,
        source_id=own,
        journal="ICTRP",
        publication_types=["Trial registration"],
        register_ids=listed,
    )


def test_links_need_every_register_both_sides_name_to_agree() -> None:
    records = [
        _registration("ictrp:NCT09000501", "NCT09000501", ["EUCTR2020-000501-11"]),
        _registration("ictrp:EUCTR2020-000501-11-DE", "EUCTR2020-000501-11-DE", []),
        _registration("ictrp:EUCTR2020-000501-11-FR", "EUCTR2020-000501-11-FR", []),
        _registration("ictrp:ISRCTN20000501", "ISRCTN20000501", ["EUCTR2020-000501-11"]),
        # lists the trial's EudraCT number but another NCT id: another trial (its extension)
        _registration("ictrp:NCT09000502", "NCT09000502", ["EUCTR2020-000501-11"]),
        # names the trial's NCT id and another one: a study of both trials, linked to neither
        _registration("ictrp:DRKS00020502", "DRKS00020502", ["NCT09000501", "NCT09000503"]),
    ]
    assert identifier_links(records) == {
        # one EudraCT number, two country records: the same id
        ("ictrp:EUCTR2020-000501-11-DE", "ictrp:EUCTR2020-000501-11-FR"): SAME_ID,
        ("ictrp:EUCTR2020-000501-11-DE", "ictrp:ISRCTN20000501"): LISTED_ID,
        # NCT09000501 and NCT09000502 list the EudraCT number alike and nothing tells which
        # of them the EU record is: neither is linked to it (see the test below)
    }


def test_an_id_two_trials_list_links_neither_to_it_whichever_record_id_sorts_first() -> None:
    """Two ClinicalTrials.gov trials (a trial and its extension) list one EudraCT number; the EU
    register's record of it names neither. The EU record was linked to whichever NCT record's id
    sorted first, so a round adding the other trial's record under a smaller id (another
    source's prefix) moved the EU record to that trial and split the study it was part of."""
    eu = _registration("ictrp:EUCTR2020-000701-11-DE", "EUCTR2020-000701-11-DE", [])
    for first, second in (("ctgov", "ictrp"), ("ictrp", "ctgov")):
        trial = _registration(f"{first}:NCT09000701", "NCT09000701", ["EUCTR2020-000701-11"])
        other = _registration(f"{second}:NCT09000702", "NCT09000702", ["EUCTR2020-000701-11"])
        assert identifier_links([eu, trial, other]) == {}, first
    # alone, the trial's record is linked to the EU record it lists
    assert identifier_links([eu, trial]) == {(eu.record_id, trial.record_id): LISTED_ID}
    # and so it is when the EU record names it: the extension has nothing to say
    eu.register_ids = ["NCT09000701"]
    assert identifier_links([eu, trial, other]) == {(eu.record_id, trial.record_id): LISTED_ID}


def test_a_merged_registration_keeps_the_other_register_s_id() -> None:
    nct = _registration("ctgov:NCT09000601", "NCT09000601", ["EUCTR2020-000601-11"])
    euctr = _registration("ictrp:EUCTR2020-000601-11-IT", "EUCTR2020-000601-11-IT", [])
    euctr.register_ids = ["NCT09000601", "ISRCTN20000601"]
    merged = merge_records([euctr, nct])
    assert merged.source_id == "EUCTR2020-000601-11-IT"
    assert merged.register_ids == ["NCT09000601", "ISRCTN20000601"]
    assert merge_records([nct, euctr]).register_ids == ["EUCTR2020-000601-11", "ISRCTN20000601"]


def test_a_register_s_record_and_centrals_copy_of_it_share_any_register_s_id_shape() -> None:
    """CENTRAL's copy of an ICTRP record names it by the ICTRP address; ids of the old ChiCTR
    type codes of four letters and UMIN's early ids were linked by their own id before
    register_ids.py and were no id at all after it (two studies for one registration)."""
    trials = {
        "ChiCTR-ONRC-11001444": "ictrp:ChiCTR-ONRC-11001444",
        "JPRN-C000000281": "ictrp:JPRN-C000000281",
    }
    records = []
    for number, (own, rid) in enumerate(sorted(trials.items()), start=1):
        records.append(_registration(rid, own, []))
        records.append(
            Record(
                record_id=f"central:CN-0210066{number}",
                source_id=f"CN-0210066{number}",
                journal=f"https://trialsearch.who.int/Trial2.aspx?TrialID={own}",
                publication_types=["Trial registry record"],
            )
        )
    assert identifier_links(records) == {
        ("central:CN-02100661", "ictrp:ChiCTR-ONRC-11001444"): SAME_ID,
        ("central:CN-02100662", "ictrp:JPRN-C000000281"): SAME_ID,
    }
