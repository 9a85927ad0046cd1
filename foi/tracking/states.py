"""The request state machine: every change of requests.state goes through
apply_transition(), which checks the move is allowed for who is making it, and
writes the state, updated_at and an event in the request's history together.

Who moves a request (Source) and where to:
- triage: a classified message from the council (STATE_FOR_KIND); never
  downgrades (STATE_RANK) and never overrides a state set by hand;
- manual: `foi set-state`, anything to anything; triage then leaves it alone;
- sending: `foi send`, draft|failed -> sending -> awaiting_response | failed,
  or back to where it was when the message could not even be attempted;
- mark_sent: `foi mark-sent`, to awaiting_response (plan_mark_sent asks for
  --force unless the request is a draft);
- clarification: our clarification sent, the clock restarts: awaiting_response;
- review: our internal review request sent: internal_review;
- fee_paid: `foi fee-paid`, fee_requested -> awaiting_response;
- review_answered: `foi reviewed`, internal_review -> the outcome;
- extraction: the request's state derived from the values read out of its replies
  (some answered and some refused or not held: answered_partial; all answered:
  answered), between those outcome states only; never overrides a state set by hand.
"""

import datetime as dt
import enum
import json
from dataclasses import dataclass

from sqlite_utils import Database

from foi.clock import LONDON
from foi.db import atomic, insert_row, update_returning
from foi.errors import FoiError
from foi.vocabulary import SETTABLE_STATES, TERMINAL_STATES, EventKind, MessageKind as K, RequestState as S, names

# state -> how conclusive it is; automatic changes never lower it. A request being
# sent ranks with a draft: nothing is known to have reached the council yet.
STATE_RANK: dict[str, int] = {
    S.DRAFT: 0, S.SENDING: 0, S.AWAITING_RESPONSE: 1, S.BOUNCED: 1, S.ACKNOWLEDGED: 2,
    S.AWAITING_CLARIFICATION: 3, S.FEE_REQUESTED: 3, S.EXTENDED: 3, S.INTERNAL_REVIEW: 4,
    S.REFUSED: 5, S.NOT_HELD: 5, S.LINK_ONLY: 5, S.ANSWERED_PARTIAL: 6, S.ANSWERED: 7,
    **dict.fromkeys(TERMINAL_STATES, 9),
}
STATES = tuple(names(S))

# classification -> the state it implies (others leave the state alone).
STATE_FOR_KIND: dict[str, S] = {
    K.BOUNCE: S.BOUNCED, K.ACKNOWLEDGEMENT: S.ACKNOWLEDGED,
    K.CLARIFICATION: S.AWAITING_CLARIFICATION, K.FEE: S.FEE_REQUESTED, K.EXTENSION: S.EXTENDED,
    K.REFUSAL: S.REFUSED, K.NOT_HELD: S.NOT_HELD, K.ANSWER_PARTIAL: S.ANSWERED_PARTIAL,
    K.ANSWER: S.ANSWERED, K.LINK_ONLY: S.LINK_ONLY,
}


class Source(enum.StrEnum):
    """Who or what moves a request (see the module's docstring)."""

    TRIAGE = "triage"
    MANUAL = "manual"
    SENDING = "sending"
    MARK_SENT = "mark_sent"
    CLARIFICATION = "clarification"
    REVIEW = "review"
    FEE_PAID = "fee_paid"
    REVIEW_ANSWERED = "review_answered"
    EXTRACTION = "extraction"


ANY_STATE = frozenset(S)
# The outcomes of an internal review we record by hand (a review answered by mail is
# a classified message like any other, moved by triage).
REVIEW_OUTCOME_STATES = frozenset({S.REFUSED, S.NOT_HELD, S.ANSWERED_PARTIAL, S.ANSWERED, S.LINK_ONLY})

# The states a reply's values may correct: a response whose outcome the values say better.
DERIVED_FROM_STATES = frozenset({S.ANSWERED, S.ANSWERED_PARTIAL, S.REFUSED, S.NOT_HELD})
# Still waiting, where a reply triage could not read (unclassified) may have been
# the answer: the values read from that reply decide (settle.derive_request_states).
ANSWER_UNREAD_STATES = frozenset({S.AWAITING_RESPONSE, S.ACKNOWLEDGED, S.EXTENDED})

