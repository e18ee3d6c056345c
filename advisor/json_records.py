"""Batch JSON records straight from an Evaluation, without building the object tree.

Two shapes (README: "Batch records"). Lean records (the default, `LeanRecords`) name rules
by index into a header written once per file and are a plain dict through orjson (about
20 µs a record). Full records (`--records full`, `JsonRecords`) carry every reason's `why`
text; making them from templates costs 53 µs a record against 276 µs for
`orjson.dumps(json_record(...))` through the Recommendation tree (measured on 5,000
generated profiles), which is why the templates below are kept:

A rule's part of a record (its reason, its checklist entry) depends only on its outcome
key (the codes of its leaves, see engine.py) and on the profile's values. So each part is
written once per key as a bytes template with `%(s3)s`-style slots, and per profile only
the values are filled in:

    s<i>  field i's value as the `why` texts show it, escaped for a JSON string
    r<j>  leaf j's ratio (a `per` leaf compares field / per), as shown
    d<j>  leaf j's degree where it is partly true (a ramp), as shown: ' (86%)'

(Slot names are short because %-formatting hashes each one it meets.)

`Recommendation.batch_dict` is the readable definition of the record; a property test
holds this encoder to byte-for-byte the output of `orjson.dumps(batch_dict())`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress, repeat
from operator import is_
from typing import Any

import orjson

from advisor.engine import INTERVALS, NO, PARTIAL, UNKNOWN, YES, Engine, Evaluation
from advisor.profile import EVIDENCE_FIELDS
from advisor.recommendation import degree_text, format_value, leaf_frame, shown_value

_dumps: Callable[[Any], bytes] = orjson.dumps
_CACHE_LIMIT = 4096  # distinct values remembered per field, so memory stays flat


def _static(value: Any) -> bytes:
    """JSON of a fixed value, made safe for %-formatting."""
    return _dumps(value).replace(b"%", b"%%")


def _in_string(text: str) -> bytes:
    """Text escaped to sit inside a JSON string in a template."""
    return _dumps(text)[1:-1].replace(b"%", b"%%")


def _leaf_codes(key: Any) -> tuple[int, ...]:
    return key if isinstance(key, tuple) else (key,)


class JsonRecords:
    """Encodes evaluations of one engine as the JSON of `{"source": ..., **Recommendation.batch_dict()}`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        rules, leaves = engine.rules, engine.leaves
        fields = sorted({leaf.field for leaf in leaves})
        self._slot = {field: f"s{i}".encode() for i, field in enumerate(fields)}
        # per field: its slot and a cache of its shown texts by value
        self._shown: list[tuple[bytes, str, dict[Any, bytes]]] = [(self._slot[field], field, {}) for field in fields]
        self._first_technology = engine.first_technology
        self._frames = [
            {code: leaf_frame(leaf.field, leaf.operator, leaf.threshold, result, per=leaf.per)
             for code, result in ((NO, False), (UNKNOWN, None), (YES, True), (PARTIAL, 0.5))}
            for leaf in leaves
        ]
        # leaves whose shown value is not one field's: a ratio, or a ramp's degree
        self._ratios = [(index, leaf, f"r{index}".encode()) for index, leaf in enumerate(leaves) if leaf.per is not None]
        self._rule_head = [b'{"rule":' + _static(rule.id) for rule in rules]
        self._document = [b',"document":' + _static(rule.source.document) + b"}" for rule in rules]
        self._quoted_ids = [_static(rule.id) for rule in rules]
        self._points = {
            index: {outcome: b',"points":' + _static(points) for outcome, points in rule.effect["points"].items()}
            for index, rule in enumerate(rules) if rule.decision == "department_model"
        }
        self._shift = {
            index: b',"inside_shift":' + _static(rule.effect["inside_shift"])
            for index, rule in enumerate(rules) if "inside_shift" in rule.effect
        }
        self._tech_head = [_static({"id": item.id, "group": item.group})[:-1] for item in engine.technologies]
        self._whys: list[dict[Any, bytes]] = [{} for _ in rules]  # per rule and key: `,"why":"..."`
        # A checklist item with a ramp is decided by its degree, not by its key alone: its entries
        # are written per record (the built-in checklist has none).
        graded = {index for index, leaf in enumerate(leaves) if leaf.graded}
        self._special_techs = [t for t, item in enumerate(rules[engine.first_technology:])
                               if graded.intersection(item.leaves)]
        # per checklist item and key: its entry in "technologies" / "possible_technologies", or b""
        self._applied: list[dict[Any, bytes]] = [{} for _ in engine.technologies]
        self._possible: list[dict[Any, bytes]] = [{} for _ in engine.technologies]
        meta = engine.rule_base.meta
        self._tail = b',"rule_base":' + _static(
            {"name": meta.name, "version": meta.version, "sha256": engine.rule_base.sha256})
        self._base_inside = _static(engine.base_inside)
        start = engine.starting_point
        self._start = _static({"document": start.source.document, "says": start.source.says.en}) if start else b"null"

    # ---- templates, made on first sight of a rule's key --------------------------------

    def _why_text(self, index: int, key: Any) -> bytes:
        """RuleTrace.why as template text: the leaves that decided the outcome, or all of them."""
        rule = self.engine.rules[index]
        status = self.engine.outcome(index, key)
        pairs = list(zip(rule.leaves, _leaf_codes(key)))
        if status == PARTIAL:  # as RuleTrace.why: every known comparison
            chosen = [(leaf, code) for leaf, code in pairs if code != UNKNOWN]
        elif status == UNKNOWN and self._partly_held(index, pairs):  # as RuleTrace.why: all of it
            chosen = pairs
        else:
            chosen = [(leaf, code) for leaf, code in pairs if code == status] or pairs
        texts = []
        for leaf, code in chosen:
            before, after = self._frames[leaf][code]
            if code == UNKNOWN:
                texts.append(_in_string(before))
            else:
                compared = self.engine.leaves[leaf]
                slot = self._slot[compared.field] if compared.per is None else f"r{leaf}".encode()
                text = _in_string(before) + b"%(" + slot + b")s" + _in_string(after)
                if code == PARTIAL:
                    text += b"%(d" + str(leaf).encode() + b")s"
                texts.append(text)
        return b"; ".join(texts)

    def _partly_held(self, index: int, pairs: list[tuple[int, int]]) -> bool:
        """Whether an unknown rule already holds to some degree: its key's stand-in degrees say (a partly
        true leaf's stand-in is above 0 exactly when its degree is)."""
        intervals = [(0.0, 1.0)] * len(self.engine.leaves)
        for leaf, code in pairs:
            intervals[leaf] = INTERVALS[code]
        return self.engine.rule_degrees(index)(intervals)[0] > 0

    def _why(self, index: int, key: Any, ev: Evaluation | None = None) -> bytes:
        template = self._whys[index].get(key)
        if template is None:
            template = self._whys[index][key] = b',"why":"' + self._why_text(index, key) + b'"'
        return template

    def _technology(self, t: int, key: Any) -> None:
        index = self._first_technology + t
        status = self.engine.outcome(index, key)
        applied = possible = b""
        if status == YES:
            applied = self._tech_head[t] + self._why(index, key, None) + self._document[index]  # type: ignore[arg-type]
        elif status == UNKNOWN:
            rule = self.engine.rules[index]
            fields = sorted({self.engine.leaves[leaf].field for leaf, code in zip(rule.leaves, _leaf_codes(key))
                             if code == UNKNOWN})
            possible = self._tech_head[t] + b',"depends_on":' + _static(fields) + b"}"
        self._applied[t][key] = applied
        self._possible[t][key] = possible

    def _next(self, ev: Evaluation) -> bytes:
        if ev.next_model is None:
            return b"null"
        grow = self.engine.grow_into.get(ev.next_model)
        data: dict[str, Any] = {"id": ev.next_model, "confidence": ev.next_confidence}
        if grow is not None:
            data.update(trigger=grow.trigger.en, trigger_reasoning=grow.reasoning)
        return _static(data)

    def _technology_of(self, t: int, ev: Evaluation) -> tuple[bytes, bytes]:
        """A checklist item with a ramp or a ratio: its entries written from its trace."""
        index = self._first_technology + t
        status = ev.rules[index]
        if status == YES:
            return self._tech_head[t] + self._why(index, None, ev) + self._document[index], b""
        if status == UNKNOWN:
            fields = self.engine.rule_trace(ev, index).unknown_fields()
            return b"", self._tech_head[t] + b',"depends_on":' + _static(fields) + b"}"
        return b"", b""

    # ---- per profile ---------------------------------------------------------------------

    def _values(self, ev: Evaluation) -> dict[bytes, bytes]:
        """Every field's slot: its value as the `why` texts show it (shown_value), JSON-escaped."""
        get = ev.facts.get
        values = {}
        for slot, field, cache in self._shown:
            value = get(field)
            text = cache.get(value)
            if text is None:  # zero is never cached: 0.0 and -0.0 are one key but print apart
                text = _dumps(shown_value(field, value))[1:-1]
                if value != 0 and len(cache) < _CACHE_LIMIT:  # integers, choices, yes/no and shares repeat
                    cache[value] = text
            values[slot] = text
        for field, note in ev.notes.items():  # a converted deal size says from what
            values[self._slot[field]] = _dumps(shown_value(field, get(field), note))[1:-1]
        for index, leaf, slot in self._ratios:
            if ev.leaves[index] != UNKNOWN:
                values[slot] = format_value(float(leaf.value(ev.facts))).encode()
        for index, degree in ev.partial_leaves.items():
            values[b"d%d" % index] = degree_text(degree).encode()
        return values

    def encode(self, source: str, ev: Evaluation, *, trace: bool = True) -> bytes:
        """One record's JSON (no newline)."""
        keys, rules = ev.keys, ev.rules
        values = self._values(ev)
        facts = list(map(ev.facts.get, EVIDENCE_FIELDS))  # as the rules compared them: deal size in USD

        winner = ev.department_model
        body = [
            b',"department_model":{"id":', _dumps(winner),
            b',"confidence":', _dumps(ev.confidence),
            b',"close_call":', b"true" if not ev.started and ev.margin < self.engine.near_tie else b"false",
            b',"scores":', _dumps({m: round(s, 4) for m, s in ev.scores.items()}),
            b',"score_ranges":', _dumps({m: [round(ev.score_low[m], 4) + 0.0, round(ev.score_high[m], 4) + 0.0] for m in ev.scores}),
            b',"decided_by":', _dumps(ev.decided_by),
            b',"runner_up":', _dumps(ev.runner_up), b',"margin":', _dumps(ev.margin),
            b',"starting_point":', self._start if ev.started else b"null",
            b',"next":', self._next(ev), b',"reasons":[',
        ]
        for n, index in enumerate(ev.model_reasons):
            points = self._points[index][winner] if rules[index] == YES else (
                b',"points":' + _static(round(self.engine.rules[index].effect["points"][winner] * ev.degree(index)[0], 4)))
            body += (b"," if n else b"", self._rule_head[index], points,
                     self._why(index, keys[index], ev), self._document[index])
        body += (
            b']},"sales_mix":{"inside_share":', _dumps(ev.inside_share),
            b',"outside_share":', _dumps(ev.outside_share),
            b',"hybrid":', b"true" if ev.hybrid_reasons else b"false",
            b',"base_inside_share":', self._base_inside,
            b',"unclamped_inside_share":', _dumps(ev.unclamped_inside_share), b',"reasons":[',
        )
        for n, index in enumerate(ev.mix_reasons):
            shift = self._shift[index] if rules[index] == YES else (
                b',"inside_shift":' + _static(round(self.engine.rules[index].effect["inside_shift"] * ev.degree(index)[0], 4)))
            body += (b"," if n else b"", self._rule_head[index], shift, self._why(index, keys[index], ev),
                     self._document[index])
        body.append(b'],"hybrid_reasons":[')
        for n, index in enumerate(ev.hybrid_reasons):
            body += (b"," if n else b"", self._rule_head[index], self._why(index, keys[index], ev), self._document[index])
        not_applicable = self.engine.mix_not_applicable(ev)
        body += (b'],"applies":', b"false" if not_applicable else b"true", b',"not_applicable_reasons":[')
        for n, index in enumerate(not_applicable):
            body += (b"," if n else b"", self._rule_head[index], self._why(index, keys[index], ev), self._document[index])
        tech_keys = keys[self._first_technology:]
        try:
            applied = list(map(dict.__getitem__, self._applied, tech_keys))
        except KeyError:  # keys not seen before: make their entries once
            for t, key in enumerate(tech_keys):
                if key not in self._applied[t]:
                    self._technology(t, key)
            applied = list(map(dict.__getitem__, self._applied, tech_keys))
        possible = list(map(dict.__getitem__, self._possible, tech_keys))
        for t in self._special_techs:
            applied[t], possible[t] = self._technology_of(t, ev)
        body += (
            b']},"sales_kinds":', _dumps(self.engine.sales_kinds(ev)),
            b',"technologies":[', b",".join(filter(None, applied)),
            b'],"possible_technologies":[', b",".join(filter(None, possible)),
            b'],"unknown_fields":', _dumps(list(compress(EVIDENCE_FIELDS, map(is_, facts, repeat(None))))),
            self._tail,
        )
        if trace:
            groups: tuple[list[bytes], ...] = ([], [], [], [])  # by outcome code
            for rule, code in zip(self._quoted_ids, rules):
                groups[code].append(rule)
            body += (
                b',"facts":', _dumps(dict(zip(EVIDENCE_FIELDS, facts))),
                b',"trace":{"fired":[', b",".join(groups[YES]), b'],"partial":[', b",".join(groups[PARTIAL]),
                b'],"not_fired":[', b",".join(groups[NO]), b'],"unknown":[', b",".join(groups[UNKNOWN]), b"]}",
            )
        body.append(b"}")
        return b'{"source":' + _dumps(source) + b',"name":' + _dumps(ev.profile.name) + b"".join(body) % values


