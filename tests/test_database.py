"""The schema: created by numbered migrations, applied on every open, idempotent."""

import sqlite3

import pytest

from foi.db import connect
from foi.migrations import migrations

EXPECTED_TABLES = {
    "bodies", "holidays", "campaigns", "periods", "questions", "checks", "requests",
    "outgoing", "messages", "message_locations", "imap_folders", "attachments", "events",
    "known_senders", "extractions", "answer_values", "_sqlite_migrations",
}


def test_fresh_database_has_every_table_strict_with_keys(tmp_path):
    db = connect(tmp_path / "campaign.db")
    assert set(db.table_names()) >= EXPECTED_TABLES
    for table in EXPECTED_TABLES - {"_sqlite_migrations"}:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
        assert sql.rstrip().endswith("STRICT"), table
    assert db["bodies"].pks == ["code"]
    assert db["requests"].pks == ["id"]
    assert {(fk.column, fk.other_table) for fk in db["requests"].foreign_keys} == {
        ("campaign", "campaigns"), ("body_code", "bodies"),
    }
    assert ("request_id", "requests") in {(fk.column, fk.other_table) for fk in db["answer_values"].foreign_keys}


def test_applying_twice_is_a_no_op(tmp_path):
    path = tmp_path / "campaign.db"
    db = connect(path)
    schema = db.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()[0]
    applied = [m.name for m in migrations.applied(db)]
    db.close()
    again = connect(path)
    migrations.apply(again)
    assert [m.name for m in migrations.applied(again)] == applied == [
        "0001_initial", "0002_report_views", "0003_their_reference_index", "0004_vocabulary_checks",
        "0005_due_date_computed", "0006_money_questions", "0007_percent_and_days_questions",
        "0008_not_asked", "0009_body_postal_address", "0010_question_titles",
        "0011_reference_data", "0012_decided_by", "0013_outgoing_queued",
        "0014_learned_reference_indexes", "0015_blob_checksums"]
    assert again.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()[0] == schema
    assert again.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(applied)


def test_foreign_keys_and_strict_types_are_enforced(tmp_path):
    db = connect(tmp_path / "campaign.db")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):  # a request for an unknown campaign
        db.execute(
            "INSERT INTO requests (campaign, body_code, reference, created_at, updated_at) "
            "VALUES ('nope', 'NOPE', 'X-Y-ZZZZ', 'now', 'now')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="cannot store TEXT value in INTEGER column"):  # STRICT
        db.execute("INSERT INTO bodies (code, name, type, childrens_services) VALUES ('A1', 'A', 'X', 'yes')")


def test_a_failing_migration_leaves_nothing_behind(tmp_path):
    from sqlite_utils import Migrations

    extra = Migrations("foi-test")

    @extra(name="0001_half")
    def half(db):
        db.execute("CREATE TABLE half_done (x INTEGER) STRICT")
        raise RuntimeError("boom")

    db = connect(tmp_path / "campaign.db")
    with pytest.raises(RuntimeError, match="boom"):
        extra.apply(db)
    assert "half_done" not in db.table_names()
    assert extra.applied(db) == []
