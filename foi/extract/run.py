"""Extraction over a whole campaign: read every reply and attachment once (cached
by sha256 and extractor version), map onto questions x periods, store values
with provenance and history, and check the campaign's rules."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from sqlite_utils import Database

from foi import bounded
from foi.blobs import blob_path
from foi.campaign.spec import Question, number_for
from foi.errors import FoiError
from foi.extract import EXTRACTOR_VERSION, settle
from foi.extract.checks import names_in, parse_rule, rule_fails
from foi.extract.found import ALL_PERIODS, Found
from foi.extract.mapper import apply_footnotes, extract_values
from foi.extract.prose import WHOLE_NOTE
from foi.extract.questions import NAMED, QuestionMatcher
from foi.extract.read import Reading, read_file
from foi.extract.store import Candidate, apply_history, save_reading, upsert_auto_value, withdraw_auto_values
from foi.extract.tables import Table
from foi.extract.text import read_text
from foi.language.confidence import REVIEW_BELOW, WEAK, WHOLE_AGREED
from foi.vocabulary import NOT_ANSWERS, SETTLED_VALUE_STATUSES, WITHHELD_VALUE_STATUSES, MessageKind

FAILED = {"unreadable", "refused_unsafe", "needs_person"}


@dataclass
class Campaign:
    slug: str
    questions: list[Question]
    periods: list[str]
    rules: list[str]


@dataclass
class Summary:
    values: Counter = field(default_factory=Counter)   # current values by status
    writes: Counter = field(default_factory=Counter)   # inserted / updated / unchanged / history
    sources: Counter = field(default_factory=Counter)  # readings by status
    failed_files: list[dict] = field(default_factory=list)
    failed_messages: list[dict] = field(default_factory=list)  # foi faulted reading them; see _store_message
    check_failures: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)   # request states derived from the values
    messages: int = 0


def load_campaign(db: Database, slug: str) -> Campaign:
    if not db.execute("SELECT 1 FROM campaigns WHERE slug = ?", [slug]).fetchone():
        raise FoiError(f"No campaign {slug!r}", "See the campaigns in this database with `foi campaign list`.")
    rows = db.execute("SELECT id, position, text, kind, labels FROM questions WHERE campaign = ? "
                      "ORDER BY position", [slug]).fetchall()
    offset = 1 if rows and min(r[1] for r in rows) == 0 else 0
    questions = [Question(id, text, kind, json.loads(labels or "[]"), number_for(id, position + offset))
                 for id, position, text, kind, labels in rows]
    periods = [r[0] for r in db.execute("SELECT period FROM periods WHERE campaign = ? ORDER BY position", [slug])]
    rules = [r[0] for r in db.execute("SELECT rule FROM checks WHERE campaign = ? ORDER BY position", [slug])]
    return Campaign(slug, questions, periods, rules)


def message_date(date: str | None, received_at: str | None) -> str:
    """A sortable UTC timestamp from whichever of the message's dates is readable."""
    for text in (received_at, date):
        if not text:
            continue
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            try:
                moment = parsedate_to_datetime(text)
            except (TypeError, ValueError):
                continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            return moment.astimezone(UTC).isoformat()
        except OverflowError:
            continue  # "31 Dec 9999 23:59:59 -1200" is past the last day a date can hold
    return ""


def request_message_dates(db: Database, request_id: int) -> dict[int, str]:
    rows = db.execute("SELECT id, date, received_at FROM messages WHERE request_id = ?", [request_id])
    return {id: message_date(date, received) for id, date, received in rows}


def read_cached(db: Database, sha256: str, load: Callable[[], Reading], force: bool, now: str,
                deadline: float | None = None) -> Reading:
    """A source is read once per extractor version; --force reads it again. Past
    `deadline` (time.monotonic()) a source not read before is left for the next run."""
    row = db.execute("SELECT status, note, tables_json FROM extractions WHERE source_sha256 = ? "
                     "AND extractor_version = ?", [sha256, EXTRACTOR_VERSION]).fetchone()
    if row and not force:
        tables = [Table.from_dict(t) for t in json.loads(row[2] or "[]")]
        return Reading(row[0], "cached", row[1], tables)
    if deadline is not None and time.monotonic() > deadline:
        seconds = bounded.current_limits().message_seconds
        return Reading("unreadable", "unknown", f"not read this time: the message's files took over {seconds:g} s "
                                                "in all; the next `foi extract` goes on with it")
    reading = load()
    save_reading(db, sha256, EXTRACTOR_VERSION, reading.status, reading.note,
                 [t.to_dict() for t in reading.tables], now)
    return reading


