"""`foi fee-paid` and `foi reviewed`: clock events no message records."""

import datetime as dt
from typing import TYPE_CHECKING

import click

from foi.cli.options import Day, body_argument

if TYPE_CHECKING:
    from foi.cli import State
    from foi.tracking.clock_events import ClockEventPlan


@click.command("fee-paid")
@click.argument("slug")
@body_argument()
@click.option("--on", "on", required=True, type=Day(), help="Day the council received the fee.")
@click.option("--note", help="Kept with the event (e.g. how it was paid).")
@click.option("--dry-run", is_flag=True, help="Show the due date it would give; record nothing.")
@click.pass_obj
def fee_paid(state: "State", slug: str, body: str, on: str, note: str | None, dry_run: bool) -> None:
    """Record a fee paid (s.9 fees notice): the clock resumes.

    The working days from the notice to the payment are disregarded (s.10(2)),
    so the due date moves on by that many; the request awaits its answer again
    and is overdue after the new date.

    \b
    Example:
        foi fee-paid early-help BNS --on 2026-03-18
    """
    from foi import clock
    from foi.tracking.clock_events import plan_fee_paid

    now = clock.now()
    plan = plan_fee_paid(state.db, slug, body, on=on, today=now.date(), note=note)
    _record(state, plan, now, dry_run, f"fee paid on {plan.on}; due {plan.after.due}")


@click.command("reviewed")
@click.argument("slug")
@body_argument()
@click.option("--on", "on", required=True, type=Day(), help="Day the review's answer arrived.")
@click.option("--outcome", type=click.Choice(["upheld", "overturned", "partly"]),
              help="upheld: the earlier state stands; overturned: answered; partly: answered_partial.")
@click.option("--note", help="Kept with the event.")
@click.option("--dry-run", is_flag=True, help="Show what would be recorded; record nothing.")
@click.pass_obj
def reviewed(state: "State", slug: str, body: str, on: str, outcome: str | None, note: str | None,
                    dry_run: bool) -> None:
    """Record the council's answer to an internal review, not by mail.

    The review stops counting as late. Without --outcome the request goes back
    to the state it had when the review was asked for, as if upheld.

    \b
    Example:
        foi reviewed early-help BNS --on 2026-05-06 --outcome upheld
    """
    from foi import clock
    from foi.tracking.clock_events import plan_review_answered

    now = clock.now()
    plan = plan_review_answered(state.db, slug, body, on=on, today=now.date(), outcome=outcome, note=note)
    _record(state, plan, now, dry_run, f"internal review answered on {plan.on}"
            + (f" ({outcome})" if outcome else "") + f", due {plan.before.review_due}")


def _record(state: "State", plan: "ClockEventPlan", now: dt.datetime, dry_run: bool, what: str) -> None:
    from foi import clock
    from foi.tracking.clock_events import apply_clock_event

    if not dry_run:
        apply_clock_event(state.db, plan, now=clock.iso(now))
    before = plan.request["state"]
    moved = f"{before} -> {plan.to_state}" if plan.to_state != before else f"stays {before}"
    would = "Would record" if dry_run else "Recorded"
    click.echo(f"{would} {plan.request['reference']} ({plan.body_name}): {what}; state {moved}.", err=True)
