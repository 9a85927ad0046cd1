"""Opening the campaign database: one SQLite file, migrated on every open."""

import os
from pathlib import Path

from sqlite_utils import Database

from foi.errors import FoiError

DEFAULT_DB = "campaign.db"


def default_db_path() -> Path:
    return Path(os.environ.get("FOI_DB") or DEFAULT_DB)


def connect(path: Path) -> Database:
    """Open `path` (creating it), enforce foreign keys and apply pending migrations."""
    from foi.migrations import migrations

    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
    migrations.apply(db)
    return db


def open_db(path: Path) -> Database:
    """Open an existing campaign database; a missing file is the user's to fix."""
    if str(path) != ":memory:" and not Path(path).exists():
        raise FoiError(
            f"No campaign database at {path}",
            "Run `foi init` in your campaign folder first, or pass --db PATH.",
        )
    return connect(Path(path))


def blob_dir(db_path: Path) -> Path:
    """Raw mail and attachments are kept beside the database, by sha256."""
    return Path(db_path).parent / "blobs"