def _load_blob(blobs: Path, sha256: str) -> Callable[[], Reading]:
    def load() -> Reading:
        path = blob_path(blobs, sha256)
        if not path.exists():
            return Reading("unreadable", "missing", f"blob {sha256[:12]} is missing from {blobs}")
        return read_within_limits(read_file, str(path.resolve()))
    return load


def read_within_limits(reader: Callable[..., Reading], *args) -> Reading:
    """reader(*args) in the worker (foi.bounded); past a limit, unreadable with the reason."""
    try:
        return bounded.call(reader, *args)
    except bounded.ReadFailure as failure:
        return Reading("unreadable", "unknown", f"not read: it could not be read within foi's limits ({failure})")


def read_body(text: str) -> Reading:
    return Reading("ok", "text", None, read_text(text.encode(), "body"))


def _in_campaign(slug: str, body: str | None) -> tuple[str, list]:
    """The WHERE clause (over requests `r`) for a campaign, or one body's request in it."""
    if body:
        return "r.campaign = ? AND r.body_code = ?", [slug, body]
    return "r.campaign = ?", [slug]


def _campaign_messages(db: Database, slug: str, body: str | None) -> list[dict]:
    where, params = _in_campaign(slug, body)
    sql = ("SELECT m.id, m.request_id, m.date, m.received_at, m.body_text, m.classification, "
           "m.classification_evidence, m.auto_submitted, r.body_code FROM messages m "
           f"JOIN requests r ON r.id = m.request_id WHERE {where} ORDER BY m.id")
    keys = ["id", "request_id", "date", "received_at", "body_text", "classification", "evidence",
            "auto_submitted", "body"]
    return [dict(zip(keys, row)) for row in db.execute(sql, params)]


def carries_answers(message: dict) -> bool:
    """An answer, or an extension that refuses one part now (its refusal is read;
    its extension sentences say nothing, see values.said_plainly)."""
    if (message["auto_submitted"] or "no").lower() != "no":
        return False
    kind = message["classification"] or ""
    if kind == "extension":
        return "refused_in_part" in json.loads(message.get("evidence") or "{}")
    return kind not in NOT_ANSWERS


def extract_campaign(db: Database, blobs: Path, slug: str, body: str | None = None, *,
                     force: bool = False, progress: Callable[[int, int], None] | None = None,
                     now: str, dry_run: bool = False) -> Summary:
    """Read the campaign's replies and store what they say. Running it twice
    changes nothing; with dry_run everything is worked out and then rolled back."""
    campaign = load_campaign(db, slug)
    if body and not db.execute("SELECT 1 FROM requests WHERE campaign = ? AND body_code = ?",
                               [slug, body]).fetchone():
        raise FoiError(f"No request to {body!r} in campaign {slug!r}")
    everything = _campaign_messages(db, slug, body)
    messages = [m for m in everything if carries_answers(m)]
    dates = {m["id"]: message_date(m["date"], m["received_at"]) for m in messages}
    summary = Summary(messages=len(messages))
    work = _Pass(db, blobs, campaign, QuestionMatcher(campaign.questions), force, now, summary)
    db.execute("SAVEPOINT extract")
    try:
        for done, message in enumerate(messages, start=1):
            _store_message(work, message, dates[message["id"]])
            if progress:
                progress(done, len(messages))
        for message in everything:
            if not carries_answers(message):
                _count(summary, "withdrawn", withdraw_auto_values(db, message["id"], set()))
        for request_id in sorted({m["request_id"] for m in everything}):
            summary.writes["history"] += apply_history(db, request_id, dates)
        summary.states = settle.derive_request_states(db, slug, [q.id for q in campaign.questions],
                                                      campaign.periods, body, now)
        _count_values(db, slug, body, summary)
        summary.check_failures = evaluate_checks(db, campaign, body)
    except BaseException:
        db.execute("ROLLBACK TO extract")
        raise
    finally:
        if dry_run:
            db.execute("ROLLBACK TO extract")
        db.execute("RELEASE extract")
    if db.conn.in_transaction:
        db.conn.commit()
    return summary


@dataclass
class _Pass:
    """One extract run: where it reads and writes, and what it has counted so far."""

    db: Database
    blobs: Path
    campaign: Campaign
    matcher: QuestionMatcher
    force: bool
    now: str
    summary: Summary


