"""A sync classifies each message in the worker that parses it (Triage.ahead): the outcome
must be the one triage reaches by itself, and one worked out against other references must
not be used."""

import dataclasses
import datetime as dt

import pytest

from foi import bounded
from foi.mail.within_limits import parse_all_within_limits
from foi.triage.classify import Classification
from foi.triage.run import ReadAhead, read_ahead, triage_message
from tests.builders import sent_campaign
from tests.mailfixtures import NOW, reply, store

TODAY = dt.date(2026, 3, 4)

LETTERS = [
    reply("Your request has been logged under reference FOI/2026/01234 and will be answered by 2 March.",
          subject="RE: Freedom of Information request EH-BNS-Z6VS"),
    reply("We do not hold this information.", sender="foi@leeds.gov.uk", subject="RE: EH-LDS-8Q4J"),
    reply("I am out of the office until Monday.", sender="jo@sheffield.gov.uk", subject="Automatic reply",
          headers={"Auto-Submitted": "auto-replied"}),
    reply("Please find our response attached. In 2023 there were 412 assessments and in 2024, 388.",
          sender="foi@leeds.gov.uk", subject="FOI response EH-LDS-8Q4J",
          attachments=[("response.xlsx", b"PK\x03\x04", "application",
                        "vnd.openxmlformats-officedocument.spreadsheetml.sheet")]),
    reply("We are refusing this request under section 12: the cost would exceed the limit.",
          subject="EH-BNS-Z6VS"),
    reply("Could you clarify which years you mean?", sender="foi@sheffield.gov.uk", subject="Your request"),
]


@pytest.fixture
def db(tmp_path):
    return sent_campaign(tmp_path / "campaign.db")


def outcome(row: dict) -> tuple:
    return tuple(row[k] for k in ("request_id", "match_rule", "match_evidence", "classification",
                                  "classification_evidence", "their_reference"))


def test_a_message_classified_as_it_is_read_is_triaged_as_without(db, tmp_path):
    raws = [letter.as_bytes() for letter in LETTERS]
    ahead = parse_all_within_limits(raws, read_ahead(db))
    plain = parse_all_within_limits(raws)
    assert all(isinstance(message.read_ahead, ReadAhead) for message in ahead)
    assert all(message.read_ahead is None for message in plain)
    kinds = {message.read_ahead.classification.kind for message in ahead}
    assert len(kinds) >= 5, kinds  # the letters are of different kinds: the comparison means something

    other = sent_campaign(tmp_path / "other.db")
    for letter, with_ahead, without in zip(LETTERS, ahead, plain, strict=True):
        first = triage_message(db, store(db, letter), with_ahead, "2026-03-04", NOW)
        second = triage_message(other, store(other, letter), without, "2026-03-04", NOW)
        assert outcome(first) == outcome(second)


def test_a_classification_made_against_other_references_is_not_used(db, tmp_path):
    parsed = parse_all_within_limits([LETTERS[1].as_bytes()], read_ahead(db))[0]
    ahead = parsed.read_ahead
    assert isinstance(ahead, ReadAhead) and ahead.classification.kind == "not_held"
    wrong = Classification("fee", "planted", {})
    parsed.read_ahead = dataclasses.replace(ahead, classification=wrong, ours="not-these-references")
    assert triage_message(db, store(db, LETTERS[1]), parsed, "2026-03-04", NOW)["classification"] == "not_held"
    parsed.read_ahead = dataclasses.replace(ahead, classification=wrong)  # same references: it is used
    again = sent_campaign(tmp_path / "again.db")
    assert triage_message(again, store(again, LETTERS[1]), parsed, "2026-03-04", NOW)["classification"] == "fee"


def failing(parsed, argument):
    raise ValueError("a reader's fault")


def test_work_that_fails_in_the_worker_leaves_the_message_parsed():
    [parsed] = parse_all_within_limits([LETTERS[0].as_bytes()], (failing, None))
    assert parsed.read_ahead is None and parsed.parse_error is None
    assert parsed.subject == "RE: Freedom of Information request EH-BNS-Z6VS"
    bounded.reset()


def _stored_everything(db) -> tuple:
    messages = [outcome(row) for row in db.query("SELECT * FROM messages ORDER BY id")]
    requests = list(db.query("SELECT reference, state, their_reference, first_response_at, last_message_at "
                             "FROM requests ORDER BY reference"))
    events = list(db.query("SELECT request_id, kind, occurred_on, details FROM events ORDER BY id"))
    return messages, requests, events


def test_a_message_triaged_before_its_row_is_written_is_stored_as_one_triaged_after(db, tmp_path):
    from foi.blobs import BlobStore
    from foi.mail.store import Incoming, Triage, save_messages
    from foi.triage.run import TRIAGE, requests_kept

    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    batch = [Incoming(letter.as_bytes(), None, "2026-03-03T12:00:00+00:00") for letter in LETTERS]
    save_messages(db, BlobStore(tmp_path / "blobs"), batch, "test", today=TODAY, now=NOW, triage=TRIAGE)
    db.conn.set_trace_callback(None)

    after = sent_campaign(tmp_path / "after.db")  # the row written first, then triaged and updated
    save_messages(after, BlobStore(tmp_path / "blobs-after"), batch, "test", today=TODAY, now=NOW,
                  triage=Triage(triage_message, batch=requests_kept))
    assert _stored_everything(db) == _stored_everything(after)
    assert len({row[3] for row in _stored_everything(db)[0]}) >= 5  # kinds enough to mean something
    written = {" ".join(s.split(None, 3)[:3]) for s in statements if s.lstrip().startswith(("INSERT", "UPDATE"))}
    assert "INSERT INTO messages" in written and "UPDATE messages SET" not in written  # each row written once


def test_warming_up_starts_the_thread_s_worker_with_what_parsing_needs():
    from foi.mail.within_limits import warm_up

    bounded.reset()
    warm_up()
    worker = bounded._POOL.worker()
    assert worker.process is not None and worker.process.poll() is None
    bounded.reset()
