"""Migration names: sqlite-utils knows an applied migration only by its name, so
names are numbered in order, never reused, and a renamed one is safe to re-run."""

import itertools
import re

from sqlite_utils import Database, Migrations

from foi.db import connect
from foi.migrations import m0001_initial, m0002_report_views, m0003_their_reference_index, migrations

# As shipped before the index migration got its own number.
OLD_NAMES = ["0001_initial", "0002_report_views", "0002_bench_their_reference_index"]


def names() -> list[str]:
    return [migration.name for migration in migrations.pending(Database(memory=True))]


def schema(db: Database) -> list[tuple]:
    return db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                      "ORDER BY type, name").fetchall()


def test_names_are_numbered_uniquely_and_in_order():
    numbers = []
    for name in names():
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+", name), name
        numbers.append(int(name[:4]))
    assert numbers[0] == 1
    assert all(later > earlier for earlier, later in itertools.pairwise(numbers)), names()


def test_a_database_made_under_the_old_names_upgrades_cleanly(tmp_path):
    old = Migrations("foi")
    for name, function in zip(OLD_NAMES, (m0001_initial, m0002_report_views, m0003_their_reference_index)):
        old(name=name)(function)
    path = tmp_path / "campaign.db"
    made = Database(path)
    old.apply(made)
    made["holidays"].insert({"date": "2026-03-20", "name": "Local holiday", "added_at": "2026-03-01T09:00:00+00:00"})
    made.close()

    db = connect(path)
    expected = OLD_NAMES + [name for name in names() if name not in OLD_NAMES]
    assert [m.name for m in migrations.applied(db)] == expected
    assert migrations.pending(db) == []
    assert schema(db) == schema(connect(tmp_path / "fresh.db"))
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'messages_their_reference'").fetchone() == (1,)
    assert db.execute("SELECT date, name FROM holidays").fetchall() == [("2026-03-20", "Local holiday")]
    db.close()
    assert [m.name for m in migrations.applied(connect(path))] == expected  # nothing ran twice


def test_learned_references_are_read_through_indexes_not_a_scan_of_all_mail():
    """Run for every message no rule places: a scan of every message each time made a sync
    grow with the square of the mail."""
    from foi.triage.learned import LEARNED_IN_EVIDENCE, LEARNED_REFERENCES

    db = connect(":memory:")
    for sql in (LEARNED_REFERENCES, LEARNED_IN_EVIDENCE):
        plan = " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "SCAN" not in plan.replace("COVERING INDEX", ""), plan
        assert "USING" in plan and "INDEX" in plan, plan
