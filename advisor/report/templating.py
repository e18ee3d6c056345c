"""The reports' Jinja2 environments, compiled once per process: HTML escapes every value it is
given, Markdown neutralises every value's Markdown and HTML; markup that is meant (the SVG
charts, a code span) arrives marked safe (`markupsafe.Markup`) from the one function that built it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

# Inline Markdown that a value's characters could start: emphasis, code, links and images, raw HTML
# and autolinks, table cells, strikethrough, and the escape character itself, each escaped by a
# backslash. "_" only at a word's edge: "deals_per_month" forms no emphasis.
_INLINE = re.compile(r"[\\`*\[\]<>|~]")
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # kept only between two letters or digits
_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&lt;" would show as "<"; "R&D" stays as written
# Markdown's line endings and the blanks around them; a no-break space (a CLDR thousands separator) stays.
_BLANKS = re.compile(r"[ \t\n\r\f\v]+")
# Block markers a value could open when it stands at the start of a line: a heading, a list item
# (bullet or number) and a setext underline or thematic break (a quote's ">" is escaped inline).
_LEADING = re.compile(r"^(?:(#{1,6}|[-+])(?= |$)|(\d{1,9})([.)])(?= |$)|([-=])(?=[-= ]*$))")
_LEADING_CHARS = "#+=-0123456789"


def _leading(match: re.Match) -> str:
    marker, number, dot, underline = match.groups()
    if number is not None:
        return f"{number}\\{dot}"
    return "\\" + (marker or underline)


def markdown_escape(value: Any) -> str:
    """A value as literal Markdown text: whatever its characters, it forms no tag, link, emphasis,
    code span, table cell or block. Line breaks and runs of blanks become one space, so a value
    cannot start a line of its own."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):  # marked safe where it was built
        return str(value)
    return _escaped(str(value))


@lru_cache(maxsize=8192)  # `score --report-dir` repeats the same sentences in every report
def _escaped(text: str) -> str:
    if "  " in text or not text.isprintable() or text[:1] == " " or text[-1:] == " ":
        text = _BLANKS.sub(" ", text).strip(" ")
    text = _INLINE.sub(r"\\\g<0>", text).replace("\\](", "\\]\\(")  # not even "](" of a link is left
    if "_" in text:
        text = _UNDERSCORE.sub(r"\\_", text)
    if "&" in text:
        text = _ENTITY.sub(r"\\&", text)
    if text[:1] in _LEADING_CHARS and text:
        text = _LEADING.sub(_leading, text)
    return text


def markdown_code(value: Any) -> Markup:
    """A value as an inline code span (nothing inside one is Markdown), fenced with more backticks
    than any run inside it; marked safe because the fence is the escaping."""
    text = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return Markup(f"{fence} {text} {fence}" if longest or text.startswith("`") else f"`{text}`")


@lru_cache(maxsize=None)
def _environment(kind: str) -> Environment:
    loader = PackageLoader("advisor.report", "templates")
    if kind == "html":
        env = Environment(loader=loader, autoescape=True, auto_reload=False, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)
    else:
        env = Environment(loader=loader, autoescape=False, auto_reload=False, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                          finalize=markdown_escape)
        env.filters["code"] = markdown_code
    return env


@lru_cache(maxsize=None)
def template(name: str) -> Template:
    """A report template by file name, compiled on first use and kept for the process."""
    return _environment("html" if name.endswith(".html.j2") else "markdown").get_template(name)
