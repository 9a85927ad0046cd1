"""Exports for publication and for the record: the dataset, the requests, the
messages (CSV, JSON or xlsx) and every council's correspondence as a zip.

The dataset comes from the `dataset` view, the same rows the report counts;
due dates and chases come from foi.tracking.status, so they agree with `foi status`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import queue
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple, cast

from foi.blobs import blob_path
from foi.campaign.campaigns import get_campaign as require_campaign, get_periods, get_questions
from foi.dbread import Queries
from foi.errors import FoiError
from foi.measures.cells import cells_by_question
from foi.measures.compute import campaign_measures, compute_cells
from foi.output import write_csv, write_json
from foi.reference.store import reference_values
from foi.report.zipwrite import Member, ZipWriter, copied_member, make_member
from foi.safetext import one_line
from foi.tracking.status import status_rows

DATASET_COLUMNS = ["campaign", "body_code", "gss_code", "body_name", "region", "question_id", "period",
                   "value", "value_raw", "status", "lower_bound", "upper_bound", "source_message_id",
                   "source_file", "source_location", "method"]
REQUEST_COLUMNS = ["campaign", "body_code", "gss_code", "body_name", "email", "state", "sent_at",
                   "due_date", "first_response_at", "council_reference", "chases", "last_message_at"]
MESSAGE_COLUMNS = ["campaign", "body_code", "body_name", "request_reference", "date", "direction",
                   "from", "to", "subject", "classification", "match_rule", "attachments", "message_id",
                   "sha256", "body"]
MEASURE_COLUMNS = ["body_code", "body_name", "gss_code", "region", "measure", "period", "value", "low", "high",
                   "note", "formula"]
COLUMNS = {"dataset": DATASET_COLUMNS, "requests": REQUEST_COLUMNS, "messages": MESSAGE_COLUMNS,
           "measures": MEASURE_COLUMNS}

STATUS_MEANINGS = {
    "answered": "The council gave a number (or text) for this question and period.",
    "suppressed": "The council withheld a small number (e.g. '<5'); lower_bound and upper_bound give "
                  "the range it implies.",
    "not_held": "The council said it does not hold this information.",
    "refused": "The council refused this part of the request (section in the source).",
    "needs_review": "To be confirmed: a value was found but could not be read with confidence (or two "
                    "readings disagree); `foi review` lists the readings. It is not counted, and its value is empty.",
    "missing": "No value is recorded for this council (no reply yet, bounced, or not extracted).",
    "not_asked": "The council was never asked this: the question or period was added to the campaign after "
                 "its request was sent. Not counted in the shares.",
}


def _plain_number(value):
    """12.0 -> 12, so exports show counts as people write them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dataset_rows(db: Queries, slug: str) -> list[dict]:
    """One row per recipient x question x period, 'missing' (or 'not_asked') where no value is in force."""
    require_campaign(db, slug)
    rows = db.query("""
        SELECT d.* FROM dataset d
        JOIN questions q ON q.campaign = d.campaign AND q.id = d.question_id
        JOIN periods p ON p.campaign = d.campaign AND p.period = d.period
        WHERE d.campaign = ? ORDER BY d.body_name, d.body_code, q.position, p.position""", [slug])
    # _plain_number written out, and only for the columns that may hold a number (the tables are
    # STRICT: the others hold text): a call for each of the 400,000 cells at ten times the model
    # campaign, then a look at each of them (0.06 s), now at 69,000 (0.02 s).
    out = list(rows)
    for row in out:
        for column in NUMBER_COLUMNS:
            if isinstance(value := row[column], float) and value.is_integer():
                row[column] = int(value)
    return out


# The columns of the dataset view that may hold a number: coalesce(value, value_text), and the bounds (REAL).
NUMBER_COLUMNS = ("value", "lower_bound", "upper_bound")


