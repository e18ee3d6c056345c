"""advisor.slotted gives a class what @dataclass gave it: the same repr, equality, hashing, immutability and pickling."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any

import pytest
from hypothesis import given, strategies as st

from advisor.slotted import _set, slotted


@dataclass(frozen=True)
class FrozenData:
    a: int
    b: Any = None
    c: dict = field(default_factory=dict, repr=False, compare=False)


@slotted(frozen=True, hidden=("c",), uncompared=("c",))
class Frozen:
    __slots__ = ("a", "b", "c")

    def __init__(self, a: int, b: Any = None, c: dict | None = None) -> None:
        _set(self, "a", a)
        _set(self, "b", b)
        _set(self, "c", {} if c is None else c)


@dataclass
class PlainData:
    a: int
    b: Any = None


@slotted()
class Plain:
    __slots__ = ("a", "b")

    def __init__(self, a: int, b: Any = None) -> None:
        self.a = a
        self.b = b


values = st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=3), st.tuples(st.integers(0, 2)))


@given(st.integers(-3, 3), values, st.integers(-3, 3), values, st.dictionaries(st.text(max_size=2), st.integers()))
def test_repr_and_equality_are_dataclasss(a, b, a2, b2, c):
    for made, data in ((Frozen, FrozenData), (Plain, PlainData)):
        extra = {"c": c} if made is Frozen else {}
        one, two = made(a, b, **extra), made(a2, b2)
        assert repr(one).replace(made.__qualname__, "X", 1) == repr(data(a, b, **extra)).replace(data.__qualname__, "X", 1)
        assert (one == two) == (data(a, b, **extra) == data(a2, b2))
        assert one == made(a, b) and not one != made(a, b)
        assert one != (a, b) and (one == data(a, b)) is False  # another class is never equal
    assert (hash(Frozen(a, b, c)) == hash(Frozen(a, b))) and hash(Frozen(a, b)) == hash(FrozenData(a, b))


def test_frozen_refuses_changes_and_plain_is_unhashable():
    frozen = Frozen(1, 2)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'a'"):
        frozen.a = 3
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'b'"):
        del frozen.b
    with pytest.raises(TypeError, match="unhashable"):
        hash(Plain(1))
    with pytest.raises(AttributeError):
        Plain(1).other = 2  # slots: no attribute a field does not name


def test_pickled_and_back_alike():
    for obj in (Frozen(1, "x", {"k": 2}), Plain(1, (2,))):
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj) and back == obj and back.b == obj.b
    assert pickle.loads(pickle.dumps(Frozen(1, c={"k": 2}))).c == {"k": 2}


def _slotted_classes() -> list[type]:
    """Every class of advisor made with @slotted (found in the sources, so a new one is covered too)."""
    import importlib
    import inspect
    from pathlib import Path

    import advisor

    root = Path(advisor.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if "@slotted(" not in path.read_text(encoding="utf-8") or path.name == "slotted.py":
            continue
        name = ".".join(("advisor", *path.relative_to(root).with_suffix("").parts))
        module = importlib.import_module(name)
        found += [c for c in vars(module).values()
                  if inspect.isclass(c) and c.__module__ == name and "_compared_of" in c.__dict__]
    return found


def test_every_slotted_class_takes_its_fields_in_order_and_keeps_each_as_given():
    """A slotted class names its fields three times (__slots__, annotations, __init__): they must agree, and
    __init__ must keep each argument in its own field, as dataclass's generated __init__ did."""
    import inspect

    classes = _slotted_classes()
    assert len(classes) >= 20, [c.__name__ for c in classes]
    for cls in classes:
        fields = [name for name in cls.__slots__ if not name.startswith("_")]  # _private: not a field
        params = [p for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
                  if p.kind is not p.VAR_KEYWORD]
        assert [p.name for p in params] == fields[:len(params)], cls
        assert [a for a in cls.__annotations__ if not a.startswith("_")] == fields, cls
        given = {p.name: object() for p in params}
        made = cls(**given)
        assert [name for name, value in given.items() if getattr(made, name) is not value] == [], cls
