"""`foi send`: send a campaign's requests by email."""

import click

from foi.cli.delivery import (
    plan_for_route,
    require_yes_without_terminal,
    route,
    send_plan,
    show_messages,
    show_skipped,
)
from foi.cli.options import body_argument, body_option, yes_option


@click.command()
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Show exactly what would be sent; send and write nothing.")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N new requests this run.")
@body_option("Only the request to this body", multiple=True)
@yes_option("the requests")
@click.option("--resend-uncertain", is_flag=True,
              help="Re-send messages whose earlier send was interrupted and which are not in the "
                   "Sent folder (same bytes, same Message-ID).")
@click.pass_obj
def send(state, slug, dry_run, limit, bodies, yes, resend_uncertain):
    """Send the campaign's requests, each exactly once.

    Safe to interrupt and re-run: requests already sent are skipped, and a
    message caught mid-send is never sent again without --resend-uncertain.
    Without an [smtp] host in foi.toml, messages are only written into the
    outbox/ folder: nobody receives them, they stay unsent and no deadline
    starts; once a server is set up, `foi send` sends them for real, once.
    On a terminal it asks first; with no terminal (a script, cron) it sends
    only with --yes, and otherwise stops with exit code 2.

    \b
    Example:
        foi send early-help --dry-run
        foi send early-help --limit 5
        foi send early-help --yes
    """
    from foi.letters.render import renderer_for, sender_from_config
    from foi.sending.send import plan_send

    if not dry_run:
        require_yes_without_terminal(yes, "requests")
    render = renderer_for(state.db, slug, sender_from_config(state.config))
    plan = plan_send(state.db, slug, render, limit=limit, bodies=bodies,
                     resend_uncertain=resend_uncertain)
    if dry_run:
        _show_plan(state, plan_for_route(state, plan))
        return
    send_plan(state, plan, yes, "request")


def _would(state, what: str) -> str:
    """'Would send WHAT via the server' or 'Would write WHAT into outbox/': a dry run says which."""
    from foi.sending.send import reaches_councils

    verb = "send" if reaches_councils(state.config) else "write"
    return f"Would {verb} {what} {route(state.config, state.db_path)}:"


def _show_plan(state, plan) -> None:
    from foi.output import plural

    click.echo(_would(state, plural(len(plan.messages), "request")), err=True)
    for message in plan.messages:
        extra = "".join(f"  +{name}" for name, _, _ in message.rendered.attachments)
        retry = "  (retry after failure)" if message.retry else ""
        click.echo(f"{message.reference}\t{message.to_addr}\t{message.rendered.subject}{extra}{retry}")
    for item in plan.uncertain:
        action = "re-send if not in the Sent folder" if plan.resend_uncertain else "look for in the Sent folder"
        click.echo(f"{item.reference}\t{item.outgoing['to_addr']}\tUNCERTAIN: would {action}")
    show_skipped(plan.skipped)
    if plan.messages:
        first = plan.messages[0].rendered
        click.echo(f"\nFirst message ({plan.messages[0].reference}):\nSubject: {first.subject}\n\n"
                   f"{first.body}", err=True)


@click.command()
@click.argument("slug")
@body_argument("body_code")
@click.option("--file", "text_file", required=True, type=click.File("r", encoding="utf-8"),
              help="The text of the reply (- reads standard input).")
@click.option("--dry-run", is_flag=True, help="Show the reply exactly; send and write nothing.")
@yes_option("the reply")
@click.pass_obj
def reply(state, slug, body_code, text_file, dry_run, yes):
    """Answer a council's request for clarification, in its thread.

    Sent as "Re: ..." to the council's last message (In-Reply-To), with our
    reference and theirs. Once sent, the 20 working days start again from
    today (the London date of sending) and the request awaits a response.
    With no terminal to confirm on, it is sent only with --yes.

    \b
    Example:
        foi reply early-help BNS --file clarification.txt --dry-run
        foi reply early-help BNS --file clarification.txt --yes
    """
    from foi.letters.render import sender_from_config
    from foi.sending.replying import plan_reply

    if not dry_run:
        require_yes_without_terminal(yes, "the reply")
    plan = plan_reply(state.db, slug, body_code, text_file.read(), sender=sender_from_config(state.config))
    if dry_run:
        click.echo(_would(state, f"{len(plan.messages)} reply"), err=True)
        show_messages(plan.messages)
        show_skipped(plan.skipped)
        return
    send_plan(state, plan, yes, "reply", "replies")
