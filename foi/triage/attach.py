"""`foi attach`: a reply that came by post, or was downloaded from a council's portal,
added to its request as a received message with the files as its attachments.

The files are wrapped in a message (from the council, dated the day it was received)
and stored by foi.mail.store exactly as imported mail is: raw bytes and each file by
sha256, unpacked and read within the same limits; then classified and the request
moved on as for any reply, filed under the request named (not matched by guesswork).
The same files, day and note give the same message, so attaching twice stores nothing
the second time.
"""

import datetime as dt
import email.policy
import hashlib
import mimetypes
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from sqlite_utils import Database

from foi.blobs import BlobStore
from foi.clock import LONDON
from foi.db import get_row
from foi.errors import FoiError
from foi.mail.parse import ParsedMessage, parse_headers
from foi.mail.store import Incoming, Triage, find_existing, save_messages
from foi.register.councils import find_body
from foi.safetext import one_line, plain_text
from foi.triage.inbox import request_for
from foi.triage.run import triage_message

ATTACH_SOURCE = "attach"  # messages.source of a message made by `foi attach`
MATCH_EVIDENCE = "added by hand with foi attach"
POLICY = email.policy.SMTP


@dataclass
class AttachPlan:
    request: dict
    body_name: str
    on: str  # the day it was received, YYYY-MM-DD
    files: list[tuple[str, int]]  # (file name, size)
    raw: bytes
    already: int | None  # the message row when these files were attached before


@dataclass
class AttachResult:
    plan: AttachPlan
    message: int
    new: bool
    state_before: str
    state_after: str
    classification: str | None
    attachments: int = 0
    undecodable: int = 0
    notes: list[str] = field(default_factory=list)


def plan_attach(db: Database, slug: str, body: str, paths: list[Path], *, on: dt.date, today: dt.date,
                note: str | None = None) -> AttachPlan:
    """What `foi attach` would store; refuses a day in the future or before the request went."""
    request = request_for(db, slug, body)
    body_row = find_body(db, request["body_code"])
    if not request["sent_on"]:
        raise FoiError(f"{request['reference']} ({body_row['name']}) has not been sent (state {request['state']})",
                       "Record how it was sent first: `foi mark-sent` (by post or a web form) or `foi send`.")
    if on > today:
        raise FoiError(f"--on {on} is in the future (today is {today})",
                       "Give the day the reply was received.")
    if on.isoformat() < request["sent_on"]:
        raise FoiError(f"--on {on} is before {request['reference']} was sent ({request['sent_on']})",
                       "Give the day the reply was received.")
    files = [(path.name, path.read_bytes()) for path in paths]
    raw = compose_received(request, body_row, files, on, note)
    # Its headers are foi's own (compose_received): read here, not the whole message in the
    # worker, which storing does once (foi.mail.store).
    already = find_existing(db, hashlib.sha256(raw).hexdigest(), parse_headers(raw) or ParsedMessage())
    return AttachPlan(request, body_row["name"], on.isoformat(), [(n, len(d)) for n, d in files], raw, already)


def compose_received(request: dict, body: dict, files: list[tuple[str, bytes]], on: dt.date,
                     note: str | None) -> bytes:
    """The message a person would have had, had the reply come by email: from the council,
    dated the day received, our reference in the subject, the note as its text. Built
    the same way from the same files, day and note: the same bytes."""
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode("utf-8", "replace") + b"\0" + hashlib.sha256(data).digest())
    digest.update(f"{request['reference']}\0{on}\0{note or ''}".encode())
    key = digest.hexdigest()
    message = EmailMessage(policy=POLICY)
    message["From"] = formataddr((one_line(body["name"]), request["email"] or body["foi_email"]
                                  or f"{body['code'].lower()}@post.invalid"))
    message["Subject"] = one_line(f"{request['reference']}: reply received by post or from a portal")
    message["Date"] = format_datetime(dt.datetime.combine(on, dt.time(), LONDON))
    message["Message-ID"] = f"<foi.attach.{request['reference']}.{key[:20]}@foi.invalid>"
    message.set_content(plain_text(note or "") + "\n")
    for name, data in files:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=one_line(name))
    message.set_boundary(f"foi-attach-{key[:32]}")
    return message.as_bytes(policy=POLICY)


def apply_attach(db: Database, blobs: BlobStore, plan: AttachPlan, *, today: dt.date,
                 now: dt.datetime) -> AttachResult:
    """Store the message as imported mail is stored, filed under the plan's request."""
    request_id = plan.request["id"]

    def filed_here(db: Database, row_id: int, parsed, today: dt.date, now: str) -> object:
        db.execute("UPDATE messages SET request_id = ?, match_rule = 'manual', match_evidence = ? WHERE id = ?",
                   [request_id, MATCH_EVIDENCE, row_id])
        return triage_message(db, row_id, parsed, today, now)

    day = dt.date.fromisoformat(plan.on)
    received = dt.datetime.combine(day, dt.time(), LONDON).isoformat()
    [saved] = save_messages(db, blobs, [Incoming(plan.raw, None, received)], ATTACH_SOURCE,
                            today=today, now=now, triage=Triage(filed_here))
    row = get_row(db, "messages", saved.message)
    after = get_row(db, "requests", request_id)["state"]
    notes = [saved.parse_error] if saved.parse_error else []
    if saved.triage_error:
        notes.append(saved.triage_error)
    return AttachResult(plan, saved.message, saved.new, plan.request["state"], after, row["classification"],
                        saved.attachments, saved.undecodable, notes)