def _store_message(work: _Pass, message: dict, date: str) -> None:
    """Store what one message says. A fault while reading it (a bug in foi, met on a
    reply nobody foresaw) is recorded against that message and the next one is read:
    one message must not stop a campaign's extract."""
    summary = work.summary
    failed_before = len(summary.failed_files)
    work.db.execute("SAVEPOINT message")
    try:
        candidates = _message_candidates(work, message, date)
        for candidate in candidates:
            summary.writes[upsert_auto_value(work.db, candidate, work.now)] += 1
    except Exception as error:  # noqa: BLE001 - kept with its reason; the rest of the campaign is read
        work.db.execute("ROLLBACK TO message")
        work.db.execute("RELEASE message")
        summary.failed_messages.append({"body": message["body"], "message": message["id"],
                                        "note": f"foi failed reading it ({type(error).__name__}: {error}"[:300]
                                        + "); its earlier values are kept"})
        return
    work.db.execute("RELEASE message")
    if len(summary.failed_files) == failed_before:  # a file not read this time withdraws nothing
        keep = {(c.question_id, c.period) for c in candidates}
        _count(summary, "withdrawn", withdraw_auto_values(work.db, message["id"], keep))


def _count(summary: Summary, key: str, number: int) -> None:
    if number:
        summary.writes[key] += number


def _message_candidates(work: _Pass, message: dict, date: str) -> list[Candidate]:
    db, summary = work.db, work.summary
    # Each file is bounded (foi.bounded); so is one message's thousands of files together.
    deadline = time.monotonic() + bounded.current_limits().message_seconds
    found: list[tuple[Found, str | None, str]] = []
    text = message["body_text"] or ""
    body: list[Table] = []
    if text.strip():
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        reading = read_cached(db, digest, lambda: read_within_limits(read_body, text), work.force, work.now)
        body = reading.tables
        found += [(f, None, "message body") for f in _mapped(work, message, (digest, "the message body"), reading, [])]
    for sha256, filename in db.execute(
            "SELECT sha256, COALESCE(filename, original_filename) FROM attachments WHERE message = ? "
            "AND sha256 IS NOT NULL ORDER BY parent IS NOT NULL, parent, position", [message["id"]]):
        reading = read_cached(db, sha256, _load_blob(work.blobs, sha256), work.force, work.now, deadline)
        summary.sources[reading.status] += 1
        if reading.status in FAILED:
            summary.failed_files.append({"body": message["body"], "message": message["id"],
                                         "file": filename, "sha256": sha256, "status": reading.status,
                                         "note": reading.note})
        values = _mapped(work, message, (sha256, filename), reading, body)
        found += [(f, sha256, filename or sha256[:12]) for f in values]
    outcome = WHOLE_OUTCOME.get(message["classification"] or "")
    return [Candidate(message["request_id"], f.question_id, f.period, f.value, message["id"], date,
                      sha256, filename, f.location, f.confidence, _note(f))
            for f, sha256, filename in resolve(found, work.campaign, outcome)]


def map_tables(tables: list[Table], matcher: QuestionMatcher, periods: list[str],
               body_tables: list[Table]) -> list[Found]:
    """What a file's tables say about the questions. A symbol the file leaves undefined
    may be defined in the covering email ("* denotes fewer than 5"); the file's own
    definition comes first."""
    return apply_footnotes(extract_values(tables, matcher, periods), body_tables)


def _mapped(work: _Pass, message: dict, source: tuple[str, str | None], reading: Reading,
            body_tables: list[Table]) -> list[Found]:
    """map_tables in the worker (foi.bounded): a file read into a million cells must not
    hold up the campaign. Past a limit the source is recorded unreadable, with the
    reason, so the next extract does not try it again (unless --force)."""
    if not reading.tables:
        return []
    try:
        return bounded.call(map_tables, reading.tables, work.matcher, work.campaign.periods, body_tables)
    except bounded.ReadFailure as failure:
        note = f"read, but its tables could not be matched to the questions within foi's limits ({failure})"
        save_reading(work.db, source[0], EXTRACTOR_VERSION, "unreadable", note, [], work.now)
        work.summary.failed_files.append({"body": message["body"], "message": message["id"], "file": source[1],
                                          "sha256": source[0], "status": "unreadable", "note": note})
        return []


def _note(found: Found) -> str:
    return "; ".join(n for n in (found.note, f"seen: {found.snippet}") if n)


