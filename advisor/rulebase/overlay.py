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

from advisor.errors import RuleBaseError
from advisor.rulebase import schema
from advisor.rulebase.loader import (
    RuleBase,
    builtin_rules_dir,
    check_cited_documents,
    load_rule_base,
    read_into,
    read_models,
    read_staffing,
    rule_locations,
    validate_into,
)
from advisor.rulebase.problems import Problems, validation_errors
from advisor.suggest import did_you_mean
from advisor.yamlio import LocatedDocument

OVERLAY_FILES = {
    "department_model.yaml": schema.DepartmentModelOverlay,
    "sales_mix.yaml": schema.SalesMixOverlay,
    "technologies.yaml": schema.TechnologiesOverlay,
}


def _revalidate(doc: LocatedDocument, model: type[BaseModel], data: dict[str, Any], problems: Problems) -> Any:
    """A base decision with the overlay's settings, validated whole (e.g. a range must still hold the base)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in validation_errors(doc, exc, model):
            problems.add(error)
        return None


STARTING_POINT = "starting_point"  # the name `disable:` takes for the department model's starting point


def _merge(base: list[Any], changes: list[Any], disable: list[str],
           key=lambda item: item.id) -> tuple[list[Any], set[str]]:
    """Base items with `disable` dropped, same-id items replaced and new ones appended."""
    merged = {key(item): item for item in base if key(item) not in disable}
    own: set[str] = set()
    for item in changes:
        own.add(key(item))
        merged[key(item)] = item
    return list(merged.values()), own


def _check_changes(doc: LocatedDocument, base_ids: list[str], sections: tuple[str, ...], problems: Problems) -> None:
    """`disable` names rules of the base; no id is changed twice. On the file as written, so a file
    with other mistakes is checked too."""
    data = doc.data if isinstance(doc.data, dict) else {}
    disable = data.get("disable")
    for index, rule_id in enumerate(disable if isinstance(disable, list) else []):
        if isinstance(rule_id, str) and rule_id not in base_ids:
            problems.at(doc, ("disable", index), f"no rule '{rule_id}' to disable{did_you_mean(rule_id, base_ids)}")
    for section in sections:
        items = data.get(section)
        seen: set[str] = set()
        for index, item in enumerate(items if isinstance(items, list) else []):
            item_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(item_id, str) and item_id in seen:
                problems.at(doc, (section, index, "id"), f"'{item_id}' is changed twice in this file")
            elif isinstance(item_id, str):
                seen.add(item_id)


def load_overlay(root: Path, meta_doc: LocatedDocument, meta_raw: bytes, chain: tuple[Path, ...],
                 problems: Problems) -> RuleBase:
    """The rule base `root` extends, with the changes in `root`'s files; every problem raised together."""
    meta: schema.RuleBaseOverlayMeta | None = validate_into(meta_doc, schema.RuleBaseOverlayMeta, problems)
    # What it extends and the documents it adds are read as written, so that a mistake
    # elsewhere in rulebase.yaml does not hide the mistakes the rest of the folder has.
    written = meta_doc.data if isinstance(meta_doc.data, dict) else {}
    extends, own_documents = written.get("extends"), written.get("documents", [])
    base: RuleBase | None = None
    if isinstance(extends, str):
        base_dir = builtin_rules_dir() if extends == "builtin" else (root / extends).resolve()
        if root.resolve() in chain or base_dir.resolve() == root.resolve():
            problems.at(meta_doc, ("extends",), "a rule base cannot extend itself")
        elif not base_dir.is_dir():
            problems.at(meta_doc, ("extends",), f"no rule base folder at {base_dir}")
        else:
            try:
                base = load_rule_base(base_dir, (*chain, root.resolve()))
            except RuleBaseError as exc:  # the base's own problems, reported with this folder's
                problems.add(exc)

    docs: dict[str, LocatedDocument] = {"rulebase.yaml": meta_doc}
    digest = hashlib.sha256(base.sha256.encode() if base is not None else b"")
    digest.update(b"rulebase.yaml\0" + meta_raw)
    parsed: dict[str, Any] = {}
    for name, model in OVERLAY_FILES.items():
        path = root / name
        if not path.is_file():
            continue
        read = read_into(path, problems)
        if read is None:
            continue
        doc, raw = read
        digest.update(name.encode() + b"\0" + raw)
        docs[name] = doc
        validated = validate_into(doc, model, problems)
        if validated is not None:
            parsed[name] = validated
    own_staffing, hashed = read_staffing(root, docs, problems)
    digest.update(hashed)
    own_models, hashed = read_models(root, docs, problems)
    digest.update(hashed)
    if base is not None:
        ids = {"department_model.yaml": ([r.id for r in base.department_model.rules] + [STARTING_POINT],
                                         ("rules",)),
               "sales_mix.yaml": ([r.id for r in base.sales_mix.rules], ("rules",)),
               "technologies.yaml": ([t.id for t in base.technologies.technologies], ("kinds", "technologies"))}
        for name, doc in docs.items():
            if name in ids:
                _check_changes(doc, *ids[name], problems)
        if isinstance(own_documents, list) and all(isinstance(d, str) for d in own_documents):
            documents = (*base.documents, *(d for d in own_documents if d not in base.documents))
            check_cited_documents(docs, documents, problems, hint="; to cite it, add it to documents: in rulebase.yaml")
    problems.check()
    assert meta is not None and base is not None
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
        rules, changed = _merge(department.rules, change.rules, disable)
        own |= changed
        checked = _revalidate(doc, schema.DepartmentModelDecision, {
            "tie_break": change.tie_break or department.tie_break,
            "tie_break_reason": change.tie_break_reason or department.tie_break_reason,
            "near_tie_margin": department.near_tie_margin if change.near_tie_margin is None else change.near_tie_margin,
            "starting_point": change.starting_point or (None if drop_start else department.starting_point),
            "grow_into": {**department.grow_into, **change.grow_into},
            "rules": [],
        }, problems)
        if checked is not None:
            department = checked.model_copy(update={"rules": rules})

    mix = base.sales_mix
    if "sales_mix.yaml" in parsed:
        change_mix: schema.SalesMixOverlay = parsed["sales_mix.yaml"]
        doc = docs["sales_mix.yaml"]
        rules, changed = _merge(mix.rules, change_mix.rules, change_mix.disable)
        own |= changed
        settings = change_mix.model_dump(include={"base_inside_share", "base_source", "inside_share_range",
                                                   "range_source"}, exclude_none=True)
        checked = _revalidate(doc, schema.SalesMixDecision, {**mix.model_dump(by_alias=True), **settings, "rules": []},
                              problems)
        if checked is not None:
            mix = checked.model_copy(update={"rules": rules})

    technologies = base.technologies
    if "technologies.yaml" in parsed:
        change_tech: schema.TechnologiesOverlay = parsed["technologies.yaml"]
        kinds, _ = _merge(technologies.kinds, change_tech.kinds, [])
        items, changed = _merge(technologies.technologies, change_tech.technologies, change_tech.disable)
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

    staffing = own_staffing or base.staffing  # an own file replaces the base's
    models = own_models or base.models  # likewise
    problems.check()  # the merged decisions validated whole
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
        models=models,
    )
