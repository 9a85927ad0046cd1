"""foi.db's plain reads and savepoints behave as sqlite-utils' query() and atomic()."""

import pytest

from foi.db import atomic, rows
from tests.builders import sent_campaign


def test_rows_reads_as_query_does(tmp_path):
    db = sent_campaign(tmp_path / "campaign.db")
    sql = "SELECT r.*, b.name AS body_name FROM requests r JOIN bodies b ON b.code = r.body_code WHERE r.id > ?"
    assert list(rows(db, sql, [1])) == list(db.query(sql, [1]))
    assert list(rows(db, "SELECT id FROM requests WHERE id = :id", {"id": 2})) == [{"id": 2}]


def refuse_then_fail(db):
    with atomic(db):
        db.execute("UPDATE requests SET state = 'refused' WHERE id = 2")
        raise ValueError("undo this part")


def test_a_savepoint_undoes_only_its_own_writes_and_commits_with_the_transaction(tmp_path):
    db = sent_campaign(tmp_path / "campaign.db")
    with db.atomic():
        db.execute("UPDATE requests SET state = 'answered' WHERE id = 1")
        with pytest.raises(ValueError, match="undo this part"):
            refuse_then_fail(db)
        with atomic(db):
            db.execute("UPDATE requests SET state = 'withdrawn' WHERE id = 3")
    states = dict(db.execute("SELECT id, state FROM requests WHERE id <= 3").fetchall())
    assert states == {1: "answered", 2: "awaiting_response", 3: "withdrawn"}
    with atomic(db):  # outside a transaction it is one, committed
        db.execute("UPDATE requests SET state = 'answered' WHERE id = 2")
    assert not db.conn.in_transaction
    assert db.execute("SELECT state FROM requests WHERE id = 2").fetchone() == ("answered",)


def test_savepoints_of_one_name_nest(tmp_path):
    """Every savepoint is named alike; an inner one undone leaves the outer one's writes."""
    db = sent_campaign(tmp_path / "campaign.db")
    with db.atomic(), atomic(db):
        db.execute("UPDATE requests SET state = 'answered' WHERE id = 1")
        with pytest.raises(ValueError, match="undo this part"):
            refuse_then_fail(db)
    states = dict(db.execute("SELECT id, state FROM requests WHERE id <= 2").fetchall())
    assert states == {1: "answered", 2: "awaiting_response"}