# source -> {to: the states it may come from}. Triage is not here: its moves depend
# on the rank and on who set the state (plan_transition).
MOVES: dict[Source, dict[S, frozenset[S]]] = {
    Source.MANUAL: dict.fromkeys(SETTABLE_STATES, ANY_STATE),
    Source.SENDING: {S.SENDING: frozenset({S.DRAFT, S.FAILED}), S.AWAITING_RESPONSE: frozenset({S.SENDING}),
                     S.FAILED: frozenset({S.SENDING}), S.DRAFT: frozenset({S.SENDING})},
    Source.MARK_SENT: {S.AWAITING_RESPONSE: ANY_STATE},
    Source.CLARIFICATION: {S.AWAITING_RESPONSE: ANY_STATE},
    Source.REVIEW: {S.INTERNAL_REVIEW: ANY_STATE},
    Source.FEE_PAID: {S.AWAITING_RESPONSE: frozenset({S.FEE_REQUESTED})},
    Source.REVIEW_ANSWERED: {state: frozenset({S.INTERNAL_REVIEW}) for state in REVIEW_OUTCOME_STATES},
    Source.EXTRACTION: dict.fromkeys((S.ANSWERED, S.ANSWERED_PARTIAL), DERIVED_FROM_STATES | ANSWER_UNREAD_STATES),
}

# What each source leaves in requests.state_source: a state set by hand is kept
# from triage; our own clarification or review hands the request back to it.
STATE_SOURCE = {Source.MANUAL: "manual", Source.CLARIFICATION: "auto", Source.REVIEW: "auto",
                Source.FEE_PAID: "auto", Source.REVIEW_ANSWERED: "auto"}


class TransitionRefused(FoiError):
    """A move the state machine does not allow from where the request stands."""


def check_transition(request: dict, to_state: str, source: Source) -> None:
    """Raise TransitionRefused unless `source` may move the request to `to_state`."""
    current = request["state"]
    if source == Source.TRIAGE:
        if why := _triage_refusal(request, to_state):
            raise TransitionRefused(f"{request['reference']}: {why}")
        return
    if source == Source.EXTRACTION and request["state_source"] == "manual":
        raise TransitionRefused(f"{request['reference']}: state {current} was set by hand")
    allowed = MOVES[source].get(S(to_state))
    if allowed is None or current not in allowed:
        raise TransitionRefused(
            f"{request['reference']} is {current}: {source} cannot move it to {to_state}",
            "Only " + ", ".join(names(allowed)) + " can." if allowed else None)


def apply_transition(db: Database, request: dict, to_state: str, *, source: Source, when: str,
                     event: EventKind | None, reason: str | None = None, on: str | None = None,
                     details: dict | None = None, changes: dict | None = None, actor: str = "auto",
                     message: int | None = None, outgoing: int | None = None) -> dict:
    """Move `request` to `to_state` (or keep it where it is, if `to_state` is its
    state: the event and `changes` are still written), with updated_at = `when`, a
    timestamp with its offset, and an event of `event` kind on the day `on` (the
    London day of `when` unless given). In the caller's transaction, if any.
    Returns the request as it now is.

    `event` is None only for foi send's steps in and out of 'sending', which the
    outgoing row records (the sent, send_failed or send_uncertain event follows)."""
    move = plan_move(request, to_state, source=source, when=when, event=event, reason=reason, on=on,
                     details=details, changes=changes, actor=actor, message=message, outgoing=outgoing)
    with atomic(db):
        now = update_returning(db, "requests", request["id"], move.values)
        if move.event is not None:
            insert_row(db, "events", move.event)
    return now


@dataclass(frozen=True)
class Move:
    """A checked move of one request: the columns to set and the event to add, if any."""

    request_id: int
    values: dict
    event: dict | None
    after: dict  # the request as the move leaves it


