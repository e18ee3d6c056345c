"""Errors a user can cause, and the exit statuses they map to.

The CLI turns every `AdvisorError` into one located line on stderr (a rule base that
does not load into one line per problem, and a count); no traceback reaches a user for
a mistake in their input.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    BAD_RECORDS = 1  # some records were rejected; the rest were processed
    USAGE = 2  # bad usage, an input or output that cannot be used, or a broken rule base: nothing was processed
    BUG = 70  # an unexpected error inside advisor (EX_SOFTWARE): one line, details in a log file
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    TERMINATED = 143  # SIGTERM or SIGHUP (128 + SIGTERM): temporary files removed, workers stopped


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


class RuleBaseErrors(RuleBaseError):
    """Every problem one load of a rule base found, sorted by file and line.

    It reads as its first problem (`file`, `line`, `key`, `message`), so code that handles
    one error keeps working; `located()` gives them all, at most `SHOWN` of them.
    """

    SHOWN = 50  # a hostile file cannot flood the terminal
    LINE_LIMIT = 500  # nor can a key a megabyte long

    def __init__(self, errors: list[AdvisorError]) -> None:
        if not errors:
            raise ValueError("RuleBaseErrors needs at least one error")
        self.errors = sorted(errors, key=lambda e: (e.file or "", e.line or 0, e.column or 0, e.key or ""))
        first = self.errors[0]
        super().__init__(first.message, file=first.file, line=first.line, key=first.key, column=first.column)

    def lines(self) -> list[str]:
        """The first `SHOWN` problems, one located line each, and how many more there are."""
        shown = [_bounded(error.located(), self.LINE_LIMIT) for error in self.errors[:self.SHOWN]]
        hidden = len(self.errors) - len(shown)
        return [*shown, f"... and {hidden} more"] if hidden else shown

    def summary(self) -> str:
        """'3 errors in 2 files'."""
        files = len({error.file for error in self.errors})
        return f"{_count(len(self.errors), 'error')} in {_count(files, 'file')}"

    def located(self) -> str:
        return "\n".join([*self.lines(), *([self.summary()] if len(self.errors) > 1 else [])])


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class OutputError(AdvisorError):
    """An output that cannot be written (a read-only folder, a full disk, a target that is not a file)."""
