"""What the engine returns: decisions, scores and a trace of every rule it evaluated."""

from __future__ import annotations

from typing import Any

from advisor.profile import EVIDENCE_FIELDS, Profile
from advisor.rulebase.schema import Source
from advisor.slotted import _set, slotted

_SYMBOLS = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "=", "in": "in", "between": "between",
            "at_least": "≥", "at_most": "≤"}
_RAMPS = ("at_least", "at_most")


def format_value(value: Any) -> str:
    """A value in the machine form of JSON's `why` texts (English digits, ids): a contract, not for people."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def _unit(field: str) -> str:
    return " USD" if field == "average_deal_size" else ""  # the rules compare deal sizes in USD


def shown_value(field: str, value: Any, note: "Note | str" = "") -> str:
    """A compared value as JSON's `why` texts show it: formatted, with its unit and note."""
    note_text = str(note)
    return format_value(value) + _unit(field) + (f" ({note_text})" if note_text else "")


def degree_text(degree: float) -> str:
    """A partly true leaf's degree as describe() appends it: ' (86%)'."""
    return f" ({degree:.0%})"


def leaf_frame(field: str, operator: str, threshold: Any, result: bool | float | None,
               per: str | None = None) -> tuple[str, str]:
    """LeafTrace.describe around the actual value: (before, after); for an unknown result, (whole text, "").

    This is the machine form JSON records carry (field ids, English digits), fixed as a
    contract; people read the wording layer's sentences instead (advisor.wording). A ramp's
    threshold shows as its two anchors, `≥ 200…600`; a partly true result (any float) gets
    the frame of a partial leaf, to which `degree_text` is appended. The frame depends on the
    rule only, so batch writers compute it once per leaf.
    """
    symbol = _SYMBOLS[operator]
    name = field if per is None else f"{field} / {per}"
    if operator == "between":
        shown_threshold = f"{format_value(threshold[0])}–{format_value(threshold[1])}"
    elif operator in _RAMPS:
        shown_threshold = f"{format_value(threshold[0])}…{format_value(threshold[1])}"
    else:
        shown_threshold = format_value(threshold)
    unit = _unit(field) if per is None else ""
    if result is None:
        return f"{name} unknown (rule needs {symbol} {shown_threshold}{unit})", ""
    if result is not True and result is not False:  # a ramp, partly true: degree_text follows
        return f"{name} = ", f" {symbol} {shown_threshold}{unit}"
    if result:
        if operator == "eq":
            return f"{name} = ", ""
        if operator == "in":
            return f"{name} = ", f" (one of {shown_threshold})"
        return f"{name} = ", f" {symbol} {shown_threshold}{unit}"
    return f"{name} = ", f", needs {symbol} {shown_threshold}{unit}"


class Share(float):
    """A share of one (0.35) inside a Note: people read it in percent."""

    __slots__ = ()


@slotted(frozen=True)
class Note:
    """A remark on an actual value (e.g. a currency conversion), translatable: a catalogue key and values."""

    __slots__ = ("key", "values")
    key: str
    values: dict[str, Any]  # text, a Note, a Share, or a number (formatted only when shown)

    def __init__(self, key: str, **values: Any) -> None:
        _set(self, "key", key)
        _set(self, "values", values)

    def __str__(self) -> str:
        """The English text JSON records carry (numbers in format_value's machine form); people get
        advisor.wording's, in their language and number format."""
        from advisor.i18n import tr

        values = {k: str(v) if isinstance(v, Note) else v if isinstance(v, str) else format_value(v)
                  for k, v in self.values.items()}
        return tr(self.key, "en", **values)


