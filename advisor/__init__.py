"""advisor: an explainable sales-model advisor built on five practitioners' documents."""

import os

__version__ = "0.1.0"

# pydantic scans every installed distribution for plugins on first validation (about
# 10 ms of each command's start-up); advisor uses none. A user who sets it keeps theirs.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from advisor import _pydantic_plugins  # noqa: E402 - after the variable it reads

_pydantic_plugins.install()
