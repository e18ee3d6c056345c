"""Errors a user can cause, and the exit statuses they map to.

The CLI turns every `AdvisorError` into one line on stderr; no traceback reaches a
user for a mistake in their input.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    BAD_RECORDS = 1  # some records were rejected; the rest were processed
    USAGE = 2  # bad usage or a broken rule base: nothing was processed


class AdvisorError(Exception):
    """A mistake in the user's input, reported as one located line."""

    exit_status = ExitStatus.USAGE

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.column = column

    def located(self) -> str:
        """`file:line[:col]: key: message`, leaving out the parts that are not known."""
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            if self.line is not None and self.column is not None:
                where += f":{self.column}"
        parts = [p for p in (where, self.key) if p]
        return ": ".join([*parts, self.message])

    def __str__(self) -> str:
        return self.located()


class InputError(AdvisorError):
    """An unreadable file or a malformed document (YAML, CSV, JSON)."""


class ProfileError(AdvisorError):
    """A profile record that does not validate; the batch goes on without it."""

    exit_status = ExitStatus.BAD_RECORDS


class RuleBaseError(AdvisorError):
    """A rule base that does not load; nothing can be scored with it."""


class UsageError(AdvisorError):
    """Command-line usage the command cannot carry out."""
