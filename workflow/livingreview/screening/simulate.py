"""Replay a labelled screening dataset through the active-learning ranker.

The dataset is a CSV with the columns ``title``, ``abstract`` and ``label_included`` (1 = included,
0 = excluded; any case, or ASReview's other names for them: :data:`COLUMN_NAMES`); a record's id is
its ``record_id`` column when there is one, else its row position (0 = first data row, as
ASReview's ``--prior-idx``). Like ``asreview simulate``, a few records are drawn at random per seed
as prior knowledge (with the same draw as ASReview's ``--prior-seed``: numpy
``RandomState(seed).choice`` over the included rows, then again over the excluded rows). Then the
ranker is refitted on all labels revealed so far (in the order revealed) and the ``batch_size``
highest-ranked unscreened records are "screened" (their labels revealed), until the last relevant
record is found (ASReview's default stop: the rest are all irrelevant and change no metric) or,
with ``stop_at_last_relevant=False``, until every record is screened.

The output lists ``record_id,label,prior`` in screening order, priors first: the records screened,
so without the records left after the last relevant one.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from livingreview.errors import InputFileError
from livingreview.fileio import atomic_write_text
from livingreview.imports.tabular import csv_source
from livingreview.imports.text import decode
from livingreview.screening.ranking import Ranker, document_text

REQUIRED_COLUMNS = ("title", "abstract", "label_included")
#: Names each required column may have, as ASReview reads them (first found wins, any case).
COLUMN_NAMES = {
    "title": ("title", "primary_title"),
    "abstract": ("abstract", "abstract note", "notes_abstract"),
    "label_included": (
        "label_included",
        "included",
        "final_included",
        "label",
        "included_label",
        "included_final",
        "included_flag",
        "include",
    ),
}
LABEL_VALUES = {"0": False, "1": True, "0.0": False, "1.0": True}


@dataclass(frozen=True)
class LabelledSet:
    """A fully labelled screening dataset in file order."""

    record_ids: list[str]
    documents: list[str]
    included: np.ndarray


def _column_names(path: Path, header: Sequence[str]) -> dict[str, str]:
    """Each required column -> the header's name for it (see :data:`COLUMN_NAMES`)."""
    by_folded = {}
    for name in header:
        by_folded.setdefault(name.strip().casefold(), name)
    found = {}
    for column, names in COLUMN_NAMES.items():
        name = next((by_folded[n] for n in names if n in by_folded), None)
        if name is None:
            raise InputFileError(
                path,
                f"missing column {column!r}; a labelled screening dataset needs the columns "
                f"{', '.join(REQUIRED_COLUMNS)} (or ASReview's names: "
                f"{', '.join(COLUMN_NAMES[column][1:])}) (found: {', '.join(header)})",
                field=column,
            )
        found[column] = name
    found["record_id"] = by_folded.get("record_id", "")
    return found


