"""What a message in a request's thread needs to know: which message it answers,
and what the council has (not) answered so far.

Pure reads of the database; used by `foi chase` and `foi reply`.
"""

import datetime as dt
import json
import re
from collections.abc import Callable

from sqlite_utils import Database

from foi import vocabulary
from foi.vocabulary import ValueStatus

NOT_THEIR_WORDS = vocabulary.names(vocabulary.MACHINE_MADE)
DISPUTED = vocabulary.WITHHELD_VALUE_STATUSES


def _moment(row: dict) -> dt.datetime:
    text = row["date"] or row["received_at"] or row["stored_at"]
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def last_council_message(db: Database, request_id: int) -> dict | None:
    """The council's latest message filed under the request (by its Date, compared
    as moments, not strings: offsets differ)."""
    marks = ", ".join("?" * len(NOT_THEIR_WORDS))
    rows = list(db.query(
        f"SELECT id, message_id, subject, date, received_at, stored_at, classification, their_reference "
        f"FROM messages WHERE request_id = ? AND message_id IS NOT NULL "
        f"AND coalesce(classification, '') NOT IN ({marks})", [request_id, *NOT_THEIR_WORDS]))
    return max(rows, key=lambda r: (_moment(r), r["id"])) if rows else None


def our_request_message(db: Database, request_id: int) -> dict | None:
    rows = list(db.query("SELECT message_id, subject, sent_at FROM outgoing WHERE request_id = ? "
                         "AND kind = 'request' AND state = 'sent' ORDER BY id DESC LIMIT 1", [request_id]))
    return rows[0] if rows else None


def thread_parent(db: Database, request_id: int) -> tuple[str | None, str | None]:
    """(Message-ID to reply to, its subject): the council's last message, else our request."""
    theirs = last_council_message(db, request_id)
    if theirs:
        return theirs["message_id"], theirs["subject"]
    ours = our_request_message(db, request_id)
    return (ours["message_id"], ours["subject"]) if ours else (None, None)


def _current_statuses(db: Database, request_id: int) -> dict[tuple[str, str], str]:
    return {(r["question_id"], r["period"]): r["status"] for r in db.query(
        "SELECT question_id, period, status FROM answer_values WHERE request_id = ? AND current = 1",
        [request_id])}


def _not_asked(db: Database, request_id: int) -> set[tuple[str, str]]:
    """Cells the request never asked: a question or period added to the campaign after it was sent."""
    return {(r["question_id"], r["period"]) for r in db.query(
        "SELECT d.question_id, d.period FROM dataset d JOIN requests r "
        "ON r.campaign = d.campaign AND r.body_code = d.body_code WHERE r.id = ? AND d.status = ?",
        [request_id, ValueStatus.NOT_ASKED])}


def unanswered_questions(db: Database, request_id: int, questions: list[dict], periods: list[str],
                         *, missing_counts: bool = True) -> list[dict]:
    """Questions with a period settled as refused or not held, or (with missing_counts)
    with no value in force at all, unless the request never asked it. A period whose
    value a person has yet to confirm (needs_review) is not unanswered: see
    questions_to_confirm. Each is the template's question dict plus `number` and
    `periods`: what is open."""
    current = _current_statuses(db, request_id)
    never_asked = _not_asked(db, request_id) if missing_counts else set()
    return _questions_where(questions, periods, lambda key: current.get(key) in DISPUTED
                            or (missing_counts and key not in current and key not in never_asked))


def questions_to_confirm(db: Database, request_id: int, questions: list[dict], periods: list[str]) -> list[dict]:
    """Questions with a period whose reading is still open in `foi review` (needs_review):
    letters name them "to be confirmed", never refused or missing."""
    current = _current_statuses(db, request_id)
    return _questions_where(questions, periods, lambda key: current.get(key) == ValueStatus.NEEDS_REVIEW)


def _questions_where(questions: list[dict], periods: list[str], gap: Callable[[tuple[str, str]], bool]) -> list[dict]:
    found = []
    for number, question in enumerate(questions, 1):
        gaps = [p for p in periods if gap((question["id"], p))]
        if gaps:
            found.append({**question, "number": number, "periods": gaps})
    return found


def has_values(db: Database, request_id: int) -> bool:
    """Whether anything was read from the council's replies (extraction has run on one)."""
    return bool(db["answer_values"].count_where("request_id = ? AND current = 1", [request_id]))


def cited_sections(db: Database, request_id: int) -> list[str]:
    """Exemptions the council relied on, in the order first cited: from refused
    values and from the refusal wording of its replies."""
    found: list[str] = []
    for row in db.query("SELECT refusal_section FROM answer_values WHERE request_id = ? AND current = 1 "
                        "AND refusal_section IS NOT NULL ORDER BY id", [request_id]):
        found.append(row["refusal_section"])
    refusing = vocabulary.names(vocabulary.REFUSING_KINDS)
    for row in db.query("SELECT classification_evidence FROM messages WHERE request_id = ? AND "
                        f"classification IN ({', '.join('?' * len(refusing))}) "
                        "ORDER BY coalesce(date, stored_at), id", [request_id, *refusing]):
        found += json.loads(row["classification_evidence"] or "{}").get("sections", [])
    names = []
    for section in found:
        name = section_name(section)
        if name not in names:
            names.append(name)
    return names


def section_name(section: str) -> str:
    """'s.40(2)' -> 'section 40(2)', 'reg.12(4)(b)' -> 'regulation 12(4)(b)', '12' -> 'section 12'."""
    text = section.strip()
    match = re.fullmatch(r"(reg(?:ulation)?|s(?:ection)?)\.?\s*(\d.*)", text, re.IGNORECASE)
    if match:
        word = "regulation" if match.group(1).lower().startswith("reg") else "section"
        return f"{word} {match.group(2)}"
    return f"section {text}" if text[:1].isdigit() else text
