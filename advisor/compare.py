"""Profiles, or one profile under several scenarios, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.engine import Engine
from advisor.explain import apply_changes
from advisor.profile import Profile
from advisor.recommendation import Recommendation


@dataclass
class Column:
    label: str
    source: str
    changes: dict[str, Any]
    recommendation: Recommendation

    def to_dict(self) -> dict[str, Any]:
        rec = self.recommendation
        return {
            "label": self.label,
            "source": self.source,
            "changes": self.changes,
            "department_model": rec.department_model.id,
            "confidence": rec.department_model.confidence,
            "close_call": rec.department_model.close_call,
            "runner_up": rec.department_model.runner_up,
            "next_model": rec.department_model.next.id if rec.department_model.next else None,
            "scores": rec.department_model.scores,
            "score_ranges": rec.department_model.score_ranges(),
            "inside_share": rec.sales_mix.inside_share,
            "outside_share": rec.sales_mix.outside_share,
            "hybrid": rec.sales_mix.hybrid,
            "mix_applies": rec.sales_mix.applies,
            "technologies": [t.id for t in rec.applied_technologies],
            "unknown_fields": rec.unknown_fields,
            "rule_base": {"name": rec.rule_base_name, "version": rec.rule_base_version, "sha256": rec.rule_base_sha256},
        }


def build_comparison(
    engine: Engine,
    profiles: list[tuple[str, Profile]],
    common: dict[str, Any],
    scenarios: list[dict[str, Any]],
) -> list[Column]:
    """One column per profile, and per profile one more per scenario (applied on top of `common`)."""
    columns: list[Column] = []
    for source, profile in profiles:
        base = apply_changes(profile, common)
        columns.append(Column(profile.name, source, dict(common), engine.recommend(base)))
        for changes in scenarios:
            label = ", ".join(f"{k}={'unknown' if v is None else v}" for k, v in changes.items())
            columns.append(
                Column(f"{profile.name} [{label}]", source, {**common, **changes},
                       engine.recommend(apply_changes(base, changes)))
            )
    return columns


def technology_differences(columns: list[Column]) -> list[tuple[str, list[bool]]]:
    """Technologies that apply in some columns but not all, with where they apply."""
    applied = [{t.id for t in c.recommendation.applied_technologies} for c in columns]
    every = [t.id for t in columns[0].recommendation.technologies] if columns else []
    return [(tech, [tech in a for a in applied]) for tech in every
            if any(tech in a for a in applied) and not all(tech in a for a in applied)]