def read_labelled_csv(path: Path) -> LabelledSet:
    """Read ``title, abstract, label_included`` (and optional ``record_id``) from a CSV in any
    encoding and delimiter the export importer reads."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from exc
    text, _ = decode(path, data)
    try:
        buffer, delimiter = csv_source(text)
        reader = csv.DictReader(buffer, delimiter=delimiter)
        names = _column_names(path, reader.fieldnames or [])
        rows = list(reader)
    except csv.Error as exc:
        raise InputFileError(path, f"is not a readable CSV file ({exc})") from exc
    title, abstract, label = names["title"], names["abstract"], names["label_included"]
    id_column = names["record_id"]
    ids: list[str] = []
    labels: list[bool] = []
    for number, row in enumerate(rows):
        value = (row.get(label) or "").strip()
        if value not in LABEL_VALUES:
            raise InputFileError(
                path,
                f"label {value!r} is not 0 (excluded) or 1 (included)",
                position=f"row {number + 2}",
                field=label,
            )
        labels.append(LABEL_VALUES[value])
        ids.append((row.get(id_column) or "").strip() if id_column else str(number))
    if id_column:
        _check_ids(path, ids)
    documents = [document_text(r.get(title) or "", r.get(abstract) or "") for r in rows]
    return LabelledSet(ids, documents, np.array(labels, dtype=bool))


def _check_ids(path: Path, ids: Sequence[str]) -> None:
    seen: dict[str, int] = {}
    for number, record_id in enumerate(ids):
        if not record_id:
            raise InputFileError(
                path, "empty record id", position=f"row {number + 2}", field="record_id"
            )
        if record_id in seen:
            raise InputFileError(
                path,
                f"record id {record_id!r} repeats row {seen[record_id] + 2}",
                position=f"row {number + 2}",
                field="record_id",
            )
        seen[record_id] = number


def pick_priors(included: np.ndarray, n_included: int, n_excluded: int, seed: int) -> list[int]:
    """Row positions of the prior records: random includes, then random excludes, per seed."""
    priors: list[int] = []
    for kind, wanted, rows in (
        ("included", n_included, np.flatnonzero(included)),
        ("excluded", n_excluded, np.flatnonzero(~included)),
    ):
        if wanted < 0 or wanted > len(rows):
            raise ValueError(f"{wanted} prior {kind} records asked for; the data has {len(rows)}")
        if wanted:
            chosen = np.random.RandomState(seed).choice(rows, wanted, replace=False)
            priors.extend(int(i) for i in chosen)
    return priors


def screening_order(
    ranker: Ranker,
    included: np.ndarray,
    priors: Sequence[int],
    *,
    batch_size: int,
    stop_at_last_relevant: bool = True,
    progress: bool = False,
) -> list[int]:
    """Row positions in the order they are screened: priors, then one ranked batch at a time,
    until the last relevant record is screened (or every record, when not
    ``stop_at_last_relevant``)."""
    screened = np.zeros(included.size, dtype=bool)
    screened[list(priors)] = True
    order = np.zeros(included.size, dtype=np.int64)
    count = len(priors)
    order[:count] = priors
    left = int(included.sum()) - int(included[order[:count]].sum())
    random_state = np.random.RandomState(ranker.seed)  # one per run, as asreview simulate
    with tqdm(
        total=included.size, initial=count, desc="simulate", unit="rec", disable=not progress
    ) as bar:
        while count < included.size and (left or not stop_at_last_relevant):
            rows = order[:count]
            scores = ranker.scores_for(rows, included[rows], random_state)
            pool = np.flatnonzero(~screened)
            # highest score first; ties by row position (a stable sort of the pool), as ASReview
            ranked = pool[np.argsort(-scores[pool], kind="stable")[:batch_size]]
            screened[ranked] = True
            order[count : count + ranked.size] = ranked
            count += ranked.size
            left -= int(included[ranked].sum())
            bar.update(ranked.size)
    return order[:count].tolist()


def write_order(path: Path, data: LabelledSet, order: Sequence[int], n_priors: int) -> None:
    """Write ``record_id,label,prior`` rows in screening order."""
    lines = ["record_id,label,prior"]
    for position, row in enumerate(order):
        lines.append(
            f"{_csv_field(data.record_ids[row])},{int(data.included[row])},"
            f"{int(position < n_priors)}"
        )
    atomic_write_text(path, "\n".join(lines) + "\n")


def _csv_field(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


@dataclass(frozen=True)
class OrderMetrics:
    """How early a screening order finds the relevant records (priors left out)."""

    records: int
    relevant: int
    wss_95: float
    screened_at_95: int
    screened_at_100: int
    recall_at_10: float
    recall_at_25: float


def order_metrics(labels_in_order: Sequence[bool], n_priors: int) -> OrderMetrics:
    """Work saved and recall of a screening order; the first ``n_priors`` labels are left out.

    With N records and R relevant ones after the priors: ``screened_at_95`` is the number
    screened when ceil(0.95 R) relevant have been found; WSS@95 (Cohen et al. 2006) is
    (TN + FN) / N - 0.05 at that point, i.e. (N - screened_at_95) / N - 0.05. Recall at p % is
    the share of R found among the first floor(p N / 100) records.
    """
    labels = np.asarray(labels_in_order[n_priors:], dtype=bool)
    total, relevant = int(labels.size), int(labels.sum())
    if relevant == 0:
        raise ValueError("no relevant records outside the priors")
    found = np.cumsum(labels)
    at_95 = int(np.argmax(found >= math.ceil(0.95 * relevant))) + 1
    at_100 = int(np.argmax(found >= relevant)) + 1

    def recall_at(share: float) -> float:
        screened = math.floor(share * total)
        return float(found[screened - 1]) / relevant if screened else 0.0

    return OrderMetrics(
        records=total,
        relevant=relevant,
        wss_95=(total - at_95) / total - 0.05,
        screened_at_95=at_95,
        screened_at_100=at_100,
        recall_at_10=recall_at(0.10),
        recall_at_25=recall_at(0.25),
    )


def run_simulation(
    data_path: Path,
    out_path: Path,
    *,
    seed: int = 0,
    prior_included: int = 1,
    prior_excluded: int = 1,
    batch_size: int = 10,
    stop_at_last_relevant: bool = True,
    progress: bool = False,
) -> dict[str, int]:
    """Replay ``data_path`` and write the screening order to ``out_path``; return counts
    (``records``: of the data, ``screened``: in the order, ``included``, ``priors``)."""
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    data = read_labelled_csv(data_path)
    try:
        priors = pick_priors(data.included, prior_included, prior_excluded, seed)
    except ValueError as exc:
        raise InputFileError(data_path, str(exc), field="label_included") from exc
    ranker = Ranker(data.documents, seed=seed)
    order = screening_order(
        ranker,
        data.included,
        priors,
        batch_size=batch_size,
        stop_at_last_relevant=stop_at_last_relevant,
        progress=progress,
    )
    write_order(out_path, data, order, len(priors))
    return {
        "records": len(data.record_ids),
        "screened": len(order),
        "included": int(data.included.sum()),
        "priors": len(priors),
    }
