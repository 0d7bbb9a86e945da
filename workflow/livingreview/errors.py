"""One exception hierarchy for everything the pipeline reports to a user.

Every error that reaches the command line is a :class:`LivingReviewError`; the CLI prints its
message on one line and exits with code 2 (bad input) or 3 (a search or network failure).
"""

from __future__ import annotations


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
        self.path = str(path)
        self.position = position
        self.field = field


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
