"""What is settled, and what a person confirms first.

A value is stored as settled (answered, suppressed, not held, refused) only when
its reading is sure: confidence at or above REVIEW_BELOW and no other sure reading
of the same cell that says something else. Anything else is stored as
needs_review, with no figure in it (nothing unsure reaches the report, the checks,
the exports' figures or the letters) and a note that gives the reason and every
candidate reading, so `foi review` shows what to choose between.

The request's state is then derived from its settled values (derive_request_states),
so the state and the dataset cannot disagree.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from sqlite_utils import Database

from foi.db import get_row, update_row
from foi.extract.values import Value
from foi.tracking.states import ANSWER_UNREAD_STATES, DERIVED_FROM_STATES, Source, apply_transition
from foi.vocabulary import (
    GIVEN_VALUE_STATUSES,
    SETTLED_VALUE_STATUSES,
    WITHHELD_VALUE_STATUSES,
    EventKind,
    MessageKind,
    RequestState as S,
    ValueStatus as V,
)

# How a review note starts (answer_values has no column for the reason; the note holds it).
CONFLICT_NOTE = "conflict: "
LOW_CONFIDENCE_NOTE = "low confidence: "
# Each candidate reading in a note: «raw» status at where (see describe_reading).
READING = re.compile(r"«(?P<raw>[^«»]*)» (?P<status>[a-z_]+)(?: (?P<reading>\S+))? at (?P<where>[^;«»]*?)"
                     r"(?= / «|;|$)")

# The flag for a request whose state says answered but no value was read from it.
NO_FIGURES_READ = "answered, but no figures read: attachment?"


@dataclass
class Seen:
    """One candidate reading of a cell: what it says and where it was read."""

    value: Value
    where: str
    confidence: float


def describe_reading(seen: Seen) -> str:
    """«raw» status [what it was read as: 3220, 0-4, s.12] at where."""
    value = seen.value
    if value.value is not None:
        reading = _number(value.value)
    elif value.lower is not None:
        reading = f"{_number(value.lower)}-{'?' if value.upper is None else _number(value.upper)}"
    else:
        reading = value.section or ""
    return f"«{' '.join(value.raw.split())}» {value.status}{' ' + reading if reading else ''} at {seen.where}"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def review_note(reason: str, readings: list[Seen], rest: str | None) -> str:
    """`reason` (starting with CONFLICT_NOTE or LOW_CONFIDENCE_NOTE), then every distinct reading."""
    shown: list[str] = []
    for seen in readings:
        text = describe_reading(seen)
        if text not in shown:
            shown.append(text)
    return f"{reason}; readings: {' / '.join(shown)}" + (f"; {rest}" if rest else "")


def readings_in(note: str | None) -> list[dict]:
    """The candidate readings a review note lists: the text, its status, what it was read
    as (a figure, bounds, a section), where."""
    part = (note or "").split("readings: ", 1)
    if len(part) < 2:
        return []
    return [{"raw": m["raw"], "status": m["status"], "reading": m["reading"], "where": m["where"]}
            for m in READING.finditer(part[1])]


def unsure(value: Value) -> Value:
    """The value a person confirms: the text read, no figure."""
    return Value(V.NEEDS_REVIEW, value.raw, note=value.note)


# ------------------------------------------------------------------ request states

def derived_state(statuses: list[str | None]) -> S | None:
    """The state a request's settled values imply, one status per question x period
    (None where nothing is in force), or None when they decide nothing."""
    given = sum(1 for s in statuses if s in GIVEN_VALUE_STATUSES)
    withheld = sum(1 for s in statuses if s in WITHHELD_VALUE_STATUSES)
    if given and withheld:
        return S.ANSWERED_PARTIAL
    if statuses and given == len(statuses):
        return S.ANSWERED
    return None


def derive_request_states(db: Database, slug: str, questions: list[str], periods: list[str],
                          body: str | None, now: str) -> list[dict]:
    """Move each request whose state is an outcome (answered, partial, refused, not
    held) to the state its settled values imply, through the state machine; a state
    set by hand is kept. Returns the changes made."""
    where, params = ("r.campaign = ? AND r.body_code = ?", [slug, body]) if body else ("r.campaign = ?", [slug])
    states = sorted(DERIVED_FROM_STATES | ANSWER_UNREAD_STATES)
    marks = ", ".join("?" for _ in states)
    ids = [row[0] for row in db.execute(
        f"SELECT r.id FROM requests r WHERE {where} AND r.state IN ({marks}) "
        "AND coalesce(r.state_source, '') != 'manual' ORDER BY r.id", [*params, *states])]
    changes = []
    for request in (get_row(db, "requests", id) for id in ids):
        current = {(q, p): (s, m) for q, p, s, m in db.execute(
            "SELECT question_id, period, status, source_message FROM answer_values WHERE request_id = ? "
            "AND current = 1", [request["id"]])}
        statuses = [current.get((q, p), (None, None))[0] for q in questions for p in periods]
        target = derived_state(statuses)
        if target is None or target == request["state"]:
            continue
        counts = dict(Counter(s or "missing" for s in statuses))
        response: dict = {}
        if request["state"] in ANSWER_UNREAD_STATES:
            response = _unread_answer(db, request, target, counts, [m for s, m in current.values()
                                                                    if s in SETTLED_VALUE_STATUSES])
            if not response:
                continue
        apply_transition(db, request, target, source=Source.EXTRACTION, when=now,
                         event=EventKind.STATE_CHANGED, reason=f"{request['state']} -> {target}: from the values read",
                         details={"values": counts, **response.get("details", {})},
                         changes=response.get("changes"), message=response.get("message"), on=response.get("on"))
        changes.append({"reference": request["reference"], "from": request["state"], "to": str(target),
                        "values": counts})
    return changes


def _unread_answer(db: Database, request: dict, target: S, counts: dict, sources: list[int | None]) -> dict:
    """A waiting request whose settled values came from a reply triage could not read:
    that reply was the answer. Classify it so (its evidence: the values read), and date
    the response by it, so the clock stops on the day it came. {} when the values came
    from anything else (then the state is left to a person)."""
    carriers = sorted({m for m in sources if m is not None})
    rows = [get_row(db, "messages", m) for m in carriers]
    if not rows or any(r["classification"] != MessageKind.UNCLASSIFIED for r in rows):
        return {}
    message = rows[-1]
    kind = MessageKind.ANSWER if target == S.ANSWERED else MessageKind.ANSWER_PARTIAL
    evidence = "values read: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    for row in rows:
        details = json.loads(row["classification_evidence"] or "{}")  # references triage found are kept
        update_row(db, "messages", row["id"], {"classification": kind, "classification_evidence": json.dumps(
            {**details, "evidence": evidence}, sort_keys=True)})
    moment = message["date"] or message["received_at"] or message["stored_at"]
    changes = {} if request["first_response_at"] else {"first_response_at": moment}
    return {"message": message["id"], "on": str(moment)[:10], "changes": changes,
            "details": {"classification": str(kind), "evidence": evidence}}


def answered_without_figures(db: Database, slug: str) -> list[dict]:
    """Requests whose state says answered (in full or in part) with no value read."""
    rows = db.execute(
        "SELECT r.body_code, r.reference, r.state FROM requests r WHERE r.campaign = ? "
        "AND r.state IN (?, ?) AND NOT EXISTS (SELECT 1 FROM answer_values v WHERE v.request_id = r.id "
        "AND v.current = 1) ORDER BY r.body_code", [slug, S.ANSWERED, S.ANSWERED_PARTIAL]).fetchall()
    return [{"body": code, "reference": reference, "state": state, "reason": NO_FIGURES_READ}
            for code, reference, state in rows]