@slotted()
class LeafTrace:
    """One comparison: a field's actual value against a rule's threshold."""

    __slots__ = ("field", "operator", "threshold", "actual", "result", "note", "per")
    field: str
    operator: str
    threshold: Any
    actual: Any  # None when the field is unknown; deal sizes in USD; the ratio for a `per` leaf
    result: bool | float | None  # None: unknown; a float between 0 and 1: a ramp, partly true
    note: Note | str  # e.g. the original currency of a converted deal size
    per: str | None  # the leaf compares field / per

    def __init__(self, field: str, operator: str, threshold: Any, actual: Any, result: bool | float | None,
                 note: Note | str = "", per: str | None = None) -> None:
        self.field = field
        self.operator = operator
        self.threshold = threshold
        self.actual = actual
        self.result = result
        self.note = note
        self.per = per

    @property
    def degree(self) -> float | None:
        """How far the comparison holds: 0, 1, or between for a ramp; None when unknown."""
        return None if self.result is None else float(self.result)

    @property
    def partial(self) -> bool:
        return self.result is not None and 0 < self.result < 1

    def describe(self) -> str:
        """'repeat_sales_share = 0.55 ≥ 0.4', 'leads_per_month = 120, needs ≥ 400', or 'x unknown':
        JSON's machine form (advisor.wording words it for people)."""
        before, after = leaf_frame(self.field, self.operator, self.threshold, self.result, self.per)
        if self.result is None:
            return before
        return before + self.shown() + after + (degree_text(self.result) if self.partial else "")

    def shown(self) -> str:
        """The actual value as describe() shows it: formatted, with its unit and note."""
        if self.per is not None:
            return format_value(float(self.actual))
        return shown_value(self.field, self.actual, self.note)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "field": self.field,
            "operator": self.operator,
            "threshold": self.threshold,
            "actual": self.actual,
            "result": "unknown" if self.result is None else self.result if self.partial else bool(self.result),
        }
        if self.per is not None:
            data["per"] = self.per
        if self.note:
            data["note"] = str(self.note)
        return data


@slotted()
class RuleTrace:
    """How one rule came out: fired, not_fired, or unknown (a field it needs is unknown)."""

    __slots__ = ("rule", "decision", "status", "leaves", "effect", "source", "degree", "anchors")
    rule: str
    decision: str  # department_model, sales_mix, technologies
    status: str
    leaves: tuple[LeafTrace, ...]
    effect: dict[str, Any]
    source: Source
    degree: tuple[float, float]  # [lowest, highest]: [1, 1] fired, [d, d] partly, wider: unknown
    anchors: str | None  # where a ramp's anchors come from

    def __init__(self, rule: str, decision: str, status: str, leaves: tuple[LeafTrace, ...], effect: dict[str, Any],
                 source: Source, degree: tuple[float, float] = (0.0, 0.0), anchors: str | None = None) -> None:
        self.rule = rule
        self.decision = decision
        self.status = status
        self.leaves = leaves
        self.effect = effect
        self.source = source
        self.degree = degree
        self.anchors = anchors

    @property
    def fired(self) -> bool:
        return self.status == "fired"

    def earned(self, points: float) -> float:
        """What the rule adds of `points` from the known answers: points x degree."""
        return round(points * self.degree[0], 4)

    def deciding(self) -> list[LeafTrace]:
        """The comparisons that decided the outcome."""
        if self.status == "fired":
            chosen = [leaf for leaf in self.leaves if leaf.result is not None and leaf.result >= 1]
        elif self.status == "partial":
            chosen = [leaf for leaf in self.leaves if leaf.result is not None]
        elif self.status == "not_fired":
            chosen = [leaf for leaf in self.leaves if leaf.result is not None and leaf.result <= 0]
        elif self.degree[0] > 0:  # unknown, but partly held already (an `any` with a known part): all of it
            chosen = list(self.leaves)
        else:
            chosen = [leaf for leaf in self.leaves if leaf.result is None]
        return chosen or list(self.leaves)

    def why(self) -> str:
        """The deciding comparisons in JSON's machine form, joined for one line."""
        return "; ".join(leaf.describe() for leaf in self.deciding())

    def unknown_fields(self) -> list[str]:
        return sorted({name for leaf in self.leaves if leaf.result is None
                       for name in (leaf.field, leaf.per) if name is not None})

    def to_dict(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "decision": self.decision,
            "status": self.status,
            "effect": self.effect,
            "conditions": [leaf.to_dict() for leaf in self.leaves],
        }
        if self.status == "partial" or self.status == "unknown":
            data["degree"] = [round(self.degree[0], 4), round(self.degree[1], 4)]
        return data


