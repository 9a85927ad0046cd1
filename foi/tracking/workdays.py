"""UK working days for FOI deadlines (FOIA s.10(6)), counted by convention A.

A working day is any day except Saturday, Sunday and a bank holiday in ANY part of
the UK, so the calendar is the union of England-and-Wales, Scotland and Northern
Ireland. Sources, united: GOV.UK's published file (bundled, 2012 onwards), the
`holidays` package (per nation; it also knows earlier and later years) and days the
user adds (proclaimed after the data was published).

Convention A: the day of receipt is day 0 whatever day it is; day 1 is the first
working day after it; the answer is due by the end of working day N.

Build a Calendar once and reuse it: lookups are set/dict lookups, and the package
is asked for a year only the first time a date in that year is looked at.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources

DUE_DAYS = 20  # FOIA s.10(1)
VERY_OVERDUE_DAYS = 40  # WhatDoTheyKnow's "very overdue"

# GOV.UK's division keys, in the order nations are shown.
NATIONS: dict[str, str] = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
# The `holidays` package's GB subdivisions for the same three calendars.
PACKAGE_SUBDIVS: dict[str, str] = {
    "ENG": "england-and-wales",
    "SCT": "scotland",
    "NIR": "northern-ireland",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKEND_NAMES = {5: "Saturday", 6: "Sunday"}

# (date, nation key) -> holiday name
NationDays = Mapping[tuple[dt.date, str], str]


@dataclass(frozen=True)
class UserDay:
    """A non-working day the user added (e.g. a proclaimed one-off bank holiday)."""

    date: dt.date
    name: str
    added_at: str | None = None


@dataclass(frozen=True)
class Observance:
    """One name under which a day is a holiday, and the nations that keep it."""

    name: str
    nations: tuple[str, ...] = ()  # NATIONS keys; empty for a user-added day
    user_added: bool = False

    def describe(self) -> str:
        if self.user_added:
            return f"{self.name} (added by you)"
        return f"{self.name} ({', '.join(NATIONS[n] for n in self.nations)})"


@dataclass(frozen=True)
class Holiday:
    date: dt.date
    observances: tuple[Observance, ...]

    @property
    def user_added(self) -> bool:
        return any(o.user_added for o in self.observances)

    @property
    def nations(self) -> tuple[str, ...]:
        kept = {n for o in self.observances for n in o.nations}
        return tuple(n for n in NATIONS if n in kept)

    def describe(self) -> str:
        """e.g. "St Patrick's Day (Northern Ireland)"."""
        return "; ".join(o.describe() for o in self.observances)


@dataclass(frozen=True)
class Entry:
    """One line of a timeline.

    kind is "received" (day 0), "counted" (a working day, numbered) or "skipped"
    (not a working day, with the reason). Later events (clarification restarting
    the count, fee days disregarded, extensions) are meant to be further kinds.
    """

    date: dt.date
    kind: str
    day: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    days: int
    due: dt.date
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()


def _clean_name(name: str) -> str:
    """One spelling whatever the source, so names from both sources read alike."""
    name = name.replace("\u2019", "'")
    if name.startswith("Saint "):
        name = "St " + name[len("Saint "):]
    return name


def parse_govuk(data: Mapping) -> dict[tuple[dt.date, str], str]:
    """GOV.UK's bank-holidays.json -> {(date, nation): name}."""
    days: dict[tuple[dt.date, str], str] = {}
    for nation in NATIONS:
        for event in data[nation]["events"]:
            name = _clean_name(event["title"])
            if event.get("notes") == "Substitute day":
                name += " (substitute day)"
            days[dt.date.fromisoformat(event["date"]), nation] = name
    return days


@functools.cache
def bundled_days() -> Mapping[tuple[dt.date, str], str]:
    """The GOV.UK file shipped in foi/data, parsed once per process."""
    text = resources.files("foi").joinpath("data/govuk-bank-holidays.json").read_text("utf-8")
    return parse_govuk(json.loads(text))


