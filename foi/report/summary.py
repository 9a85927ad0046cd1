"""The campaign report: one dict that feeds the terminal, --json and the HTML page.

Every share is of ALL recipients of the campaign (every request row), not only of
those that answered, so a reader sees how much of the country a figure covers.
Coverage is read from the `dataset` view, the same rows `foi export --what
dataset` writes, so the report and the export cannot disagree.
"""

import datetime as dt
import functools
import json
import re
import statistics
from collections import Counter, defaultdict

from foi.campaign.campaigns import get_campaign as require_campaign, get_periods
from foi.clock import long_date
from foi.dbread import Queries
from foi.measures.cells import cells_by_question
from foi.measures.compute import compute_cells, measure_coverage, spec_measures
from foi.measures.ranges import OUTLIER_RULE
from foi.output import plural
from foi.reference.store import reference_values
from foi.report.beside import beside
from foi.report.national import national_figures
from foi.tracking.status import StatusRow, campaign_calendar, status_rows, summarise
from foi.tracking.workdays import Calendar
from foi.vocabulary import GIVEN_VALUE_STATUSES, MessageKind, RequestState, ValueStatus, names

VALUE_STATUSES = names(ValueStatus)

# A request counts as acknowledged if a classified message (or the triage's event about
# one) says an acknowledgement arrived, or its state says so; refusal sections are
# gathered from refusals the same two ways.
ACK_CLASSIFICATIONS = (MessageKind.ACKNOWLEDGEMENT,)
ACK_STATES = (RequestState.ACKNOWLEDGED,)
REFUSAL_CLASSIFICATIONS = (MessageKind.REFUSAL,)
UNSPECIFIED_SECTION = "section not recorded"


def acknowledged_request_ids(db: Queries, slug: str) -> set[int]:
    """Requests that ever had an acknowledgement (event, classified message or state)."""
    classes, states = ACK_CLASSIFICATIONS, ACK_STATES
    sql = f"""
        SELECT e.request_id AS id FROM events e JOIN requests r ON r.id = e.request_id
        WHERE r.campaign = ? AND (json_extract(e.details, '$.classification') IN ({_marks(classes)})
              OR json_extract(e.details, '$.to') IN ({_marks(states)}))
        UNION
        SELECT m.request_id FROM messages m JOIN requests r ON r.id = m.request_id
        WHERE r.campaign = ? AND m.classification IN ({_marks(classes)})
        UNION
        SELECT id FROM requests WHERE campaign = ? AND state IN ({_marks(states)})"""
    params = [slug, *classes, *states, slug, *classes, slug, *states]
    return {row["id"] for row in db.query(sql, params)}


def sections_cited_by_request(db: Queries, slug: str) -> dict[int, set[str]]:
    """request id -> FOI sections cited in a refusal (whole request or one answer)."""
    found: dict[int, set[str]] = defaultdict(set)
    classes = REFUSAL_CLASSIFICATIONS
    events = db.query(f"""
        SELECT e.request_id AS id, e.details AS details FROM events e JOIN requests r ON r.id = e.request_id
        WHERE r.campaign = ? AND json_extract(e.details, '$.classification') IN ({_marks(classes)})""",
                      [slug, *classes])
    messages = db.query(f"""
        SELECT m.request_id AS id, m.classification_evidence AS details FROM messages m
        JOIN requests r ON r.id = m.request_id
        WHERE r.campaign = ? AND m.classification IN ({_marks(classes)})""", [slug, *classes])
    for row in [*events, *messages]:
        for section in _json(row["details"]).get("sections") or []:
            found[row["id"]].add(normalise_section(section))
    values = db.query("""
        SELECT v.request_id AS id, v.refusal_section AS section FROM answer_values v
        JOIN requests r ON r.id = v.request_id
        WHERE r.campaign = ? AND v.current = 1 AND v.status = 'refused'""", [slug])
    for row in values:
        found[row["id"]].add(normalise_section(row["section"]) if row["section"] else UNSPECIFIED_SECTION)
    return found


def normalise_section(text: str) -> str:
    """'Section 40(2)', 's 40(2)', 'S.40(2)' -> 's.40(2)'; EIR regulations kept as written."""
    text = " ".join(str(text).split())
    match = re.fullmatch(r"(?i)(?:section|sect\.?|s)\.?\s*(\d+\S*)", text)
    return f"s.{match.group(1).lower()}" if match else text


def _marks(items) -> str:
    return ", ".join("?" * len(items))


def _json(text: str | None) -> dict:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# ---- The report ------------------------------------------------------------------------

