"""Loading a rule base folder: YAML files validated by the schema, errors located by line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from advisor import cache
from advisor.errors import InputError, RuleBaseError
from advisor.rulebase import schema
from advisor.suggest import did_you_mean
from advisor.yamlio import LocatedDocument, decode_text, parse_yaml

FILES = {
    "rulebase.yaml": schema.RuleBaseMeta,
    "department_model.yaml": schema.DepartmentModelDecision,
    "sales_mix.yaml": schema.SalesMixDecision,
    "technologies.yaml": schema.TechnologiesDecision,
}
_CONDITION_TAGS = ("all", "any", "not", "leaf")
_M = TypeVar("_M", bound=BaseModel)


def _vocabulary() -> list[str]:
    """Every key a rule file may use, for did-you-mean on an unknown key."""
    words: set[str] = set()
    models: list[type[BaseModel]] = [*FILES.values(), schema.Leaf, schema.All, schema.AnyOf, schema.Not,
                                     schema.ModelRule, schema.MixRule, schema.Source, schema.Technology,
                                     schema.Titles, schema.SalesKind, schema.CurrencyTable]
    for model in models:
        for name, info in model.model_fields.items():
            words.add(info.alias or name)
    return sorted(words)


@dataclass(frozen=True)
class RuleBase:
    """A validated rule base: its metadata, three decisions, and a content hash."""

    path: Path
    meta: schema.RuleBaseMeta
    department_model: schema.DepartmentModelDecision
    sales_mix: schema.SalesMixDecision
    technologies: schema.TechnologiesDecision
    sha256: str
    documents: tuple[str, ...]
    files: dict[str, LocatedDocument] = field(default_factory=dict, repr=False, compare=False)
    # where each rule (by id; checklist items as tech.<id>) is written, for located warnings
    locations: dict[str, tuple[LocatedDocument, tuple[Any, ...]]] = field(default_factory=dict, repr=False,
                                                                           compare=False)
    staffing: schema.StaffingFile | None = None  # norms for staffing plans (staffing.yaml, optional)
    extends: str | None = None  # the label of the rule base this one extends
    own_rules: frozenset[str] | None = None  # in an overlay: the rules it adds or replaces

    @property
    def label(self) -> str:
        return f"{self.meta.name} {self.meta.version} (sha256 {self.sha256[:12]})"


def builtin_rules_dir() -> Path:
    """The rule base shipped with advisor: inside the wheel, or rules/ in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_builtin_rules", package.parent / "rules"):
        if (candidate / "rulebase.yaml").is_file():
            return candidate
    raise RuleBaseError("the built-in rule base is missing from this installation")


