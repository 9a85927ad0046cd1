"""`foi mark-sent`: a request submitted by hand starts the statutory clock."""

import datetime as dt
import json
import re

import pytest

from foi.tracking.deadlines import due_date
from tests.builders import example_campaign


@pytest.fixture
def db():
    return example_campaign()


def bns(db):
    return next(db.query("SELECT * FROM requests WHERE body_code = 'BNS'"))


def sent_events(db):
    return list(db.query("SELECT kind, occurred_on, recorded_at, actor, details FROM events WHERE kind = 'sent'"))


def test_mark_sent_sets_the_clock_and_records_an_event(db, run):
    result = run("mark-sent", "early-help", "barnsley", "--via", "portal", "--on", "2026-03-02",
                 "--ref", "FOI/2026/0123")
    assert "EH-BNS-592V (Barnsley Metropolitan Borough Council) as sent via portal on 2026-03-02" in result.stderr
    row = bns(db)
    assert (row["state"], row["sent_via"], row["sent_on"], row["sent_at"], row["their_reference"]) == (
        "awaiting_response", "portal", "2026-03-02", "2026-03-02T00:00:00+00:00", "FOI/2026/0123")
    # working day 20 from Monday 2 March (17 March skipped)
    assert due_date(db, row, dt.date(2026, 3, 4)) == dt.date(2026, 3, 31)
    [event] = sent_events(db)
    assert {**event, "details": json.loads(event["details"])} == {
        "kind": "sent", "occurred_on": "2026-03-02", "recorded_at": "2026-03-04T10:00:00+00:00", "actor": "user",
        "details": {"via": "portal", "their_reference": "FOI/2026/0123", "recorded_by": "mark-sent",
                    "from": "draft", "to": "awaiting_response"}}


@pytest.mark.parametrize(("on", "sent_at"), [
    ("2026-03-04", "2026-03-04T10:00:00+00:00"),  # recorded the day it went: the moment recorded
    ("2026-02-27", "2026-02-27T00:00:00+00:00"),  # sent earlier: that day, not the day typed in
])
def test_sent_at_is_the_day_sent_not_the_day_it_was_recorded(db, run, on, sent_at):
    run("mark-sent", "early-help", "BNS", "--via", "post", "--on", on)
    assert (bns(db)["sent_on"], bns(db)["sent_at"]) == (on, sent_at)
    exported = json.loads(run("export", "early-help", "--what", "requests", "--format", "json").stdout)
    assert [r["sent_at"] for r in exported if r["body_code"] == "BNS"] == [sent_at]


def test_a_day_in_summer_time_starts_at_midnight_in_london():
    from foi.sending.mark_sent import sent_at

    assert sent_at("2026-06-01", "2026-06-03T09:00:00+01:00") == "2026-06-01T00:00:00+01:00"
    assert sent_at("2026-06-03", "2026-06-02T23:30:00+00:00") == "2026-06-02T23:30:00+00:00"


def test_already_sent_is_refused_unless_forced(db, run):
    run("mark-sent", "early-help", "BNS", "--via", "post", "--on", "2026-03-02")
    failed = run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", "2026-03-03", ok=False)
    assert failed.exit_code == 1 and re.search("already sent on 2026-03-02 via post", failed.stderr)
    run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", "2026-03-03", "--force")
    assert (bns(db)["sent_via"], bns(db)["sent_on"]) == ("portal", "2026-03-03")
    events = sent_events(db)
    assert len(events) == 2 and json.loads(events[1]["details"])["replaces"]["sent_on"] == "2026-03-02"


@pytest.mark.parametrize("day, message, code", [
    ("2026-03-05", "--on 2026-03-05 is in the future", 1),  # a date, but not one that has happened
    ("02/03/2026", "'--on': '02/03/2026' is not a date foi can read: write it as YYYY-MM-DD", 2),
    ("2026-02-30", "'--on': '2026-02-30' is not a date: day is out of range for month", 2),
])
def test_bad_dates_are_refused(db, run, day, message, code):
    failed = run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", day, ok=False)
    assert failed.exit_code == code and message in failed.stderr
    assert bns(db)["state"] == "draft"


def test_dry_run_and_unknown_body(db, run):
    result = run("mark-sent", "early-help", "BNS", "--via", "email", "--on", "2026-03-04", "--dry-run")
    assert result.stderr.startswith("Would record EH-BNS-592V")
    assert bns(db)["state"] == "draft" and sent_events(db) == []
    failed = run("mark-sent", "early-help", "ADU", "--via", "post", "--on", "2026-03-02", ok=False)
    assert failed.exit_code == 1 and re.search("has no request to Adur District Council", failed.stderr)