def measure_rows(db: Queries, slug: str) -> list[dict]:
    """One row per council x period x measure: the value when exact, else the range it
    lies in (low, high) or no value, with the note saying why."""
    require_campaign(db, slug)
    measures = campaign_measures(db, slug)
    if not measures:
        raise FoiError(f"Campaign {slug!r} has no measures to export",
                       "Add [[measures]] to its campaign file and run `foi campaign create --update FILE`.")
    bodies = {row["code"]: row for row in db.query(
        "SELECT b.code, b.name, b.gss_code, b.region FROM bodies b JOIN requests r ON r.body_code = b.code "
        "WHERE r.campaign = ?", [slug])}
    position = {period: i for i, period in enumerate(get_periods(db, slug))}
    # The dataset and each reference table read once for all measures, not once a question a measure.
    answers = cells_by_question(db.query(
        "SELECT question_id, body_code, period, value, value_raw, status, lower_bound, upper_bound FROM dataset "
        "WHERE campaign = ?", [slug]))
    reference_of = functools.cache(lambda name: reference_values(db, name))
    rows = []
    for order, measure in enumerate(measures):
        for cell in compute_cells(db, slug, measure, questions=answers, reference_of=reference_of):
            body = bodies[cell.body_code]
            rows.append((body["name"], cell.body_code, order, position[cell.period], {
                "body_code": cell.body_code, "body_name": body["name"], "gss_code": body["gss_code"],
                "region": body["region"], "measure": measure.id, "period": cell.period,
                "value": _exported(cell.value), "low": _exported(cell.low), "high": _exported(cell.high),
                "note": cell.note or None, "formula": measure.formula}))
    return [row[-1] for row in sorted(rows, key=lambda row: row[:-1])]


def _exported(value: float | None) -> int | float | None:
    """A computed figure without float noise (0.30000000000000004 is 0.3), counts as whole numbers."""
    return None if value is None else _plain_number(round(value, 10))


def request_rows(db: Queries, slug: str, today: dt.date) -> list[dict]:
    """One row per request; due date and chases as `foi status` shows them."""
    tracked = {row.request_id: row for row in status_rows(db, slug, today)}
    rows = db.query("""
        SELECT r.id, r.campaign, r.body_code, b.gss_code, b.name AS body_name,
               coalesce(nullif(r.email, ''), b.foi_email) AS email, r.state, r.sent_at, r.sent_on,
               r.first_response_at, r.their_reference AS council_reference, r.last_message_at
        FROM requests r JOIN bodies b ON b.code = r.body_code
        WHERE r.campaign = ? ORDER BY b.name, r.body_code""", [slug])
    out = []
    for row in rows:
        status = tracked[row.pop("id")]
        row["sent_at"] = row["sent_at"] or row["sent_on"]
        row["due_date"] = str(status.due) if status.due else None  # an open review's, as status shows
        row["chases"] = status.chases
        out.append({c: row.get(c) for c in REQUEST_COLUMNS})
    return out


# The campaign's messages, received and sent: what message_rows and the correspondence zip list.
RECEIVED = """FROM messages m JOIN requests r ON r.id = m.request_id JOIN bodies b ON b.code = r.body_code
              WHERE r.campaign = ?"""
SENT = """FROM outgoing o JOIN requests r ON r.id = o.request_id JOIN bodies b ON b.code = r.body_code
          WHERE r.campaign = ? AND o.state = 'sent'"""
SENT_DATE = "coalesce(o.sent_at, o.attempted_at, o.created_at)"


def _oldest_first(rows: list[dict]) -> list[dict]:
    """Messages by council, then date (received before sent on the same second)."""
    return sorted(rows, key=lambda r: (r["body_name"], r["date"] or "", r["direction"]))


def message_rows(db: Queries, slug: str, blobs: Path | None = None) -> list[dict]:
    """Every stored message of the campaign, received and sent, oldest first."""
    require_campaign(db, slug)
    received = db.query("""
        SELECT r.campaign, r.body_code, b.name AS body_name, r.reference AS request_reference,
               m.date, 'in' AS direction, m.from_addr AS "from", m.to_addrs AS "to", m.subject,
               m.classification, m.match_rule,
               (SELECT count(*) FROM attachments a WHERE a.message = m.id AND a.sha256 IS NOT NULL) AS attachments,
               m.message_id, m.sha256, m.body_text AS body
        """ + RECEIVED, [slug])
    sent = db.query("""
        SELECT r.campaign, r.body_code, b.name AS body_name, r.reference AS request_reference,
               """ + SENT_DATE + """ AS date, 'out' AS direction,
               NULL AS "from", o.to_addr AS "to", o.subject, o.kind AS classification,
               NULL AS match_rule, 0 AS attachments, o.message_id, o.raw_sha256 AS sha256, NULL AS body
        """ + SENT, [slug])
    rows = list(received) + list(sent)
    for row in rows:
        if row["direction"] == "out":
            row["from"], row["body"] = _sent_parts(blobs, row["sha256"])
    return _oldest_first(rows)


