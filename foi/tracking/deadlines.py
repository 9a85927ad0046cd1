"""Where a request's due date comes from: day 0 plus the events of the case.

The one place a due date is worked out: `foi status`, the exports, the report,
`foi chase` and the letters all ask request_deadlines() (or due_date()), and
none is stored, so adding a holiday moves every one of them at once.

compute_deadline() and what it calls are pure functions over a Calendar; the
functions at the end read a case's day 0 and events from the database. The
rules (FOI_RULES in the README):
- the request is received on day 0; the answer is due by the end of working day 20,
  very overdue after working day 40;
- clarification asked (s.1(3)): the clock stops; when we answer, 20 working days
  start afresh from our answer;
- fees notice (s.9/s.10(2)): working days from the notice to the payment are disregarded;
- public-interest extension (s.10(3)): the date the council gave, else 20 further
  working days;
- internal review requested: due in 20 working days, very late after 40.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from foi.dbread import Queries
from foi.output import plural
from foi.tracking.workdays import (
    DUE_DAYS,
    VERY_OVERDUE_DAYS,
    Calendar,
    build_calendar,
    load_user_days,
    timeline_lines,
)
from foi.vocabulary import (
    RECORDED_CLOCK_EVENTS,
    RESPONSE_KINDS,
    TRIAGE_EVENTS,
    ClockEvent,
    MessageKind,
)

CLARIFICATION_REQUESTED = ClockEvent.CLARIFICATION_REQUESTED
CLARIFICATION_GIVEN = ClockEvent.CLARIFICATION_GIVEN
FEE_NOTICE = ClockEvent.FEE_NOTICE
FEE_PAID = ClockEvent.FEE_PAID
EXTENSION = ClockEvent.EXTENSION
RESPONSE = ClockEvent.RESPONSE
REVIEW_REQUESTED = ClockEvent.REVIEW_REQUESTED
REVIEW_ANSWERED = ClockEvent.REVIEW_ANSWERED

# What a classified reply from the council means for the clock.
CLOCK_EVENT_FOR_CLASSIFICATION: dict[str, ClockEvent] = {
    MessageKind.CLARIFICATION: CLARIFICATION_REQUESTED,
    MessageKind.FEE: FEE_NOTICE,
    MessageKind.EXTENSION: EXTENSION,
    **dict.fromkeys(RESPONSE_KINDS, RESPONSE),
}

# Events on the same day apply in this order (the enum's).
CLOCK_EVENTS = tuple(ClockEvent)


@dataclass(frozen=True)
class CaseEvent:
    kind: str
    on: dt.date
    due: dt.date | None = None  # a date the council gave (extension)
    note: str = ""


@dataclass
class CaseDeadline:
    """The dates of one request as of `today`, with the reasoning behind them."""

    day0: dt.date
    clock_start: dt.date
    due: dt.date | None
    very_overdue_after: dt.date | None
    stopped_since: dt.date | None = None
    stopped_reason: str = ""
    responded_on: dt.date | None = None
    review_requested_on: dt.date | None = None
    review_due: dt.date | None = None
    review_very_late_after: dt.date | None = None
    review_responded_on: dt.date | None = None
    days_elapsed: int = 0
    days_overdue: int = 0
    review_days_elapsed: int = 0
    review_days_overdue: int = 0
    review_very_late: bool = False
    overdue: bool = False  # past the due date (from the next calendar day)
    very_overdue: bool = False
    narrative: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def compute_deadline(calendar: Calendar, day0: dt.date, events: list[CaseEvent],
                     today: dt.date) -> CaseDeadline:
    """Follow the case's events in date order and work out where the clock stands."""
    case = CaseDeadline(day0=day0, clock_start=day0,
                        due=calendar.add_working_days(day0, DUE_DAYS),
                        very_overdue_after=calendar.add_working_days(day0, VERY_OVERDUE_DAYS))
    case.narrative.append(f"{day0}  request received (day 0); due {case.due} (working day 20)")
    for event in sorted(events, key=lambda e: (e.on, CLOCK_EVENTS.index(e.kind) if e.kind in CLOCK_EVENTS else 99)):
        _apply(calendar, case, event)
    _measure(calendar, case, today)
    for end in (case.due, case.review_due):
        if end:
            case.warnings.extend(w for w in calendar.warnings(end) if w not in case.warnings)
    return case


