"""Languages: one table of the names and codes bibliographic sources give a language.

The protocol names languages as it likes (``English``, ``en``, ``eng``); records carry them as
their source writes them. Each service wants its own form: PubMed's ``[la]`` tag an English
name, Europe PMC's ``LANG:`` MEDLINE's ISO 639-2/B code (``fre``, not ``fra``), OpenAlex's
``language:`` filter ISO 639-1 (``fr``). A language not in the table is an error in the protocol
(:func:`check_languages`), since a service given a misspelt language finds nothing and says so
nowhere. The table holds MEDLINE's languages and others bibliographic databases index.
"""

from __future__ import annotations

from collections.abc import Iterable

from livingreview.errors import ConfigError

# English name -> ISO 639-1, ISO 639-2/B (MEDLINE), then other codes and names (639-2/T, the
# name in the language itself, other English names).
LANGUAGES: dict[str, tuple[str, ...]] = {
    "afrikaans": ("af", "afr"),
    "albanian": ("sq", "alb", "sqi", "shqip"),
    "amharic": ("am", "amh"),
    "arabic": ("ar", "ara", "العربية"),
    "armenian": ("hy", "arm", "hye"),
    "azerbaijani": ("az", "aze", "azeri"),
    "basque": ("eu", "baq", "eus", "euskara"),
    "belarusian": ("be", "bel"),
    "bengali": ("bn", "ben", "bangla"),
    "bosnian": ("bs", "bos", "bosanski"),
    "bulgarian": ("bg", "bul", "български"),
    "catalan": ("ca", "cat", "català"),
    "chinese": ("zh", "chi", "zho", "中文"),
    "croatian": ("hr", "hrv", "hrvatski"),
    "czech": ("cs", "cze", "ces", "čeština"),
    "danish": ("da", "dan", "dansk"),
    "dutch": ("nl", "dut", "nld", "nederlands"),
    "english": ("en", "eng"),
    "esperanto": ("eo", "epo"),
    "estonian": ("et", "est", "eesti"),
    "finnish": ("fi", "fin", "suomi"),
    "french": ("fr", "fre", "fra", "français", "francais"),
    "galician": ("gl", "glg", "galego"),
    "georgian": ("ka", "geo", "kat"),
    "german": ("de", "ger", "deu", "deutsch"),
    "greek": ("el", "gre", "ell", "ελληνικά"),
    "hebrew": ("he", "heb", "עברית"),
    "hindi": ("hi", "hin"),
    "hungarian": ("hu", "hun", "magyar"),
    "icelandic": ("is", "ice", "isl", "íslenska"),
    "indonesian": ("id", "ind", "bahasa indonesia"),
    "irish": ("ga", "gle", "gaeilge"),
    "italian": ("it", "ita", "italiano"),
    "japanese": ("ja", "jpn", "日本語"),
    "kazakh": ("kk", "kaz"),
    "kinyarwanda": ("rw", "kin"),
    "korean": ("ko", "kor", "한국어"),
    "latin": ("la", "lat"),
    "latvian": ("lv", "lav", "latviešu"),
    "lithuanian": ("lt", "lit", "lietuvių"),
    "macedonian": ("mk", "mac", "mkd"),
    "malay": ("ms", "may", "msa", "bahasa melayu"),
    "malayalam": ("ml", "mal"),
    "maori": ("mi", "mao", "mri"),
    "mongolian": ("mn", "mon"),
    "nepali": ("ne", "nep"),
    "norwegian": ("no", "nor", "nob", "nno", "norsk", "norwegian bokmål"),
    "persian": ("fa", "per", "fas", "farsi", "فارسی"),
    "polish": ("pl", "pol", "polski"),
    "portuguese": ("pt", "por", "português", "portugues"),
    "punjabi": ("pa", "pan", "panjabi"),
    "pushto": ("ps", "pus", "pashto"),
    "romanian": ("ro", "rum", "ron", "română"),
    "russian": ("ru", "rus", "русский"),
    "sanskrit": ("sa", "san"),
    "scottish gaelic": ("gd", "gla", "gaelic"),
    "serbian": ("sr", "srp", "српски", "srpski"),
    "slovak": ("sk", "slo", "slk", "slovenčina"),
    "slovenian": ("sl", "slv", "slovene", "slovenščina"),
    "spanish": ("es", "spa", "español", "espanol", "castilian"),
    "swahili": ("sw", "swa", "kiswahili"),
    "swedish": ("sv", "swe", "svenska"),
    "tagalog": ("tl", "tgl", "filipino"),
    "tamil": ("ta", "tam"),
    "thai": ("th", "tha", "ไทย"),
    "turkish": ("tr", "tur", "türkçe"),
    "ukrainian": ("uk", "ukr", "українська"),
    "urdu": ("ur", "urd"),
    "uzbek": ("uz", "uzb"),
    "vietnamese": ("vi", "vie", "tiếng việt"),
    "welsh": ("cy", "wel", "cym", "cymraeg"),
}
_NAME_OF: dict[str, str] = {
    alias: name for name, aliases in LANGUAGES.items() for alias in (name, *aliases)
}


def language_name(value: str) -> str:
    """The English name of a language given as a code or name (``'eng'``, ``'en'``,
    ``'English'`` -> ``'english'``); ``''`` when not recognised."""
    return _NAME_OF.get(" ".join(value.casefold().split()), "")


def iso639_1(value: str) -> str:
    """The ISO 639-1 code (OpenAlex's) of a language; the value as given when not recognised."""
    name = language_name(value)
    return LANGUAGES[name][0] if name else value.strip()


def medline_code(value: str) -> str:
    """MEDLINE's ISO 639-2/B code (Europe PMC's ``LANG:``) of a language; the value as given when
    not recognised."""
    name = language_name(value)
    return LANGUAGES[name][1] if name else value.strip()


def check_languages(key: str, values: Iterable[str]) -> list[str]:
    """The English names of ``values`` (config key ``key``); a ConfigError naming the first
    one not recognised."""
    names = []
    for index, value in enumerate(values):
        name = language_name(value)
        if not name:
            raise ConfigError(
                f"config key '{key}[{index}]': {value!r} is not a recognised language name or "
                "ISO 639 code (e.g. English, en, eng)"
            )
        names.append(name)
    return names
