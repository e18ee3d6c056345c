"""Where advisor keeps its own files: the cache, unfinished questionnaires, the error log.

platformdirs knows each system's place (XDG on Linux, ~/Library on macOS, %LOCALAPPDATA%
on Windows); ADVISOR_CACHE_DIR and ADVISOR_STATE_DIR override them (an empty
ADVISOR_CACHE_DIR turns the cache off), and XDG_CACHE_HOME / XDG_STATE_HOME are honoured
on Linux as before.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "advisor"


def cache_dir() -> Path | None:
    """The cache folder, or None when ADVISOR_CACHE_DIR is set empty."""
    explicit = os.environ.get("ADVISOR_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def state_dir() -> Path:
    """Where unfinished questionnaires are saved."""
    explicit = os.environ.get("ADVISOR_STATE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP, appauthor=False))


def log_dir() -> Path:
    """Where the details of an internal error go."""
    explicit = os.environ.get("ADVISOR_STATE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def private_folder(folder: Path) -> bool:
    """Create `folder` (0700) if needed; True when it is ours alone to write: a real folder, owned by
    this user, writable by no one else. Anything else is not a place to read our own state back from."""
    import stat

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "geteuid"):  # POSIX; on Windows the profile folders' ACLs do this job
        if info.st_uid != os.geteuid() or info.st_mode & 0o022:
            return False
    return True
