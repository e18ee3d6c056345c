"""Rule tests as data, and rule coverage: `advisor rules test`.

A rule base folder may hold `tests/*.yaml`: each a list of cases with a profile, the
outcome expected for each decision (with the confidence, a close call, the model to grow
into), and rules expected to fire or not. A graded rule "fires" when its condition holds
to some degree (fully, or partly on a ramp). Coverage counts, for every rule, whether some
test fired it, and whether its condition was seen both true (fired, fully or partly) and
false (did not fire); an unconditional checklist item has nothing to cover beyond firing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.engine import Engine
from advisor.errors import InputError, ProfileError, RuleBaseError
from advisor.profile import Profile, validate_profile
from advisor.readers import read_one_profile
from advisor.rulebase.schema import DEPARTMENT_MODELS
from advisor.suggest import did_you_mean
from advisor.yamlio import LocatedDocument, load_yaml_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TechnologyExpectation(_Strict):
    include: list[str] = []
    exclude: list[str] = []


class Expectation(_Strict):
    department_model: str | None = None
    confidence: str | None = None  # firm, leaning, open
    close_call: bool | None = None
    next_model: str | None = None  # the model to grow into; "none" when the evidence agrees with today's
    inside_share: float | tuple[float, float] | None = None
    hybrid: bool | None = None
    mix_applies: bool | None = None  # false: the inside/outside split does not apply (a sale at the premises)
    technologies: TechnologyExpectation | None = None


class RuleTestCase(_Strict):
    name: str = Field(min_length=1)
    profile: dict[str, Any] | None = None
    profile_file: str | None = None  # relative to the test file
    expect: Expectation = Expectation()
    fires: list[str] = []
    does_not_fire: list[str] = []


@dataclass
class CaseResult:
    case: RuleTestCase
    where: str  # file:line
    failures: list[str]


@dataclass
class RuleCoverage:
    rule: str
    conditional: bool
    seen_true: int = 0
    seen_false: int = 0

    @property
    def fired(self) -> bool:
        return self.seen_true > 0

    @property
    def covered(self) -> bool:
        return self.fired and (self.seen_false > 0 or not self.conditional)


@dataclass
class TestReport:
    results: list[CaseResult] = field(default_factory=list)
    coverage: dict[str, RuleCoverage] = field(default_factory=dict)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.failures]

    @property
    def untested(self) -> list[str]:
        return [c.rule for c in self.coverage.values() if not c.fired]

    @property
    def coverage_percent(self) -> float:
        """Rules whose condition was seen true and false (or, unconditional, fired), in percent."""
        if not self.coverage:
            return 100.0  # an overlay that changes no rule has nothing to cover
        return 100.0 * sum(c.covered for c in self.coverage.values()) / len(self.coverage)


def _rule_ids(engine: Engine) -> dict[str, bool]:
    """Every rule id the engine traces, and whether it has a condition that can be false."""
    base = engine.rule_base
    ids = {r.id: True for r in base.department_model.rules}
    ids.update({r.id: True for r in base.sales_mix.rules})
    ids.update({"tech." + t.id: (t.when is not None or t.kinds is not None) for t in base.technologies.technologies})
    return ids


def load_cases(folder: Path) -> list[tuple[RuleTestCase, str, Profile, Path]]:
    """Every case in `folder/*.yaml`, its location, and its validated profile."""
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            doc = load_yaml_file(path)
        except InputError as exc:
            raise RuleBaseError(exc.message, file=exc.file, line=exc.line) from None
        items = doc.data if isinstance(doc.data, list) else [] if doc.data is None else None
        if items is None:
            raise RuleBaseError("a rule-test file is a list of cases", file=str(path), line=1)
        for index, item in enumerate(items):
            line = doc.line_of((index,))
            try:
                case = RuleTestCase.model_validate(item)
            except ValidationError as exc:
                error = exc.errors()[0]
                key = ".".join(str(p) for p in error["loc"])
                message = str(error["msg"]).removeprefix("Value error, ")
                if error["type"] == "extra_forbidden":
                    message = "unknown key" + did_you_mean(str(error["loc"][-1]), RuleTestCase.model_fields)
                raise RuleBaseError(message, file=str(path), line=doc.line_of((index, *error["loc"])) or line,
                                    key=key) from None
            cases.append((case, f"{path}:{line}", _profile(case, doc, index, path), path))
    return cases


def _profile(case: RuleTestCase, doc: LocatedDocument, index: int, path: Path) -> Profile:
    if (case.profile is None) == (case.profile_file is None):
        raise RuleBaseError("a case needs exactly one of profile or profile_file", file=str(path),
                            line=doc.line_of((index,)), key=case.name)
    try:
        if case.profile_file is not None:
            record = read_one_profile(str((path.parent / case.profile_file).resolve()))
            if record.error is not None:
                raise record.error
            assert record.profile is not None
            return record.profile
        return validate_profile(case.profile, file=str(path),
                                line_of=lambda key: doc.line_of((index, "profile", key) if key else (index,)))
    except (ProfileError, InputError) as exc:
        raise RuleBaseError(exc.message, file=exc.file, line=exc.line, key=exc.key) from None


def run_tests(engine: Engine, folder: Path) -> TestReport:
    known = _rule_ids(engine)
    own = engine.rule_base.own_rules  # an overlay answers for the rules it adds or replaces
    report = TestReport(coverage={rule: RuleCoverage(rule, conditional) for rule, conditional in known.items()
                                  if own is None or rule in own})
    for case, where, profile, path in load_cases(folder):
        failures: list[str] = []
        for rule in [*case.fires, *case.does_not_fire]:
            if rule not in known:
                raise RuleBaseError(f"unknown rule '{rule}'{did_you_mean(rule, known)}", file=where, key=case.name)
        rec = engine.recommend(profile)
        for trace in rec.trace:
            coverage = report.coverage.get(trace.rule)
            if coverage is None:
                continue
            coverage.seen_true += _held(trace)
            coverage.seen_false += trace.status == "not_fired"
        failures += _check(case, rec)
        status = {t.rule: t for t in rec.trace}
        failures += [f"expected {r} to fire; it did not: {status[r].why()}" for r in case.fires if not _held(status[r])]
        failures += [f"expected {r} not to fire; it fired: {status[r].why()}" for r in case.does_not_fire
                     if _held(status[r])]
        report.results.append(CaseResult(case, where, failures))
    return report


def _held(trace: Any) -> bool:
    """Fired fully, or partly on a ramp."""
    return trace.status in ("fired", "partial")


def _check(case: RuleTestCase, rec) -> list[str]:
    expect, failures = case.expect, []
    model = rec.department_model
    if expect.department_model is not None:
        if expect.department_model not in DEPARTMENT_MODELS:
            failures.append(f"'{expect.department_model}' is not a department model"
                            + did_you_mean(expect.department_model, DEPARTMENT_MODELS))
        elif model.id != expect.department_model:
            failures.append(f"department_model: expected {expect.department_model}, got {model.id} "
                            f"(scores {', '.join(f'{k} {v:g}' for k, v in model.scores.items())})")
    inside = rec.sales_mix.inside_share
    if expect.confidence is not None and model.confidence != expect.confidence:
        failures.append(f"confidence: expected {expect.confidence}, got {model.confidence} "
                        f"(scores {model.scores}, ranges {model.score_ranges()})")
    if expect.close_call is not None and model.close_call is not expect.close_call:
        failures.append(f"close_call: expected {str(expect.close_call).lower()}, got {str(model.close_call).lower()} "
                        f"(margin {model.margin:g} over {model.runner_up})")
    if expect.next_model is not None:
        got = model.next.id if model.next else "none"
        if got != expect.next_model:
            failures.append(f"next_model: expected {expect.next_model}, got {got}")
    if isinstance(expect.inside_share, tuple):
        low, high = expect.inside_share
        if not low <= inside <= high:
            failures.append(f"inside_share: expected {low:g}-{high:g}, got {inside:g}")
    elif expect.inside_share is not None and abs(inside - expect.inside_share) > 1e-9:
        failures.append(f"inside_share: expected {expect.inside_share:g}, got {inside:g}")
    if expect.hybrid is not None and rec.sales_mix.hybrid is not expect.hybrid:
        failures.append(f"hybrid: expected {str(expect.hybrid).lower()}, got {str(rec.sales_mix.hybrid).lower()}")
    if expect.mix_applies is not None and rec.sales_mix.applies is not expect.mix_applies:
        failures.append(f"mix_applies: expected {str(expect.mix_applies).lower()}, "
                        f"got {str(rec.sales_mix.applies).lower()}")
    if expect.technologies is not None:
        applied = {t.id for t in rec.applied_technologies}
        every = {t.id for t in rec.technologies}
        for tech in expect.technologies.include + expect.technologies.exclude:
            if tech not in every:
                failures.append(f"'{tech}' is not a technology{did_you_mean(tech, every)}")
        missing = [t for t in expect.technologies.include if t in every and t not in applied]
        extra = [t for t in expect.technologies.exclude if t in applied]
        if missing:
            failures.append(f"technologies: expected to apply but do not: {', '.join(missing)}")
        if extra:
            failures.append(f"technologies: expected not to apply but do: {', '.join(extra)}")
    return failures
