"""Where each profile name of a batch was first seen, kept in a few flat arrays instead of a dict.

A dict of 100,000 names (str keys, int values) took ~130 bytes a name, ~13 MB that a 10,000-row
run never reached, so memory grew with the input up to the duplicate check's limit. Here a name
costs ~37 bytes (its hash, its characters in one string per batch, where they end, its place, a
link) plus a chained hash table of fixed size. A hash only says where to look: a name is found
only where its characters are equal, so two names whose hashes collide are never taken for one.
The work per name runs in C (map, compress, dict, array), so a batch of names costs a few
milliseconds more than with a dict.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections import deque
from itertools import accumulate, compress, repeat
from operator import itemgetter, ne, rshift

_BITS = 19
SLOTS = 1 << _BITS  # the table's slots: 2 MB, a fifth of them used at 100,000 names
# a hash's top bits, -SLOTS/2 to SLOTS/2 - 1, index the table (negative ones from its end): one shift
# makes a small int where a mask keeps a large one, ~0.2 ms less for 8,192 names
_SHIFT = sys.hash_info.width - _BITS
PENDING = 8192  # names added one at a time, held in a dict until they are stored as a batch

_hash = hash  # a name's hash (tests make names collide by replacing it)


class NamePlaces:
    """name -> the place (an int) where it was first seen; names are only added, never changed."""

    def __init__(self) -> None:
        self._pending: dict[str, int] = {}  # added one at a time, not yet stored
        self._heads: array | None = None  # per slot: the number (from 1) of its last stored name, 0 if none
        # per stored name, by its number - 1:
        self._next = array("I")  # the number of the one before it in its slot, 0 at the end
        self._hashes = array("q")
        self._places = array("Q")
        self._ends = array("I", [0])  # name k's characters end at _ends[k] of all names one after another
        self._texts: list[str] = []  # (names of at most 500 characters: 4 G characters are 8 M names)
        self._firsts: list[int] = []  # the number of each text's first name

    def __len__(self) -> int:
        return len(self._places) + len(self._pending)

    def get(self, name: str) -> int | None:
        place = self._pending.get(name)
        if place is None and self._heads is not None:
            h = _hash(name)
            number = self._heads[h >> _SHIFT]
            if number:
                place = self._stored(number, h, name)
        return place

    def setdefault(self, name: str, place: int) -> int | None:
        """The place of `name` if it is known; else `name` is added at `place`, and None."""
        pending = self._pending
        earlier = pending.get(name)
        if earlier is None:
            if self._heads is not None:
                h = _hash(name)
                number = self._heads[h >> _SHIFT]
                if number:
                    earlier = self._stored(number, h, name)
                    if earlier is not None:
                        return earlier
            pending[name] = place
            if len(pending) >= PENDING:
                self._pending = {}
                names = list(pending)
                hashes = list(map(_hash, names))
                self._store(names, list(pending.values()), hashes, list(map(rshift, hashes, repeat(_SHIFT))))
        return earlier

    def add_new(self, names: list[str], places: list[int]) -> bool:
        """Add `names` where none is known yet nor twice among them: True. Else nothing changes: False."""
        if not names:
            return True
        if len(set(names)) < len(names) or (self._pending and not self._pending.keys().isdisjoint(names)):
            return False
        hashes = list(map(_hash, names))
        slots = list(map(rshift, hashes, repeat(_SHIFT)))
        heads = self._heads
        before = None
        if heads is not None:
            before = _at(heads, slots)
            for k in compress(range(len(names)), before):  # slots in use: a fifth of them at most
                if self._stored(before[k], hashes[k], names[k]) is not None:
                    return False
        self._store(names, places, hashes, slots, before)
        return True

    def _stored(self, number: int, h: int, name: str) -> int | None:
        """The place of the stored `name` (hash `h`), looked for from name `number` along its slot's chain."""
        hashes, after = self._hashes, self._next
        while number:
            if hashes[number - 1] == h:
                ends, firsts = self._ends, self._firsts
                text = bisect_right(firsts, number) - 1
                start = ends[firsts[text] - 1]
                if self._texts[text][ends[number - 1] - start:ends[number] - start] == name:
                    return self._places[number - 1]
            number = after[number - 1]
        return None

    def _store(self, names: list[str], places: list[int], hashes: list[int], slots: list[int],
               before: list[int] | None = None) -> None:
        if self._heads is None:
            self._heads = array("I", bytes(4 * SLOTS))
        heads, after = self._heads, self._next
        first = len(self._places) + 1
        numbers = range(first, first + len(names))
        after.extend(array("I", before if before is not None else _at(heads, slots)))
        deque(map(heads.__setitem__, slots, numbers), maxlen=0)  # in order: a slot's last new name is its head
        if len(set(slots)) < len(slots):  # slots shared within the batch: the earlier names go after the slot's last
            for number, slot in compress(zip(numbers, slots), map(ne, _at(heads, slots), numbers)):
                head = heads[slot]
                after[number - 1], after[head - 1] = after[head - 1], number
        self._hashes.fromlist(hashes)
        self._places.fromlist(places)
        self._firsts.append(first)
        self._texts.append("".join(names))
        ends = list(accumulate(map(len, names), initial=self._ends[-1]))
        del ends[0]
        self._ends.fromlist(ends)


def _at(values: array, indexes: list[int]) -> tuple[int, ...]:
    """values[i] for each of `indexes` (not empty), in C."""
    return itemgetter(*indexes)(values) if len(indexes) > 1 else (values[indexes[0]],)
