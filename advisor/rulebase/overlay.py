"""A consultant's rule base that extends another: override, disable and add rules by id.

rulebase.yaml says `extends: builtin` (or a folder, relative to this one) and gives its
own name and version. Every other file is optional and holds only changes:
`rules:` (a rule with a base rule's id replaces it; a new id adds a rule), `disable:`
(ids to drop), and for the mix its base share and range; currency rates merge by code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from advisor import cache
from advisor.errors import RuleBaseError
from advisor.rulebase import schema
from advisor.rulebase.loader import (
    RuleBase,
    _dotted,
    _validate,
    builtin_rules_dir,
    first_error,
    load_rule_base,
    read_rule_file,
    rule_locations,
)
from advisor.suggest import did_you_mean
from advisor.yamlio import LocatedDocument

OVERLAY_FILES = {
    "department_model.yaml": schema.DepartmentModelOverlay,
    "sales_mix.yaml": schema.SalesMixOverlay,
    "technologies.yaml": schema.TechnologiesOverlay,
}


def _error(doc: LocatedDocument, path: tuple[Any, ...], message: str) -> RuleBaseError:
    line, column = doc.mark_of(path)
    return RuleBaseError(message, file=doc.file, line=line, column=column, key=_dotted(path) or None)


def _revalidate(doc: LocatedDocument, model: type[BaseModel], data: dict[str, Any]) -> Any:
    """A base decision with the overlay's settings, validated whole (e.g. a range must still hold the base)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise first_error(doc, exc) from None


STARTING_POINT = "starting_point"  # the name `disable:` takes for the department model's starting point


def _merge(doc: LocatedDocument, section: str, base: list[Any], changes: list[Any], disable: list[str],
           key=lambda item: item.id) -> tuple[list[Any], set[str]]:
    """Base items with `disable` dropped, same-id items replaced and new ones appended."""
    ids = [key(item) for item in base]
    for index, rule_id in enumerate(disable):
        if rule_id not in ids:
            raise _error(doc, ("disable", index), f"no rule '{rule_id}' to disable{did_you_mean(rule_id, ids)}")
    merged = {key(item): item for item in base if key(item) not in disable}
    own: set[str] = set()
    for index, item in enumerate(changes):
        if key(item) in own:
            raise _error(doc, (section, index, "id"), f"'{key(item)}' is changed twice in this file")
        own.add(key(item))
        merged[key(item)] = item
    return list(merged.values()), own


