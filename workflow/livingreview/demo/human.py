"""Build the demo's returned sheets: the pipeline writes each blank sheet, a demo reviewer fills it.

In a temporary working copy of the demo (protocol, snapshot, exports, the dedup sheet) the
stages run through the CLI as ``make demo`` runs them. After each stage the blank sheets it
wrote are filled as the demo reviewers would (:mod:`livingreview.demo.reviewers`, from the real
facts' labels) and saved as ``<sheet>_demo_illustrative.xlsx`` in the stage's returned-sheets
folder, so the next run reads them: title/abstract sheets of r1 and r2, the conflicts sheet
resolved by r3, full-text sheets, extraction forms and a handful of risk-of-bias ratings. The
files are then copied into ``<demo>/human/``; the same facts give byte-identical files.

Each file says when it was saved, as a spreadsheet program's save would, so that a revised copy
a user saves later counts over it (README, *Re-assessing a study in a later round*): no wall
clock, but noon UTC a day after the demo's search (``search.date_range.to``) for the first
returned folder, a day later for each folder after it (:func:`saved_at`).
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from livingreview import reviewforms, sheets
from livingreview.config import RETURNED_FOLDERS, enabled_imports, enabled_sources, load_config
from livingreview.demo import reviewers
from livingreview.errors import ConfigError, LivingReviewError
from livingreview.fileio import atomic_write_bytes, read_json
from livingreview.sheets import written

log = logging.getLogger("livingreview.demo")
SUFFIX = "_demo_illustrative"
Values = Mapping[str, Mapping[str, str]]  # item id -> column -> text typed
ROB_RATED = {"rob2": 3, "nos": 2}  # studies rated per tool; the others stay pending
# The folders this rebuilds: every returned-sheet folder but the maybe pairs' (a sheet kept as is).
FOLDERS = tuple(folder for folder in RETURNED_FOLDERS if folder[0] != "deduplication")
BANNER = (
    "ILLUSTRATIVE DEMO INPUT: filled in by `livingreview build-demo-human` from the demo facts' "
    "labels, not by a person. Values that are not facts are marked as illustrative in 'notes'."
)


@dataclass
class Built:
    """The returned files written (relative to the repository root) and the demo's counts."""

    files: list[str]
    counts: dict[str, Any]


def returned_folders(config: Mapping[str, Any]) -> list[Path]:
    """The stages' returned-sheet folders this builder owns (relative to ``paths.human_input``)."""
    return sorted({Path(str(config[section][key])) for section, key in FOLDERS})


def _working_copy(demo_dir: Path, work: Path, config: Mapping[str, Any]) -> None:
    root = demo_dir.parent
    (work / "config").mkdir(parents=True)
    shutil.copy(root / "config/config.yaml", work / "config/config.yaml")
    shutil.copytree(demo_dir, work / demo_dir.name, ignore=shutil.ignore_patterns("human"))
    human = Path(config["paths"]["human_input"])
    owned = {human / folder for folder in returned_folders(config)}
    for path in sorted((root / human).rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(relative.is_relative_to(o) for o in owned):
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, work / relative)


def _cli(config_files: list[str], *argv: str) -> None:
    from livingreview.cli import main

    quiet = logging.getLogger("livingreview")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # each stage's one-line summary
            code = main(["--quiet", *argv, "--configfile", *config_files])
    finally:
        quiet.setLevel(level)
    if code:
        raise LivingReviewError(f"demo reviewers: `livingreview {argv[0]}` stopped (exit {code})")


def sheet_ids(path: Path, title: str, id_column: str) -> list[str]:
    """The ids of a written sheet, in row order."""
    returned = sheets.read_sheet(path, title)
    return [i for _, row in returned.rows() if (i := returned.cell(row, id_column))]


def saved_at(config: Mapping[str, Any], folder: tuple[str, str]) -> str:
    """When the demo reviewers saved their sheets of the returned folder ``folder`` (section,
    key): noon UTC, one day after the demo's search for the first folder of :data:`FOLDERS`,
    a day later for each folder after it (the stages' order)."""
    searched = (config["search"].get("date_range") or {}).get("to")
    try:
        day = date.fromisoformat(str(searched))
    except ValueError:
        raise ConfigError(
            f"search.date_range.to: expected the demo's search date (YYYY-MM-DD), got {searched!r}"
        ) from None
    return f"{day + timedelta(days=FOLDERS.index(folder) + 1)}T12:00:00Z"


