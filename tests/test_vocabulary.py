"""The vocabulary is defined once (foi/vocabulary.py) and the database refuses anything else."""

import re
import sqlite3

import pytest

from foi.tracking.states import STATE_RANK, STATES
from foi.vocabulary import (
    OPEN_STATES,
    SENDABLE_STATES,
    STORED_VALUE_STATUSES,
    WAITING_STATES,
    EventKind,
    MessageKind,
    OutgoingKind,
    OutgoingState,
    RequestState,
    ValueStatus,
    names,
)
from tests.builders import EXAMPLE, NOW, example_campaign

MADE_UP = "out_of_office"


@pytest.fixture
def db():
    db = example_campaign()
    return db


def request_id(db) -> int:
    return db.execute("SELECT id FROM requests WHERE body_code = 'BNS'").fetchone()[0]


def insert_event(db, kind: str) -> None:
    db.execute("INSERT INTO events (request_id, kind, occurred_on, recorded_at) VALUES (?, ?, ?, ?)",
               [request_id(db), kind, "2026-03-04", NOW])


def insert_message(db, classification: str | None) -> int:
    return db.execute("INSERT INTO messages (sha256, source, size, classification, stored_at) "
                      "VALUES (?, 'test', 1, ?, ?)", [f"sha-{classification}", classification, NOW]).lastrowid


def insert_value(db, status: str) -> None:
    db.execute("INSERT INTO answer_values (request_id, question_id, period, status, method, created_at) "
               "VALUES (?, 'q1', '2024-25', ?, 'manual', ?)", [request_id(db), status, NOW])


def allowed_by_schema(db, table: str, column: str) -> set[str]:
    """The names a CHECK constraint or a vocabulary trigger lists for table.column."""
    sql = " ".join(row[0] for row in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", [table]))
    found = re.findall(rf"\b{column}\s+(?:TEXT NOT NULL\s+)?(?:CHECK \(\s*{column}\s+)?(?:NOT )?IN \(([^)]*)\)", sql)
    assert found, f"nothing restricts {table}.{column}"
    return {name for group in found for name in re.findall(r"'([^']+)'", group)}


@pytest.mark.parametrize("table, column, enum", [
    ("requests", "state", RequestState),
    ("events", "kind", EventKind),
    ("messages", "classification", MessageKind),
    ("answer_values", "status", STORED_VALUE_STATUSES),
    ("outgoing", "state", OutgoingState),
    ("outgoing", "kind", OutgoingKind),
])
def test_the_database_allows_exactly_the_vocabulary(db, table, column, enum):
    assert allowed_by_schema(db, table, column) == set(names(enum))


def test_every_state_is_accepted_and_a_made_up_one_refused(db):
    rid = request_id(db)
    for state in RequestState:
        db.execute("UPDATE requests SET state = ? WHERE id = ?", [state, rid])
    with pytest.raises(sqlite3.IntegrityError, match=r"requests\.state"):
        db.execute("UPDATE requests SET state = ? WHERE id = ?", [MADE_UP, rid])
    with pytest.raises(sqlite3.IntegrityError, match=r"requests\.state"):
        db.execute("INSERT INTO requests (campaign, body_code, reference, state, created_at, updated_at) "
                   "VALUES ('early-help', 'KEN', 'EH-KEN-X', ?, ?, ?)", [MADE_UP, NOW, NOW])


def test_every_event_kind_is_accepted_and_a_made_up_one_refused(db):
    for kind in EventKind:
        insert_event(db, kind)
    for kind in ("acknowledged", "refused", "review_response"):  # names nothing writes
        with pytest.raises(sqlite3.IntegrityError, match=r"events\.kind"):
            insert_event(db, kind)
    with pytest.raises(sqlite3.IntegrityError, match=r"events\.kind"):
        db.execute("UPDATE events SET kind = ? WHERE kind = 'created'", [MADE_UP])


def test_every_classification_is_accepted_and_a_made_up_one_refused(db):
    for kind in MessageKind:
        insert_message(db, kind)
    pending = insert_message(db, None)  # not triaged yet
    for kind in (MADE_UP, "delivery_failure"):
        with pytest.raises(sqlite3.IntegrityError, match=r"messages\.classification"):
            insert_message(db, kind)
    with pytest.raises(sqlite3.IntegrityError, match=r"messages\.classification"):
        db.execute("UPDATE messages SET classification = ? WHERE id = ?", [MADE_UP, pending])


def test_every_stored_value_status_is_accepted_and_missing_refused(db):
    for status in STORED_VALUE_STATUSES:
        insert_value(db, status)
    for status in (ValueStatus.MISSING, MADE_UP):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            insert_value(db, status)


def test_every_state_is_ranked_and_the_subsets_are_states():
    assert set(STATE_RANK) == set(RequestState) and tuple(names(RequestState)) == STATES
    assert STATE_RANK[RequestState.SENDING] == STATE_RANK[RequestState.DRAFT]
    assert SENDABLE_STATES.isdisjoint(WAITING_STATES) and WAITING_STATES < OPEN_STATES


def test_the_export_explains_every_value_status():
    from foi.report.export import STATUS_MEANINGS
    from foi.report.summary import VALUE_STATUSES

    assert list(STATUS_MEANINGS) == VALUE_STATUSES == names(ValueStatus)


def test_the_readme_state_table_lists_every_state():
    readme = (EXAMPLE.parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("#### Request states", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"\b[a-z]+(?:_[a-z]+)*\b", " ".join(
        line.split("|")[1] for line in table.splitlines() if line.startswith("| ") and "---" not in line)))
    assert listed - {"state"} == set(RequestState)


def test_set_state_help_lists_exactly_the_states_a_person_may_set(run):
    from foi.vocabulary import SETTABLE_STATES

    text = run("set-state", "--help").stdout
    listed = set(text.split("States:", 1)[1].split("Example:", 1)[0].split())
    assert listed == set(names(SETTABLE_STATES)) == set(names(RequestState)) - {"sending"}


def test_sending_cannot_be_set_by_hand(db, run):
    result = run("set-state", "early-help", "BNS", "sending", ok=False)
    assert result.exit_code == 1
    assert "cannot be set to 'sending' by hand" in result.output
    assert db.execute("SELECT state FROM requests WHERE body_code = 'BNS'").fetchone() == ("draft",)