def _apply(calendar: Calendar, case: CaseDeadline, event: CaseEvent) -> None:
    say = case.narrative.append
    if event.kind == CLARIFICATION_REQUESTED and case.responded_on is None:
        case.stopped_since, case.stopped_reason = event.on, "clarification requested"
        case.due = case.very_overdue_after = None
        say(f"{event.on}  council asked for clarification (s.1(3)): the clock stops")
    elif event.kind == CLARIFICATION_GIVEN and case.responded_on is None:
        case.stopped_since, case.stopped_reason = None, ""
        case.clock_start = event.on
        case.due = calendar.add_working_days(event.on, DUE_DAYS)
        case.very_overdue_after = calendar.add_working_days(event.on, VERY_OVERDUE_DAYS)
        say(f"{event.on}  clarification sent: 20 working days start afresh (day 0); due {case.due}")
    elif event.kind == FEE_NOTICE and case.responded_on is None:
        case.stopped_since, case.stopped_reason = event.on, "fees notice unpaid"
        say(f"{event.on}  fees notice (s.9): days until payment are disregarded")
    elif event.kind == FEE_PAID and case.stopped_reason == "fees notice unpaid" and case.stopped_since:
        paused = calendar.working_days_between(case.stopped_since, event.on)
        case.stopped_since, case.stopped_reason = None, ""
        if case.due and case.very_overdue_after:
            case.due = calendar.add_working_days(case.due, paused)
            case.very_overdue_after = calendar.add_working_days(case.very_overdue_after, paused)
        say(f"{event.on}  fee paid: {plural(paused, 'working day')} disregarded; due {case.due}")
    elif event.kind == EXTENSION and case.responded_on is None and case.due:
        given = event.due
        case.due = given or calendar.add_working_days(case.due, DUE_DAYS)
        case.very_overdue_after = max(case.very_overdue_after or case.due, case.due)
        how = "the date the council gave" if given else "20 further working days"
        say(f"{event.on}  public-interest extension (s.10(3)): due {case.due} ({how})")
    elif event.kind == RESPONSE and case.review_requested_on and case.review_responded_on is None \
            and event.on >= case.review_requested_on:
        # The council's next substantive reply after a review request is the review's answer.
        case.review_responded_on = event.on
        say(f"{event.on}  internal review answered")
    elif event.kind == RESPONSE and case.responded_on is None:
        case.responded_on = event.on
        late = ""
        if case.due and event.on > case.due:
            late = f", {plural(calendar.working_days_between(case.due, event.on), 'working day')} late"
        say(f"{event.on}  council responded{late}")
    elif event.kind == REVIEW_REQUESTED:
        case.review_requested_on = event.on
        case.review_responded_on = None
        case.review_due = calendar.add_working_days(event.on, DUE_DAYS)
        case.review_very_late_after = calendar.add_working_days(event.on, VERY_OVERDUE_DAYS)
        say(f"{event.on}  internal review requested: due {case.review_due}, "
            f"very late after {case.review_very_late_after}")
    elif event.kind == REVIEW_ANSWERED and case.review_requested_on:
        case.review_responded_on = event.on
        say(f"{event.on}  internal review answered")


