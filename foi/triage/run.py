"""Triage of received mail: match to a request, classify, move the request on.

Handed to the storage side (TRIAGE, passed to foi.mail.store by `foi sync`, `foi import`
and the demo), which calls it after it saves a new `messages` row; `retriage` re-runs
the same over stored messages after the rules improve.
"""

import contextlib
import datetime as dt
import json
import weakref
from email.message import Message
from typing import Final

from sqlite_utils import Database

from foi.campaign.references import normalise_reference
from foi.clock import timestamp_or_start_of
from foi.db import atomic, get_row, update_row
from foi.mail.parse import ParsedMessage
from foi.mail.store import Decided, Triage
from foi.mail.within_limits import Then
from foi.tracking.states import Source, apply_transition, plan_transition
from foi.triage.ahead import ReadAhead, classify_ahead, triage_input_from_parsed
from foi.triage.classify import Classification, classify_message
from foi.triage.inputs import TriageInput, triage_input_from_email
from foi.triage.learned import teaches
from foi.triage.match import RequestMatch, match_message, requests_by_reference
from foi.triage.request_index import RequestIndex
from foi.vocabulary import NOT_A_RESPONSE, EventKind


def as_triage_input(parsed) -> TriageInput:
    """Accept a TriageInput, a stdlib message, or a parsed record carrying one."""
    if isinstance(parsed, TriageInput):
        return parsed
    if isinstance(parsed, ParsedMessage) and isinstance(parsed.read_ahead, ReadAhead):
        return parsed.read_ahead.view
    if isinstance(parsed, Message):
        return triage_input_from_email(parsed)
    if isinstance(parsed, ParsedMessage) and parsed.email is not None:
        return triage_input_from_parsed(parsed)
    raise TypeError(f"cannot triage a {type(parsed).__name__}")


def triage_message(db: Database, message_row_id: int, parsed, today: str | dt.date,
                   now: str | None = None) -> dict:
    """Match and classify one stored message, update its row and its request
    (committed together; inside a caller's transaction, with it). `now`, an ISO
    timestamp with offset, dates the changes; without it, the start of `today`."""
    today, now = str(today), timestamp_or_start_of(today, now)
    message = as_triage_input(parsed)
    ahead = parsed.read_ahead if isinstance(parsed, ParsedMessage) else None
    kept = _kept.get(db)
    try:
        with atomic(db):
            requests = kept if kept is not None else requests_by_reference(db)
            row = get_row(db, "messages", message_row_id)
            match, result = _match_and_classify(db, row, message, requests, ahead)
            return apply_triage(db, row, match, result, today, now)
    except BaseException:
        _read_again(db, kept)
        raise


def _read_again(db: Database, kept: RequestIndex | None) -> None:
    if kept is not None and db.conn.in_transaction:  # rolled back: read again what is left
        _kept[db] = requests_by_reference(db)


# Requests (with their bodies) read once per batch of mail instead of twice per
# message; triage is then the only writer of those rows, and refreshes the one
# it changes (see update_request).
_kept: "weakref.WeakKeyDictionary[Database, RequestIndex]" = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def requests_kept(db: Database):
    """Within one transaction, let triage_message reuse its reading of the requests."""
    _kept[db] = requests_by_reference(db)
    try:
        yield
    finally:
        _kept.pop(db, None)


def read_ahead(db: Database) -> Then:
    """For a sync (Triage.ahead): the worker that parses each message also reads its triage
    view and classifies it, which needs only our references, while other messages are
    stored. Where the references have changed by the time it is stored, it is classified again."""
    requests = _kept.get(db) or requests_by_reference(db)
    return classify_ahead, (requests.references(), requests.references_digest())


def _match_and_classify(db: Database, row: dict, message: TriageInput, requests: RequestIndex,
                        ahead: object = None) -> tuple[RequestMatch, Classification]:
    """A message filed by hand stays filed; any other is matched by the rules."""
    if row["match_rule"] == "manual" and row["request_id"]:
        match = RequestMatch(row["request_id"], "manual", row["match_evidence"] or "")
    else:
        match = match_message(db, message, requests)
    if isinstance(ahead, ReadAhead) and ahead.ours == requests.references_digest():
        return match, ahead.classification
    return match, classify_message(message, requests.references())


def apply_triage(db: Database, row: dict, match: RequestMatch, result: Classification,
                 today: str, now: str) -> dict:
    update = triage_columns(match, result)
    update_row(db, "messages", row["id"], update)
    return _moved_on(db, row, update, match, result, today, now)


def triage_columns(match: RequestMatch, result: Classification) -> dict:
    """What triage writes on a message's row."""
    return {
        "request_id": match.request_id, "match_rule": match.rule,
        "match_evidence": match.evidence if match.request_id else _guesses_json(match),
        "classification": result.kind,
        "classification_evidence": json.dumps({"evidence": result.evidence, **result.details},
                                              sort_keys=True),
        "their_reference": result.details.get("their_reference"),
    }