def source_dict(source: Source) -> dict[str, Any]:
    data = {"document": source.document, "says": source.says.en}
    if source.benchmark:
        data["benchmark"] = source.benchmark
    if source.reasoning is not None:
        data["reasoning"] = source.reasoning.en
    return data


def notes_dict(notes: Any) -> dict[str, list[dict[str, str]]]:
    """A model's pros, cons and risks in JSON: each point's English text and its document or reference."""
    return {kind: [{"text": p.text.en, **({"document": p.source.document} if p.source.document
                                          else {"reference": p.source.reference})}
                   for p in getattr(notes, kind)]
            for kind in ("pros", "cons", "risks")}


def brief_reason(trace: RuleTrace, **effect: Any) -> dict[str, Any]:
    """A reason in a batch record: the rule, its effect, why, and the document it encodes."""
    return {"rule": trace.rule, **effect, "why": trace.why(), "document": trace.source.document}


def reason_dict(trace: RuleTrace, **effect: Any) -> dict[str, Any]:
    data = {"rule": trace.rule, **effect, "why": trace.why(), "source": source_dict(trace.source)}
    if trace.status == "partial":
        data["degree"] = round(trace.degree[0], 4)
    if trace.anchors:
        data["anchors"] = trace.anchors
    return data


@slotted(frozen=True)
class NextModel:
    """The model to grow into when the starting point decides what to build now, and when to move."""

    __slots__ = ("id", "confidence", "grow_into")
    id: str
    confidence: str  # of the evidence that names it
    grow_into: Any  # schema.GrowInto: the trigger and where it comes from

    def __init__(self, id: str, confidence: str, grow_into: Any = None) -> None:
        _set(self, "id", id)
        _set(self, "confidence", confidence)
        _set(self, "grow_into", grow_into)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "confidence": self.confidence}
        if self.grow_into is not None:
            data["trigger"] = self.grow_into.trigger.en
            data["trigger_reasoning"] = self.grow_into.reasoning
        return data


@slotted(frozen=True)
class ModelDecision:
    __slots__ = ("id", "scores", "reasons", "decided_by", "runner_up", "margin", "confidence", "score_low",
                 "score_high", "near_tie", "started", "start_source", "next")
    id: str
    scores: dict[str, float]  # points from the known answers
    reasons: list[RuleTrace]  # rules that gave the winner points, most points first
    decided_by: str  # "points" or "tie_break"
    runner_up: str
    margin: float
    confidence: str  # firm, leaning or open (engine.confidence_of)
    score_low: dict[str, float]  # the lowest each score can be, unknowns whatever
    score_high: dict[str, float]  # and the highest
    near_tie: float  # a lead under this many points is a close call
    started: bool  # decided_by "starting_point": the company has no department yet
    start_source: Source | None  # the statement of the starting point, when started
    next: NextModel | None  # with a starting point: the model the evidence says to grow into

    def __init__(self, id: str, scores: dict[str, float], reasons: list[RuleTrace], decided_by: str,
                 runner_up: str, margin: float, confidence: str = "open", score_low: dict[str, float] | None = None,
                 score_high: dict[str, float] | None = None, near_tie: float = 1.0, started: bool = False,
                 start_source: Source | None = None, next: NextModel | None = None) -> None:
        _set(self, "id", id)
        _set(self, "scores", scores)
        _set(self, "reasons", reasons)
        _set(self, "decided_by", decided_by)
        _set(self, "runner_up", runner_up)
        _set(self, "margin", margin)
        _set(self, "confidence", confidence)
        _set(self, "score_low", {} if score_low is None else score_low)
        _set(self, "score_high", {} if score_high is None else score_high)
        _set(self, "near_tie", near_tie)
        _set(self, "started", started)
        _set(self, "start_source", start_source)
        _set(self, "next", next)

    @property
    def close_call(self) -> bool:
        """A tie or a lead too small to rest on: always said in words, with both models."""
        return not self.started and self.margin < self.near_tie

    def score_ranges(self) -> dict[str, list[float]]:
        return {m: [self.score_low[m], self.score_high[m]] for m in self.scores}

    def to_dict(self, reason: Any = None) -> dict[str, Any]:
        """The decision's JSON (recommend, score, explain): each reason written by `reason`, or none."""
        data = {
            "id": self.id,
            "confidence": self.confidence,
            "close_call": self.close_call,
            "scores": self.scores,
            "score_ranges": self.score_ranges(),
            "decided_by": self.decided_by,
            "runner_up": self.runner_up,
            "margin": self.margin,
            "starting_point": source_dict(self.start_source) if self.start_source else None,
            "next": self.next.to_dict() if self.next else None,
        }
        if reason is not None:
            data["reasons"] = [reason(r, points=r.earned(r.effect["points"][self.id])) for r in self.reasons]
        return data


