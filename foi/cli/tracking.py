"""`foi status`, `foi chase` and `foi calendar`: following every request of a campaign."""

import sys

import click

from foi import clock
from foi.cli.options import OutputFile, body_option, check_known, csv_option, json_option, known_regions, yes_option


@click.command()
@click.argument("slug")
@click.option("--overdue", is_flag=True, help="Only requests past their due date with no reply.")
@click.option("--very-overdue", is_flag=True, help="Only those past 40 working days.")
@click.option("--state", "states", multiple=True, help="Only this state (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only this region (repeatable).")
@json_option
@csv_option
@click.pass_obj
def status(state, slug, overdue, very_overdue, states, regions, as_json, as_csv) -> None:
    """Where every request of a campaign stands today.

    One row per body: state, date sent, due date, working days elapsed and
    overdue, last message, the council's reference and chases sent; then the
    counts by state. While an internal review is open, the row shows the
    review's own due date (20 working days after we asked), marked (review),
    and its days; --overdue includes a late review. FOI_NOW sets "today".

    \b
    Example:
        foi status early-help
        foi status early-help --overdue --region "North West"
        foi status early-help --very-overdue --csv > very-late.csv
    """
    from foi.output import format_table, write_csv, write_json
    from foi.tracking.status import STATUS_COLUMNS, filter_rows, status_rows, summarise
    from foi.vocabulary import RequestState

    check_known(states, [str(s) for s in RequestState], "--state")
    check_known(regions, known_regions(state.reader), "--region", ignore_case=True)
    rows = status_rows(state.reader, slug, clock.today())
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
        for row, record in zip(shown, records):
            record["last_message_at"] = (record["last_message_at"] or "")[:10]
            if row.in_review:  # the due date and the days are the internal review's own
                record["due_date"] = f"{record['due_date']} (review)"
            if record["very_overdue"]:
                record["days_overdue"] = f"{record['days_overdue']}!"
        click.echo(format_table(records, columns, headers=[
            "code", "body", "state", "sent", "due", "elapsed", "overdue", "last message",
            "their ref", "chases"], max_width=36))
        echo_download_links(state.reader, slug)
        echo_outbox_waiting(state.reader, slug)
    click.echo(line, err=as_json or as_csv)


# Each kind of message we send, as the user is told of it: (one, many).
MESSAGE_NOUNS = {"request": ("request", "requests"), "reminder": ("reminder", "reminders"),
                 "review": ("request for an internal review", "requests for an internal review"),
                 "clarification": ("clarification", "clarifications"), "ico": ("complaint", "complaints")}


def echo_outbox_waiting(db, slug: str) -> None:
    """Messages only written into outbox/ are not sent: said under the table, every time."""
    from foi.output import plural
    from foi.tracking.status import waiting_in_outbox

    waiting = waiting_in_outbox(db, slug)
    if waiting:
        kinds = [k for k in MESSAGE_NOUNS if k in waiting] + sorted(set(waiting) - set(MESSAGE_NOUNS))
        counts = ", ".join(plural(waiting[k], *MESSAGE_NOUNS.get(k, (k, k + "s"))) for k in kinds)
        click.echo(f"Written into outbox/ but not sent (nobody received them; no deadline runs for them): {counts}. "
                   "Add your mail server to foi.toml ([smtp]) and run the same command again to send them.")


def echo_download_links(db, slug: str) -> None:
    """Requests answered only with a link: the answer waits there for someone to fetch it."""
    from foi.tracking.status import download_links

    found = download_links(db, slug)
    if found:
        click.echo(f"Answered only with a link: download the files, then `foi attach {slug} BODY FILE...`:")
        for row in found:
            click.echo(f"  {row['body_code']}\t{row['reference']}\t{' '.join(row['links']) or '(no link found)'}")


def _summary_line(summary: dict, shown: int) -> str:
    states = ", ".join(f"{name} {count}" for name, count in summary["by_state"].items())
    from foi.output import plural

    return (f"{plural(summary['requests'], 'request')} ({states}); overdue {summary['overdue']}, "
            f"very overdue {summary['very_overdue']}; {shown} shown")


