"""A validated rule file kept between runs as JSON, and rebuilt without validating it again.

Validating a rule file means building its pydantic validators first: about 100 of the 140
million instructions a load of the built-in rules costs, for files that rarely change. So
the loader keeps each file's validated models in advisor's cache (advisor/cache.py: JSON in
a folder that is this user's alone, keyed by the SHA-256 of the file's bytes and of
advisor's own code) and, when the same bytes come again, rebuilds them with
`model_construct` from what validation gave the first time. A file that changed is a new
key and is validated as ever; a file with mistakes is never kept, so its problems are
reported on every run. Nothing is unpickled: an entry names its models by class, only
classes of the rule-base schema are built, and anything else in it is a miss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from advisor.cache import NOT_SCALAR, Uncacheable, cached_json, json_scalar
from advisor.rulebase import schema

M = TypeVar("M", bound=BaseModel)
_MODEL, _SET, _TUPLE, _DATE = "\0model", "\0set", "\0tuple", "\0date"  # tags no YAML key is

_classes: dict[str, type[BaseModel]] | None = None


def schema_classes() -> dict[str, type[BaseModel]]:
    """Every model of the rule-base schema by name: the only classes an entry may name."""
    global _classes
    if _classes is None:
        found: dict[str, type[BaseModel]] = {}
        stack: list[type[BaseModel]] = [schema.Strict]
        while stack:
            cls = stack.pop()
            if cls.__module__ == schema.__name__:
                if found.setdefault(cls.__name__, cls) is not cls:
                    raise RuntimeError(f"two schema models named {cls.__name__}")
            stack.extend(cls.__subclasses__())
        _classes = found
    return _classes


def validated(kind: str, raw: bytes, model: type[M], validate: Callable[[], M | None]) -> M | None:
    """`validate()`, or the models it gave on an earlier run for these same bytes (`raw`)."""
    def to_json(result: M | None) -> Any:
        if result is None:  # a file with mistakes: validated, and its problems said, every time
            raise Uncacheable("not valid")
        return dump(result)

    def from_json(stored: Any) -> M:
        result = load(stored)
        if type(result) is not model:
            raise ValueError("not a cache entry")
        return result

    return cached_json(f"{kind}-{model.__name__}", raw, validate, to_json, from_json)


def dump(value: Any) -> Any:
    """Validated models as JSON can hold them: each model tagged by class with the fields it was given."""
    scalar = json_scalar(value)
    if scalar is not NOT_SCALAR:
        return scalar
    kind = type(value)
    if isinstance(value, BaseModel):
        if schema_classes().get(kind.__name__) is not kind or value.__pydantic_extra__ or value.__pydantic_private__:
            raise Uncacheable(kind.__name__)
        fields = {name: dump(item) for name, item in value.__dict__.items()}
        return {_MODEL: kind.__name__, _SET: sorted(value.model_fields_set), "fields": fields}
    if kind is dict:
        if any(type(k) is not str or k.startswith("\0") for k in value):
            raise Uncacheable("a key that is not text")
        return {k: dump(v) for k, v in value.items()}
    if kind is list:
        return [dump(v) for v in value]
    if kind is tuple:
        return {_TUPLE: [dump(v) for v in value]}
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    raise Uncacheable(kind.__name__)


def load(stored: Any) -> Any:
    """What `dump` wrote, rebuilt; ValueError for anything `dump` cannot have written."""
    kind = type(stored)
    if kind is list:
        return [load(v) for v in stored]
    if kind is not dict:
        if kind in (str, bool, int, float) or stored is None:
            return stored
        raise ValueError("not a cache entry")
    if _MODEL in stored:
        cls = schema_classes().get(stored[_MODEL])
        fields, given = stored.get("fields"), stored.get(_SET)
        if (cls is None or type(fields) is not dict or fields.keys() != cls.model_fields.keys()
                or type(given) is not list or not set(given) <= fields.keys()):
            raise ValueError("not a cache entry")
        return cls.model_construct(set(given), **{name: load(v) for name, v in fields.items()})
    if _TUPLE in stored:
        if type(stored[_TUPLE]) is not list:
            raise ValueError("not a cache entry")
        return tuple(load(v) for v in stored[_TUPLE])
    if _DATE in stored:
        return dt.date.fromisoformat(stored[_DATE])
    return {k: load(v) for k, v in stored.items()}
