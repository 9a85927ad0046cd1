"""Recording by hand the clock events that no message of ours or theirs records:
a fee paid (`foi fee-paid`) and an internal review answered (`foi reviewed`).

Each is a plan (from the database alone: that is --dry-run, with the due dates
before and after) and an apply that goes through the state machine.

- Fee paid (s.10(2)): the working days from the fees notice to the payment are
  disregarded, so the due date moves on by that many; the request waits for its
  answer again (fee_requested -> awaiting_response) and becomes overdue after
  the new date. Until a payment is recorded the clock stays stopped and the
  request is never overdue.
- Internal review answered: the review's 20 working days stop counting; the
  state follows the outcome (upheld: back to where the review started from,
  the council's refusal standing; overturned: answered; partly: answered_partial).
"""

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from foi.campaign.campaigns import get_campaign
from foi.errors import FoiError
from foi.register.councils import find_body
from foi.tracking.deadlines import (
    CaseDeadline,
    CaseEvent,
    campaign_calendar,
    compute_deadline,
    load_case_events,
)
from foi.tracking.states import REVIEW_OUTCOME_STATES, Source, apply_transition
from foi.vocabulary import ClockEvent, EventKind, RequestState

# --outcome of `foi reviewed` -> the state the request moves to (None: the
# state it had when the review was asked for).
REVIEW_OUTCOMES: dict[str, RequestState | None] = {
    "upheld": None, "overturned": RequestState.ANSWERED, "partly": RequestState.ANSWERED_PARTIAL,
}


@dataclass
class ClockEventPlan:
    request: dict
    body_name: str
    event: ClockEvent
    on: str
    to_state: str
    details: dict
    before: CaseDeadline
    after: CaseDeadline

    @property
    def source(self) -> Source:
        return Source.FEE_PAID if self.event == ClockEvent.FEE_PAID else Source.REVIEW_ANSWERED


def parse_day(text: str, *, today: dt.date, option: str = "--on") -> dt.date:
    """A YYYY-MM-DD date that is not in the future."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FoiError(f"{option} {text!r} is not a date", f"Use YYYY-MM-DD, e.g. {option} 2026-03-02.") from None
    if day > today:
        raise FoiError(f"{option} {day} is in the future (today is {today})",
                       "Record what has happened, once it has happened.")
    return day


def plan_fee_paid(db: Database, slug: str, body: str, *, on: str, today: dt.date,
                  note: str | None = None) -> ClockEventPlan:
    """What recording the fee as paid on `on` would change. Refused unless the clock
    is stopped by an unpaid fees notice from on or before that day."""
    request, body_name = _sent_request(db, slug, body)
    day = parse_day(on, today=today)
    before = _deadline(db, request, today)
    if before.stopped_reason != "fees notice unpaid" or before.stopped_since is None:
        paid = "; a payment is already recorded" if _has_event(db, request, ClockEvent.FEE_PAID) else ""
        raise FoiError(f"{request['reference']} ({body_name}) has no unpaid fees notice{paid}",
                       "A fees notice is recorded when the council's reply is classified 'fee' (`foi inbox`).")
    if day < before.stopped_since:
        raise FoiError(f"--on {day} is before the fees notice of {before.stopped_since}")
    to_state = (RequestState.AWAITING_RESPONSE if request["state"] == RequestState.FEE_REQUESTED
                else request["state"])
    details = {"note": note or "fee paid", "fees_notice_on": before.stopped_since.isoformat()}
    return _plan(db, request, body_name, ClockEvent.FEE_PAID, day, to_state, details, before, today)


def plan_review_answered(db: Database, slug: str, body: str, *, on: str, today: dt.date,
                         outcome: str | None = None, note: str | None = None) -> ClockEventPlan:
    """What recording the internal review as answered on `on` would change. Refused
    unless a review was asked for, on or before that day, and is not answered yet."""
    if outcome is not None and outcome not in REVIEW_OUTCOMES:
        raise FoiError(f"--outcome {outcome!r}: use one of {', '.join(REVIEW_OUTCOMES)}")
    request, body_name = _sent_request(db, slug, body)
    day = parse_day(on, today=today)
    before = _deadline(db, request, today)
    if before.review_requested_on is None:
        raise FoiError(f"{request['reference']} ({body_name}) has no internal review requested",
                       "An internal review is recorded when `foi chase --stage review` sends one.")
    if before.review_responded_on is not None:
        raise FoiError(f"{request['reference']} ({body_name}): the internal review was answered "
                       f"on {before.review_responded_on}")
    if day < before.review_requested_on:
        raise FoiError(f"--on {day} is before the review was requested ({before.review_requested_on})")
    to_state: str = REVIEW_OUTCOMES.get(outcome or "upheld") or _state_before_review(db, request)
    if request["state"] != RequestState.INTERNAL_REVIEW:  # moved on since (by hand or by a reply)
        to_state = request["state"]
    details = {"outcome": outcome, "note": note or "internal review answered"}
    return _plan(db, request, body_name, ClockEvent.REVIEW_ANSWERED, day, to_state, details, before, today)


def apply_clock_event(db: Database, plan: ClockEventPlan, *, now: str) -> dict:
    """Record the event and move the state (one transaction); returns the request."""
    return apply_transition(db, plan.request, plan.to_state, source=plan.source, when=now, on=plan.on,
                            event=EventKind(plan.event), details=plan.details, actor="user")


def _plan(db: Database, request: dict, body_name: str, event: ClockEvent, day: dt.date, to_state: str,
          details: dict, before: CaseDeadline, today: dt.date) -> ClockEventPlan:
    after = _deadline(db, request, today, CaseEvent(event, day, None, details["note"]))
    return ClockEventPlan(request, body_name, event, day.isoformat(), to_state, details, before, after)


def _sent_request(db: Database, slug: str, body: str) -> tuple[dict, str]:
    get_campaign(db, slug)
    found = find_body(db, body)
    request = next(db.query("SELECT * FROM requests WHERE campaign = ? AND body_code = ?",
                            [slug, found["code"]]), None)
    if request is None:
        raise FoiError(f"Campaign {slug!r} has no request to {found['name']} ({found['code']})")
    if not request["sent_on"]:
        raise FoiError(f"{request['reference']} ({found['name']}) has not been sent",
                       "Its clock starts with `foi send` or `foi mark-sent`.")
    return request, found["name"]


def _deadline(db: Database, request: dict, today: dt.date, extra: CaseEvent | None = None) -> CaseDeadline:
    events = load_case_events(db, [request["id"]]).get(request["id"], [])
    return compute_deadline(campaign_calendar(db), dt.date.fromisoformat(request["sent_on"]),
                            events + ([extra] if extra else []), today)


def _has_event(db: Database, request: dict, kind: ClockEvent) -> bool:
    return bool(db["events"].count_where("request_id = ? AND kind = ?", [request["id"], kind.value]))


def _state_before_review(db: Database, request: dict) -> str:
    """The state the latest move into internal_review came from (the refusal or
    partial answer under review); internal_review itself if no such move is known."""
    row = next(db.query(
        "SELECT json_extract(details, '$.from') AS state FROM events WHERE request_id = ? "
        "AND json_extract(details, '$.to') = ? AND json_extract(details, '$.from') != ? ORDER BY id DESC LIMIT 1",
        [request["id"], RequestState.INTERNAL_REVIEW.value, RequestState.INTERNAL_REVIEW.value]), None)
    if row and row["state"] in REVIEW_OUTCOME_STATES:
        return row["state"]
    return RequestState.INTERNAL_REVIEW
