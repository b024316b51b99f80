"""The `glue-bookmarks` command's option types, called as argparse calls them."""

from __future__ import annotations

import argparse
from datetime import timedelta

import pytest

from glue_bookmarks import _cli_args


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("36h", timedelta(hours=36)),
        ("90m", timedelta(minutes=90)),
        (" 1d ", timedelta(days=1)),
    ],
)
def test_duration(text: str, expected: timedelta) -> None:
    assert _cli_args._duration(text) == expected


@pytest.mark.parametrize("text", ["", "d", "1.5d", "1 d", "3y", "0m", "1D", "+1d"])
def test_duration_refuses(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        _cli_args._duration(text)
