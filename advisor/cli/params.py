"""Command-line values turned into Python values without pydantic, when typer's own answer is plain.

typer (>= 0.29) coerces every parameter through a pydantic `TypeAdapter`; the first one built
imports most of pydantic (fields, types, JSON schema: about 200 million instructions, more than
`advisor recommend` spends on everything else but rendering). Our parameters are text, lists
of text, paths and choices, whose coercion typer does with functions of its own inside the
adapter. `Quick` calls those same functions directly, and hands any value it does not take
as it is (a bytes argument, a choice that is no choice, a path of the wrong type) to typer's
adapter, so a mistake reads exactly as typer words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from typer import _click
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path, lenient_issubclass
from typer._typing import get_args, get_origin
from typer.core import _TyperParameter


def _plain(item: Any) -> bool:
    return isinstance(item, str)


@dataclass(frozen=True)
class Quick(RuntimeParam):
    """str, list[str], Path and Enum choices as typer coerces them; anything else by typer's own adapter."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: _click.Context) -> Any:
        try:
            return self._quick(value, param, ctx)
        except (ValueError, BadParameter):
            pass  # typer's adapter words the message
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def _quick(self, value: Any, param: _TyperParameter, ctx: _click.Context) -> Any:
        annotation, info = self.annotation, self.parameter_info
        if info.parser is None and self.descriptor.file_annotation is None:
            if annotation is str and _plain(value):
                return value
            if get_origin(annotation) is list and get_args(annotation) == (str,) and isinstance(value, (list, tuple)) \
                    and all(map(_plain, value)):
                return list(value)
            if lenient_issubclass(annotation, Enum):
                return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
            if annotation is Path and info.path_type is None and _plain(value):
                return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        raise ValueError("not a plain value")


def quicken(params: list[_click.Parameter]) -> None:
    """Give each of typer's parameters in `params` that has no coercion yet the quick one."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = Quick(descriptor.parameter_info, descriptor.annotation, descriptor)