def plan_move(request: dict, to_state: str, *, source: Source, when: str, event: EventKind | None,
              reason: str | None = None, on: str | None = None, details: dict | None = None,
              changes: dict | None = None, actor: str = "auto", message: int | None = None,
              outgoing: int | None = None) -> Move:
    """What apply_transition writes, checked, without writing it."""
    moment = require_timestamp(when)
    current = request["state"]
    to_state = S(to_state)
    values = dict(changes or {})
    if to_state != current:
        check_transition(request, to_state, source)
        values["state"] = to_state
        if source in STATE_SOURCE:
            values["state_source"] = STATE_SOURCE[source]
    values["updated_at"] = when
    record = {"from": current, "to": str(to_state), **({"reason": reason} if reason else {}), **(details or {})}
    row = None if event is None else _event_row(
        request["id"], event, on or moment.astimezone(LONDON).date().isoformat(), when, record,
        actor=actor, message=message, outgoing=outgoing)
    return Move(request["id"], values, row, {**request, **values})


def apply_moves(db: Database, moves: list[Move]) -> None:
    """apply_transition for many requests at once (each move planned from where the one
    before it left its request): the same rows and events, in a few statements."""
    merged: dict[int, dict] = {}
    for move in moves:
        merged.setdefault(move.request_id, {}).update(move.values)
    by_columns: dict[tuple[str, ...], list[list]] = {}
    for request_id, values in merged.items():
        by_columns.setdefault(tuple(values), []).append([*values.values(), request_id])
    with atomic(db):
        for columns, params in by_columns.items():
            db.conn.executemany(f"UPDATE requests SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?", params)
        events = [move.event for move in moves if move.event is not None]
        if events:
            db.conn.executemany(f"INSERT INTO events ({', '.join(events[0])}) "
                                f"VALUES ({', '.join('?' * len(events[0]))})", [list(e.values()) for e in events])
def require_timestamp(when: str) -> dt.datetime:
    """`when` as an aware datetime; a bare date or a naive time is a bug in the caller
    (updated_at and recorded_at are full ISO timestamps with their offset)."""
    moment = dt.datetime.fromisoformat(when) if len(when) > 10 else None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{when!r} is not a timestamp with an offset")
    return moment


def validate_state(state: str) -> str:
    state = state.strip().lower().replace("-", "_")
    if state not in STATE_RANK:
        raise FoiError(f"Unknown state {state!r}", "Use one of: " + ", ".join(STATES) + ".")
    return state


def plan_transition(request: dict, kind: str) -> tuple[str | None, str]:
    """(new state or None, why) for an automatic classification of a reply."""
    target = STATE_FOR_KIND.get(kind)
    current = request["state"]
    if target is None:
        return None, f"{kind} does not change the state"
    if target == current and request["state_source"] != "manual":
        return None, f"already {current}"
    if why := _triage_refusal(request, target):
        return None, why
    return target, f"{current} -> {target}"


def _triage_refusal(request: dict, target: str) -> str | None:
    """Why automatic triage may not move the request to `target`, or None."""
    current = request["state"]
    if request["state_source"] == "manual":
        return f"state {current} was set by hand"
    if STATE_RANK[target] < STATE_RANK.get(current, 0):
        return f"{target} would downgrade {current}"
    return None


def record_event(db: Database, request_id: int | None, kind: str, occurred_on: str,
                 recorded_at: str, details: dict, *, actor: str = "auto",
                 message: int | None = None, outgoing: int | None = None) -> None:
    """Append to the request's history (no commit: the caller owns the transaction)."""
    insert_row(db, "events", _event_row(request_id, kind, occurred_on, recorded_at, details, actor=actor,
                                        message=message, outgoing=outgoing))


def _event_row(request_id: int | None, kind: str, occurred_on: str, recorded_at: str, details: dict, *,
               actor: str, message: int | None, outgoing: int | None) -> dict:
    return {"request_id": request_id, "kind": kind, "occurred_on": occurred_on, "recorded_at": recorded_at,
            "actor": actor, "message": message, "outgoing": outgoing,
            "details": json.dumps(details, sort_keys=True)}


def save_manual_state(db: Database, request: dict, state: str, note: str | None,
                      today: str, now: str) -> dict:
    """Set a request's state by hand: it then stays until a person changes it again."""
    state = validate_state(state)
    if state not in SETTABLE_STATES:
        raise FoiError(f"A request cannot be set to {state!r} by hand",
                       "Only `foi send` sets it, while a message is on its way; "
                       "to send again, set the request to draft.")
    return apply_transition(db, request, state, source=Source.MANUAL, when=now, on=today,
                            event=EventKind.STATE_SET, details={"note": note}, actor="user",
                            changes={"state_source": "manual"})
