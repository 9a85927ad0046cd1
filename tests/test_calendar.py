"""UK working days and FOI deadlines (convention A), library and CLI."""

import datetime as dt
import json
from pathlib import Path

import pytest

from foi.db import connect
from foi.tracking.workdays import (
    Calendar,
    UserDay,
    build_calendar,
    bundled_days,
    live_package_days,
    load_user_days,
    package_days,
    timeline_lines,
)

D = dt.date.fromisoformat

# FOI_RULES.md test vectors: received -> due (20th working day), and what an
# England-and-Wales-only calendar would wrongly give where it differs.
VECTORS = [
    ("2008-10-01", "2008-10-29", None),
    ("2007-02-01", "2007-03-01", None),
    ("2008-02-01", "2008-02-29", None),
    ("2009-03-12", "2009-04-14", "2009-04-09"),
    ("2009-03-13", "2009-04-15", None),
    ("2009-03-14", "2009-04-15", None),
    ("2009-03-15", "2009-04-15", None),
    ("2009-03-16", "2009-04-16", None),
    ("2007-10-14", "2007-11-09", None),
    ("2026-03-04", "2026-04-02", "2026-04-01"),
    ("2025-12-30", "2026-01-29", "2026-01-28"),
    ("2026-07-03", "2026-08-04", "2026-07-31"),
    ("2022-08-26", "2022-09-27", None),
    ("2023-04-28", "2023-05-31", None),
    ("2020-04-24", "2020-05-26", None),
]


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return build_calendar()


def england_only() -> Calendar:
    """What a naive England-and-Wales calendar would say, to show the union matters."""

    def eng(year):
        return {k: v for k, v in package_days(year).items() if k[1] == "england-and-wales"}

    published = {k: v for k, v in bundled_days().items() if k[1] == "england-and-wales"}
    return Calendar(published, package=eng)


@pytest.mark.parametrize("received,due,_", VECTORS)
def test_due_date_vectors(cal, received, due, _):
    assert cal.add_working_days(D(received), 20) == D(due)
    assert cal.explain(D(received)).due == D(due)
    assert cal.working_days_between(D(received), D(due)) == 20
    # Every due date in the table is a working day, so the day before it is day 19.
    assert cal.working_days_between(D(received), D(due) - dt.timedelta(days=1)) == 19


@pytest.mark.parametrize("received,due,wrong", [v for v in VECTORS if v[2]])
def test_england_only_would_be_wrong(cal, received, due, wrong):
    assert england_only().add_working_days(D(received), 20) == D(wrong)
    assert cal.add_working_days(D(received), 20) == D(due)


def test_weekend_receipt_same_as_friday(cal):
    friday = cal.add_working_days(D("2009-03-13"), 20)
    assert cal.add_working_days(D("2009-03-14"), 20) == friday == D("2009-04-15")
    assert cal.add_working_days(D("2009-03-15"), 20) == friday
    day0 = cal.explain(D("2009-03-14")).entries[0]
    assert (day0.date, day0.day, day0.note) == (D("2009-03-14"), 0, "received (Saturday)")


def test_very_overdue_2007_counts_st_andrews_day(cal):
    assert cal.add_working_days(D("2007-10-14"), 40) == D("2007-12-10")
    assert not cal.is_working_day(D("2007-11-30"))
    assert cal.reason_not_working(D("2007-11-30")) == "St Andrew's Day (Scotland)"
    assert cal.working_days_between(D("2007-10-14"), D("2007-12-10")) == 40


@pytest.mark.parametrize("date,name", [
    ("2020-05-08", "Early May bank holiday (VE day)"),
    ("2022-06-03", "Platinum Jubilee bank holiday"),
    ("2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"),
    ("2023-05-08", "Bank holiday for the coronation of King Charles III"),
])
def test_one_off_days_present_in_every_nation(cal, date, name):
    holiday = cal.holiday(D(date))
    assert not cal.is_working_day(D(date))
    assert [(o.name, o.nations) for o in holiday.observances] == [
        (name, ("england-and-wales", "scotland", "northern-ireland"))
    ]


def test_nation_specific_days_and_privilege_days(cal):
    assert cal.reason_not_working(D("2026-01-02")) == "2nd January (Scotland)"
    assert cal.reason_not_working(D("2026-07-13")) == (
        "Battle of the Boyne (Orangemen's Day) (substitute day) (Northern Ireland)")
    assert cal.reason_not_working(D("2026-06-15")) == (
        "Scotland's participation in the FIFA World Cup final (Scotland)")  # package only
    assert cal.reason_not_working(D("2009-03-14")) == "Saturday"
    # Christmas Eve is at most a local privilege day: a working day.
    assert cal.is_working_day(D("2026-12-24"))
    assert cal.known_until == D("2028-12-31")


