"""A rich console that lets a broken pipe be a BrokenPipeError.

rich ends the process with exit 1 when the reader of its output goes away (`| head`,
`| true`); for advisor, 1 means "records were rejected". Raising BrokenPipeError instead
lets the CLI's boundary end quietly with 0, as for every other output.
"""

from __future__ import annotations

from rich.console import Console


class PipeConsole(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError
