"""NamePlaces, the duplicate-name check's store, against a dict: the same places for the same names,
whatever the hashes (names colliding in one slot, or with one hash) and however names are added."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import nameplaces
from advisor.nameplaces import NamePlaces

NAMES = st.text(alphabet="aAбБ 😀\ud800", max_size=3)  # equal hashes are likeliest among short names
# one at a time (setdefault), a batch (add_new), or a look-up (get)
STEPS = st.lists(st.one_of(st.tuples(st.just("one"), NAMES), st.tuples(st.just("batch"), st.lists(NAMES, max_size=6)),
                           st.tuples(st.just("get"), NAMES)), max_size=40)
HASHES = {"python": hash, "one": lambda name: 7, "few": lambda name: len(name) % 3 - 1}


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(STEPS, st.sampled_from(sorted(HASHES)), st.integers(1, 4))
def test_name_places_keep_what_a_dict_keeps(steps, hashed, pending):
    saved = nameplaces._hash, nameplaces.PENDING
    nameplaces._hash, nameplaces.PENDING = HASHES[hashed], pending
    try:
        store, model, place = NamePlaces(), {}, 0
        for kind, value in steps:
            place += 1
            if kind == "one":
                assert store.setdefault(value, place) == model.get(value)
                model.setdefault(value, place)
            elif kind == "get":
                assert store.get(value) == model.get(value)
            else:
                places = list(range(place, place + len(value)))
                place += len(value)
                new = len(set(value)) == len(value) and not model.keys() & set(value)
                assert store.add_new(value, places) == new
                if new:
                    model.update(zip(value, places))
            assert len(store) == len(model)
        assert all(store.get(name) == at for name, at in model.items())
    finally:
        nameplaces._hash, nameplaces.PENDING = saved