def _sent_parts(blobs: Path | None, sha256: str | None) -> tuple[str | None, str | None]:
    """Sender and text of a message we sent, read back from its raw copy when kept."""
    import email.policy  # lazy: start-up (the mail machinery, for the messages export only)
    from email.contentmanager import raw_data_manager  # lazy: start-up (as email.policy)
    from email.message import EmailMessage  # lazy: start-up (as email.policy)
    from email.parser import BytesParser  # lazy: start-up (as email.policy)

    from foi.mail.parse import decode_header_text  # lazy: start-up (as email.policy)

    path = blob_path(blobs, sha256) if blobs and sha256 else None
    if not path or not path.exists():
        return None, None
    # compat32 reads a header as the text it arrived as; the default policy parses every
    # header it reads and made this ~5x slower (most of an export of messages)
    parsed = cast(EmailMessage, BytesParser(EmailMessage, policy=email.policy.compat32).parsebytes(path.read_bytes()))
    part = parsed.get_body(preferencelist=("plain",))
    sender = decode_header_text(str(parsed.get("From") or ""))
    return sender or None, raw_data_manager.get_content(part) if part else None


def export_rows(db: Queries, slug: str, what: str, today: dt.date, blobs: Path | None = None) -> list[dict]:
    if what == "dataset":
        return dataset_rows(db, slug)
    if what == "requests":
        return request_rows(db, slug, today)
    if what == "messages":
        return message_rows(db, slug, blobs)
    if what == "measures":
        return measure_rows(db, slug)
    raise FoiError(f"Cannot export {what!r} as a table", "Use dataset, requests, messages or measures.")


def write_table(rows: list[dict], what: str, fmt: str, out: IO[str]) -> None:
    if fmt == "csv":
        write_csv(rows, COLUMNS[what], out)
    elif fmt == "json":
        write_json([{c: row.get(c) for c in COLUMNS[what]} for row in rows], out)
    else:
        raise FoiError(f"Format {fmt!r} is not a text format", "Use csv or json, or xlsx with -o FILE.")


# ---- the README sheet ------------------------------------------------------------------

# How the figures were read and are counted, and where they come from: the About sheet of
# the xlsx and the data package (foi.report.package) both say it in these words.
METHOD_NOTES = [
    ("Suppressed bounds", "A withheld small number is kept as a range: '<5' is 0 to 4, '1-5' is 1 to 5. "
                          "Zero stays possible because councils differ in what they suppress. A blank "
                          "upper bound means the council gave no threshold."),
    ("Shares", "Shares in the report are of all recipients of the request, not of those that answered "
               "(less any not asked a question or period added after their request was sent)."),
    ("Totals", "Totals add the answered values only, and always say how many councils they cover; "
               "suppressed values are reported apart with the range they imply."),
    ("Method", "Values are read from the councils' replies and attachments automatically (method auto) "
               "or entered by hand (manual); each row names its source message (Message-ID), file and "
               "location in the file."),
]
SOURCE_NOTES = [
    ("Register of councils", "Council names, codes and regions: mySociety's uk_local_authority_names_and_codes, "
                             "CC BY 4.0; GSS codes from ONS/GOV.UK data, Open Government Licence v3.0."),
    ("Replies", "The figures are the councils' own, released under the Freedom of Information Act 2000."),
]


def about_lines(db: Queries, slug: str, what: str, today: dt.date) -> list[tuple[str, str]]:
    """(heading, text) pairs describing the export: sources, licence and method."""
    campaign = require_campaign(db, slug)
    lines = [("Campaign", f"{campaign['title']} ({slug})"),
             ("Exported", f"{what}, as of {today}"),
             ("", "")]
    for q in get_questions(db, slug):
        lines.append((f"Question {q['id']}", f"{q['text']} ({q['kind']})"))
    lines.append(("Periods", ", ".join(get_periods(db, slug))))
    lines += measure_lines(db, slug)
    lines.append(("", ""))
    lines += [(f"Status: {k}", v) for k, v in STATUS_MEANINGS.items()]
    lines += [("", ""), *METHOD_NOTES, ("", ""), *SOURCE_NOTES]
    return lines


