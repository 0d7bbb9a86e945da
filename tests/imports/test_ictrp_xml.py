"""WHO ICTRP search results exported as XML, against the same invented trials as the CSV.

No real export is in ../shared. The shape is the ICTRP's ("Export results to XML", as public
parsers of real exports describe it): ``<?xml version='1.0' encoding='UTF-8' ?>``, root
``<Trials_downloaded_from_ICTRP>``, one ``<Trial>`` per trial whose children are the CSV's
columns with underscores, values followed by the export's newline and indentation, empty
fields as ``<Acronym/>``, ``<br>`` escaped as ``&lt;br&gt;`` and ``&#x0D;`` line ends. The
values are made up; one title is a CDATA section, which any XML writer may use.
"""

from __future__ import annotations

import time

import pytest

from livingreview.errors import InputFileError
from livingreview.imports import detect_format, import_file
from livingreview.imports.ictrp_xml import ROOT
from tests.imports import Variant
from tests.imports.checks import command_line_exits_2, scan_missing_a_start_fails
from tests.imports.test_flavours import _csv
from tests.imports.test_ictrp import HEADER, ROWS

ICTRP_XML = """<?xml version='1.0' encoding='UTF-8' ?>
<Trials_downloaded_from_ICTRP>
  <Trial>
    <Export_date>2/3/2026 9:41:07 AM</Export_date>
    <Internal_Number>70000001
    </Internal_Number>
    <TrialID>NCT09000001
    </TrialID>
    <Last_Refreshed_on>26 January 2026
    </Last_Refreshed_on>
    <Public_title>Walking Groups for Low Mood
    </Public_title>
    <Scientific_title><![CDATA[A Randomised Trial of Walking Groups for Low Mood in Older Adults]]>
    </Scientific_title>
    <Acronym/>
    <Primary_sponsor>Invented University
    </Primary_sponsor>
    <Date_registration>15/01/2020
    </Date_registration>
    <Date_registration3>20200115
    </Date_registration3>
    <Source_Register>ClinicalTrials.gov
    </Source_Register>
    <web_address>https://clinicaltrials.gov/show/NCT09000001
    </web_address>
    <Study_type>Interventional
    </Study_type>
    <Inclusion_Criteria>Aged 65 or over;&#x0D;&lt;br&gt;low mood for a month
    </Inclusion_Criteria>
    <Condition>Depression;Anxiety
    </Condition>
    <Intervention>Behavioral: Walking group
    </Intervention>
  </Trial>
  <Trial>
    <Export_date>2/3/2026 9:41:07 AM</Export_date>
    <Internal_Number>70000002
    </Internal_Number>
    <TrialID>ChiCTR2000030001
    </TrialID>
    <Public_title/>
    <Scientific_title>Tai chi for insomnia: a randomized controlled trial
    </Scientific_title>
    <Date_registration>2019-12-20
    </Date_registration>
    <Source_Register>ChiCTR
    </Source_Register>
    <web_address>http://www.chictr.org.cn/showproj.aspx?proj=1
    </web_address>
    <Study_type>Interventional study
    </Study_type>
    <Condition>Insomnia&lt;br&gt;Sleep disorder
    </Condition>
    <Intervention>Tai chi
    </Intervention>
  </Trial>
</Trials_downloaded_from_ICTRP>
"""


def test_xml_and_csv_of_the_same_trials_give_the_same_records(variant_file: Variant) -> None:
    xml = import_file(variant_file("ICTRP-Results.xml", ICTRP_XML.encode()), "ictrp")
    csv = import_file(variant_file("ICTRP-Results.csv", _csv(HEADER, ROWS).encode()), "ictrp")
    assert (xml.format, xml.records_in_file, len(xml.records)) == ("ictrp_xml", 2, 2)
    assert xml.records == csv.records
    first, second = xml.records
    assert (first.source_id, first.title, first.year, first.journal) == (
        "NCT09000001",
        "Walking Groups for Low Mood",
        "2020",
        "ClinicalTrials.gov",
    )
    # no public title (an empty element): the scientific one, the export's indentation gone
    assert (second.title, second.keywords) == (
        "Tai chi for insomnia: a randomized controlled trial",
        ["Insomnia", "Sleep disorder", "Tai chi"],
    )


def test_detected_by_its_root_not_its_name(variant_file: Variant) -> None:
    path = variant_file("export.txt", ICTRP_XML.encode())
    assert detect_format(path, ICTRP_XML) == "ictrp_xml"
    without_declaration = ICTRP_XML.split("\n", 1)[1]
    assert detect_format(path, without_declaration) == "ictrp_xml"
    # the EndNote XML reader's ".xml" hint does not decide
    assert import_file(variant_file("trials.xml", ICTRP_XML.encode()), "x").format == "ictrp_xml"


