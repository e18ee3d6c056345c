"""Texts in English, Russian and Ukrainian, and the choice of language.

The catalogue (`messages.yaml`) is data: a key per text, each with en, ru and uk. A test
fails when a key lacks a language or the code asks for a key that is not there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "ru", "uk")
DEFAULT_LANGUAGE = "en"
CATALOGUE_PATH = Path(__file__).with_name("messages.yaml")


def detect_language(explicit: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """`--lang` if given, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    if explicit:
        return explicit
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:  # the first one set decides, as in POSIX locale lookup
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@cache
def catalogue() -> dict[str, dict[str, str]]:
    from advisor.cache import cached_json

    raw = CATALOGUE_PATH.read_bytes()
    return cached_json("messages", raw, lambda: _parse_catalogue(raw), lambda texts: texts, _checked_catalogue)


def _read_catalogue() -> dict[str, dict[str, str]]:
    return _parse_catalogue(CATALOGUE_PATH.read_bytes())


def _parse_catalogue(raw: bytes) -> dict[str, dict[str, str]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, Any] = yaml.load(raw.decode("utf-8"), Loader=loader)
    return {str(key): {str(k): str(v) for k, v in value.items()} for key, value in data.items()}


def _checked_catalogue(stored: Any) -> dict[str, dict[str, str]]:
    """A catalogue read back from the cache, or ValueError if it is not one."""
    if not isinstance(stored, dict) or not all(
        isinstance(texts, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items())
        for texts in stored.values()
    ):
        raise ValueError("not a catalogue")
    return stored


def has_text(key: str) -> bool:
    return key in catalogue()


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text for `key` in `lang` (English if that language lacks it), formatted."""
    texts = catalogue()[key]
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


class Translator:
    """`tr` bound to one language: `t = Translator('ru'); t('rec.why')`."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **values: Any) -> str:
        return tr(key, self.lang, **values)

    def field(self, name: str) -> str:
        return tr(f"field.{name}", self.lang)
