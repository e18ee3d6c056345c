"""Unfinished questionnaires: one save per company (or per --out target), kept until finished.

A save lives in the state folder (platformdirs: $XDG_STATE_HOME/advisor/ask/ on Linux,
or $ADVISOR_STATE_DIR/ask/), named after the company, else the --out target. A new
interruption never replaces another session's save (it takes the next free name); the
session resumed from a save writes back to that same save. Saves are private (0600 in a
0700 folder): they hold a company's figures.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from advisor.ask.session import SessionState
from advisor.errors import UsageError

VERSION = 1


def saves_dir() -> Path:
    from advisor.places import state_dir

    return state_dir() / "ask"


@dataclass(frozen=True)
class Save:
    """One unfinished questionnaire on disk."""

    path: Path
    name: str | None  # the company, when answered
    count: int  # answers so far
    saved_at: str
    lang: str


def _slot(state: SessionState) -> str:
    from advisor.writers import file_stem

    name = state.answers.get("name")
    if isinstance(name, str) and name.strip():
        return file_stem(name)
    if state.out:
        return "out-" + file_stem(state.out)
    return "unnamed"


def save_state(state: SessionState, path: Path | None = None) -> Path:
    """Save `state` to `path` (the save it was resumed from), else to a new save named after the company."""
    import yaml

    from advisor.places import private_folder
    from advisor.writers import atomic_output

    folder = saves_dir()
    if not private_folder(folder):
        folder.mkdir(parents=True, exist_ok=True)  # not ours alone (a shared ADVISOR_STATE_DIR): still save, 0600
    if path is None:
        stem, number = _slot(state), 1
        path = folder / f"{stem}.yaml"
        while path.exists():  # another session's save: never replaced without asking
            number += 1
            path = folder / f"{stem}-{number}.yaml"
    data = {"version": VERSION, "saved_at": dt.datetime.now().isoformat(timespec="seconds"), **state.to_dict()}
    with atomic_output(path) as stream:
        if hasattr(os, "fchmod"):  # POSIX; on Windows the profile folder's ACLs keep it private
            os.fchmod(stream.fileno(), 0o600)
        yaml.safe_dump(data, stream, allow_unicode=True, sort_keys=False)
    return path


def list_saves() -> list[Save]:
    """The unfinished questionnaires, newest first; files that are not saves are left alone."""
    folder = saves_dir()
    try:
        paths = [p for p in folder.glob("*.yaml") if p.is_file()]
    except OSError:
        return []
    saves = []
    for path in paths:
        try:
            state, saved_at = load_state(path)
        except Exception:  # noqa: BLE001 - a damaged save is not offered; it stays for the user to look at
            continue
        name = state.answers.get("name")
        saves.append(Save(path, str(name) if name else None, len(state.answers), saved_at, state.lang))
    return sorted(saves, key=lambda s: s.saved_at, reverse=True)


def load_state(path: Path) -> tuple[SessionState, str]:
    """The saved state and when it was saved; UsageError when it is not a save."""
    from advisor.yamlio import load_yaml_file

    doc = load_yaml_file(path)
    data = doc.data
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("answers"), dict):
        raise UsageError("not a saved questionnaire (delete it and start again with: advisor ask)", file=str(path))
    return SessionState.from_dict(data), str(data.get("saved_at", "?"))


def newest_save(lang: str) -> Save:
    """The save `--resume` continues: the newest; UsageError when there is none."""
    from advisor.i18n import tr

    saves = list_saves()
    if not saves:
        raise UsageError(tr("ask.nothing_to_resume", lang, path=saves_dir()))
    return saves[0]


def forget_state(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)
