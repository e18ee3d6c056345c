"""rich's layout of plain text, for output without colour, without importing rich's console.

Without colour (a pipe, NO_COLOR) rich writes characters only, and what decides them is its
layout: word wrap, table column widths, panels, padding. Importing and running rich's
console for that costs about a third of `advisor recommend`. The few pieces render/text.py
uses (Text, Table.grid, Padding, Panel, Group) are mirrored here with rich's own rules and
rich's own wrapping and cell-width rules (rich._wrap, rich.cells, which import nothing
heavy), so the bytes are rich's. Whatever these pieces do not cover as rich does (a column
squeezed below its words, tabs, control characters, a non-UTF-8 stream) raises `Unplain`,
and the caller renders with rich. tests/test_plain_render.py holds the two to the same bytes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import IO, Any, Union

from rich._wrap import divide_line
from rich.cells import _SINGLE_CELLS, cell_len, get_character_cell_size, set_cell_size


_EMOJI = re.compile(r":\S*?:")  # what rich's emoji_replace looks at (it replaces the names it knows)
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # control characters and tabs; not the newline
_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap's word: the word and the blanks around it
_single_cells = _SINGLE_CELLS.issuperset  # rich.cells' test for a text of one cell a character
_NOT_SINGLE = dict.fromkeys(map(ord, _SINGLE_CELLS))  # str.translate's table that drops those characters


class Unplain(Exception):
    """A layout this module does not reproduce exactly: render with rich instead."""


def _checked(text: str) -> str:
    if _CONTROL.search(text):
        raise Unplain("a control character or a tab")
    return text


def _cells(text: str) -> int:
    """rich.cells.cell_len: the characters of one cell counted at once (rich steps through every character
    of a text that has one of any other width; a line of the drawing with a dash or an arrow has)."""
    if _single_cells(text):
        return len(text)
    if "\u200d" in text or "\ufe0f" in text:  # joined or emoji-styled characters: rich's grapheme rules
        return cell_len(text)
    others = text.translate(_NOT_SINGLE)
    return len(text) - len(others) + sum(map(get_character_cell_size, others))


def _divide(line: str, width: int, fold: bool) -> list[int]:
    """rich._wrap.divide_line measured by _cells; a line with a word wider than `width` goes to rich's own."""
    cells = len if _single_cells(line) else _cells  # a line of one-cell characters: its words' too
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(line):  # as rich's words(): each match starts where the last ended
        text = word.group()
        length = cells(text.rstrip())
        if width - offset >= length:
            offset += cells(text)
        elif length > width:
            return divide_line(line, width, fold=fold)
        elif offset and word.start():
            breaks.append(word.start())
            offset = cells(text)
    return breaks


def _fit(line: str, width: int, overflow: str) -> str:
    """Text.truncate: a line longer than `width` cells cut to it (with … for ellipsis)."""
    if _cells(line) > width:
        return set_cell_size(line, width - 1) + "…" if overflow == "ellipsis" else set_cell_size(line, width)
    return line


def _pad(line: str, width: int) -> str:
    """Segment.split_and_crop_lines with pad: cropped or padded to exactly `width` cells."""
    length = _cells(line)
    if length < width:
        return line + " " * (width - length)
    return set_cell_size(line, width) if length > width else line


def wrap(plain: str, width: int, justify: str = "default", overflow: str = "fold", no_wrap: bool = False) -> list[str]:
    """Text.wrap of an unstyled text."""
    if width < 1:
        raise Unplain("no room")
    lines = []
    for line in plain.split("\n"):
        if no_wrap:
            pieces = [line]
        else:
            offsets = _divide(line, width, overflow == "fold")
            pieces = [line[a:b] for a, b in zip([0, *offsets], [*offsets, len(line)])]
            pieces = [_rstrip_end(p, width) for p in pieces]
        for piece in pieces:
            if justify == "left":
                piece = _fit(piece, width, overflow)
                piece += " " * max(0, width - _cells(piece))
            elif justify == "right":
                piece = _fit(piece.rstrip(), width, overflow)
                piece = " " * (width - _cells(piece)) + piece
            elif justify != "default":
                raise Unplain(justify)
            lines.append(_fit(piece, width, overflow))
    return lines