def build_report(db: Queries, slug: str, today: dt.date) -> dict:
    """Everything the report shows, as plain JSON-able data."""
    campaign = require_campaign(db, slug)
    # The requests' side (their states and deadlines, counts, first replies) is worked out
    # beside the figures' side, in a forked process on a large campaign.
    with beside(db, functools.partial(requests_side, slug=slug, today=today), _large(db, slug)) as side:
        questions = list(db.query("SELECT id, position, coalesce(title, id) AS title, text, kind FROM questions "
                                  "WHERE campaign = ? ORDER BY position", [slug]))
        periods = get_periods(db, slug)
        cells = dataset_cells(db, slug)
        # The dataset and each reference table are read once, for every measure and estimate.
        answers = cells_by_question(cells)
        reference_of = functools.cache(lambda name: reference_values(db, name))
        measured = [(measure, compute_cells(db, slug, measure, questions=answers, reference_of=reference_of))
                    for measure in spec_measures(campaign)]
        national = national_figures(db, campaign, periods, measured, answers, reference_of)
        rows, requests, firsts, refusals, times = side.result()
    report = {
        "campaign": {"slug": slug, "title": campaign["title"], "prefix": campaign["prefix"]},
        "as_of": str(today),
        "questions": questions,
        "periods": periods,
        "requests": requests,
        "by_state": summarise(rows)["by_state"],
        "refusals_by_section": refusals,
        "coverage": coverage(cells, questions, periods, len(rows)),
        "coverage_by_region": grouped_coverage(cells, rows, questions, periods, "region"),
        "coverage_by_type": grouped_coverage(cells, rows, questions, periods, "type"),
        "headlines": headlines(cells, questions, periods),
        "measures": measure_coverage(measured, periods),
        "response_times": times,
        "responses_over_time": responses_over_time(firsts),
        "councils": council_rows(rows, cells, firsts),
        **national,
    }
    report["councils_with_figures"] = len({c["body_code"] for c in cells
                                           if c["status"] in GIVEN_VALUE_STATUSES})
    # The values `foi review` puts to a person: the same cells, so the two always agree.
    report["needs_review"] = sum(1 for c in cells if c["status"] == ValueStatus.NEEDS_REVIEW)
    report["methodology"] = methodology(report)
    return report


RequestsSide = tuple[list[StatusRow], dict, dict[int, dt.date], dict[str, int], dict]


def requests_side(db: Queries, *, slug: str, today: dt.date) -> RequestsSide:
    """The report's figures about the requests: status rows, counts, first replies,
    refusals by section and response times."""
    rows = status_rows(db, slug, today)
    firsts = first_responses(db, rows)
    return (rows, request_counts(db, slug, rows), firsts, refusal_counts(db, slug),
            response_times(campaign_calendar(db), rows, firsts))


# From this many requests the requests' side of a report is worked out in a process of its
# own (a tenth of a second at ten times the model campaign); below, the fork costs more.
BESIDE_FROM = 500


def _large(db: Queries, slug: str) -> bool:
    return db.execute("SELECT count(*) FROM requests WHERE campaign = ?", [slug]).fetchone()[0] >= BESIDE_FROM


def dataset_cells(db: Queries, slug: str) -> list[dict]:
    """The campaign's rows of the dataset view, with the body type for grouping: the
    columns the report uses (the view's source columns cost a join it then skips)."""
    return list(db.query("""
        SELECT d.body_code, d.region, d.question_id, d.period, d.value, d.value_raw, d.status, d.lower_bound,
               d.upper_bound, b.type AS body_type
        FROM dataset d JOIN bodies b ON b.code = d.body_code
        WHERE d.campaign = ?""", [slug]))


def request_counts(db: Queries, slug: str, rows: list[StatusRow]) -> dict:
    addressed = {r["code"] for r in db.query("""
        SELECT r.body_code AS code FROM requests r JOIN bodies b ON b.code = r.body_code
        WHERE r.campaign = ? AND coalesce(nullif(r.email, ''), nullif(b.foi_email, '')) IS NOT NULL""",
                                             [slug])}
    acknowledged = acknowledged_request_ids(db, slug)
    sent = [row for row in rows if row.sent_on]
    sent_on = [row.sent_on for row in rows if row.sent_on]
    state = Counter(row.state for row in rows)
    return {
        "recipients": len(rows),
        "with_address": sum(1 for row in rows if row.body_code in addressed),
        "no_address": sum(1 for row in rows if row.body_code not in addressed),
        "sent": len(sent),
        "delivered": sum(1 for row in sent if row.state != "bounced"),
        "acknowledged": sum(1 for row in rows if row.request_id in acknowledged),
        "answered": state["answered"],
        "answered_partial": state["answered_partial"],
        "refused": state["refused"],
        "not_held": state["not_held"],
        "clarification_pending": state["awaiting_clarification"],
        "overdue": sum(1 for row in rows if row.overdue),
        "very_overdue": sum(1 for row in rows if row.very_overdue),
        "bounced": state["bounced"],
        "first_sent_on": min(sent_on, default=None),
        "last_sent_on": max(sent_on, default=None),
    }