@slotted(frozen=True)
class MixDecision:
    __slots__ = ("inside_share", "outside_share", "hybrid", "base_inside_share", "unclamped_inside_share",
                 "reasons", "hybrid_reasons", "not_applicable_reasons")
    inside_share: float
    outside_share: float
    hybrid: bool
    base_inside_share: float
    unclamped_inside_share: float  # base plus shifts, before the rule base's range applied
    reasons: list[RuleTrace]  # fired shifts, largest first
    hybrid_reasons: list[RuleTrace]
    # fired rules saying the inside/outside split does not apply (a sale at the seller's premises):
    # the shares are still computed and traced, but not advised
    not_applicable_reasons: list[RuleTrace]

    def __init__(self, inside_share: float, outside_share: float, hybrid: bool, base_inside_share: float,
                 unclamped_inside_share: float, reasons: list[RuleTrace], hybrid_reasons: list[RuleTrace],
                 not_applicable_reasons: list[RuleTrace] | None = None) -> None:
        _set(self, "inside_share", inside_share)
        _set(self, "outside_share", outside_share)
        _set(self, "hybrid", hybrid)
        _set(self, "base_inside_share", base_inside_share)
        _set(self, "unclamped_inside_share", unclamped_inside_share)
        _set(self, "reasons", reasons)
        _set(self, "hybrid_reasons", hybrid_reasons)
        _set(self, "not_applicable_reasons", [] if not_applicable_reasons is None else not_applicable_reasons)

    @property
    def applies(self) -> bool:
        return not self.not_applicable_reasons


@slotted(frozen=True)
class TechnologyItem:
    __slots__ = ("id", "group", "title", "status", "trace")
    id: str
    group: str
    title: dict[str, str]
    status: str  # applies, possible (depends on an unknown field), not_applicable
    trace: RuleTrace

    def __init__(self, id: str, group: str, title: dict[str, str], status: str, trace: RuleTrace) -> None:
        _set(self, "id", id)
        _set(self, "group", group)
        _set(self, "title", title)
        _set(self, "status", status)
        _set(self, "trace", trace)