def _rstrip_end(piece: str, width: int) -> str:
    if len(piece) > width:
        stripped = piece.rstrip()
        excess = len(piece) - width
        return piece[:len(piece) - min(len(piece) - len(stripped), excess)]
    return piece


class Text:
    """rich.text.Text as plain characters: styles are accepted and dropped (no colour here)."""

    def __init__(self, text: str = "", style: Any = None) -> None:
        self.plain = _checked(text)

    def append(self, text: Union[str, Text], style: Any = None) -> Text:
        self.plain += text.plain if isinstance(text, Text) else _checked(text)
        return self

    def __add__(self, other: Union[str, Text]) -> Text:
        return Text(self.plain).append(other)

    @classmethod
    def assemble(cls, *parts: Union[str, Text, tuple[str, Any]], **_: Any) -> Text:
        text = cls()
        for part in parts:
            text.append(part[0] if isinstance(part, tuple) else part)
        return text

    def measure(self) -> tuple[int, int]:
        lines = self.plain.splitlines()
        widest = max((_cells(line) for line in lines), default=0)
        words = self.plain.split()
        return (max(_cells(word) for word in words) if words else widest), widest

    def lines(self, width: int, justify: str = "default", overflow: str = "fold", no_wrap: bool = False) -> list[str]:
        return [_pad(line, width) for line in wrap(self.plain, width, justify, overflow, no_wrap)]


Renderable = Union[Text, str, "Padding", "Table", "Group", "Panel"]


def _text(item: Renderable) -> Any:
    if isinstance(item, str):
        if "[" in item:  # rich would read it as markup
            raise Unplain("markup")
        return Text(item)
    return item


def _measure(item: Renderable, width: int) -> tuple[int, int]:
    """Measurement.get: the least and most cells `item` takes, at most `width`."""
    item = _text(item)
    if isinstance(item, Text):
        low, high = item.measure()
    elif isinstance(item, Padding):
        extra = item.left
        if width - extra < 1:
            return width, width
        low, high = _measure(item.renderable, width - extra)
        low, high = low + extra, high + extra
    else:
        raise Unplain(type(item).__name__)
    low, high = min(low, high), max(low, high)  # normalize
    return min(low, width), min(high, width)


def _lines(item: Renderable, width: int, justify: str = "default", overflow: str = "fold", no_wrap: bool = False) -> list[str]:
    """console.render_lines(item, width, pad=True)."""
    item = _text(item)
    if isinstance(item, Text):
        return item.lines(width, justify, overflow, no_wrap)
    return item.lines(width)


class Padding:
    """rich.padding.Padding with a left indent only (what render/text.py uses), expanded to the width."""

    def __init__(self, renderable: Renderable, pad: tuple[int, int, int, int]) -> None:
        top, right, bottom, left = pad
        if top or right or bottom:
            raise Unplain("padding")
        self.renderable, self.left = renderable, left

    def lines(self, width: int, justify: str = "default", overflow: str = "fold", no_wrap: bool = False) -> list[str]:
        inner = width - self.left
        if inner < 1:
            raise Unplain("no room")
        return [" " * self.left + line for line in _lines(self.renderable, inner, justify, overflow, no_wrap)]


class Group:
    def __init__(self, *renderables: Renderable) -> None:
        self.renderables = renderables

    def lines(self, width: int) -> list[str]:
        return [line for item in self.renderables for line in _lines(item, width)]


class _Column:
    def __init__(self, justify: str = "left", no_wrap: bool = False) -> None:
        self.justify, self.no_wrap = justify, no_wrap