def test_user_added_day_moves_a_deadline(cal):
    assert cal.add_working_days(D("2026-03-04"), 20) == D("2026-04-02")
    mine = build_calendar([UserDay(D("2026-03-10"), "Proclaimed day")])
    # 2026-04-03 and 04-06 are Good Friday and Easter Monday.
    assert mine.add_working_days(D("2026-03-04"), 20) == D("2026-04-07")
    assert mine.reason_not_working(D("2026-03-10")) == "Proclaimed day (added by you)"
    assert mine.holiday(D("2026-03-10")).user_added


def test_working_days_between_edges(cal):
    assert cal.working_days_between(D("2009-03-12"), D("2009-03-12")) == 0
    assert cal.working_days_between(D("2009-03-12"), D("2009-03-15")) == 1
    assert cal.working_days_between(D("2009-03-15"), D("2009-03-12")) == -1


def _count_day_by_day(cal, start, n):
    """The definition, one day at a time: what the index arithmetic must agree with."""
    date, counted = start, 0
    while counted < n:
        date += dt.timedelta(days=1)
        counted += cal.is_working_day(date)
    return date


def test_deadlines_by_index_agree_with_counting_day_by_day():
    import random

    cal = build_calendar([UserDay(D("2026-12-29"), "Proclaimed day")])
    pick = random.Random(20)
    for _ in range(400):
        start = D("2006-01-01") + dt.timedelta(days=pick.randrange(365 * 25))
        n = pick.choice([0, 1, 5, 19, 20, 40, 60, 300])
        due = cal.add_working_days(start, n)
        assert due == _count_day_by_day(cal, start, n), (start, n)
        assert cal.working_days_between(start, due) == n
        later = start + dt.timedelta(days=pick.randrange(800))
        assert cal.working_days_between(start, later) == sum(
            cal.is_working_day(start + dt.timedelta(days=k)) for k in range(1, (later - start).days + 1))
    # Across the user's day and a year's end: from Thu 2026-12-24, skip Christmas, the weekend,
    # Boxing Day's substitute (28th) and the added 29th: 30th, 31st; skip 1 January, the weekend
    # and Scotland's substitute for 2 January (Mon 4th): Tue 5 January.
    assert cal.add_working_days(D("2026-12-24"), 3) == D("2027-01-05")


@pytest.mark.parametrize("year", [2007, 2016, 2020, 2024])
def test_shipped_copy_of_the_package_days_is_the_package_s(year):
    assert dict(package_days(year)) == live_package_days(year)


def test_a_year_outside_the_shipped_copy_is_asked_of_the_package():
    days = package_days(1995)
    assert days[D("1995-05-08"), "england-and-wales"] == "May Day"  # moved that year for VE Day
    assert (D("1995-03-17"), "northern-ireland") in days


def test_warning_only_past_published_data(cal):
    assert cal.explain(D("2026-03-04")).warnings == ()
    timeline = cal.explain(D("2028-12-10"))
    assert timeline.due == D("2029-01-11")
    assert "only up to 2028-12-31" in timeline.warnings[0]


EXPLAIN_2009 = [
    "2009-03-12 Thu  day 0    received",
    "2009-03-13 Fri  day 1",
    "2009-03-14 Sat  skipped  Saturday",
    "2009-03-15 Sun  skipped  Sunday",
    "2009-03-16 Mon  day 2",
    "2009-03-17 Tue  skipped  St Patrick's Day (Northern Ireland)",
    "2009-03-18 Wed  day 3",
]
EXPLAIN_2009_END = [
    "2009-04-09 Thu  day 19",
    "2009-04-10 Fri  skipped  Good Friday (England and Wales, Scotland, Northern Ireland)",
    "2009-04-11 Sat  skipped  Saturday",
    "2009-04-12 Sun  skipped  Sunday",
    "2009-04-13 Mon  skipped  Easter Monday (England and Wales, Northern Ireland)",
    "2009-04-14 Tue  day 20   due by the end of this day",
]


def test_cli_deadline_explain_2009(run):
    result = run("deadline", "2009-03-12", "--explain")
    lines = result.stdout.splitlines()
    assert lines[:7] == EXPLAIN_2009
    assert lines[-6:] == EXPLAIN_2009_END
    assert len(lines) == 34  # day 0, 20 working days, 13 skipped days
    assert result.stderr == ""
    assert lines == timeline_lines(build_calendar().explain(D("2009-03-12")))


