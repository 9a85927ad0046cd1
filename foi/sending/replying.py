"""`foi reply`: answering a council's request for clarification, in its thread.

The reply is an `outgoing` row of kind 'clarification', sent by the exactly-once
machinery of foi.sending.send. When the server accepts it, foi.sending.outgoing
records CLARIFICATION_GIVEN on the London date of sending: the 20 working days
start afresh from that day (s.1(3)) and the request is awaiting a response again.
"""

import re

from sqlite_utils import Database

from foi.errors import FoiError
from foi.letters.render import Rendered, Sender
from foi.safetext import one_line, plain_text
from foi.sending.outgoing import in_flight, latest_outgoing
from foi.sending.send import PlannedMessage, SendPlan, SkipKind, Skipped, Uncertain
from foi.sending.thread import last_council_message, thread_parent


def plan_reply(db: Database, slug: str, body_code: str, text: str, *, sender: Sender) -> SendPlan:
    """The one clarification reply `foi reply` would send. Writes nothing."""
    rows = list(db.query("SELECT r.*, b.name AS body_name, b.foi_email FROM requests r JOIN bodies b "
                         "ON b.code = r.body_code WHERE r.campaign = ? AND r.body_code = ?",
                         [slug, body_code.upper()]))
    if not rows:
        raise FoiError(f"No request in campaign {slug!r} to {body_code.upper()}",
                       "`foi status SLUG` lists the requests and their body codes.")
    request = rows[0]
    if not text.strip():
        raise FoiError("The reply text is empty")
    names = (request["reference"], request["body_code"], request["body_name"])
    plan = SendPlan(campaign=slug)
    latest = latest_outgoing(db, request["id"], ("clarification",))
    if in_flight(latest):
        plan.uncertain.append(Uncertain(request["id"], *names, outgoing=latest))
        return plan
    asked = last_council_message(db, request["id"])
    if request["state"] != "awaiting_clarification" and not (asked and asked["classification"] == "clarification"):
        raise FoiError(f"{request['reference']} is {request['state']}: the council has not asked for "
                       "clarification", "`foi inbox` shows its messages; `foi set-state` corrects a state.")
    parent, parent_subject = thread_parent(db, request["id"])
    if latest and latest["state"] == "sent" and latest["in_reply_to"] == parent:
        plan.skipped.append(Skipped(*names, f"already replied to their last message on {latest['sent_at'][:10]}",
                                    SkipKind.ALREADY_REPLIED))
        return plan
    address = request["email"] or request["foi_email"]
    if not address:
        raise FoiError(f"No email address for {request['body_name']}")
    their = request["their_reference"] or (asked or {}).get("their_reference")
    rendered = Rendered(reply_subject(parent_subject, request["reference"]),
                        reply_body(text, request["reference"], their))
    plan.messages.append(PlannedMessage(request["id"], *names, to_addr=address, rendered=rendered,
                                        kind="clarification", in_reply_to=parent))
    return plan


def reply_subject(parent_subject: str | None, reference: str) -> str:
    """'Re: <their subject>', with our reference added if it is not in it already."""
    subject = one_line(parent_subject or "Freedom of Information request")
    subject = re.sub(r"^((re|fw|fwd|aw)\s*:\s*)+", "", subject, flags=re.IGNORECASE)
    if reference.lower() not in subject.lower():
        subject = f"{subject} [{reference}]"
    return f"Re: {subject}"


def reply_body(text: str, reference: str, their_reference: str | None) -> str:
    """The user's words, then the references the council needs to file it."""
    their = one_line(their_reference)
    refs = f"Our reference: {reference}" + (f"; your reference: {their}" if their else "")
    body = plain_text(text).strip("\n")
    return f"{body}\n\n{refs}\n"
