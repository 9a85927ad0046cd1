"""The current time, fixable with FOI_NOW for reproducible runs, and how moments and
days are written (ISO timestamps, London dates, "4 March 2026").

Library code takes `now`/`today` as parameters; only the CLI asks this module for them.
"""

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

from foi.errors import FoiError

LONDON = ZoneInfo("Europe/London")


def now() -> dt.datetime:
    """Aware datetime in Europe/London; FOI_NOW (ISO date or date-time) overrides."""
    fixed = os.environ.get("FOI_NOW")
    if not fixed:
        return dt.datetime.now(LONDON)
    try:
        value = dt.datetime.fromisoformat(fixed)
    except ValueError:
        raise FoiError(
            f"FOI_NOW={fixed!r} is not an ISO date or date-time",
            "Use e.g. FOI_NOW=2026-03-04 or FOI_NOW=2026-03-04T09:30:00+00:00.",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(LONDON)


def today() -> dt.date:
    return now().date()


def london_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Europe/London on which `moment` fell (naive = UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LONDON).date()


def iso(moment: dt.datetime) -> str:
    """ISO-8601 with offset, seconds precision."""
    return moment.isoformat(timespec="seconds")


def long_date(value: str | dt.date | None) -> str | None:
    """'2026-03-04' (or a date, or a timestamp) -> '4 March 2026', as letters and reports
    write it; None stays None."""
    if not value:
        return None
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def timestamp_or_start_of(today: str | dt.date, now: str | dt.datetime | None) -> str:
    """`now` as an ISO timestamp with offset, or, for a caller that knows only the
    day, the start of that day in London: updated_at and recorded_at are never a
    bare date."""
    if isinstance(now, dt.datetime):
        return iso(now)
    return now or iso(dt.datetime.combine(dt.date.fromisoformat(str(today)), dt.time(), LONDON))


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAY_FIRST = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


def day_problem(text: str) -> str | None:
    """Why `text` is not a YYYY-MM-DD day, in words; None when it is one. A day written with
    slashes is refused rather than guessed: 02/03/2026 is 2 March in the UK, 3 February in the US."""
    text = text.strip()
    if _DAY_FIRST.match(text):
        return (f"{text!r} is not a date foi can read: write it as YYYY-MM-DD, e.g. 2026-03-02 "
                "(02/03/2026 is 2 March in the UK and 3 February in the US)")
    try:
        if not _ISO_DAY.match(text):
            raise ValueError("use YYYY-MM-DD, e.g. 2026-03-02")
        dt.date.fromisoformat(text)
    except ValueError as error:
        return f"{text!r} is not a date: {error}"
    return None
