"""What a person must look at, and values a person records by hand."""

from __future__ import annotations

import re
from enum import StrEnum

from sqlite_utils import Database

from foi.errors import FoiError
from foi.extract import EXTRACTOR_VERSION
from foi.extract.run import FAILED, evaluate_checks, load_campaign, request_message_dates
from foi.extract.settle import CONFLICT_NOTE, LOW_CONFIDENCE_NOTE, answered_without_figures, readings_in
from foi.extract.store import apply_history, insert_manual_value
from foi.extract.values import parse_manual
from foi.language.confidence import REVIEW_BELOW
from foi.language.foia import FOISA_REFUSING_SECTIONS, REFUSING_SECTIONS
from foi.mail.store import NOT_READ_MARKERS


class ReviewReason(StrEnum):
    """Why a value is shown to a person (the `reason` of review_campaign's values)."""

    CONFLICT = "conflict"  # two sure sources disagree
    NEEDS_REVIEW = "needs review"  # read, but not understood as a value
    LOW_CONFIDENCE = "low confidence"  # matched to its question or period less surely than REVIEW_BELOW
    NO_FIGURES = "no figures"  # the request's state says answered, but no value was read


def is_conflict(note: str | None) -> bool:
    return (note or "").startswith(CONFLICT_NOTE)


def save_manual_answer(db: Database, slug: str, body: str, question: str, period: str, raw: str,
                       note: str | None, now: str, dry_run: bool = False) -> dict:
    """Record a value by hand ('1234', '<5', 'not held', 'refused:s12'); it stays
    in force over later automatic extractions."""
    campaign = load_campaign(db, slug)
    kinds = {q.id: q.kind for q in campaign.questions}
    if question not in kinds:
        raise FoiError(f"No question {question!r} in {slug}", f"Questions: {', '.join(kinds)}")
    if period not in campaign.periods:
        raise FoiError(f"No period {period!r} in {slug}", f"Periods: {', '.join(campaign.periods)}")
    row = db.execute("SELECT id FROM requests WHERE campaign = ? AND body_code = ?", [slug, body]).fetchone()
    if row is None:
        raise FoiError(f"No request to {body!r} in campaign {slug!r}")
    value = parse_manual(raw, kinds[question])
    if value.status == "needs_review":
        raise FoiError(f"Cannot read the value {raw!r}",
                       "Give a number, '<5', '5 or less', 'not held' or 'refused:s12'.")
    section = re.match(r"s\.(\d+)", value.section or "") if value.status == "refused" else None
    if section and int(section.group(1)) not in REFUSING_SECTIONS | FOISA_REFUSING_SECTIONS:
        raise FoiError(f"{value.section} is not a section under which information is refused",
                       "Give s.12 (cost), s.14 (vexatious) or an exemption, s.21 to s.44 (FOISA: s.25 to "
                       "s.41), e.g. 'refused:s40(2)'; or an EIR regulation, e.g. 'refused:reg.12(4)(b)'.")
    result = {"request_id": row[0], "question": question, "period": period, "status": value.status,
              "value": value.value, "value_text": value.text, "lower_bound": value.lower,
              "upper_bound": value.upper, "refusal_section": value.section, "raw": raw}
    if dry_run:
        return result
    with db.atomic():
        result["id"] = insert_manual_value(db, row[0], question, period, value, note, now)
        apply_history(db, row[0], request_message_dates(db, row[0]))
    return result


