"""Where every request of a campaign stands today: the rows of `foi status`."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

from foi.campaign.campaigns import get_campaign
from foi.dbread import Queries
from foi.tracking.deadlines import CaseDeadline, campaign_calendar, request_deadlines
from foi.tracking.ics import DueEvent
from foi.tracking.workdays import Calendar
from foi.vocabulary import CHASE_KINDS, WAITING_STATES, MessageKind, OutgoingState, RequestState

STATUS_COLUMNS = ["body_code", "body_name", "region", "state", "sent_on", "due_date",
                  "days_elapsed", "overdue", "days_overdue", "very_overdue", "last_message_at",
                  "their_reference", "chases", "reference", "review_requested_on", "review_due"]


@dataclass
class StatusRow:
    request_id: int
    reference: str
    body_code: str
    body_name: str
    region: str | None
    type: str | None
    email: str | None
    state: str
    sent_on: str | None
    last_message_at: str | None
    their_reference: str | None
    chases: int
    last_chase_on: str | None
    deadline: CaseDeadline | None

    @property
    def waiting(self) -> bool:
        return self.state in WAITING_STATES

    @property
    def in_review(self) -> bool:
        """An internal review was asked for and is not answered yet: the row follows
        the review's own clock (20 working days from the request, very late after 40)."""
        return bool(self.deadline and self.deadline.review_due and self.deadline.review_responded_on is None
                    and self.state == RequestState.INTERNAL_REVIEW)

    @property
    def due(self) -> dt.date | None:
        """The date the council's next answer is due: the review's while one is open."""
        if self.deadline is None:
            return None
        return self.deadline.review_due if self.in_review else self.deadline.due

    @property
    def days_elapsed(self) -> int | None:
        if self.deadline is None:
            return None
        return self.deadline.review_days_elapsed if self.in_review else self.deadline.days_elapsed

    @property
    def overdue(self) -> bool:
        if self.in_review:
            return bool(self.deadline and self.deadline.review_days_overdue > 0)
        return bool(self.deadline and self.waiting and self.deadline.overdue)

    @property
    def days_overdue(self) -> int:
        if self.deadline and self.in_review:
            return self.deadline.review_days_overdue
        return self.deadline.days_overdue if (self.deadline and self.waiting) else 0

    @property
    def very_overdue(self) -> bool:
        if self.in_review:
            return bool(self.deadline and self.deadline.review_very_late)
        return bool(self.deadline and self.waiting and self.deadline.very_overdue)

    def as_dict(self) -> dict:
        d = self.deadline
        return {
            "body_code": self.body_code, "body_name": self.body_name, "region": self.region,
            "state": self.state, "sent_on": self.sent_on,
            "due_date": str(self.due) if self.due else None,
            "days_elapsed": self.days_elapsed,
            "overdue": self.overdue, "days_overdue": self.days_overdue, "very_overdue": self.very_overdue,
            "last_message_at": self.last_message_at, "their_reference": self.their_reference,
            "chases": self.chases, "reference": self.reference,
            "review_requested_on": str(d.review_requested_on) if d and d.review_requested_on else None,
            "review_due": str(d.review_due) if d and d.review_due else None,
        }


def status_rows(db: Queries, slug: str, today: dt.date, calendar: Calendar | None = None,
                body_codes: list[str] | None = None) -> list[StatusRow]:
    """One row per request of the campaign, with its deadline as of `today`."""
    get_campaign(db, slug)
    calendar = calendar or campaign_calendar(db)
    kinds = ", ".join(f"'{kind}'" for kind in CHASE_KINDS)
    sent = f"'{OutgoingState.SENT}'"
    sql = f"""
        SELECT r.*, b.name AS body_name, b.region, b.type,
          (SELECT count(*) FROM outgoing o WHERE o.request_id = r.id AND o.state = {sent}
             AND o.kind IN ({kinds})) AS chases,
          (SELECT max(substr(o.sent_at, 1, 10)) FROM outgoing o WHERE o.request_id = r.id
             AND o.state = {sent} AND o.kind IN ({kinds})) AS last_chase_on
        FROM requests r JOIN bodies b ON b.code = r.body_code
        WHERE r.campaign = ?"""
    params: list = [slug]
    if body_codes:
        sql += f" AND r.body_code IN ({', '.join('?' * len(body_codes))})"
        params += [c.upper() for c in body_codes]
    requests = list(db.query(sql + " ORDER BY b.name", params))
    deadlines = request_deadlines(db, requests, today, calendar)
    return [StatusRow(r["id"], r["reference"], r["body_code"], r["body_name"], r["region"], r["type"],
                      r["email"], r["state"], r["sent_on"], r["last_message_at"], r["their_reference"],
                      r["chases"], r["last_chase_on"], deadlines.get(r["id"]))
            for r in requests]


