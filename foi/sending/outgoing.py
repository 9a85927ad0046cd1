"""The database side of sending: every state change of an outgoing message is
committed before the next step talks to a server, so a crash leaves a record
of exactly what might have happened.

outgoing.state:  draft -> sending -> sent | failed | uncertain
requests.state:  draft | failed -> sending -> awaiting_response | failed
                 (stays 'sending' while its message is uncertain; moved through
                 foi.tracking.states, source 'sending')

`foi send` queues a batch: every message of it is recorded 'sending' with its
Message-ID, `queued` holding the boot id, in one commit that reaches the disk.
At its turn (take_turn) `queued` becomes TURN, in a commit that need not wait for
the disk: it survives a crash of foi, not a power cut; the same commit records the
acceptance of the message before (record_accepted), so a kill leaves at most the
message in hand without its outcome. So a message still queued after a crash never
left if the machine has not restarted since (left_unsent); after a restart it is
uncertain. Those two commits touch the outgoing row alone: what its turn and its
acceptance mean for its request (the move to 'sending', then to 'awaiting_response'
with the 'sent' event) is written for the whole batch at its end (finish_turns), or,
after a kill, by the next command that opens the database (finish_interrupted_turns).

A message written into outbox/ (no SMTP server: nobody receives it) stays a draft,
transport 'outbox', and its request stays as it was: no clock starts. The next real
send of that kind takes the draft row over and sends it, once.
"""

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from sqlite_utils import Database

from foi.blobs import BlobStore
from foi.clock import iso, london_date
from foi.db import atomic, get_row, insert_row, rows, update_returning, update_row
from foi.dbread import SEND_TURN
from foi.tracking.states import Move, Source, apply_moves, apply_transition, plan_move, record_event
from foi.vocabulary import (
    IN_FLIGHT_OUTGOING,
    SENDABLE_STATES,
    EventKind,
    OutgoingState,
    RequestState,
)


def save_raw(blob_dir: Path | None, raw: bytes) -> str:
    """Keep the exact bytes, on disk before the claim that names them, so an
    uncertain message can be re-sent byte for byte; returns the sha256."""
    if blob_dir is None:
        return hashlib.sha256(raw).hexdigest()
    return BlobStore(blob_dir).put(raw)


def save_raws(blob_dir: Path | None, raws: Sequence[bytes]) -> list[str]:
    """save_raw for a batch: one filesystem sync for all of them."""
    if blob_dir is None:
        return [hashlib.sha256(raw).hexdigest() for raw in raws]
    store = BlobStore(blob_dir)
    shas = [store.stage(raw) for raw in raws]
    store.flush()
    return shas


BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@functools.lru_cache(maxsize=1)
def this_boot() -> str | None:
    """The running system's boot id (Linux); None where there is none to read."""
    try:
        return BOOT_ID.read_text().strip() or None
    except OSError:
        return None


def left_unsent(row: dict | None) -> bool:
    """Whether `row` was queued by a run that stopped before its turn, on this boot:
    the commits since the queue all survived, so the missing hand-over proves it
    never left. A live run's queue would look the same: `foi send` takes a lock."""
    boot = this_boot()
    return bool(row and row["state"] == OutgoingState.SENDING and boot and row["queued"] == boot)


def in_flight(row: dict | None) -> TypeGuard[dict]:
    """Whether our message `row` may be on its way or have arrived: it is 'sending'
    or 'uncertain', and not left unsent by a stopped run."""
    return bool(row and row["state"] in IN_FLIGHT_OUTGOING and not left_unsent(row))


def load_raw(blob_dir: Path | None, sha: str | None) -> bytes | None:
    if blob_dir is None or not sha or sha not in BlobStore(blob_dir):
        return None
    return BlobStore(blob_dir).get(sha)


def latest_outgoing(db: Database, request_id: int, kinds: tuple[str, ...] = ("request",)) -> dict | None:
    """Our newest message of one of `kinds` for the request, whatever its state: one
    still 'sending' or 'uncertain' must be settled before another of its kind."""
    marks = ", ".join("?" * len(kinds))
    # db.execute, not db.query: this runs once a message, and query() wraps each in a savepoint
    cursor = db.execute(f"SELECT * FROM outgoing WHERE request_id = ? AND kind IN ({marks}) "
                        "ORDER BY id DESC LIMIT 1", [request_id, *kinds])
    row = cursor.fetchone()
    return dict(zip([column[0] for column in cursor.description], row)) if row else None