def fill_sheet(
    blank: Path,
    target: Path,
    title: str,
    id_column: str,
    values: Values,
    saved: str,
) -> Path:
    """Type ``values`` (id -> column -> text) into a written sheet, mark the Instructions sheet
    as an illustrative demo input and save it as ``target`` (fixed timestamps, ``saved`` its
    save time)."""
    from openpyxl import load_workbook

    wb = load_workbook(blank, rich_text=True)
    ws = wb[title]
    header = {str(c.value): c.column for c in ws[1] if c.value is not None}
    for number in range(2, ws.max_row + 1):
        item = ws.cell(row=number, column=header[id_column]).value
        for column, value in values.get(str(item or ""), {}).items():
            sheets.set_text(ws.cell(row=number, column=header[column]), value)
    info = wb[sheets.INSTRUCTIONS_SHEET]
    info.insert_rows(1, amount=2)
    sheets.set_text(info.cell(row=1, column=1), BANNER)
    for key, lines in wb[sheets.META_SHEET].iter_rows(max_col=2):
        if key.value == written.INSTRUCTIONS:  # the banner is a line the pipeline wrote
            sheets.set_text(lines, f"{written.mark(BANNER)} {lines.value or ''}".strip())
    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(target, sheets.deterministic_zip(buffer.getvalue(), saved))
    return target


def rated_studies(studies: list[dict[str, str]], tool: str, count: int) -> list[dict[str, str]]:
    """The first ``count`` studies of ``tool`` by id, the first of each NOS version first."""
    mine = sorted((s for s in studies if s["tool"] == tool), key=lambda s: s["study_id"])
    firsts = [s for i, s in enumerate(mine) if s["version"] not in {m["version"] for m in mine[:i]}]
    return (firsts + [s for s in mine if s not in firsts])[:count]


def _returned(config: Mapping[str, Any], section: str, key: str, stem: str) -> Path:
    return reviewforms.human_folder(config, section, key) / f"{stem}{SUFFIX}.xlsx"


class DemoReviewers:
    """The demo review in a working copy, with its reviewers filling each sheet it writes."""

    def __init__(self, config: dict[str, Any], config_files: list[str], facts: Path) -> None:
        self.config = config
        self.files = config_files
        self.facts = reviewers.read_labelled_facts(facts)
        self.outputs = Path(config["paths"]["outputs"])
        self.review = str(config["review"]["id"])
        self.written: list[Path] = []
        self.matched: dict[str, reviewers.Fact] = {}
        self.round = 1

    def run(self, *commands: str) -> None:
        """Run CLI subcommands in order."""
        for command in commands:
            self._cli(*command.split())

    def _cli(self, *argv: str) -> None:
        _cli(self.files, *argv)

    def _fill_each(
        self,
        blanks: list[tuple[Path, str]],
        folder: tuple[str, str],
        sheet: tuple[str, str],
        values_for: Callable[[int, list[str]], Values],
    ) -> None:
        """Fill each blank sheet (path, returned name stem) with ``values_for(index, its ids)``
        and save it in the returned folder ``folder`` (section, key); ``sheet`` = (title, id
        column)."""
        for index, (blank, stem) in enumerate(blanks):
            values = values_for(index, sheet_ids(blank, *sheet))
            target = _returned(self.config, *folder, stem)
            saved = saved_at(self.config, folder)
            self.written.append(fill_sheet(blank, target, *sheet, values, saved))
            log.info("demo reviewers: %s filled (%d rows)", target, len(values))

    def _blanks(self, status: str, key: str) -> list[tuple[Path, str]]:
        """The sheets a stage wrote for reviewers (listed under ``key`` in its status file)."""
        listed = read_json(self.outputs / status, "the demo run stopped early")[key]
        paths = [self.outputs / relative for relative in listed]
        return [(p, p.stem) for p in paths if not p.stem.endswith(reviewforms.CONSENSUS)]

    def search_and_library(self) -> None:
        """Searches (replayed), imports, summary, library and automation exclusions."""
        for name in enabled_sources(self.config):
            self._cli("search", name)
        for name in enabled_imports(self.config):
            self._cli("import", "--name", name)
        self.run("summarise", "library", "automation")
        from livingreview.fulltext.stage import current_round
        from livingreview.fulltext.studies import library_rows

        library = library_rows(self.outputs / "library/records.csv")
        rows = [{"study_id": sid, **row} for sid, row in library.items()]
        self.matched = reviewers.match_studies(rows, self.facts)
        self.round = current_round(self.outputs)

    def screening(self) -> None:
        """Both screeners' title/abstract sheets (the second one disagrees on a few)."""
        from livingreview.screening import export, stage

        self.run("screen")
        self._fill_each(
            self._blanks(stage.OUTPUTS["status"], "sheets"),
            ("screening", "folder"),
            (export.SHEET, export.ID_COLUMN),
            lambda index, ids: reviewers.screening_values(
                ids, self.matched, self.config, first=index == 0, disagree=index > 0
            ),
        )

    def conflicts(self) -> None:
        """The third reviewer's conflicts sheet."""
        from livingreview.screening import conflict_sheet
        from livingreview.screening.outcome import OUTPUTS, resolver

        self.run("screen", "agreement", "conflicts")
        self._fill_each(
            [
                (
                    self.outputs / OUTPUTS["conflicts_xlsx"],
                    f"conflicts_round{self.round}_{resolver(self.config)}",
                )
            ],
            ("screening", "conflicts_folder"),
            (conflict_sheet.SHEET, conflict_sheet.ID_COLUMN),
            lambda _, ids: reviewers.resolution_values(ids, self.matched, self.config),
        )

    def full_text(self) -> None:
        """Both reviewers' full-text sheets."""
        from livingreview.fulltext import sheet, stage

        self.run("conflicts", "fulltext")
        self._fill_each(
            self._blanks(stage.OUTPUTS["status"], "sheets"),
            ("full_text", "folder"),
            (sheet.SHEET, sheet.ID_COLUMN),
            lambda _, ids: reviewers.fulltext_values(ids, self.matched, self.config),
        )

    def extraction(self) -> None:
        """Both reviewers' extraction forms (the consensus form stays empty: they agree)."""
        from livingreview.extraction import forms, stage

        self.run("fulltext", "extract")
        self._fill_each(
            self._blanks(stage.OUTPUTS["status"], "forms"),
            ("extraction", "folder"),
            (forms.SHEET, forms.ID_COLUMN),
            lambda _, ids: {
                sid: reviewers.extraction_values(self.matched[sid], self.config) for sid in ids
            },
        )

    def risk_of_bias(self) -> None:
        """Both reviewers rate the first few studies per tool (by id) alike; the rest pend."""
        from livingreview.appraisal import forms
        from livingreview.appraisal.stage import FORMS_DIR, studies_to_assess
        from livingreview.rob import nos

        self.run("extract", "appraise")
        settings = self.config["risk_of_bias"].get("nos_cross_sectional") or {}
        studies = studies_to_assess(self.config, self.outputs)
        values: dict[str, dict[str, dict[str, str]]] = {}
        for tool, count in ROB_RATED.items():
            for index, study in enumerate(rated_studies(studies, tool, count)):
                if tool == "rob2":
                    cells = reviewers.rob2_values(index)
                else:
                    scale = nos.scale_for(study["version"], settings)
                    cells = reviewers.nos_values(index, [(i.key, i.max_stars) for i in scale.items])
                values.setdefault(tool, {})[study["study_id"]] = cells
        people = reviewforms.role_reviewers(
            self.config, "risk_of_bias", self.config["risk_of_bias"]["mode"], "risk_of_bias"
        )
        for tool, rated in values.items():
            stems = [
                reviewforms.FormSpec(forms.kind(tool), self.review, self.round, p).stem()
                for p in people
            ]
            self._fill_each(
                [(self.outputs / FORMS_DIR / f"{stem}.xlsx", stem) for stem in stems],
                ("risk_of_bias", "folder"),
                (forms.SHEET, forms.ID_COLUMN),
                lambda _, ids, rated=rated: rated,
            )
        self.run("appraise")

    def counts(self) -> dict[str, Any]:
        """What the demo's human inputs amount to, from the stages' own outputs."""

        def load(name: str) -> Any:
            return read_json(self.outputs / name, "the demo run stopped early")

        screening = load("screening/outcome.json")
        fulltext = load("fulltext/outcome.json")
        extraction = load("extraction/status.json")
        rob = load("rob/status.json")
        return {
            "studies_matched_to_facts": len(self.matched),
            "screened": screening["studies_decided"],
            "title_abstract_included": screening["included"],
            "title_abstract_excluded": screening["excluded"],
            "conflicts": screening["conflicts"],
            "conflicts_resolved": screening["conflicts_resolved"],
            "reports_sought": fulltext["reports_sought"],
            "studies_included": fulltext["studies_included"],
            "reports_excluded": fulltext["reports_excluded"],
            "excluded_by_reason": fulltext["excluded_by_reason"],
            "extracted": extraction["studies"]["final"],
            "rob_to_assess": rob["studies_to_assess"],
            "rob_assessed": rob["assessed"],
            "rob_pending": rob["pending"],
        }


