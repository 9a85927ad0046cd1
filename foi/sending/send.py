"""Sending a campaign's requests: exactly once, throttled, safe to interrupt.

plan_send() decides, writing nothing, what a run would do (that is --dry-run);
apply_send() does it. The guarantees:

- Messages go in batches (as many as the throttle lets go without a pause, at
  most Sending.batch): each message's Message-ID and 'sending' state are stored
  for the whole batch in one commit that reaches the disk before the first SMTP
  transaction starts, and each is marked at its turn (foi.sending.outgoing says
  how). A crash or kill at any moment leaves at most the one message in flight
  at its turn; the next run calls it uncertain, and sends the ones whose turn
  never came (after a restart of the machine, those are uncertain too).
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
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from sqlite_utils import Database

from foi.config import Config, SenderConfig
from foi.db import atomic, blob_dir, commits_not_waiting_for_disk, get_row
from foi.errors import FoiError
from foi.letters.render import Rendered, Renderer
from foi.mail.compose import Envelope, build_message, make_message_id
from foi.mail.transport import (
    ImapSentFolder,
    MaybeSent,
    NotSent,
    OutboxTransport,
    SenderRefused,
    SentFolder,
    SmtpTransport,
    Transport,
)
from foi.register.councils import validate_email
from foi.sending import outgoing
from foi.vocabulary import SENDABLE_STATES


@dataclass(frozen=True)
class PlannedMessage:
    request_id: int
    reference: str
    body_code: str
    body_name: str
    to_addr: str
    rendered: Rendered
    retry: bool = False  # the last attempt was refused; this is a fresh try
    kind: str = "request"  # or a message in the request's thread: reminder, review, clarification
    in_reply_to: str | None = None
    blocked_since: str | None = None  # a thread message is not sent if one went on/after this date


@dataclass(frozen=True)
class Uncertain:
    """A message whose fate is unknown: the run that sent it was interrupted."""

    request_id: int
    reference: str
    body_code: str
    body_name: str
    outgoing: dict


class SkipKind(StrEnum):
    """Why a message is not sent, as a value to act on; Skipped.reason says it in words."""

    ALREADY_SENT = "already sent"
    BEYOND_LIMIT = "beyond --limit"
    NO_ADDRESS = "no FOI address"
    BAD_ADDRESS = "unusable address"
    NOT_NEEDED = "not needed"  # a chaser the request does not call for (answered, not overdue...)
    CHASED_RECENTLY = "chased recently"
    ALREADY_REPLIED = "already replied"
    IN_OUTBOX = "in outbox/, never sent"


@dataclass(frozen=True)
class Skipped:
    reference: str
    body_code: str
    body_name: str
    reason: str
    kind: SkipKind


@dataclass
class SendPlan:
    campaign: str
    messages: list[PlannedMessage] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    resend_uncertain: bool = False


@dataclass(frozen=True)
class Outcome:
    reference: str
    body_code: str
    body_name: str
    to_addr: str
    status: str  # sent | failed | uncertain | found_in_sent | outbox (written there, not sent)
    detail: str = ""


@dataclass
class SendReport:
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def having(self, *statuses: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in statuses]


def plan_send(db: Database, slug: str, render: Renderer, *, limit: int | None = None,
              bodies: Sequence[str] = (), resend_uncertain: bool = False) -> SendPlan:
    """What `foi send` would do, from the database alone. Writes nothing."""
    if not db["campaigns"].count_where("slug = ?", [slug]):
        raise FoiError(f"No campaign called {slug!r}")
    rows = _requests(db, slug, [b.upper() for b in bodies])
    plan = SendPlan(campaign=slug, resend_uncertain=resend_uncertain)
    for row in rows:
        names = (row["reference"], row["body_code"], row["body_name"])
        latest = outgoing.latest_outgoing(db, row["id"])
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


class Pacer:
    """At most `rate` messages a minute (0 = as fast as the server takes them)."""

    def __init__(self, rate: float, *, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic):
        self.interval = 60.0 / rate if rate > 0 else 0.0
        self.sleep, self.monotonic = sleep, monotonic
        self._next: float | None = None

    def wait(self) -> None:
        if self.interval <= 0:
            return
        current = self.monotonic()
        if self._next is not None and current < self._next:
            self.sleep(self._next - current)
            current = self._next
        self._next = current + self.interval

    def without_pause(self, most: int) -> int:
        """How many messages may go one after another before the next pause."""
        return most if self.interval <= 0 else 1


# Messages queued in one durable commit. After a restart of the machine (not of foi) a
# batch whose turn had not come is uncertain: this bounds how many are looked for in the
# Sent folder, while 500 messages cost 5 disk flushes rather than 500.
BATCH = 100


@dataclass
class Sending:
    """Everything apply_send needs besides the plan: the edges, injected."""

    transport: Transport
    sender: SenderConfig
    now: Callable[[], dt.datetime]
    sent_folder: SentFolder | None = None
    pacer: Pacer = field(default_factory=lambda: Pacer(0))
    retry_delays: Sequence[float] = (30.0, 120.0, 300.0)
    sleep: Callable[[float], None] = time.sleep
    blob_dir: Path | None = None
    progress: Callable[[Outcome], None] = lambda outcome: None
    delivers: bool = True  # False: the transport is the outbox/ nobody reads; nothing counts as sent
    batch: int = BATCH

    @property
    def from_addr(self) -> str:
        """The sender's address; apply_send refuses to start without one."""
        return sender_address(self.sender)


