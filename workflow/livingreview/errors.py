"""One exception hierarchy for everything the pipeline reports to a user.

Every error that reaches the command line is a :class:`LivingReviewError`; the CLI prints its
message on one line and exits with code 2 (bad input) or 3 (a search or network failure).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager


class LivingReviewError(Exception):
    """Base class: a problem the user can act on, reported without a traceback."""

    exit_code = 2


class ConfigError(LivingReviewError):
    """The review protocol (config) is invalid; the message names the key."""


class InputFileError(LivingReviewError):
    """A file a person or database produced cannot be read as expected.

    The message names the file and, where known, the record/row position and field.
    """

    def __init__(
        self,
        path: object,
        problem: str,
        *,
        position: str | None = None,
        field: str | None = None,
    ) -> None:
        where = str(path)
        if position:
            where += f", {position}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")
        self.problem = problem
        self.path = str(path)
        self.position = position
        self.field = field


class RowsError(InputFileError):
    """Several rows of one file cannot be read: each named (row, field, problem) on the one
    line the CLI prints, the first :attr:`SHOWN` of them, then how many more."""

    SHOWN = 20

    def __init__(self, path: object, errors: Sequence[InputFileError]) -> None:
        shown = [_row_problem(e) for e in errors[: self.SHOWN]]
        more = len(errors) - len(shown)
        if more:
            shown.append(f"and {more} more row{'s' if more > 1 else ''}")
        problem = (
            f"{len(errors)} rows cannot be read (fix them all, then run again): "
            + " | ".join(shown)
        )
        super().__init__(path, problem)
        self.errors = tuple(errors)


def _row_problem(error: InputFileError) -> str:
    """One row's error without its file: ``row 3, field 'decision': problem``."""
    where = [error.position or "", f"field {error.field!r}" if error.field else ""]
    return ", ".join(w for w in where if w) + f": {error.problem}"


class RowErrors:
    """The errors of the rows of one file, collected so that one run names every bad row:
    check each row inside :meth:`row`, then call :meth:`raise_any` (one bad row raises its own
    error, as it reads alone; several, one :class:`RowsError`)."""

    def __init__(self, path: object) -> None:
        self.path = path
        self.errors: list[InputFileError] = []

    @contextmanager
    def row(self) -> Iterator[None]:
        """Run one row's checks; an :class:`InputFileError` is kept, not raised."""
        try:
            yield
        except InputFileError as exc:
            self.errors.append(exc)

    def raise_any(self) -> None:
        """Raise what the rows gave, if anything."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise RowsError(self.path, self.errors)


class ImportReconciliationError(InputFileError):
    """The number of records found in an export differs from the number imported."""


class SearchError(LivingReviewError):
    """A search against a bibliographic service failed or returned an error body."""

    exit_code = 3


class HTTPError(SearchError):
    """A request failed after all retries, or failed with a non-retryable status."""

    def __init__(self, message: str, *, status: int | None = None, url: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class IncompleteSearchError(SearchError):
    """Fewer records were retrieved than the source reported: never counted as complete."""


class ReplayError(SearchError):
    """A replayed search asked for a response that the raw-response archive does not hold."""
