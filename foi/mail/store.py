"""Keeping what arrives: raw bytes by sha256 first, then rows.

Order matters for "nothing is ever lost": the raw message goes into the blob
store before any row refers to it, and every row for one message is written in
one transaction. Saving the same message again (another folder, a re-import, a
re-run after a dropped connection) adds at most a new location, never a copy.
"""

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlite_utils import Database

from foi.blobs import BlobStore
from foi.clock import timestamp_or_start_of
from foi.db import atomic
from foi.mail.parse import ParsedMessage
from foi.mail.unpack import Unpacked
from foi.mail.within_limits import Then, parse_all_within_limits, unpack_all_within_limits, unpack_within_limits


@dataclass(frozen=True)
class Triage:
    """What storage hands each new message to. Storage knows nothing of requests: the
    caller passes foi.triage.run.TRIAGE (sync, import, the demo), a fake (tests), or None
    to store only.

    `message(db, row_id, parsed, today, now)` (now: the ISO timestamp it is stored at)
    runs inside the transaction that stores the
    message (row_id is its `messages` row), so both commit or neither does; `batch(db)`,
    if given, wraps the transaction of each batch (triage reads the requests once there
    instead of once per message)."""

    message: Callable[[Database, int, ParsedMessage, dt.date, str], object]
    batch: Callable[[Database], AbstractContextManager[object]] | None = None
    # Given the database (before a sync reads anything), what the worker applies to each
    # message it parses for the sync (see parse_all_within_limits): the work of `message`
    # that needs no database, left on ParsedMessage.read_ahead, done while other messages
    # are stored.
    ahead: Callable[[Database], Then] | None = None
    # `message`'s work done before the row is written: given (db, parsed, today, now), the
    # columns triage sets on the row (written with it, not after it) and what is left to do
    # once it is written, given the row's id, date and received_at (in the same transaction).
    decide: Callable[[Database, ParsedMessage, dt.date, str], "Decided"] | None = None


Decided = tuple[dict, Callable[[dict], None]]


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
    triage_error: str | None = None


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


@dataclass
class Incoming:
    """One message as it arrived, with where it was seen."""

    raw: bytes
    location: Location | None = None
    received_at: str | None = None


@dataclass
class _Prepared:
    incoming: Incoming
    sha256: str
    parsed: ParsedMessage
    tree: list[Unpacked] | None  # None when the message is already stored


def save_message(
    db: Database, blobs: BlobStore, raw: bytes, source: str, location: Location | None = None,
    *, today: dt.date, triage: Triage | None, now: dt.datetime | None = None,
    received_at: str | None = None,
) -> SaveResult:
    """Store one message (idempotent) and hand a new one to triage."""
    return save_messages(db, blobs, [Incoming(raw, location, received_at)], source,
                         today=today, now=now, triage=triage)[0]


def save_messages(
    db: Database, blobs: BlobStore, batch: list[Incoming], source: str, *, today: dt.date,
    triage: Triage | None, now: dt.datetime | None = None,
) -> list[SaveResult]:
    """Store a batch of messages (idempotent) and hand each new one to triage.

    Every raw message and attachment is on disk, in one sync, before any row
    names it; then the rows of the whole batch are written in one transaction
    (a commit per message was a fifth of the time of a sync)."""
    read = read_batch(blobs, batch, stored=lambda sha256, parsed: find_existing(db, sha256, parsed) is not None)
    return save_read(db, blobs, read, source, today=today, triage=triage, now=now)


@dataclass
class ReadBatch:
    """A batch parsed and unpacked, its files written beside their names, nothing stored
    yet: what `read_batch` gives `save_read`."""

    items: list[_Prepared]
    staged: BlobStore  # holds this batch's files until save_read makes them durable
    checked: bool  # whether a message already stored was left unpacked (tree None)
    files_written: bool = False  # whether the unpacked files are written beside their names

    def keep_files(self) -> None:
        """Write the unpacked files beside their names, then make the batch's files durable
        under them. A sync does it in a thread of its own (foi.mail.fetch) while the next
        batch is read: each new file is a wait on the disk; save_read does what is left."""
        if not self.files_written:
            for item in self.items:
                if item.tree is not None:
                    _staged(self.staged, item.tree)
            self.files_written = True
        self.staged.flush()


def read_batch(blobs: BlobStore, batch: list[Incoming],
               stored: Callable[[str, ParsedMessage], bool] | None = None, then: Then | None = None) -> ReadBatch:
    """Stage, parse and unpack the batch's messages; a copy of an earlier one in the batch,
    or one `stored(sha256, parsed)` says is kept already, is not unpacked. Reads no
    database without `stored`, so a thread can read the next batch while one is stored.
    `then`: see Triage.ahead."""
    staged = blobs.beside()
    # Writing the raw messages waits on the disk while the worker process parses them:
    # the two overlap (a thread for the files; the parse holds no lock while it waits).
    with ThreadPoolExecutor(1) as pool:
        staging = pool.submit(lambda: [staged.stage(incoming.raw) for incoming in batch])
        parsed = parse_all_within_limits([incoming.raw for incoming in batch], then)
        shas = staging.result()
    seen: set = set()
    prepared, new = [], []
    for incoming, sha256, message in zip(batch, shas, parsed, strict=True):
        keys = {sha256, (message.message_id, message.from_addr, message.subject, message.date)
                if message.message_id else sha256}
        repeat = bool(keys & seen)
        seen.update(keys)
        prepared.append(_Prepared(incoming, sha256, message, None))
        if not repeat and not (stored and stored(sha256, message)):
            new.append(prepared[-1])
    for item, tree in zip(new, unpack_all_within_limits([item.parsed.attachments for item in new]), strict=True):
        item.tree = tree  # its files are written by ReadBatch.keep_files
    return ReadBatch(prepared, staged, stored is not None)


