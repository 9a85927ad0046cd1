"""`foi status` and `foi report` read a migrated database with sqlite3 alone (foi.dbread): the same rows
as through sqlite-utils, and a database that needs migrating is migrated first."""

import json
import os
import subprocess
import sys

from sqlite_utils import Database, Migrations

from foi.db import connect
from foi.dbread import LATEST_MIGRATION, ReadingDb, open_for_reading
from foi.migrations import migrations
from foi.register.councils import load_register
from tests.builders import create_campaign, make_campaign

# Runs `foi status` (or the command given) in a fresh interpreter and reports which libraries it loaded.
WHAT_STATUS_LOADS = """
import json, sys
from foi.cli import main
sys.argv = ["foi", *(sys.argv[1:] or ["status", "eh"]), "--json"]
try:
    main()
except SystemExit as end:
    code = end.code
print(json.dumps({"code": code, "sqlite_utils": "sqlite_utils" in sys.modules}), file=sys.stderr)
"""


def run_status(folder, *command):
    env = {**os.environ, "FOI_NOW": "2026-03-04T10:00:00+00:00"}
    done = subprocess.run([sys.executable, "-c", WHAT_STATUS_LOADS, *command], cwd=folder, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout), json.loads(done.stderr.strip().splitlines()[-1])


def test_the_latest_migration_is_the_one_the_reader_looks_for():
    assert [m.name for m in migrations.pending(Database(memory=True))][-1] == LATEST_MIGRATION


def test_rows_are_the_same_dicts_as_sqlite_utils_gives(tmp_path):
    make_campaign(str(tmp_path / "campaign.db"), count=5)
    sql = ("SELECT r.*, b.name, b.code, b.name FROM requests r JOIN bodies b ON b.code = r.body_code "
           "WHERE r.campaign = ? ORDER BY r.id")
    through_sqlite_utils = list(connect(tmp_path / "campaign.db").query(sql, ["eh"]))
    reader = open_for_reading(tmp_path / "campaign.db")
    assert isinstance(reader, ReadingDb)
    assert list(reader.query(sql, ["eh"])) == through_sqlite_utils
    assert "name_2" in through_sqlite_utils[0]  # the repeated column was renamed alike
    assert reader.execute("SELECT count(*) FROM requests WHERE campaign = ?", ["eh"]).fetchone() == (5,)


def test_a_database_not_yet_migrated_or_missing_is_left_to_foi_db(tmp_path):
    assert open_for_reading(tmp_path / "none.db") is None
    (tmp_path / "junk.db").write_bytes(b"not a database at all, just some bytes" * 50)
    assert open_for_reading(tmp_path / "junk.db") is None
    make_campaign(str(tmp_path / "campaign.db"), count=3)
    db = Database(tmp_path / "campaign.db")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [LATEST_MIGRATION])
    db.conn.commit()
    assert open_for_reading(tmp_path / "campaign.db") is None


def test_status_reads_a_migrated_database_without_sqlite_utils(tmp_path):
    make_campaign(str(tmp_path / "campaign.db"), count=4)
    shown, loaded = run_status(tmp_path)
    assert loaded == {"code": 0, "sqlite_utils": False}
    assert shown["summary"]["requests"] == 4
    assert {row["state"] for row in shown["requests"]} == {"draft"}


def test_status_migrates_an_older_database_first(tmp_path):
    """A campaign made by the foi before the latest migration: status migrates it, then reads."""
    older = Migrations("foi")
    for migration in migrations.pending(Database(memory=True))[:-1]:
        older(name=migration.name)(migration.fn)
    db = Database(tmp_path / "campaign.db")
    older.apply(db)
    load_register(db)
    create_campaign(db, tmp_path, slug="eh", recipients=["BNS", "MAN", "LDS"])
    db.close()
    shown, loaded = run_status(tmp_path)
    assert loaded == {"code": 0, "sqlite_utils": True}  # opened by foi.db, which migrates
    assert shown["summary"]["requests"] == 3
    assert Database(tmp_path / "campaign.db").execute(
        "SELECT count(*) FROM _sqlite_migrations WHERE name = ?", [LATEST_MIGRATION]).fetchone() == (1,)


def test_the_report_reads_without_sqlite_utils_once_the_shipped_tables_are_in(tmp_path):
    make_campaign(str(tmp_path / "campaign.db"), count=4)
    connect(tmp_path / "campaign.db").execute("DELETE FROM reference_tables")  # as made before foi shipped them
    first, loaded = run_status(tmp_path, "report", "eh")
    assert loaded == {"code": 0, "sqlite_utils": True}  # the tables had to be loaded: written through foi.db
    tables = Database(tmp_path / "campaign.db").execute("SELECT count(*) FROM reference_tables").fetchone()[0]
    assert tables > 0
    again, loaded = run_status(tmp_path, "report", "eh")
    assert loaded == {"code": 0, "sqlite_utils": False}
    assert again == first
    assert again["requests"]["recipients"] == 4
