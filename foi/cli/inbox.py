"""`foi inbox`, `foi assign`, `foi set-state`: reading and filing received mail."""

import json

import click

from foi import clock
from foi.cli.options import body_argument, check_known, json_option, known_campaigns


@click.command()
@click.option("--unmatched", is_flag=True, help="Only messages not filed under a request.")
@click.option("--campaign", "slug", help="Only messages filed under this campaign.")
@json_option
@click.pass_obj
def inbox(state, unmatched: bool, slug: str | None, as_json: bool) -> None:
    """List received messages, matched or with guesses if unmatched.

    Each message shows its request and classification; an unmatched one shows
    the likeliest requests with a score and reason.

    \b
    Example:
        foi inbox --unmatched
        foi assign 42 EH-BNS-592V
    """
    from foi.output import plural
    from foi.triage.inbox import list_messages

    if slug:
        check_known([slug], known_campaigns(state.db), "--campaign")
    rows = list_messages(state.db, unmatched=unmatched, campaign=slug)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    for row in rows:
        filed = f"{row['reference']} ({row['body_name']}, {row['match_rule']})" if row["request_id"] \
            else "UNMATCHED"
        click.echo(f"{row['id']:>5}  {(row['date'] or '')[:10]:10}  {row['from_addr'] or '-'}  "
                   f"{row['classification'] or '-'}  {filed}")
        click.echo(f"       {row['subject'] or '(no subject)'}")
        if row["parse_error"]:
            click.echo(f"       ! partly read: {row['parse_error']}")
        for guess in row["guesses"]:
            click.echo(f"       ? {guess['reference']}  {guess['body_name']}  "
                       f"{guess['score']:.1f}  {guess['reason']}")
    click.echo(plural(len(rows), "message"), err=True)


@click.command()
@click.argument("message")
@click.argument("request")
@click.option("--dry-run", is_flag=True, help="Show what would be filed, change nothing.")
@click.pass_obj
def assign(state, message: str, request: str, dry_run: bool) -> None:
    """File a message under a request by hand and remember its sender.

    MESSAGE is a row id or Message-ID; REQUEST a reference or SLUG/BODY. The
    message is classified again, and later mail from its sender's address
    matches the same council.

    \b
    Example:
        foi assign 42 EH-BNS-592V
        foi assign '<abc@mail.barnsley.gov.uk>' early-help/BNS
    """
    from foi.triage.inbox import assign_message, find_message, find_request

    found, target = find_message(state.db, message), find_request(state.db, request)
    if dry_run:
        click.echo(f"would file message {found['id']} ({found['from_addr']}) under "
                   f"{target['reference']} and remember {found['from_addr']}")
        return
    now = clock.now()
    row = assign_message(state.db, message, request, now.date().isoformat(), clock.iso(now))
    click.echo(f"message {row['id']} -> {target['reference']}: {row['classification']}")


@click.command("set-state")
@click.argument("slug")
@body_argument()
@click.argument("new_state", metavar="STATE")
@click.option("--note", help="Why (kept in the audit trail).")
@click.option("--dry-run", is_flag=True, help="Check the names, change nothing.")
@click.pass_obj
def set_state(state, slug: str, body: str, new_state: str, note: str | None, dry_run: bool) -> None:
    """Correct a request's state by hand (kept over automatic triage).

    Mail triage will not overwrite it afterwards (it still logs what each
    message says).

    \b
    States: draft awaiting_response bounced acknowledged awaiting_clarification
    fee_requested extended internal_review refused not_held link_only
    answered_partial answered withdrawn failed

    \b
    Example:
        foi set-state early-help BNS answered --note "figures came by post"
    """
    from foi.tracking.states import validate_state
    from foi.triage.inbox import request_for, set_request_state

    target_state = validate_state(new_state)
    request = request_for(state.db, slug, body)
    if dry_run:
        click.echo(f"would set {request['reference']}: {request['state']} -> {target_state}")
        return
    now = clock.now()
    row = set_request_state(state.db, slug, body, target_state, note,
                            now.date().isoformat(), clock.iso(now))
    click.echo(f"{row['reference']}: {request['state']} -> {row['state']} (manual)")
