"""A validated rule file kept between runs as JSON, and rebuilt without validating it again.

Validating a rule file means building its pydantic validators first: about 100 of the 140
million instructions a load of the built-in rules costs, for files that rarely change. So
the loader keeps each file's validated models in advisor's cache (advisor/cache.py: JSON in
a folder that is this user's alone, keyed by the SHA-256 of the file's bytes and of
advisor's own code) and, when the same bytes come again, rebuilds them with
`model_construct` from what validation gave the first time. A file that changed is a new
key and is validated as ever; a file with mistakes is never kept, so its problems are
reported on every run. A whole rule base that loaded without a problem is kept too, keyed by
all its files' bytes (`stored_rule_base`): the same bytes again skip every parse and check.
Nothing is unpickled: an entry names its models by class, only classes of the rule-base
schema are built, and anything else in it is a miss.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from advisor.cache import NOT_SCALAR, Uncacheable, cached_json, json_scalar
from advisor.rulebase import schema

M = TypeVar("M", bound=BaseModel)
_MODEL, _SET, _TUPLE, _DATE = "\0model", "\0set", "\0tuple", "\0date"  # tags no YAML key is

_SCHEMA_MODULES = (schema.__name__, *schema.LATER)  # the later ones' models are made on first use
_classes: dict[tuple[bool, ...], dict[str, type[BaseModel]]] = {}  # by which of the later ones are made yet


def schema_classes() -> dict[str, type[BaseModel]]:
    """Every model of the rule-base schema made so far, by name: the only classes an entry may name."""
    made = tuple(name in sys.modules for name in schema.LATER)
    found = _classes.get(made)
    if found is None:
        found = {}
        stack: list[type[BaseModel]] = [schema.Strict]
        while stack:
            cls = stack.pop()
            if cls.__module__ in _SCHEMA_MODULES:
                if found.setdefault(cls.__name__, cls) is not cls:
                    raise RuntimeError(f"two schema models named {cls.__name__}")
            stack.extend(cls.__subclasses__())
        _classes[made] = found
    return found


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


def stored_rule_base(root: Path, raws: dict[str, bytes], meta_doc: Any, load_files: Callable[[], Any]) -> Any:
    """The RuleBase the rule files' bytes `raws` (by name) make: `load_files()`, or rebuilt from what it gave on
    an earlier run for these same bytes. A load with any problem raises and is never kept, so a rebuilt one
    skips the checks across files too (they read nothing else; advisor's own code is in the key); each
    file's parse, which only says where a rule is written, is read on first use (`files`, `locations`)."""
    from advisor.rulebase.loader import FILES, MODELS_FILE, STAFFING_FILE, Later, RuleBase, rule_base_digest

    classes = {**FILES, MODELS_FILE: schema.ModelsFile}  # and staffing.yaml's, checked when it is built

    def to_json(rule_base: Any) -> Any:
        built = {"rulebase.yaml": rule_base.meta, "department_model.yaml": rule_base.department_model,
                 "sales_mix.yaml": rule_base.sales_mix, "technologies.yaml": rule_base.technologies,
                 STAFFING_FILE: rule_base.staffing, MODELS_FILE: rule_base.models}
        return {name: dump(built[name]) for name in raws}

    def from_json(stored: Any) -> Any:
        if type(stored) is not dict or stored.keys() != raws.keys():
            raise ValueError("not a cache entry")
        built: dict[str, Any] = {}
        for name, entry in stored.items():
            if name == STAFFING_FILE:  # built when first asked for (RuleBase.staffing): recommend never is
                built[name] = Later(partial(_staffing, root, raws[name], entry))
                continue
            built[name] = load(entry)
            if type(built[name]) is not classes[name]:
                raise ValueError("not a cache entry")
        meta = built["rulebase.yaml"]
        # partials of module functions, not lambdas: a rule base goes to worker processes by pickle
        files = OnFirstUse(partial(_parsed, root, raws, meta_doc))
        return RuleBase(path=root, meta=meta, department_model=built["department_model.yaml"],
                        sales_mix=built["sales_mix.yaml"], technologies=built["technologies.yaml"],
                        sha256=sha256, documents=tuple(meta.documents), files=files,
                        locations=OnFirstUse(partial(_locations, files)), staffing=built.get(STAFFING_FILE),
                        models=built.get(MODELS_FILE))

    # each file's name and length, then the content hash of all their bytes (the rule base's sha256, which the
    # names and lengths make unambiguous): no two sets of files make the same key, and the bytes are hashed once,
    # not again for the key (about 5 M instructions of `advisor recommend`)
    sha256 = rule_base_digest(raws)
    key = b"".join(b"%s\0%d\0" % (name.encode(), len(raw)) for name, raw in raws.items()) + sha256.encode()
    return cached_json("rulebase", key, load_files, to_json, from_json)


def _staffing(root: Path, raw: bytes, entry: Any) -> Any:
    """A kept staffing.yaml's models, built (and their classes made) now; validated from its bytes again if the
    entry is not one (a cache entry is only ever trusted to be advisor's own)."""
    model = schema.StaffingFile  # naming it makes staffing.yaml's models, so an entry may name them
    try:
        staffing = load(entry)
        if type(staffing) is model:
            return staffing
    except ValueError:
        pass
    from advisor.rulebase.loader import parse_into, validate_into
    from advisor.rulebase.problems import Problems

    problems = Problems()  # none: these bytes loaded without one before
    path = root / "staffing.yaml"
    doc = parse_into(path, raw, problems)
    staffing = validate_into(doc, model, problems, raw) if doc is not None else None
    if staffing is None or problems.found:
        raise RuntimeError(f"a cached rule base's staffing.yaml no longer loads: {problems.found[:1]}")
    return staffing


def _parsed(root: Path, raws: dict[str, bytes], meta_doc: Any) -> dict[str, Any]:
    from advisor.rulebase.loader import parse_into
    from advisor.rulebase.problems import Problems

    problems = Problems()  # none: these bytes loaded without one before
    docs = {name: meta_doc if name == "rulebase.yaml" else parse_into(root / name, raw, problems)
            for name, raw in raws.items()}
    if problems.found or None in docs.values():
        raise RuntimeError(f"a cached rule base's files no longer parse: {problems.found[:1]}")
    return docs


def _locations(files: Mapping[str, Any]) -> dict[str, Any]:
    from advisor.rulebase.loader import rule_locations

    return rule_locations(dict(files))


class OnFirstUse(Mapping[str, Any]):
    """A mapping `make()` builds the first time anything asks it for a key."""

    def __init__(self, make: Callable[[], Mapping[str, Any]]) -> None:
        self._make: Callable[[], Mapping[str, Any]] | None = make
        self._made: Mapping[str, Any] = {}

    def _mapping(self) -> Mapping[str, Any]:
        if self._make is not None:
            self._made, self._make = self._make(), None
        return self._made

    def __getitem__(self, key: str) -> Any:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())


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


