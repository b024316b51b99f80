"""The command's tables: in full without a width, fitted to one in the order the module says."""

from __future__ import annotations

import pytest

from glue_bookmarks._cli_table import Column, Row, shorten, table_lines

RUN_ID = "jr_a8794b6c8465db05881579b638216a8e706ad38f3bd87a60deb680f78c5c50d5"
SOURCE = "AWSGlueDataCatalog_node1730078287682"
MESSAGE = "the newest run start time in the state is 40 days ago, longer than 7 days"
COLUMNS = (
    Column("JOB"),
    Column("SOURCE", "shorten"),
    Column("RUN ID", "shorten"),
    Column("MESSAGE", "wrap", narrowest=20),
)
NOTE = "failed: EntityNotFoundException: Job ghost not found."
ROWS = [Row(("nightly", SOURCE, RUN_ID, MESSAGE)), Row(("ghost",), note=NOTE)]


@pytest.mark.parametrize(
    ("width", "shortened"),
    [
        (67, RUN_ID),
        (66, "jr_a8794b6c8465db05881579b638216a…706ad38f3bd87a60deb680f78c5c50d5"),
        (12, "jr_a87…c50d5"),
        (5, "jr…d5"),
        (2, "jr"),
    ],
)
def test_shorten_keeps_both_ends(width: int, shortened: str) -> None:
    assert shorten(RUN_ID, width) == shortened
    assert len(shortened) == min(width, len(RUN_ID))


def test_without_a_width_every_cell_is_in_full() -> None:
    assert table_lines(COLUMNS, ROWS) == [
        f"JOB      SOURCE{' ' * 32}RUN ID{' ' * 63}MESSAGE",
        f"nightly  {SOURCE}  {RUN_ID}  {MESSAGE}",
        f"ghost    {NOTE}",
    ]


def test_text_wraps_first_as_far_as_needed() -> None:
    lines = table_lines(COLUMNS, ROWS, width=160)
    assert lines[1] == f"nightly  {SOURCE}  {RUN_ID}  the newest run start time in the state is 40"
    assert lines[2] == " " * 116 + "days ago, longer than 7 days"
    assert max(map(len, lines)) == 160


def test_text_wraps_to_no_fewer_than_40_then_the_identifiers_are_shortened() -> None:
    assert table_lines(COLUMNS, ROWS, width=100) == [
        "JOB      SOURCE                    RUN ID                     MESSAGE",
        "nightly  AWSGlueDataC…30078287682  jr_a8794b6c8…80f78c5c50d5  "
        "the newest run start time in the state",
        "                                                              "
        "is 40 days ago, longer than 7 days",
        f"ghost    {NOTE}",
    ]


def test_then_text_wraps_narrower_and_a_table_too_wide_keeps_its_floors() -> None:
    # The identifiers at 12 characters, the text at its `narrowest`, 20; the note in what is
    # left of the line after the job.
    assert table_lines(COLUMNS, ROWS, width=40) == [
        "JOB      SOURCE        RUN ID        MESSAGE",
        "nightly  AWSGlu…87682  jr_a87…c50d5  the newest run start",
        "                                     time in the state is",
        "                                     40 days ago, longer",
        "                                     than 7 days",
        "ghost    failed:",
        "         EntityNotFoundException: Job",
        "         ghost not found.",
    ]
    # A word longer than `narrowest` is broken.
    lines = table_lines((Column("MESSAGE", "wrap", narrowest=20),), [Row((SOURCE,))], width=10)
    assert lines == ["MESSAGE", SOURCE[:20], SOURCE[20:]]


def test_a_wrapped_header_and_a_column_narrower_once_wrapped() -> None:
    columns = (Column("JOB"), Column("FILES ADDED", "wrap"), Column("CHANGE", "wrap"))
    change = "2024-10-28T00:00:00.000Z -> 2024-10-29T00:00:00.000Z"
    # Wrapped at 40, the change needs 27 columns: the table is no wider than that.
    assert table_lines(columns, [Row(("growing", "2", change))], width=60) == [
        "JOB      FILES ADDED  CHANGE",
        "growing  2            2024-10-28T00:00:00.000Z ->",
        "                      2024-10-29T00:00:00.000Z",
    ]
    # Narrower: words are never broken in a column without `narrowest`, a header wraps too.
    assert table_lines(columns, [Row(("growing", "2", change))], width=30) == [
        "JOB      FILES  CHANGE",
        "         ADDED",
        "growing  2      2024-10-28T00:00:00.000Z",
        "                ->",
        "                2024-10-29T00:00:00.000Z",
    ]