def refusal_counts(db: Queries, slug: str) -> dict[str, int]:
    """Requests citing each section, in a whole refusal or for one answer; a refused
    request with no section recorded is counted as such."""
    sections = sections_cited_by_request(db, slug)
    refused = [r["id"] for r in db.query("SELECT id FROM requests WHERE campaign = ? AND state = 'refused'",
                                         [slug])]
    for request_id in refused:
        if not sections.get(request_id):
            sections[request_id] = {UNSPECIFIED_SECTION}
    counts = Counter(s for cited in sections.values() for s in cited)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], _section_key(item[0]))))


def _section_key(section: str) -> tuple:
    digits = re.findall(r"\d+", section)
    return (int(digits[0]) if digits else 999, section)


def _counts_and_shares(statuses: list[str], denominator: int) -> dict:
    """Counts by status; shares of the cells asked (`asked`): a cell not asked (a question
    or period added after the request went out) is counted apart, its share of all."""
    counts = Counter(statuses)
    ordered = {s: counts[s] for s in VALUE_STATUSES}
    asked = denominator - ordered[ValueStatus.NOT_ASKED]
    shares = {s: share(n, denominator if s == ValueStatus.NOT_ASKED else asked) for s, n in ordered.items()}
    return {"counts": ordered, "shares": shares, "asked": asked}


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def coverage(cells: list[dict], questions: list[dict], periods: list[str], recipients: int) -> list[dict]:
    """Per question and period: how many recipients are in each status."""
    by_key = defaultdict(list)
    for cell in cells:
        by_key[(cell["question_id"], cell["period"])].append(cell["status"])
    return [{"question_id": q["id"], "period": p, "recipients": recipients,
             **_counts_and_shares(by_key[(q["id"], p)], recipients)}
            for q in questions for p in periods]


def not_asked_cells(report: dict) -> int:
    """How many cells were never asked: a question or period added after requests went out."""
    return sum(c["counts"][ValueStatus.NOT_ASKED] for c in report["coverage"])


def grouped_coverage(cells: list[dict], rows: list[StatusRow], questions: list[dict],
                     periods: list[str], attribute: str) -> list[dict]:
    """The coverage again for each region (or council type): per cell and over all cells."""
    groups: dict[str, list[StatusRow]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, attribute) or "unknown"].append(row)
    column = "region" if attribute == "region" else "body_type"
    cells_of: dict[str, list[dict]] = defaultdict(list)
    for cell in cells:
        cells_of[cell[column] or "unknown"].append(cell)
    result = []
    for name in sorted(groups):
        members = groups[name]
        mine = cells_of[name]
        overall = _counts_and_shares([c["status"] for c in mine], len(members) * len(questions) * len(periods))
        result.append({"group": name, "recipients": len(members), "overall": overall,
                       "cells": coverage(mine, questions, periods, len(members))})
    return result


def headlines(cells: list[dict], questions: list[dict], periods: list[str]) -> list[dict]:
    """Totals of count questions over the councils that answered, suppressed values apart."""
    out = []
    by_key = defaultdict(list)
    for cell in cells:
        by_key[(cell["question_id"], cell["period"])].append(cell)
    for q in (q for q in questions if q["kind"] == "count"):
        for p in periods:
            mine = by_key[(q["id"], p)]
            answered = [c for c in mine if c["status"] == "answered" and isinstance(c["value"], (int, float))]
            suppressed = [c for c in mine if c["status"] == "suppressed"]
            uppers = [c["upper_bound"] for c in suppressed]
            out.append({
                "question_id": q["id"], "period": p,
                "total": _number(sum(c["value"] for c in answered)),
                "councils": len(answered),
                "suppressed": {
                    "values": len(suppressed),
                    "lower": _number(sum(c["lower_bound"] or 0 for c in suppressed)),
                    "upper": _number(sum(uppers)) if None not in uppers else None,
                },
            })
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def _first_response_on(row: StatusRow, first_response_at: str | None) -> dt.date | None:
    if first_response_at:
        return dt.date.fromisoformat(first_response_at[:10])
    return row.deadline.responded_on if row.deadline else None


