"""Sending a campaign's requests: exactly once, throttled, safe to interrupt.

plan_send() decides, writing nothing, what a run would do (that is --dry-run);
apply_send() does it. The guarantees:

- Messages go in batches (as many as the throttle lets go without a pause, at
  most Sending.batch): each message's Message-ID and 'sending' state are stored
  for the whole batch in one commit that reaches the disk before the batch's first
  SMTP transaction starts; each is marked at its turn, before any of it leaves, and
  its acceptance recorded in the commit of the next one's turn (foi.sending.handover
  and foi.sending.outgoing say how). A crash or kill at any moment leaves at most
  the one message in flight at its turn; the next run calls it uncertain, and sends
  the ones whose turn never came (after a restart of the machine, those are
  uncertain too).
- An uncertain message is looked for in the Sent folder by Message-ID (where
  one is configured): found means sent. Otherwise it is reported and only
  re-sent on request, byte for byte with the same Message-ID.
- Temporary refusals (4xx) are retried after a delay; permanent ones (5xx) are
  recorded with the server's words and the run goes on; a refused login stops
  the run before anything else is marked.
- Without an SMTP server the messages are written into outbox/, which nobody
  reads: they are recorded as drafts (not sent, no clock started) and a message
  already waiting there is not written again, unless the user has said in
  foi.toml that they send those files on themselves (outbox.counts_as_sent).
"""

import datetime as dt
import fcntl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlite_utils import Database

from foi import clock
from foi.blobs import blob_dir
from foi.config import Config, SenderConfig
from foi.db import get_row
from foi.errors import FoiError
from foi.letters.render import Renderer
from foi.mail.transport import ImapSentFolder, OutboxTransport, SmtpTransport, Transport
from foi.register.councils import validate_email
from foi.sending import handover, outgoing
from foi.sending.model import (
    BATCH,
    Outcome,
    Pacer,
    PlannedMessage,
    Sending,
    SendPlan,
    SendReport,
    SkipKind,
    Skipped,
    Uncertain,
    compose_message,
    sender_address,
)
from foi.vocabulary import SENDABLE_STATES

__all__ = ["BATCH", "OUTBOX_SENDER", "Outcome", "Pacer", "PlannedMessage", "SendPlan", "SendReport", "Sending",
           "SkipKind", "Skipped", "Uncertain", "apply_send", "compose_message", "finish_interrupted_send",
           "hold_outbox_copies", "plan_send", "reaches_councils", "send_lock", "sender_address", "sender_for",
           "sending_from_config"]


def plan_send(db: Database, slug: str, render: Renderer, *, limit: int | None = None,
              bodies: Sequence[str] = (), resend_uncertain: bool = False) -> SendPlan:
    """What `foi send` would do, from the database alone. Writes nothing."""
    if not db["campaigns"].count_where("slug = ?", [slug]):
        raise FoiError(f"No campaign called {slug!r}")
    rows = _requests(db, slug, [b.upper() for b in bodies])
    plan = SendPlan(campaign=slug, resend_uncertain=resend_uncertain)
    latest_of = outgoing.latest_requests(db, [row["id"] for row in rows])
    for row in rows:
        names = (row["reference"], row["body_code"], row["body_name"])
        latest = latest_of.get(row["id"])
        if outgoing.in_flight(latest):
            plan.uncertain.append(Uncertain(row["id"], *names, outgoing=latest))
        elif row["state"] not in SENDABLE_STATES or (latest and latest["state"] == "sent"):
            plan.skipped.append(Skipped(*names, f"already sent (state {row['state']})",
                                        SkipKind.ALREADY_SENT))
        elif not row["foi_email"]:
            plan.skipped.append(Skipped(*names, "no FOI address for this body", SkipKind.NO_ADDRESS))
        elif problem := validate_email(row["foi_email"]):
            plan.skipped.append(Skipped(*names, problem, SkipKind.BAD_ADDRESS))
        elif limit is not None and len(plan.messages) >= limit:
            plan.skipped.append(Skipped(*names, f"beyond --limit {limit}", SkipKind.BEYOND_LIMIT))
        else:
            plan.messages.append(PlannedMessage(row["id"], *names, to_addr=row["foi_email"],
                                                rendered=render(_request_row(row)),
                                                retry=row["state"] == "failed"))
    return plan


