"""`advisor rules diff`: which profiles' advice changes between two rule bases, and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from advisor.engine import Engine
from advisor.errors import AdvisorError, ProfileError
from advisor.readers import Record
from advisor.recommendation import Recommendation, RuleTrace


@dataclass
class Change:
    source: str
    name: str
    old: Recommendation
    new: Recommendation
    rules: list[tuple[str, str, str]]  # (rule, old status, new status) where they differ

    @property
    def model_changed(self) -> bool:
        return self.old.department_model.id != self.new.department_model.id

    @property
    def confidence_changed(self) -> bool:
        was, now = self.old.department_model, self.new.department_model
        return was.confidence != now.confidence or was.close_call != now.close_call

    def describe(self) -> list[str]:
        old, new = self.old, self.new
        lines = [f"{self.source}: {self.name}"]
        was, now = old.department_model, new.department_model
        if self.model_changed:
            lines.append(f"  department_model: {was.id} -> {now.id}")
        if was.confidence != now.confidence or was.close_call != now.close_call:
            lines.append(f"  confidence: {_confidence(was)} -> {_confidence(now)}")
        if (was.next.id if was.next else None) != (now.next.id if now.next else None):
            lines.append(f"  next: {was.next.id if was.next else 'none'} -> {now.next.id if now.next else 'none'}")
        moved = [f"{m} {was.scores[m]:g} -> {now.scores.get(m, 0):g}" for m in was.scores
                 if abs(was.scores[m] - now.scores.get(m, 0)) >= SCORE_STEP]
        if moved:
            lines.append(f"  scores: {'; '.join(moved)}")
        if abs(was.margin - now.margin) >= SCORE_STEP or was.runner_up != now.runner_up:
            lines.append(f"  margin: {was.margin:g} over {was.runner_up} -> {now.margin:g} over {now.runner_up}")
        if old.sales_mix.inside_share != new.sales_mix.inside_share:
            lines.append(f"  inside_share: {old.sales_mix.inside_share:g} -> {new.sales_mix.inside_share:g}")
        if old.sales_mix.hybrid != new.sales_mix.hybrid:
            lines.append(f"  hybrid: {str(old.sales_mix.hybrid).lower()} -> {str(new.sales_mix.hybrid).lower()}")
        before = {t.id for t in old.applied_technologies}
        after = {t.id for t in new.applied_technologies}
        if before != after:
            changes = [f"+{t}" for t in sorted(after - before)] + [f"-{t}" for t in sorted(before - after)]
            lines.append(f"  technologies: {' '.join(changes)}")
        for rule, was, now in self.rules:
            lines.append(f"  because {rule}: {was} -> {now}")
        return lines


SCORE_STEP = 0.01  # score and margin changes smaller than this are rounding, not news


def _confidence(model) -> str:
    return model.confidence + (", close call" if model.close_call else "")


def _statuses(rec: Recommendation) -> dict[str, RuleTrace]:
    return {t.rule: t for t in rec.trace}


def _same(a: Recommendation, b: Recommendation) -> bool:
    x, y = a.department_model, b.department_model
    return (x.id == y.id and x.confidence == y.confidence and x.close_call == y.close_call
            and (x.next.id if x.next else None) == (y.next.id if y.next else None)
            and abs(x.margin - y.margin) < SCORE_STEP
            and all(abs(x.scores[m] - y.scores.get(m, 0)) < SCORE_STEP for m in x.scores)
            and a.sales_mix.inside_share == b.sales_mix.inside_share
            and a.sales_mix.hybrid == b.sales_mix.hybrid
            and [t.id for t in a.applied_technologies] == [t.id for t in b.applied_technologies])


def diff_rule_bases(old: Engine, new: Engine, records: Iterable[Record],
                    report: Callable[[str], None]) -> tuple[list[Change], int, int]:
    """(changes, profiles compared, records rejected)."""
    changes: list[Change] = []
    compared = rejected = 0
    for record in records:
        error: AdvisorError | None = record.error
        if error is None:
            try:
                before, after = old.recommend(record.profile), new.recommend(record.profile)
            except ProfileError as exc:
                exc.file, exc.line = record.file, record.line_of(exc.key) or record.line
                error = exc
        if error is not None:
            rejected += 1
            report(error.located())
            continue
        compared += 1
        if _same(before, after):
            continue
        was, now = _statuses(before), _statuses(after)
        rules = []
        for rule in [*was, *(r for r in now if r not in was)]:
            old_status = was[rule].status if rule in was else "absent"
            new_status = now[rule].status if rule in now else "absent"
            if old_status != new_status:
                rules.append((rule, old_status, new_status))
        changes.append(Change(record.source, before.profile.name, before, after, rules))
    return changes, compared, rejected
