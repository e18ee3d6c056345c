"""What a command talks to: its streams, whether they are terminals, and colour.

Commands never reach for `sys.stdout` or build a console of their own; they ask the
current `Environment`, so a test can run `main(args, env=Environment(stdout=...))`
with its own streams and terminal flags instead of patching globals (httpie's shape).
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable
from typing import IO, Any

from advisor.slotted import slotted

MAX_MESSAGE = 2_000  # characters of one message line: a 200 MB value is not echoed back whole

# C0 and C1 control characters (and DEL) other than tab: shown as \x1b, so text from an input
# can never move the cursor, retitle the window or clear the screen of the person reading.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` safe for a terminal line: control characters escaped, cut at `limit` characters."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters)"
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, OSError):  # a closed or odd stream is not a terminal
        return False


@slotted()
class Environment:
    """The streams of one run and what they are; the defaults are the process's own."""

    __slots__ = ("stdin", "stdout", "stderr", "stdin_isatty", "stdout_isatty", "stderr_isatty", "colour")
    stdin: IO[str]
    stdout: IO[str]
    stderr: IO[str]
    stdin_isatty: bool | None
    stdout_isatty: bool | None
    stderr_isatty: bool | None
    colour: bool | None  # None: NO_COLOR / FORCE_COLOR, else colour on a terminal only

    def __init__(self, stdin: IO[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None,
                 stdin_isatty: bool | None = None, stdout_isatty: bool | None = None,
                 stderr_isatty: bool | None = None, colour: bool | None = None) -> None:
        self.stdin = sys.stdin if stdin is None else stdin
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr
        self.stdin_isatty = stdin_isatty
        self.stdout_isatty = stdout_isatty
        self.stderr_isatty = stderr_isatty
        self.colour = colour
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)
        if self.colour is None:
            if os.environ.get("NO_COLOR"):
                self.colour = False
            elif os.environ.get("FORCE_COLOR"):
                self.colour = True
            else:
                self.colour = bool(self.stdout_isatty)

    def out(self, text: str) -> None:
        """A result on standard output, with a final newline."""
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def say(self, message: str) -> None:
        """Message lines on standard error: located, bounded, no control characters."""
        if "\n" in message:  # a record with several problems: a line each
            text = "".join(printable(line) + "\n" for line in message.rstrip("\n").split("\n"))
        else:  # most: one line (a batch's thousands of warnings)
            text = printable(message) + "\n"
        self.stderr.write(text)
        self.stderr.flush()

    def console(self, *, stderr: bool = False, **options: Any):  # -> rich.console.Console, imported lazily
        """A rich console on stdout (or stderr) that knows whether it is a terminal and may colour."""
        from advisor.render.console import PipeConsole

        stream = self.stderr if stderr else self.stdout
        terminal = self.stderr_isatty if stderr else self.stdout_isatty
        options.setdefault("emoji", False)  # none of our texts uses :codes:, and a client's text must not become one
        return PipeConsole(file=stream, force_terminal=bool(terminal), no_color=not self.colour,
                           color_system="auto" if self.colour else None, **options)

    def render(self, draw: Callable[[Any], None]) -> None:
        """`draw(console)` on stdout: without colour on advisor.render.plain's console (rich's characters
        without rich's console), else, or where that one does not lay out as rich does, on rich's."""
        if not self.colour and (getattr(self.stdout, "encoding", None) or "utf-8").lower().startswith("utf"):
            from advisor.render.plain import PlainConsole, Unplain, console_width

            drawn = io.StringIO()
            try:
                draw(PlainConsole(drawn, console_width()))
            except Unplain:
                pass
            else:
                self.stdout.write(drawn.getvalue())
                return
        draw(self.console())


_current: Environment | None = None


def current() -> Environment:
    """The environment of the run in progress (outside `run`, the process's streams as they are now)."""
    return _current if _current is not None else Environment()


def use(environment: Environment | None) -> Environment | None:
    """Make `environment` current; returns the one it replaces."""
    global _current
    previous, _current = _current, environment
    return previous