@slotted(frozen=True, hidden=("trace", "facts", "ask_next", "model_notes"))
class Recommendation:
    __slots__ = ("profile", "department_model", "sales_mix", "sales_kinds", "technologies", "unknown_fields", "trace",
                 "facts", "rule_base_name", "rule_base_version", "rule_base_sha256", "ask_next", "model_notes")
    profile: Profile
    department_model: ModelDecision
    sales_mix: MixDecision
    sales_kinds: list[str]
    technologies: list[TechnologyItem]
    unknown_fields: list[str]
    trace: list[RuleTrace]
    facts: dict[str, Any]  # the values the rules compared (USD)
    rule_base_name: str
    rule_base_version: str
    rule_base_sha256: str
    # the unknown answers ranked by what knowing them could change (explain.rank_unknowns);
    # filled by explain.advise for recommend, report and ask, not in batches
    ask_next: list[Any]
    # pros, cons and risks (rules/models.yaml) of the recommended model and the runner-up, in that order
    model_notes: dict[str, Any]

    def __init__(self, profile: Profile, department_model: ModelDecision, sales_mix: MixDecision,
                 sales_kinds: list[str], technologies: list[TechnologyItem], unknown_fields: list[str],
                 trace: list[RuleTrace], facts: dict[str, Any] | None = None, rule_base_name: str = "",
                 rule_base_version: str = "", rule_base_sha256: str = "", ask_next: list[Any] | None = None,
                 model_notes: dict[str, Any] | None = None) -> None:
        _set(self, "profile", profile)
        _set(self, "department_model", department_model)
        _set(self, "sales_mix", sales_mix)
        _set(self, "sales_kinds", sales_kinds)
        _set(self, "technologies", technologies)
        _set(self, "unknown_fields", unknown_fields)
        _set(self, "trace", trace)
        _set(self, "facts", {} if facts is None else facts)
        _set(self, "rule_base_name", rule_base_name)
        _set(self, "rule_base_version", rule_base_version)
        _set(self, "rule_base_sha256", rule_base_sha256)
        _set(self, "ask_next", [] if ask_next is None else ask_next)
        _set(self, "model_notes", {} if model_notes is None else model_notes)

    @property
    def applied_technologies(self) -> list[TechnologyItem]:
        return [t for t in self.technologies if t.status == "applies"]

    @property
    def possible_technologies(self) -> list[TechnologyItem]:
        return [t for t in self.technologies if t.status == "possible"]

    def _rule_base(self) -> dict[str, str]:
        return {"name": self.rule_base_name, "version": self.rule_base_version, "sha256": self.rule_base_sha256}

    def _decisions(self, reason: Any) -> dict[str, Any]:
        """The department-model and sales-mix decisions, each reason written by `reason`."""
        model = self.department_model
        mix = self.sales_mix
        return {
            "department_model": model.to_dict(reason),
            "sales_mix": {
                "inside_share": mix.inside_share,
                "outside_share": mix.outside_share,
                "hybrid": mix.hybrid,
                "base_inside_share": mix.base_inside_share,
                "unclamped_inside_share": mix.unclamped_inside_share,
                "reasons": [reason(r, inside_shift=r.earned(r.effect["inside_shift"])) for r in mix.reasons],
                "hybrid_reasons": [reason(r) for r in mix.hybrid_reasons],
                "applies": mix.applies,
                "not_applicable_reasons": [reason(r) for r in mix.not_applicable_reasons],
            },
        }

    def batch_dict(self, *, trace: bool = True) -> dict[str, Any]:
        """The batch record (`score --format json/jsonl`): to_dict's decisions, sources by document only.

        A record carries what varies from profile to profile: the trace is the facts the rules
        compared (deal size in USD) and every rule's outcome. What is fixed by the rule base
        (thresholds, statements, benchmarks) is the rule base's, named by its sha256, and shown
        by recommend, explain and report. json_records writes the same bytes fast; this is the
        readable definition.
        """
        data: dict[str, Any] = {
            "name": self.profile.name,
            **self._decisions(brief_reason),
            "sales_kinds": self.sales_kinds,
            "technologies": [
                {"id": t.id, "group": t.group, "why": t.trace.why(), "document": t.trace.source.document}
                for t in self.applied_technologies
            ],
            "possible_technologies": [
                {"id": t.id, "group": t.group, "depends_on": t.trace.unknown_fields()}
                for t in self.possible_technologies
            ],
            "unknown_fields": self.unknown_fields,
            "rule_base": self._rule_base(),
        }
        if trace:
            data["facts"] = {name: self.facts.get(name) for name in EVIDENCE_FIELDS}
            data["trace"] = {status: [t.rule for t in self.trace if t.status == status]
                             for status in ("fired", "partial", "not_fired", "unknown")}
        return data

    def to_dict(self, *, trace: bool = True) -> dict[str, Any]:
        """The public JSON shape; keys are a contract (see README)."""
        data: dict[str, Any] = {
            "name": self.profile.name,
            **self._decisions(reason_dict),
            "sales_kinds": self.sales_kinds,
            "technologies": [
                {"id": t.id, "group": t.group, "title": t.title["en"], "reasons": [reason_dict(t.trace)]}
                for t in self.applied_technologies
            ],
            "possible_technologies": [
                {"id": t.id, "group": t.group, "title": t.title["en"], "depends_on": t.trace.unknown_fields()}
                for t in self.possible_technologies
            ],
            "unknown_fields": self.unknown_fields,
            "ask_next": [impact.to_dict() for impact in self.ask_next],
            "rule_base": self._rule_base(),
        }
        data["department_model"]["notes"] = {model: notes_dict(notes) for model, notes in self.model_notes.items()}
        if trace:
            data["trace"] = [t.to_dict() for t in self.trace]
        return data
