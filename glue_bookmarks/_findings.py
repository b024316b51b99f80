"""What the doctor and the lint report: `Finding`s, each of a `Severity`.

Shared by the doctor's rules (`_doctor`), the lint of a script (`_lint`) and its check against
the live bookmark (`_scripts`); the finding codes are stable, each on the "Doctor" docs page.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from typing import Final

import attrs

__all__ = ["Finding", "Severity", "in_report_order"]


@functools.total_ordering
class Severity(enum.Enum):
    """How much a finding matters; ordered, `INFO < WARNING < ERROR`.

    The value is the lower-case word the CLI and its JSON print (`Severity("warning")`).
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_RANKS: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@attrs.frozen(kw_only=True)
class Finding:
    """One thing the doctor (or the lint of a job's script) found wrong with a job's bookmark
    set-up, or worth knowing.

    Attributes:
        code: The stable finding code, such as `"concurrent-runs"`; the "Doctor" docs page
            lists every code with its severity and its fix.
        severity: How much it matters.
        message: One sentence about this job (or script), for people.
        transformation_ctx: The source the finding is about (the one whose state does not
            parse, that holds the newest run start time of a stale bookmark, or whose read in
            the script has this literal context); None for a finding about the job or script
            as a whole.
        line: For a finding of `lint_script()`, the line of the script it is about (where the
            read call starts, for a finding about one read); None for the doctor's findings
            and for a finding about the script as a whole.
    """

    code: str
    severity: Severity
    message: str
    transformation_ctx: str | None = None
    line: int | None = None


def in_report_order(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by line; a finding about a whole script (no line) first."""
    return tuple(
        sorted(findings, key=lambda f: (-f.severity.rank, -1 if f.line is None else f.line))
    )