@functools.cache
def package_days(year: int) -> Mapping[tuple[dt.date, str], str]:
    """The `holidays` package's days for one year, asked per nation.

    Without a subdivision the package returns only days common to all nations,
    which would drop St Andrew's Day, St Patrick's Day and the rest.
    """
    import holidays  # lazy: start-up

    days: dict[tuple[dt.date, str], str] = {}
    for subdiv, nation in PACKAGE_SUBDIVS.items():
        for date, name in holidays.country_holidays("GB", subdiv=subdiv, years=year).items():
            days[date, nation] = _clean_name(name)
    return days


@dataclass
class Calendar:
    """UK-wide working days: published days UNION package days UNION user days."""

    published: NationDays = field(repr=False)
    user_days: Iterable[UserDay] = ()
    package: Callable[[int], NationDays] | None = package_days
    known_until: dt.date = field(init=False)
    _published_by_year: dict[int, list] = field(init=False, repr=False)
    _user_by_date: dict[dt.date, list[str]] = field(init=False, repr=False)
    _years: dict[int, dict[dt.date, Holiday]] = field(init=False, repr=False)
    # Answers already worked out: a campaign's requests share a few dates (sent the same
    # days, answered within weeks), and counting walks day by day.
    _added: dict[tuple[dt.date, int], dt.date] = field(init=False, repr=False, default_factory=dict)
    _between: dict[tuple[dt.date, dt.date], int] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        by_year: dict[int, list] = {}
        for (date, nation), name in self.published.items():
            by_year.setdefault(date.year, []).append((date, nation, name))
        self._published_by_year = by_year
        # GOV.UK publishes whole years; after its last year, proclaimed days are unknown.
        self.known_until = dt.date(max(by_year), 12, 31) if by_year else dt.date.min
        self._user_by_date = {}
        for day in self.user_days:
            self._user_by_date.setdefault(day.date, []).append(day.name)
        self._years = {}

    def _year(self, year: int) -> dict[dt.date, Holiday]:
        if year not in self._years:
            self._years[year] = self._merge_year(year)
        return self._years[year]

    def _merge_year(self, year: int) -> dict[dt.date, Holiday]:
        # Per (date, nation) the GOV.UK name wins; the package fills what it lacks.
        names: dict[tuple[dt.date, str], str] = {}
        if self.package is not None:
            names.update(self.package(year))
        for date, nation, name in self._published_by_year.get(year, []):
            names[date, nation] = name
        grouped: dict[dt.date, dict[str, list[str]]] = {}
        for (date, nation), name in names.items():
            grouped.setdefault(date, {}).setdefault(name, []).append(nation)
        for date in self._user_by_date:
            if date.year == year:
                grouped.setdefault(date, {})
        merged: dict[dt.date, Holiday] = {}
        for date, by_name in grouped.items():
            observances = [
                Observance(name, tuple(n for n in NATIONS if n in nations))
                for name, nations in by_name.items()
            ]
            observances.sort(key=lambda o: [list(NATIONS).index(n) for n in o.nations])
            observances += [
                Observance(name, user_added=True) for name in self._user_by_date.get(date, [])
            ]
            merged[date] = Holiday(date, tuple(observances))
        return merged

    def holiday(self, date: dt.date) -> Holiday | None:
        return self._year(date.year).get(date)

    def holidays_in(self, year: int) -> list[Holiday]:
        """Every holiday of the year in any nation (weekend ones included), by date."""
        return [self._year(year)[d] for d in sorted(self._year(year))]

    def is_working_day(self, date: dt.date) -> bool:
        return date.weekday() < 5 and date not in self._year(date.year)

    def reason_not_working(self, date: dt.date) -> str | None:
        """Why `date` is not a working day ("Saturday", a holiday's names), or None."""
        parts = [WEEKEND_NAMES[date.weekday()]] if date.weekday() in WEEKEND_NAMES else []
        holiday = self.holiday(date)
        if holiday is not None:
            parts.append(holiday.describe())
        return ", ".join(parts) or None

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date of working day `n` counting `start` as day 0 (convention A)."""
        if (start, n) not in self._added:
            self._added[start, n] = self._count_forward(start, n)
        return self._added[start, n]

    def _count_forward(self, start: dt.date, n: int) -> dt.date:
        date, counted = start, 0
        while counted < n:
            date += dt.timedelta(days=1)
            if self.is_working_day(date):
                counted += 1
        return date

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b` (negative if b < a).

        With a = receipt and b = today this is the working days elapsed; the request
        is overdue when it exceeds 20.
        """
        if b < a:
            return -self.working_days_between(b, a)
        if (a, b) not in self._between:
            self._between[a, b] = self._count_between(a, b)
        return self._between[a, b]

    def _count_between(self, a: dt.date, b: dt.date) -> int:
        count, date = 0, a
        while date < b:
            date += dt.timedelta(days=1)
            count += self.is_working_day(date)
        return count

    def warnings(self, end: dt.date) -> list[str]:
        """What the user must know about a computation that reaches `end`."""
        if end <= self.known_until:
            return []
        return [(
            f"GOV.UK has published bank holidays only up to {self.known_until}: one-off "
            "days proclaimed for later dates are not known, so dates after it may move. "
            "Add such days with `foi holidays add DATE NAME`."
        )]

    def explain(self, start: dt.date, n: int = DUE_DAYS) -> Timeline:
        """Day 0, every counted and skipped day with its reason, up to working day n."""
        note = "received"
        reason = self.reason_not_working(start)
        if reason:
            note += f" ({reason})"
        entries = [Entry(start, "received", 0, note)]
        date, counted = start, 0
        while counted < n:
            date += dt.timedelta(days=1)
            reason = self.reason_not_working(date)
            if reason:
                entries.append(Entry(date, "skipped", note=reason))
            else:
                counted += 1
                entries.append(Entry(date, "counted", counted))
        last = entries[-1]
        if n > 0:
            entries[-1] = Entry(last.date, last.kind, last.day, "due by the end of this day")
        return Timeline(start, n, date, tuple(entries), tuple(self.warnings(date)))