def filter_rows(rows: list[StatusRow], *, overdue: bool = False, very_overdue: bool = False,
                states: tuple[str, ...] = (), regions: tuple[str, ...] = ()) -> list[StatusRow]:
    wanted_regions = {r.lower() for r in regions}
    return [
        row for row in rows
        if (not overdue or row.overdue)
        and (not very_overdue or row.very_overdue)
        and (not states or row.state in states)
        and (not wanted_regions or (row.region or "").lower() in wanted_regions)
    ]


def summarise(rows: list[StatusRow]) -> dict:
    """Counts by state, plus the overdue and very overdue among those waiting."""
    by_state = Counter(row.state for row in rows)
    return {
        "requests": len(rows),
        "by_state": dict(sorted(by_state.items())),
        "overdue": sum(1 for row in rows if row.overdue),
        "very_overdue": sum(1 for row in rows if row.very_overdue),
    }


def due_events(rows: list[StatusRow], slug: str) -> list:
    """Calendar events: each request's due date and very-overdue date, and review dates."""
    events = []
    for row in rows:
        d = row.deadline
        if d is None:
            continue
        about = f"{row.body_name} ({row.reference}), campaign {slug}"
        if d.due and d.very_overdue_after and d.responded_on is None:
            events.append(DueEvent(f"{row.reference}-due@foi", d.due, f"FOI due: {row.body_name} {row.reference}",
                                   f"Reply due by the end of this day (working day 20 from {d.clock_start}): {about}."))
        if d.very_overdue_after and d.responded_on is None:
            events.append(DueEvent(f"{row.reference}-very-overdue@foi", d.very_overdue_after,
                                   f"FOI very overdue after today: {row.body_name} {row.reference}",
                                   f"Working day 40: after this day the request is very overdue: {about}."))
        if d.review_due and d.review_responded_on is None:
            events.append(DueEvent(f"{row.reference}-review-due@foi", d.review_due,
                                   f"Internal review due: {row.body_name} {row.reference}",
                                   f"Internal review requested {d.review_requested_on}; "
                                   f"due (20 working days): {about}."))
    return sorted(events, key=lambda e: (e.date, e.uid))


def download_links(db: Queries, slug: str) -> list[dict]:
    """Requests answered only with a link (state link_only), each with the links of the
    council's latest such reply: the answer is there to download (then `foi attach`)."""
    sql = """
        SELECT r.body_code, r.reference, b.name AS body_name,
          (SELECT m.classification_evidence FROM messages m WHERE m.request_id = r.id
             AND m.classification = ? ORDER BY coalesce(m.date, m.received_at) DESC, m.id DESC LIMIT 1) AS evidence
        FROM requests r JOIN bodies b ON b.code = r.body_code
        WHERE r.campaign = ? AND r.state = ? ORDER BY b.name"""
    found = []
    for row in db.query(sql, [MessageKind.LINK_ONLY, slug, RequestState.LINK_ONLY]):
        try:
            links = json.loads(row.pop("evidence") or "{}").get("links") or []
        except ValueError:
            links = []
        found.append({**row, "links": [str(link) for link in links]})
    return found


def waiting_in_outbox(db: Queries, slug: str) -> dict[str, int]:
    """{kind: how many}: messages written into outbox/ (no mail server set up) and not sent
    since. Nobody received them, so their requests keep their state and no deadline runs."""
    sql = """
        SELECT o.kind, count(*) AS n FROM outgoing o JOIN requests r ON r.id = o.request_id
        WHERE r.campaign = ? AND o.state = 'draft' AND o.transport = 'outbox' GROUP BY o.kind"""
    return {row["kind"]: row["n"] for row in db.query(sql, [slug])}
