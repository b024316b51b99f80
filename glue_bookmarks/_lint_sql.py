"""Which tables a Spark SQL query reads, for the lint's `untracked-read` rule.

Not a SQL parser: a tokenizer and a few rules, enough to tell `FROM sales.orders` (a table)
from `EXTRACT(YEAR FROM order_date)` (a column inside a function), a subquery, a common table
expression, a table-valued function or `DELETE FROM` (a write). What it cannot tell is left
out, never guessed as a table.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

import attrs

__all__ = ["PLACEHOLDER", "SqlReads", "reads_a_table", "sql_reads", "unquoted_parts"]

# An f-string's replacement field, as `_lint_walk` writes it into the query's text.
PLACEHOLDER: Final = "\x00"

_TOKEN: Final = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
    | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
    | (?P<word>(?:[^\W\d]|\x00)[\w$\x00]*)
    | (?P<number>\d[\w.]*)
    | (?P<other>.)
    """,
    re.DOTALL | re.VERBOSE,
)

# After one of these, FROM names no table read: `DELETE FROM t`, `SHOW TABLES FROM db`.
_NOT_A_READ: Final = frozenset(
    {"DELETE", "TABLES", "COLUMNS", "VIEWS", "FUNCTIONS", "PARTITIONS", "DATABASES", "SCHEMAS"}
)
# Words that end a table reference: never an alias.
_CLAUSE_WORDS: Final = frozenset(
    {
        "ANTI",
        "AS",
        "CLUSTER",
        "CROSS",
        "DISTRIBUTE",
        "EXCEPT",
        "FULL",
        "GROUP",
        "HAVING",
        "INNER",
        "INTERSECT",
        "JOIN",
        "LATERAL",
        "LEFT",
        "LIMIT",
        "MINUS",
        "NATURAL",
        "ON",
        "ORDER",
        "OUTER",
        "PIVOT",
        "RIGHT",
        "SEMI",
        "SORT",
        "TABLESAMPLE",
        "UNION",
        "UNPIVOT",
        "USING",
        "WHERE",
        "WINDOW",
    }
)


@attrs.frozen(kw_only=True)
class SqlReads:
    """What one query reads and defines.

    Attributes:
        tables: The names after FROM or JOIN, as written (dotted, backquotes kept), in order;
            common table expressions and table-valued functions left out.
        views: The temporary views the query creates (`CREATE TEMP VIEW v`, `CACHE TABLE v`),
            lower-cased.
    """

    tables: tuple[str, ...] = ()
    views: frozenset[str] = frozenset()


@attrs.frozen
class _Token:
    kind: str  # "word", "name" (dotted or quoted), "string", "number" or "other"
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _tokens(query: str) -> list[_Token]:
    """The query's tokens, names joined across dots (`db . t` is one name, `db.t`)."""
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "comment") or kind is None:
            continue
        text = match.group()
        if kind == "quoted":
            kind = "name"
        if (
            kind in ("word", "name")
            and len(tokens) >= 2
            and tokens[-1].text == "."
            and tokens[-2].kind in ("word", "name")
        ):
            tokens[-2:] = [_Token("name", f"{tokens[-2].text}.{text}")]
            continue
        tokens.append(_Token(kind, text))
    return tokens


def _is_name(token: _Token) -> bool:
    return token.kind == "name" or (token.kind == "word" and token.upper not in _CLAUSE_WORDS)


def sql_reads(query: str) -> SqlReads:
    """The tables `query` reads after FROM or JOIN, and the temporary views it creates."""
    tokens = _tokens(query)
    end = _Token("other", "")
    ctes = set()
    views = set()
    tables = []
    # One entry per open parenthesis: whether it holds a query (where FROM names tables),
    # rather than a function's arguments (`EXTRACT(YEAR FROM day)`).
    query_levels = [True]
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else end
        after = tokens[index + 1] if index + 1 < len(tokens) else end
        if token.text == "(":
            query_levels.append(
                after.upper in ("SELECT", "WITH") or before.upper in ("FROM", "JOIN")
            )
        elif token.text == ")":
            if len(query_levels) > 1:
                query_levels.pop()
        elif token.upper == "AS" and after.text == "(" and before.upper != "":
            # `WITH name AS (...)`, `, name AS (...)`: a common table expression.
            two_before = tokens[index - 2] if index >= 2 else end
            if two_before.upper in ("WITH", "RECURSIVE") or two_before.text == ",":
                ctes.add(before.text.lower())
        elif token.upper in ("VIEW", "TABLE") and _creates_view(tokens, index):
            name = _name_after(tokens, index + 1)
            if name is not None:
                views.add(name.lower())
        elif (
            token.upper in ("FROM", "JOIN") and query_levels[-1] and before.upper not in _NOT_A_READ
        ):
            tables.extend(_table_list(tokens, index + 1, several=token.upper == "FROM"))
    return SqlReads(
        tables=tuple(table for table in tables if table.lower() not in ctes),
        views=frozenset(views),
    )


def _creates_view(tokens: list[_Token], index: int) -> bool:
    """Whether `tokens[index]` (VIEW or TABLE) is in `CREATE ... TEMP[ORARY] VIEW` or
    `CACHE [LAZY] TABLE`."""
    words = [token.upper for token in tokens[max(0, index - 4) : index]]
    if tokens[index].upper == "TABLE":
        return bool(words) and (words[-1] == "CACHE" or words[-2:] == ["CACHE", "LAZY"])
    return "CREATE" in words and ("TEMP" in words or "TEMPORARY" in words)


def _name_after(tokens: list[_Token], index: int) -> str | None:
    """The name at `index`, after `IF NOT EXISTS` if that comes first."""
    while index < len(tokens) and tokens[index].upper in ("IF", "NOT", "EXISTS"):
        index += 1
    if index < len(tokens) and tokens[index].kind in ("word", "name"):
        return tokens[index].text
    return None


def _table_list(tokens: list[_Token], index: int, *, several: bool) -> list[str]:
    """The tables named from `index` on: one after JOIN, a comma-separated list after FROM."""
    tables = []
    while index < len(tokens):
        token = tokens[index]
        if not _is_name(token) or token.upper in ("SELECT", "VALUES"):
            break
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None or following.text != "(":  # `range(10)`: a table function
            tables.append(token.text)
        index += 1
        # An alias: `t AS a`, `t a`.
        if index < len(tokens) and tokens[index].upper == "AS":
            index += 2
        elif index < len(tokens) and tokens[index].kind == "word" and _is_name(tokens[index]):
            index += 1
        if not several or index >= len(tokens) or tokens[index].text != ",":
            break
        index += 1
    return tables


def unquoted_parts(name: str) -> list[str]:
    """`db`.`t` as ["db", "t"]: the parts of a dotted name, backquotes removed."""
    return [part.strip("`") for part in re.findall(r"`(?:[^`]|``)*`|[^.]+", name)]


def reads_a_table(name: str, views: Collection[str], *, views_known: bool) -> bool:
    """Whether the name after FROM is a table (or files), not a temporary view.

    A qualified name (`db.t`, `` parquet.`s3://...` ``) is one, except in `global_temp`; an
    unqualified one is, when the script's temporary views are all known and it is none of
    them. A name made by an f-string's replacement field alone is never judged.
    """
    parts = unquoted_parts(name)
    if len(parts) > 1:
        return parts[0].lower() != "global_temp"
    return views_known and PLACEHOLDER not in name and parts[0].lower() not in views