def measure_lines(db: Queries, slug: str) -> list[tuple[str, str]]:
    """Each measure's formula, and how its values are worked out (nothing without measures)."""
    measures = campaign_measures(db, slug)
    if not measures:
        return []
    lines = [(f"Measure {m.id}", f"{m.title or m.id} = {m.formula} ({m.format})" + (f". {m.note}" if m.note else ""))
             for m in measures]
    lines.append(("Measures", MEASURE_METHOD))
    return lines


MEASURE_METHOD = (
    "Worked out for each council and period from its answers and the reference tables named ref.NAME. "
    "value is given when the result is exact. A suppressed answer ('<5' is 0 to 4) makes the result a range, "
    "from low to high, and value is empty. An answer or reference figure that is missing, refused, not held "
    "or to be confirmed, or a division by zero (or by a range that includes zero), gives no value, never zero: "
    "note says which. A percent measure is a share: 0.25 is 25%.")


# ---- correspondence ------------------------------------------------------------------------

class CorrespondenceFile(NamedTuple):
    """A file of the correspondence zip: its name there, the sha256 of its blob, whether it
    is a message (else an attachment), and for a message the bytes of the attachments it
    carries (in base64 in it), as the attachments table records them."""

    name: str
    sha256: str | None
    is_message: bool
    attached: int = 0


# A name of these characters, with no space or dot at its end and no two spaces together,
# is safe as it is (most names are: dates, numbers, words): checked at once, rather than
# in the steps of _made_safe (the 14,477 names of the 10x campaign's correspondence zip:
# 0.011 s against 0.047 s).
PLAIN_NAME = re.compile(r"[A-Za-z0-9_(),&'+-][A-Za-z0-9 _(),&'+.-]*")
DEVICE_NAME = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?")


def safe_name(name: str | None, fallback: str = "file", limit: int = 80) -> str:
    """A file or folder name that is safe on Windows, macOS and Linux, and inside a zip:
    one component (no separator, no leading dot, so no traversal and no absolute path),
    no control or bidi character ("answer\u202evsc.exe" is "answervsc.exe"), no device name."""
    if (name and len(name) <= limit and PLAIN_NAME.fullmatch(name) and not name.endswith((" ", "."))
            and "  " not in name and not DEVICE_NAME.fullmatch(name)):
        return name
    return _made_safe(name, fallback, limit)


def _made_safe(name: str | None, fallback: str, limit: int) -> str:
    text = one_line(unicodedata.normalize("NFKC", name or ""))
    text = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', "_", text)
    text = " ".join(text.split()).strip(" .")
    if not text or DEVICE_NAME.fullmatch(text):
        text = fallback
    if len(text) > limit:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else text[:limit]
    return text


def write_correspondence(db: Queries, slug: str, blobs: Path, out: IO[bytes]) -> dict:
    """Zip each council's messages (.eml) and attachments into a folder per council.
    Returns counts; a raw file missing from the blob store is listed in MISSING.txt.
    The CRC-32s worked out are recorded (blob_checksums), so that a later export copies
    those blobs into the zip without reading them."""
    councils, files = correspondence_files(db, slug)
    known = blob_checksums(db)
    found: dict[str, int] = {}
    counts = {"councils": councils, "messages": 0, "attachments": 0, "missing": 0}
    missing: list[str] = []
    archive = ZipWriter(out)
    for file, member in _read_ahead(blobs, files, known):
        if member is None:
            missing.append(f"{file.name} (sha256 {file.sha256 or 'not recorded'})")
            continue
        try:
            crc = archive.add(member)
        finally:
            if member.source is not None:
                os.close(member.source)
        if member.crc is None or file.sha256 not in known:
            found[cast(str, file.sha256)] = crc
        counts["messages" if file.is_message else "attachments"] += 1
    if missing:
        text = "Raw files not found in the blob store:\n" + "\n".join(missing) + "\n"
        archive.add(make_member("MISSING.txt", text.encode("utf-8"), deflate=True, mtime=time.time()))
    archive.close()
    save_blob_checksums(db.conn, found)
    counts["missing"] = len(missing)
    return counts


def blob_checksums(db: Queries) -> dict[str, int]:
    """sha256 -> CRC-32 of each blob whose checksum is recorded."""
    return dict(db.execute("SELECT sha256, crc32 FROM blob_checksums").fetchall())


