"""`foi status`, `foi chase` and `foi calendar`: following every request of a campaign."""

import sys

import click

from foi import clock


@click.command()
@click.argument("slug")
@click.option("--overdue", is_flag=True, help="Only requests past their due date with no reply.")
@click.option("--very-overdue", is_flag=True, help="Only those past 40 working days.")
@click.option("--state", "states", multiple=True, help="Only this state (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only this region (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Output CSV.")
@click.pass_obj
def status(state, slug, overdue, very_overdue, states, regions, as_json, as_csv) -> None:
    """Where every request of a campaign stands today.

    One row per body: state, date sent, due date, working days elapsed and
    overdue, last message, the council's reference and chases sent; then the
    counts by state. FOI_NOW sets "today".

    \b
    Example:
        foi status early-help
        foi status early-help --overdue --region "North West"
        foi status early-help --very-overdue --csv > very-late.csv
    """
    from foi.output import format_table, write_csv, write_json
    from foi.tracking import STATUS_COLUMNS, filter_rows, status_rows, summarise

    rows = status_rows(state.db, slug, clock.today())
    shown = filter_rows(rows, overdue=overdue, very_overdue=very_overdue, states=states, regions=regions)
    records = [row.as_dict() for row in shown]
    summary = summarise(rows)
    line = _summary_line(summary, len(shown))
    if as_json:
        write_json({"as_of": str(clock.today()), "summary": summary, "requests": records}, sys.stdout)
    elif as_csv:
        write_csv(records, STATUS_COLUMNS, sys.stdout)
    else:
        columns = ["body_code", "body_name", "state", "sent_on", "due_date", "days_elapsed",
                   "days_overdue", "last_message_at", "their_reference", "chases"]
        for record in records:
            record["last_message_at"] = (record["last_message_at"] or "")[:10]
            if record["very_overdue"]:
                record["days_overdue"] = f"{record['days_overdue']}!"
        click.echo(format_table(records, columns, headers=[
            "code", "body", "state", "sent", "due", "elapsed", "overdue", "last message",
            "their ref", "chases"], max_width=36))
    click.echo(line, err=as_json or as_csv)


def _summary_line(summary: dict, shown: int) -> str:
    states = ", ".join(f"{name} {count}" for name, count in summary["by_state"].items())
    return (f"{summary['requests']} requests ({states}); overdue {summary['overdue']}, "
            f"very overdue {summary['very_overdue']}; {shown} shown")


@click.command("calendar")
@click.argument("slug")
@click.option("--ics", "ics_path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The .ics file to write.")
@click.pass_obj
def calendar_(state, slug: str, ics_path: str) -> None:
    """Write due dates and review dates as calendar events (.ics).

    Import the file into Outlook or Google Calendar: one all-day event on each
    request's due date, one on the day after which it is very overdue, and one
    on each internal review's due date. Answered requests are left out.

    \b
    Example:
        foi calendar early-help --ics early-help.ics
    """
    from foi.ics import render_ics
    from foi.tracking import due_events, status_rows

    rows = status_rows(state.db, slug, clock.today())
    events = due_events(rows, slug)
    with open(ics_path, "w", encoding="utf-8", newline="") as out:
        out.write(render_ics(events, clock.now(), f"FOI: {slug}"))
    click.echo(f"Wrote {len(events)} events to {ics_path}", err=True)