def sender_address(sender: SenderConfig) -> str:
    if not sender.email:
        raise FoiError("No sender address configured",
                       "Set [sender] email in foi.toml (or FOI_SENDER_EMAIL).")
    return sender.email


def compose_message(message: PlannedMessage, sender: SenderConfig, now: dt.datetime) -> tuple[str, bytes]:
    """The Message-ID and the exact bytes of a planned message, dated `now`: what is
    sent, and what `foi preview` shows (foi.sending.preview)."""
    message_id = make_message_id(message.reference, sender_address(sender))
    envelope = Envelope(from_addr=sender_address(sender), from_name=sender.name, to_addr=message.to_addr,
                        message_id=message_id, date=now, reply_to=sender.reply_to_for(message.reference),
                        in_reply_to=message.in_reply_to)
    return message_id, build_message(message.rendered, envelope)


def apply_send(db: Database, plan: SendPlan, how: Sending) -> SendReport:
    """Settle uncertain messages, then send the planned ones, batch by batch."""
    sender_address(how.sender)
    report = SendReport()
    resend = _settle_uncertain(db, plan, how, report)
    how.transport.open()  # a wrong password stops here, before anything is marked

    def emit(outcome: Outcome | None) -> None:
        if outcome is not None:  # None: sent or claimed since the plan was made
            report.outcomes.append(outcome)
            how.progress(outcome)

    try:
        for item, row in resend:
            emit(_resend(db, item, row, how, report))
        if how.delivers:
            _send_batches(db, plan.messages, how, report, emit)
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


@dataclass(frozen=True)
class _Queued:
    """A message of the batch, recorded 'sending' and waiting for its turn."""

    message: PlannedMessage
    outgoing_id: int
    raw: bytes
    previous: str  # its request's state before this run

    @property
    def names(self) -> tuple[str, str, str]:
        return self.message.reference, self.message.body_code, self.message.body_name


def _send_batches(db: Database, messages: Sequence[PlannedMessage], how: Sending, report: SendReport,
                  emit: Callable[[Outcome | None], None]) -> None:
    """Batch after batch; with no pause between them, the next batch's bytes are
    written to disk (by a thread) while this one is handed over."""
    pending = deque(messages)
    # Without a boot id a message queued by a killed run cannot be told from one in flight:
    # one at a time then, so a kill leaves one uncertain message, as it always did.
    most = how.batch if outgoing.this_boot() else 1
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="foi-blobs") as writer:
        ahead: _Composed | None = None
        sizes = _ramp(most)
        while pending or ahead:
            how.pacer.wait()
            if ahead is None:
                ahead = _compose_batch(_next_batch(pending, how.pacer.without_pause(next(sizes))), how, writer)
            current, ahead = ahead, None
            if how.pacer.without_pause(most) > 1 and pending:  # no pause to come: prepare the next
                ahead = _compose_batch(_next_batch(pending, next(sizes)), how, writer)
            handed_back = _send_batch(db, current, how, report, emit)
            if handed_back:  # a pause: what was prepared is no longer next, and is composed afresh
                pending.extendleft(reversed(handed_back + (ahead.batch if ahead else [])))
                ahead = None


def _ramp(most: int) -> Iterator[int]:
    """Batch sizes: small at first, so the first message leaves soon and the next
    batch's bytes are on disk by the time the one before has been handed over."""
    size = min(most, 10)
    while True:
        yield size
        size = min(most, size * 3)


@dataclass
class _Composed:
    """A batch's messages with their Message-IDs and bytes, which a thread is keeping."""

    batch: list[PlannedMessage]
    now: dt.datetime
    composed: list[tuple[str, bytes]]
    kept: Future[list[str]]  # the sha256 of each, once on disk


