"""Times as the project stores them: ISO 8601 in UTC to the second, ``2025-03-01T17:00:00Z``
(what :func:`~annotator.domain.model.utc_now` writes). Stored this way, times sort as text, so
that ``created_at >= '2025-03-02'`` means "from 2 March, UTC" whatever zone a file used."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

STORED = "%Y-%m-%dT%H:%M:%SZ"
_STORED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII).fullmatch


def iso_date(value: str) -> date | None:
    """The date a date variable's value stands for: exactly ``YYYY-MM-DD`` (ASCII digits,
    nothing before or after) naming a day of the calendar, as values are stored; ``None``
    for anything else (``2016-05-05junk``, `` 2016-01-01 ``, ``2016-13-45``). The one rule
    for what is a date, wherever a stored value is read as one."""
    if not _ISO_DATE(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def utc_text(value: str) -> str:
    """``value`` (any ISO 8601 date or time: extended or basic, ``Z`` or an offset) as the
    stored UTC form. A time without a zone is taken as UTC, as the REFI-QDA import takes it: a
    spreadsheet that dropped the zone gives the same times on every machine, never the
    importing computer's local time. A date alone is midnight UTC. Raises ``ValueError`` for
    anything else."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO 8601 time") from None
    if _STORED.match(text):  # the common case: already stored form, and a real date
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).strftime(STORED)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 falls before year 1 in UTC
        raise ValueError(f"'{value}' is outside the years a time can have") from None


def is_stored_form(value: str) -> bool:
    """Whether ``value`` is already in the stored UTC form."""
    return bool(_STORED.match(value))
