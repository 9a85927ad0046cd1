"""`foi send`: send a campaign's requests by email."""

import sys
from collections import Counter

import click


@click.command()
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Show exactly what would be sent; send and write nothing.")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N new requests this run.")
@click.option("--body", "bodies", multiple=True, metavar="CODE",
              help="Only the request to this body (repeatable).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--resend-uncertain", is_flag=True,
              help="Re-send messages whose earlier send was interrupted and which are not in the "
                   "Sent folder (same bytes, same Message-ID).")
@click.pass_obj
def send(state, slug, dry_run, limit, bodies, yes, resend_uncertain):
    """Send the campaign's requests, each exactly once.

    Safe to interrupt and re-run: requests already sent are skipped, and a
    message caught mid-send is never sent again without --resend-uncertain.
    Without an [smtp] host in foi.toml, messages go to the outbox/ folder.

    \b
    Example:
        foi send eh-2026 --dry-run
        foi send eh-2026 --limit 5
        foi send eh-2026 --yes
    """
    from foi.letters.render import renderer_for, sender_from_config
    from foi.sending.send import plan_send

    render = renderer_for(state.db, slug, sender_from_config(state.config))
    plan = plan_send(state.db, slug, render, limit=limit, bodies=bodies,
                     resend_uncertain=resend_uncertain)
    if dry_run:
        _show_plan(plan, _route(state.config, state.db_path))
        return
    send_plan(state, plan, yes, "message(s)")


def _route(config, db_path) -> str:
    if not config.smtp.configured:
        return f"into {db_path.resolve().parent / 'outbox'} (no SMTP server configured: nobody receives them)"
    smtp = config.smtp
    rate = f"{smtp.rate:g} a minute" if smtp.rate else "unthrottled"
    return f"from {config.sender.email} via {smtp.host}:{smtp.effective_port} ({smtp.security}, {rate})"


def _show_plan(plan, route: str) -> None:
    click.echo(f"Would send {len(plan.messages)} message(s) {route}:", err=True)
    for message in plan.messages:
        extra = "".join(f"  +{name}" for name, _, _ in message.rendered.attachments)
        retry = "  (retry after failure)" if message.retry else ""
        click.echo(f"{message.reference}\t{message.to_addr}\t{message.rendered.subject}{extra}{retry}")
    for item in plan.uncertain:
        action = "re-send if not in the Sent folder" if plan.resend_uncertain else "look for in the Sent folder"
        click.echo(f"{item.reference}\t{item.outgoing['to_addr']}\tUNCERTAIN: would {action}")
    _show_skipped(plan.skipped)
    if plan.messages:
        first = plan.messages[0].rendered
        click.echo(f"\nFirst message ({plan.messages[0].reference}):\nSubject: {first.subject}\n\n"
                   f"{first.body}", err=True)


def _show_skipped(skipped) -> None:
    """Bodies the user can act on one by one; the routine reasons as counts."""
    routine: Counter[str] = Counter()
    for item in skipped:
        if item.reason.startswith(("beyond --limit", "already sent")):
            routine[item.reason.split(" (")[0]] += 1
        else:
            click.echo(f"{item.reference}\t{item.body_name}\tskipped: {item.reason}", err=True)
    for reason, count in sorted(routine.items()):
        click.echo(f"{count} skipped: {reason}", err=True)


def _show_report(report, plan) -> None:
    counts = Counter(outcome.status for outcome in report.outcomes)
    click.echo(f"Sent: {counts['sent']}")
    if counts["found_in_sent"]:
        click.echo(f"Found already sent (in the Sent folder): {counts['found_in_sent']}")
    for status, title in (("failed", "Failed"), ("uncertain", "Uncertain")):
        if counts[status]:
            click.echo(f"{title}: {counts[status]}")
            for outcome in report.having(status):
                click.echo(f"  {outcome.reference}\t{outcome.to_addr}\t{outcome.detail}")
    if plan.skipped:
        click.echo(f"Skipped: {len(plan.skipped)}")
        reasons = Counter(item.reason for item in plan.skipped)
        for reason, count in sorted(reasons.items()):
            click.echo(f"  {count}\t{reason}")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)


class _progress:
    """A progress bar on a terminal; nothing at all in a pipe."""

    def __init__(self, total: int):
        self.bar = click.progressbar(length=total, label="Sending", file=sys.stderr) \
            if sys.stderr.isatty() and total else None

    def __enter__(self):
        if self.bar is None:
            return lambda outcome: None
        self.bar.__enter__()
        return lambda outcome: self.bar.update(1)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def show_messages(messages) -> None:
    """Every planned message exactly as it will go (Message-ID and Date are set at sending)."""
    for message in messages:
        click.echo(f"To: {message.to_addr}")
        if message.in_reply_to:
            click.echo(f"In-Reply-To: {message.in_reply_to}")
        click.echo(f"Subject: {message.rendered.subject}\n\n{message.rendered.body}")
        click.echo("-" * 72)


def send_plan(state, plan, yes: bool, what: str) -> None:
    """Confirm on a terminal, then send a plan exactly once (requests, chasers, replies)."""
    from foi import clock
    from foi.sending.send import apply_send, send_lock, sending_from_config

    route = _route(state.config, state.db_path)
    if not plan.messages and not plan.uncertain:
        _show_skipped(plan.skipped)
        click.echo("Nothing to send.", err=True)
        return
    if sys.stdin.isatty() and not yes:
        click.confirm(f"Send {len(plan.messages)} {what} {route}?", abort=True, err=True)
    with send_lock(state.db_path), _progress(len(plan.messages) + len(plan.uncertain)) as tick:
        how = sending_from_config(state.config, state.db_path, now=clock.now, progress=tick)
        report = apply_send(state.db, plan, how)
    _show_report(report, plan)


@click.command()
@click.argument("slug")
@click.argument("body_code", metavar="BODY")
@click.option("--file", "text_file", required=True, type=click.File("r", encoding="utf-8"),
              help="The text of the reply (- reads standard input).")
@click.option("--dry-run", is_flag=True, help="Show the reply exactly; send and write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def reply(state, slug, body_code, text_file, dry_run, yes):
    """Answer a council's request for clarification, in its thread.

    Sent as "Re: ..." to the council's last message (In-Reply-To), with our
    reference and theirs. Once sent, the 20 working days start again from
    today (the London date of sending) and the request awaits a response.

    \b
    Example:
        foi reply eh-2026 BNS --file clarification.txt --dry-run
        foi reply eh-2026 BNS --file clarification.txt --yes
    """
    from foi.letters.render import sender_from_config
    from foi.sending.replying import plan_reply

    plan = plan_reply(state.db, slug, body_code, text_file.read(), sender=sender_from_config(state.config))
    if dry_run:
        click.echo(f"Would send {len(plan.messages)} reply {_route(state.config, state.db_path)}:", err=True)
        show_messages(plan.messages)
        _show_skipped(plan.skipped)
        return
    send_plan(state, plan, yes, "reply")