def _moved_on(db: Database, row: dict, update: dict, match: RequestMatch, result: Classification,
              today: str, now: str) -> dict:
    """After the row has `update`: the request moved on, and the batch's references kept
    in step; the row as it now is."""
    if match.request_id is not None:
        update_request(db, match.request_id, {**row, **update}, result, today, now)
    kept = _kept.get(db)
    if kept is not None and (teaches(row) or teaches(update)):  # before triage changed it, or after
        kept.learned_changed([row["request_id"], match.request_id])
    return {**row, **update}


# A message's row before triage: filed nowhere, taught nothing.
NEW_ROW: Final = {"request_id": None, "match_rule": None, "match_evidence": None, "their_reference": None,
                  "classification_evidence": None}


def decide_message(db: Database, parsed: ParsedMessage, today: dt.date, now: str) -> Decided:
    """triage_message's work for a message not stored yet (Triage.decide): its row's triage
    columns, and what is left once the row is written with them."""
    today_text = str(today)
    kept = _kept.get(db)
    try:
        requests = kept if kept is not None else requests_by_reference(db)
        match, result = _match_and_classify(db, NEW_ROW, as_triage_input(parsed), requests, parsed.read_ahead)
    except BaseException:
        _read_again(db, kept)
        raise
    update = triage_columns(match, result)

    def stored(row: dict) -> None:
        try:
            _moved_on(db, {**NEW_ROW, **row}, update, match, result, today_text, now)
        except BaseException:
            _read_again(db, kept)
            raise

    return update, stored


# What storage is given: triage each new message (deciding before its row is
# written where it can), reading the requests once per batch.
TRIAGE = Triage(triage_message, batch=requests_kept, ahead=read_ahead, decide=decide_message)


def update_request(db: Database, request_id: int, message: dict, result: Classification,
                   today: str, now: str) -> None:
    """Move the request's state (if allowed), its dates and reference; log an event."""
    request = get_row(db, "requests", request_id)
    target, why = plan_transition(request, result.kind)
    moment = message.get("date") or message.get("received_at") or now
    changes = {"last_message_at": max(filter(None, [request["last_message_at"], moment]))}
    if result.kind not in NOT_A_RESPONSE and not request["first_response_at"]:
        changes["first_response_at"] = moment
    if result.details.get("their_reference") and not request["their_reference"]:
        changes["their_reference"] = result.details["their_reference"]
    details = {"classification": result.kind, "evidence": result.evidence,
               "match_rule": message.get("match_rule"), **result.details}
    moved = apply_transition(db, request, target or request["state"], source=Source.TRIAGE, when=now,
                             on=_day(moment, today), reason=why, details=details, changes=changes,
                             event=EventKind.STATE_CHANGED if target else EventKind.MESSAGE_CLASSIFIED,
                             message=message["id"])
    kept = _kept.get(db)
    if kept is not None:
        key = normalise_reference(moved["reference"])
        if key in kept:  # the request as it now is, with its body's fields as they were
            kept[key] = {**kept[key], **moved}
        else:
            kept.update(requests_by_reference(db, request_id))


def retriage(db: Database, today: str, now: str | None = None, load=None) -> dict[str, int]:
    """Re-run matching and classification over stored messages, oldest first.

    `load(row)` returns what to triage for a row (the parsed raw message);
    without it the stored columns are used, which lack attachments and DSN parts.
    Messages whose outcome is unchanged are left alone, so no event repeats.
    """
    now = timestamp_or_start_of(today, now)
    counts = {"messages": 0, "changed": 0}
    rows = list(db.query("SELECT * FROM messages ORDER BY coalesce(date, stored_at), id"))
    with db.atomic(), requests_kept(db):
        for row in rows:
            counts["messages"] += 1
            message = as_triage_input(load(row)) if load else triage_input_from_row(row)
            match, result = _match_and_classify(db, row, message, _kept[db])
            if (match.request_id, result.kind) != (row["request_id"], row["classification"]):
                counts["changed"] += 1
                apply_triage(db, row, match, result, today, now)
    return counts


def our_references(db: Database) -> frozenset[str]:
    return frozenset(normalise_reference(r["reference"])
                     for r in db.query("SELECT reference FROM requests"))


def triage_input_from_row(row: dict) -> TriageInput:
    """The triage view rebuilt from a messages row (no attachments or MIME parts)."""
    def addresses(value):
        if not value:
            return []
        try:
            items = json.loads(value)
        except ValueError:
            items = value.split(",")
        return [str(a).strip().lower() for a in items if "@" in str(a)]

    def ids(value):
        return [v for v in (value or "").replace(",", " ").split() if v]

    headers = {"auto-submitted": row["auto_submitted"]} if row.get("auto_submitted") else {}
    return TriageInput(row["message_id"], (row["from_addr"] or "").lower(), row["from_name"] or "",
                       addresses(row["to_addrs"]) + addresses(row["cc_addrs"]),
                       row["subject"] or "", row["body_text"] or "", ids(row["in_reply_to"]),
                       ids(row["references_"]), headers)


def _guesses_json(match: RequestMatch) -> str | None:
    if not match.guesses:
        return None
    return json.dumps([g.__dict__ for g in match.guesses])


def _day(moment: str, today: str) -> str:
    text = str(moment or "")
    return text[:10] if len(text) >= 10 and text[4] == "-" else today
