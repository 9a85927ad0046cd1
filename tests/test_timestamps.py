"""Every time foi records is an ISO timestamp with its offset, also when `foi import`
and `foi sync` triage a reply (they used to write the bare day)."""

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.builders import example_campaign

IMPORTED_AT = "2026-03-11T15:30:00+00:00"


@pytest.fixture
def db(run):
    db = example_campaign()
    run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", "2026-03-04")
    return db


def reply(reference: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "foi@barnsley.gov.uk", "campaign@charity.test"
    message["Subject"], message["Message-ID"] = f"RE: {reference}", "<ack-1@barnsley.gov.uk>"
    message["Date"] = "Tue, 10 Mar 2026 09:12:00 +0000"
    message.set_content("Thank you for your request, which we received on 4 March 2026. "
                        "We will respond within 20 working days. Our reference: FOI/2026/0456.")
    return message.as_bytes()


def is_timestamp(text: str) -> bool:
    moment = dt.datetime.fromisoformat(text)
    return len(text) > 10 and moment.tzinfo is not None


def test_import_with_triage_writes_full_timestamps(db, run, monkeypatch):
    reference = db.execute("SELECT reference FROM requests WHERE body_code = 'BNS'").fetchone()[0]
    Path("replies").mkdir()
    Path("replies/ack.eml").write_bytes(reply(reference))
    monkeypatch.setenv("FOI_NOW", IMPORTED_AT)
    run("import", "--no-extract", "replies")

    [request] = db.query("SELECT state, updated_at FROM requests WHERE body_code = 'BNS'")
    assert request == {"state": "acknowledged", "updated_at": IMPORTED_AT}
    [event] = db.query("SELECT kind, occurred_on, recorded_at FROM events WHERE kind = 'state_changed'")
    assert event == {"kind": "state_changed", "occurred_on": "2026-03-10", "recorded_at": IMPORTED_AT}
    [message] = db.query("SELECT classification, stored_at FROM messages")
    assert message == {"classification": "acknowledgement", "stored_at": IMPORTED_AT}
    times = [value for row in db.query("SELECT recorded_at FROM events UNION ALL SELECT updated_at FROM requests")
             for value in row.values()]
    assert all(is_timestamp(value) for value in times), times


def test_a_library_caller_without_a_time_gets_the_start_of_the_day(db):
    from foi.blobs import BlobStore, blob_dir
    from foi.mail.store import save_message
    from foi.triage.run import TRIAGE

    reference = db.execute("SELECT reference FROM requests WHERE body_code = 'BNS'").fetchone()[0]
    save_message(db, BlobStore(blob_dir(Path("campaign.db"))), reply(reference), "import",
                 today=dt.date(2026, 3, 11), triage=TRIAGE)
    [request] = db.query("SELECT state, updated_at FROM requests WHERE body_code = 'BNS'")
    assert request == {"state": "acknowledged", "updated_at": "2026-03-11T00:00:00+00:00"}
    assert db.execute("SELECT recorded_at FROM events WHERE kind = 'state_changed'").fetchone() == (
        "2026-03-11T00:00:00+00:00",)
