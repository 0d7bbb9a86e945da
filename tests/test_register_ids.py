"""Trial register ids written in one exact form: one trial's ids compare equal, two trials' never.

The ids are invented but of each register's real shape (as registers, the ICTRP's secondary ids,
ClinicalTrials.gov's "Other IDs" and PubMed's databank links write them).
"""

from __future__ import annotations

from livingreview.register_ids import databank_ids, find_register_ids, namespace

SAME_TRIAL = {
    "NCT09000801": ["NCT09000801", "nct09000801", "NCT 09000801", "ClinicalTrials.gov/NCT09000801"],
    # the EU register's record of each country, and the number as other registers list it
    "EUCTR2019-001234-56": [
        "EUCTR2019-001234-56",
        "EUCTR2019-001234-56-GB",
        "EUCTR2019-001234-56-3RD",
        "EudraCT Number: 2019-001234-56",
        "EUDRACT-2019-001234-56",
        "EudraCT No. 2019-001234-56",
    ],
    "CTIS2023-501234-12-00": ["2023-501234-12-00", "EU CT number: 2023-501234-12-00"],
    "ISRCTN19000801": ["ISRCTN19000801", "ISRCTN 19000801"],
    "ACTRN12619000123456": ["ACTRN12619000123456", "ACTRN12619000123456p"],
    "ChiCTR-IOR-15006789": ["ChiCTR-IOR-15006789", "chictr-ior-15006789", "ChiCTRIOR15006789"],
    "ChiCTR2000030001": ["ChiCTR2000030001"],
    # the old type codes are of two to five letters (ONRC, TNRC ...), not only three
    "ChiCTR-ONRC-11001444": ["ChiCTR-ONRC-11001444", "ChiCTRONRC11001444"],
    "JPRN-UMIN000012345": ["JPRN-UMIN000012345", "UMIN000012345"],
    "JPRN-C000000281": ["JPRN-C000000281"],  # UMIN's early ids, as the ICTRP writes them
    "JPRN-jRCTs031180001": ["JPRN-jRCTs031180001", "jRCTs031180001", "JRCTS031180001"],
    "IRCT20150101020567N2": ["IRCT20150101020567N2", "irct20150101020567n2"],
    "CTRI/2019/05/019234": ["CTRI/2019/05/019234"],
    "RBR-7b6cq6": ["RBR-7B6CQ6", "RBR-7b6cq6"],
    "U1111-1234-5678": ["U1111-1234-5678"],
}


def test_every_way_one_trial_s_id_is_written_reads_as_one_id() -> None:
    for written, variants in SAME_TRIAL.items():
        for variant in variants:
            assert find_register_ids(variant, id_field=True) == [written], variant


def test_different_trials_never_read_as_one() -> None:
    ids = [
        "NCT09000801",
        "NCT09000802",
        "IRCT20150101020567N1",  # one registrant's first and second trial
        "IRCT20150101020567N2",
        "EUCTR2019-001234-56",
        "EUCTR2019-001234-57",
        "CTIS2023-501234-12-00",
        "JPRN-UMIN000012345",
        "JPRN-jRCT1031190001",
    ]
    assert find_register_ids("; ".join(ids)) == ids
    assert len({namespace(i) for i in ids}) == 6
    assert namespace("JPRN-UMIN000012345") != namespace("JPRN-jRCT1031190001")
    assert namespace("JPRN-C000000281") not in (namespace("JPRN-UMIN000012345"), "JPRN")
    assert namespace("EUCTR2019-001234-56") != namespace("CTIS2023-501234-12-00")


def test_a_number_of_another_length_or_a_bare_number_in_text_is_no_id() -> None:
    wrong_length = ("NCT0900080", "NCT090008011", "ISRCTN1900080", "ACTRN1261900012345")
    assert find_register_ids(*wrong_length) == []
    # bare EudraCT and EU CT numbers count only in a field of ids, or after the register's name
    text = "Approved 2019-001234-56 and 2023-501234-12-00; EudraCT 2019-001234-56."
    assert find_register_ids(text) == ["EUCTR2019-001234-56"]
    assert find_register_ids("2019-001234-56", id_field=True) == ["EUCTR2019-001234-56"]
    # an EU CT number is not read as the EudraCT number it starts like
    assert find_register_ids("2023-501234-12-00", id_field=True) == ["CTIS2023-501234-12-00"]


def test_databank_links_give_register_ids_of_trial_registers_only() -> None:
    assert databank_ids("EudraCT", ["2019-001234-56"]) == ["EUCTR2019-001234-56"]
    assert databank_ids("ClinicalTrials.gov", ["NCT09000801", "NCT09000802"]) == [
        "NCT09000801",
        "NCT09000802",
    ]
    assert databank_ids("GENBANK", ["AB123456", "2019-001234-56"]) == []