def build_calendar(user_days: Iterable[UserDay] = ()) -> Calendar:
    """The calendar `foi` uses: bundled GOV.UK data, the package, and the user's days.
    Kept per set of user days: a calendar works out each year's holidays once,
    and sending or status asks for the same few years for every request."""
    return _calendar_for(tuple(user_days))


@functools.lru_cache(maxsize=8)
def _calendar_for(user_days: tuple[UserDay, ...]) -> Calendar:
    return Calendar(bundled_days(), user_days)


def timeline_lines(timeline: Timeline) -> list[str]:
    """Plain-text lines of a timeline, one per day, e.g.
    "2009-03-17 Tue  skipped  St Patrick's Day (Northern Ireland)"."""
    lines = []
    for entry in timeline.entries:
        label = "skipped" if entry.day is None else f"day {entry.day}"
        text = f"{entry.date} {WEEKDAYS[entry.date.weekday()]}  {label:<8} {entry.note}"
        lines.append(text.rstrip())
    return lines


# --- days the user added, kept in the campaign database's `holidays` table ---


def load_user_days(db) -> list[UserDay]:
    """Every user-added day, by date."""
    rows = db.execute("SELECT date, name, added_at FROM holidays ORDER BY date").fetchall()
    return [UserDay(dt.date.fromisoformat(d), name, added) for d, name, added in rows]


def save_user_day(db, day: UserDay) -> None:
    """Store (or rename) a user day; re-adding the same day changes nothing."""
    with db.atomic():
        db.execute(
            "INSERT INTO holidays (date, name, added_at) VALUES (?, ?, ?) "
            "ON CONFLICT(date) DO UPDATE SET name = excluded.name "
            "WHERE name != excluded.name",
            [day.date.isoformat(), day.name, day.added_at],
        )


def delete_user_day(db, date: dt.date) -> bool:
    """Remove a user day; False if there was none on that date."""
    with db.atomic():
        cursor = db.execute("DELETE FROM holidays WHERE date = ?", [date.isoformat()])
    return cursor.rowcount > 0
