"""Writing values: idempotent upserts of automatic values, hand entries, and the
`current`/`superseded_by` history of each (request, question, period)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from foi.extract.settle import readings_in
from foi.extract.values import Value
from foi.language.confidence import CERTAIN

FIELDS = ("status", "value", "value_text", "value_raw", "lower_bound", "upper_bound",
          "refusal_section", "source_sha256", "source_file", "source_location", "confidence", "note")


@dataclass
class Candidate:
    """One value to store, with where it came from."""

    request_id: int
    question_id: str
    period: str
    value: Value
    message_id: int | None
    message_date: str
    source_sha256: str | None
    source_file: str | None
    location: str
    confidence: float
    note: str | None


def value_columns(value: Value) -> dict:
    """The answer_values columns that hold what a value says."""
    return {
        "status": value.status, "value": value.value, "value_text": value.text,
        "value_raw": value.raw, "lower_bound": value.lower, "upper_bound": value.upper,
        "refusal_section": value.section,
    }


def row_of(candidate: Candidate) -> dict:
    return {
        **value_columns(candidate.value), "source_sha256": candidate.source_sha256,
        "source_file": candidate.source_file, "source_location": candidate.location,
        "confidence": round(candidate.confidence, 2), "note": candidate.note,
    }


def upsert_auto_value(db: Database, candidate: Candidate, now: str) -> str:
    """Insert, update in place (same message read again by a better extractor),
    or leave alone. Returns 'inserted' | 'updated' | 'unchanged'."""
    existing = db.execute(
        "SELECT id, " + ", ".join(FIELDS) + " FROM answer_values WHERE request_id = ? AND question_id = ?"
        " AND period = ? AND source_message IS ? AND method = 'auto'",
        [candidate.request_id, candidate.question_id, candidate.period, candidate.message_id],
    ).fetchone()
    row = row_of(candidate)
    if existing is None:
        db.table("answer_values").insert({
            "request_id": candidate.request_id, "question_id": candidate.question_id,
            "period": candidate.period, "source_message": candidate.message_id,
            "method": "auto", "current": 0, "created_at": now, **row})
        return "inserted"
    if dict(zip(FIELDS, existing[1:])) == row:
        return "unchanged"
    db.table("answer_values").update(existing[0], row)
    return "updated"


def withdraw_auto_values(db: Database, message_id: int, keep: set[tuple[str, str]]) -> int:
    """Delete automatic values read from a message that no longer says them (it
    is now known not to be an answer, or a better reading finds less); the
    request's history is then worked out again. Returns how many went."""
    rows = db.execute("SELECT id, question_id, period FROM answer_values WHERE source_message = ? "
                      "AND method = 'auto'", [message_id]).fetchall()
    gone = [(row[0],) for row in rows if (row[1], row[2]) not in keep]
    db.conn.executemany("DELETE FROM answer_values WHERE id = ?", gone)
    return len(gone)


def insert_manual_value(db: Database, request_id: int, question_id: str, period: str,
                        value: Value, note: str | None, now: str, decided_by: str | None = None) -> int:
    table = db.table("answer_values").insert({
        "request_id": request_id, "question_id": question_id, "period": period,
        "source_message": None, "method": "manual", "current": 0, "created_at": now,
        **value_columns(value), "confidence": CERTAIN, "note": note,
        "source_location": "entered by hand", "decided_by": decided_by,
    })
    assert table.last_pk is not None  # set by the insert
    return table.last_pk


def apply_history(db: Database, request_id: int, message_dates: dict[int, str]) -> int:
    """Mark the value in force for every key of one request: hand entries win
    (the newest), otherwise the value from the newest reply; each older value
    points at the one that replaced it. Returns how many rows changed."""
    rows = db.execute(
        "SELECT id, question_id, period, method, source_message, current, superseded_by, status, note "
        "FROM answer_values WHERE request_id = ?", [request_id]).fetchall()
    keys: dict[tuple[str, str], list] = {}
    for row in rows:
        keys.setdefault((row[1], row[2]), []).append(row)
    changed = 0
    for chain in keys.values():
        # Hand entries win; a reply that only leaves a cell blank or dashed does
        # not replace a figure from an earlier one; otherwise the newest reply, even
        # when what it says is unsure (its readings go to a person, not the older figure).
        chain.sort(key=lambda r: (r[3] == "manual", r[7] != "needs_review" or bool(readings_in(r[8])),
                                  message_dates.get(r[4], ""), r[0]))
        for index, row in enumerate(chain):
            last = index == len(chain) - 1
            wanted = (1, None) if last else (0, chain[index + 1][0])
            if (row[5], row[6]) != wanted:
                db.execute("UPDATE answer_values SET current = ?, superseded_by = ? WHERE id = ?",
                           [wanted[0], wanted[1], row[0]])
                changed += 1
    return changed


def save_reading(db: Database, sha256: str, version: str, status: str, note: str | None,
                 tables: list[dict], now: str) -> None:
    db.table("extractions").upsert({
        "source_sha256": sha256, "extractor_version": version, "status": status, "note": note,
        "tables_json": json.dumps(tables), "extracted_at": now,
    }, pk=("source_sha256", "extractor_version"))