@click.command("calendar")
@click.argument("slug")
@click.option("--ics", "ics_path", required=True, type=OutputFile(),
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
    from foi.output import plural
    from foi.tracking.ics import render_ics
    from foi.tracking.status import due_events, status_rows

    rows = status_rows(state.db, slug, clock.today())
    events = due_events(rows, slug)
    with open(ics_path, "w", encoding="utf-8", newline="") as out:
        out.write(render_ics(events, clock.now(), f"FOI: {slug}"))
    click.echo(f"Wrote {plural(len(events), 'event')} to {ics_path}", err=True)


@click.command()
@click.argument("slug")
@click.option("--stage", required=True, type=click.Choice(["reminder", "review", "ico"]),
              help="reminder: overdue with no reply; review: internal review of a refusal or gaps; "
                   "ico: complaint draft when a review is late or upheld a refusal.")
@click.option("--dry-run", is_flag=True, help="Show every message exactly; send and write nothing.")
@click.option("--min-gap", default=10, show_default=True, type=click.IntRange(min=0),
              help="Do not chase a request chased fewer than this many days ago.")
@click.option("--resend-uncertain", is_flag=True,
              help="Send again, unchanged, a chaser whose sending was interrupted and that the Sent folder "
                   "does not hold (the council may get it twice).")
@body_option("Only this body", multiple=True)
@yes_option("the reminders or review requests")
@click.pass_obj
def chase(state, slug, stage, dry_run, min_gap, resend_uncertain, bodies, yes):
    """Chase late or unsatisfactory replies, each in its email thread.

    reminder: every request past its due date with no substantive reply.
    review: an internal review request for refusals, partial answers and
    missed questions, naming the exemptions and the unanswered questions
    (within 40 working days of the response); starts the review's 20 days.
    ico: a complaint draft (ico/SLUG/REF.txt and .docx, with the timeline) for
    the ICO's web form, where a review is overdue or upheld a refusal.
    Answered and withdrawn requests are never chased. Each chaser is sent
    exactly once, as a reply to the council's last message. With no terminal
    to confirm on, reminders and reviews are sent only with --yes.

    \b
    Example:
        foi chase early-help --stage reminder --dry-run
        foi chase early-help --stage review --body BNS --yes
        foi chase early-help --stage ico
    """
    from foi.cli.delivery import plan_for_route, require_yes_without_terminal, send_plan, show_skipped
    from foi.letters.render import sender_from_config
    from foi.output import plural
    from foi.sending.chasing import apply_chase, plan_chase
    from foi.sending.send import reaches_councils

    one, many = MESSAGE_NOUNS[stage]
    if not dry_run and stage != "ico":  # ico drafts are written, not sent
        require_yes_without_terminal(yes, many)
    plan = plan_chase(state.db, slug, stage, today=clock.today(), sender=sender_from_config(state.config),
                      min_gap=min_gap, bodies=bodies, folder=state.db_path.resolve().parent)
    plan.send.resend_uncertain = resend_uncertain
    if dry_run:
        if stage != "ico":  # as the real run will: one already waiting in outbox/ is not written again
            plan.send = plan_for_route(state, plan.send)
            plan.reasons = {ref: why for ref, why in plan.reasons.items()
                            if any(m.reference == ref for m in plan.send.messages)}
        _show_chase_plan(plan, into_outbox=stage != "ico" and not reaches_councils(state.config))
        return
    if stage != "ico":
        send_plan(state, plan.send, yes, one, many)
        return
    report = apply_chase(state.db, plan, None, now=clock.now())
    for path in report.written:
        click.echo(str(path))
    show_skipped(plan.skipped)
    click.echo(f"Wrote {plural(len(plan.drafts), 'complaint draft')}: submit each on the ICO's web form "
               "(https://ico.org.uk/make-a-complaint/).", err=True)


def _show_chase_plan(plan, *, into_outbox: bool) -> None:
    """The dry run: what would go (counted and listed alike), then apart what would not and why."""
    from foi.cli.delivery import show_messages, show_skipped
    from foi.output import plural

    stage = plan.stage
    count = len(plan.drafts) if stage == "ico" else len(plan.send.messages)
    what = {"reminder": "reminder", "review": "review request", "ico": "complaint draft"}[stage]
    verb = "write" if stage == "ico" or into_outbox else "send"
    where = " into outbox/ (no SMTP server set up: nobody receives them)" if into_outbox else ""
    click.echo(f"Would {verb} {plural(count, what)}{where}{':' if count else '.'}", err=True)
    for reference, why in plan.reasons.items():
        click.echo(f"{reference}\t{why}", err=True)
    show_messages(plan.send.messages)
    for draft in plan.drafts:
        click.echo(f"File: {draft.stem}.txt (and .docx)\nSubject: {draft.rendered.subject}\n\n"
                   f"{draft.rendered.body}")
    for item in plan.send.uncertain:
        click.echo(f"{item.reference}\t{item.body_name}\tnot sent: an earlier {stage}'s sending was interrupted; "
                   "it is looked for in the Sent folder first, never sent twice", err=True)
    if plan.skipped:
        click.echo(f"Not {'written' if stage == 'ico' else 'sent'}: {len(plan.skipped)}", err=True)
        show_skipped(plan.skipped)