def load_overlay(root: Path, meta_doc: LocatedDocument, meta_raw: bytes, chain: tuple[Path, ...]) -> RuleBase:
    meta = _validate(meta_doc, schema.RuleBaseOverlayMeta)
    base_dir = builtin_rules_dir() if meta.extends == "builtin" else (root / meta.extends).resolve()
    if root.resolve() in chain or base_dir.resolve() == root.resolve():
        raise _error(meta_doc, ("extends",), "a rule base cannot extend itself")
    if not base_dir.is_dir():
        raise _error(meta_doc, ("extends",), f"no rule base folder at {base_dir}")
    base = load_rule_base(base_dir, (*chain, root.resolve()))

    digest = hashlib.sha256(base.sha256.encode())
    docs: dict[str, LocatedDocument] = {"rulebase.yaml": meta_doc}
    digest.update(b"rulebase.yaml\0" + meta_raw)
    parsed: dict[str, Any] = {}
    for name, model in OVERLAY_FILES.items():
        path = root / name
        if not cache.is_file(path):
            continue
        doc, raw = read_rule_file(path)
        digest.update(name.encode() + b"\0" + raw)
        docs[name] = doc
        parsed[name] = _validate(doc, model)

    documents = (*base.documents, *(d for d in meta.documents if d not in base.documents))
    own: set[str] = set()
    locations = dict(base.locations)
    locations.update(rule_locations(docs))

    department = base.department_model
    if "department_model.yaml" in parsed:
        change: schema.DepartmentModelOverlay = parsed["department_model.yaml"]
        doc = docs["department_model.yaml"]
        # `disable: [starting_point]` drops the base's starting point (a rule base with none)
        drop_start = STARTING_POINT in change.disable
        disable = [rule_id for rule_id in change.disable if rule_id != STARTING_POINT]
        rules, changed = _merge(doc, "rules", department.rules, change.rules, disable)
        own |= changed
        checked = _revalidate(doc, schema.DepartmentModelDecision, {
            "tie_break": change.tie_break or department.tie_break,
            "tie_break_reason": change.tie_break_reason or department.tie_break_reason,
            "near_tie_margin": department.near_tie_margin if change.near_tie_margin is None else change.near_tie_margin,
            "starting_point": change.starting_point or (None if drop_start else department.starting_point),
            "grow_into": {**department.grow_into, **change.grow_into},
            "rules": [],
        })
        department = checked.model_copy(update={"rules": rules})

    mix = base.sales_mix
    if "sales_mix.yaml" in parsed:
        change_mix: schema.SalesMixOverlay = parsed["sales_mix.yaml"]
        doc = docs["sales_mix.yaml"]
        rules, changed = _merge(doc, "rules", mix.rules, change_mix.rules, change_mix.disable)
        own |= changed
        settings = change_mix.model_dump(include={"base_inside_share", "base_source", "inside_share_range",
                                                   "range_source"}, exclude_none=True)
        mix = _revalidate(doc, schema.SalesMixDecision, {**mix.model_dump(by_alias=True), **settings, "rules": []})
        mix = mix.model_copy(update={"rules": rules})

    technologies = base.technologies
    if "technologies.yaml" in parsed:
        change_tech: schema.TechnologiesOverlay = parsed["technologies.yaml"]
        doc = docs["technologies.yaml"]
        kinds, _ = _merge(doc, "kinds", technologies.kinds, change_tech.kinds, [])
        items, changed = _merge(doc, "technologies", technologies.technologies, change_tech.technologies,
                                change_tech.disable)
        own |= {"tech." + item for item in changed}
        technologies = technologies.model_copy(update={"kinds": kinds, "technologies": items})

    currency = base.meta.currency
    if meta.currency is not None:
        currency = currency.model_copy(update={
            "usd_per_unit": {**currency.usd_per_unit, **meta.currency.usd_per_unit},
            **({"as_of": meta.currency.as_of} if meta.currency.as_of else {}),
            **({"source": meta.currency.source} if meta.currency.source else {}),
        })
    merged_meta = schema.RuleBaseMeta(name=meta.name, version=meta.version,
                                      description=meta.description or base.meta.description,
                                      documents=list(documents), currency=currency)

    _check_overlay_sources(docs, parsed, documents)
    from advisor.rulebase.loader import read_staffing

    staffing = read_staffing(root, digest, docs, tuple(documents)) or base.staffing  # an own file replaces the base's
    return RuleBase(
        path=root,
        meta=merged_meta,
        department_model=department,
        sales_mix=mix,
        technologies=technologies,
        sha256=digest.hexdigest(),
        documents=tuple(documents),
        files={**base.files, **docs},
        locations=locations,
        extends=base.label,
        own_rules=frozenset(own),
        staffing=staffing,
    )


def _check_overlay_sources(docs: dict[str, LocatedDocument], parsed: dict[str, Any], documents: tuple[str, ...]) -> None:
    for name, change in parsed.items():
        doc = docs[name]
        groups = [("rules", getattr(change, "rules", [])), ("technologies", getattr(change, "technologies", [])),
                  ("kinds", getattr(change, "kinds", []))]
        for section, items in groups:
            for index, item in enumerate(items):
                if item.source.document not in documents:
                    raise _error(doc, (section, index, "source", "document"),
                                 f"'{item.source.document}' is not one of the rule base's documents (add it to "
                                 f"documents: in rulebase.yaml){did_you_mean(item.source.document, documents)}")
