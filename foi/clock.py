"""The current time, fixable with FOI_NOW for reproducible runs.

Library code takes `now`/`today` as parameters; only the CLI asks this module.
"""

import datetime as dt
import os
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