def _install(work_human: Path, human: Path, written: list[Path], folders: list[Path]) -> None:
    for folder in folders:
        for stale in sorted((human / folder).glob(f"*{SUFFIX}.*")):
            stale.unlink()
    for path in written:
        target = human / path.relative_to(work_human)
        atomic_write_bytes(target, path.read_bytes())


def build_demo_human(facts: Path, demo_dir: Path) -> Built:
    """Rebuild the returned sheets under ``<demo_dir>/human/`` (see the module docstring)."""
    demo_dir = demo_dir.resolve()
    root = demo_dir.parent
    files = [root / "config/config.yaml", demo_dir / "config.yaml"]
    config = load_config(files)
    facts = facts.resolve()
    with tempfile.TemporaryDirectory(prefix="demo-human-") as tmp:
        work = Path(tmp)
        _working_copy(demo_dir, work, config)
        with contextlib.chdir(work):
            relative = ["config/config.yaml", f"{demo_dir.name}/config.yaml"]
            team = DemoReviewers(load_config(relative), relative, facts)
            team.search_and_library()
            team.screening()
            team.conflicts()
            team.full_text()
            team.extraction()
            team.risk_of_bias()
            counts = team.counts()
        human = Path(config["paths"]["human_input"])
        written = [work / p for p in team.written]
        _install(work / human, root / human, written, returned_folders(config))
    return Built(sorted((human / p.relative_to(work / human)).as_posix() for p in written), counts)
