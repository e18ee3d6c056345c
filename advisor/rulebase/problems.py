"""The problems of one rule-base load, collected so that one run reports them all.

pydantic reports every problem of a file at once, by its own location (`loc`), which
names union members ('leaf', 'bool') besides keys. Each problem is put back where the
user wrote it (file, line, column, YAML path), and the keys a mapping allows are taken
from the pydantic models themselves, so the did-you-mean keeps up with the schema.
"""

from __future__ import annotations

import re
import types
from functools import cache, lru_cache
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, Tag, ValidationError

from advisor.errors import AdvisorError, RuleBaseError, RuleBaseErrors
from advisor.suggest import closest, did_you_mean
from advisor.yamlio import LocatedDocument, dotted

Path_ = tuple[Any, ...]


class Problems:
    """The errors found so far in one load; `check()` raises them all together."""

    def __init__(self) -> None:
        self.found: list[AdvisorError] = []

    def add(self, error: AdvisorError) -> None:
        if isinstance(error, RuleBaseErrors):
            self.found.extend(error.errors)
        else:
            self.found.append(error)

    def at(self, doc: LocatedDocument, path: Path_, message: str) -> None:
        """A problem at `path` of `doc` (or the nearest enclosing key that has a line)."""
        line, column = doc.mark_of(path)
        self.found.append(RuleBaseError(message, file=doc.file, line=line, column=column, key=dotted(path) or None))

    def check(self) -> None:
        if self.found:
            raise RuleBaseErrors(self.found)


def validation_errors(doc: LocatedDocument, exc: ValidationError, model: type[BaseModel] | None,
                      base: Path_ = ()) -> list[RuleBaseError]:
    """Every problem of a validation of `model`, located in `doc` (under `base` when part of it was validated).

    An unknown key beside a missing required key it resembles is one problem ('feild' for
    'field'), not two; the failures of each member of a union at one place are one problem.
    """
    by_path: dict[Path_, list[tuple[str, str]]] = {}
    owners: dict[Path_, type[BaseModel] | None] = {}
    for error in exc.errors():
        path, owner = _locate(model, tuple(error["loc"]))
        by_path.setdefault(path, []).append((error["type"], _message(error)))
        owners[path] = owner

    unknown = [p for p, found in by_path.items() if p and any(t == "extra_forbidden" for t, _ in found)]
    missing = {p for p, found in by_path.items() if p and any(t == "missing" for t, _ in found)}
    missing_under: dict[Path_, list[str]] = {}
    for path in missing:
        missing_under.setdefault(path[:-1], []).append(str(path[-1]))
    messages: dict[Path_, str] = {}
    for path in unknown:
        word = str(path[-1])
        meant = _closest(word, tuple(missing_under.get(path[:-1], ())))
        if meant is not None:  # the misspelt required key: one problem, said once
            missing.discard((*path[:-1], meant))
            messages[path] = f"unknown key '{word}' (did you mean '{meant}'?)"
        else:
            messages[path] = _unknown_key(word, owners[path])
    for path, found in by_path.items():
        if path in messages:
            continue
        if path in missing:
            messages[path] = "required key is missing"
        elif not any(t == "missing" for t, _ in found):
            messages[path] = _one_message([m for _, m in found])

    errors = []
    for path, message in messages.items():
        full = (*base, *path)
        rule = rule_id_at(doc.data, full)
        line, column = doc.mark_of(full)
        errors.append(RuleBaseError(message + (f" (rule {rule})" if rule else ""), file=doc.file, line=line,
                                    column=column, key=dotted(full) or None))
    return errors


def _message(error: Any) -> str:
    """pydantic's message, with a did-you-mean where a value must be one of a few words."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error" and isinstance(error.get("input"), str):
        message += did_you_mean(error["input"], re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", ""))))
    return message


@lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    return closest(word, choices)


@lru_cache(maxsize=4096)  # the same misspelling a thousand times is looked up once
def _unknown_key(word: str, owner: type[BaseModel] | None) -> str:
    """'unknown key ...' with the nearest key the mapping allows, or the keys it allows."""
    from advisor.rulebase.schema import OPERATORS

    keys = keys_of(owner) if owner is not None else list(vocabulary())
    meant = closest(word, keys)
    if owner is not None and "field" in owner.model_fields:  # a condition: most of its keys are operators
        operators = [k for k in keys if k in OPERATORS]
        if meant is None or meant in operators:
            if meant is not None:
                return f"unknown operator '{word}' (did you mean '{meant}'?)"
            return f"unknown operator '{word}'; a condition is {{field, <operator>}} with one of {', '.join(operators)}"
    if meant is not None:
        return f"unknown key '{word}' (did you mean '{meant}'?)"
    return f"unknown key '{word}'" + (f"; allowed here: {', '.join(keys)}" if owner is not None else "")


def _one_message(messages: list[str]) -> str:
    """One sentence for the failures at one place (each member of a union fails on its own)."""
    unique = list(dict.fromkeys(messages))
    prefix = "Input should be a valid "
    if len(unique) > 1 and all(m.startswith(prefix) for m in unique):
        kinds = [m.removeprefix(prefix) for m in unique]
        return prefix + ", ".join(kinds[:-1]) + " or " + kinds[-1]
    return "; ".join(unique)


def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a mapping validated by `model` may hold, as written in YAML (aliases)."""
    return [info.alias or name for name, info in model.model_fields.items()]


