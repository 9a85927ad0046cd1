"""Keeping what arrives: raw bytes by sha256 first, then rows.

Order matters for "nothing is ever lost": the raw message goes into the blob
store before any row refers to it, and every row for one message is written in
one transaction. Saving the same message again (another folder, a re-import, a
re-run after a dropped connection) adds at most a new location, never a copy.
"""

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from foi.mail.parse import ParsedMessage, parse_message
from foi.mail.unpack import Unpacked, unpack_parts

try:  # written by the matching work; storing works without it
    from foi.mail.triage import triage_message
except ModuleNotFoundError as missing:
    if missing.name != "foi.mail.triage":
        raise
    triage_message = None


class BlobStore:
    """Files named by their sha256, fanned out by the first two hex digits."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: a crash never leaves half a blob under its name.
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()


@dataclass(frozen=True)
class Location:
    """Where a message was seen: an IMAP folder and UID, or an imported file."""

    account: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass
class SaveResult:
    message: int  # messages.id
    new: bool
    attachments: int = 0
    undecodable: int = 0
    parse_error: str | None = None
    parsed: ParsedMessage | None = None


def find_existing(db: Database, sha256: str, parsed: ParsedMessage) -> int | None:
    """The row already holding this message: same bytes, or the same Message-ID
    with the same sender, subject and date (a copy whose transport headers differ).
    A reused Message-ID on a different message does not count: broken systems reuse them."""
    row = db.execute("SELECT id FROM messages WHERE sha256 = ?", [sha256]).fetchone()
    if row:
        return row[0]
    if not parsed.message_id:
        return None
    row = db.execute(
        "SELECT id FROM messages WHERE message_id = ? AND from_addr IS ? AND subject IS ? AND date IS ?",
        [parsed.message_id, parsed.from_addr, parsed.subject, parsed.date],
    ).fetchone()
    return row[0] if row else None


def save_message(
    db: Database, blobs: BlobStore, raw: bytes, source: str, location: Location | None = None,
    *, today: dt.date, now: dt.datetime | None = None, received_at: str | None = None,
    triage: Callable | None = triage_message,
) -> SaveResult:
    """Store one message (idempotent) and hand a new one to triage."""
    sha256 = blobs.put(raw)
    parsed = parse_message(raw)
    existing = find_existing(db, sha256, parsed)
    if existing is not None:
        with db.conn:
            _add_location(db, existing, location)
        return SaveResult(existing, False, parse_error=parsed.parse_error, parsed=parsed)
    tree = unpack_parts(parsed.attachments)
    for part in (p for top in tree for p in top.walk()):
        if part.data is not None:
            blobs.put(part.data)
    stored_at = (now.isoformat(timespec="seconds") if now else today.isoformat())
    with db.conn:
        message = _insert_message(db, sha256, raw, parsed, source, stored_at,
                                  received_at or parsed.received_date or parsed.date)
        _add_location(db, message, location)
        counts = _insert_attachments(db, message, None, tree)
    if triage is not None and parsed.email is not None:  # nothing readable to triage otherwise
        triage(db, message, parsed, today)
    return SaveResult(message, True, counts[0], counts[1], parsed.parse_error, parsed)


def _insert_message(db: Database, sha256: str, raw: bytes, parsed: ParsedMessage, source: str,
                    stored_at: str, received_at: str | None) -> int:
    error = parsed.parse_error
    cursor = db.execute(
        """INSERT INTO messages (sha256, message_id, source, size, from_addr, from_name, to_addrs,
               cc_addrs, subject, date, in_reply_to, references_, auto_submitted, body_text,
               parse_error, received_at, stored_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            sha256, parsed.message_id, source, len(raw), parsed.from_addr, parsed.from_name,
            json.dumps(parsed.to_addrs), json.dumps(parsed.cc_addrs), parsed.subject, parsed.date,
            parsed.in_reply_to, json.dumps(parsed.references), parsed.auto_submitted,
            parsed.body_text, error, received_at, stored_at,
        ],
    )
    return cursor.lastrowid


def _add_location(db: Database, message: int, location: Location | None) -> None:
    if location is not None:
        db.execute(
            "INSERT OR IGNORE INTO message_locations (message, account, folder, uidvalidity, uid)"
            " VALUES (?, ?, ?, ?, ?)",
            [message, location.account, location.folder, location.uidvalidity, location.uid],
        )


def _insert_attachments(db: Database, message: int, parent: int | None, parts: list[Unpacked]) -> tuple[int, int]:
    stored = undecodable = 0
    for position, part in enumerate(parts, 1):
        cursor = db.execute(
            """INSERT INTO attachments (message, parent, position, sha256, filename, original_filename,
                   declared_type, detected_type, size, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                message, parent, position,
                hashlib.sha256(part.data).hexdigest() if part.data is not None else None,
                part.filename, part.original_filename, part.declared_type, part.detected_type,
                len(part.data) if part.data is not None else None, part.note,
            ],
        )
        stored += 1
        undecodable += is_undecodable(part)
        below = _insert_attachments(db, message, cursor.lastrowid, part.children)
        stored, undecodable = stored + below[0], undecodable + below[1]
    return stored, undecodable


def is_undecodable(part: Unpacked) -> bool:
    """Parts a person should look at by hand: unreadable, refused or encrypted."""
    note = (part.note or "").lower()
    markers = ("undecodable", "refused", "encrypted", "unreadable")
    return part.data is None or any(marker in note for marker in markers)
