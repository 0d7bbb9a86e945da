"""Answers several returned files give on one thing: the file saved last counts, if known."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Protocol, TypeVar

from livingreview.errors import InputFileError


class Answer(Protocol):
    """A decision read from a returned sheet, with where it was typed and when that file was
    saved (a screening decision, a resolution, a form's cell, "" when blank); only read (so
    frozen dataclasses are answers too)."""

    @property
    def study_id(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def file(self) -> str: ...  # the returned file, as named in messages
    @property
    def row(self) -> int: ...
    @property
    def recorded_at(self) -> str: ...  # when the file was saved, "" when it does not say


AnswerT = TypeVar("AnswerT", bound=Answer)
RowsT = TypeVar("RowsT")
#: A returned file: its round, when it was saved ("" when it does not say) and its name.
Where = tuple[int, str, str]


def counting_file(
    by_file: Mapping[Where, RowsT], set_aside: Callable[[RowsT], bool]
) -> Where | None:
    """Of the files answering one item (file -> its rows on the item), the one whose answer
    counts: of the latest round, the one saved last (then by name), leaving out a file whose
    rows ``set_aside`` (rows of one file on studies the library joined after it was written,
    which differ: that file cannot tell which counts); None when no file of that round counts."""
    last = max(where[0] for where in by_file)
    found = [w for w, rows in by_file.items() if w[0] == last and not set_aside(rows)]
    return max(found) if found else None


def _answer(item: Answer) -> str:
    shown = repr(item.decision) if item.decision else "blank"
    return shown + (f" ({item.reason})" if item.reason else "")


def _unordered(first: Answer, second: Answer) -> str:
    """Why the save times of two answers' files do not tell which was saved last ("" when
    they do)."""
    for item in (first, second):
        if item.file.casefold().endswith(".csv"):
            return f"{item.file} is a CSV file, which does not record when it was saved"
    for item in (first, second):
        if not item.recorded_at:
            return f"{item.file} does not record when it was saved"
    if first.recorded_at == second.recorded_at:
        return f"both files record the same save time, {first.recorded_at}"
    return ""


def _disagreeing(first: Answer, second: Answer, what: str, field: str, why: str) -> InputFileError:
    problem = (
        f"{what} on study {second.study_id} is {_answer(second)} here and {_answer(first)} in"
        f" {first.file}, row {first.row}, and which of the two files was saved last cannot be"
        f" told ({why}); expected one {field} per study: remove one of the two files, or"
        " correct one so that both hold the same"
    )
    return InputFileError(second.file, problem, position=f"row {second.row}", field=field)


def overridden_answers(
    items: Iterable[AnswerT],
    key: Callable[[AnswerT], Hashable],
    what: Callable[[AnswerT], str],
    field: str,
) -> list[str]:
    """Check the answers several returned files give on one thing (items of one ``key``: one
    study, reviewer and round). When they differ the file saved last counts, so it must be
    known: raise :class:`InputFileError` naming both files when their save times do not tell
    (a CSV, a file without a save time, equal save times). Else one line per answer a file
    saved later overrides, for the step's log (a blank answer overridden is not named).
    Agreeing answers are fine in any order.
    ``what`` names an item's answer in messages (``r1's decision (round 1)``), ``field`` the
    column it was typed in."""
    groups: dict[Hashable, list[AnswerT]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    lines = []
    for group in groups.values():
        if len({_answer(item) for item in group}) < 2:
            continue
        ordered = sorted(group, key=lambda item: (item.recorded_at, item.file, item.row))
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if first.file == second.file:  # two studies merged after the file was written:
                    continue  # its reader settles them
                if _answer(first) != _answer(second) and (why := _unordered(first, second)):
                    raise _disagreeing(first, second, what(second), field, why)
        last = ordered[-1]
        lines += [
            f"{item.file}, row {item.row}: {what(item)} on study {item.study_id}, "
            f"{_answer(item)}, is overridden by {_answer(last)} in {last.file}, row {last.row}, "
            f"saved later ({item.recorded_at} < {last.recorded_at})"
            for item in ordered
            if _answer(item) != _answer(last)
            and (item.decision or item.reason)
            and item.file != last.file
        ]
    return lines