@cache
def vocabulary() -> tuple[str, ...]:
    """Every key of every rule-file model: the fallback when the model at a place is not known."""
    from advisor.rulebase import overlay_schema, schema, staffing_schema

    models = [m for module in (schema, staffing_schema, overlay_schema) for m in vars(module).values()
              if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == module.__name__]
    return tuple(sorted({key for model in models for key in keys_of(model)}))


def _locate(model: type[BaseModel] | None, loc: Path_) -> tuple[Path_, type[BaseModel] | None]:
    """The YAML path of a pydantic `loc`, and the model whose key the path ends on (else None).

    The schema is followed alongside: a part of `loc` that picks a member of a union is
    not a key in the file and is dropped.
    """
    kept, owner = _walk(model, tuple(None if isinstance(part, int) else part for part in loc))
    return tuple(part for part, keep in zip(loc, kept) if keep), owner


@lru_cache(maxsize=4096)  # a file with thousands of problems has few shapes of them
def _walk(model: type[BaseModel] | None, shape: tuple[Any, ...]) -> tuple[tuple[bool, ...], type[BaseModel] | None]:
    """For each part of a location (list positions as None): whether it is a key or position in the file."""
    from pydantic import RootModel  # here, not above: importing it builds a model class a load without problems never needs

    kept: list[bool] = []
    kind: Any = model
    if isinstance(model, type) and issubclass(model, RootModel):  # its errors leave out 'root'
        kind = _hints(model).get("root")
    owner: type[BaseModel] | None = None
    for part in shape:
        if part == "[key]":  # pydantic's mark for a mapping's key (rather than its value): the key is the place
            kept.append(False)
            continue
        kind, picked = _through_union(kind, part)
        kept.append(not picked)
        if picked:
            continue
        kind = _strip(kind)
        owner = None
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            owner = kind
            name = _field_name(kind, part)
            kind = _hints(kind).get(name) if name is not None else None
        elif get_origin(kind) in (list, tuple, set, frozenset):
            args = [a for a in get_args(kind) if a is not Ellipsis]
            kind = args[0] if args else None  # the rule files' tuples hold one kind of item
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1] if get_args(kind) else None
        else:
            kind = None
    return tuple(kept), owner


def _through_union(kind: Any, part: Any) -> tuple[Any, bool]:
    """(the member of a union `part` picks, True), or (the only non-None member, False), or (kind, False)."""
    stripped = _strip(kind)
    if get_origin(stripped) not in (Union, types.UnionType):
        return kind, False
    members = [m for m in get_args(stripped) if m is not type(None)]
    for member in members:
        tags = [t.tag for t in getattr(member, "__metadata__", ()) if isinstance(t, Tag)]
        if part in tags or getattr(_strip(member), "__name__", None) == part:
            return member, True
    if len(members) == 1:  # Optional[X]: X may be a union itself (a condition or nothing)
        inner, picked = _through_union(members[0], part)
        return (inner, True) if picked else (members[0], False)
    # pydantic names the member that failed before naming anything inside it, in its own
    # way for some ('tuple[float, float]'): a part right after a union is never a key
    return None, isinstance(part, str)


def _strip(kind: Any) -> Any:
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return kind


def _field_name(model: type[BaseModel], key: Any) -> str | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return name
    return None


@cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    try:
        return get_type_hints(model, include_extras=True)
    except Exception:  # an annotation that cannot be resolved: the place is not known, the message still is
        return {}


def _child(node: Any, part: Any) -> Any:
    try:
        return node[part]
    except (KeyError, IndexError, TypeError):
        return None


def rule_id_at(data: Any, path: Path_) -> str | None:
    """The id of the innermost rule (a mapping with an `id`) on `path`."""
    found = None
    for part in path:
        data = _child(data, part)
        if data is None:
            break
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found = data["id"]
    return found