def _requests(db: Database, slug: str, bodies: list[str]) -> list[dict]:
    sql = ("SELECT r.*, b.name AS body_name, b.foi_email AS foi_email FROM requests r "
           "JOIN bodies b ON b.code = r.body_code WHERE r.campaign = ?")
    params: list = [slug]
    if bodies:
        sql += f" AND r.body_code IN ({', '.join('?' * len(bodies))})"
        params += bodies
    rows = list(db.query(sql + " ORDER BY b.name, r.reference", params))
    missing = sorted(set(bodies) - {row["body_code"] for row in rows})
    if missing:
        raise FoiError(f"No request in campaign {slug} for: {', '.join(missing)}",
                       "Use the body codes shown by `foi councils list`.")
    return rows


def _request_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("body_name", "foi_email")}


def apply_send(db: Database, plan: SendPlan, how: Sending) -> SendReport:
    """Settle uncertain messages, then send the planned ones, batch by batch."""
    sender_address(how.sender)
    report = SendReport()
    outgoing.finish_interrupted_turns(db, how.now())  # a killed run's, if this database was opened without it
    resend = _settle_uncertain(db, plan, how, report)
    how.transport.open()  # a wrong password stops here, before anything is marked

    def emit(outcome: Outcome | None) -> None:
        if outcome is not None:  # None: sent or claimed since the plan was made
            report.outcomes.append(outcome)
            how.progress(outcome)

    try:
        for item, row in resend:
            emit(handover.resend(db, item, row, how, report))
        if how.delivers:
            handover.send_batches(db, plan.messages, how, report, emit)
        else:
            for message in plan.messages:
                emit(_send_to_outbox(db, message, how))
    finally:
        how.transport.close()
        if how.sent_folder is not None:
            how.sent_folder.close()
    return report


def hold_outbox_copies(db: Database, plan: SendPlan) -> SendPlan:
    """The plan for a run into the outbox/ nobody reads: a message already waiting
    there is not written again (skipped, saying since when)."""
    held = replace(plan, messages=[], skipped=list(plan.skipped))
    for message in plan.messages:
        if waiting := _waiting_in_outbox(db, message):
            held.skipped.append(Skipped(message.reference, message.body_code, message.body_name,
                                        f"in outbox/ since {waiting['attempted_at'][:10]}, never sent",
                                        SkipKind.IN_OUTBOX))
        else:
            held.messages.append(message)
    return held


def _waiting_in_outbox(db: Database, message: PlannedMessage) -> dict | None:
    """The copy of `message` already written into outbox/ and never sent, which is not
    written again; never for a clarification, whose words are given afresh each time."""
    if message.kind == "clarification":
        return None
    return outgoing.pending_outbox_copy(db, message.request_id, message.kind)


def _settle_uncertain(db: Database, plan: SendPlan, how: Sending,
                      report: SendReport) -> list[tuple[Uncertain, dict]]:
    """Interrupted sends become 'uncertain'; those in the Sent folder are sent.
    Returns the ones to re-send (only with plan.resend_uncertain, and only through
    a transport that delivers: a copy in outbox/ would settle nothing)."""
    resend = []
    for item in plan.uncertain:
        row = item.outgoing
        outgoing.mark_uncertain(db, row["id"], row["error"] or "interrupted while sending", how.now())
        if how.sent_folder is not None and how.sent_folder.contains(row["message_id"]):
            sent_at = dt.datetime.fromisoformat(row["attempted_at"])
            outgoing.mark_sent(db, row["id"], sent_at, how.now(), how="found in Sent folder")
            report.outcomes.append(Outcome(item.reference, item.body_code, item.body_name, row["to_addr"],
                                           "found_in_sent", row["message_id"]))
        elif plan.resend_uncertain and how.delivers:
            resend.append((item, get_row(db, "outgoing", row["id"])))
        else:
            report.outcomes.append(Outcome(item.reference, item.body_code, item.body_name, row["to_addr"],
                                           "uncertain", _uncertain_note(how)))
    return resend


