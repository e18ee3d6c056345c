"""Loading a rule base folder: YAML files validated by the schema; every error of a load located and reported together."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from advisor import cache
from advisor.errors import InputError, RuleBaseError, RuleBaseErrors
from advisor.inputs import open_input, read_bounded
from advisor.rulebase import schema
from advisor.rulebase.problems import Problems, rule_id_at, validation_errors
from advisor.slotted import _set, slotted
from advisor.suggest import closest, did_you_mean
from advisor.yamlio import LocatedDocument, decode_text, parse_yaml

FILES = {
    "rulebase.yaml": schema.RuleBaseMeta,
    "department_model.yaml": schema.DepartmentModelDecision,
    "sales_mix.yaml": schema.SalesMixDecision,
    "technologies.yaml": schema.TechnologiesDecision,
}
_M = TypeVar("_M", bound=BaseModel)


class Later:
    """A RuleBase field kept in the cache, built by `make()` when it is first read (see RuleBase.__getattr__)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


@slotted(frozen=True, hidden=("files", "locations", "_later"), uncompared=("files", "locations", "_later"))
class RuleBase:
    """A validated rule base: its metadata, three decisions, and a content hash."""

    __slots__ = ("path", "meta", "department_model", "sales_mix", "technologies", "sha256", "documents", "files",
                 "locations", "staffing", "models", "extends", "own_rules", "_later")
    path: Path
    meta: schema.RuleBaseMeta
    department_model: schema.DepartmentModelDecision
    sales_mix: schema.SalesMixDecision
    technologies: schema.TechnologiesDecision
    sha256: str
    documents: tuple[str, ...]
    files: Mapping[str, LocatedDocument]
    # where each rule (by id; checklist items as tech.<id>) is written, for located warnings
    locations: Mapping[str, tuple[LocatedDocument, tuple[Any, ...]]]
    staffing: schema.StaffingFile | None  # norms for staffing plans (staffing.yaml, optional)
    models: schema.ModelsFile | None  # pros, cons and risks of each model (models.yaml, optional)
    extends: str | None  # the label of the rule base this one extends
    own_rules: frozenset[str] | None  # in an overlay: the rules it adds or replaces
    _later: Callable[[], Any] | None  # builds `staffing`, kept in the cache, when it is first read

    def __init__(self, path: Path, meta: schema.RuleBaseMeta, department_model: schema.DepartmentModelDecision,
                 sales_mix: schema.SalesMixDecision, technologies: schema.TechnologiesDecision, sha256: str,
                 documents: tuple[str, ...], files: Mapping[str, LocatedDocument] | None = None,
                 locations: Mapping[str, tuple[LocatedDocument, tuple[Any, ...]]] | None = None,
                 staffing: "schema.StaffingFile | Later | None" = None, models: schema.ModelsFile | None = None,
                 extends: str | None = None, own_rules: frozenset[str] | None = None) -> None:
        _set(self, "path", path)
        _set(self, "meta", meta)
        _set(self, "department_model", department_model)
        _set(self, "sales_mix", sales_mix)
        _set(self, "technologies", technologies)
        _set(self, "sha256", sha256)
        _set(self, "documents", documents)
        _set(self, "files", {} if files is None else files)
        _set(self, "locations", {} if locations is None else locations)
        if type(staffing) is Later:  # the slot stays empty until __getattr__ fills it
            _set(self, "_later", staffing.make)
        else:
            _set(self, "staffing", staffing)
            _set(self, "_later", None)
        _set(self, "models", models)
        _set(self, "extends", extends)
        _set(self, "own_rules", own_rules)

    def __getattr__(self, name: str) -> Any:
        """`staffing` when it is first read, built from the cache (only an empty slot comes here)."""
        if name != "staffing" or self._later is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self._later()
        _set(self, "staffing", value)
        _set(self, "_later", None)
        return value

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