def test_cli_deadline_plain_and_days(run):
    assert run("deadline", "2026-03-04").stdout == "2026-04-02\n"
    assert run("deadline", "2007-10-14", "--days", "40").stdout == "2007-12-10\n"


def test_cli_deadline_warns_past_known_until(run):
    result = run("deadline", "2029-03-01")
    # 2029-03-19 St Patrick's Day (substitute), 03-30 Good Friday, 04-02 Easter Monday.
    assert result.stdout == "2029-04-03\n"
    assert result.stderr.startswith("Warning: GOV.UK has published bank holidays only up to "
                                    "2028-12-31")


def test_cli_deadline_request_timeline_needs_campaign(run):
    result = run("deadline", "my-campaign", "BNS", ok=False)
    assert result.exit_code == 1 and "No campaign database" in result.stderr
    assert run("deadline", "my-campaign", ok=False).exit_code == 2
    assert run("deadline", "2026-03-04", "extra", ok=False).exit_code == 2


def test_cli_holidays_add_list_round_trip(run):
    connect(Path("campaign.db"))
    run("holidays", "add", "2026-03-10", "Proclaimed day", "--dry-run")
    assert load_user_days(connect(Path("campaign.db"))) == []
    added = run("holidays", "add", "2026-03-10", "Proclaimed day")
    assert added.stderr == "Added 2026-03-10 Proclaimed day\n"
    run("holidays", "add", "2026-03-10", "Proclaimed day")  # again: no change
    assert load_user_days(connect(Path("campaign.db"))) == [
        UserDay(D("2026-03-10"), "Proclaimed day", "2026-03-04T10:00:00+00:00")
    ]
    lines = run("holidays", "list", "--year", "2026").stdout.splitlines()
    assert lines[:4] == [
        "2026-01-01 Thu  New Year's Day (England and Wales, Scotland, Northern Ireland)",
        "2026-01-02 Fri  2nd January (Scotland)",
        "2026-03-10 Tue  Proclaimed day (added by you)",
        "2026-03-17 Tue  St Patrick's Day (Northern Ireland)",
    ]
    assert len(lines) == 17
    rows = json.loads(run("holidays", "list", "--year", "2026", "--json").stdout)
    assert rows[2] == {
        "date": "2026-03-10", "weekday": "Tue", "user_added": True,
        "observances": [{"name": "Proclaimed day", "nations": [], "user_added": True}],
    }
    assert rows[3]["observances"] == [
        {"name": "St Patrick's Day", "nations": ["Northern Ireland"], "user_added": False}]
    # The stored day now moves deadlines given on the command line.
    assert run("deadline", "2026-03-04").stdout == "2026-04-07\n"
    run("holidays", "remove", "2026-03-10")
    assert run("deadline", "2026-03-04").stdout == "2026-04-02\n"


def test_cli_holidays_add_needs_database(run):
    result = run("holidays", "add", "2026-03-10", "Proclaimed day", ok=False)
    assert result.exit_code == 1 and "No campaign database" in result.stderr
    assert not Path("campaign.db").exists()


def test_cli_holidays_list_warns_for_unpublished_year(run):
    result = run("holidays", "list", "--year", "2029")
    assert result.stdout.splitlines()[0] == (
        "2029-01-01 Mon  New Year's Day (England and Wales, Scotland, Northern Ireland)")
    assert "only up to 2028-12-31" in result.stderr


def test_cli_error_is_one_line_exit_1(foi_subprocess):
    done = foi_subprocess("holidays", "add", "2026-03-10", "Proclaimed day")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: No campaign database at campaign.db")


def test_sums_asked_again_give_the_same_days_as_a_new_calendar(cal):
    """A calendar keeps each year's working days once listed: asked again, in any order,
    with other counts or other days in between, each answer is the one a fresh calendar gives."""
    asks = [(dt.date(2024, 3, 4), 20), (dt.date(2024, 3, 4), 40), (dt.date(2024, 3, 28), 20),
            (dt.date(2024, 3, 4), 20), (dt.date(2024, 12, 20), 5), (dt.date(2024, 3, 28), 1)]
    for start, n in asks + asks[::-1]:
        fresh = Calendar(cal.published, package=cal.package)
        assert cal.add_working_days(start, n) == fresh.add_working_days(start, n)
        end = start + dt.timedelta(days=3 * n)
        assert cal.working_days_between(start, end) == fresh.working_days_between(start, end)
        assert cal.working_days_between(end, start) == -fresh.working_days_between(start, end)
    # Easter 2024 (Good Friday 29 March, Easter Monday 1 April) is skipped either way
    assert cal.add_working_days(dt.date(2024, 3, 28), 1) == dt.date(2024, 4, 2)