def review_campaign(db: Database, slug: str) -> dict:
    """Low-confidence and unreadable values (each with its candidate readings),
    conflicts, requests answered with no figures read, files that could not be
    read, and broken consistency checks, each with where to look."""
    campaign = load_campaign(db, slug)
    rows = db.execute(
        "SELECT r.body_code, v.question_id, v.period, v.status, v.value, v.value_raw, v.confidence, "
        "v.source_file, v.source_location, v.source_message, v.note FROM answer_values v "
        "JOIN requests r ON r.id = v.request_id WHERE r.campaign = ? AND v.current = 1 "
        "AND v.method = 'auto' AND (v.status = 'needs_review' OR v.confidence < ? OR substr(v.note, 1, ?) = ?) "
        "ORDER BY r.body_code, v.question_id, v.period",
        [slug, REVIEW_BELOW, len(CONFLICT_NOTE), CONFLICT_NOTE]).fetchall()
    keys = ["body", "question", "period", "status", "value", "raw", "confidence", "file", "location",
            "message", "note"]
    values = [dict(zip(keys, row)) for row in rows]
    for value in values:
        value["reason"] = (ReviewReason.CONFLICT if is_conflict(value["note"]) else
                           ReviewReason.LOW_CONFIDENCE if (value["note"] or "").startswith(LOW_CONFIDENCE_NOTE)
                           or value["status"] != "needs_review" else ReviewReason.NEEDS_REVIEW)
        value["readings"] = readings_in(value["note"])
    requests = [{**row, "reason": ReviewReason.NO_FIGURES, "note": row["reason"]}
                for row in answered_without_figures(db, slug)]
    return {"values": values, "requests": requests, "files": failed_files(db, slug),
            "checks": evaluate_checks(db, campaign)}


def failed_files(db: Database, slug: str) -> list[dict]:
    marks = ", ".join("?" for _ in FAILED)
    rows = db.execute(
        "SELECT DISTINCT r.body_code, m.id, COALESCE(a.filename, a.original_filename), a.sha256, e.status, e.note "
        "FROM attachments a JOIN messages m ON m.id = a.message JOIN requests r ON r.id = m.request_id "
        f"JOIN extractions e ON e.source_sha256 = a.sha256 WHERE r.campaign = ? AND e.status IN ({marks}) "
        "AND e.extractor_version = ? ORDER BY r.body_code, m.id", [slug, *sorted(FAILED), EXTRACTOR_VERSION]).fetchall()
    keys = ["body", "message", "file", "sha256", "status", "note"]
    return [dict(zip(keys, row)) for row in rows + _not_opened(db, slug)]


def _not_opened(db: Database, slug: str) -> list[tuple]:
    """Messages of the campaign only partly read, attachments not opened when they arrived
    (past foi's limits, refused as a bomb, undecodable), and files a capped reader read in
    part: each kept whole, and not wholly read by anyone yet."""
    markers = NOT_READ_MARKERS
    partly = db.execute(
        "SELECT r.body_code, m.id, '(the message)', m.sha256, 'partly read', m.parse_error FROM messages m "
        "JOIN requests r ON r.id = m.request_id WHERE r.campaign = ? AND m.parse_error IS NOT NULL "
        "ORDER BY r.body_code, m.id", [slug]).fetchall()
    unopened = db.execute(
        "SELECT r.body_code, m.id, COALESCE(a.filename, a.original_filename), a.sha256, 'not opened', a.note "
        "FROM attachments a JOIN messages m ON m.id = a.message JOIN requests r ON r.id = m.request_id "
        f"WHERE r.campaign = ? AND (a.sha256 IS NULL OR {' OR '.join('instr(lower(a.note), ?)' for _ in markers)}) "
        "ORDER BY r.body_code, m.id, a.id", [slug, *markers]).fetchall()
    in_part = db.execute(
        "SELECT DISTINCT r.body_code, m.id, COALESCE(a.filename, a.original_filename), a.sha256, 'read in part', "
        "e.note FROM attachments a JOIN messages m ON m.id = a.message JOIN requests r ON r.id = m.request_id "
        "JOIN extractions e ON e.source_sha256 = a.sha256 WHERE r.campaign = ? AND e.status = 'ok' "
        "AND e.note IS NOT NULL AND e.extractor_version = ? ORDER BY r.body_code, m.id",
        [slug, EXTRACTOR_VERSION]).fetchall()
    return partly + unopened + in_part
