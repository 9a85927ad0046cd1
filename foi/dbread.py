"""Opening the campaign database only to read it, for commands that must start fast.

Importing sqlite-utils costs more than the rest of `foi status` together (its
regular expressions and plugin machinery). A command that only reads uses sqlite3
directly, once the database is known to be fully migrated; a database that needs
migrating (or does not exist) is opened the usual way, by foi.db, which migrates it.
"""

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

# The newest migration in foi.migrations (tests/test_dbread.py checks that they agree).
LATEST_MIGRATION = "0015_blob_checksums"


class Queries(Protocol):
    """What reading code needs of a database: sqlite_utils.Database has all three."""

    conn: sqlite3.Connection  # for a cache a reading command keeps (foi export's blob checksums)

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None) -> Iterator[dict]: ...

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None) -> sqlite3.Cursor: ...


class ReadingDb:
    """query() and execute() as sqlite_utils.Database gives them, on a plain connection."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None) -> Iterator[dict]:
        cursor = self.conn.execute(sql, params or [])
        keys = _dedupe([column[0] for column in cursor.description])
        return (dict(zip(keys, row)) for row in cursor)

    def execute(self, sql: str, parameters: Sequence | dict[str, Any] | None = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters or [])


def _dedupe(keys: list[str]) -> list[str]:
    """A second column of the same name becomes name_2 (or _3, past a name already
    taken), as sqlite-utils names it."""
    taken = set(keys)
    if len(taken) == len(keys):
        return keys
    seen: set[str] = set()
    named = []
    for key in keys:
        name, number = key, 2
        while key in seen and (name in seen or name in taken):
            name, number = f"{key}_{number}", number + 1
        seen.add(name)
        named.append(name)
    return named


def open_for_reading(path: Path) -> ReadingDb | None:
    """The database at `path` to read, or None when it must be opened with foi.db
    (missing, not yet migrated to this version of foi, or left by a killed `foi send`
    with requests still to move: foi.db moves them)."""
    if str(path) == ":memory:" or not Path(path).is_file():
        return None
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA busy_timeout = 5000")
    try:
        migrated = conn.execute("SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'foi' AND name = ?",
                                [LATEST_MIGRATION]).fetchone()
    except sqlite3.DatabaseError:  # no migrations table, or not a database: foi.db says what is wrong
        migrated = None
    if not migrated or interrupted_send(conn):
        conn.close()
        return None
    return ReadingDb(conn)


# outgoing.queued of a message whose turn came and whose request is not yet moved for it
# (foi.sending.outgoing); never a boot id, which is a UUID.
SEND_TURN = "turn"


def interrupted_send(db: Queries | sqlite3.Connection) -> bool:
    """Whether a `foi send` stopped (or is running) with a message whose turn came and
    whose request is not yet moved for it."""
    return db.execute("SELECT 1 FROM outgoing WHERE queued = ? LIMIT 1", [SEND_TURN]).fetchone() is not None
