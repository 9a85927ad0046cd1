"""`foi fee-paid` and `foi reviewed`: the clock events nothing recorded before,
so after a fees notice a request was never overdue."""

import datetime as dt
import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from foi.tracking.states import Source, apply_transition
from foi.tracking.status import status_rows
from foi.vocabulary import EventKind
from tests.builders import example_campaign

FEES_NOTICE = ("Under section 9 of the Act we are issuing a fees notice. The fee of £120.50 covers "
               "photocopying and postage. We will not process your request until the fee is paid.")
REFUSAL = ("The Council has decided to refuse your request. Locating the information would exceed the "
           "appropriate limit under section 12.")


@pytest.fixture
def db(run):
    db = example_campaign()
    run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", "2026-03-04")  # due 2 April
    return db


def receive(db, run, monkeypatch, body: str, date: str) -> None:
    reference = db.execute("SELECT reference FROM requests WHERE body_code = 'BNS'").fetchone()[0]
    message = EmailMessage()
    message["From"], message["To"] = "foi@barnsley.gov.uk", "campaign@charity.test"
    message["Subject"], message["Message-ID"] = f"RE: {reference}", f"<{date}@barnsley.gov.uk>"
    message["Date"] = dt.datetime.fromisoformat(f"{date}T10:00:00+00:00").strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(body)
    Path("in").mkdir(exist_ok=True)
    Path(f"in/{date}.eml").write_bytes(message.as_bytes())
    monkeypatch.setenv("FOI_NOW", f"{date}T18:00:00+00:00")
    run("import", "--no-extract", "in")


def status(run, monkeypatch, now: str) -> dict:
    monkeypatch.setenv("FOI_NOW", now)
    [row] = [r for r in json.loads(run("status", "early-help", "--json").stdout)["requests"] if r["body_code"] == "BNS"]
    return {key: row[key] for key in ("state", "due_date", "overdue", "days_overdue")}


def test_a_fee_paid_restarts_the_clock_and_the_request_becomes_overdue(db, run, monkeypatch):
    receive(db, run, monkeypatch, FEES_NOTICE, "2026-03-11")
    # The clock stopped at the fees notice: never overdue, however long it waits.
    assert status(run, monkeypatch, "2026-06-01T09:00:00+01:00") == {
        "state": "fee_requested", "due_date": "2026-04-02", "overdue": False, "days_overdue": 0}

    monkeypatch.setenv("FOI_NOW", "2026-03-20T09:00:00+00:00")
    dry = run("fee-paid", "early-help", "BNS", "--on", "2026-03-18", "--dry-run")
    assert ("Would record EH-BNS-592V (Barnsley Metropolitan Borough Council): fee paid on 2026-03-18; "
            "due 2026-04-10; state fee_requested -> awaiting_response.") in dry.stderr
    assert db.execute("SELECT count(*) FROM events WHERE kind = 'fee_paid'").fetchone() == (0,)

    run("fee-paid", "early-help", "BNS", "--on", "2026-03-18")
    # 12, 13, 16 and 18 March (17th: St Patrick's Day) are disregarded: 2 April -> 10 April
    # (Good Friday and Easter Monday skipped).
    assert status(run, monkeypatch, "2026-04-10T17:00:00+01:00") == {
        "state": "awaiting_response", "due_date": "2026-04-10", "overdue": False, "days_overdue": 0}
    assert status(run, monkeypatch, "2026-04-13T09:00:00+01:00") == {
        "state": "awaiting_response", "due_date": "2026-04-10", "overdue": True, "days_overdue": 1}
    [event] = db.query("SELECT kind, occurred_on, recorded_at, actor, details FROM events WHERE kind = 'fee_paid'")
    assert {**event, "details": json.loads(event["details"])} == {
        "kind": "fee_paid", "occurred_on": "2026-03-18", "recorded_at": "2026-03-20T09:00:00+00:00", "actor": "user",
        "details": {"from": "fee_requested", "to": "awaiting_response", "note": "fee paid",
                    "fees_notice_on": "2026-03-11"}}

    again = run("fee-paid", "early-help", "BNS", "--on", "2026-03-18", ok=False)
    assert again.exit_code == 1 and "has no unpaid fees notice; a payment is already recorded" in again.stderr


def test_fee_paid_needs_a_fees_notice_and_a_sensible_day(db, run, monkeypatch):
    none = run("fee-paid", "early-help", "BNS", "--on", "2026-03-04", ok=False)
    assert none.exit_code == 1 and "EH-BNS-592V (Barnsley Metropolitan Borough Council) has no unpaid fees notice" \
        in none.stderr
    receive(db, run, monkeypatch, FEES_NOTICE, "2026-03-11")
    early = run("fee-paid", "early-help", "BNS", "--on", "2026-03-10", ok=False)
    assert "--on 2026-03-10 is before the fees notice of 2026-03-11" in early.stderr
    future = run("fee-paid", "early-help", "BNS", "--on", "2026-03-12", ok=False)
    assert "--on 2026-03-12 is in the future" in future.stderr


def ask_for_review(db, on: str) -> None:
    """What `foi chase --stage review` records once its email is sent."""
    request = next(db.query("SELECT * FROM requests WHERE body_code = 'BNS'"))
    apply_transition(db, request, "internal_review", source=Source.REVIEW, when=f"{on}T09:00:00+01:00", on=on,
                     event=EventKind.REVIEW_REQUESTED, details={"note": "internal review requested by email"})


@pytest.mark.parametrize("outcome, state", [(None, "refused"), ("upheld", "refused"),
                                            ("overturned", "answered"), ("partly", "answered_partial")])
def test_a_review_answered_stops_the_review_clock(db, run, monkeypatch, outcome, state):
    receive(db, run, monkeypatch, REFUSAL, "2026-04-01")
    ask_for_review(db, "2026-04-08")  # due 7 May
    late = dt.date(2026, 5, 20)
    [row] = [r for r in status_rows(db, "early-help", late) if r.body_code == "BNS"]
    assert (row.state, row.deadline.review_due, row.deadline.review_days_overdue) == (
        "internal_review", dt.date(2026, 5, 7), 9)

    monkeypatch.setenv("FOI_NOW", "2026-05-20T09:00:00+01:00")
    run("reviewed", "early-help", "BNS", "--on", "2026-05-15", *(["--outcome", outcome] if outcome else []))
    [row] = [r for r in status_rows(db, "early-help", late) if r.body_code == "BNS"]
    assert (row.state, row.deadline.review_responded_on, row.deadline.review_days_overdue) == (
        state, dt.date(2026, 5, 15), 0)
    [details] = [json.loads(d) for d, in db.execute("SELECT details FROM events WHERE kind = 'review_answered'")]
    assert (details["from"], details["to"], details["outcome"]) == ("internal_review", state, outcome)

    again = run("reviewed", "early-help", "BNS", "--on", "2026-05-15", ok=False)
    assert "the internal review was answered on 2026-05-15" in again.stderr


def test_review_answered_needs_a_review(db, run):
    result = run("reviewed", "early-help", "BNS", "--on", "2026-03-04", ok=False)
    assert result.exit_code == 1 and "has no internal review requested" in result.stderr
