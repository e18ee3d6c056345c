"""Texts in English, Russian and Ukrainian, and the choice of language.

The catalogue (`messages.yaml`) is data: a key per text, each with en, ru and uk. A test
fails when a key lacks a language or the code asks for a key that is not there.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from functools import cache, lru_cache
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


_TEXT = frozenset({str})


def _checked_catalogue(stored: Any) -> dict[str, dict[str, str]]:
    """A catalogue read back from the cache, or ValueError if it is not one."""
    # JSON's keys are always text; each key's texts checked in C (a generator per text cost ~3 M instructions)
    if type(stored) is not dict or not all(
        type(texts) is dict and _TEXT.issuperset(map(type, texts.values())) for texts in stored.values()
    ):
        raise ValueError("not a catalogue")
    return stored


def has_text(key: str) -> bool:
    return key in catalogue()


def plural_category(lang: str, number: float) -> str:
    """The CLDR plural category of `number` in `lang` (one, few, many or other), by Babel's rules,
    imported on first use so JSON output never pays for it. English's rule (one for exactly 1)
    is written out so English text loads no Babel; tests/test_wording.py holds it to Babel's."""
    if lang == "en":
        return "one" if abs(float(number)) == 1 else "other"
    from advisor.i18n.formats import plural_category as category

    return category(lang, number)


def _number_in(text: str, lang: str) -> float:
    """A figure shown as text ("2,100", "1 234,5") read back in the language's format; ValueError for words."""
    text = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-").rstrip("%")
    if lang in ("ru", "uk"):
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


# The forms a `{count:pl:...}` field lists, in order, per language; Russian and Ukrainian
# fractions ("1,5 человека") take the `few` form when no fourth form is given.
PLURAL_FORMS = {"en": ("one", "other"), "ru": ("one", "few", "many", "other"), "uk": ("one", "few", "many", "other")}


class _Formatter(string.Formatter):
    """str.format, plus `{count:pl:person|people}`: the word form for the number, by CLDR rules."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec.startswith("pl:"):
            return super().format_field(value, format_spec)
        forms = dict(zip(PLURAL_FORMS.get(self.lang, PLURAL_FORMS["en"]), format_spec[3:].split("|")))
        try:  # a figure already shown as text ("2,100", "2 100,5") still picks its form; a word takes "other"
            number = float(value) if not isinstance(value, str) else _number_in(value, self.lang)
        except ValueError:
            number = 1.5
        category = plural_category(self.lang, number)
        return forms.get(category) or forms.get("few") or forms["other" if "other" in forms else "one"]


Part = tuple[str, "str | None", str]  # literal text, then a field's name (None: none) and its format spec


@cache
def _parts(text: str) -> tuple[Part, ...] | None:
    """A text with plural fields split once into its parts, or None when a field is more than a plain
    name (`{a.b}`, `{a[0]}`, `{a!r}`, nested specs): those go through _Formatter as they are."""
    parts: list[Part] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None and (not name.isidentifier() or conversion or "{" in (spec or "")):
            return None
        parts.append((literal, name, spec or ""))
    return tuple(parts)


def _plural_text(text: str, lang: str, values: dict[str, Any]) -> str:
    """`_Formatter(lang).format(text, **values)`, from the text's parts split once: string.Formatter
    re-parses the text on every call, which made a batch's warnings (one per contradictory row,
    bench/run.py's data has thousands) cost more than scoring their rows."""
    parts = _parts(text)
    if parts is None:
        return _Formatter(lang).format(text, **values)
    out = []
    for literal, name, spec in parts:
        out.append(literal)
        if name is not None:
            value = values[name]
            if not spec.startswith("pl:"):
                out.append(format(value, spec))  # string.Formatter.format_field
            elif isinstance(value, str):
                out.append(_plural_word(lang, spec, value))
            else:
                out.append(_Formatter(lang).format_field(value, spec))
    return "".join(out)


@lru_cache(maxsize=4096)
def _plural_word(lang: str, spec: str, shown: str) -> str:
    """The word form for a figure already shown as text: the same few figures and forms over and over
    (a batch's warnings: ~2 us each of a warning's ~10 before)."""
    return _Formatter(lang).format_field(shown, spec)


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text for `key` in `lang` (English if that language lacks it), formatted."""
    text = _text(key, lang)
    if not values:
        return text
    return _plural_text(text, lang, values) if ":pl:" in text else text.format(**values)


def _text(key: str, lang: str) -> str:
    texts = catalogue()[key]
    return texts.get(lang) or texts[DEFAULT_LANGUAGE]


def text_parts(key: str, lang: str = DEFAULT_LANGUAGE) -> tuple[Part, ...] | None:
    """The text tr gives for `key` in `lang` as (literal, field, spec) parts, to fill with values already
    shown as text: tr's text is the parts joined, each field's text being field_text(lang, spec, value).
    None where a field is more than a plain name."""
    return _parts(_text(key, lang))


def field_text(lang: str, spec: str, shown: str) -> str:
    """What tr puts in for a field of format `spec` given a value already shown as text."""
    return _plural_word(lang, spec, shown) if spec.startswith("pl:") else format(shown, spec)
