"""Argument checks, run before any request is sent; each failure is an InvalidParameterError."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Final
from urllib.parse import urlsplit

from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

from glue_bookmarks._exceptions import InvalidParameterError

__all__ = [
    "check_endpoint_url",
    "check_flag",
    "check_max_answer_bytes",
    "check_name",
    "check_optional",
    "check_tags",
    "check_time",
    "check_timeout",
]

# Glue's pattern for names and run ids (SingleLine in the service model), 1 to 255 characters:
# [\u0020-\uD7FF\uE000-\uFFFF\t]*. Python strings count code points; characters above U+FFFF
# would be surrogate pairs in the service's UTF-16, which the pattern excludes, so the class
# below excludes them too. It lists the characters left out rather than negating the pattern's
# class: the same set, compiled several times faster. It is compiled on first need, since
# printable ASCII names (nearly all) never need it.
_NAME_MAX_LENGTH: Final = 255


@functools.cache
def _not_name_character() -> re.Pattern[str]:
    return re.compile(r"[\x00-\x08\x0a-\x1f\ud800-\udfff\U00010000-\U0010ffff]")


def check_name(parameter: str, value: object) -> str:
    """Return `value` if Glue accepts it as a name or run id; raise if not."""
    if not isinstance(value, str):
        raise InvalidParameterError(
            f"{parameter} must be a str, got {type(value).__name__}", parameter=parameter
        )
    if not 1 <= len(value) <= _NAME_MAX_LENGTH:
        raise InvalidParameterError(
            f"{parameter} must be 1 to {_NAME_MAX_LENGTH} characters long, got {len(value)}",
            parameter=parameter,
        )
    # Printable ASCII is all allowed: two C-level checks spare the common name the search.
    if value.isascii() and value.isprintable():
        return value
    bad = _not_name_character().search(value)
    if bad is not None:
        raise InvalidParameterError(
            f"{parameter} must be a single line of printable characters; "
            f"it has {bad.group()!r} at position {bad.start()}",
            parameter=parameter,
        )
    return value


def check_flag(parameter: str, value: object) -> bool:
    """Return `value` if it is a bool; raise if not (a truthy string is not a yes)."""
    if type(value) is not bool:
        raise InvalidParameterError(
            f"{parameter} must be a bool, got {type(value).__name__}", parameter=parameter
        )
    return value


def check_optional(parameter: str, value: object, cls: type, *, hint: str = "") -> None:
    """Raise unless `value` is None or an instance of `cls`."""
    if value is not None and not isinstance(value, cls):
        name = cls.__qualname__
        if cls.__module__ != "builtins":
            name = f"{cls.__module__}.{name}"
        raise InvalidParameterError(
            f"{parameter} must be a {name} or None, got {type(value).__name__}{hint}",
            parameter=parameter,
        )


def check_endpoint_url(url: object) -> None:
    """Raise unless `url` is None or an http(s) URL botocore accepts."""
    if url is None:
        return
    if not (
        isinstance(url, str)
        and urlsplit(url).scheme in ("http", "https")
        and (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url))
    ):
        raise InvalidParameterError(
            f"endpoint_url must be an http(s) URL, got {url!r}", parameter="endpoint_url"
        )


# Glue's limits on a tag filter (TagsMap, TagKey and TagValue in the service model).
_TAGS_MAX: Final = 50
_TAG_KEY_MAX_LENGTH: Final = 128
_TAG_VALUE_MAX_LENGTH: Final = 256


def check_tags(parameter: str, value: object) -> dict[str, str] | None:
    """Return `value` as a dict if Glue accepts it as a tag filter (or None); raise if not.

    A mapping of at most 50 keys of 1 to 128 characters to values of up to 256 characters,
    as the service model's `TagsMap` allows.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"{parameter} must be a mapping of str to str or None, got {type(value).__name__}",
            parameter=parameter,
        )
    tags = dict(value)
    if len(tags) > _TAGS_MAX:
        raise InvalidParameterError(
            f"{parameter} may hold at most {_TAGS_MAX} tags, got {len(tags)}",
            parameter=parameter,
        )
    for key, tag_value in tags.items():
        if not isinstance(key, str) or not isinstance(tag_value, str):
            raise InvalidParameterError(
                f"{parameter} must map str to str, got {key!r}: {tag_value!r}",
                parameter=parameter,
            )
        if not 1 <= len(key) <= _TAG_KEY_MAX_LENGTH:
            raise InvalidParameterError(
                f"{parameter}: a tag key must be 1 to {_TAG_KEY_MAX_LENGTH} characters long, "
                f"got {len(key)} ({key!r:.40})",
                parameter=parameter,
            )
        if len(tag_value) > _TAG_VALUE_MAX_LENGTH:
            raise InvalidParameterError(
                f"{parameter}: the value of tag {key!r} must be at most "
                f"{_TAG_VALUE_MAX_LENGTH} characters long, got {len(tag_value)}",
                parameter=parameter,
            )
    return tags


def check_time(parameter: str, value: object, *, now: datetime | None = None) -> datetime:
    """Return `value` if it is a timezone-aware datetime not in the future; raise if not."""
    if not isinstance(value, datetime):
        raise InvalidParameterError(
            f"{parameter} must be a timezone-aware datetime, got {type(value).__name__}",
            parameter=parameter,
        )
    if value.utcoffset() is None:
        # A naive time could be UTC or local time; the caller says which.
        raise InvalidParameterError(
            f"{parameter} must be timezone-aware (such as datetime(..., tzinfo=timezone.utc)), "
            f"got the naive {value.isoformat()}",
            parameter=parameter,
        )
    now = datetime.now(timezone.utc) if now is None else now
    if value > now:
        raise InvalidParameterError(
            f"{parameter} is in the future ({value.isoformat()}); nothing after now has been "
            "processed yet",
            parameter=parameter,
        )
    return value


def check_timeout(timeout: object) -> None:
    """Raise unless `timeout` is a positive, finite number of seconds, or None."""
    if timeout is not None and (
        type(timeout) not in (int, float)
        or not math.isfinite(timeout)  # type: ignore[arg-type]
        or timeout <= 0  # type: ignore[operator]
    ):
        raise InvalidParameterError(
            f"timeout must be a positive number of seconds or None, got {timeout!r}",
            parameter="timeout",
        )


def check_max_answer_bytes(value: object) -> None:
    """Raise unless `value` is a positive int."""
    if type(value) is not int or value < 1:
        raise InvalidParameterError(
            f"max_answer_bytes must be a positive int, got {value!r}",
            parameter="max_answer_bytes",
        )
