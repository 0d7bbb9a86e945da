"""Read a configured database export (``imports.<name>``) into records with a PRISMA-S manifest.

The manifest names the round the export belongs to (``imported_in``): this round, or the earlier
round that imported the same files searched on the same day (:mod:`livingreview.import_rounds`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview import __version__, import_rounds
from livingreview.config import configured_entry, enabled_imports
from livingreview.errors import ConfigError, ImportReconciliationError, InputFileError
from livingreview.fileio import atomic_write_text, csv_table_text, write_json
from livingreview.records import Record, assign_ids, write_records
from livingreview.round_state import manifest_round

log = logging.getLogger("livingreview.import")


def import_paths(config: Mapping[str, Any], name: str) -> list[Path]:
    """The export files of ``imports.<name>``, resolved inside ``paths.human_input``."""
    spec = configured_entry(config, "imports", name, "import")
    base = Path(config["paths"]["human_input"])
    return [base / file for file in spec["files"]]


def check_import_current(config: Mapping[str, Any], name: str, manifest: Mapping[str, Any]) -> None:
    """Fail unless the import in the outputs is of the files and search date ``imports.<name>``
    now gives, each unchanged where the protocol puts it (``paths.human_input``): an import made
    from another human-input folder (the demo's, before the review's own), of another version of
    a file, or of the files a protocol edited since named (Snakemake keeps an import whose new
    export is missing) must not be counted."""
    _check_import_spec(config, name, manifest)
    for index, entry in enumerate(manifest.get("files", [])):
        path = Path(config["paths"]["human_input"]) / str(entry.get("file", ""))
        if not path.is_file():
            raise InputFileError(
                path,
                f"export file not found (config key 'imports.{name}.files[{index}]'); the "
                f"import of {name} in the outputs was made from a file of that name elsewhere "
                "(another paths.human_input, e.g. the demo's): put the export there, or remove "
                f"imports.{name}",
            )
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            raise InputFileError(
                path,
                f"changed since the import of {name} in the outputs was made from it: import it "
                f"again (snakemake re-runs it; or livingreview import --name {name})",
            )


def require_files(config: Mapping[str, Any], name: str) -> None:
    """Fail naming the first export file of ``imports.<name>`` that is not there."""
    for index, path in enumerate(import_paths(config, name)):
        if not path.is_file():
            raise InputFileError(
                path, f"export file not found (config key 'imports.{name}.files[{index}]')"
            )


def missing_files(config: Mapping[str, Any]) -> list[InputFileError]:
    """The error of each import read whose export files are not all there (its first missing)."""
    found = []
    for name in enabled_imports(config):
        try:
            require_files(config, name)
        except InputFileError as exc:
            found.append(exc)
    return found


def require_all_files(config: Mapping[str, Any]) -> None:
    """Fail naming the first export file of any import read that is not there (before a run:
    Snakemake would name it only as a missing input of a job)."""
    for error in missing_files(config)[:1]:
        raise error


def _check_import_spec(config: Mapping[str, Any], name: str, manifest: Mapping[str, Any]) -> None:
    """Fail unless ``manifest`` imported the files ``imports.<name>.files`` names, searched on its
    ``searched_on``; a file the protocol names that is missing is named first."""
    spec = configured_entry(config, "imports", name, "import")
    made_from = [str(entry.get("file", "")) for entry in manifest.get("files", [])]
    wanted = [str(file) for file in spec["files"]]
    if made_from == wanted and str(manifest.get("ran_at")) == str(spec["searched_on"]):
        return
    require_files(config, name)
    raise ConfigError(
        f"imports.{name}: the import in the outputs is of {', '.join(made_from) or 'no file'} "
        f"searched on {manifest.get('ran_at')}, the protocol now gives {', '.join(wanted)} "
        f"searched on {spec['searched_on']}: import it again (snakemake re-runs it; or "
        f"livingreview import --name {name})"
    )


def _reconcile_hint(reported: int, held: int) -> str:
    """What to do when an export holds another number of records than the database reported."""
    if held < reported:
        return "export the missing records or correct the number"
    return (
        "correct the number (a new export, as of a later round, has its own count) or remove "
        "the records of another search"
    )


PROVENANCE = "provenance.csv"


def write_provenance(path: Path, records: list[Record], places: list[tuple[str, str]]) -> None:
    """Each imported record's export file (as the protocol names it) and its position there,
    sorted by record id as ``records.csv`` is: where an auditor finds the record a row came from."""
    rows = sorted(
        (record.record_id, file, position)
        for record, (file, position) in zip(records, places, strict=True)
    )
    atomic_write_text(path, csv_table_text(("record_id", "file", "position"), rows))


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None


def run_import(config: Mapping[str, Any], name: str, out_dir: Path) -> dict[str, Any]:
    """Import every file of ``imports.<name>``; write ``records.csv``, ``provenance.csv`` and
    ``manifest.json``."""
    from livingreview.imports import import_file

    spec = config["imports"][name]
    for stale in ("manifest.json", "records.csv", PROVENANCE):  # never passes as this import
        (out_dir / stale).unlink(missing_ok=True)
    records: list[Record] = []
    places: list[tuple[str, str]] = []
    files = []
    require_files(config, name)
    paths = import_paths(config, name)
    digests = [_sha256(path) for path in paths]
    earlier = import_rounds.recorded_in(config, name, spec["searched_on"], digests)
    for index, path in enumerate(paths):
        fmt = spec.get("format", "auto")
        result = import_file(path, source=name, fmt=fmt, imported_in=earlier)
        log.info("%s: %s: %d records (%s)", name, path, len(result.records), result.format)
        records.extend(result.records)
        places.extend((spec["files"][index], position) for position in result.positions)
        files.append(
            {
                "file": spec["files"][index],
                "sha256": digests[index],
                "format": result.format,
                "encoding": result.encoding,
                "records_in_file": result.records_in_file,
                "imported": len(result.records),
            }
        )
    records = import_rounds.earlier_ids_kept(config, name, assign_ids(name, records))
    reported = spec.get("records_reported")
    if reported is not None and reported != len(records):
        raise ImportReconciliationError(
            import_paths(config, name)[0],
            f"the database reported {reported} records (imports.{name}.records_reported) but the "
            f"file(s) hold {len(records)}; {_reconcile_hint(reported, len(records))}",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {
        "source": name,
        "kind": "database_export",
        "prisma_box": spec.get("prisma_box", "database"),
        "database": spec["database"],
        "platform": spec.get("platform", ""),
        "query": " ".join(spec.get("query", "").split()),
        "limits": spec.get("limits", ""),
        "ran_at": spec["searched_on"],
        "round": manifest_round(config),
        "files": files,
        "reported_total": reported if reported is not None else len(records),
        "reported_by_database": reported is not None,  # else reported_total is the files' count
        "retrieved": len(records),
        "complete": True,
        "software_version": __version__,
    }
    earlier, matched = import_rounds.imported_in(
        config, name, spec["searched_on"], files, lambda: records
    )
    manifest["imported_in"] = earlier or manifest["round"]["version"]
    if earlier:
        manifest["imported_in_by"] = matched
        current = manifest["round"]["version"]
        log.warning("%s", import_rounds.notice(name, manifest, earlier, matched, current))
    else:
        log.info(
            "%s: a search of round %s (its export is new to this review)",
            name,
            manifest["imported_in"],
        )
    write_records(out_dir / "records.csv", records)
    write_provenance(out_dir / PROVENANCE, records, places)
    write_json(out_dir / "manifest.json", manifest)
    import_rounds.record_import(config, name, manifest)
    return manifest
