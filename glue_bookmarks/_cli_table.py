"""The tables of the `glue-bookmarks` command: columns two spaces apart, fitted to a width.

Pure functions, cells in and lines out. Given no width, every cell is printed in full, each
column as wide as its widest cell. Given a terminal's width, a table wider than that is made
narrower in three steps, each only as far as needed: the columns of text (a finding's message,
a partition's change) wrap at spaces, to no fewer than 40 columns, which loses nothing; then
the identifiers (run ids, source names) are shortened with an ellipsis in the middle, keeping
both informative ends, to no fewer than 12 characters; then the text wraps narrower, down to
its longest word, or to its column's `narrowest` with longer words broken. A table whose other
columns alone are wider than the terminal stays wider.

A character no terminal shows as itself (see `_cli_escape.shown`) is shown as its backslash
escape before the columns are measured, so the table stays aligned.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Final, Literal

import attrs

from glue_bookmarks._cli_escape import shown

__all__ = ["Column", "Row", "shorten", "table_lines"]

ELLIPSIS: Final = "…"
# The fewest characters a shortened identifier keeps: enough to tell run ids apart by eye.
_SHORTEST: Final = 12
# The fewest columns text wraps to before an identifier is shortened.
_COMFORTABLE_TEXT: Final = 40
# A note, wrapped into what is left of the line, keeps at least this much.
_NARROWEST_NOTE: Final = 20
_GAP: Final = 2


@attrs.frozen
class Column:
    """A column: its header, and how a cell is made narrower.

    `keep` is never narrowed (numbers, times, names people search for); `shorten` loses its
    middle to an ellipsis (identifiers); `wrap` breaks at spaces onto more lines (text): down
    to its longest word, or with `narrowest` set, down to that, breaking longer words.
    """

    header: str
    fit: Literal["keep", "shorten", "wrap"] = "keep"
    narrowest: int | None = None


@attrs.frozen
class Row:
    """The cells of a row, from the first column; `note`, if any, takes the place of the
    columns after them, to the end of the line, and does not widen them."""

    cells: tuple[str, ...]
    note: str | None = None


def shorten(text: str, width: int) -> str:
    """`text`, or its start and end around an ellipsis, in `width` characters at most."""
    if len(text) <= width:
        return text
    if width < 3:
        return text[:width]
    end = (width - 1) // 2
    return text[: width - 1 - end] + ELLIPSIS + text[len(text) - end :]


def _wrapped(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    # At spaces, not hyphens: a time or a name with hyphens stays whole unless it is longer
    # than the line.
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _cell_lines(column: Column, text: str, width: int) -> list[str]:
    if column.fit == "shorten":
        return [shorten(text, width)]
    if column.fit == "wrap":
        return _wrapped(text, width)
    return [text]


def _wrap_width(texts: Iterable[str], width: int) -> int:
    """How wide `texts` are once wrapped to `width`: no wider, often narrower."""
    return max((len(line) for text in texts for line in _wrapped(text, width)), default=0)


def _fitted(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], widths: list[int], width: int
) -> list[int]:
    """`widths`, narrowed in the three steps of the module docstring until the table fits."""
    narrowed = list(widths)
    excess = sum(narrowed) + _GAP * (len(narrowed) - 1) - width

    def wrap(floors: Sequence[int]) -> None:
        nonlocal excess
        # The widest first; each rewrapped once, as narrow as the excess asks.
        for index in sorted(range(len(columns)), key=lambda index: -narrowed[index]):
            if excess <= 0:
                return
            if columns[index].fit == "wrap" and narrowed[index] > floors[index]:
                target = max(floors[index], narrowed[index] - excess)
                now = _wrap_width((row[index] for row in cells), target)
                excess -= narrowed[index] - now
                narrowed[index] = now

    longest_word = [
        max((len(word) for row in cells for word in row[index].split()), default=0)
        for index in range(len(columns))
    ]
    wrap([max(longest, _COMFORTABLE_TEXT) for longest in longest_word])
    shortest = [max(len(column.header), _SHORTEST) for column in columns]
    while excess > 0:
        # The widest identifier gives a character, one at a time: they end up as even as
        # their floors allow.
        candidates = [
            index
            for index, column in enumerate(columns)
            if column.fit == "shorten" and narrowed[index] > shortest[index]
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda index: narrowed[index])
        narrowed[widest] -= 1
        excess -= 1
    wrap(
        [
            longest if column.narrowest is None else column.narrowest
            for column, longest in zip(columns, longest_word, strict=True)
        ]
    )
    return narrowed


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """`cells` two spaces apart, each padded to its column's width; those past `widths` and
    the end of the line are not padded."""
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
    return (" " * _GAP).join([*padded, *cells[len(widths) :]]).rstrip()


def _shown_row(row: Row, encoding: str | None) -> Row:
    return Row(
        tuple(shown(cell, encoding) for cell in row.cells),
        None if row.note is None else shown(row.note, encoding),
    )


def table_lines(
    columns: Sequence[Column],
    rows: Iterable[Row],
    width: int | None = None,
    encoding: str | None = None,
) -> list[str]:
    """The header line, then the lines of each row (more than one where a cell wraps).

    Args:
        columns: The columns, in order.
        rows: The rows; a row may have fewer cells than there are columns.
        width: The width to fit, such as the terminal's; None prints every cell in full.
        encoding: The encoding the table is to be written in, such as stdout's: a character
            it lacks is escaped as a control character is. None escapes those only.
    """
    rows = [
        Row(tuple(column.header for column in columns)),
        *(_shown_row(row, encoding) for row in rows),
    ]
    cells = [row.cells + ("",) * (len(columns) - len(row.cells)) for row in rows]
    widths = [max(len(row[index]) for row in cells) for index in range(len(columns))]
    if width is not None:
        widths = _fitted(columns, cells, widths, width)
    # Each row as the lines of each of its cells.
    blocks = [
        [
            _cell_lines(column, text, column_width)
            for column, text, column_width in zip(columns, row.cells, widths, strict=False)
        ]
        for row in rows
    ]
    # A column is as wide as its widest line once wrapped or shortened.
    for index in range(len(columns)):
        widths[index] = max(
            (len(line) for block in blocks if index < len(block) for line in block[index]),
            default=0,
        )
    lines: list[str] = []
    for row, block in zip(rows, blocks, strict=True):
        used = widths[: len(row.cells)]
        if row.note is not None:
            room = None if width is None else width - sum(used) - _GAP * len(used)
            block.append(
                [row.note] if room is None else _wrapped(row.note, max(room, _NARROWEST_NOTE))
            )
        for index in range(max(len(cell_lines) for cell_lines in block)):
            lines.append(_line([cell[index] if index < len(cell) else "" for cell in block], used))
    return lines