def _compose_batch(batch: list[PlannedMessage], how: Sending, writer: Executor) -> _Composed:
    now = how.now()
    composed = [compose_message(message, how.sender, now) for message in batch]
    kept = writer.submit(outgoing.save_raws, how.blob_dir, [raw for _, raw in composed])
    return _Composed(batch, now, composed, kept)


def _next_batch(pending: deque[PlannedMessage], most: int) -> list[PlannedMessage]:
    """Up to `most` messages, each for another request: a second message for a request
    is queued only once the first has its outcome."""
    batch: list[PlannedMessage] = []
    requests = set()
    while pending and len(batch) < most and pending[0].request_id not in requests:
        requests.add(pending[0].request_id)
        batch.append(pending.popleft())
    return batch


def _send_batch(db: Database, batch: _Composed, how: Sending, report: SendReport,
                emit: Callable[[Outcome | None], None]) -> list[PlannedMessage]:
    """Queue the batch, then hand its messages over one by one; the outcomes need not
    wait for the disk (lost in a power cut, a message is uncertain, as after a kill).
    A message's acceptance is recorded in the commit that marks the next one's turn,
    before that one is handed over: as before, a kill leaves at most the message in
    hand unrecorded. Returns the messages handed back unqueued before a pause (a
    temporary refusal waits minutes: the others do not wait queued meanwhile)."""
    waiting = deque(_queue_batch(db, batch, how))
    handed_back: list[_Queued] = []
    accepted = _Accepted(db)

    def hand_back() -> None:
        accepted.record()
        handed_back.extend(waiting)
        waiting.clear()
        _unqueue(db, handed_back)

    try:
        with commits_not_waiting_for_disk(db):
            while waiting:
                queued = waiting.popleft()

                def turn(queued: _Queued = queued) -> None:
                    with atomic(db):
                        accepted.record()
                        outgoing.mark_sending(db, queued.outgoing_id, how.now())

                emit(_deliver(db, queued.outgoing_id, queued.names, queued.raw, queued.previous, how, report,
                              before_pause=hand_back, turn=turn, accept=accepted.hold))
    finally:
        with commits_not_waiting_for_disk(db):
            accepted.record()
        _unqueue(db, list(waiting))  # the run stopped before their turn: they never left
    return [queued.message for queued in handed_back]


class _Accepted:
    """The last message the server accepted, held until the next commit records it."""

    def __init__(self, db: Database):
        self.db = db
        self._held: tuple[int, dt.datetime, dt.datetime, str] | None = None

    def hold(self, outgoing_id: int, sent_at: dt.datetime, now: dt.datetime, how: str) -> None:
        self.record()  # never two held: the first would be lost
        self._held = (outgoing_id, sent_at, now, how)

    def record(self) -> None:
        if self._held is not None:
            outgoing_id, sent_at, now, how = self._held
            outgoing.mark_sent(self.db, outgoing_id, sent_at, now, how=how)
            self._held = None


def _queue_batch(db: Database, batch: _Composed, how: Sending) -> list[_Queued]:
    """Once the batch's bytes are on disk (one disk sync for all), record every
    message 'sending' with its Message-ID, in one commit that reaches the disk."""
    shas = batch.kept.result()
    queued = []
    with atomic(db):
        for message, (message_id, raw), sha in zip(batch.batch, batch.composed, shas, strict=True):
            previous = get_row(db, "requests", message.request_id)["state"]
            outgoing_id = _queue_one(db, message, message_id, sha, how, batch.now)
            if outgoing_id is not None:  # else sent or claimed since the plan was made
                queued.append(_Queued(message, outgoing_id, raw, previous))
    return queued


def _queue_one(db: Database, message: PlannedMessage, message_id: str, sha: str, how: Sending,
               now: dt.datetime) -> int | None:
    if message.kind == "request":
        return outgoing.queue_request(db, message.request_id, message_id=message_id, to_addr=message.to_addr,
                                      subject=message.rendered.subject, raw_sha256=sha,
                                      transport=how.transport.name, now=now)
    return outgoing.queue_thread_message(
        db, message.request_id, kind=message.kind, message_id=message_id, to_addr=message.to_addr,
        subject=message.rendered.subject, raw_sha256=sha, transport=how.transport.name,
        in_reply_to=message.in_reply_to, now=now, blocked_since=message.blocked_since)


def _unqueue(db: Database, never_sent: list[_Queued]) -> None:
    with atomic(db):
        for queued in never_sent:
            outgoing.unqueue(db, queued.outgoing_id)


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