def _uncertain_note(how: Sending) -> str:
    where = "not found in the Sent folder" if how.sent_folder is not None else "no Sent folder to check"
    if not how.delivers:
        return f"may have been sent ({where}); re-sent only through an SMTP server"
    return f"may have been sent ({where}); not re-sent without --resend-uncertain"


def _send_to_outbox(db: Database, message: PlannedMessage, how: Sending) -> Outcome | None:
    now = how.now()
    message_id, raw = compose_message(message, how.sender, now)
    return _write_to_outbox(db, message, message_id, raw, outgoing.save_raw(how.blob_dir, raw), how)


def _write_to_outbox(db: Database, message: PlannedMessage, message_id: str, raw: bytes, sha: str,
                     how: Sending) -> Outcome | None:
    """Into outbox/ first, then the record: a crash between leaves a spare file
    nobody reads, never a record of a message that is not there."""
    if _waiting_in_outbox(db, message):
        return None  # written there since the plan was made
    how.transport.send(how.from_addr, message.to_addr, raw)
    outgoing.save_outbox_copy(db, message.request_id, kind=message.kind, message_id=message_id,
                              to_addr=message.to_addr, subject=message.rendered.subject, raw_sha256=sha,
                              in_reply_to=message.in_reply_to, now=how.now())
    return Outcome(message.reference, message.body_code, message.body_name, message.to_addr, "outbox", message_id)


@contextmanager
def send_lock(db_path: Path) -> Iterator[None]:
    """One `foi send` per database at a time: two at once could both send the
    same draft. The lock dies with the process, so a killed run frees it."""
    with _send_lock_if_free(db_path) as free:
        if not free:
            raise FoiError("Another `foi send` is running on this database", "Wait for it to finish.")
        yield


@contextmanager
def _send_lock_if_free(db_path: Path) -> Iterator[bool]:
    """The send lock, held inside if it was free (True), else not taken (False)."""
    if str(db_path) == ":memory:":
        yield True
        return
    with open(Path(str(db_path) + ".send-lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def finish_interrupted_send(db: Database, db_path: Path) -> None:
    """Write what the turns of a killed `foi send` mean for its requests (a message
    it handed over is recorded sent, but its request still waits for the batch's end:
    foi.sending.outgoing), so every command sees the requests as they are. Not while
    a `foi send` runs: that one finishes its own batch."""
    with _send_lock_if_free(db_path) as free:
        if free:
            outgoing.finish_interrupted_turns(db, clock.now())


OUTBOX_SENDER = "campaign@example.invalid"


def reaches_councils(config: Config) -> bool:
    """Whether what `foi send` hands over counts as sent: through an SMTP server, or
    into outbox/ when the user sends those files on themselves (outbox.counts_as_sent)."""
    return config.smtp.configured or config.outbox.counts_as_sent


def sender_for(config: Config) -> SenderConfig:
    """Who the messages are from: [sender]; into outbox/, a stand-in address if none is set."""
    if config.smtp.configured or config.sender.email:
        return config.sender
    return replace(config.sender, email=OUTBOX_SENDER)


def sending_from_config(config: Config, db_path: Path, *, now: Callable[[], dt.datetime],
                        progress: Callable[[Outcome], None] = lambda outcome: None) -> Sending:
    """The real edges: SMTP if a host is configured, else the outbox/ Maildir
    beside the database; the IMAP Sent folder if one is configured."""
    folder = Path(db_path).resolve().parent
    if config.smtp.configured:
        transport: Transport = SmtpTransport(config.smtp)
    else:
        transport = OutboxTransport(folder / "outbox")
    sender = sender_for(config)
    sent_folder = ImapSentFolder(config.imap) if config.imap.sent_folder else None
    return Sending(transport=transport, sender=sender, now=now, sent_folder=sent_folder,
                   pacer=Pacer(config.smtp.rate if config.smtp.configured else 0),
                   retry_delays=config.smtp.retry_delays, blob_dir=blob_dir(db_path),
                   progress=progress, delivers=reaches_councils(config))