def save_blob_checksums(conn: sqlite3.Connection, found: dict[str, int]) -> None:
    """Record the CRC-32 of blobs (sha256 -> checksum). On a database foi may not write to
    (read-only, or busy beyond the wait), nothing is recorded: the zip is whole all the
    same, and the next export works them out again."""
    if not found:
        return
    try:
        with conn:
            conn.execute("INSERT OR IGNORE INTO blob_checksums (sha256, crc32) SELECT key, value FROM json_each(?)",
                         [json.dumps(found)])
    except sqlite3.OperationalError:
        return


def correspondence_files(db: Queries, slug: str) -> tuple[int, list[CorrespondenceFile]]:
    """The councils with a message, and each file of the correspondence zip in its order:
    (name in the zip, sha256 of its blob, whether it is a message rather than an attachment)."""
    by_council: dict[str, list[dict]] = {}
    for row in _listed_messages(db, slug):
        by_council.setdefault(f"{row['body_code']} {row['body_name']}", []).append(row)
    attachments = _attachments_by_message(db, slug)
    files: list[CorrespondenceFile] = []
    for council, rows in sorted(by_council.items()):
        folder = safe_name(council, "council")
        for number, row in enumerate(rows, 1):
            day = (row["date"] or "")[:10] or "undated"
            stem = f"{day} {number:02d} {row['direction']} {row['classification'] or ''}"
            stem = safe_name(stem.strip(), f"{number:02d}")
            carried = attachments.get(row["sha256"], []) if row["direction"] == "in" else []
            attached = sum(a["size"] or 0 for a in carried if a["parent"] is None)
            files.append(CorrespondenceFile(f"{folder}/{stem}.eml", row["sha256"], True, attached))
            files += _attachment_files([a for a in carried if a["sha256"]], f"{folder}/{stem} attachments")
    return len(by_council), files


def _listed_messages(db: Queries, slug: str) -> list[dict]:
    """Of every message of message_rows, in its order, what names its file in the zip and
    finds its blob: not its text, addresses and subject (which made reading them 2.5 times as long)."""
    require_campaign(db, slug)
    rows = list(db.query("""
        SELECT r.body_code, b.name AS body_name, m.date, 'in' AS direction, m.classification, m.sha256
        """ + RECEIVED, [slug]))
    rows += db.query("""
        SELECT r.body_code, b.name AS body_name, """ + SENT_DATE + """ AS date,
               'out' AS direction, o.kind AS classification, o.raw_sha256 AS sha256
        """ + SENT, [slug])
    return _oldest_first(rows)


def _attachments_by_message(db: Queries, slug: str) -> dict[str, list[dict]]:
    """sha256 of a message -> its attachments, in order, kept or not (those not kept are
    in the message all the same): one query for the campaign (one a message was 8,720
    queries at ten times the model campaign)."""
    found: dict[str, list[dict]] = {}
    for row in db.query("""
            SELECT m.sha256 AS message_sha256, a.sha256, coalesce(a.filename, a.original_filename) AS name,
                   a.position, a.parent, a.size
            FROM attachments a JOIN messages m ON m.id = a.message
            WHERE m.sha256 IN (
                SELECT m2.sha256 FROM messages m2 JOIN requests r ON r.id = m2.request_id WHERE r.campaign = ?)
            ORDER BY m.sha256, a.parent IS NOT NULL, a.parent, a.position""", [slug]):
        found.setdefault(row["message_sha256"], []).append(row)
    return found


def _attachment_files(rows: list[dict], folder: str) -> list[CorrespondenceFile]:
    """Each attachment's file in `folder`: a safe name, made unique ("table (2).xlsx")."""
    used: set[str] = set()
    files: list[CorrespondenceFile] = []
    for row in rows:
        name = safe_name(row["name"], f"attachment-{row['position']}")
        base, n = name, 2
        while name.lower() in used:
            stem, dot, ext = base.rpartition(".")
            name = f"{stem} ({n}).{ext}" if dot else f"{base} ({n})"
            n += 1
        used.add(name.lower())
        files.append(CorrespondenceFile(f"{folder}/{name}", row["sha256"], False))
    return files


# Files that are compressed already (Office files and other zips, PDFs, images) are stored:
# deflating them again saves nothing and took nearly all the time of an export.
PACKED = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")
PACKED_HEAD = max(map(len, PACKED))  # the bytes of a file that say whether it is packed


