"""Handing messages over, exactly once (foi.sending.send says what is promised):
batches queued in one durable commit, each message's turn committed before any
of it leaves, its acceptance recorded in the next one's commit, and what both mean
for the batch's requests written once, at the batch's end."""

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from sqlite_utils import Database

from foi.db import atomic, commits_not_waiting_for_disk
from foi.errors import FoiError
from foi.mail.transport import MaybeSent, NotSent, SenderRefused, SmtpTransport, Transport
from foi.sending import outgoing
from foi.sending.model import Outcome, PlannedMessage, Sending, SendReport, Uncertain, compose_message


@dataclass(frozen=True)
class _Queued:
    """A message of the batch, recorded 'sending' and waiting for its turn."""

    message: PlannedMessage
    outgoing_id: int
    message_id: str
    raw: bytes
    previous: str  # its request's state before this run

    @property
    def names(self) -> tuple[str, str, str]:
        return self.message.reference, self.message.body_code, self.message.body_name


def send_batches(db: Database, messages: Sequence[PlannedMessage], how: Sending, report: SendReport,
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
    """Batch sizes: small at first, so the first message leaves soon, then doubling:
    the next batch's bytes are on disk by the time the one before has been handed
    over (composing and keeping a message takes about half as long as handing one
    over; with sizes tripling, the sender waited for the thread at each step)."""
    size = min(most, 10)
    while True:
        yield size
        size = min(most, size * 2)


@dataclass
class _Composed:
    """A batch's messages, which a thread is composing and keeping."""

    batch: list[PlannedMessage]
    now: dt.datetime
    made: Future[tuple[list[tuple[str, bytes]], list[str]]]  # each Message-ID and bytes; each sha256, once on disk


def _compose_batch(batch: list[PlannedMessage], how: Sending, writer: Executor) -> _Composed:
    """The batch composed and written to disk by the thread: while it is the next batch,
    that work fills the time the one before waits for the server's answers."""
    now = how.now()
    return _Composed(batch, now, writer.submit(_compose_and_keep, batch, how, now))


def _compose_and_keep(batch: list[PlannedMessage], how: Sending,
                      now: dt.datetime) -> tuple[list[tuple[str, bytes]], list[str]]:
    composed = [compose_message(message, how.sender, now) for message in batch]
    return composed, outgoing.save_raws(how.blob_dir, [raw for _, raw in composed])


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
    accepted = _Accepted(db, how.now)
    turns: list[int] = []

    def finish_turns() -> None:
        with commits_not_waiting_for_disk(db):
            accepted.record()
            outgoing.finish_turns(db, turns, how.now())
        turns.clear()

    def hand_back() -> None:
        finish_turns()
        handed_back.extend(waiting)
        waiting.clear()
        _unqueue(db, handed_back)

    try:
        with commits_not_waiting_for_disk(db):
            while waiting:
                queued = waiting.popleft()

                def turn(queued: _Queued = queued) -> None:
                    with accepted.recorded():
                        outgoing.take_turn(db, queued.outgoing_id, how.now())
                    turns.append(queued.outgoing_id)

                row = {"id": queued.outgoing_id, "to_addr": queued.message.to_addr, "message_id": queued.message_id}
                emit(_deliver(db, row, queued.names, queued.raw, queued.previous, how, report,
                              before_pause=hand_back, turn=turn, accept=accepted.hold))
    finally:
        finish_turns()
        _unqueue(db, list(waiting))  # the run stopped before their turn: they never left
    return [queued.message for queued in handed_back]


class _Accepted:
    """The last message the server accepted, held until the next commit records it."""

    def __init__(self, db: Database, now: Callable[[], dt.datetime]):
        self.db, self.now = db, now
        self._held: tuple[int, dt.datetime] | None = None

    def hold(self, outgoing_id: int, sent_at: dt.datetime) -> None:
        self.record()  # never two held: the first would be lost
        self._held = (outgoing_id, sent_at)

    @contextmanager
    def recorded(self) -> Iterator[None]:
        """A transaction that records the held acceptance first; held until it commits."""
        with atomic(self.db):
            if self._held is not None:
                outgoing_id, sent_at = self._held
                outgoing.record_accepted(self.db, outgoing_id, sent_at, self.now())
            yield
        self._held = None

    def record(self) -> None:
        if self._held is not None:
            with self.recorded():
                pass


def _queue_batch(db: Database, batch: _Composed, how: Sending) -> list[_Queued]:
    """Once the batch's bytes are on disk (one disk sync for all), record every
    message 'sending' with its Message-ID, in one commit that reaches the disk."""
    composed, shas = batch.made.result()
    queued = []
    with atomic(db):
        ids = [message.request_id for message in batch.batch]  # never none: a batch has a message
        states = dict(db.execute(f"SELECT id, state FROM requests WHERE id IN ({', '.join('?' * len(ids))})",
                                 ids).fetchall())  # their states before this run, in one read
        items = list(zip(batch.batch, composed, shas, strict=True))
        requests = iter(outgoing.queue_requests(db, [  # the requests' own messages at once
            outgoing.Queueing(message.request_id, message_id, message.to_addr, message.rendered.subject, sha)
            for message, (message_id, _), sha in items if message.kind == "request"],
            transport=how.transport.name, now=batch.now))
        for message, (message_id, raw), sha in items:
            outgoing_id = next(requests) if message.kind == "request" else _queue_thread_message(
                db, message, message_id, sha, how, batch.now)
            if outgoing_id is not None:  # else sent or claimed since the plan was made
                queued.append(_Queued(message, outgoing_id, message_id, raw, states[message.request_id]))
    return queued


def _queue_thread_message(db: Database, message: PlannedMessage, message_id: str, sha: str, how: Sending,
                          now: dt.datetime) -> int | None:
    return outgoing.queue_thread_message(
        db, message.request_id, kind=message.kind, message_id=message_id, to_addr=message.to_addr,
        subject=message.rendered.subject, raw_sha256=sha, transport=how.transport.name,
        in_reply_to=message.in_reply_to, now=now, blocked_since=message.blocked_since)


def _unqueue(db: Database, never_sent: list[_Queued]) -> None:
    with atomic(db):
        for queued in never_sent:
            outgoing.unqueue(db, queued.outgoing_id)


def resend(db: Database, item: Uncertain, row: dict, how: Sending, report: SendReport) -> Outcome:
    """Re-send an uncertain message with the same bytes and Message-ID, so a
    recipient who did get the first copy sees a duplicate of the same message."""
    raw = outgoing.load_raw(how.blob_dir, row["raw_sha256"])
    if raw is None:
        raise FoiError(f"The stored copy of {item.reference}'s message is missing; cannot re-send "
                       "it unchanged")
    how.pacer.wait()
    outgoing.mark_sending(db, row["id"], how.now())
    return _deliver(db, row, (item.reference, item.body_code, item.body_name), raw, None, how, report)


def _deliver(db: Database, row: dict, names: tuple[str, str, str], raw: bytes,
             previous_state: str | None, how: Sending, report: SendReport,
             before_pause: Callable[[], None] = lambda: None, turn: Callable[[], None] = lambda: None,
             accept: Callable[..., None] | None = None) -> Outcome:
    """Hand one message (`row`: its outgoing id, to_addr and message_id) to the
    transport, retrying temporary refusals.
    previous_state None means a re-send: if it cannot be attempted the message
    simply stays uncertain. `turn` (its commit) runs once, before any of the message
    leaves. `accept` records an accepted message in place of outgoing.mark_sent (in
    a later commit: see _send_batch). Before any other outcome is recorded, what the
    turn means for the request is written (outgoing.finish_turns): the outcomes
    expect the request in 'sending'."""
    outgoing_id, to_addr = row["id"], row["to_addr"]
    delays = list(how.retry_delays)
    pending = [turn]
    while True:
        try:
            _hand_over(how.transport, how.from_addr, to_addr, raw, pending,
                       lambda: outgoing.finish_turns(db, [outgoing_id], how.now()))
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
        accept(outgoing_id, sent_at)
    else:
        with commits_not_waiting_for_disk(db):  # the record made before the hand-over did wait
            outgoing.mark_sent(db, outgoing_id, sent_at, how.now(), how=f"accepted by {how.transport.name}")
    _copy_to_sent(how, raw, sent_at, names[0], report)
    return Outcome(*names, to_addr, "sent", row["message_id"])


def _hand_over(transport: Transport, sender: str, to_addr: str, raw: bytes, pending: list[Callable[[], None]],
               refused: Callable[[], None]) -> None:
    """Send, first running what is `pending` (the turn's commit, once). Over SMTP it
    runs while the server answers MAIL FROM: with a server across a network, the
    commit costs no wait of its own. If the message is not accepted, `refused` runs
    after the turn, before the error reaches the caller."""
    def first() -> None:
        while pending:
            pending.pop()()

    try:
        if isinstance(transport, SmtpTransport):
            transport.send(sender, to_addr, raw, meanwhile=first)
        else:
            first()
            transport.send(sender, to_addr, raw)
    except (NotSent, MaybeSent, FoiError):
        first()  # an outcome is recorded after the turn, even where the server was never reached
        refused()
        raise


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