_SCALARS = frozenset({str, bool, int, float, type(None)})  # what JSON holds as it is


def load(stored: Any) -> Any:
    """What `dump` wrote, rebuilt; ValueError for anything `dump` cannot have written."""
    # scalars, most of an entry, are taken where they stand, without a call each (~5 M instructions a load)
    kind = type(stored)
    if kind is list:
        return [v if type(v) in _SCALARS else load(v) for v in stored]
    if kind is not dict:
        if kind in _SCALARS:
            return stored
        raise ValueError("not a cache entry")
    if _MODEL in stored:
        cls = schema_classes().get(stored[_MODEL])
        fields, given = stored.get("fields"), stored.get(_SET)
        if (cls is None or type(fields) is not dict or fields.keys() != cls.__pydantic_fields__.keys()
                or type(given) is not list or not set(given) <= fields.keys()):
            raise ValueError("not a cache entry")
        return _constructed(cls, {name: v if type(v) in _SCALARS else load(v) for name, v in fields.items()},
                            set(given))
    if _TUPLE in stored:
        if type(stored[_TUPLE]) is not list:
            raise ValueError("not a cache entry")
        return tuple(v if type(v) in _SCALARS else load(v) for v in stored[_TUPLE])
    if _DATE in stored:
        return dt.date.fromisoformat(stored[_DATE])
    return {k: v if type(v) in _SCALARS else load(v) for k, v in stored.items()}


_object_setattr = object.__setattr__


def _constructed(cls: type[M], values: dict[str, Any], given: set[str]) -> M:
    """`cls.model_construct(given, **values)` for values naming every field of `cls` (as `load` checks), in its
    order: what pydantic's own does then (no defaults to fill, no aliases to look up), without its loop over
    the fields (~10 M instructions of a cached load's ~520 models)."""
    if cls.__pydantic_post_init__ or cls.__pydantic_root_model__:  # not in the schema today; pydantic's own then
        return cls.model_construct(given, **values)
    model = cls.__new__(cls)
    _object_setattr(model, "__dict__", values)
    _object_setattr(model, "__pydantic_fields_set__", given)
    _object_setattr(model, "__pydantic_extra__", None)  # the schema forbids extra keys (model_construct's None)
    _object_setattr(model, "__pydantic_private__", None)
    return model