def read_rule_file(path: Path) -> tuple[LocatedDocument, bytes]:
    """A rule file parsed, and its bytes for the hash: read once, errors as RuleBaseError."""
    try:
        with open_input(path) as handle:
            raw = read_bounded(handle, str(path))
        # the parse is kept between runs, keyed by these bytes; validation runs every time
        return cache.cached_yaml(raw, str(path), lambda: parse_yaml(decode_text(raw), str(path))), raw
    except OSError as exc:
        raise RuleBaseError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except InputError as exc:
        raise RuleBaseError(exc.message, file=exc.file or str(path), line=exc.line, key=exc.key,
                            column=exc.column) from None


def read_into(path: Path, problems: Problems) -> tuple[LocatedDocument, bytes] | None:
    """A rule file parsed and its bytes, or None with its problems noted; the mistakes a read
    can step over (a duplicate key) are noted too, and the rest of the file is still read."""
    raw = read_bytes_into(path, problems)
    if raw is None:
        return None
    doc = parse_into(path, raw, problems)
    return None if doc is None else (doc, raw)


def read_bytes_into(path: Path, problems: Problems | None) -> bytes | None:
    """A rule file's bytes (bounded), or None with why noted in `problems` (when given)."""
    try:
        with open_input(path) as handle:
            return read_bounded(handle, str(path))
    except OSError as exc:
        if problems is not None:
            problems.add(RuleBaseError(f"cannot read: {exc.strerror}", file=str(path)))
    except InputError as exc:
        if problems is not None:
            problems.add(RuleBaseError(exc.message, file=exc.file or str(path), line=exc.line, key=exc.key,
                                       column=exc.column))
    return None


def parse_into(path: Path, raw: bytes, problems: Problems) -> LocatedDocument | None:
    """A rule file's bytes parsed, or None with its problems noted (see read_into)."""
    try:
        # the parse is kept between runs, keyed by these bytes; validation runs every time
        doc = cache.cached_yaml(raw, str(path), lambda: parse_yaml(decode_text(raw), str(path), keep_going=True))
    except InputError as exc:
        problems.add(RuleBaseError(exc.message, file=exc.file or str(path), line=exc.line, key=exc.key,
                                   column=exc.column))
        return None
    for problem in doc.problems:
        problems.add(RuleBaseError(problem.message, file=problem.file, line=problem.line, key=problem.key,
                                   column=problem.column))
    return doc


def first_error(doc: LocatedDocument, exc: ValidationError, base: tuple[Any, ...] = (),
                model: type[BaseModel] | None = None) -> RuleBaseError:
    """The first problem (by line) of a validation, located in `doc`, for loads that stop at one."""
    return RuleBaseErrors(validation_errors(doc, exc, model, base)).errors[0]


def validate_into(doc: LocatedDocument, model: type[_M], problems: Problems, raw: bytes | None = None) -> _M | None:
    """`doc` validated by `model`, or None with every problem of it noted.

    With the file's bytes `raw`, a file validated on an earlier run is rebuilt from the cache
    (advisor/rulebase/stored.py) instead; what changed is validated.
    """
    if doc.data is None:
        problems.add(RuleBaseError("empty file: expected a mapping", file=doc.file, line=1))
        return None
    if not isinstance(doc.data, dict):
        problems.add(RuleBaseError(f"expected a mapping at the top, got {type(doc.data).__name__}",
                                   file=doc.file, line=1))
        return None
    if raw is not None:
        from advisor.rulebase.stored import validated

        return validated("rules", raw, model, lambda: validate_into(doc, model, problems))
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for error in validation_errors(doc, exc, model):
            problems.add(error)
        return None


def check_unknown_files(root: Path, names: list[str], problems: Problems) -> None:
    """A YAML file the loader never reads is a mistake to say, not to ignore (rule tests live in tests/)."""
    stems = {Path(name).stem: name for name in RULE_FILES}
    for name in names:
        if name.startswith(".") or not name.endswith((".yaml", ".yml")) or name in RULE_FILES:
            continue
        if not (root / name).is_file():
            continue
        meant = closest(Path(name).stem, stems, cutoff=0.75)  # 'my-rules' is not a misspelt 'rulebase'
        hint = f" (did you mean '{stems[meant]}'?)" if meant else ""
        problems.add(RuleBaseError(f"unknown rule file, never read{hint}; a rule base folder holds only "
                                   f"{', '.join(RULE_FILES)} and tests/", file=str(root / name)))


