"""Hypothesis strategies for bookmarks at and past the ends of what each part can hold.

Deep nesting, times at the ends of datetime's range in any offset, integers and floats past
what Python reads or writes, and strings no terminal shows (lone surrogates, control
characters): what `BookmarkState.from_json()` must read or refuse with a `BookmarkParseError`,
and what the command must print or name in one line.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

__all__ = ["MAX_DEPTH", "extreme_bookmarks", "nested", "odd_text"]

HADOOP = "HadoopDataSourceJobBookmarkState"
UTC = timezone.utc

# The documented limit: levels of objects and arrays in a source, the source object included.
MAX_DEPTH = 100


def nested(depth: int, leaf: object = "x") -> Any:
    """`leaf` inside `depth` levels of arrays and objects, alternating."""
    value = leaf
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


odd_text = st.text(
    st.characters(categories=["Cs", "Cc", "Cf", "Co", "Zl", "Zp"]) | st.characters(),
    max_size=6,
)
offsets = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59, seconds=59),
    max_value=timedelta(hours=23, minutes=59, seconds=59),
).map(timezone)
extreme_times = st.datetimes() | st.sampled_from([datetime.min, datetime.max])
iso_times = st.builds(
    lambda moment, zone, z: (
        moment.replace(tzinfo=UTC).isoformat()[:-6] + "Z"
        if z
        else moment.replace(tzinfo=zone).isoformat()
    ),
    extreme_times,
    offsets,
    st.booleans(),
)
# JSON text that json.dumps cannot write, put in place of these strings afterwards.
RAW_NUMBERS = {
    '"__1e400__"': "1e400",
    '"__-1e308__"': "-1e308",
    '"__5e-324__"': "5e-324",
    '"__huge__"': "9" * 5000,
    '"__long__"': "9" * 4000,
}
extreme_scalars = (
    odd_text
    | st.integers(min_value=-(10**300), max_value=10**300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([json.loads(key) for key in RAW_NUMBERS])
)
extreme_json = st.recursive(
    extreme_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(odd_text, children, max_size=3)
    ),
    max_leaves=6,
) | st.builds(
    # Around the limit (100 levels in a source), and past it by far: far enough past the
    # interpreter's recursion limit too, which hypothesis raises while it runs a test (to
    # 2,000 frames above the test's).
    nested,
    st.sampled_from([96, 97, 98, 99, 100, 300, 1200]),
    extreme_scalars,
)
digits = st.integers(min_value=0, max_value=10**30).map(str) | st.sampled_from(
    ["9" * 5000, "9" * 4000, str(2**63), "0", ""]
)
hadoop_sources = st.fixed_dictionaries(
    {
        "jsonClass": st.just(HADOOP),
        "timestamps": st.fixed_dictionaries(
            {},
            optional={
                "RUN": digits,
                "HIGH_BAND": digits,
                "CURR_LATEST_PARTITION": digits,
                "CURR_LATEST_PARTITIONS": odd_text,
                "CURR_RUN_START_TIME": iso_times,
                "INCLUDE_LIST": odd_text,
                "FUTURE": extreme_json,
            },
        ),
    },
    optional={"extra": extreme_json},
)
unknown_sources = st.fixed_dictionaries(
    {"jsonClass": st.just("JDBCDataSourceJobBookmarkState"), "keys": extreme_json}
)
sources = st.dictionaries(
    odd_text.filter(bool), hadoop_sources | unknown_sources, min_size=1, max_size=3
)
# Written as Glue writes JSON (non-ASCII escaped), or with the characters themselves.
extreme_bookmarks = st.builds(
    lambda document, ascii_only: _with_raw_numbers(json.dumps(document, ensure_ascii=ascii_only)),
    sources,
    st.booleans(),
)


def _with_raw_numbers(text: str) -> str:
    for placeholder, number in RAW_NUMBERS.items():
        text = text.replace(placeholder, number)
    return text
