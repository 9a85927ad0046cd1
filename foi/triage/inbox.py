"""The inbox: listing received messages, filing one by hand, correcting a state."""

import json

from sqlite_utils import Database

from foi.campaign.references import normalise_reference
from foi.errors import FoiError
from foi.register.councils import find_body
from foi.tracking.states import record_event, save_manual_state
from foi.triage.classify import classify_message
from foi.triage.match import RequestMatch
from foi.triage.run import apply_triage, as_triage_input, our_references, triage_input_from_row
from foi.vocabulary import EventKind


def list_messages(db: Database, *, unmatched: bool = False, campaign: str | None = None) -> list[dict]:
    """Received messages, newest first, with their request and (if unmatched) guesses."""
    sql = ("SELECT m.id, m.message_id, m.date, m.from_addr, m.subject, m.classification, "
           "m.match_rule, m.match_evidence, m.parse_error, m.request_id, r.reference, r.campaign, r.state, "
           "b.name AS body_name FROM messages m LEFT JOIN requests r ON r.id = m.request_id "
           "LEFT JOIN bodies b ON b.code = r.body_code")
    where, params = [], []
    if unmatched:
        where.append("m.request_id IS NULL")
    if campaign:
        where.append("r.campaign = ?")
        params.append(campaign)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = []
    for row in db.query(sql + " ORDER BY coalesce(m.date, m.stored_at) DESC, m.id DESC", params):
        row["guesses"] = _guesses(row) if row["request_id"] is None else []
        rows.append(row)
    return rows


def _guesses(row: dict) -> list[dict]:
    try:
        value = json.loads(row["match_evidence"] or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def find_message(db: Database, identifier: str) -> dict:
    """A message by row id or Message-ID (with or without <>)."""
    ident = identifier.strip()
    if ident.isdigit():
        row = next(db.query("SELECT * FROM messages WHERE id = ?", [int(ident)]), None)
    else:
        bare = ident.strip("<>")
        row = next(db.query("SELECT * FROM messages WHERE message_id IN (?, ?)",
                            [bare, f"<{bare}>"]), None)
    if row is None:
        raise FoiError(f"No message {identifier!r}", "`foi inbox` lists messages with their ids.")
    return row


def find_request(db: Database, identifier: str) -> dict:
    """A request by reference (typos tolerated) or SLUG/BODY."""
    ident = identifier.strip()
    if "/" in ident:
        slug, body = ident.split("/", 1)
        return request_for(db, slug, body)
    wanted = normalise_reference(ident)
    for row in db.query("SELECT * FROM requests"):
        if normalise_reference(row["reference"]) == wanted:
            return row
    raise FoiError(f"No request {identifier!r}", "Give a reference (EH-BNS-592V) or SLUG/BODY.")


def request_for(db: Database, slug: str, body: str) -> dict:
    code = find_body(db, body)["code"]
    row = next(db.query("SELECT * FROM requests WHERE campaign = ? AND body_code = ?",
                        [slug, code]), None)
    if row is None:
        raise FoiError(f"No request to {code} in campaign {slug!r}",
                       "Check the campaign slug; `foi inbox --campaign SLUG` lists its mail.")
    return row


def assign_message(db: Database, message_ident: str, request_ident: str, today: str, now: str,
                   load=None) -> dict:
    """File a message under a request by hand, re-classify it, remember the sender."""
    message = find_message(db, message_ident)
    request = find_request(db, request_ident)
    view = as_triage_input(load(message)) if load else triage_input_from_row(message)
    match = RequestMatch(request["id"], "manual", "assigned by user")
    with db.atomic():
        record_event(db, request["id"], EventKind.MESSAGE_ASSIGNED, today, now,
                     {"message_id": message["message_id"], "previous_request": message["request_id"]},
                     actor="user", message=message["id"])
        result = apply_triage(db, message, match, classify_message(view, our_references(db)), today, now)
        if message["from_addr"]:
            db.table("known_senders").upsert({"address": message["from_addr"].lower(),
                                        "body_code": request["body_code"],
                                        "learned_from": message["id"], "learned_at": now},
                                       pk="address")
    return result


def set_request_state(db: Database, slug: str, body: str, state: str, note: str | None,
                      today: str, now: str) -> dict:
    return save_manual_state(db, request_for(db, slug, body), state, note, today, now)
