"""The `advisor` command line: parse, call the core, render. Nothing else lives here.

Each command lives in the module of its group; heavy modules (the engine, pydantic
models, rich) are imported inside the commands that need them, so `advisor --help`
stays fast. `main` is the one place where what escapes a command becomes one line on
stderr and an exit code (pip's `_run_wrapper`, copier's `_handle_exceptions`).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

from advisor.cli import collector

collector.starting()  # before typer, rich and pydantic are imported: see collector.py

# The commands' modules are imported when a command runs (advisor.cli.app.AdvisorApp.lazy).
from advisor.cli.app import app  # noqa: E402
from advisor.cli.environment import Environment, use  # noqa: E402
from advisor.errors import AdvisorError, ExitStatus  # noqa: E402

__all__ = ["Environment", "app", "main", "run"]

COMPLETE_VAR = "_ADVISOR_COMPLETE"  # set by the completion script the shell runs (typer's name for it)


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so temporary files are removed and workers stopped."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def main() -> None:
    """Console-script entry point: the process's streams, its arguments, its exit code."""
    collector.starting()  # again, for a second run in one process (see collector.py)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    status = run(sys.argv[1:])
    collector.exiting()
    sys.exit(status)


def run(args: Sequence[str], env: Environment | None = None) -> int:
    """Run `advisor ARGS` in `env` (the process's streams by default) and return its exit status."""
    environment = env or Environment()
    previous = use(environment)
    try:
        status = _run_wrapper(list(args), environment)
        try:
            environment.stdout.flush()
        except BrokenPipeError:
            status = _reader_gone(environment, status)
        except OSError as exc:  # stdout on a full disk or /dev/full: the result did not get out
            status = _say(environment, f"advisor: cannot write the output: {exc.strerror}", ExitStatus.USAGE)
        return status
    finally:
        use(previous)


def _run_wrapper(args: list[str], env: Environment) -> int:
    """Every way a command can end, mapped to one line and the README's exit codes."""
    from typer import Abort, Exit
    from typer._click.exceptions import ClickException
    from typer.main import get_command

    command = get_command(app)
    try:
        if os.environ.get(COMPLETE_VAR):  # the shell asks for completions (`advisor --install-completion`)
            command._main_shell_completion({}, "advisor", COMPLETE_VAR)
        with command.make_context("advisor", args) as context:
            command.invoke(context)
        return int(ExitStatus.OK)
    except Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:  # completion's answer or script printed (they end with sys.exit)
        return exc.code if isinstance(exc.code, int) else int(ExitStatus.OK if exc.code is None else ExitStatus.USAGE)
    except ClickException as exc:  # usage: a bad option, a missing argument
        exc.show(env.stderr)
        return int(ExitStatus.USAGE)
    except BrokenPipeError:  # `advisor recommend x | head` or `| true`: the reader stopped reading
        return _reader_gone(env, ExitStatus.OK)
    except (KeyboardInterrupt, Abort):
        return _say(env, "advisor: interrupted", ExitStatus.INTERRUPTED)
    except Terminated:
        return _say(env, "advisor: terminated", ExitStatus.TERMINATED)
    except AdvisorError as exc:
        return _say(env, exc.located() if exc.file is not None else f"advisor: {exc.located()}", exc.exit_status)
    except OSError as exc:  # the system refused: a full disk, a read-only folder, a file gone meanwhile
        import errno

        if exc.filename is not None:
            where = f"{os.fsencode(exc.filename).decode('utf-8', 'backslashreplace')}: "
        elif exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT):  # stdout on a full disk, /dev/full
            where = "cannot write the output: "
        else:
            where = ""
        return _say(env, f"advisor: {where}{exc.strerror or exc}", ExitStatus.USAGE)
    except MemoryError:
        return _say(env, "advisor: out of memory (an input too large for this machine?)", ExitStatus.USAGE)
    except Exception as exc:  # a bug: one line and where the details are, never a traceback
        return _say(env, f"advisor: internal error ({type(exc).__name__}: {exc}); {_log_bug(args)}", ExitStatus.BUG)


def _say(env: Environment, message: str, status: int) -> int:
    try:
        env.say(message)
    except (OSError, ValueError):  # stderr itself is gone: the exit code is all that is left
        pass
    return int(status)


def _reader_gone(env: Environment, status: int) -> int:
    """Quiet exit when stdout's reader has gone: point stdout at /dev/null so the exit's flush stays silent."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), env.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file descriptor (a test's stream)
        pass
    return int(status)


def _log_bug(args: list[str]) -> str:
    """Write the traceback to a log file and say where; with ADVISOR_DEBUG=1 print it instead."""
    import traceback

    details = traceback.format_exc()
    if os.environ.get("ADVISOR_DEBUG"):
        sys.stderr.write(details)
        return "traceback above"
    try:
        from advisor.places import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "advisor-error.log"
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"advisor {' '.join(args)}\n{details}\n")
        return f"details in {path}; please report it (ADVISOR_DEBUG=1 prints them)"
    except Exception:  # noqa: BLE001 - the log is a courtesy; the message must still come out
        return "run again with ADVISOR_DEBUG=1 to see the details; please report it"