# A reply classified as a whole refusal or "not held": the value status that agrees with it;
# one classified as an answer in part agrees with a statement of the rest (PARTIAL).
PARTIAL = "partial"
WHOLE_OUTCOME: dict[str, str] = {MessageKind.REFUSAL: "refused", MessageKind.NOT_HELD: "not_held",
                                 MessageKind.ANSWER_PARTIAL: PARTIAL}
# A statement that speaks of a question's information as a whole ("we do not record this
# information"), not of some of it ("a count for every year").
OF_ALL_OF_IT = re.compile(r"\b(?:this|the|that|such|these|any) (?:information|data|figures?|statistics)\b",
                          re.IGNORECASE)
OF_SOME_TIME = re.compile(r"\b(?:before|prior|earlier|previous|older|since|until|other (?:years|periods)"
                          r"|(?:some|every|each|all) (?:years?|periods?|months?))\b", re.IGNORECASE)
RANK = {"answered": 2, "suppressed": 2, "not_held": 1, "refused": 1, "needs_review": 0}


def resolve(found: list[tuple[Found, str | None, str]], campaign: Campaign,
            outcome: str | None = None) -> list[tuple[Found, str | None, str]]:
    """One value per (question, period) for one message. Specific figures beat a
    whole-question 'not held'/refusal; one said of the whole reply covers only
    the questions the reply gives nothing else for. A statement that is the reply's
    `outcome` (what the reply as a whole was classified as: refused, not held) is
    sure, the two readings agreeing; disagreeing figures are flagged."""
    ids = {q.id for q in campaign.questions}
    # the questions a statement was placed on surely by itself (by number, or our question echoed)
    placed_surely = {item[0].question_id for item in found if item[0].confidence >= REVIEW_BELOW}
    # (a reading put to a person for a doubt of its own, at WEAK or below, stays with a person)
    found = [(_agreed(item[0]), *item[1:]) if item[0].value.status == outcome and item[0].confidence > WEAK else item
             for item in found]
    specific: dict[tuple[str, str], list] = {}
    for item in found:
        if item[0].question_id in ids and item[0].period != ALL_PERIODS:
            specific.setdefault((item[0].question_id, item[0].period), []).append(item)
    question_wide = [item for item in found if item[0].question_id in ids and item[0].period == ALL_PERIODS]
    reply_wide = [item for item in found if item[0].question_id == ALL_PERIODS]
    covered = {q for q, _ in specific} | {item[0].question_id for item in question_wide}
    _fill(specific, [(item, [item[0].question_id], campaign.periods) for item in question_wide])
    # said of the whole reply: the questions it gives nothing for; said of named periods
    # ("before 2021/22"): those periods of the questions it answers for others (of every
    # question when it answers none)
    everyone = [q.id for q in campaign.questions]
    answered = [q for q in everyone if q in covered] or everyone
    uncovered = [q for q in everyone if q not in covered]
    _fill(specific, [(item, uncovered, campaign.periods) if item[0].period == ALL_PERIODS
                     else (item, answered, [item[0].period]) for item in reply_wide])
    if outcome == PARTIAL:
        _rest_refused(specific, found)
    elif outcome:
        _said_of_nothing(specific, found, everyone, campaign.periods, outcome, placed_surely)
    _against_figures(specific, question_wide)
    return [_best(items) for items in specific.values()]


def _said_of_nothing(specific: dict, found: list, questions: list[str], periods: list[str], outcome: str,
                     placed_surely: set[str]) -> None:
    """A reply that as a whole refuses (or holds nothing) and says nothing at all of a
    question refuses it too (holds nothing of it): the surest statement of that outcome
    the reply makes is given to it, the reply's classification agreeing. Not where the
    reply names the questions it refuses ("Question 2 is not held"): then it is silent on
    the others; nor, when it places a refusal surely on a question without naming it (under the
    question's number or our question echoed), to the questions before that one (a reply going
    point by point dealt with them in words foi did not read). A refusal placed on a question
    only by a word of running text ("the victims" for a question about victims) is no sign of
    a reply going point by point."""
    said = [item for item in found if item[0].value.status == outcome and item[0].confidence > WEAK]
    named = any(NAMED.search(item[0].snippet) for item in found if item[0].value.status in WITHHELD_VALUE_STATUSES)
    if not said or named:
        return  # a reply that names the questions it refuses says nothing of the others
    best = max(said, key=lambda item: item[0].confidence)
    asked = {question_id for question_id, _ in specific}
    placed = [questions.index(item[0].question_id) for item in said
              if item[0].question_id in questions and item[0].question_id in placed_surely]
    if placed:  # point by point: a question before the first one refused was dealt with in words not read
        asked |= set(questions[:min(placed)])
    for question_id in questions:
        if question_id not in asked:
            for period in periods:
                specific[(question_id, period)] = [(_agreed(_copy(best[0], question_id, period),
                                                            "says nothing else of this question; the reply as a "
                                                            "whole is"), *best[1:])]