# ---- lean records: what the rule base fixes said once, in a header ----------------------------------

LEAN_FORMAT = "advisor-batch/lean-1"
STATUS_LETTERS = "NUFP"  # outcome code -> its letter in a lean trace: not_fired, unknown, fired, partial


def lean_header(engine: Engine) -> dict[str, Any]:
    """What every lean record of one rule base shares: the file's first record (`{"header": ...}`).

    Lean records name rules by their index into `rules`, give the facts as a list in the order
    of `facts`, and trace every rule's outcome as one letter of `trace`, in the order of `rules`.
    """
    meta = engine.rule_base.meta
    start = engine.starting_point
    return {"header": {
        "format": LEAN_FORMAT,
        "rule_base": {"name": meta.name, "version": meta.version, "sha256": engine.rule_base.sha256},
        "rules": [{"id": rule.id, "decision": rule.decision, "document": rule.source.document} for rule in engine.rules],
        "trace_letters": {"F": "fired", "P": "partial", "N": "not_fired", "U": "unknown"},
        "facts": list(EVIDENCE_FIELDS),
        "base_inside_share": engine.base_inside,
        "starting_point": {"model": start.model, "document": start.source.document, "says": start.source.says.en}
                          if start else None,
        "grow_into": {model: {"trigger": grow.trigger.en, "trigger_reasoning": grow.reasoning}
                      for model, grow in engine.grow_into.items()},
        "technologies": [{"id": item.id, "group": item.group, "rule": engine.first_technology + t}
                         for t, item in enumerate(engine.technologies)],
    }}