def _measure(calendar: Calendar, case: CaseDeadline, today: dt.date) -> None:
    end = case.responded_on or case.stopped_since or today
    case.days_elapsed = max(0, calendar.working_days_between(case.clock_start, min(end, today)))
    if case.responded_on is None and case.stopped_since is None and case.due and today > case.due:
        case.overdue = True
        case.days_overdue = calendar.working_days_between(case.due, today)
        case.very_overdue = case.very_overdue_after is not None and today > case.very_overdue_after
    if case.review_requested_on and case.review_due:
        review_end = min(case.review_responded_on or today, today)
        case.review_days_elapsed = max(0, calendar.working_days_between(case.review_requested_on, review_end))
    if case.review_due and case.review_responded_on is None and today > case.review_due:
        case.review_days_overdue = calendar.working_days_between(case.review_due, today)
        case.review_very_late = case.review_very_late_after is not None and today > case.review_very_late_after


def explain_case(calendar: Calendar, case: CaseDeadline) -> list[str]:
    """The narrative, then every day of the current count with skipped days and reasons."""
    lines = ["Timeline:"] + [f"  {line}" for line in case.narrative]
    if case.stopped_since:
        lines.append(f"  The clock is stopped since {case.stopped_since} ({case.stopped_reason}).")
        return lines
    if case.due:
        count = calendar.working_days_between(case.clock_start, case.due)
        lines.append(f"Working days from {case.clock_start} (day 0) to {case.due}:")
        lines += [f"  {line}" for line in timeline_lines(calendar.explain(case.clock_start, count))]
    return lines


# ---- a case as the database records it -----------------------------------------------


def campaign_calendar(db: Queries) -> Calendar:
    """The UK working-day calendar with the days added to this database."""
    return build_calendar(load_user_days(db))


def load_case_events(db: Queries, request_ids: list[int] | None = None) -> dict[int, list[CaseEvent]]:
    """The clock-moving events of each request, from the audit trail.

    Two sources: events recorded as such (a clarification we sent, a fee paid, a
    review requested), and triage's record of each classified message, read
    through CLOCK_EVENT_FOR_CLASSIFICATION; for a message triaged more than once
    only its latest classification counts.
    """
    triage_kinds = TRIAGE_EVENTS
    kinds = RECORDED_CLOCK_EVENTS + triage_kinds
    sql = (f"SELECT id, request_id, kind, occurred_on, message, details FROM events "
           f"WHERE kind IN ({', '.join('?' * len(kinds))})")
    params: list = list(kinds)
    if request_ids is not None:
        sql += f" AND request_id IN ({', '.join('?' * len(request_ids))})"
        params += request_ids
    latest_per_message: dict[int, dict] = {}
    rows = []
    for row in db.query(sql + " ORDER BY id", params):
        if row["kind"] in triage_kinds:
            if row["message"] is not None:
                latest_per_message[row["message"]] = row
        else:
            rows.append(row)
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for row in rows + list(latest_per_message.values()):
        details = json.loads(row["details"] or "{}")
        kind = row["kind"]
        if kind in triage_kinds:
            kind = CLOCK_EVENT_FOR_CLASSIFICATION.get(details.get("classification"))
            if kind is None:
                continue
        due = details.get("due") or details.get("due_date")
        events[row["request_id"]].append(CaseEvent(
            kind, dt.date.fromisoformat(row["occurred_on"][:10]),
            dt.date.fromisoformat(due) if due else None, details.get("note") or ""))
    return events


def request_deadlines(db: Queries, requests: list[dict], today: dt.date,
                      calendar: Calendar | None = None) -> dict[int, CaseDeadline]:
    """request id -> its deadline as of `today`, for each request that was sent
    (sent_on is day 0); a draft has none."""
    sent = [r for r in requests if r.get("sent_on")]
    if not sent:
        return {}
    calendar = calendar or campaign_calendar(db)
    events = load_case_events(db, [r["id"] for r in sent])
    return {r["id"]: compute_deadline(calendar, dt.date.fromisoformat(r["sent_on"]), events.get(r["id"], []), today)
            for r in sent}


def due_date(db: Queries, request: dict, today: dt.date) -> dt.date | None:
    """The request's due date as it stands (None before it is sent, or while the
    clock is stopped)."""
    deadline = request_deadlines(db, [request], today).get(request["id"])
    return deadline.due if deadline else None
