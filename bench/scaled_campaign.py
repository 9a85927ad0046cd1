"""A campaign folder k times the demo's, made by copying its rows in SQL.

The demo (`foi demo`) is one early-help campaign to the 153 councils with children's
services. Copy i of every council is a new body (code `ABC-2`, same type and region, its
own reference figures), with a copy of its request, events, sent messages, replies,
attachment rows and answers; each reply is also repeated so that there are about 2,000
messages and 500 attachment rows per 153 requests, as in the model campaign. The copy is
a quick way to profile what grows with the number of requests and messages; it does not
go through sync or extraction (bench/scale.py builds a folder the way a user gets there).

    python bench/scaled_campaign.py DEMO_FOLDER NEW_FOLDER --times 10
"""

import argparse
import math
import shutil
import sqlite3
from pathlib import Path

MESSAGES_PER_REQUEST = 2000 / 153     # the model campaign
ATTACHMENTS_PER_REQUEST = 500 / 153
FOLDER_FILES = ("campaign.db", "foi.toml", "early-help.toml")


def scale_folder(demo: Path, folder: Path, times: int) -> dict[str, int]:
    """Copy the demo folder (its db and files) to `folder` with `times` copies of every
    request; return the row counts of the new db."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in FOLDER_FILES:
        shutil.copy2(demo / name, folder / name)
    if (demo / "templates").is_dir():
        shutil.copytree(demo / "templates", folder / "templates")
    with sqlite3.connect(folder / "campaign.db") as db:
        scale_rows(db, times)
    with sqlite3.connect(folder / "campaign.db") as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("requests", "messages", "attachments", "answer_values", "events")}


def scale_rows(db: sqlite3.Connection, times: int) -> None:
    requests, messages, attachments = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                       for t in ("requests", "messages", "attachments"))
    repeats = max(1, round(MESSAGES_PER_REQUEST * requests / max(messages, 1)))
    with_files = max(1, min(repeats, math.ceil(ATTACHMENTS_PER_REQUEST * requests / max(attachments, 1))))
    offset = 10 ** len(str(max_id(db)))  # above every id: copy i of row id is id + i * offset
    db.execute("CREATE TEMP TABLE copies (i INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO copies VALUES (?)", [(i,) for i in range(times)])
    db.execute("CREATE TEMP TABLE repeats (j INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO repeats VALUES (?)", [(j,) for j in range(repeats)])
    sql = COPY_SQL.format(offset=offset, with_files=with_files)
    db.executescript(sql)


def max_id(db: sqlite3.Connection) -> int:
    return max(db.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
               for t in ("requests", "messages", "attachments", "answer_values", "events", "outgoing"))


# Copy 0 is the demo itself; copy i > 0 of body ABC is body ABC-{i+1}. A reply's repeat j
# gets id + (j * times + i) * offset, so repeats never collide with copies.
COPY_SQL = """
PRAGMA foreign_keys = OFF;
BEGIN;
INSERT INTO bodies (code, name, short_name, gss_code, type, type_name, region, county_code, tier,
                    childrens_services, website, domain, dfe_la_code, foi_email, email_source,
                    email_checked_on, notes, origin, updated_at, postal_address)
SELECT b.code || '-' || (c.i + 1), b.name || ' ' || (c.i + 1), b.short_name || ' ' || (c.i + 1),
       b.gss_code || '-' || (c.i + 1), b.type, b.type_name, b.region, b.county_code, b.tier,
       b.childrens_services, b.website, b.domain, NULL, b.foi_email, b.email_source,
       b.email_checked_on, b.notes, 'user', b.updated_at, b.postal_address
FROM bodies b JOIN copies c ON c.i > 0 WHERE b.code IN (SELECT body_code FROM requests);
INSERT INTO reference_values (name, body_code, period, value, note)
SELECT v.name, v.body_code || '-' || (c.i + 1), v.period, v.value, v.note
FROM reference_values v JOIN copies c ON c.i > 0 WHERE v.body_code IN (SELECT body_code FROM requests);
INSERT INTO requests (id, campaign, body_code, reference, state, state_source, email, sent_via, sent_at,
                      sent_on, their_reference, first_response_at, last_message_at, created_at, updated_at)