class LeanRecords:
    """Encodes evaluations of one engine as lean records (README: "Batch records")."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        rules = engine.rules
        self._points = {index: rule.effect["points"] for index, rule in enumerate(rules)
                        if rule.decision == "department_model"}
        self._shift = {index: rule.effect["inside_shift"] for index, rule in enumerate(rules)
                       if "inside_shift" in rule.effect}
        self._first = engine.first_technology
        self._tech_ids = [item.id for item in engine.technologies]
        # per checklist item: the fields (and per-fields) of each of its leaves, for depends_on
        self._tech_leaves = [[(leaf, tuple(n for n in (engine.leaves[leaf].field, engine.leaves[leaf].per) if n))
                              for leaf in rules[self._first + t].leaves] for t in range(len(self._tech_ids))]
        self._letters = [ord(letter) for letter in STATUS_LETTERS]

    def encode(self, source: str, ev: Evaluation, *, trace: bool = True) -> bytes:
        """One lean record's JSON (no newline)."""
        engine = self.engine
        rules, winner = ev.rules, ev.department_model
        reasons = []
        for index in ev.model_reasons:
            points = self._points[index][winner]
            reasons.append({"rule": index, "points": points if rules[index] == YES
                            else round(points * ev.degree(index)[0], 4)})
        shifts = []
        for index in ev.mix_reasons:
            shift = self._shift[index]
            shifts.append({"rule": index, "inside_shift": shift if rules[index] == YES
                           else round(shift * ev.degree(index)[0], 4)})
        not_applicable = engine.mix_not_applicable(ev)
        applied: list[str] = []
        possible: dict[str, list[str]] = {}
        leaves = ev.leaves
        for t, status in enumerate(rules[self._first:]):
            if status == YES:
                applied.append(self._tech_ids[t])
            elif status == UNKNOWN:
                fields = sorted({n for leaf, names in self._tech_leaves[t] if leaves[leaf] == UNKNOWN for n in names})
                possible[self._tech_ids[t]] = fields
        facts = list(map(ev.facts.get, EVIDENCE_FIELDS))
        record: dict[str, Any] = {
            "source": source,
            "name": ev.profile.name,
            "department_model": {
                "id": winner,
                "confidence": ev.confidence,
                "close_call": not ev.started and ev.margin < engine.near_tie,
                "scores": {m: round(s, 4) for m, s in ev.scores.items()},
                "score_ranges": {m: [round(ev.score_low[m], 4) + 0.0, round(ev.score_high[m], 4) + 0.0]
                                 for m in ev.scores},
                "decided_by": ev.decided_by,
                "runner_up": ev.runner_up,
                "margin": ev.margin,
                "next": None if ev.next_model is None else {"id": ev.next_model, "confidence": ev.next_confidence},
                "reasons": reasons,
            },
            "sales_mix": {
                "inside_share": ev.inside_share,
                "outside_share": ev.outside_share,
                "hybrid": bool(ev.hybrid_reasons),
                "unclamped_inside_share": ev.unclamped_inside_share,
                "reasons": shifts,
                "hybrid_reasons": ev.hybrid_reasons,
                "applies": not not_applicable,
                "not_applicable_reasons": not_applicable,
            },
            "sales_kinds": engine.sales_kinds(ev),
            "technologies": applied,
            "possible_technologies": possible,
            "unknown_fields": [name for name, value in zip(EVIDENCE_FIELDS, facts) if value is None],
        }
        if trace:
            record["facts"] = facts
            record["trace"] = bytes(map(self._letters.__getitem__, rules)).decode("ascii")
        return _dumps(record)