def latest_requests(db: Database, request_ids: Sequence[int]) -> dict[int, dict]:
    """latest_outgoing of kind 'request' for many requests at once, by request id
    (those with none are missing)."""
    return {row["request_id"]: row for row in _by_ids(
        db, "SELECT * FROM outgoing WHERE id IN (SELECT max(id) FROM outgoing WHERE kind = 'request' "
            "AND request_id IN ({}) GROUP BY request_id)", [], request_ids)}


def pending_outbox_copy(db: Database, request_id: int, kind: str) -> dict | None:
    """Our latest message of `kind` if it was written into outbox/ and not sent since."""
    latest = latest_outgoing(db, request_id, (kind,))
    return latest if latest and latest["state"] == "draft" and latest["transport"] == "outbox" else None


def save_outbox_copy(db: Database, request_id: int, *, kind: str, message_id: str, to_addr: str,
                     subject: str, raw_sha256: str, in_reply_to: str | None, now: dt.datetime) -> int:
    """Record a message written into outbox/: a draft (nobody received it), so the
    request keeps its state and no clock starts. An earlier draft of the same kind
    is replaced: there is one message waiting per request and kind."""
    fields = {"message_id": message_id, "to_addr": to_addr, "subject": subject, "raw_sha256": raw_sha256,
              "transport": "outbox", "in_reply_to": in_reply_to, "error": None, "attempted_at": iso(now)}
    with atomic(db):
        return _put_draft(db, request_id, kind, latest_outgoing(db, request_id, (kind,)), fields, now)


def _put_draft(db: Database, request_id: int, kind: str, latest: dict | None, fields: dict,
               now: dt.datetime) -> int:
    """The request's draft of `kind` holding `fields` (which may queue it at once): `latest`
    (its newest message of that kind) taken over if it is a draft, written to outbox/ or
    left by an interrupted run and so never sent; else a new row."""
    if latest and (latest["state"] == "draft" or left_unsent(latest)):
        update_row(db, "outgoing", latest["id"], {"state": "draft", "queued": None, **fields})
        return latest["id"]
    return insert_row(db, "outgoing", {"request_id": request_id, "kind": kind, "state": "draft",
                                       "attempts": 0, "created_at": iso(now), **fields})


def claim_request(db: Database, request_id: int, *, message_id: str, to_addr: str, subject: str,
                  raw_sha256: str, transport: str, now: dt.datetime) -> int | None:
    """Record one message as 'sending', ready to hand over, in one commit. Returns
    None, writing nothing, if the request is no longer sendable."""
    with atomic(db):
        outgoing_id = queue_request(db, request_id, message_id=message_id, to_addr=to_addr, subject=subject,
                                    raw_sha256=raw_sha256, transport=transport, now=now)
        if outgoing_id is not None:
            mark_sending(db, outgoing_id, now)
    return outgoing_id


def queue_request(db: Database, request_id: int, *, message_id: str, to_addr: str, subject: str,
                  raw_sha256: str, transport: str, now: dt.datetime) -> int | None:
    """Record the message with its Message-ID as 'sending', queued, in the caller's
    commit (one for a batch), which reaches the disk before any is handed over.
    Returns None, writing nothing, if the request is no longer sendable: a second
    look guards against a stale plan."""
    return queue_requests(db, [Queueing(request_id, message_id, to_addr, subject, raw_sha256)],
                          transport=transport, now=now)[0]


@dataclass(frozen=True)
class Queueing:
    """A message for a request, to queue."""

    request_id: int
    message_id: str
    to_addr: str
    subject: str
    raw_sha256: str


def queue_requests(db: Database, messages: Sequence[Queueing], *, transport: str,
                   now: dt.datetime) -> list[int | None]:
    """queue_request for the messages of a batch (each for another request), their
    requests and latest messages read at once. Their outgoing ids, in order."""
    ids = [message.request_id for message in messages]
    states = {r["id"]: r["state"] for r in _by_ids(db, "SELECT id, state FROM requests WHERE id IN ({})", [], ids)}
    latest = latest_requests(db, ids)
    queued: list[int | None] = []
    with atomic(db):
        for message in messages:
            last = latest.get(message.request_id)
            if states[message.request_id] not in SENDABLE_STATES or in_flight(last) or (
                    last and last["state"] == OutgoingState.SENT):
                queued.append(None)
                continue
            queued.append(_put_draft(db, message.request_id, "request", last, {
                "message_id": message.message_id, "to_addr": message.to_addr, "subject": message.subject,
                "raw_sha256": message.raw_sha256, "transport": transport, "error": None, **_queued(now)}, now))
    return queued


