"""What the `glue-bookmarks` command may print: each character escaped that the stream cannot
write, or that a terminal would not show as itself.

Service strings can hold anything JSON can: botocore reads the JSON escape `"\\ud800"` as a
lone surrogate, which no encoding writes, and a source name can hold a newline or a terminal's
escape sequence. Pure functions, text in and text out.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["encodable", "shown"]

# Control characters (a tab or newline would break a table's row, an escape sequence would
# reach the terminal) and lone surrogates.
_UNSHOWABLE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _json_escape(character: str) -> str:
    """`character` as a JSON escape: `\\u00e9`; above U+FFFF, its UTF-16 surrogate pair."""
    code = ord(character)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _backslash_escape(character: str) -> str:
    """`character` as Python writes it escaped: `\\xe9`, `\\ud800`, `\\U0001f600`."""
    return character.encode("ascii", "backslashreplace").decode("ascii")


def _fits(character: str, encoding: str) -> bool:
    try:
        character.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def encodable(text: str, encoding: str | None, *, as_json: bool = False) -> str:
    """`text` with each character `encoding` cannot write escaped, so writing it cannot fail.

    A lone surrogate (botocore reads one from the JSON escape `"\\ud800"`) fits no encoding;
    a narrow one (ASCII, Latin-1) lacks many characters. In JSON the escape is JSON's, so the
    document still reads back as the same strings: `\\ud800`, `\\u00e9`. Elsewhere it is a
    backslash escape: `\\ud800`, `\\xe9`, `\\U0001f600`.

    Args:
        text: What is to be written.
        encoding: The stream's encoding; None (a stream without one) is taken as UTF-8.
        as_json: Whether `text` is JSON, where any non-ASCII character is inside a string.
    """
    if text.isascii():  # nearly always: one C-level check, and ASCII fits every encoding
        return text
    encoding = encoding or "utf-8"
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    escape = _json_escape if as_json else _backslash_escape
    # Each distinct character is tried once: a long output has few of them.
    table = {
        ord(character): escape(character)
        for character in set(text)
        if not _fits(character, encoding)
    }
    return text.translate(table)


def shown(text: str, encoding: str | None = None) -> str:
    """`text` as a table cell: each control character and lone surrogate as its backslash
    escape (`\\n`, `\\x1b`, `\\ud800`), and with an `encoding`, each character it lacks too.

    Escaped before the columns are measured, a cell keeps the table aligned.
    """
    if not text.isprintable():  # nearly always printable: one C-level check
        text = _UNSHOWABLE.sub(lambda match: repr(match.group())[1:-1], text)
    return text if encoding is None else encodable(text, encoding)
