"""Erlang C: how many people answer a queue of leads in time.

A dozen lines of our own rather than a dependency (pyworkforce brings numpy, pandas and
scikit-learn for one formula): the textbook formula, Erlang B's recursion for stability.
"""

from __future__ import annotations

import math


def wait_probability(agents: int, traffic: float) -> float:
    """Erlang C: the chance a lead waits at all, with `traffic` = arrivals x handling time."""
    if agents <= traffic:
        return 1.0
    blocking = 1.0  # Erlang B, by the recursion B(k) = a B(k-1) / (k + a B(k-1))
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, handle_minutes: float, target_minutes: float) -> float:
    """Share of leads answered within `target_minutes`."""
    if agents <= traffic:
        return 0.0
    return 1 - wait_probability(agents, traffic) * math.exp(-(agents - traffic) * target_minutes / handle_minutes)


def agents_needed(per_hour: float, handle_minutes: float, target_minutes: float, level: float) -> int:
    """The fewest people who answer `level` of the leads within `target_minutes` (at least 1)."""
    traffic = per_hour * handle_minutes / 60
    agents = max(1, math.floor(traffic) + 1)
    while service_level(agents, traffic, handle_minutes, target_minutes) < level:
        agents += 1
    return agents