def list_folder(root: Path, problems: Problems) -> list[str]:
    try:
        return sorted(os.listdir(root))
    except OSError as exc:
        problems.add(RuleBaseError(f"cannot list the folder: {exc.strerror}", file=str(root)))
        return []


def load_rule_base(directory: Path | None = None, _chain: tuple[Path, ...] = ()) -> RuleBase:
    """Load and validate the rule base in `directory` (the built-in one by default).

    A rule base whose rulebase.yaml says `extends: builtin` (or a folder) is an overlay.
    Every problem of the load is raised at the end, together (RuleBaseErrors).
    """
    root = Path(directory) if directory is not None else builtin_rules_dir()
    problems = Problems()
    if not root.is_dir():
        problems.add(RuleBaseError("rule base folder not found", file=str(root)))
        problems.check()
    if not (root / "rulebase.yaml").is_file():  # not a rule base at all: its other files mean nothing
        problems.add(RuleBaseError(f"missing rulebase.yaml; a rule base folder holds {', '.join(FILES)}",
                                   file=str(root)))
        problems.check()
    names = list_folder(root, problems)
    check_unknown_files(root, names, problems)
    meta_read = read_into(root / "rulebase.yaml", problems)
    meta_data = meta_read[0].data if meta_read else None
    if isinstance(meta_data, dict) and "extends" in meta_data:
        from advisor.rulebase.overlay import load_overlay

        assert meta_read is not None
        return load_overlay(root, *meta_read, _chain, problems)

    if meta_read is not None and not problems.found:
        raws = _rule_bytes(root, names, meta_read[1])
        if raws is not None:  # every file read: the whole load, from the cache when these bytes were loaded before
            from advisor.rulebase.stored import stored_rule_base

            return stored_rule_base(root, raws, meta_read[0], lambda: _load_files(root, names, meta_read, problems, raws))
    return _load_files(root, names, meta_read, problems)


def _rule_bytes(root: Path, names: list[str], meta: bytes) -> dict[str, bytes] | None:
    """The bytes of every file the load reads, by name in RULE_FILES' order; None when one is missing or
    unreadable (the full load then says why)."""
    raws = {"rulebase.yaml": meta}
    for name in RULE_FILES[1:]:
        path = root / name
        if name in FILES:
            if name not in names:
                return None
        elif not path.is_file():  # an optional file the folder does not have
            continue
        raw = read_bytes_into(path, None)
        if raw is None:
            return None
        raws[name] = raw
    return raws


def hashed_file(name: str, raw: bytes) -> bytes:
    """What a rule base's content hash takes of one of its files: the name and the bytes."""
    return name.encode() + b"\0" + raw + b"\0"


def rule_base_digest(raws: dict[str, bytes]) -> str:
    """The content hash of a rule base: each file's name and bytes, in RULE_FILES' order."""
    digest = hashlib.sha256()
    for name, raw in raws.items():
        digest.update(hashed_file(name, raw))
    return digest.hexdigest()


def _load_files(root: Path, names: list[str], meta_read: tuple[LocatedDocument, bytes] | None, problems: Problems,
                raws: dict[str, bytes] | None = None) -> RuleBase:
    """Every file of a (complete) rule base parsed and validated, each from the cache where it can be; with
    `raws` (each file's bytes, already read), those bytes."""
    def read(path: Path) -> tuple[LocatedDocument, bytes] | None:
        if raws is None or path.name not in raws:
            return read_into(path, problems)
        doc = parse_into(path, raws[path.name], problems)
        return None if doc is None else (doc, raws[path.name])

    digest = hashlib.sha256()
    parsed: dict[str, Any] = {}
    docs: dict[str, LocatedDocument] = {}
    for name, model in FILES.items():
        if name not in names:
            problems.add(RuleBaseError(f"missing {name}; a rule base folder holds {', '.join(FILES)}", file=str(root)))
            continue
        read_file = meta_read if name == "rulebase.yaml" else read(root / name)
        if read_file is None:
            continue
        doc, raw = read_file
        digest.update(hashed_file(name, raw))
        docs[name] = doc
        if meta_read is not None:  # with rulebase.yaml unreadable, which schema the files follow is unknown
            parsed[name] = validate_into(doc, model, problems, raw)
    meta: schema.RuleBaseMeta | None = parsed.get("rulebase.yaml")
    documents = tuple(meta.documents) if meta is not None else None
    staffing, hashed = read_optional(root, STAFFING_FILE, schema.StaffingFile, docs, problems, read)
    digest.update(hashed)
    models, hashed = read_optional(root, MODELS_FILE, schema.ModelsFile, docs, problems, read)
    digest.update(hashed)
    _check_cross_references(docs, documents, problems)
    problems.check()
    assert meta is not None and documents is not None
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
        models=models,
    )


