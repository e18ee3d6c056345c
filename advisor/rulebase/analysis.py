"""Static analysis of a rule base: `advisor rules check`.

Conditions are reduced to what each field may be: an interval for numbers, a set of
values for choices and yes/no. A leaf whose interval misses the field's range, or an
`all` whose leaves on one field do not overlap, can never be true, so its rule never
fires. `any` is satisfiable when one branch is; `not` is assumed satisfiable (the check
errs towards silence, never towards a false alarm).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from advisor.profile import EVIDENCE_FIELDS, FIELDS
from advisor.rulebase import schema
from advisor.rulebase.loader import RuleBase


@dataclass(frozen=True)
class Finding:
    level: str  # "warning"
    file: str
    line: int | None
    column: int | None
    key: str
    message: str

    def located(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.line and self.column else "")
        return f"{where}: {self.level}: {self.key}: {self.message}"


@dataclass(frozen=True)
class Interval:
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def meet(self, other: "Interval") -> "Interval":
        if (other.low, not other.low_open) > (self.low, not self.low_open):
            low, low_open = other.low, other.low_open
        else:
            low, low_open = self.low, self.low_open
        if (other.high, other.high_open) < (self.high, self.high_open):
            high, high_open = other.high, other.high_open
        else:
            high, high_open = self.high, self.high_open
        return Interval(low, high, low_open, high_open)

    @property
    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and (self.low_open or self.high_open))


def field_range(name: str) -> Interval:
    spec = FIELDS[name]
    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum
    return Interval(low, high, spec.exclusive_minimum, False)


def leaf_interval(leaf: schema.Leaf) -> Interval | None:
    """Where the leaf holds at all (to some degree, for a ramp); None when it is not an interval of its field."""
    if leaf.per is not None:  # a ratio of two fields: no interval of either alone
        return None
    t = leaf.threshold
    return {
        "at_least": lambda: Interval(low=t[0], low_open=True),
        "at_most": lambda: Interval(high=t[1], high_open=True),
        "lt": lambda: Interval(high=t, high_open=True),
        "lte": lambda: Interval(high=t),
        "gt": lambda: Interval(low=t, low_open=True),
        "gte": lambda: Interval(low=t),
        "between": lambda: Interval(t[0], t[1]),
        "eq": lambda: Interval(t, t) if isinstance(t, (int, float)) and not isinstance(t, bool) else None,
    }.get(leaf.operator, lambda: None)()


def _leaf_values(leaf: schema.Leaf) -> set[Any] | None:
    spec = FIELDS[leaf.field]
    if spec.kind not in ("choice", "boolean"):
        return None
    if leaf.operator == "eq":
        return {leaf.threshold}
    if leaf.operator == "in":
        return set(leaf.threshold)
    return None


def satisfiable(condition: Any) -> tuple[bool, str]:
    """Whether the condition can be true for some profile, and why not when it cannot."""
    if condition is None:
        return True, ""
    if isinstance(condition, schema.Leaf):
        return _conjunction([condition])
    if isinstance(condition, schema.All):
        leaves = [c for c in condition.all if isinstance(c, schema.Leaf)]
        ok, why = _conjunction(leaves)
        if not ok:
            return ok, why
        for child in condition.all:
            if not isinstance(child, schema.Leaf):
                ok, why = satisfiable(child)
                if not ok:
                    return ok, why
        return True, ""
    if isinstance(condition, schema.AnyOf):
        reasons = []
        for child in condition.any:
            ok, why = satisfiable(child)
            if ok:
                return True, ""
            reasons.append(why)
        return False, "; ".join(reasons)
    return True, ""  # not: assumed satisfiable


def _conjunction(leaves: list[schema.Leaf]) -> tuple[bool, str]:
    intervals: dict[str, Interval] = {}
    values: dict[str, set[Any]] = {}
    for leaf in leaves:
        interval = leaf_interval(leaf) if FIELDS[leaf.field].numeric else None
        if interval is not None:
            current = intervals.get(leaf.field, field_range(leaf.field))
            merged = current.meet(interval)
            if merged.empty:
                if leaf.field not in intervals:
                    return False, f"{leaf.field} {leaf.operator} {leaf.threshold} is outside the field's range"
                return False, f"the conditions on {leaf.field} contradict each other"
            intervals[leaf.field] = merged
        allowed = _leaf_values(leaf)
        if allowed is not None:
            current_values = values.get(leaf.field, allowed)
            if not current_values & allowed:
                return False, f"the conditions on {leaf.field} contradict each other"
            values[leaf.field] = current_values & allowed
    return True, ""


def analyse(rule_base: RuleBase) -> list[Finding]:
    findings: list[Finding] = []

    def warn(file: str, path: tuple, key: str, message: str, rule_id: str | None = None) -> None:
        """Located at the rule's own file and line when known (an overlay's rules live in its files)."""
        doc = rule_base.files.get(file)
        if rule_id is not None and rule_id in rule_base.locations:
            doc, where = rule_base.locations[rule_id]
            path = (*where, *path[2:])
        line, column = doc.mark_of(path) if doc is not None else (None, None)
        findings.append(Finding("warning", doc.file if doc else file, line, column, key, message))

    decisions = [
        ("department_model.yaml", "rules", rule_base.department_model.rules, lambda r: r.points),
        ("sales_mix.yaml", "rules", rule_base.sales_mix.rules, lambda r: (r.inside_shift, r.hybrid)),
    ]
    for file, section, rules, effect in decisions:
        seen: dict[str, tuple[str, Any]] = {}
        for index, rule in enumerate(rules):
            ok, why = satisfiable(rule.when)
            if not ok:
                warn(file, (section, index, "when"), rule.id, f"can never fire: {why}", rule.id)
            condition = repr(rule.when.model_dump(by_alias=True))
            if condition in seen:
                other, other_effect = seen[condition]
                if other_effect == effect(rule):
                    warn(file, (section, index, "id"), rule.id, f"duplicate of {other}: same condition and effect",
                         rule.id)
                else:
                    warn(file, (section, index, "id"), rule.id,
                         f"same condition as {other}: the two always fire together; merge their effects", rule.id)
            else:
                seen[condition] = (rule.id, effect(rule))

    for model in rule_base.department_model.tie_break:
        givers = [r for r in rule_base.department_model.rules if r.points.get(model, 0) > 0 and satisfiable(r.when)[0]]
        if not givers:
            warn("department_model.yaml", ("tie_break",), model, "no rule that can fire gives this model points")

    kinds_ok = {}
    for index, kind in enumerate(rule_base.technologies.kinds):
        ok, why = satisfiable(kind.when)
        kinds_ok[kind.id] = ok
        if not ok:
            warn("technologies.yaml", ("kinds", index, "when"), kind.id, f"this kind of sales never applies: {why}")
    for index, tech in enumerate(rule_base.technologies.technologies):
        ok, why = satisfiable(tech.when)
        if tech.kinds is not None:
            missing = [k for k in tech.kinds if k not in kinds_ok]
            if missing:
                warn("technologies.yaml", ("technologies", index, "kinds"), tech.id, f"kinds not defined in this rule base: {', '.join(missing)}")
            if not any(kinds_ok.get(k, False) for k in tech.kinds):
                ok, why = False, "none of its kinds of sales can apply"
        if not ok:
            warn("technologies.yaml", ("technologies", index, "when"), tech.id, f"never applies: {why}",
                 "tech." + tech.id)

    read: set[str] = set()
    for rule in [*rule_base.department_model.rules, *rule_base.sales_mix.rules]:
        read |= schema.fields_read(rule.when)
    for item in [*rule_base.technologies.kinds, *rule_base.technologies.technologies]:
        read |= schema.fields_read(item.when)
    if rule_base.staffing is not None:
        # the staffing plan of a report reads the close rate (open deals per won deal), which the
        # sales-mix rules no longer do: the documents give it as a consequence, not a cause
        read |= {"close_rate"}
    for name in EVIDENCE_FIELDS:
        if name not in read:
            warn("rulebase.yaml", (), name, "no rule reads this profile field")
    return findings