def test_a_field_written_twice_keeps_both_values(variant_file: Variant) -> None:
    text = ICTRP_XML.replace(
        "<Intervention>Tai chi", "<Condition>Fatigue</Condition>\n    <Intervention>Tai chi"
    )
    records = import_file(variant_file("twice.xml", text.encode()), "x").records
    assert records[1].keywords == ["Insomnia", "Sleep disorder", "Fatigue", "Tai chi"]


def test_a_trial_without_its_trial_id_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    for empty in ("<TrialID/>", "<TrialID>\n    </TrialID>", ""):
        text = ICTRP_XML.replace("<TrialID>ChiCTR2000030001\n    </TrialID>", empty)
        path = variant_file("no-id.xml", text.encode())
        with pytest.raises(InputFileError) as caught:
            import_file(path, "ictrp")
        message = str(caught.value)
        assert "no-id.xml, record 2 (line 35), field 'TrialID'" in message
        assert "expected the trial's register id" in message
    command_line_exits_2(path, capsys, "record 2 (line 35), field 'TrialID'")


def test_malformed_xml_names_the_trial_and_line(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ICTRP_XML.replace("</Condition>", "</condition>", 1)
    path = variant_file("broken.xml", text.encode())
    with pytest.raises(InputFileError, match="malformed XML at line 31, column 7: mismatched tag"):
        import_file(path, "ictrp")
    command_line_exits_2(path, capsys, "broken.xml, record 1 (line 3): malformed XML at line 31")


def test_a_download_cut_after_a_trial_is_refused(
    variant_file: Variant, capsys: pytest.CaptureFixture[str]
) -> None:
    # the ICTRP's download of a large result set may stop after a </Trial>, its root unclosed
    text = ICTRP_XML.replace("</Trials_downloaded_from_ICTRP>\n", "")
    path = variant_file("cut.xml", text.encode())
    with pytest.raises(InputFileError, match="ends after trial 2 without the closing") as caught:
        import_file(path, "ictrp")
    assert "cut.xml, record 2 (line 35)" in str(caught.value)
    command_line_exits_2(path, capsys, "the export was cut short")
    # cut inside a trial: malformed XML at that trial
    inside = ICTRP_XML[: ICTRP_XML.index("<Condition>Insomnia")]
    with pytest.raises(InputFileError, match=r"record 2 \(line 35\): malformed XML"):
        import_file(variant_file("cut-inside.xml", inside.encode()), "ictrp")


def test_another_root_is_not_an_ictrp_export(variant_file: Variant) -> None:
    endnote = "<?xml version='1.0'?>\n<xml><records><record><TrialID>NCT1</TrialID>"
    path = variant_file("endnote.xml", (endnote + "</record></records></xml>\n").encode())
    with pytest.raises(InputFileError) as caught:
        import_file(path, "x", fmt="ictrp_xml")
    assert str(caught.value) == (
        f"{path}, line 2: not a WHO ICTRP XML export: the root element is <xml>, "
        "expected <Trials_downloaded_from_ICTRP> holding <Trial> elements"
    )
    other = variant_file("trials.xml", b"<Trials><Trial><TrialID>NCT1</TrialID></Trial></Trials>")
    with pytest.raises(InputFileError, match="XML/HTML is not a supported export format"):
        import_file(other, "x")


def test_dtd_and_entities_are_refused_not_expanded(variant_file: Variant) -> None:
    declared = '<!DOCTYPE Trials_downloaded_from_ICTRP [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    text = ICTRP_XML.replace("?>\n", f"?>\n{declared}\n", 1).replace("Tai chi\n", "&x;\n")
    with pytest.raises(InputFileError, match="declares a DTD or entities") as caught:
        import_file(variant_file("entities.xml", text.encode()), "x", fmt="ictrp_xml")
    assert "entities.xml, line 2" in str(caught.value)


def test_the_scan_counts_trials_independently(
    monkeypatch: pytest.MonkeyPatch, variant_file: Variant
) -> None:
    scan_missing_a_start_fails(
        monkeypatch, "ictrp_xml", variant_file("ICTRP-Results.xml", ICTRP_XML.encode())
    )


def test_a_field_written_many_times_is_read_in_linear_time(variant_file: Variant) -> None:
    # Each repeat of a field was added by copying the value so far: 150,000 conditions (6 MB)
    # took seconds, twice as many four times as long. Now well under a second.
    text = (
        f"<{ROOT}><Trial><TrialID>NCT09000009</TrialID><Public_title>An invented trial"
        "</Public_title>"
        + "<Condition>Invented condition</Condition>\n" * 150_000
        + f"</Trial></{ROOT}>"
    )
    began = time.process_time()
    (record,) = import_file(variant_file("ictrp.xml", text.encode()), "ictrp").records
    assert time.process_time() - began < 3
    assert record.keywords == ["Invented condition"] * 150_000
