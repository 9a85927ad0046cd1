"""Recording a request submitted by hand (web form, post, own mail client).

Many councils insist on their own web form, so the request goes out without
`foi send`; `sent_on` is then day 0 of the statutory clock (for a letter, give
the day it was received if known).
"""

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from foi.campaign.campaigns import get_campaign
from foi.clock import london_date, timestamp_or_start_of
from foi.errors import FoiError
from foi.register.councils import find_body
from foi.tracking.clock_events import parse_day
from foi.tracking.states import Source, apply_transition
from foi.vocabulary import EventKind, RequestState

VIAS = ("portal", "post", "email")


@dataclass
class MarkSentPlan:
    request: dict
    body_name: str
    via: str
    sent_on: str
    their_reference: str | None
    replaces: dict | None     # the earlier sending, when forced


def plan_mark_sent(db: Database, slug: str, body: str, *, via: str, on: str, today: dt.date,
                   their_reference: str | None = None, force: bool = False) -> MarkSentPlan:
    if via not in VIAS:
        raise FoiError(f"--via {via!r}: use one of {', '.join(VIAS)}")
    day = parse_day(on, today=today)
    found = find_body(db, body)
    rows = list(db.query("SELECT * FROM requests WHERE campaign = ? AND body_code = ?", [slug, found["code"]]))
    if not rows:
        get_campaign(db, slug)
        raise FoiError(f"Campaign {slug!r} has no request to {found['name']} ({found['code']})")
    request = rows[0]
    replaces = None
    if request["sent_on"] or request["state"] != "draft":
        if not force:
            raise FoiError(
                f"{request['reference']} ({found['name']}) was already sent on {request['sent_on'] or '?'} "
                f"via {request['sent_via'] or '?'} (state {request['state']})",
                "Use --force to record a different sending (the earlier one stays in the events).")
        replaces = {k: request[k] for k in ("state", "sent_via", "sent_on", "their_reference")}
    reference = (their_reference or "").strip() or None
    if reference and any(ord(ch) < 32 for ch in reference):
        raise FoiError("--ref may not contain line breaks or control characters")
    return MarkSentPlan(request, found["name"], via, day.isoformat(), reference, replaces)


def sent_at(sent_on: str, now: str) -> str:
    """When the request went: the moment it was recorded if that was the day it was sent,
    else the start of the day sent (a portal form or a letter sent earlier is dated by
    --on, never by the day someone typed it in)."""
    recorded = dt.datetime.fromisoformat(now)
    if recorded.tzinfo is not None and london_date(recorded).isoformat() == sent_on:
        return now
    return timestamp_or_start_of(sent_on, None)


def apply_mark_sent(db: Database, plan: MarkSentPlan, *, now: str) -> dict:
    """Start the clock: state awaiting_response, sent_on = day 0, and an event."""
    changes = {"sent_via": plan.via, "sent_on": plan.sent_on, "sent_at": sent_at(plan.sent_on, now)}
    if plan.their_reference:
        changes["their_reference"] = plan.their_reference
    details: dict[str, object] = {"via": plan.via, "their_reference": plan.their_reference, "recorded_by": "mark-sent"}
    if plan.replaces:
        details["replaces"] = plan.replaces
    return apply_transition(db, plan.request, RequestState.AWAITING_RESPONSE, source=Source.MARK_SENT,
                            when=now, on=plan.sent_on, event=EventKind.SENT, details=details,
                            changes=changes, actor="user")
