"""Where an interrupted questionnaire is kept, so `advisor ask --resume` continues it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from advisor.ask.session import SessionState
from advisor.errors import UsageError

VERSION = 1


def resume_path() -> Path:
    """$XDG_STATE_HOME/advisor/ask-resume.yaml (~/.local/state when unset)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "advisor" / "ask-resume.yaml"


def save_state(state: SessionState, path: Path | None = None) -> Path:
    import yaml

    from advisor.writers import atomic_output

    path = path or resume_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": VERSION, "saved_at": dt.datetime.now().isoformat(timespec="seconds"), **state.to_dict()}
    with atomic_output(path) as stream:
        yaml.safe_dump(data, stream, allow_unicode=True, sort_keys=False)
    return path


def load_state(path: Path | None = None, lang: str = "en") -> tuple[SessionState, str]:
    """The saved state and when it was saved; UsageError when there is none or it is unreadable."""
    from advisor.i18n import tr
    from advisor.yamlio import load_yaml_file

    path = path or resume_path()
    if not path.is_file():
        raise UsageError(tr("ask.nothing_to_resume", lang, path=path))
    doc = load_yaml_file(path)
    data = doc.data
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("answers"), dict):
        raise UsageError("not a saved questionnaire (delete it and start again with: advisor ask)", file=str(path))
    return SessionState.from_dict(data), str(data.get("saved_at", "?"))


def forget_state(path: Path | None = None) -> None:
    (path or resume_path()).unlink(missing_ok=True)