def _resend(db: Database, item: Uncertain, row: dict, how: Sending, report: SendReport) -> Outcome:
    """Re-send an uncertain message with the same bytes and Message-ID, so a
    recipient who did get the first copy sees a duplicate of the same message."""
    raw = outgoing.load_raw(how.blob_dir, row["raw_sha256"])
    if raw is None:
        raise FoiError(f"The stored copy of {item.reference}'s message is missing; cannot re-send "
                       "it unchanged")
    how.pacer.wait()
    outgoing.mark_sending(db, row["id"], how.now())
    return _deliver(db, row["id"], (item.reference, item.body_code, item.body_name), raw, None, how, report)


def _deliver(db: Database, outgoing_id: int, names: tuple[str, str, str], raw: bytes,
             previous_state: str | None, how: Sending, report: SendReport,
             before_pause: Callable[[], None] = lambda: None, turn: Callable[[], None] = lambda: None,
             accept: Callable[..., None] | None = None) -> Outcome:
    """Hand one message to the transport, retrying temporary refusals.
    previous_state None means a re-send: if it cannot be attempted the message
    simply stays uncertain. `turn` (its commit) runs once, before any of the message
    leaves. `accept` records an accepted message in place of outgoing.mark_sent (in
    a later commit: see _send_batch)."""
    row = get_row(db, "outgoing", outgoing_id)
    to_addr = row["to_addr"]
    delays = list(how.retry_delays)
    pending = [turn]
    while True:
        try:
            _hand_over(how.transport, how.from_addr, to_addr, raw, pending)
        except SenderRefused as refusal:
            error = FoiError(f"The SMTP server refused our sender address {how.sender.email}: {refusal}",
                             "Check sender.email: the account must be allowed to send as it.")
            _not_attempted(db, outgoing_id, error, previous_state, how)
            raise error from None
        except NotSent as refusal:
            if refusal.temporary and delays:
                outgoing.count_attempt(db, outgoing_id, how.now(), str(refusal))
                before_pause()
                how.sleep(delays.pop(0))
                continue
            outgoing.mark_failed(db, outgoing_id, str(refusal), how.now())
            return Outcome(*names, to_addr, "failed", str(refusal))
        except MaybeSent as error:
            outgoing.mark_uncertain(db, outgoing_id, str(error), how.now())
            return Outcome(*names, to_addr, "uncertain", str(error))
        except FoiError as error:
            _not_attempted(db, outgoing_id, error, previous_state, how)
            raise
        break
    sent_at = how.now()
    if accept is not None:
        accept(outgoing_id, sent_at, how.now(), f"accepted by {how.transport.name}")
    else:
        with commits_not_waiting_for_disk(db):  # the record made before the hand-over did wait
            outgoing.mark_sent(db, outgoing_id, sent_at, how.now(), how=f"accepted by {how.transport.name}")
    _copy_to_sent(how, raw, sent_at, names[0], report)
    return Outcome(*names, to_addr, "sent", row["message_id"])


def _hand_over(transport: Transport, sender: str, to_addr: str, raw: bytes, pending: list[Callable[[], None]]) -> None:
    """Send, first running what is `pending` (the turn's commit, once). Over SMTP it
    runs while the server answers MAIL FROM: with a server across a network, the
    commit costs no wait of its own."""
    def first() -> None:
        while pending:
            pending.pop()()

    if isinstance(transport, SmtpTransport):
        transport.send(sender, to_addr, raw, meanwhile=first)
    else:
        first()
        transport.send(sender, to_addr, raw)


def _not_attempted(db: Database, outgoing_id: int, error: FoiError, previous_state: str | None,
                   how: Sending) -> None:
    reason = str(error).splitlines()[0]
    if previous_state is None:  # a re-send: the earlier copy is as uncertain as before
        outgoing.mark_uncertain(db, outgoing_id, f"re-send not attempted: {reason}", how.now())
    else:
        outgoing.mark_not_attempted(db, outgoing_id, reason, previous_state, how.now())


def _copy_to_sent(how: Sending, raw: bytes, when: dt.datetime, reference: str,
                  report: SendReport) -> None:
    """A missing Sent copy is worth a warning, never worth un-sending."""
    if how.sent_folder is None:
        return
    try:
        how.sent_folder.append(raw, when)
    except (OSError, FoiError) as error:
        report.warnings.append(f"{reference}: sent, but the copy to the Sent folder failed: {error}")


@contextmanager
def send_lock(db_path: Path) -> Iterator[None]:
    """One `foi send` per database at a time: two at once could both send the
    same draft. The lock dies with the process, so a killed run frees it."""
    if str(db_path) == ":memory:":
        yield
        return
    path = Path(str(db_path) + ".send-lock")
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FoiError("Another `foi send` is running on this database",
                           "Wait for it to finish.") from None
        yield


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
