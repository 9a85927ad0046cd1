"""What each page shows, gathered from the library functions the CLI uses (no rule is
decided here): foi.tracking.status for the counts and deadlines, foi.extract.review for
what a person must confirm, foi.triage.inbox for the unmatched mail."""

import datetime as dt
import json
from pathlib import Path

from sqlite_utils import Database

from foi.errors import FoiError
from foi.extract.review import review_campaign
from foi.tracking.deadlines import campaign_calendar, explain_case
from foi.tracking.status import status_rows, summarise
from foi.triage.inbox import find_request, list_messages
from foi.web.sources import source_fragment


def campaigns(db: Database) -> list[dict]:
    return list(db.query("SELECT slug, title FROM campaigns ORDER BY created_at, slug"))


def today_page(db: Database, today: dt.date, since: str | None = None) -> dict:
    """Per campaign: the counts by state, the overdue and very overdue requests, what is
    to review; then how many received messages are not filed under any request, and the
    messages stored after `since` (the last visit), if given."""
    shown = []
    for campaign in campaigns(db):
        rows = status_rows(db, campaign["slug"], today)
        late = sorted((row for row in rows if row.overdue), key=lambda row: -row.days_overdue)
        counts = review_campaign(db, campaign["slug"])["counts"]
        shown.append({**campaign, "summary": summarise(rows), "overdue": late, "review": counts})
    return {"campaigns": shown, "unmatched": len(list_messages(db, unmatched=True)),
            "since": since, "arrived": arrived_since(db, since) if since else []}


def arrived_since(db: Database, since: str) -> list[dict]:
    """Messages stored after the moment `since` (ISO-8601 with offset), oldest first."""
    return list(db.query(
        "SELECT m.id, m.subject, m.from_addr, m.stored_at, r.reference, b.name AS body_name FROM messages m "
        "LEFT JOIN requests r ON r.id = m.request_id LEFT JOIN bodies b ON b.code = r.body_code "
        "WHERE julianday(m.stored_at) > julianday(?) ORDER BY m.stored_at, m.id", [since]))


def review_page(db: Database, slug: str, body: str | None, blobs: Path) -> dict:
    """One council's values to confirm (the rows `foi review --json` gives), each with its
    source (foi.web.sources: the table with the cell marked, or the sentence), and the
    councils with anything to review, for moving on to the next."""
    report = review_campaign(db, slug)  # FoiError for a campaign not in the database
    with_values = [group for group in report["councils"] if any(reply["places"] for reply in group["replies"])]
    current = next((g for g in with_values if g["body"] == body), with_values[0] if with_values else None)
    values = [dict(v, answers=[(r, answer_for(r)) for r in v["readings"]], source=source_fragment(db, blobs, v))
              for v in report["values"] if current and v["body"] == current["body"]]
    position = with_values.index(current) if current else 0
    following = with_values[position + 1] if position + 1 < len(with_values) else None
    return {"slug": slug, "council": current, "queue": values, "councils": with_values,
            "next": following, "counts": report["counts"]}


def answer_for(reading: dict) -> str | None:
    """A candidate reading as it would be typed to `foi answer`: its figure, its
    suppressed text ('<5'), 'not held' or 'refused:SECTION'; None when it says no value."""
    status, figure = reading["status"], reading["reading"]
    if status == "answered" and figure:
        return figure
    if status == "suppressed":
        return reading["raw"]
    if status == "not_held":
        return "not held"
    if status == "refused":
        return f"refused:{figure}" if figure else "refused"
    return None


def inbox_page(db: Database) -> list[dict]:
    """The unmatched messages, each with its ranked guesses and why (as `foi inbox --unmatched`)."""
    return list_messages(db, unmatched=True)


def request_page(db: Database, reference: str, today: dt.date) -> dict:
    """One request: its row, the deadline explanation (`foi deadline SLUG BODY`), the
    timeline of messages in and out and events, each message's text and attachments,
    and the values in force."""
    request = find_request(db, reference)
    row = status_rows(db, request["campaign"], today, body_codes=[request["body_code"]])[0]
    deadline = explain_case(campaign_calendar(db), row.deadline) if row.deadline is not None else []
    messages = list(db.query("SELECT id, date, stored_at, from_addr, subject, body_text, classification "
                             "FROM messages WHERE request_id = ? ORDER BY coalesce(date, stored_at), id",
                             [request["id"]]))
    for message in messages:
        message["attachments"] = list(db.query(
            "SELECT id, filename, size, sha256, note FROM attachments WHERE message = ? ORDER BY parent, position",
            [message["id"]]))
    timeline = [(m["date"] or m["stored_at"], "in", m["subject"] or "(no subject)",
                 (m["classification"] or "").replace("_", " "), m["id"]) for m in messages]
    timeline += [(o["sent_at"] or o["created_at"], "out", o["subject"], f"{o['kind']}, {o['state']}", None)
                 for o in db.query("SELECT * FROM outgoing WHERE request_id = ?", [request["id"]])]
    timeline += [(e["occurred_on"], "event", e["kind"].replace("_", " "), describe_event(e["details"]), None)
                 for e in db.query("SELECT * FROM events WHERE request_id = ?", [request["id"]])]
    values = list(db.query(
        "SELECT v.question_id, v.period, v.status, v.value, v.value_raw, v.lower_bound, v.upper_bound, "
        "v.refusal_section, v.method, v.source_file, v.source_location, v.note, v.decided_by, v.created_at "
        "FROM answer_values v "
        "JOIN questions q ON q.campaign = ? AND q.id = v.question_id "
        "JOIN periods p ON p.campaign = ? AND p.period = v.period "
        "WHERE v.request_id = ? AND v.current = 1 ORDER BY q.position, p.position",
        [request["campaign"], request["campaign"], request["id"]]))
    return {"request": request, "status": row, "deadline": deadline, "messages": messages,
            "timeline": sorted(timeline, key=lambda item: item[0] or ""), "figures": values}


def describe_event(details: str | None) -> str:
    """An event's details as "key: value" pairs (the evidence of a state change)."""
    try:
        found = json.loads(details or "{}")
    except ValueError:
        return details or ""
    if not isinstance(found, dict):
        return str(found)
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in found.items())


def attachment(db: Database, attachment_id: int) -> dict:
    row = next(db.query("SELECT id, filename, sha256 FROM attachments WHERE id = ?", [attachment_id]), None)
    if row is None or not row["sha256"]:
        raise FoiError(f"No attachment {attachment_id}")
    return row
