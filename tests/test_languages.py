"""One language table for the protocol's limits, the services' filters and the records' fields."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from livingreview.errors import ConfigError
from livingreview.languages import (
    LANGUAGES,
    check_languages,
    iso639_1,
    language_name,
    medline_code,
)
from livingreview.sources import europepmc, openalex, pubmed
from livingreview.sources.base import SearchSpec
from tests.test_config import SHIPPED, run_module, write


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("eng", "english"),
        ("en", "english"),
        ("English", "english"),
        (" ENGLISH ", "english"),
        ("fre", "french"),
        ("fra", "french"),
        ("Français", "french"),
        ("ger", "german"),
        ("Deutsch", "german"),
        ("wel", "welsh"),  # MEDLINE's code
        ("Icelandic", "icelandic"),
        ("ng", ""),  # a real OpenAlex value that is no language code
        ("undefined", ""),  # a real BibTeX value
    ],
)
def test_language_codes_and_names_are_normalised(value: str, name: str) -> None:
    assert language_name(value) == name


def test_every_language_has_its_two_codes_first_and_no_alias_names_two() -> None:
    seen: dict[str, str] = {}
    for name, (two, three, *others) in LANGUAGES.items():
        assert len(two) == 2 and two.isascii() and two.islower(), name
        assert len(three) == 3 and three.isascii() and three.islower(), name
        for alias in (name, two, three, *others):
            assert seen.setdefault(alias, name) == name, (alias, name, seen[alias])
            assert not set(",;/|") & set(alias), alias  # a record's field is split there


@pytest.mark.parametrize(
    ("value", "one", "medline"),
    [("French", "fr", "fre"), ("fra", "fr", "fre"), ("cy", "cy", "wel"), ("zho", "zh", "chi")],
)
def test_each_service_gets_its_own_code(value: str, one: str, medline: str) -> None:
    assert (iso639_1(value), medline_code(value)) == (one, medline)


def _spec(languages: list[str]) -> SearchSpec:
    return SearchSpec(name="s", client="c", query="alliance", languages=languages)


def test_a_language_outside_the_first_few_reaches_each_service_in_its_form() -> None:
    spec = _spec(["Icelandic", "cym"])
    assert "(icelandic[lang] OR welsh[lang])" in pubmed.build_term(spec)
    assert '(LANG:"ice" OR LANG:"wel")' in europepmc.build_query(spec)
    assert "language:is|cy" in openalex.build_filter(spec)


def test_an_unknown_language_is_named_with_its_key() -> None:
    assert check_languages("search.languages", ["en", "Welsh"]) == ["english", "welsh"]
    with pytest.raises(ConfigError, match=r"'search.languages\[1\]': 'Engish' is not"):
        check_languages("search.languages", ["fr", "Engish"])


@pytest.mark.parametrize(
    ("where", "key"),
    [
        (("search",), "search.languages[1]"),
        (("sources", "openalex"), "sources.openalex.languages[1]"),
        (("automation",), "automation.languages[1]"),
    ],
)
def test_check_config_refuses_a_misspelt_language_before_any_search(
    tmp_path: Path, where: tuple[str, ...], key: str
) -> None:
    config = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    section = config
    for part in where:
        section = section[part]
    section["languages"] = ["English", "Frnech"]
    result = run_module(
        "livingreview.cli", "check-config", "--configfile", str(write(tmp_path, config))
    )
    assert result.returncode == 2
    assert f"'{key}': 'Frnech' is not a recognised language" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