STAFFING_FILE = "staffing.yaml"
MODELS_FILE = "models.yaml"
RULE_FILES = (*FILES, STAFFING_FILE, MODELS_FILE)  # every file of a rule folder the loader reads


def read_optional(root: Path, name: str, model: type, docs: dict[str, LocatedDocument],
                  problems: Problems, read: Any = None) -> tuple[Any, bytes]:
    """An optional rule file (staffing.yaml, models.yaml) if the folder has one: validated, and what
    to hash of it (b"" without one); the documents it cites are checked with the rest."""
    path = root / name
    if not path.is_file():
        return None, b""
    read_file = read_into(path, problems) if read is None else read(path)
    if read_file is None:
        return None, b""
    doc, raw = read_file
    docs[name] = doc
    return validate_into(doc, model, problems, raw), hashed_file(name, raw)


def read_staffing(root: Path, docs: dict[str, LocatedDocument],
                  problems: Problems) -> tuple[schema.StaffingFile | None, bytes]:
    return read_optional(root, STAFFING_FILE, schema.StaffingFile, docs, problems)


def read_models(root: Path, docs: dict[str, LocatedDocument],
                problems: Problems) -> tuple[schema.ModelsFile | None, bytes]:
    return read_optional(root, MODELS_FILE, schema.ModelsFile, docs, problems)


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


def _check_cross_references(docs: dict[str, LocatedDocument], documents: tuple[str, ...] | None,
                            problems: Problems) -> None:
    """Rule ids unique across files; every source names a listed document.

    Checked on the files as written, so a file with other mistakes is checked too.
    """
    seen: dict[str, str] = {}
    for name, section, prefix in (("department_model.yaml", "rules", ""), ("sales_mix.yaml", "rules", ""),
                                  ("technologies.yaml", "technologies", "tech.")):
        doc = docs.get(name)
        items = doc.data.get(section) if doc is not None and isinstance(doc.data, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            rule_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(rule_id, str):
                continue
            rule_id = prefix + rule_id
            if rule_id in seen:
                problems.at(doc, (section, index, "id"), f"duplicate rule id '{rule_id}' (first in {seen[rule_id]})")
            else:
                seen[rule_id] = name
    if documents is not None:
        check_cited_documents(docs, documents, problems)


def check_cited_documents(docs: dict[str, LocatedDocument], documents: tuple[str, ...], problems: Problems,
                          hint: str = "") -> None:
    """Every source (a mapping under `source` or `*_source`) in `docs` names one of `documents`."""
    for name, doc in docs.items():
        if name == "rulebase.yaml":
            continue
        for path, document in cited_documents(doc.data):
            if document not in documents:
                rule = rule_id_at(doc.data, path)
                problems.at(doc, path, f"'{document}' is not one of the rule base's documents"
                            f"{did_you_mean(document, documents)}{hint}" + (f" (rule {rule})" if rule else ""))


def cited_documents(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path, document) of every source in a file as written; a node shared by YAML aliases is visited once."""
    found: list[tuple[tuple[Any, ...], str]] = []
    seen: set[int] = set()
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in children:
            if isinstance(key, str) and (key == "source" or key.endswith("_source")) and isinstance(value, dict):
                if isinstance(value.get("document"), str):
                    found.append(((*path, key, "document"), value["document"]))
            elif isinstance(value, (dict, list)):
                stack.append(((*path, key), value))
    return found