SELECT r.id + c.i * {offset}, r.campaign, r.body_code || '-' || (c.i + 1), r.reference || '-' || (c.i + 1),
       r.state, r.state_source, r.email, r.sent_via, r.sent_at, r.sent_on, r.their_reference,
       r.first_response_at, r.last_message_at, r.created_at, r.updated_at
FROM requests r JOIN copies c ON c.i > 0;
INSERT INTO outgoing (id, request_id, kind, message_id, state, transport, to_addr, subject, raw_sha256,
                      in_reply_to, attempts, error, created_at, attempted_at, sent_at)
SELECT o.id + c.i * {offset}, o.request_id + c.i * {offset}, o.kind, c.i || '.' || o.message_id, o.state,
       o.transport, o.to_addr, o.subject, o.raw_sha256, o.in_reply_to, o.attempts, o.error, o.created_at,
       o.attempted_at, o.sent_at
FROM outgoing o JOIN copies c ON c.i > 0;
INSERT INTO messages (id, sha256, message_id, source, size, from_addr, from_name, to_addrs, cc_addrs, subject,
                      date, in_reply_to, references_, auto_submitted, body_text, parse_error, request_id,
                      match_rule, match_evidence, classification, classification_evidence, their_reference,
                      received_at, stored_at)
SELECT m.id + (r.j * (SELECT count(*) FROM copies) + c.i) * {offset}, m.sha256 || '-' || c.i || '-' || r.j,
       c.i || '.' || r.j || '.' || m.message_id, m.source, m.size, m.from_addr, m.from_name, m.to_addrs,
       m.cc_addrs, m.subject, m.date, m.in_reply_to, m.references_, m.auto_submitted, m.body_text,
       m.parse_error, m.request_id + c.i * {offset}, m.match_rule, m.match_evidence, m.classification,
       m.classification_evidence, m.their_reference, m.received_at, m.stored_at
FROM messages m JOIN copies c JOIN repeats r WHERE c.i > 0 OR r.j > 0;
INSERT INTO attachments (id, message, parent, position, sha256, filename, original_filename, declared_type,
                         detected_type, size, note)
SELECT a.id + (r.j * (SELECT count(*) FROM copies) + c.i) * {offset},
       a.message + (r.j * (SELECT count(*) FROM copies) + c.i) * {offset},
       a.parent + (r.j * (SELECT count(*) FROM copies) + c.i) * {offset}, a.position, a.sha256, a.filename,
       a.original_filename, a.declared_type, a.detected_type, a.size, a.note
FROM attachments a JOIN copies c JOIN repeats r WHERE (c.i > 0 OR r.j > 0) AND r.j < {with_files};
INSERT INTO events (id, request_id, kind, occurred_on, recorded_at, actor, message, outgoing, details)
SELECT e.id + c.i * {offset}, e.request_id + c.i * {offset}, e.kind, e.occurred_on, e.recorded_at, e.actor,
       e.message + c.i * {offset}, e.outgoing + c.i * {offset}, e.details
FROM events e JOIN copies c ON c.i > 0;
INSERT INTO answer_values (id, request_id, question_id, period, status, value, value_text, value_raw,
                           lower_bound, upper_bound, refusal_section, source_message, source_sha256,
                           source_file, source_location, method, confidence, note, current, superseded_by,
                           created_at, decided_by)
SELECT v.id + c.i * {offset}, v.request_id + c.i * {offset}, v.question_id, v.period, v.status, v.value,
       v.value_text, v.value_raw, v.lower_bound, v.upper_bound, v.refusal_section,
       v.source_message + c.i * {offset}, v.source_sha256, v.source_file, v.source_location, v.method,
       v.confidence, v.note, v.current, v.superseded_by + c.i * {offset}, v.created_at, v.decided_by
FROM answer_values v JOIN copies c ON c.i > 0;
COMMIT;
PRAGMA foreign_keys = ON;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("demo", type=Path, help="a folder made by `foi demo`")
    parser.add_argument("folder", type=Path, help="the folder to write (replaced if it exists)")
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    counts = scale_folder(args.demo, args.folder, args.times)
    print(", ".join(f"{n:,} {table}" for table, n in counts.items()))


if __name__ == "__main__":
    main()