def _rest_refused(specific: dict, found: list) -> None:
    """A reply answered in part that refuses the whole request ("to comply
    with your request would exceed the cost limit"): the classification (figures and a refusal)
    agrees with the statement for the questions that have nothing else, and with a refusal placed
    on a question less surely, when the reply places something on another question."""
    placed = {item[0].question_id for item in found if item[0].question_id != ALL_PERIODS}
    # (a body does not refuse what it gives, so its refusal is of the rest; "we do not hold the
    # information you requested" beside figures contradicts them: a person decides)
    if not any(item[0].value.status == "refused" and item[0].question_id == ALL_PERIODS
               and (item[0].note or "").startswith(WHOLE_NOTE) for item in found):
        return
    for key, items in specific.items():
        if {item[0].value.status for item in items} != {"refused"} or not placed - {key[0]} \
                or any(item[0].confidence <= WEAK for item in items):
            continue
        best = max(items, key=lambda item: item[0].confidence)
        if best[0].confidence < WHOLE_AGREED:
            specific[key] = [(_agreed(best[0], "answered in part, the rest"), *best[1:])]


def _against_figures(specific: dict, question_wide: list) -> None:
    """A sure statement that a question is not held (or refused) is a second reading of the
    cells of that question that have figures: said of the question's information as a whole,
    of those a sentence gives ("We do not record this information. However, an estimate is
    450": a conflict, a person decides); else of those only a table's rows put to a person
    give (a breakdown whose rows may be another question's: the sure statement holds)."""
    for item in question_wide:
        found = item[0]
        if found.confidence < REVIEW_BELOW or not found.from_text:
            continue
        of_all = OF_ALL_OF_IT.search(found.value.raw) and not OF_SOME_TIME.search(found.value.raw)
        for (question_id, period), items in specific.items():
            if question_id != found.question_id or not items \
                    or any(i[0].value.status in WITHHELD_VALUE_STATUSES for i in items):
                continue
            said = (_copy(found, question_id, period), *item[1:])
            if of_all and all(i[0].from_text for i in items):
                specific[(question_id, period)] = [_conflict([*items, said])]
            elif all(not i[0].from_text and i[0].confidence < REVIEW_BELOW for i in items):
                items.append(said)


def _conflict(items: list) -> tuple[Found, str | None, str]:
    """Readings that disagree, put to a person with every one in the note."""
    first = items[0][0]
    readings = [settle.Seen(i[0].value, f"{i[2]} {i[0].location}", i[0].confidence) for i in items]
    status = items[-1][0].value.status.replace("_", " ")
    reason = f"{settle.CONFLICT_NOTE}a figure, and a statement that the question is {status}"
    return (Found(first.question_id, first.period, settle.unsure(first.value), first.location,
                  min(first.confidence, WEAK), first.snippet, settle.review_note(reason, readings, first.note),
                  first.from_text), *items[0][1:])


def _fill(specific: dict, claims: list[tuple[tuple, list[str], list[str]]]) -> None:
    """Give each statement (item, its questions, its periods) to the cells nothing more specific
    was found for; every statement that claims a cell is kept there, so statements that disagree
    are a conflict (a "not held" still beats a figure put to a person)."""
    claimed: dict[tuple[str, str], list] = {}
    for item, questions, periods in claims:
        for question_id in questions:
            for period in periods:
                if (question_id, period) not in specific:
                    claimed.setdefault((question_id, period), []).append(
                        (_copy(item[0], question_id, period), *item[1:]))
    specific.update(claimed)


def _agreed(found: Found, how: str = "the reply as a whole is") -> Found:
    agrees = f"{how} {found.value.status.replace('_', ' ')}"
    note = f"{found.note}; {agrees}" if found.note else agrees
    return Found(found.question_id, found.period, found.value, found.location,
                 max(found.confidence, WHOLE_AGREED), found.snippet, note, found.from_text)


def _copy(found: Found, question_id: str, period: str) -> Found:
    return Found(question_id, period, found.value, found.location, found.confidence, found.snippet,
                 found.note, found.from_text)


