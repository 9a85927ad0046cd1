"""Setting up a campaign folder: the database and the bundled register, the mail settings file."""

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from foi.clock import LONDON
from foi.db import connect
from foi.letters.render import copy_default_templates
from foi.reference.store import ensure_builtin_tables
from foi.register.councils import load_register


@dataclass
class InitResult:
    db_path: Path
    created: bool
    bodies: int
    campaigns: int
    backup: Path | None = None
    templates: list[Path] = field(default_factory=list)


def init_workspace(db_path: Path, *, force: bool = False, now: str | None = None) -> InitResult:
    """Create the campaign database and load the register; re-running is harmless.

    An existing database is never overwritten: without `force` it is migrated and its
    register refreshed (addresses users set are kept); with `force` it is moved aside
    to a timestamped backup and a new one is created, so nothing is lost.
    """
    db_path = Path(db_path)
    backup = None
    existed = db_path.exists()
    if existed and force:
        backup = _move_aside(db_path)
        existed = False
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(db_path)
    bodies = load_register(db, now=now)
    ensure_builtin_tables(db, refresh=True)  # the DfE figures foi ships, keyed by the register's codes
    campaigns = db["campaigns"].count
    db.close()
    templates = copy_default_templates(db_path.parent)
    return InitResult(db_path, not existed, bodies, campaigns, backup, templates)


def _move_aside(db_path: Path) -> Path:
    """Copy the database to a backup file with SQLite's backup API, then remove it."""
    backup = db_path.with_name(f"{db_path.name}.{_stamp()}.bak")
    source = sqlite3.connect(db_path)
    target = sqlite3.connect(backup)
    with target:
        source.backup(target)
    source.close()
    target.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return backup


SETTINGS_TEMPLATE = "foi.toml"  # in foi/data: every setting commented, with an example


@dataclass
class SettingsFileResult:
    path: Path
    written: bool  # False: one was there already and is left as it is
    backup: Path | None = None


def write_settings_file(path: Path, *, force: bool = False) -> SettingsFileResult:
    """Write the mail settings file to fill in (every key commented, with an example).

    One that exists is never overwritten: it is left as it is, or with `force` moved
    aside to `NAME.<timestamp>.bak` first."""
    path = Path(path)
    backup = None
    if path.exists():
        if not force:
            return SettingsFileResult(path, False)
        backup = path.with_name(f"{path.name}.{_stamp()}.bak")
        path.replace(backup)
    path.parent.mkdir(parents=True, exist_ok=True)  # as for the database
    text = resources.files("foi").joinpath(f"data/{SETTINGS_TEMPLATE}").read_text(encoding="utf-8")
    with path.open("x", encoding="utf-8") as handle:  # never over a file that appeared meanwhile
        handle.write(text)
    return SettingsFileResult(path, True, backup)


def _stamp() -> str:
    return dt.datetime.now(LONDON).strftime("%Y%m%d-%H%M%S")
