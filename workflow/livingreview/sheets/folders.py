"""The folders sheets are returned in: which files are read, refused, or watched by Snakemake."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livingreview.config import is_safe_relative
from livingreview.errors import ConfigError, InputFileError

# Files a spreadsheet program saves (a returned sheet in any format it may have been saved in).
SPREADSHEET_SUFFIXES = (".xlsx", ".csv", ".xls", ".ods", ".xlsm", ".tsv")


def returned_folder(config: Mapping[str, Any], section: str, key: str) -> Path:
    """The folder of returned sheets named by config key ``section.key``, in ``paths.human_input``.

    The folder must stay inside the human-input folder (no ``..``, not absolute).
    """
    folder = config[section][key]
    if not is_safe_relative(folder):
        raise ConfigError(
            f"config key '{section}.{key}': {folder!r} must be a relative path inside "
            "paths.human_input (no '..', no absolute path)"
        )
    return Path(config["paths"]["human_input"]) / folder


def folder_files(folder: Path) -> list[Path]:
    """Every file a person put in ``folder``, sorted; hidden, lock and Markdown files skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("~$", ".")) and p.suffix.lower() != ".md"
    )


def returned_files(folder: Path, what: str) -> list[Path]:
    """The returned sheets in ``folder`` (.xlsx, .csv), sorted.

    Any other file there (a sheet saved as .ods or .xls, say) is an error rather than being
    ignored, so that no decision is silently lost; ``what`` names the sheet in the message.
    """
    files = folder_files(folder)
    for path in files:
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise InputFileError(
                path,
                f"not a returned {what} ({path.suffix or 'no extension'}); "
                "expected .xlsx or .csv: save it in one of these formats",
            )
    for inner in _folders_with_sheets(folder):
        raise InputFileError(
            inner,
            f"a folder among the returned {what}s: sheets in it are not read; move them into "
            f"{folder}",
        )
    return files


def input_files(folder: Path) -> list[Path]:
    """For Snakemake: every file whose arrival or change in ``folder`` must re-run the stage
    that reads it, sorted: the files :func:`returned_files` reads or refuses at the top level,
    and the spreadsheet files in the folders inside it that make :func:`returned_files` stop."""
    return sorted([*folder_files(folder), *nested_sheets(folder)])


def nested_sheets(folder: Path) -> list[Path]:
    """The files saved from a spreadsheet anywhere inside the folders in ``folder`` (hidden
    folders at its top level aside), sorted: returned sheets put there would be silently unread
    (the protocol keeps the folders of returned sheets apart:
    :func:`livingreview.config.check_returned_folders`)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for inner in folder.iterdir()
        if inner.is_dir() and not inner.name.startswith(".")
        for path in inner.rglob("*")
        if path.suffix.lower() in SPREADSHEET_SUFFIXES and path.is_file()
    )


def _folders_with_sheets(folder: Path) -> list[Path]:
    """The folders at the top level of ``folder`` holding, at any depth, a spreadsheet file."""
    return sorted({folder / path.relative_to(folder).parts[0] for path in nested_sheets(folder)})
