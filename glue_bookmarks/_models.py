"""The typed values glue-bookmarks returns."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["JobBookmarkEntry"]


@attrs.frozen(kw_only=True)
class JobBookmarkEntry:
    """One job's bookmark, as `GetJobBookmark` returns it.

    Field types follow the AWS Smithy model of `JobBookmarkEntry`, where every member is
    optional on the wire:

    - `job_name` is always set: when the service leaves `JobName` out, the entry carries the
      job name that was asked for.
    - `version`, `run` and `attempt` are always set: the model gives them a default of 0, which
      an absent member reads as.
    - `previous_run_id` is None on a job's first recorded run; `run_id` and `job_bookmark` are
      None when the service leaves them out.

    `job_bookmark` is the raw JSON string exactly as the service returned it.

    Attributes:
        job_name: The name of the job.
        version: The version of the bookmark; it goes up with every change.
        run: The run number.
        attempt: The attempt number within the run.
        previous_run_id: The id of the run before `run_id`, if any.
        run_id: The id of the run the bookmark was last recorded for.
        job_bookmark: The bookmark state: an opaque JSON string.
    """

    job_name: str
    version: int = 0
    run: int = 0
    attempt: int = 0
    previous_run_id: str | None = None
    run_id: str | None = None
    job_bookmark: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> JobBookmarkEntry:
        """Build an entry from its wire form, as `to_dict()` or the AWS CLI print it.

        Unknown keys are ignored.

        Args:
            data: A mapping with PascalCase keys (`JobName`, `Version`, ...).

        Returns:
            The entry.

        Raises:
            InvalidParameterError: `data` is not a mapping, `JobName` is missing, or a value
                has the wrong type; the message names the key.
        """
        from glue_bookmarks._converter import entry_from_dict

        return entry_from_dict(data)

    def to_dict(self) -> dict[str, str | int]:
        """Return the wire form: PascalCase keys, with the None fields left out.

        `JobBookmarkEntry.from_dict(entry.to_dict()) == entry` always holds.

        Returns:
            A new dict, such as `{"JobName": "nightly", "Version": 1, "Run": 1, "Attempt": 0}`.
        """
        from glue_bookmarks._converter import entry_to_dict

        return entry_to_dict(self)