def _best(items: list) -> tuple[Found, str | None, str]:
    """The gate: one reading per cell, settled only when sure. A sure reading beats one put
    to a person, and a table beats running text; a second sure reading (not below
    REVIEW_BELOW) that says something else makes a conflict, and a reading below
    REVIEW_BELOW is put to a person: both are stored as needs_review with every
    candidate reading in the note."""
    tables = [i for i in items if not i[0].from_text]
    if all(i[0].confidence < REVIEW_BELOW for i in tables):
        tables = []  # a table reading put to a person does not outrank a sure statement
    pool = tables or items
    pool.sort(key=lambda i: (i[0].confidence >= REVIEW_BELOW, RANK[i[0].value.status], i[0].confidence),
              reverse=True)
    best = pool[0]
    if best[0].value.status not in SETTLED_VALUE_STATUSES:
        return best
    key = _says(best[0])
    rivals = [i for i in items if i is not best and RANK[i[0].value.status] and _says(i[0]) != key]
    sure_rivals = [i for i in rivals if i[0].confidence >= REVIEW_BELOW]
    if sure_rivals:
        reason = f"{settle.CONFLICT_NOTE}{len(sure_rivals) + 1} sure readings disagree"
    elif best[0].confidence < REVIEW_BELOW:
        reason = f"{settle.LOW_CONFIDENCE_NOTE}{best[0].confidence:.2f} is below {REVIEW_BELOW}"
    else:
        return best
    readings = [settle.Seen(i[0].value, f"{i[2]} {i[0].location}", i[0].confidence) for i in [best, *rivals]]
    found = best[0]
    note = settle.review_note(reason, readings, found.note)
    return (Found(found.question_id, found.period, settle.unsure(found.value), found.location,
                  min(found.confidence, WEAK) if sure_rivals else found.confidence, found.snippet, note,
                  found.from_text), best[1], best[2])


def _says(found: Found) -> tuple:
    value = found.value
    return (value.status, value.value, value.text, value.lower, value.upper)


def _count_values(db: Database, slug: str, body: str | None, summary: Summary) -> None:
    where, params = _in_campaign(slug, body)
    sql = ("SELECT v.status, COUNT(*) FROM answer_values v JOIN requests r ON r.id = v.request_id "
           f"WHERE {where} AND v.current = 1 GROUP BY v.status")
    summary.values.update(dict(db.execute(sql, params).fetchall()))


def evaluate_checks(db: Database, campaign: Campaign, body: str | None = None) -> list[dict]:
    """Every rule broken by a body's current values in a period."""
    rules = [(rule, parse_rule(rule)) for rule in campaign.rules]
    where, params = _in_campaign(campaign.slug, body)
    sql = ("SELECT r.body_code, v.period, v.question_id, v.status, v.value, v.lower_bound, v.upper_bound "
           f"FROM answer_values v JOIN requests r ON r.id = v.request_id WHERE {where} AND v.current = 1")
    grouped: dict[tuple[str, str], dict[str, tuple[float, float]]] = {}
    for code, period, question, status, value, lower, upper in db.execute(sql, params):
        interval = None
        if status == "answered" and value is not None:
            interval = (value, value)
        elif status == "suppressed" and lower is not None:
            interval = (lower, upper if upper is not None else float("inf"))
        if interval:
            grouped.setdefault((code, period), {})[question] = interval
    failures = []
    for (code, period), values in sorted(grouped.items()):
        for text, rule in rules:
            if rule_fails(rule, values):
                names = sorted(names_in(rule))
                failures.append({"body": code, "period": period, "rule": text,
                                 "values": {name: _show(values[name]) for name in names}})
    return failures


def _show(interval: tuple[float, float]) -> str:
    low, high = interval
    fmt = lambda x: "?" if x == float("inf") else f"{x:g}"  # noqa: E731
    return fmt(low) if low == high else f"{fmt(low)}..{fmt(high)}"


def extract_after_receiving(db: Database, blobs: Path, *, now: str) -> dict[str, Summary]:
    """Bring every campaign with matched replies up to date after new mail arrives.

    Cheap when nothing changed: each file is read once per extractor version.
    """
    slugs = [row[0] for row in db.execute(
        "SELECT DISTINCT r.campaign FROM messages m JOIN requests r ON r.id = m.request_id ORDER BY 1")]
    return {slug: extract_campaign(db, blobs, slug, now=now) for slug in slugs}
