"""Loading, validating and defaulting the review protocol (``config/config.yaml``).

Validation is strict: unknown keys are errors (a typo must not silently fall back to a default),
and the message names the key path, e.g. ``sources.medline.qurey``.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from itertools import combinations
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from livingreview.errors import ConfigError, LivingReviewError
from livingreview.yamltext import DatesAsText

SCHEMA_NAME = "config.schema.yaml"
#: The schema's pattern of an identifier (review id, source and import names, reviewer ids...).
IDENTIFIER_PATTERN = "^[a-z][a-z0-9_]*$"
#: The schema's pattern of an environment variable's name (``api_key_env``, ``contact_email_env``).
ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
#: Key of ``protocol.json`` holding the digest that proves the pipeline already validated it.
VALIDATED_KEY = "_validated"


def schema_path() -> Path:
    """The JSON Schema file (in the source tree, or bundled inside an installed wheel)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "schemas" / SCHEMA_NAME, here / "_schemas" / SCHEMA_NAME):
        if candidate.exists():
            return candidate
    raise ConfigError(f"config schema {SCHEMA_NAME} not found beside the livingreview package")


@cache
def _schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


@cache
def load_schema() -> dict[str, Any]:
    """The parsed config schema."""
    return yaml.load(_schema_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _validation_digest(config: Mapping[str, Any]) -> str:
    """Digest of a protocol together with the schema and the code that validate it."""
    digest = hashlib.sha256(_schema_text().encode("utf-8"))
    digest.update(Path(__file__).read_bytes())
    digest.update(json.dumps(config, sort_keys=False, ensure_ascii=False).encode("utf-8"))
    return f"sha256:{digest.hexdigest()}"


def _parse(path: Path, text: str) -> Any:
    """JSON for ``.json`` files (the resolved protocol), YAML otherwise or when not JSON."""
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except ValueError:
            pass  # YAML reports where the text goes wrong
    # an unquoted date stays the text typed (an impossible one is named, not a ValueError)
    return yaml.load(text, Loader=DatesAsText)


def deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``: mappings recursively, other values replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_config(paths: Iterable[Path | str]) -> dict[str, Any]:
    """Read one or more YAML files (later ones override earlier ones) and validate the result.

    A single ``protocol.json`` whose :data:`VALIDATED_KEY` digest still matches its content, the
    schema and this module (see :func:`write_resolved_protocol`) is not validated again.
    """
    config: dict[str, Any] = {}
    names = []
    trusted = []
    for path in paths:
        path = Path(path)
        names.append(str(path))
        data = read_config_file(path)
        marker = data.pop(VALIDATED_KEY, None)
        trusted.append(marker is not None and marker == _validation_digest(data))
        config = deep_merge(config, data)
    if trusted == [True]:
        return with_round_state(config)
    return with_round_state(validate_config(config, origin=" + ".join(names) or "config"))


def read_config_file(path: Path) -> dict[str, Any]:
    """One config file as typed (not validated); a ConfigError naming the file and line for text
    that is not UTF-8, not YAML, a key given twice in one mapping, or not a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}, line {line}: byte {exc.start} is not UTF-8; save the config as UTF-8"
        ) from None
    try:
        data = _parse(path, text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys to values")
    return data


def with_round_state(config: dict[str, Any]) -> dict[str, Any]:
    """The config set to the current round of ``rounds.yaml`` (see ``livingreview.round_state``)."""
    from livingreview.round_state import apply_round_state

    return apply_round_state(config)


def _key_path(parts: Iterable[object]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _required_key(error: Any) -> bool:
    """Whether the key a value error is about is required where it stands (the schema path
    walked from the root, each ``$ref`` followed; the last three steps are properties, key,
    keyword)."""
    node: Any = load_schema()
    steps = list(error.absolute_schema_path)
    for step in steps[:-3]:
        while isinstance(node, dict) and "$ref" in node:
            node = load_schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        node = node[step]
    while isinstance(node, dict) and "$ref" in node:
        node = load_schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return len(steps) >= 3 and steps[-2] in node.get("required", [])


def _describe(error: Any) -> str:
    """One line naming the key and the problem for a jsonschema ValidationError."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        # a key YAML reads as a number or true/false is not text: sort and name them as typed
        unknown = sorted(set(error.instance) - set(allowed), key=str)
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        where = _key_path([*path, str(unknown[0])]) if unknown else _key_path(path)
        expected = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return f"config key '{where}': unknown key {', '.join(hints)}{expected}"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"config key '{_key_path([*path, missing])}': required key is missing"
    if error.validator == "enum":
        options = ", ".join(repr(v) for v in error.validator_value)
        return f"config key '{_key_path(path)}': {error.instance!r} is not one of {options}"
    if error.validator == "type" and error.validator_value == "string":
        instance = error.instance
        if isinstance(instance, int | float):  # bool is an int too
            read = repr(instance) if isinstance(instance, bool) else f"the number {instance!r}"
            return (
                f"config key '{_key_path(path)}': expected text, but YAML reads the unquoted "
                f"value as {read}: put it in quotes as typed"
            )
    if error.validator == "pattern" and error.validator_value.startswith("^\\d{4}"):
        return f"config key '{_key_path(path)}': {error.instance!r} is not a date (YYYY-MM-DD)"
    if error.validator == "pattern" and error.validator_value == IDENTIFIER_PATTERN:
        # a name under sources/imports (propertyNames) is reported at the mapping holding it
        named = "propertyNames" in error.absolute_schema_path
        what = f"name {error.instance!r}" if named else repr(error.instance)
        return (
            f"config key '{_key_path(path)}': {what} must be lower-case letters, digits and "
            "underscores, starting with a letter"
        )
    if error.validator == "pattern" and error.validator_value == "\\S":
        optional = "" if _required_key(error) else " or leave the key out"
        return f"config key '{_key_path(path)}': is blank; give the text{optional}"
    if error.validator == "pattern" and error.validator_value == ENV_NAME_PATTERN:
        # the e-mail or key typed here would go unsent, and into the outputs with the protocol
        return (
            f"config key '{_key_path(path)}': {error.instance!r} is not the name of an "
            "environment variable (letters, digits and underscores): name the variable here "
            "and put the value in the environment or the secrets file"
        )
    return f"config key '{_key_path(path)}': {error.message}"


def _fill_defaults(instance: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> None:
    """Insert ``default:`` values of the schema into the config, recursively."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        _fill_defaults(instance, target, root)
        return
    if isinstance(instance, dict):
        for key, sub in schema.get("properties", {}).items():
            if key not in instance and "default" in sub:
                instance[key] = copy.deepcopy(sub["default"])
            if key in instance:
                _fill_defaults(instance[key], sub, root)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key, value in instance.items():
                if key not in schema.get("properties", {}):
                    _fill_defaults(value, extra, root)
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for item in instance:
            _fill_defaults(item, schema["items"], root)


#: More values than any real protocol holds; YAML aliases can make a few lines expand to billions.
MAX_CONFIG_VALUES = 200_000


def _check_size(config: Any, origin: str) -> None:
    """Refuse a config whose aliases expand beyond :data:`MAX_CONFIG_VALUES` (a "YAML bomb").

    Sizes are memoised per object, so the check costs one visit per distinct node however often
    an alias repeats it.
    """
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        key = id(node)
        if key not in sizes:
            children = node.values() if isinstance(node, dict) else node
            sizes[key] = 1
            if isinstance(node, dict | list):
                sizes[key] = 1 + sum(size(child) for child in children)
        return sizes[key]

    total = size(config)
    if total > MAX_CONFIG_VALUES:
        raise ConfigError(
            f"{origin}: the config expands to {total:,} values (more than {MAX_CONFIG_VALUES:,}); "
            "are YAML aliases (*name) repeating a large block?"
        )


def validate_config(config: dict[str, Any], origin: str = "config") -> dict[str, Any]:
    """Validate against the schema, fill defaults, then check cross-key rules."""
    import jsonschema

    _check_size(config, origin)
    config = _dates_as_text(config)
    schema = load_schema()
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        raise ConfigError(f"{origin}: {_describe(errors[0])}")
    typed = "nexus_field" in (config.get("extraction") or {})
    config = copy.deepcopy(config)
    _fill_defaults(config, schema, schema)
    if not typed and not config["nexus"].get("levels"):
        del config["extraction"]["nexus_field"]  # the default names no field of such a review
    _check_semantics(config, origin)
    return config


def _dates_as_text(node: Any) -> Any:
    """``node`` with every date written back as YYYY-MM-DD text: Snakemake reads the configfile
    itself, turning an unquoted date into a date (and the schema wants text)."""
    if isinstance(node, dict):
        return {key: _dates_as_text(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_dates_as_text(value) for value in node]
    if type(node) is dt.date:
        return node.isoformat()
    return node


def _check_dates(config: Mapping[str, Any], origin: str) -> None:
    """Every date of the protocol is a calendar date (the schema checks the YYYY-MM-DD form)."""
    from livingreview.round_state import is_date

    dates = [
        (f"search.date_range.{k}", v) for k, v in (config["search"].get("date_range") or {}).items()
    ]
    for section in ("sources", "imports"):
        for name, spec in config[section].items():
            dates += [
                (f"{section}.{name}.date_range.{k}", v)
                for k, v in spec.get("date_range", {}).items()
            ]
            if "searched_on" in spec:
                dates.append((f"{section}.{name}.searched_on", spec["searched_on"]))
    for key, value in dates:
        if value and not is_date(value):
            raise ConfigError(f"{origin}: config key '{key}': {value!r} is not a date (YYYY-MM-DD)")


def _check_semantics(config: dict[str, Any], origin: str) -> None:
    from livingreview.dedup.rounds import version_problem

    problem = version_problem(config["review"]["version"])
    if problem:
        raise ConfigError(
            f"{origin}: config key 'review.version': version {config['review']['version']!r} "
            f"{problem}"
        )
    _check_dates(config, origin)
    search = config["search"]
    if search["mode"] == "replay" and not search.get("replay_dir"):
        raise ConfigError(
            f"{origin}: config key 'search.replay_dir': required when search.mode is 'replay'"
        )
    ranges = [("search.date_range", search.get("date_range"))]
    ranges += [
        (f"sources.{n}.date_range", s.get("date_range")) for n, s in config["sources"].items()
    ]
    for key, value in ranges:
        if value and value.get("from") and value.get("to") and value["from"] > value["to"]:
            raise ConfigError(
                f"{origin}: config key '{key}': 'from' {value['from']} is after 'to' {value['to']}"
            )
    if not any(s["enabled"] for s in config["sources"].values()) and not any(
        i["enabled"] for i in config["imports"].values()
    ):
        raise ConfigError(f"{origin}: config key 'sources': no enabled source or import to search")
    overlap = set(config["sources"]) & set(config["imports"])
    if overlap:
        name = sorted(overlap)[0]
        raise ConfigError(
            f"{origin}: config key 'imports.{name}': name already used by sources.{name}"
        )
    _check_date_fields(config, origin)
    _check_source_options(config, origin)
    _check_paths(config, origin)
    _check_stage_settings(config, origin)
    _check_report_fields(config, origin)
    check_returned_folders(config, origin)
    for name, spec in config["imports"].items():
        for index, file in enumerate(spec["files"]):
            if not is_safe_relative(file):
                raise ConfigError(
                    f"{origin}: config key 'imports.{name}.files[{index}]': {file!r} must be a "
                    "relative path inside paths.human_input (no '..', no absolute path)"
                )


# The dates each service limits a search's window by, as the client names them in its request. A
# typo would not limit the search by the window the protocol states (what PubMed and Europe PMC
# make of a date they do not know is not documented), or stop it only once it runs. Europe PMC's
# are the date fields of its /fields list (recorded in
# ../shared/data/sources/europepmc/epmc_fields.json); OpenAlex's and Crossref's are the dates of
# their from_/until filters.
DATE_FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    "pubmed": ("PubMed date type", {"pdat": "publication date", "edat": "date added",
                                    "mdat": "modified"}),
    "europepmc": ("Europe PMC date field", {
        "FIRST_PDATE": "first publication", "E_PDATE": "electronic publication",
        "P_PDATE": "print publication", "PUB_YEAR": "publication year",
        "FIRST_IDATE": "first indexed", "FIRST_IDATE_D": "first indexed, day",
        "INDEX_DATE": "indexed", "CREATION_DATE": "created", "UPDATE_DATE": "updated",
        "EMBARGO_DATE": "embargo end", "FT_CDATE": "full text added",
        "FT_CDATE_D": "full text added, day"}),
    "openalex": ("OpenAlex date filter", {"publication": "publication", "created": "created",
                                          "updated": "updated"}),
    "crossref": ("Crossref date filter", {
        "pub": "published", "online-pub": "published online", "print-pub": "published in print",
        "posted": "posted", "accepted": "accepted", "issued": "issued", "created": "created",
        "deposit": "deposited", "update": "updated", "index": "indexed"}),
}  # fmt: skip


def date_field_name(client: str, value: str) -> str:
    """``value`` as the client puts it in its request (case, and OpenAlex's and Crossref's
    ``from_``/``-date`` affixes, as the clients treat them)."""
    if client == "europepmc":
        return value.upper()
    name = value.lower()
    if client == "openalex":
        return name.removeprefix("from_").removesuffix("_date")
    if client == "crossref":
        return name.removeprefix("from-").removesuffix("-date")
    return name


def _check_date_fields(config: Mapping[str, Any], origin: str) -> None:
    """Every source's ``date_field``/``round_date_field`` is a date its service limits by."""
    for name, source in config["sources"].items():
        label, known = DATE_FIELDS.get(source["client"], ("", {}))
        if not known:
            continue
        for key in ("date_field", "round_date_field"):
            value = source.get(key)
            if value and date_field_name(source["client"], value) not in known:
                listed = ", ".join(f"{k} ({v})" for k, v in known.items())
                raise ConfigError(
                    f"{origin}: config key 'sources.{name}.{key}': {value!r} is not a {label}; "
                    f"expected one of {listed}"
                )


# The clients that send a source's ``filter`` and ``query_field`` (the others have no such
# parameter and would search without the limit the protocol states).
OPTION_CLIENTS = {"filter": ("openalex", "crossref"), "query_field": ("crossref",)}
# What to do instead, per option.
OPTION_HINTS = {
    "filter": "put the limit in the query",
    "query_field": "leave it out (the query searches the service's usual fields)",
}


def is_crossref_query_field(value: str) -> bool:
    """Whether ``value`` is a Crossref query parameter (``query`` or a field query ``query.*``)."""
    return value == "query" or (value.startswith("query.") and value != "query.")


def _check_source_options(config: Mapping[str, Any], origin: str) -> None:
    """A source's ``filter``/``query_field`` is one its client sends, and ``query_field`` is a
    Crossref query parameter: else the search would run without it, or stop only once it runs."""
    for name, source in config["sources"].items():
        for key, clients in OPTION_CLIENTS.items():
            if key in source and source["client"] not in clients:
                raise ConfigError(
                    f"{origin}: config key 'sources.{name}.{key}': client {source['client']} "
                    f"takes no {key} (only {' and '.join(clients)}); {OPTION_HINTS[key]}"
                )
        field = source.get("query_field")
        if field is not None and not is_crossref_query_field(field):
            raise ConfigError(
                f"{origin}: config key 'sources.{name}.query_field': {field!r} is not a Crossref "
                "query parameter (expected query.bibliographic, query or another query.<field>)"
            )


def _check_paths(config: Mapping[str, Any], origin: str) -> None:
    """``paths.outputs`` is not ``paths.human_input``, nor holds it or an import's export file
    (deleting the outputs must never delete human work), nor overlaps a folder returned sheets
    are read from in it (the pipeline would read the sheets it writes)."""
    here = os.getcwd()

    def where(path: str) -> PurePosixPath:
        return PurePosixPath(posixpath.normpath(posixpath.join(here, path)))

    paths = config["paths"]
    human, outputs = where(str(paths["human_input"])), where(str(paths["outputs"]))
    if human == outputs or outputs in human.parents:
        raise ConfigError(
            f"{origin}: config keys 'paths.outputs' and 'paths.human_input': "
            f"{paths['outputs']!r} and {paths['human_input']!r} must be separate folders, the "
            "outputs neither the human input nor around it (outputs are rebuilt and may be "
            "deleted; human input is only read)"
        )
    _check_history_dir(config, origin, where, human, outputs)
    for key, value, folder in _human_places(config):
        place = where(posixpath.join(str(human), value))
        if place == outputs or outputs in place.parents or (folder and place in outputs.parents):
            what = (
                "a folder returned sheets are read from: the outputs neither around it nor in it"
                if folder
                else "an export file: the outputs may not hold it"
            )
            raise ConfigError(
                f"{origin}: config keys 'paths.outputs' and '{key}': {paths['outputs']!r} and "
                f"{value!r} (in paths.human_input) must be separate, {what} (outputs are rebuilt "
                "and may be deleted; human input is only read)"
            )


def _check_history_dir(
    config: Mapping[str, Any],
    origin: str,
    where: Callable[[str], PurePosixPath],
    human: PurePosixPath,
    outputs: PurePosixPath,
) -> None:
    """``deduplication.history_dir`` is a folder of its own: not the project root (the working
    folder) nor around it, nor around or the same as its ``config`` folder (each run's start
    searches it whole for leftover temporary files), nor ``paths.human_input`` or
    ``paths.outputs`` (``human`` and ``outputs``, resolved). Around those two it may be
    (``data`` holding ``data/human`` and ``data/outputs``): the search then finds only the
    pipeline's own temporary files there, and a round's snapshot is a folder of its own. Nor
    is it a folder returned sheets are read from, or inside one."""
    value = str(config["deduplication"]["history_dir"])
    history = where(value)
    paths = config["paths"]
    held = (
        ("is or holds the project folder (where the pipeline runs)", where(".")),
        ("is or holds the project's config folder", where("config")),
    )
    same = (
        (f"is paths.human_input {paths['human_input']!r}", human),
        (f"is paths.outputs {paths['outputs']!r}", outputs),
    )
    found = [what for what, place in held if place == history or history in place.parents]
    found += [what for what, place in same if place == history]
    if found:
        raise ConfigError(
            f"{origin}: config key 'deduplication.history_dir': {value!r} {found[0]}; "
            "expected a folder of its own, such as 'library_history' (each run searches "
            "it whole for temporary files left by a stopped run)"
        )
    for key, place, folder in _human_places(config):
        if folder and (returned := where(posixpath.join(str(human), place))) in (
            history,
            *history.parents,
        ):
            raise ConfigError(
                f"{origin}: config key 'deduplication.history_dir': {value!r} is or lies in "
                f"{key} {place!r} (in paths.human_input), a folder returned sheets are read "
                "from; expected a folder of its own, such as 'library_history' (the stage "
                f"reading {str(returned)!r} would find the round snapshots among the sheets)"
            )


def _human_places(config: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """Key, value and whether a folder, of each place of human work in ``paths.human_input``:
    the returned-sheet folders and the imports' export files (an unsafe path is refused by
    its own check)."""
    places = [
        (f"{section}.{key}", str((config.get(section) or {}).get(key) or ""), True)
        for section, key in RETURNED_FOLDERS
    ]
    for name, spec in (config.get("imports") or {}).items():
        places += [
            (f"imports.{name}.files[{index}]", str(file), False)
            for index, file in enumerate(spec.get("files") or [])
        ]
    return [place for place in places if place[1] and is_safe_relative(place[1])]


# The folders of returned sheets, each under paths.human_input (section, key).
RETURNED_FOLDERS = (
    ("deduplication", "decisions_dir"),
    ("screening", "folder"),
    ("screening", "conflicts_folder"),
    ("full_text", "folder"),
    ("full_text", "conflicts_folder"),
    ("extraction", "folder"),
    ("risk_of_bias", "folder"),
)


def check_returned_folders(config: Mapping[str, Any], origin: str) -> None:
    """Each kind of returned sheet has a folder of its own, none inside another: a stage reads
    its folder only, and refuses a folder in it that holds sheets (they would go unread)."""
    folders = [
        (f"{section}.{key}", PurePosixPath(posixpath.normpath(str(config[section][key]))))
        for section, key in RETURNED_FOLDERS
        if (config.get(section) or {}).get(key)
    ]
    for section, key in RETURNED_FOLDERS:
        value = str((config.get(section) or {}).get(key) or "")
        if value and not is_safe_relative(value):
            raise ConfigError(
                f"{origin}: config key '{section}.{key}': {value!r} must be a relative folder "
                "inside paths.human_input (no '..', no absolute path)"
            )
    for (key, path), (other_key, other) in combinations(folders, 2):
        if path == other or path in other.parents or other in path.parents:
            raise ConfigError(
                f"{origin}: config keys '{key}' and '{other_key}': {str(path)!r} and "
                f"{str(other)!r} must be separate folders, neither inside the other (each kind "
                "of returned sheet has its own folder)"
            )


def _check_report_fields(config: dict[str, Any], origin: str) -> None:
    """Every field the report names must be an extraction field."""
    known = [f["id"] for f in config["extraction"]["fields"]]
    report = config["report"]
    named = [(f"report.study_columns[{i}]", v) for i, v in enumerate(report["study_columns"])]
    named += [(f"report.evidence_fields[{i}]", v) for i, v in enumerate(report["evidence_fields"])]
    if report["nexus_risks_field"]:
        named.append(("report.nexus_risks_field", report["nexus_risks_field"]))
    seen: dict[str, str] = {}
    for key, value in named:
        if value not in known:
            raise ConfigError(
                f"{origin}: config key '{key}': {value!r} is not an extraction field "
                f"(expected one of: {', '.join(known) or 'none, extraction.fields lists none'})"
            )
        first = seen.setdefault(f"{key.split('[')[0]}:{value}", key)
        if first != key:
            raise ConfigError(
                f"{origin}: config key '{key}': {value!r} is already {first}; each field is "
                "listed once (twice, the report would show its column twice)"
            )
    _check_nexus_risks(config, origin)


def _check_nexus_risks(config: Mapping[str, Any], origin: str) -> None:
    """When ``report.nexus_risks_field`` is a multichoice field, each risk ``nexus.levels``
    lists for a level is one of its choices (the report's table marks it expected there)."""
    from livingreview.extraction.fields import nexus_risk_choices

    name = config["report"]["nexus_risks_field"]
    choices = nexus_risk_choices(config)
    if not choices:
        return
    for index, level in enumerate((config.get("nexus") or {}).get("levels") or []):
        for number, risk in enumerate(level.get("risks") or []):
            if risk not in choices:
                raise ConfigError(
                    f"{origin}: config key 'nexus.levels[{index}].risks[{number}]': {risk!r} is "
                    f"not a choice of the extraction field {name!r} (report.nexus_risks_field; "
                    f"expected one of: {', '.join(choices)})"
                )


#: Lists whose entries are told apart by one key: (list's key path, the key).
UNIQUE_KEYS = (
    ("reviewers", "id"),
    ("eligibility.criteria", "id"),
    ("exclusion_reasons.title_abstract", "id"),
    ("exclusion_reasons.full_text", "id"),
    ("nexus.levels", "level"),
)

#: Stages whose forms go to the reviewers with a role: (section, role).
ROLE_STAGES = (("full_text", "full_text"), ("extraction", "extraction"))


def _check_unique(config: Mapping[str, Any]) -> None:
    """Each reviewer, criterion, exclusion reason and Nexus level is listed once."""
    for where, key in UNIQUE_KEYS:
        section, _, name = where.partition(".")
        items = (config.get(section) or {}).get(name) if name else config.get(section)
        first: dict[Any, int] = {}
        for index, item in enumerate(items or []):
            value = item[key]
            if value in first:
                raise ConfigError(
                    f"config key '{where}[{index}].{key}': {value!r} is already the {key} of "
                    f"{where}[{first[value]}]; each is listed once"
                )
            first[value] = index


def _check_reason_labels(config: Mapping[str, Any]) -> None:
    """Two exclusion reasons of one list do not share a label (told apart by case or spacing
    only, they would read as one reason twice in the sheets' instructions and the reports)."""
    for stage in ("title_abstract", "full_text"):
        reasons = (config.get("exclusion_reasons") or {}).get(stage) or []
        first: dict[str, tuple[int, Any]] = {}
        for index, reason in enumerate(reasons):
            label = reason.get("label")
            if not isinstance(label, str):
                continue
            same = " ".join(label.split()).casefold()
            if same in first:
                at, other = first[same]
                raise ConfigError(
                    f"config key 'exclusion_reasons.{stage}[{index}].label': reasons "
                    f"{other!r} and {reason.get('id')!r} have the same label {label!r} "
                    f"(exclusion_reasons.{stage}[{at}] and [{index}]), so reports and sheets "
                    "could not tell them apart; give each its own label, or merge the two"
                )
            first[same] = (index, reason.get("id"))


def _check_years(config: Mapping[str, Any]) -> None:
    """``automation.year_from`` is not after ``year_to``."""
    automation = config["automation"]
    start, end = automation.get("year_from"), automation.get("year_to")
    if start is not None and end is not None and start > end:
        raise ConfigError(
            f"config key 'automation.year_from': {start} is after automation.year_to {end} "
            "(every study would be excluded)"
        )


def _check_people(config: Mapping[str, Any]) -> None:
    """Once reviewers are listed, each stage has the reviewers its mode and decision rule need
    (the stage would stop when it runs). A protocol without reviewers may search and import."""
    from livingreview.appraisal.forms import tool_for
    from livingreview.appraisal.stage import assessors
    from livingreview.reviewforms import role_reviewers
    from livingreview.screening.assignment import screeners
    from livingreview.screening.outcome import resolver

    for design in config["risk_of_bias"].get("tools_by_design") or {}:
        tool_for(design, config)  # nos only for the Newcastle-Ottawa designs
    if not config["reviewers"]:
        return
    screeners(config)
    for section, role in ROLE_STAGES:
        role_reviewers(config, role, config[section]["mode"], section)
    # a review appraising nothing needs no one to settle appraisals
    appraising = ("risk_of_bias",) if assessors(config) else ()
    for section in ("screening", "full_text", "extraction", *appraising):
        resolver(config, section)


def _check_designs(config: Mapping[str, Any]) -> None:
    """Every design of ``risk_of_bias.tools_by_design`` is a choice of the ``study_design``
    extraction field (a study's design is read from it; another name never matches)."""
    designs = config["risk_of_bias"].get("tools_by_design") or {}
    if not designs:
        return
    field = next((f for f in config["extraction"]["fields"] if f["id"] == DESIGN_FIELD), None)
    if field is None or field["type"] != "choice":
        raise ConfigError(
            "config key 'risk_of_bias.tools_by_design': the tool is chosen by each study's "
            f"design, so extraction.fields needs a field {DESIGN_FIELD!r} of type choice"
        )
    choices = [str(choice) for choice in field.get("choices") or []]
    for design in designs:
        if design not in choices:
            raise ConfigError(
                f"config key 'risk_of_bias.tools_by_design.{design}': {design!r} is not a choice "
                f"of the extraction field {DESIGN_FIELD!r} (expected one of: {', '.join(choices)})"
            )


#: The extraction field whose value picks a study's risk-of-bias tool.
DESIGN_FIELD = "study_design"


def _check_stage_settings(config: Mapping[str, Any], origin: str) -> None:
    """The settings each later stage checks when it runs, checked here too, so a wrong protocol
    is refused by check-config and before the first search, not hours later by one stage."""
    from livingreview.extraction.fields import fields_of
    from livingreview.rob.nos import cross_sectional_scale

    checks = (
        lambda: _check_unique(config),
        lambda: _check_reason_labels(config),
        lambda: _check_years(config),
        lambda: fields_of(config),
        lambda: _check_designs(config),
        lambda: cross_sectional_scale(config["risk_of_bias"]["nos_cross_sectional"]),
        lambda: _check_people(config),
        lambda: _check_languages(config),
        lambda: _check_list_labels(config),
        lambda: _check_seed_studies(config),
    )
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc}") from None


def _check_list_labels(config: Mapping[str, Any]) -> None:
    """No name counted in a PRISMA list (a full-text exclusion reason, a source's database or
    platform) holds ';', which separates the items of such a list ("Label, n; Label, n") in the
    PRISMA2020 package CSV: the package, and ``livingreview prisma``, would split it in two."""
    places = [
        (f"exclusion_reasons.full_text[{i}].label", reason.get("label"))
        for i, reason in enumerate((config.get("exclusion_reasons") or {}).get("full_text") or [])
    ]
    for section in ("sources", "imports"):
        for name, spec in (config.get(section) or {}).items():
            places += [
                (f"{section}.{name}.{key}", spec.get(key)) for key in ("database", "platform")
            ]
    for where, value in places:
        if isinstance(value, str) and ";" in value:
            raise ConfigError(
                f"config key '{where}': {value!r} holds ';', which separates the items of a "
                "PRISMA list ('Label, n; Label, n' in prisma/ledger.csv); write it without ';'"
            )


# A PMID as a seed study: its digits, alone, after 'PMID' (':' or a space between) or in its
# PubMed address, the present one or the older www.ncbi.nlm.nih.gov/pubmed/ (scheme optional).
_SEED_PMID = re.compile(
    r"^(?:pmid\s*:?\s*|(?:https?://)?"
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov|www\.ncbi\.nlm\.nih\.gov/pubmed)/)?\d{1,9}/?$",
    re.IGNORECASE,
)


