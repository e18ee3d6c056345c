"""pydantic without the cost of its plugin loader when plugins are off.

pydantic's plugin loader (`pydantic.plugin._loader`) imports `importlib.metadata` when it is
first imported, to scan installed distributions for plugins, even when PYDANTIC_DISABLE_PLUGINS
turns every plugin off: about 27 ms of CPU, a tenth of `advisor recommend`'s start-up, for a
scan that never runs. When the variable turns all plugins off, this puts a stand-in for the
loader in `sys.modules` that says "no plugins", as the real one would. Anything else asked
of it loads the real module, so a pydantic that needs more from the loader still gets it.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

NAME = "pydantic.plugin._loader"
ALL_OFF = ("__all__", "1", "true")  # the values for which pydantic's own get_plugins() returns ()


class _Loader(types.ModuleType):
    def get_plugins(self) -> tuple[()] | Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ALL_OFF:
            return ()
        return _real().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like: not a package
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    """Import the real loader in place of the stand-in."""
    import importlib

    sys.modules.pop(NAME, None)
    return importlib.import_module(NAME)


def install() -> None:
    """The stand-in, when plugins are all off and pydantic has not loaded the real loader yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ALL_OFF and NAME not in sys.modules:
        sys.modules[NAME] = _Loader(NAME, __doc__)