def _queued(now: dt.datetime) -> dict:
    """The fields of a queued message, written with the rest of its row."""
    return {"state": "sending", "queued": this_boot() or "unknown", "attempted_at": iso(now)}


def unqueue(db: Database, outgoing_id: int) -> None:
    """A queued message whose turn never came (the run stopped or paused first):
    a draft again, as it was; its request never moved."""
    with atomic(db):
        update_row(db, "outgoing", outgoing_id, {"state": "draft", "queued": None})


def mark_sending(db: Database, outgoing_id: int, now: dt.datetime) -> None:
    """Its turn: the message is handed over next (all of it written at once; a batch
    writes take_turn now and finish_turns at its end)."""
    with atomic(db):
        row = update_returning(db, "outgoing", outgoing_id, {"state": "sending", "queued": None,
                                                             "attempted_at": iso(now)}, increment="attempts")
        _move_to_sending(db, row, now)


def _move_to_sending(db: Database, row: dict, now: dt.datetime) -> None:
    if row["kind"] == "request":  # a chaser never puts its request back to 'sending'
        apply_moves(db, [_to_sending(row, get_row(db, "requests", row["request_id"]), now)])


TURN = SEND_TURN  # `queued` from a message's turn until its request is moved for it


def take_turn(db: Database, outgoing_id: int, now: dt.datetime) -> None:
    """Its turn, in the caller's commit, which reaches the database before any of the
    message leaves: one statement, its request's move is left to finish_turns."""
    db.execute("UPDATE outgoing SET queued = ?, attempted_at = ?, attempts = attempts + 1 WHERE id = ?",
               [TURN, iso(now), outgoing_id])


def record_accepted(db: Database, outgoing_id: int, sent_at: dt.datetime, now: dt.datetime) -> None:
    """The server accepted the message whose turn came, in the caller's commit: its
    request's move (and the 'sent' event) is left to finish_turns, unless that has
    written its turn already (a temporary refusal came first): then it is written now."""
    row = update_returning(db, "outgoing", outgoing_id, {"state": "sent", "sent_at": iso(sent_at), "error": None})
    if row["queued"] != TURN:
        _settle_sent(db, row, sent_at, now, how=_accepted_by(row))


def _accepted_by(row: dict) -> str:
    return f"accepted by {row['transport']}"


def finish_turns(db: Database, outgoing_ids: Sequence[int], now: dt.datetime) -> None:
    """Write, in one commit, what the turns (and acceptances) of these messages mean
    for their requests, as mark_sending and mark_sent would have: those whose turn
    never came, or whose request has been moved already, are left alone."""
    if not outgoing_ids:
        return
    with atomic(db):
        turns = _by_ids(db, "SELECT * FROM outgoing WHERE queued = ? AND id IN ({}) ORDER BY id", [TURN],
                        outgoing_ids)
        db.conn.executemany("UPDATE outgoing SET queued = NULL WHERE id = ?", [[row["id"]] for row in turns])
        requests = {r["id"]: r for r in _by_ids(db, "SELECT * FROM requests WHERE id IN ({})", [],
                                                 [row["request_id"] for row in turns])}
        moves, chasers = [], []
        for row in turns:
            if row["kind"] != "request":
                chasers.append(row)
                continue
            moves.append(_to_sending(row, requests[row["request_id"]], now))
            if row["state"] == OutgoingState.SENT:
                moves.append(_to_sent(row, moves[-1].after, _sent_at(row), now, _accepted_by(row)))
            requests[row["request_id"]] = moves[-1].after
        apply_moves(db, moves)
        for row in chasers:  # a chaser moves its request only once sent, and only some kinds
            if row["state"] == OutgoingState.SENT:
                _settle_sent(db, row, _sent_at(row), now, how=_accepted_by(row))


