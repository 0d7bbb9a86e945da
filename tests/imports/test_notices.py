"""Copyright notices opening or closing an abstract are left out on import; other text stays."""

from __future__ import annotations

import time

import pytest

from livingreview.imports import import_file
from livingreview.imports.text import strip_notices
from tests.imports import Real, Variant


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # PsycInfo's record line, with and without a full stop after it
        (
            "We found less. (PsycInfo Database Record (c) 2020 APA, all rights reserved)",
            "We found less.",
        ),
        (
            "We found less. (PsycINFO Database Record (c) 2016 APA, all rights reserved).",
            "We found less.",
        ),
        # older PsycINFO records (RefWorks' tagged export) space the brackets out
        (
            "Anger rose. ( PsycINFO Database Record ( c) 2002 APA, all rights reserved)",
            "Anger rose.",
        ),
        # the record line straight after text with no full stop, and PsycTests' own
        (
            "Twelve scales were compared (PsycINFO Database Record (c) 2002 APA, all rights "
            "reserved)",
            "Twelve scales were compared",
        ),
        (
            "Items were answered yes or no. (PsycTests Database Record (c) 2020 APA, all rights "
            "reserved).",
            "Items were answered yes or no.",
        ),
        # Elsevier's and Scopus' closing lines
        ("Rates fell. Copyright © 2019 Elsevier Ltd. All rights reserved.", "Rates fell."),
        ("Rates fell. (C) 2016 Elsevier Ltd. All rights reserved.", "Rates fell."),
        (
            "Rates fell. © 2020, © 2020 The Author(s). Published by Taylor & Francis Group.",
            "Rates fell.",
        ),
        (
            "Rates fell. Crown Copyright 2015 Published by Elsevier Ltd. All rights reserved.",
            "Rates fell.",
        ),
        ("Rates fell. This article is protected by copyright. All rights reserved.", "Rates fell."),
        # a Wiley notice opening the abstract, with the sentence naming the publisher
        (
            "© 2018 The Authors. Journal of Invented Nursing published by John Wiley & Sons Ltd. "
            "Aims: To test walking. Results: Less pain.",
            "Aims: To test walking. Results: Less pain.",
        ),
        ("© 2018 Wiley Periodicals, Inc. Background: Walking helps.", "Background: Walking helps."),
        ("© 2018 The Authors. The authors tested walking.", "The authors tested walking."),
        ("© 2019 Elsevier Ltd. All rights reserved.", ""),
        # a sentence after an opening notice that names a licence, and one that does not
        (
            "© 2019 Wiley Periodicals, Inc. This work is licensed under CC BY 4.0. Pain fell.",
            "Pain fell.",
        ),
        (
            "© 2019 Wiley Periodicals, Inc. Licensed practical nurses staff most homes. Pain fell.",
            "Licensed practical nurses staff most homes. Pain fell.",
        ),
        # after a list's '(b)', a '(c) year' is a notice only where rights or a publisher follow
        (
            "We found (a) less and (b) more. (c) 2017 Elsevier Ltd. All rights reserved.",
            "We found (a) less and (b) more.",
        ),
    ],
)
def test_notices_are_left_out(abstract: str, expected: str) -> None:
    assert strip_notices(abstract) == expected


@pytest.mark.parametrize(
    "abstract",
    [
        "Copyright law differs between countries. We compared twelve.",
        "We compared laws. Copyright law must change.",
        "The panels show (a) one, (b) two and (c) 2019 values.",
        "Coding used Alceste(©) software. Themes emerged.",
        # a list's third item opening the last sentence with a year
        "Outcomes were (a) pain and (b) mood. (c) 2020 data were incomplete.",
        "Phases: (A) 2019 was calm. (B) 2020 was hard. (C) 2021 saw recovery.",
        # a notice running into the abstract without a sentence's end is not cut out
        "© 2018 The Authors Background: we tested walking. Results: less pain.",
    ],
)
def test_text_that_is_no_notice_stays(abstract: str) -> None:
    assert strip_notices(abstract) == abstract


@pytest.mark.parametrize(
    "own",
    [
        "Studies published by June 2018 were included.",
        "Studies published by the end of 2018 were included.",
        "Open access to care was studied in twelve sites.",
        "We obtained permission from all parents.",
    ],
)
def test_the_abstracts_first_sentence_after_an_opening_notice_stays(own: str) -> None:
    # A sentence of the abstract that merely mentions publishing, access or permission.
    rest = own + " Results were mixed."
    assert strip_notices("© 2019 Wiley Periodicals, Inc. " + rest) == rest


PSYCINFO_RIS = """TY  - JOUR
AU  - Reyes, Ana
TI  - An invented trial of walking groups
AB  - Walking groups lowered anxiety. (PsycInfo Database Record (c) 2020 APA, all rights reserved)
DB  - APA PsycInfo
ER  -
"""


def test_import_leaves_out_the_psycinfo_record_line(variant_file: Variant) -> None:
    (record,) = import_file(variant_file("psy.ris", PSYCINFO_RIS.encode()), "psy").records
    assert record.abstract == "Walking groups lowered anxiety."


def test_real_exports_lose_their_closing_notices(real: Real) -> None:
    wos = import_file(real("exports/wos/wos_sample.txt"), "wos").records
    bibliometrix = next(r for r in wos if r.title.startswith("bibliometrix"))
    assert bibliometrix.abstract.endswith("such as bibliometrics.")  # '(c) 2017 Elsevier Ltd. ...'
    scopus = import_file(real("exports/scopus/scopus_sample.csv"), "scopus").records
    assert not any("©" in r.abstract or "Creative Commons" in r.abstract for r in scopus)


def test_a_long_run_of_spaces_in_an_abstract_takes_linear_time() -> None:
    # The APA record line's pattern was tried at every space of a run: an abstract with 80,000
    # spaces inside it (as a RefWorks value keeps them) took 6 s, twice as many four times as long.
    abstract = "Walking lowered anxiety." + " " * 80_000 + "Results were mixed."
    began = time.process_time()
    assert strip_notices(abstract) == abstract
    assert time.process_time() - began < 2
    spaced = "Walking lowered anxiety." + " " * 1_000 + "( PsycINFO Database Record ( c) 2002 APA)"
    assert strip_notices(spaced) == "Walking lowered anxiety."
