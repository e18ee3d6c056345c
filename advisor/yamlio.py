"""Safe YAML reading that remembers the line of every key.

Errors in profiles and rule files must name the file, the line and the key, so the
document is composed into nodes and built by hand, recording where each path starts.
Aliases are shared, not expanded, and the number of nodes is capped, so an alias
bomb costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InputError
from advisor.slotted import slotted

try:  # the C loader composes several times faster; fall back where libyaml is absent
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the build of PyYAML
    _Loader = yaml.SafeLoader

MAX_NODES = 200_000
MAX_DEPTH = 64  # a rule file nests about 8 levels; 1,000 (libyaml's own limit) would exhaust Python's stack
Path_ = tuple[Any, ...]


@slotted()
class LocatedDocument:
    """A parsed YAML document and the 1-based line where each path begins."""

    __slots__ = ("data", "file", "lines", "columns", "problems")
    data: Any
    file: str
    lines: dict[Path_, int]
    columns: dict[Path_, int]
    # mistakes read past with keep_going (a duplicate key keeps its first value), to report with the rest
    problems: list[InputError]

    def __init__(self, data: Any, file: str, lines: dict[Path_, int] | None = None,
                 columns: dict[Path_, int] | None = None, problems: list[InputError] | None = None) -> None:
        self.data = data
        self.file = file
        self.lines = {} if lines is None else lines
        self.columns = {} if columns is None else columns
        self.problems = [] if problems is None else problems

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        return self.mark_of(path)[0]

    def mark_of(self, path: Path_) -> tuple[int | None, int | None]:
        """(line, column), both 1-based, of `path` or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path], self.columns.get(path)
            if not path:
                return None, None
            path = path[:-1]


def dotted(path: Path_) -> str:
    """('rules', 2, 'when') -> 'rules[2].when', as errors name a place in a document."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Builder:
    def __init__(self, file: str, keep_going: bool = False) -> None:
        self.file = file
        self.keep_going = keep_going
        self.problems: list[InputError] = []
        self.lines: dict[Path_, int] = {}
        self.columns: dict[Path_, int] = {}
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}  # nodes a built node stands for, its aliases expanded
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path_) -> Any:
        # An alias is shared, not copied, but counted as what it stands for: whatever reads the
        # data later (validation, an error message, a copy) walks it expanded, and a
        # billion-laughs document must stop here, not there.
        expanded = self.sizes.get(id(node), 1) if id(node) in self.built else 1
        self.count += expanded
        if self.count > MAX_NODES:
            raise InputError(
                f"document too large (over {MAX_NODES:,} values with aliases expanded; a YAML alias bomb?)",
                file=self.file,
                line=node.start_mark.line + 1,
            )
        if path not in self.lines:
            self.lines[path] = node.start_mark.line + 1
            self.columns[path] = node.start_mark.column + 1
        if id(node) in self.built:  # an alias: share the object
            return self.built[id(node)]
        if len(path) > MAX_DEPTH:
            raise InputError(f"nested more than {MAX_DEPTH} levels deep", file=self.file,
                             line=node.start_mark.line + 1)
        before = self.count
        result = self._build(node, path)
        self.sizes[id(node)] = self.count - before + 1
        return result

    def _build(self, node: yaml.Node, path: Path_) -> Any:
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            self.built[id(node)] = result
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._problem("merge keys (<<) are not supported", key_node)
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self._problem("a key must be a plain value", key_node)
                    continue
                key = self._scalar(key_node)
                if key in result:
                    self._problem("duplicate key", key_node, key=str(key), path=(*path, key))
                    continue
                child = (*path, key)
                self.lines[child] = key_node.start_mark.line + 1
                self.columns[child] = key_node.start_mark.column + 1
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            self.built[id(node)] = items
            for index, item in enumerate(node.value):
                items.append(self.build(item, (*path, index)))
            return items
        return self._scalar(node)

    def _problem(self, message: str, node: yaml.Node, key: str | None = None, path: Path_ | None = None) -> None:
        """Stop at the mistake, or note it (at its full path) and read on; the mistaken entry is left out."""
        error = InputError(message, file=self.file, line=node.start_mark.line + 1, key=key)
        if not self.keep_going:
            raise error
        error.column = node.start_mark.column + 1
        error.key = dotted(path) if path else key
        self.problems.append(error)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise InputError(
                f"bad value: {getattr(exc, 'problem', exc)}", file=self.file, line=node.start_mark.line + 1
            ) from None
        except (ValueError, OverflowError) as exc:  # 2001-13-45 read as a date; a 5,000-digit integer
            value = str(node.value)
            problem = (f"a number of {len(value):,} digits is too long" if len(value) > 40
                       else f"{value!r}: {str(exc).split(':')[0]}")
            raise InputError(f"bad value {problem}", file=self.file, line=node.start_mark.line + 1) from None


def parse_yaml(text: str, file: str, keep_going: bool = False) -> LocatedDocument:
    """Parse one YAML document from `text`; `file` names it in errors.

    With `keep_going`, a duplicate, merge or non-scalar key is noted in `problems` and
    left out instead of stopping the read, so that one run can report every mistake.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "malformed YAML"
        error = InputError(f"YAML syntax error: {problem}", file=file, line=line)
        error.column = mark.column + 1 if mark is not None else None
        raise error from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file=file) from None
    except RecursionError:  # the pure-Python parser, where libyaml is absent, recurses per level
        raise InputError(f"nested more than {MAX_DEPTH} levels deep", file=file) from None
    if node is None:
        return LocatedDocument(data=None, file=file)
    builder = _Builder(file, keep_going)
    data = builder.build(node, ())
    return LocatedDocument(data=data, file=file, lines=builder.lines, columns=builder.columns,
                           problems=builder.problems)


def read_text(path: Path) -> str:
    """A text file as str: UTF-8 (with or without BOM), else Windows-1251; bounded, errors located."""
    from advisor.inputs import decode_document, open_input, read_bounded

    with open_input(path) as handle:
        return decode_document(read_bounded(handle, str(path)), str(path))


def decode_text(raw: bytes) -> str:
    """Decode bytes the way spreadsheets and editors on Russian-locale machines write them."""
    if b"\x00" in raw[:4096]:
        raise InputError("binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def load_yaml_file(path: Path) -> LocatedDocument:
    try:
        text = read_text(path)
    except InputError as exc:
        exc.file = exc.file or str(path)
        raise
    return parse_yaml(text, str(path))