def _yaml_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The YAML path of a pydantic error location in `data`, dropping the union tags pydantic adds."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif part in _CONDITION_TAGS or part == "in_":
            continue
        else:
            path.append(part)  # a missing or unknown key: name it, keep the parent's line
            node = None
    return tuple(path)


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _node(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _rule_id(doc: LocatedDocument, path: tuple[Any, ...]) -> str | None:
    node = doc.data
    found = None
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


def read_rule_file(path: Path) -> tuple[LocatedDocument, bytes]:
    """A rule file parsed, and its bytes for the hash: read once, errors as RuleBaseError."""
    try:
        raw = cache.read_bytes(path)
        return parse_yaml(decode_text(raw), str(path)), raw
    except OSError as exc:
        raise RuleBaseError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except InputError as exc:
        raise RuleBaseError(exc.message, file=exc.file or str(path), line=exc.line, key=exc.key,
                            column=exc.column) from None


def first_error(doc: LocatedDocument, exc: ValidationError, base: tuple[Any, ...] = ()) -> RuleBaseError:
    """The first problem of a validation, located in `doc` (under `base` when part of it was validated)."""
    error = exc.errors()[0]  # the first problem is enough to fix; the next run shows the next one
    path = (*base, *_yaml_path(_node(doc.data, base), tuple(error["loc"])))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden" and path:
        parent = _node(doc.data, path[:-1])
        if isinstance(parent, dict) and "field" in parent:
            message = f"unknown operator '{path[-1]}'{did_you_mean(str(path[-1]), schema.OPERATORS)}"
        else:
            message = f"unknown key{did_you_mean(str(path[-1]), _vocabulary())}"
    elif error["type"] == "missing":
        message = "required key is missing"
    rule = _rule_id(doc, path)
    if rule:
        message = f"{message} (rule {rule})"
    line, column = doc.mark_of(path)
    return RuleBaseError(message, file=doc.file, line=line, key=_dotted(path) or None, column=column)


def _validate(doc: LocatedDocument, model: type[_M]) -> _M:
    if doc.data is None:
        raise RuleBaseError("empty file: expected a mapping", file=doc.file, line=1)
    if not isinstance(doc.data, dict):
        raise RuleBaseError(f"expected a mapping at the top, got {type(doc.data).__name__}", file=doc.file, line=1)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise first_error(doc, exc) from None


def load_rule_base(directory: Path | None = None, _chain: tuple[Path, ...] = ()) -> RuleBase:
    """Load and validate the rule base in `directory` (the built-in one by default).

    A rule base whose rulebase.yaml says `extends: builtin` (or a folder) is an overlay.
    """
    root = Path(directory) if directory is not None else builtin_rules_dir()
    if not root.is_dir():
        raise RuleBaseError("rule base folder not found", file=str(root))
    digest = hashlib.sha256()
    parsed: dict[str, Any] = {}
    docs: dict[str, LocatedDocument] = {}
    for name, model in FILES.items():
        path = root / name
        if not path.is_file():
            raise RuleBaseError(f"missing {name}; a rule base folder holds {', '.join(FILES)}", file=str(root))
        doc, raw = read_rule_file(path)
        if name == "rulebase.yaml" and isinstance(doc.data, dict) and "extends" in doc.data:
            from advisor.rulebase.overlay import load_overlay

            return load_overlay(root, doc, raw, _chain)
        digest.update(name.encode() + b"\0" + raw + b"\0")
        docs[name] = doc
        parsed[name] = _validate(doc, model)
    meta: schema.RuleBaseMeta = parsed["rulebase.yaml"]
    documents = tuple(meta.documents)
    _check_cross_references(docs, parsed, documents)
    staffing = read_staffing(root, digest, docs, documents)
    return RuleBase(
        path=root,
        meta=meta,
        department_model=parsed["department_model.yaml"],
        sales_mix=parsed["sales_mix.yaml"],
        technologies=parsed["technologies.yaml"],
        sha256=digest.hexdigest(),
        documents=documents,
        files=docs,
        locations=rule_locations(docs),
        staffing=staffing,
    )


STAFFING_FILE = "staffing.yaml"


def read_staffing(root: Path, digest: Any, docs: dict[str, LocatedDocument],
                  documents: tuple[str, ...]) -> schema.StaffingFile | None:
    """staffing.yaml if the folder has one: validated, hashed, its sources checked."""
    path = root / STAFFING_FILE
    if not cache.is_file(path):
        return None
    doc, raw = read_rule_file(path)
    digest.update(STAFFING_FILE.encode() + b"\0" + raw + b"\0")
    docs[STAFFING_FILE] = doc
    staffing = _validate(doc, schema.StaffingFile)
    sources = [(("norms", name, "source"), getattr(staffing.norms, name).source)
               for name in schema.StaffingNorms.model_fields]
    sources.append((("stages_source",), staffing.stages_source))
    for where, source in sources:
        if source.document not in documents:
            raise RuleBaseError(
                f"'{source.document}' is not one of the rule base's documents" + did_you_mean(source.document, documents),
                file=doc.file, line=doc.line_of((*where, "document")), key=_dotted((*where, "document")),
            )
    return staffing


def rule_locations(docs: dict[str, LocatedDocument]) -> dict[str, tuple[LocatedDocument, tuple[Any, ...]]]:
    """Rule id -> (the document, the path of the rule in it)."""
    found: dict[str, tuple[LocatedDocument, tuple[Any, ...]]] = {}
    for name, section, prefix in (("department_model.yaml", "rules", ""), ("sales_mix.yaml", "rules", ""),
                                  ("technologies.yaml", "technologies", "tech."),
                                  ("technologies.yaml", "kinds", "kind.")):
        doc = docs.get(name)
        items = doc.data.get(section) if doc is not None and isinstance(doc.data, dict) else None
        for index, item in enumerate(items or []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found[prefix + item["id"]] = (doc, (section, index))
    return found


def _check_cross_references(
    docs: dict[str, LocatedDocument], parsed: dict[str, Any], documents: tuple[str, ...]
) -> None:
    """Rule ids unique across files; every source names a listed document."""
    seen: dict[str, str] = {}

    def check(file: str, path: tuple[Any, ...], rule_id: str | None, source: schema.Source,
              source_path: tuple[Any, ...] | None = None) -> None:
        doc = docs[file]
        if rule_id is not None:
            if rule_id in seen:
                raise RuleBaseError(
                    f"duplicate rule id '{rule_id}' (first in {seen[rule_id]})",
                    file=doc.file, line=doc.line_of((*path, "id")), key=_dotted((*path, "id")),
                )
            seen[rule_id] = file
        if source.document not in documents:
            where = (*(source_path or (*path, "source")), "document")
            raise RuleBaseError(
                f"'{source.document}' is not one of the rule base's documents"
                + did_you_mean(source.document, documents),
                file=doc.file, line=doc.line_of(where), key=_dotted(where),
            )

    sales_mix: schema.SalesMixDecision = parsed["sales_mix.yaml"]
    check("sales_mix.yaml", (), None, sales_mix.base_source, ("base_source",))
    if sales_mix.range_source is not None:
        check("sales_mix.yaml", (), None, sales_mix.range_source, ("range_source",))
    for i, rule in enumerate(parsed["department_model.yaml"].rules):
        check("department_model.yaml", ("rules", i), rule.id, rule.source)
    for i, rule in enumerate(sales_mix.rules):
        check("sales_mix.yaml", ("rules", i), rule.id, rule.source)
    technologies: schema.TechnologiesDecision = parsed["technologies.yaml"]
    for i, kind in enumerate(technologies.kinds):
        check("technologies.yaml", ("kinds", i), None, kind.source)
    for i, item in enumerate(technologies.technologies):
        check("technologies.yaml", ("technologies", i), "tech." + item.id, item.source)
