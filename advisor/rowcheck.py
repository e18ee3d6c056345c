"""A quick check of one batch row against the profile model, without pydantic's per-row cost.

Everything is read off `Profile` itself: each field's before-validator (the same function
pydantic calls), its type, its choices and its range (FIELDS). A row whose every value
passes is built directly (`model_construct`), with exactly the values pydantic would give;
anything else (a bad value, an unknown field, a missing name, a type the check does not
know) returns None and the caller validates with pydantic, which says what is wrong, located.
So the check can only be quicker, never different (a property test holds it to that).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, Union, get_args, get_origin

from pydantic.functional_validators import BeforeValidator

from advisor.profile import FIELDS, MAX_MAGNITUDE, Profile

Check = Callable[[Any], Any]


def _parts(annotation: Any) -> tuple[Any, list[Any]]:
    """The base type and the metadata of `Annotated[T, ...]`, `Annotated[T, ...] | None` or `T`."""
    if get_origin(annotation) is Union:
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    metadata = list(getattr(annotation, "__metadata__", ()))
    return getattr(annotation, "__origin__", annotation) if metadata else annotation, metadata


def field_parts(name: str) -> tuple[Any, list[Check], list[Any]]:
    """A field's base type, its before-validators and all its metadata (ranges, min_length), as the checks read them."""
    info = Profile.model_fields[name]
    base, metadata = _parts(info.annotation)
    metadata += info.metadata
    return base, [item.func for item in metadata if isinstance(item, BeforeValidator)], metadata


def _field_check(name: str) -> Check | None:
    """One field's check: the model's before-validator, then its type and range; None for a type not known here."""
    base, before, metadata = field_parts(name)
    spec = FIELDS[name]
    low, high, above = spec.minimum, spec.maximum, spec.exclusive_minimum
    shortest = next((item.min_length for item in metadata if hasattr(item, "min_length")), None)
    if get_origin(base) is Literal:
        choices = frozenset(get_args(base))
        accept: Check = lambda v: v if type(v) is str and v in choices else _NO  # noqa: E731
    elif base is float:
        accept = lambda v: float(v) if type(v) is float or type(v) is int else _NO  # noqa: E731
    elif base is int:
        accept = lambda v: v if type(v) is int else _NO  # noqa: E731
    elif base is bool:
        accept = lambda v: v if type(v) is bool else _NO  # noqa: E731
    elif base is str:
        accept = lambda v: v if type(v) is str and (shortest is None or len(v) >= shortest) else _NO  # noqa: E731
    else:
        return None
    (validator,) = before or (lambda v: v,)

    def in_range(value: Any) -> Any:
        if value is _NO or (low is not None and (value <= low if above else value < low)) or (
                high is not None and value > high):
            return _NO
        return value

    def check(value: Any) -> Any:
        return in_range(accept(validator(value)))

    if base not in (float, int):
        return check
    whole, share = base is int, spec.kind == "share"
    lowest = -MAX_MAGNITUDE if low is None else low
    highest = MAX_MAGNITUDE if high is None else high

    def number(value: Any) -> Any:
        """A plain decimal in a cell ('12', '0.35', a share's '35%'): read as parse_number's first step reads it."""
        if type(value) is str and value.isascii() and "_" not in value:
            text = value.strip()
            percent = share and text.endswith("%")
            try:
                number = float(text[:-1] if percent else text)
            except ValueError:
                return _NO
            if percent:
                if not 0 <= number <= 100:  # also NaN
                    return _NO
                number /= 100
            if not (lowest < number if above else lowest <= number) or not number <= highest:  # also NaN
                return _NO
            if whole:
                if not number.is_integer():
                    return _NO
                return int(number)
            return number
        return check(value)

    return number


_NO: Any = object()  # "not quickly": leave this row to pydantic
NOT_QUICK = _NO
_checks: dict[str, Check] | None = None


def _all_checks() -> dict[str, Check]:
    global _checks
    if _checks is None:
        checks = {name: _field_check(name) for name in Profile.model_fields}
        _checks = {name: check for name, check in checks.items() if check is not None}
    return _checks


def quick_value(key: str, value: Any) -> Any:
    """One cleaned value as quick_profile reads it, or NOT_QUICK where pydantic must decide (advisor.columns)."""
    check = _all_checks().get(key)
    if check is None:
        return _NO
    try:
        return check(value)
    except (ValueError, TypeError, OverflowError):
        return _NO


def quick_profile(cleaned: Mapping[str, Any]) -> Profile | None:
    """The Profile of a row already cleaned (profile.cleaned_data), or None to leave it to pydantic."""
    checks = _all_checks()
    if "name" not in cleaned:
        return None
    values = dict(_defaults())
    for key, value in cleaned.items():
        check = checks.get(key)
        if check is None:
            return None
        try:
            value = check(value)
        except (ValueError, TypeError, OverflowError):
            return None
        if value is _NO:
            return None
        values[key] = value
    # what Profile.model_construct does, without its per-call look at every field (a third of the time)
    profile = _new(Profile)
    _set(profile, "__dict__", values)
    _set(profile, "__pydantic_fields_set__", set(cleaned))
    _set(profile, "__pydantic_extra__", None)
    _set(profile, "__pydantic_private__", None)
    return profile


_new = object.__new__
_set = object.__setattr__
_default_values: dict[str, Any] | None = None


def _defaults() -> dict[str, Any]:
    global _default_values
    if _default_values is None:
        _default_values = {name: info.get_default(call_default_factory=True)
                           for name, info in Profile.model_fields.items()}
    return _default_values
