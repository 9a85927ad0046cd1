"""Sending a plan from the command line, shared by `foi send`, `foi chase` and `foi reply`:
where the mail goes, asking first, the progress bar and the summary.

Mail is never sent without a yes: on a terminal the user is asked; with no terminal
(a script, cron, a pipe) the command refuses unless --yes was given (exit code 2,
a usage error: the same command with --yes or on a terminal works).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from foi.cli.progress import Progress

if TYPE_CHECKING:
    from foi.sending.send import PlannedMessage, SendPlan, SendReport, Skipped

class NeedsYes(click.ClickException):
    """Sending was asked for where nobody can confirm it."""

    exit_code = 2


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def require_yes_without_terminal(yes: bool, what: str) -> None:
    """Refuse to send `what` with no terminal to confirm on, unless --yes was given."""
    if not yes and not stdin_is_terminal():
        raise NeedsYes(f"Not sending {what}: standard input is not a terminal, so nobody can confirm. "
                       "Add --yes to send, or --dry-run to see what would go.")


def route(config: Any, db_path: Path) -> str:
    """Where the messages go, in words: the outbox folder or the SMTP server."""
    if not config.smtp.configured:
        if config.outbox.counts_as_sent:
            return (f"into {_outbox(db_path)} (no SMTP server set up; counted as sent, as foi.toml says: "
                    "you send them on yourself)")
        return f"into {_outbox(db_path)} (no SMTP server set up: nobody receives them)"
    smtp = config.smtp
    rate = f"{smtp.rate:g} a minute" if smtp.rate else "unthrottled"
    return f"from {config.sender.email} via {smtp.host}:{smtp.effective_port} ({smtp.security}, {rate})"


def _outbox(db_path: Path) -> Path:
    return db_path.resolve().parent / "outbox"


def plan_for_route(state: Any, plan: SendPlan) -> SendPlan:
    """Into the outbox/ nobody reads, a message already waiting there is not written again."""
    from foi.sending.send import hold_outbox_copies, reaches_councils

    return plan if reaches_councils(state.config) else hold_outbox_copies(state.db, plan)


def show_messages(messages: list[PlannedMessage]) -> None:
    """Every planned message exactly as it will go (Message-ID and Date are set at sending):
    headers on one line and text without controls, as foi.mail.compose writes them."""
    from foi.safetext import one_line, plain_text

    for message in messages:
        click.echo(f"To: {one_line(message.to_addr)}")
        if in_reply_to := one_line(message.in_reply_to):
            click.echo(f"In-Reply-To: {in_reply_to}")
        click.echo(f"Subject: {one_line(message.rendered.subject)}\n\n{plain_text(message.rendered.body)}")
        click.echo("-" * 72)


def show_skipped(skipped: list[Skipped]) -> None:
    """Bodies the user can act on one by one; the routine reasons (true of many
    bodies on every re-run) as counts."""
    from foi.sending.send import SkipKind

    routine: Counter[str] = Counter()
    for item in skipped:
        if item.kind in (SkipKind.ALREADY_SENT, SkipKind.BEYOND_LIMIT, SkipKind.IN_OUTBOX):
            routine[item.kind.value] += 1
        else:
            click.echo(f"{item.reference}\t{item.body_name}\tskipped: {item.reason}", err=True)
    for reason, count in sorted(routine.items()):
        click.echo(f"{count} skipped: {reason}", err=True)


def send_plan(state: Any, plan: SendPlan, yes: bool, what: str, many: str | None = None) -> None:
    """Confirm on a terminal, then send a plan exactly once (requests, chasers, replies).
    `what` names one message ("request", "reminder"; `many` its plural where not +s)."""
    from foi import clock
    from foi.output import plural
    from foi.sending.send import SkipKind, apply_send, reaches_councils, send_lock, sending_from_config

    where = route(state.config, state.db_path)
    delivers = reaches_councils(state.config)
    plan = plan_for_route(state, plan)
    waiting = sum(item.kind == SkipKind.IN_OUTBOX for item in plan.skipped)
    if not plan.messages and not plan.uncertain:
        show_skipped(plan.skipped)
        click.echo("Nothing to send." if delivers else "Nothing new to write into outbox/.", err=True)
        _outbox_notice(state, 0, waiting)
        return
    if not yes:
        require_yes_without_terminal(yes, many or f"{what}s")
        click.confirm(f"{'Send' if delivers else 'Write'} {plural(len(plan.messages), what, many)} {where}?",
                      abort=True, err=True)
    total = len(plan.messages) + len(plan.uncertain)
    with send_lock(state.db_path), Progress("Sending" if delivers else "Writing", total) as progress:
        how = sending_from_config(state.config, state.db_path, now=clock.now, progress=progress.advance)
        report = apply_send(state.db, plan, how)
    _show_report(report, plan, "Sent" if state.config.smtp.configured else "Written to outbox/, counted as sent")
    _outbox_notice(state, len(report.having("outbox", "sent")), waiting)


def _outbox_notice(state: Any, written: int, waiting: int) -> None:
    """Every run into outbox/ says plainly that nobody received the messages, and how to
    send them for real (or, if the user sends the files on, that the clock now runs)."""
    config = state.config
    if config.smtp.configured or not (written or waiting):
        return
    outbox = _outbox(state.db_path)
    if config.outbox.counts_as_sent:
        click.echo(f"These were written into {outbox} and count as sent from now (outbox.counts_as_sent "
                   "in foi.toml): their deadlines run from today, so send the files on today.", err=True)
        return
    click.echo(f"Nobody has received {'them' if written else 'the messages waiting there'}: there is no mail "
               f"server (SMTP) in foi.toml, so foi only wrote them into {outbox}.\n"
               "They do not count as sent: no deadline has started.\n"
               "To send them for real, add your mail server to foi.toml ([smtp] host, username and "
               "password_command: see Configuration in the README) and run the same command again: each "
               "is then sent once.", err=True)


# What a run did, in the order the summary lists it: (outcome, heading, what the total says).
OUTCOMES = (("sent", "Sent", "sent"),
            ("outbox", "Written to outbox/, not sent", "written to outbox/ (not sent)"),
            ("found_in_sent", "Found already sent (in the Sent folder)", "found already sent"),
            ("failed", "Failed", "failed"),
            ("uncertain", "Uncertain", "uncertain"))


def _show_report(report: SendReport, plan: SendPlan, sent_heading: str) -> None:
    """One line per council under what happened to it (the server's words for a
    failure, why for a skip), then the totals and what to do about failures."""
    totals = []
    for status, heading, total in OUTCOMES:
        heading = sent_heading if status == "sent" else heading
        outcomes = report.having(status)
        if outcomes:
            click.echo(f"{heading}: {len(outcomes)}")
            totals.append(f"{len(outcomes)} {total}")
        for outcome in outcomes:
            detail = f"\t{outcome.detail}" if status in ("failed", "uncertain") else ""
            click.echo(f"  {outcome.reference}\t{outcome.body_name}\t{outcome.to_addr}{detail}")
    if plan.skipped:
        click.echo(f"Skipped: {len(plan.skipped)}")
        totals.append(f"{len(plan.skipped)} skipped")
    for item in plan.skipped:
        click.echo(f"  {item.reference}\t{item.body_name}\t{item.reason}")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"Done: {', '.join(totals) or 'nothing sent'}.", err=True)
    if report.having("failed"):
        click.echo("The server refused the failed ones for good, in the words shown. If it says an "
                   "address is wrong, correct it (`foi councils set-email CODE ADDRESS`), then run the "
                   "same command again: it tries the failed ones again.", err=True)