def first_responses(db: Queries, rows: list[StatusRow]) -> dict[int, dt.date]:
    """request id -> day of the council's first reply (auto-replies and bounces do not count)."""
    if not rows:
        return {}
    stored = {r["id"]: r["first_response_at"] for r in db.query(
        f"SELECT id, first_response_at FROM requests WHERE id IN ({_marks(rows)})", [r.request_id for r in rows])}
    found = {}
    for row in rows:
        on = _first_response_on(row, stored.get(row.request_id))
        if on and row.sent_on:
            found[row.request_id] = on
    return found


def response_times(calendar: Calendar, rows: list[StatusRow], firsts: dict[int, dt.date]) -> dict:
    """Working days (campaign calendar) from sending to the council's first reply."""
    days = sorted(calendar.working_days_between(dt.date.fromisoformat(row.sent_on), firsts[row.request_id])
                  for row in rows if row.sent_on and row.request_id in firsts)
    return {"responded": len(days), "median_working_days": _number(statistics.median(days)) if days else None,
            "fastest": days[0] if days else None, "slowest": days[-1] if days else None}


def responses_over_time(firsts: dict[int, dt.date]) -> list[dict]:
    """Cumulative count of councils that had replied, by date of first reply."""
    per_day = Counter(firsts.values())
    total, out = 0, []
    for day in sorted(per_day):
        total += per_day[day]
        out.append({"date": str(day), "responses": per_day[day], "cumulative": total})
    return out


def council_rows(rows: list[StatusRow], cells: list[dict], firsts: dict[int, dt.date]) -> list[dict]:
    values: dict[str, dict[str, dict]] = defaultdict(dict)
    for cell in cells:
        values[cell["body_code"]][f"{cell['question_id']} {cell['period']}"] = {
            "status": cell["status"], "value": cell["value"], "value_raw": cell["value_raw"],
            "lower_bound": cell["lower_bound"], "upper_bound": cell["upper_bound"]}
    return [{
        "body_code": row.body_code, "body_name": row.body_name, "region": row.region, "type": row.type,
        "reference": row.reference, "state": row.state, "sent_on": row.sent_on,
        "due_date": str(row.due) if row.due else None,
        "responded_on": str(firsts[row.request_id]) if row.request_id in firsts else None,
        "overdue": row.overdue, "very_overdue": row.very_overdue, "values": values[row.body_code],
    } for row in rows]


def date_span(first: str | None, last: str | None) -> str:
    """'4 and 6 March 2026' or 'on 4 March 2026' style wording for when requests went out."""
    if not first or not last:
        return ""
    if first == last:
        return f"on {long_date(first)}"
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    if (a.year, a.month) == (b.year, b.month):
        return f"between {a.day} and {long_date(last)}"
    if a.year == b.year:
        return f"between {a.day} {a:%B} and {long_date(last)}"
    return f"between {long_date(first)} and {long_date(last)}"


def methodology(report: dict) -> list[str]:
    """How to read the figures. The figures themselves are in the summary table, once."""
    slug = report["campaign"]["slug"]
    lines = [
        "Shares are of all recipients of the request, not only of those that answered.",
        "'Missing' means no value is recorded for that council; 'to be confirmed' means a value was read "
        "but not surely enough to count: it is in no total until a person confirms it "
        f"(foi review {slug} lists them).",
        "Small numbers withheld by councils (e.g. '<5') are counted as suppressed, with the range they "
        "imply (e.g. 0 to 4), and are never added into the totals.",
        "Times to a first reply are in working days from the day a request was sent: weekends and bank "
        "holidays are not counted.",
        "A council counts as giving figures when it gave at least one.",
    ]
    if report["measures"]:
        lines.append("Measures are worked out for each council and period from its own answers (and reference "
                     "tables). A suppressed answer makes the result a range (counted apart); a missing answer, "
                     f"or a division by zero, gives no value, never zero (foi export {slug} --what measures "
                     "says why for each council).")
    if report["estimates"]:
        lines.append("An observed total is a floor ('at least'): the exact figures councils gave, plus suppressed "
                     "figures at the bottom of their ranges. An estimate scales the total of the councils that gave "
                     "an exact figure up to all recipients, in proportion to a reference figure every council has; "
                     "each says how many councils it rests on, their share of the reference total and how it was "
                     "made, and none is made when that share is below the campaign file's min_coverage.")
    if report["ranges"]:
        lines.append("Ranges across councils rank the exact figures only: suppressed figures are counted apart. "
                     + OUTLIER_RULE)
    if not_asked := not_asked_cells(report):
        were = "was" if not_asked == 1 else "were"
        lines.append(f"{plural(not_asked, 'cell')} (council, question and period) {were} not asked: "
                     "the question or period was added to the campaign after that council's request was sent. "
                     "They are counted as 'not asked', apart, and left out of the shares.")
    return lines
