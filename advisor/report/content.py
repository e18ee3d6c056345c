"""Everything a report shows, gathered once: the recommendation, why, what would change it,
the staffing plan, the roadmap, the unknowns, and the rule base."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from advisor.engine import Engine, Evaluation
from advisor.explain import Explanation, explain
from advisor.profile import Profile
from advisor.recommendation import Recommendation
from advisor.rulebase.schema import StaffingFile
from advisor.checks import Check, check_answers, distrusted_fields
from advisor.staffing import Economics, Path, Roadmap, StaffingPlan, plan_economics, plan_path, plan_roadmap, plan_staffing
from advisor.wording import Wording, wording


@dataclass
class ReportContent:
    recommendation: Recommendation
    explanation: Explanation
    staffing: StaffingFile | None
    plan: StaffingPlan | None
    roadmap: Roadmap | None
    facts: dict[str, Any]
    source: str | None
    date: dt.date
    t: Wording  # every text of the report comes from here, in the report's language
    # ---- the staffing plan's economics, path and the checks of the answers (issue 16) ----
    economics: Economics | None = None
    path: Path | None = None
    checks: tuple[Check, ...] = ()

    @property
    def lang(self) -> str:
        return self.t.lang

    def role_title(self, role: str) -> str:
        assert self.staffing is not None
        return self.staffing.roles[role].title.get(self.lang)

    def money(self, amount: float) -> str:
        """An amount in the profile's currency, in the report language's format: "52 200 $"."""
        return self.t.money(amount, self.recommendation.profile.currency)

    def basis(self, need: Any) -> str:
        """How a role's headcount is counted, in words, or the answers it needs."""
        if need.basis is None:
            return self.t("report.needs", fields=self.t.fields(need.needs))
        return self.t.note(need.basis)

    def economics_needs(self) -> list[str]:
        """Fields that would let the plan's costs be set against revenue."""
        p = self.recommendation.profile
        wanted = [("deals_per_month", p.deals_per_month), ("average_deal_size", p.average_deal_size)]
        if p.gross_margin is None and p.offering is None:
            wanted.append(("gross_margin", None))
        if self.plan is not None and self.plan.total is None:
            wanted += [(n, None) for r in self.plan.roles for n in r.needs]
        return sorted({n for n, v in wanted if v is None})

    def describe_value(self, field: str, value: Any) -> str:
        """A profile value as the report shows it; a deal size in the profile's own currency."""
        return self.t.value(field, value, self.recommendation.profile.currency)

    def change_text(self, changes: dict[str, Any]) -> str:
        return self.t.changes(changes, self.recommendation.profile, self.recommendation.profile.currency)


def build_report(engine: Engine, profile: Profile, *, source: str | None, lang: str,
                 date: dt.date | None = None, evaluation: Evaluation | None = None) -> ReportContent:
    """`evaluation`: the profile's evaluation where the caller already has it (a batch scored it): not made again."""
    explanation = explain(engine, profile, evaluation=evaluation)
    rec = explanation.recommendation
    rec.ask_next.extend(explanation.unknown_impacts)  # ranked: what to find out next
    facts = rec.facts  # as the rules compared them: deal size in USD
    staffing = engine.rule_base.staffing
    plan = roadmap = economics = path = None
    checks = check_answers(profile)
    if staffing is not None:
        plan = plan_staffing(facts, rec.department_model.id, staffing)
        plan.distrusted = distrusted_fields(checks)
        roadmap = plan_roadmap(facts, plan, staffing)
        economics = plan_economics(facts, plan, staffing, engine.rates, profile.average_deal_size)
        path = plan_path(facts, plan, staffing, economics.costs.per_role if economics else None,
                         economics.monthly_revenue if economics else None)
    return ReportContent(rec, explanation, staffing, plan, roadmap, facts, source, date or dt.date.today(),
                         wording(lang), economics, path, tuple(checks))
