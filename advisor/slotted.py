"""Value classes without dataclass's start-up cost: what `@dataclass` gives a class, from code compiled once.

`dataclasses.dataclass` writes each class's methods (__init__, __repr__, __eq__; frozen, also __hash__,
__setattr__ and __delattr__) as source text and compiles it when its module is imported: about 0.5 ms a
class in Python 3.11. `advisor recommend` made 22 such classes before its first line of output (the
traces, decisions, compiled rules, records); made with `slotted` instead, its start-up executes 934 -> 852
million instructions (callgrind, bench/coldstart.py --instructions). A class made with `slotted` lists its
fields in `__slots__`, in order, and writes its own `__init__` (as fast as dataclass's); `slotted` adds the
rest as dataclass would, from the shared functions below:

- repr `Name(field=value, ...)` (fields in `hidden` left out);
- `==` between two objects of the same class, field by field (fields in `uncompared` left out), and no
  hash unless frozen, as dataclass's eq does;
- frozen: a hash of the compared fields, no assignment or deletion after `__init__`
  (dataclasses.FrozenInstanceError), and pickling (workers get compiled rules by pickle).

A frozen class's `__init__` sets its fields with `_set = object.__setattr__`, as dataclass's does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, TypeVar

C = TypeVar("C", bound=type)

_set = object.__setattr__


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of `names` as one tuple (attrgetter gives a bare value for one name)."""
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return attrgetter(*names) if names else lambda obj: ()


def _repr(self: Any) -> str:
    cls = type(self)
    return f"{cls.__qualname__}({', '.join(f'{name}={value!r}' for name, value in zip(cls._shown, cls._shown_of(self)))})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        compared = self._compared_of
        return compared(self) == compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self._compared_of(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name) for name in self.__slots__]


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self.__slots__, state):
        _set(self, name, value)


def slotted(*, frozen: bool = False, hidden: Iterable[str] = (), uncompared: Iterable[str] = ()) -> Callable[[C], C]:
    """Give a class with `__slots__` (its fields, in order) and its own `__init__` dataclass's other methods."""
    hidden, uncompared = set(hidden), set(uncompared)

    def make(cls: C) -> C:
        fields = cls.__slots__
        assert isinstance(fields, tuple) and "__init__" in cls.__dict__, cls
        shown = tuple(name for name in fields if name not in hidden)
        cls._shown, cls._shown_of = shown, staticmethod(_getter(shown))
        cls._compared_of = staticmethod(_getter(tuple(name for name in fields if name not in uncompared)))
        cls.__repr__, cls.__eq__ = _repr, _eq
        if frozen:
            cls.__hash__ = _hash
            cls.__setattr__, cls.__delattr__ = _frozen_setattr, _frozen_delattr
            cls.__getstate__, cls.__setstate__ = _getstate, _setstate
        else:
            cls.__hash__ = None
        return cls

    return make