def _sent_at(row: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(row["sent_at"])


def _by_ids(db: Database, sql: str, params: list, ids: Sequence[int]) -> list[dict]:
    """The rows of `sql` (its {} the placeholders of ids), read in parts within SQLite's
    limit on parameters."""
    found: list[dict] = []
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        found += rows(db, sql.format(", ".join("?" * len(part))), [*params, *part])
    return found


def finish_interrupted_turns(db: Database, now: dt.datetime) -> int:
    """finish_turns for the messages a killed `foi send` left with their turn taken;
    returns how many. The caller holds the send lock (a live run finishes its own)."""
    ids = [row[0] for row in db.execute("SELECT id FROM outgoing WHERE queued = ?", [TURN])]
    finish_turns(db, ids, now)
    return len(ids)


def count_attempt(db: Database, outgoing_id: int, now: dt.datetime, error: str) -> None:
    """A temporary refusal: the message is still on its way, not yet accepted."""
    with atomic(db):
        row = get_row(db, "outgoing", outgoing_id)
        update_row(db, "outgoing", outgoing_id, {"attempts": row["attempts"] + 1, "error": error,
                                            "attempted_at": iso(now)})


def mark_sent(db: Database, outgoing_id: int, sent_at: dt.datetime, now: dt.datetime,
              how: str) -> None:
    """Accepted by the server: the statutory clock starts (day 0 = London date)."""
    with atomic(db):
        row = update_returning(db, "outgoing", outgoing_id, {"state": "sent", "sent_at": iso(sent_at), "error": None})
        _settle_sent(db, row, sent_at, now, how)


def _settle_sent(db: Database, row: dict, sent_at: dt.datetime, now: dt.datetime, how: str) -> None:
    """What the acceptance of `row` means for its request (in the caller's transaction)."""
    if row["kind"] != "request":
        # A chaser or a reply in the thread: the request keeps its own clock,
        # except that a review request and a clarification start new counts.
        add_event(db, row, EventKind(f"{row['kind']}_sent"), sent_at, now, {"how": how})
        _after_thread_message(db, row, sent_at, now)
        return
    apply_moves(db, [_to_sent(row, get_row(db, "requests", row["request_id"]), sent_at, now, how)])


def _after_thread_message(db: Database, row: dict, sent_at: dt.datetime, now: dt.datetime) -> None:
    """A review request starts the review's 20 working days; a clarification
    restarts the request's 20 from the day we gave it (both London dates)."""
    on = london_date(sent_at).isoformat()
    request = get_row(db, "requests", row["request_id"])
    if row["kind"] == "review":
        apply_transition(db, request, RequestState.INTERNAL_REVIEW, source=Source.REVIEW, when=iso(now), on=on,
                         event=EventKind.REVIEW_REQUESTED, outgoing=row["id"],
                         details=_details(row, {"note": "internal review requested by email"}))
    elif row["kind"] == "clarification":
        apply_transition(db, request, RequestState.AWAITING_RESPONSE, source=Source.CLARIFICATION,
                         when=iso(now), on=on, event=EventKind.CLARIFICATION_GIVEN, outgoing=row["id"],
                         details=_details(row, {"note": "clarification sent by email"}))


def queue_thread_message(db: Database, request_id: int, *, kind: str, message_id: str,
                         to_addr: str, subject: str, raw_sha256: str, transport: str,
                         in_reply_to: str | None, now: dt.datetime,
                         blocked_since: str | None) -> int | None:
    """Like queue_request, for a chaser or a reply in the thread. Returns None,
    writing nothing, if another message of the same group is in flight or (with
    `blocked_since`, a date) was sent on or after that date: a stale plan or a
    second run at once must not send twice."""
    group = ("clarification", "reply") if kind in ("clarification", "reply") else ("reminder", "review")
    marks = ", ".join("?" * len(group))
    with atomic(db):
        rows = db.execute(f"SELECT * FROM outgoing WHERE request_id = ? AND kind IN ({marks}) AND "
                          "state IN ('sending', 'uncertain', 'sent')", [request_id, *group])
        names = [column[0] for column in rows.description]
        for row in (dict(zip(names, values)) for values in rows.fetchall()):
            if in_flight(row) or (row["state"] == "sent" and blocked_since and row["sent_at"] >= blocked_since):
                return None
        return _put_draft(db, request_id, kind, latest_outgoing(db, request_id, (kind,)), {
            "message_id": message_id, "transport": transport, "to_addr": to_addr, "subject": subject,
            "raw_sha256": raw_sha256, "in_reply_to": in_reply_to, "error": None, **_queued(now)}, now)


def mark_failed(db: Database, outgoing_id: int, error: str, now: dt.datetime) -> None:
    """Refused by the server for good: recorded with the server's own words."""
    with atomic(db):
        row = get_row(db, "outgoing", outgoing_id)
        update_row(db, "outgoing", outgoing_id, {"state": "failed", "error": error})
        details = {"error": error, "kind": row["kind"]}
        if row["kind"] == "request":  # a refused chaser leaves its request as it was
            _move_request(db, row, RequestState.FAILED, now, event=EventKind.SEND_FAILED, details=details)
        else:
            add_event(db, row, EventKind.SEND_FAILED, now, now, details)


def mark_not_attempted(db: Database, outgoing_id: int, error: str, previous_state: str,
                       now: dt.datetime) -> None:
    """We could not even reach the point of handing the message over (login
    refused, server unreachable): certainly not sent; the request is as before."""
    with atomic(db):
        row = get_row(db, "outgoing", outgoing_id)
        update_row(db, "outgoing", outgoing_id, {"state": "failed", "error": error})
        if row["kind"] == "request":  # a chaser never moved its request
            _move_request(db, row, RequestState(previous_state), now, event=None)


def mark_uncertain(db: Database, outgoing_id: int, reason: str, now: dt.datetime) -> None:
    with atomic(db):
        row = get_row(db, "outgoing", outgoing_id)
        if row["state"] == "uncertain" and row["error"] == reason:
            return
        update_row(db, "outgoing", outgoing_id, {"state": "uncertain", "error": reason, "queued": None})
        if row["queued"] is not None and row["kind"] == "request":
            # Queued before a restart: its turn may have come, so its request is 'sending' too.
            _move_request(db, row, RequestState.SENDING, now, event=None, changes={"email": row["to_addr"]})
        add_event(db, row, EventKind.SEND_UNCERTAIN, now, now, {"reason": reason})


def _move_request(db: Database, outgoing: dict, to_state: RequestState, now: dt.datetime, *,
                  event: EventKind | None, on: str | None = None, details: dict | None = None,
                  changes: dict | None = None) -> None:
    """Move the request of `outgoing` (a request, not a chaser) along the sending
    states (_request_move says where)."""
    request = get_row(db, "requests", outgoing["request_id"])
    apply_moves(db, [_request_move(outgoing, request, to_state, now, event=event, on=on, details=details,
                                   changes=changes)])


def _request_move(outgoing: dict, request: dict, to_state: RequestState, now: dt.datetime, *,
                  event: EventKind | None, on: str | None = None, details: dict | None = None,
                  changes: dict | None = None) -> Move:
    """The move of `request` for its message `outgoing`. Only from 'sending' (or, to claim
    it, from a sendable state): if a reply from the council moved it on while its
    message was uncertain, it stays there."""
    expected = SENDABLE_STATES if to_state == RequestState.SENDING else {RequestState.SENDING}
    target = to_state if request["state"] in expected else request["state"]
    return plan_move(request, target, source=Source.SENDING, when=iso(now), on=on, event=event,
                     details=_details(outgoing, details or {}), changes=changes, outgoing=outgoing["id"])


def _to_sending(row: dict, request: dict, now: dt.datetime) -> Move:
    # No event: the outgoing row records the attempt, and sent, send_failed or
    # send_uncertain follows.
    return _request_move(row, request, RequestState.SENDING, now, event=None, changes={"email": row["to_addr"]})


def _to_sent(row: dict, request: dict, sent_at: dt.datetime, now: dt.datetime, how: str) -> Move:
    sent_on = london_date(sent_at).isoformat()
    return _request_move(row, request, RequestState.AWAITING_RESPONSE, now, event=EventKind.SENT, on=sent_on,
                         details={"how": how}, changes={"sent_via": "email", "sent_at": iso(sent_at),
                                                        "sent_on": sent_on, "email": row["to_addr"]})


def _details(outgoing: dict, details: dict) -> dict:
    return {"message_id": outgoing["message_id"], "to_addr": outgoing["to_addr"],
            "transport": outgoing["transport"], **details}


def add_event(db: Database, outgoing: dict, kind: str, occurred: dt.datetime,
              now: dt.datetime, details: dict) -> None:
    record_event(db, outgoing["request_id"], kind, london_date(occurred).isoformat(), iso(now),
                 _details(outgoing, details), outgoing=outgoing["id"])
