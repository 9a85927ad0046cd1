"""What a person must look at, and values a person records by hand."""

from __future__ import annotations

import re
from enum import StrEnum

from sqlite_utils import Database

from foi.errors import FoiError
from foi.extract import EXTRACTOR_VERSION
from foi.extract.run import FAILED, evaluate_checks, load_campaign, request_message_dates
from foi.extract.settle import (
    CONFLICT_NOTE,
    LOW_CONFIDENCE_NOTE,
    READING,
    answered_without_figures,
    readings_in,
)
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
                       note: str | None, now: str, dry_run: bool = False, decided_by: str | None = None) -> dict:
    """Record a value by hand ('1234', '<5', 'not held', 'refused:s12'), with who decided
    it and when; it stays in force over later automatic extractions."""
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
        result["id"] = insert_manual_value(db, row[0], question, period, value, note, now, decided_by)
        apply_history(db, row[0], request_message_dates(db, row[0]))
    return result


def review_campaign(db: Database, slug: str) -> dict:
    """Low-confidence and unreadable values (each with its candidate readings),
    conflicts, requests answered with no figures read, files that could not be
    read, and broken consistency checks, each with where to look; `councils` groups
    them per council and request, then per reply and the place read in it (its
    sentence once), and `counts` says how many of each there are."""
    campaign = load_campaign(db, slug)
    # The value in force for each cell, as the dataset view (and so the report) picks it.
    rows = db.execute(
        "SELECT r.body_code, v.question_id, v.period, v.status, v.value, v.value_raw, v.confidence, "
        "v.source_file, v.source_location, v.source_message, v.note FROM answer_values v "
        "JOIN requests r ON r.id = v.request_id "
        "JOIN questions q ON q.campaign = r.campaign AND q.id = v.question_id "
        "JOIN periods p ON p.campaign = r.campaign AND p.period = v.period "
        "WHERE r.campaign = ? AND v.id = (SELECT max(a.id) FROM answer_values a WHERE a.request_id = v.request_id "
        "AND a.question_id = v.question_id AND a.period = v.period AND a.current = 1) "
        "AND v.method = 'auto' AND (v.status = 'needs_review' OR v.confidence < ? OR substr(v.note, 1, ?) = ?) "
        "ORDER BY r.body_code, q.position, p.position",
        [slug, REVIEW_BELOW, len(CONFLICT_NOTE), CONFLICT_NOTE]).fetchall()
    keys = ["body", "question", "period", "status", "value", "raw", "confidence", "file", "location",
            "message", "note"]
    values = [dict(zip(keys, row)) for row in rows]
    for value in values:
        value["reason"] = (ReviewReason.CONFLICT if is_conflict(value["note"]) else
                           ReviewReason.LOW_CONFIDENCE if (value["note"] or "").startswith(LOW_CONFIDENCE_NOTE)
                           or value["status"] != "needs_review" else ReviewReason.NEEDS_REVIEW)
        value["readings"] = readings_in(value["note"])
        value["why"], value["sentence"] = explain_note(value["note"], value["reason"])
    requests = [{**row, "reason": ReviewReason.NO_FIGURES, "note": row["reason"]}
                for row in answered_without_figures(db, slug)]
    report: dict = {"values": values, "requests": requests, "files": failed_files(db, slug),
              "checks": evaluate_checks(db, campaign)}
    report["councils"] = group_by_council(db, slug, report)
    report["counts"] = {"to_be_confirmed": sum(1 for v in values if v["status"] == "needs_review"),
                        **{key: len(report[key]) for key in ("values", "requests", "files", "checks")}}
    return report


def explain_note(note: str | None, reason: str) -> tuple[str, str | None]:
    """A review note split into why the value is put to a person (the candidate readings
    kept only when they disagree) and the sentence it was read from ("seen: ...")."""
    note = note or ""
    readings = list(READING.finditer(note))
    after_readings = readings[-1].end() if readings else 0
    seen = note.find("seen: ", after_readings)
    while seen > 0 and note[seen - 2:seen] != "; ":
        seen = note.find("seen: ", seen + 1)
    sentence = note[seen + len("seen: "):] if seen >= 0 else None
    head, _, _ = note[:after_readings or len(note)].partition("; readings: ")
    rest = note[after_readings:seen if seen >= 0 else len(note)].strip("; ")
    if readings and reason == ReviewReason.CONFLICT:
        why = f"{head.removeprefix(CONFLICT_NOTE)}: " + " / ".join(m.group(0) for m in readings)
    elif readings:
        why = rest or head.removeprefix(LOW_CONFIDENCE_NOTE)
    else:
        why = note[:seen].strip("; ") if seen >= 0 else note
    return why, sentence


def group_by_council(db: Database, slug: str, report: dict) -> list[dict]:
    """One group per council with anything to review: its name, request and state; the
    replies values were read from, each place in a reply (file and location) with the
    sentence seen there once and the cells read from it; the reply's files not read;
    then the request's own flag (answered, no figures read) and failed checks."""
    requests = {row[0]: {"body": row[0], "name": row[1], "reference": row[2], "state": row[3],
                         "replies": [], "requests": [], "checks": []}
                for row in db.execute("SELECT r.body_code, b.name, r.reference, r.state FROM requests r "
                                      "JOIN bodies b ON b.code = r.body_code WHERE r.campaign = ?", [slug])}
    used: dict[str, dict] = {}
    replies: dict[tuple[str, int | None], dict] = {}

    def reply(body: str, message: int | None) -> dict:
        group = used.setdefault(body, requests[body])
        if (body, message) not in replies:
            replies[(body, message)] = {"message": message, "date": None, "subject": None, "places": [], "files": []}
            group["replies"].append(replies[(body, message)])
        return replies[(body, message)]

    for value in report["values"]:
        places = reply(value["body"], value["message"])["places"]
        said = (value["file"], value["sentence"] or value["location"])
        place = next((p for p in places if (p["file"], p["sentence"] or p["location"]) == said), None)
        if place is None:
            place = {"file": value["file"], "location": value["location"], "sentence": value["sentence"], "cells": []}
            places.append(place)
        elif place["location"] != value["location"]:
            place["location"] = None  # one sentence, several places (cells of one table row): each cell says
        place["cells"].append({k: value[k] for k in ("question", "period", "reason", "raw", "location", "why")})
    for item in report["files"]:
        reply(item["body"], item["message"])["files"].append({k: item[k] for k in ("file", "status", "note")})
    for key in ("requests", "checks"):
        for item in report[key]:
            used.setdefault(item["body"], requests[item["body"]])[key].append(
                {k: v for k, v in item.items() if k != "body"})
    _date_replies(db, list(replies.values()))
    return [used[body] for body in sorted(used)]


def _date_replies(db: Database, replies: list[dict]) -> None:
    ids = [r["message"] for r in replies if r["message"] is not None]
    if not ids:
        return
    found = {row[0]: row[1:] for row in db.execute(
        f"SELECT id, date, subject FROM messages WHERE id IN ({', '.join('?' for _ in ids)})", ids)}
    for item in replies:
        item["date"], item["subject"] = found.get(item["message"], (None, None))


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