def resolved(header: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """A lean record with its header's names put back: rule ids for indexes, each reason's document,
    technologies with their groups, facts by field name and the trace as {status: [rule ids]}."""
    rules = header["rules"]
    groups = {item["id"]: item["group"] for item in header["technologies"]}

    def rule(index: int, **more: Any) -> dict[str, Any]:
        return {"rule": rules[index]["id"], **more, "document": rules[index]["document"]}

    model, mix = dict(record["department_model"]), dict(record["sales_mix"])
    model["reasons"] = [rule(r["rule"], points=r["points"]) for r in model["reasons"]]
    mix["reasons"] = [rule(r["rule"], inside_shift=r["inside_shift"]) for r in mix["reasons"]]
    mix["hybrid_reasons"] = [rule(i) for i in mix["hybrid_reasons"]]
    mix["not_applicable_reasons"] = [rule(i) for i in mix["not_applicable_reasons"]]
    out = {**record, "department_model": model, "sales_mix": mix,
           "technologies": [{"id": t, "group": groups[t]} for t in record["technologies"]],
           "possible_technologies": [{"id": t, "group": groups[t], "depends_on": fields}
                                     for t, fields in record["possible_technologies"].items()]}
    if "trace" in record:
        names = header["trace_letters"]
        out["facts"] = dict(zip(header["facts"], record["facts"]))
        out["trace"] = {status: [r["id"] for r, letter in zip(rules, record["trace"]) if names[letter] == status]
                        for status in ("fired", "partial", "not_fired", "unknown")}
    return out


def read_records(items: Any) -> list[dict[str, Any]]:
    """The records of a `score` JSON array or JSON Lines (its lines, or its parsed items), lean ones resolved.

    Full records (`--records full`) come back as they are."""
    parsed = [orjson.loads(item) if isinstance(item, (str, bytes)) else item for item in items]
    if parsed and "header" in parsed[0]:
        header = parsed[0]["header"]
        if header.get("format") != LEAN_FORMAT:
            raise ValueError(f"records of another format: {header.get('format')!r}")
        return [resolved(header, record) for record in parsed[1:]]
    return parsed
