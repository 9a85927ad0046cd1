"""`foi holidays` and `foi deadline`: the UK working-day calendar on the command line."""

from __future__ import annotations

import datetime as dt
import json
import re

import click

from foi.cli.options import body_code, json_option
from foi.clock import day_problem
from foi.errors import FoiError


def _parse_date(text: str, what: str = "DATE") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date like 2026-03-04", param_hint=what) from None


def _calendar(state):
    """The UK calendar, with the user's own days when a campaign database exists."""
    from foi.tracking.workdays import build_calendar, load_user_days

    if state.db_path.exists():
        return build_calendar(load_user_days(state.db))
    return build_calendar()


def _warn(messages) -> None:
    for message in messages:
        click.echo(f"Warning: {message}", err=True)


@click.group()
def holidays() -> None:
    """UK bank holidays that stop the FOI clock (in any UK nation).

    GOV.UK's published days, the `holidays` package and days you add yourself,
    e.g. a one-off bank holiday proclaimed after the data was published.

    \b
    Example:
        foi holidays list --year 2026
        foi holidays add 2029-05-14 "Bank holiday for a royal event"
    """


@holidays.command("add")
@click.argument("date")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Show what would be stored; store nothing.")
@click.pass_obj
def add(state, date: str, name: str, dry_run: bool) -> None:
    """Add a non-working day, such as a newly proclaimed bank holiday.

    It moves every deadline that spans it. Needs the campaign database.

    \b
    Example:
        foi holidays add 2029-05-14 "Bank holiday for a royal event"
    """
    from foi import clock
    from foi.tracking.workdays import UserDay, build_calendar, load_user_days, save_user_day

    day = _parse_date(date)
    db = state.db  # a missing database is an error with a hint
    known = build_calendar(load_user_days(db)).reason_not_working(day)
    if known:
        click.echo(f"Note: {day} is already not a working day: {known}", err=True)
    if dry_run:
        click.echo(f"Would add {day} {name}", err=True)
        return
    save_user_day(db, UserDay(day, name, clock.iso(clock.now())))
    click.echo(f"Added {day} {name}", err=True)


@holidays.command("remove")
@click.argument("date")
@click.option("--dry-run", is_flag=True, help="Show what would be removed; change nothing.")
@click.pass_obj
def remove(state, date: str, dry_run: bool) -> None:
    """Remove a day you added (published bank holidays cannot be removed).

    \b
    Example:
        foi holidays remove 2029-05-14
    """
    from foi.tracking.workdays import delete_user_day, load_user_days

    day = _parse_date(date)
    db = state.db
    if not any(u.date == day for u in load_user_days(db)):
        raise FoiError(f"No day added by you on {day}", "See `foi holidays list --year YEAR`.")
    if dry_run:
        click.echo(f"Would remove {day}", err=True)
        return
    delete_user_day(db, day)
    click.echo(f"Removed {day}", err=True)


@holidays.command("list")
@click.option("--year", type=int, help="Calendar year [default: this year].")
@json_option
@click.pass_obj
def list_(state, year: int | None, as_json: bool) -> None:
    """List the year's holidays in any UK nation, with names and nations.

    Days you added are marked "(added by you)".

    \b
    Example:
        foi holidays list --year 2026
    """
    from foi import clock
    from foi.tracking.workdays import NATIONS, WEEKDAYS

    year = year or clock.today().year
    calendar = _calendar(state)
    days = calendar.holidays_in(year)
    if as_json:
        rows = [
            {
                "date": h.date.isoformat(),
                "weekday": WEEKDAYS[h.date.weekday()],
                "user_added": h.user_added,
                "observances": [
                    {"name": o.name, "nations": [NATIONS[n] for n in o.nations],
                     "user_added": o.user_added}
                    for o in h.observances
                ],
            }
            for h in days
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for h in days:
            click.echo(f"{h.date} {WEEKDAYS[h.date.weekday()]}  {h.describe()}")
    _warn(calendar.warnings(dt.date(year, 12, 31)))


@click.command()
@click.argument("args", nargs=-1, required=True, metavar="DATE | SLUG BODY")
@click.option("--days", default=20, show_default=True, type=click.IntRange(min=1),
              help="Working days allowed (40 = very overdue, EIR complex requests).")
@click.option("--explain", is_flag=True, help="Show every day counted or skipped, and why.")
@click.pass_obj
def deadline(state, args: tuple[str, ...], days: int, explain: bool) -> None:
    """Work out a statutory due date, or one request's timeline.

    Given a DATE, prints the date a reply to a request received that day is
    due; given SLUG BODY, the timeline of that request of a campaign.

    The day of receipt is day 0 whatever day it is; day 1 is the next working
    day; the reply is due by the end of working day 20 (FOIA s.10(1)). Weekends
    and bank holidays in any part of the UK are not working days.

    \b
    Example:
        foi deadline 2026-03-04
        foi deadline 2009-03-12 --explain
        foi deadline 2007-10-14 --days 40
        foi deadline early-help BNS    # a request: every event and date
    """
    from foi.tracking.workdays import timeline_lines

    try:
        start = dt.date.fromisoformat(args[0])
    except ValueError:
        if len(args) == 1 and re.match(r"^\d", args[0]):
            raise click.UsageError(str(day_problem(args[0]))) from None
        if len(args) != 2:
            raise click.UsageError(
                "Give a date (`foi deadline 2026-03-04`) or a campaign and a body "
                "(`foi deadline early-help BNS`).") from None
        _explain_request(state, args[0], args[1])
        return
    if len(args) > 1:
        raise click.UsageError("Give one date, e.g. `foi deadline 2026-03-04`.")
    calendar = _calendar(state)
    timeline = calendar.explain(start, days)
    if explain:
        for line in timeline_lines(timeline):
            click.echo(line)
    else:
        click.echo(timeline.due.isoformat())
    _warn(timeline.warnings)


def _explain_request(state, slug: str, body: str) -> None:
    """The timeline of one request: sending, clarification, fees, extension, review."""
    from foi import clock
    from foi.output import plural
    from foi.tracking.deadlines import explain_case
    from foi.tracking.status import campaign_calendar, status_rows

    code = body_code(click.get_current_context(), body)
    rows = status_rows(state.db, slug, clock.today(), body_codes=[code])
    if not rows:
        raise FoiError(f"Campaign {slug} has no request to {code}")
    row = rows[0]
    click.echo(f"{row.reference}  {row.body_name}  state: {row.state}")
    if row.deadline is None:
        click.echo("Not sent yet: the clock has not started.")
        return
    for line in explain_case(campaign_calendar(state.db), row.deadline):
        click.echo(line)
    if row.days_overdue:
        very = " (very overdue)" if row.very_overdue else ""
        what = "The internal review is overdue" if row.in_review else "Overdue"
        click.echo(f"{what} by {plural(row.days_overdue, 'working day')}{very} as of {clock.today()}.")
    _warn(row.deadline.warnings)
