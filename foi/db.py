"""Opening the campaign database: one SQLite file, migrated on every open."""

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from foi.errors import FoiError
from foi.migrations import migrations

DEFAULT_DB = "campaign.db"


def default_db_path() -> Path:
    return Path(os.environ.get("FOI_DB") or DEFAULT_DB)


def connect(path: Path) -> Database:
    """Open `path` (creating it), enforce foreign keys and apply pending migrations.

    sqlite-utils plugins are not loaded: foi uses none, and finding them scans every
    installed package (a sixth of `foi status`)."""
    db = Database(path, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
    migrations.apply(db)
    return db



@contextlib.contextmanager
def atomic(db: Database):
    """db.atomic(), with one name for every savepoint: sqlite-utils names each one
    afresh, and each new name pushed a prepared statement out of the connection's
    cache (128), so a loop of small transactions prepared its statements again."""
    conn = db.conn
    if not conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("SAVEPOINT foi")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:  # an error may have ended the transaction already
            conn.execute("ROLLBACK TO SAVEPOINT foi")
            conn.execute("RELEASE SAVEPOINT foi")
        raise
    conn.execute("RELEASE SAVEPOINT foi")


@contextlib.contextmanager
def commits_not_waiting_for_disk(db: Database):
    """Commits inside do not wait for the disk (WAL, synchronous=NORMAL): they
    survive a crash of foi, and a power cut can undo only them; the next commit
    made the usual way makes them durable too. For writes whose loss is safe
    to recover from, such as "the server accepted the message" (lost, the
    message is uncertain and is looked for in the Sent folder)."""
    previous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        yield db
    finally:
        db.execute(f"PRAGMA synchronous = {int(previous)}")


def open_db(path: Path) -> Database:
    """Open an existing campaign database; a missing file is the user's to fix."""
    if str(path) != ":memory:" and not Path(path).exists():
        raise FoiError(
            f"No campaign database at {path}",
            "Run `foi init` in your campaign folder first, or pass --db PATH.",
        )
    return connect(Path(path))


# Plain SQL for rows read and written once per message: sqlite_utils'
# table.get/update/insert re-read the table's schema on every call (~90 queries a
# message when sending, a third of the time of triage when receiving).
def get_row(db: Database, table: str, row_id: int) -> dict:
    """One row by id, as a dict."""
    return _one(db.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id]), table, row_id)


def rows(db: Database, sql: str, params: Sequence | dict = ()) -> Iterator[dict]:
    """The rows of a read, as dicts: db.query() without its savepoint around each read
    (three statements instead of one, for a check that a read is one)."""
    cursor = db.execute(sql, params)
    names = _names(cursor)
    return (dict(zip(names, row)) for row in cursor)


def _names(cursor: sqlite3.Cursor) -> list[str]:
    return [column[0] for column in cursor.description]


def _one(cursor: sqlite3.Cursor, table: str, row_id: int) -> dict:
    """The one row `cursor` gives, as a dict; LookupError when there is none."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no {table} row {row_id}")
    return dict(zip(_names(cursor), row))


def update_row(db: Database, table: str, row_id: int, values: dict) -> None:
    """Set `values` on one row (no commit: the caller owns the transaction)."""
    assignments = ", ".join(f"{column} = ?" for column in values)
    db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id])


def update_returning(db: Database, table: str, row_id: int, values: dict, increment: str | None = None) -> dict:
    """update_row that returns the row as it now is (one statement, not a read and a
    write), adding 1 to the column `increment` if given."""
    assignments = [f"{column} = ?" for column in values] + ([f"{increment} = {increment} + 1"] if increment else [])
    return _one(db.execute(f"UPDATE {table} SET {', '.join(assignments)} WHERE id = ? RETURNING *",
                           [*values.values(), row_id]), table, row_id)


def insert_row(db: Database, table: str, values: dict) -> int:
    """Insert one row and return its id (no commit: the caller owns the transaction)."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    row_id = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())).lastrowid
    assert row_id is not None  # set by every successful INSERT
    return row_id