def save_read(db: Database, blobs: BlobStore, read: ReadBatch, source: str, *, today: dt.date,
              triage: Triage | None, now: dt.datetime | None = None) -> list[SaveResult]:
    """Store a batch `read_batch` read, as save_messages does."""
    read.keep_files()
    if not read.checked:  # read without the database: one stored since is a new location only
        for item in read.items:
            if item.tree is not None and find_existing(db, item.sha256, item.parsed) is not None:
                item.tree = None
    stored_at = timestamp_or_start_of(today, now)
    with db.atomic(), _batch(db, triage):
        return [_save_prepared(db, blobs, item, source, stored_at, today, triage) for item in read.items]


def _batch(db: Database, triage: Triage | None) -> AbstractContextManager[object]:
    if triage is None or triage.batch is None:
        return contextlib.nullcontext()
    return triage.batch(db)


def _staged(blobs: BlobStore, tree: list[Unpacked]) -> list[Unpacked]:
    for part in (p for top in tree for p in top.walk()):
        if part.data is not None:
            blobs.stage(part.data)
    return tree


def _unpack_and_stage(blobs: BlobStore, parsed: ParsedMessage) -> list[Unpacked]:
    return _staged(blobs, unpack_within_limits(parsed.attachments))


def _save_prepared(db: Database, blobs: BlobStore, item: _Prepared, source: str, stored_at: str,
                   today: dt.date, triage: Triage | None) -> SaveResult:
    parsed, location = item.parsed, item.incoming.location
    if item.tree is None:  # stored before, or earlier in this batch (see _prepare)
        existing = find_existing(db, item.sha256, parsed)
        if existing is not None:
            with db.atomic():
                _add_location(db, existing, location)
            return SaveResult(existing, False, parse_error=parsed.parse_error, parsed=parsed)
        item.tree = _unpack_and_stage(blobs, parsed)  # its earlier copy is gone: store this one
        blobs.flush()
    # The rows and the triage commit together: a crash never leaves a stored
    # message that was not triaged (a re-sync would skip it as already stored).
    received_at = item.incoming.received_at or parsed.received_date or parsed.date
    try:
        with atomic(db):
            if triage is not None and triage.decide is not None and parsed.email is not None:
                columns, left = triage.decide(db, parsed, today, stored_at)
                message, counts = _insert_rows(db, item, source, stored_at, received_at, columns)
                left({"id": message, "date": parsed.date, "received_at": received_at})
            else:
                message, counts = _insert_rows(db, item, source, stored_at, received_at)
                if triage is not None and parsed.email is not None:  # nothing readable to triage otherwise
                    triage.message(db, message, parsed, today, stored_at)
        return SaveResult(message, True, counts[0], counts[1], parsed.parse_error, parsed)
    except Exception as error:  # a triage fault must not lose the message
        if triage is None:
            raise
        problem = f"triage failed: {type(error).__name__}: {error}"
    with db.atomic():  # keep the message, unmatched, saying why; `foi inbox` shows it
        message, counts = _insert_rows(db, item, source, stored_at, received_at)
        db.execute("UPDATE messages SET classification = 'unclassified', classification_evidence = ?"
                   " WHERE id = ?", [json.dumps({"evidence": [problem]}), message])
    return SaveResult(message, True, counts[0], counts[1], parsed.parse_error, parsed, problem)


def _insert_rows(db: Database, item: _Prepared, source: str, stored_at: str,
                 received_at: str | None, columns: dict | None = None) -> tuple[int, tuple[int, int]]:
    message = _insert_message(db, item.sha256, item.incoming.raw, item.parsed, source, stored_at, received_at,
                              columns or {})
    _add_location(db, message, item.incoming.location)
    assert item.tree is not None  # unpacked by _save_prepared before any row is written
    return message, _insert_attachments(db, message, None, item.tree)


def _insert_message(db: Database, sha256: str, raw: bytes, parsed: ParsedMessage, source: str,
                    stored_at: str, received_at: str | None, columns: dict) -> int:
    error = parsed.parse_error
    cursor = db.execute(
        f"""INSERT INTO messages (sha256, message_id, source, size, from_addr, from_name, to_addrs,
               cc_addrs, subject, date, in_reply_to, references_, auto_submitted, body_text,
               parse_error, received_at, stored_at{"".join(f", {name}" for name in columns)})
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?{", ?" * len(columns)})""",
        [
            sha256, parsed.message_id, source, len(raw), parsed.from_addr, parsed.from_name,
            json.dumps(parsed.to_addrs), json.dumps(parsed.cc_addrs), parsed.subject, parsed.date,
            parsed.in_reply_to, json.dumps(parsed.references), parsed.auto_submitted,
            parsed.body_text, error, received_at, stored_at, *columns.values(),
        ],
    )
    assert cursor.lastrowid is not None  # set by the INSERT
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


# Words in an attachment's note that say it (or what is inside it) was not read: unpack.py
# and within_limits.py write them; `foi review` lists such attachments.
NOT_READ_MARKERS = ("undecodable", "refused", "encrypted", "unreadable", "not unpacked", "unpacking stopped",
                    "not opened")


def is_undecodable(part: Unpacked) -> bool:
    """Parts a person should look at by hand: unreadable, refused, encrypted, or not opened."""
    note = (part.note or "").lower()
    return part.data is None or any(marker in note for marker in NOT_READ_MARKERS)