def _check_seed_studies(config: Mapping[str, Any]) -> None:
    """Each seed study is a DOI or a PMID: anything else never finds its study, and a PMCID
    ('PMC1234567') would be read as the PMID 1234567, another study."""
    from livingreview.records import normalise_doi

    for index, item in enumerate(config["screening"].get("seed_studies") or []):
        if not normalise_doi(item) and not _SEED_PMID.match(item.strip()):
            raise ConfigError(
                f"config key 'screening.seed_studies[{index}]': {item!r} is neither a DOI "
                "(10.xxxx/..., or its https://doi.org/ address) nor a PMID (digits, e.g. "
                "39924298 or PMID:39924298)"
            )


def _check_languages(config: Mapping[str, Any]) -> None:
    """Every language limit names a language (a misspelt one finds nothing in any service)."""
    from livingreview.languages import check_languages

    check_languages("search.languages", config["search"].get("languages") or [])
    for name, source in config["sources"].items():
        check_languages(f"sources.{name}.languages", source.get("languages") or [])
    check_languages("automation.languages", (config.get("automation") or {}).get("languages") or [])


def is_safe_relative(path: str) -> bool:
    """True for a relative path that cannot climb out of the folder it is resolved in."""
    pure = PurePosixPath(path.replace("\\", "/"))
    return not pure.is_absolute() and ".." not in pure.parts and path[1:2] != ":"