class Table:
    """rich.table.Table.grid with padding (0, 1): a blank between columns, none at the edges."""

    def __init__(self) -> None:
        self.columns: list[_Column] = []
        self.rows: list[tuple[Renderable, ...]] = []

    @classmethod
    def grid(cls, padding: tuple[int, int] = (0, 1)) -> Table:
        if padding != (0, 1):
            raise Unplain("padding")
        return cls()

    def add_column(self, justify: str = "left", no_wrap: bool = False) -> None:
        self.columns.append(_Column(justify, no_wrap))

    def add_row(self, *cells: Renderable) -> None:
        self.rows.append(cells)

    def _right(self, index: int) -> int:
        return 0 if index == len(self.columns) - 1 else 1

    def widths(self, width: int) -> list[int]:
        """Table._calculate_column_widths for a grid that is not expanded and one column that wraps."""
        if not self.rows:
            raise Unplain("an empty table")
        widths = []
        for index in range(len(self.columns)):
            right = self._right(index)
            if width - right < 1:
                raise Unplain("no room")
            high = max(_measure(row[index], width - right)[1] for row in self.rows) + right
            widths.append(min(high, width) or 1)
        excess = sum(widths) - width
        if excess > 0:
            wrapable = [not c.no_wrap for c in self.columns]
            if wrapable.count(True) != 1:
                raise Unplain("columns squeezed")
            index = wrapable.index(True)
            if widths[index] - excess < 1 + self._right(index):
                raise Unplain("columns squeezed")
            widths[index] -= excess
        return widths

    def lines(self, width: int) -> list[str]:
        widths = self.widths(width)
        out = []
        for row in self.rows:
            cells = []
            for index, (column, cell) in enumerate(zip(self.columns, row)):
                right = self._right(index)
                inner = widths[index] - right
                if inner < 1:
                    raise Unplain("no room")
                cells.append([line + " " * right for line in
                              _lines(cell, inner, column.justify, "ellipsis", column.no_wrap)])
            height = max(len(c) for c in cells)
            for index, cell in enumerate(cells):
                cell.extend([" " * widths[index]] * (height - len(cell)))
            out.extend("".join(parts) for parts in zip(*cells))
        return [_pad(line, width) for line in out]


class Panel:
    """rich.panel.Panel, expanded, rounded box, padding (0, 1), a title aligned left."""

    def __init__(self, renderable: Renderable, title: Text | str | None = None, title_align: str = "center",
                 **_: Any) -> None:
        if title is not None and title_align != "left":
            raise Unplain(title_align)
        if isinstance(title, str):
            if "[" in title or _EMOJI.search(title):  # rich reads a text title as markup, :codes: as emoji
                raise Unplain("markup")
            title = Text(title)
        self.renderable, self.title = renderable, title

    def lines(self, width: int) -> list[str]:
        if width <= 4:
            raise Unplain("no room")
        inner = [f"│ {line} │" for line in _lines(self.renderable, width - 4)]
        if self.title is None or not self.title.plain:
            top = "╭" + "─" * (width - 2) + "╮"
        else:
            title = _fit(" " + self.title.plain.replace("\n", " ") + " ", width - 4, "fold")
            top = "╭─" + title + "─" * (width - 4 - _cells(title)) + "─╮"
        return [top, *inner, "╰" + "─" * (width - 2) + "╯"]


class PlainConsole:
    """Console.print of the pieces above on a stream: no colour, no styles, rich's width."""

    no_color = True
    color_system = None

    def __init__(self, file: IO[str], width: int) -> None:
        self.file, self.width = file, width

    def print(self, renderable: Renderable) -> None:
        item = _text(renderable)
        # a bare text is wrapped, not padded; anything else fills the width
        lines = wrap(item.plain, self.width) if isinstance(item, Text) else item.lines(self.width)
        self.file.write("".join(line + "\n" for line in lines))


def console_width(environ: Mapping[str, str] = os.environ) -> int:
    """The width rich's Console gives itself: COLUMNS, else the first standard stream that is a terminal, else 80."""
    if environ.get("TERM", "").lower() in ("dumb", "unknown") or os.name == "nt":
        raise Unplain("a terminal rich treats apart")
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    width = width or 80
    if width < 20:
        raise Unplain("too narrow to bother")
    return width