def is_mostly_attachments(size: int, attached: int) -> bool:
    """Whether a message of `size` bytes is mostly the base64 of the `attached` bytes of
    attachments it carries (base64 is 4/3 of them): deflate saves a quarter of base64, at
    ~35 MB/s (2.8 s of the 10x campaign's 4.6 s export, to save 26 MB of 347); letters and
    HTML without attachments shrink several times, quickly."""
    return attached * 8 > size * 3


def _read_blob(blobs: Path, file: CorrespondenceFile, known: dict[str, int] | None = None) -> Member | None:
    """The zip member for the file's blob, with its file's date and mode: deflated, or
    stored (packed files and messages that are mostly attachments) and then, when its
    checksum is `known`, left open for the zip to copy it; None when it is not in the store."""
    if not file.sha256:
        return None
    path = f"{os.fspath(blobs)}/{file.sha256[:2]}/{file.sha256}"  # blob_path, without a Path object a file
    try:
        source = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        found = os.fstat(source)
        crc = known.get(file.sha256) if known else None
        if crc is not None and _stored(os.pread(source, PACKED_HEAD, 0), found.st_size, file):
            copied = copied_member(file.name, source, size=found.st_size, crc=crc, mtime=found.st_mtime,
                                   mode=found.st_mode)
            source = -1  # the member's, closed once it is written
            return copied
        data = _read_file(source, found.st_size)
    finally:
        if source >= 0:
            os.close(source)
    return make_member(file.name, data, deflate=not _stored(data, len(data), file), mtime=found.st_mtime,
                       mode=found.st_mode)


def _read_file(source: int, size: int) -> bytes:
    """The `size` bytes of an open file (fewer if it is shorter): in one call where it can be
    (a file of 2 GB or more takes several). Not through a file object: making one (its
    checks of the file) took longer than reading the 6,149 small messages of the 10x campaign."""
    data = os.pread(source, size, 0)
    if len(data) == size:
        return data
    parts, done = [data], len(data)
    while done < size and (chunk := os.pread(source, size - done, done)):
        parts.append(chunk)
        done += len(chunk)
    return b"".join(parts)


def _stored(head: bytes, size: int, file: CorrespondenceFile) -> bool:
    """Whether a file starting `head` of `size` bytes is stored in the zip (as it is) rather than deflated."""
    return head.startswith(PACKED) or is_mostly_attachments(size, file.attached)


READ_AHEAD = 32  # files read ahead of the zip being written: a few MB at most
# Files handed over at a time: handed over one at a time (a lock, and a switch of threads
# each), the 10x campaign's 13,000 files took the reading thread 1.03 s, in eights 0.91 s
# (0.65 s read in one thread, nothing else running).
BATCH = 8


def _read_ahead(blobs: Path, files: list[CorrespondenceFile], known: dict[str, int] | None = None,
                ) -> Iterator[tuple[CorrespondenceFile, Member | None]]:
    """Each file with its _read_blob, read, checksummed and deflated by a thread of its own
    while the caller writes the ones before: zlib lets go of the interpreter while it
    deflates and checksums, and the disk while it reads, so the two overlap."""
    ahead: queue.Queue = queue.Queue(maxsize=READ_AHEAD // BATCH)
    stop = threading.Event()
    done = object()

    def read_all() -> None:
        try:
            for start in range(0, len(files), BATCH):
                if stop.is_set():
                    return
                ahead.put([(file, _read_blob(blobs, file, known)) for file in files[start:start + BATCH]])
            ahead.put(done)
        except Exception as error:  # noqa: BLE001 - not swallowed: handed to the writer, which raises it
            ahead.put(error)

    reader = threading.Thread(target=read_all, name="foi-read-ahead", daemon=True)
    reader.start()
    held: list = []  # of the batch at hand, the files not yet handed over (the last first)
    try:
        while (item := ahead.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            held = item[::-1]
            while held:
                yield held.pop()
    finally:
        stop.set()
        _close_sources(held)  # a file left open to copy is closed when it is not handed over
        while reader.is_alive():  # a reader waiting for room stops at its next file
            try:
                _close_sources(ahead.get(timeout=0.1))
            except queue.Empty:
                pass
        while not ahead.empty():
            _close_sources(ahead.get_nowait())


def _close_sources(item: object) -> None:
    """Close the files left open to copy in a batch of _read_ahead's (or anything else it queued)."""
    if isinstance(item, list):
        for _, member in item:
            if member is not None and member.source is not None:
                os.close(member.source)