def enabled_sources(config: Mapping[str, Any]) -> list[str]:
    """Names of searches to run, in config order."""
    return [name for name, spec in config["sources"].items() if spec["enabled"]]


def enabled_imports(config: Mapping[str, Any]) -> list[str]:
    """Names of configured imports to read, in config order."""
    return [name for name, spec in config["imports"].items() if spec["enabled"]]


def configured_entry(config: Mapping[str, Any], section: str, name: str, kind: str) -> Any:
    """``config[section][name]``, or a ConfigError naming the entries that are configured."""
    try:
        return config[section][name]
    except KeyError:
        known = ", ".join(config[section]) or "none"
        raise ConfigError(
            f"config key '{section}.{name}': no such {kind} (configured: {known})"
        ) from None


def read_configfile_or_exit(workflow: Any, path: str) -> None:
    """For the Snakefile, in place of its ``configfile:`` directive: ``workflow.configfile(path)``,
    except that a value Snakemake's YAML reader cannot build (an impossible unquoted date such as
    ``2024-02-30``, which stops it with a traceback) is one line naming the key, exit code 2, and
    so is a key given twice in one mapping (Snakemake's reader would keep the last silently)."""
    import sys

    try:
        if Path(path).exists():  # Snakemake does without it when --configfile names others
            read_config_file(Path(path))
    except LivingReviewError as exc:
        print(f"livingreview: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    try:
        workflow.configfile(path)
    except ValueError:
        try:
            load_config([path])
        except LivingReviewError as exc:
            print(f"livingreview: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        raise


def check_config_or_exit(config: dict[str, Any]) -> dict[str, Any]:
    """For the Snakefile: the validated protocol, or one line naming the key and exit code 2."""
    import sys

    try:
        return with_round_state(validate_config(config, origin="config"))
    except LivingReviewError as exc:
        print(f"livingreview: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def write_resolved_protocol(resolved: dict[str, Any]) -> str:
    """Write a validated protocol as JSON under the outputs folder (only when it changed).

    Rules hand this file to the CLI, so command-line ``--config`` overrides reach every job.
    When the protocol as read back from the file validates unchanged, the file carries a
    :data:`VALIDATED_KEY` digest so that the CLI does not validate it again in every job.
    """
    from livingreview.fileio import atomic_write_text, dump_json

    path = Path(resolved["paths"]["outputs"]) / "protocol.json"
    text = dump_json(resolved, sort_keys=False)  # keeps the protocol's source order
    data = json.loads(text)
    try:
        unchanged = validate_config(data, origin=str(path)) == data
    except LivingReviewError:
        unchanged = False  # the CLI validates it and reports the problem
    if unchanged:
        marked = {VALIDATED_KEY: _validation_digest(data), **data}
        text = dump_json(marked, sort_keys=False)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        atomic_write_text(path, text)
    return str(path)
