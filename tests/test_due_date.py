"""One due date: letters, `foi status`, the requests export and the request_log view
agree, also after a holiday is added (the stored requests.due_date did not move)."""

import csv
import datetime as dt
import io
import json

import pytest

from foi.letters.render import Sender, build_context
from tests.builders import example_campaign, example_db

TODAY = dt.date(2026, 3, 10)
SENDER = Sender("Jo Bloggs", "jo@charity.test")


@pytest.fixture
def db(run, monkeypatch):
    db = example_campaign()
    run("mark-sent", "early-help", "BNS", "--via", "portal", "--on", "2026-03-04")
    monkeypatch.setenv("FOI_NOW", "2026-03-10T09:00:00+00:00")
    return db


def due_dates(db, run) -> dict[str, object]:
    """BNS's due date as each reader sees it."""
    request = next(db.query("SELECT * FROM requests WHERE body_code = 'BNS'"))
    letter = build_context(db, request, kind="reminder", sender=SENDER, today=TODAY)["dates"]["due_date"]
    status = {r["body_code"]: r for r in json.loads(run("status", "early-help", "--json").stdout)["requests"]}
    export = {r["body_code"]: r for r in csv.DictReader(io.StringIO(
        run("export", "early-help", "--what", "requests").stdout))}
    [log] = db.query("SELECT * FROM request_log WHERE body_code = 'BNS'")
    return {"letter": letter, "status": status["BNS"]["due_date"], "export": export["BNS"]["due_date"],
            "log": log.get("due_date", "not in the view")}


def test_a_holiday_moves_every_due_date_at_once(db, run):
    assert due_dates(db, run) == {"letter": "2 April 2026", "status": "2026-04-02", "export": "2026-04-02",
                                  "log": "not in the view"}
    run("holidays", "add", "2026-03-20", "Proclaimed bank holiday")
    # One working day later: Friday 3 April is Good Friday and Monday 6 April Easter Monday.
    assert due_dates(db, run) == {"letter": "7 April 2026", "status": "2026-04-07", "export": "2026-04-07",
                                  "log": "not in the view"}
    run("holidays", "remove", "2026-03-20")
    assert due_dates(db, run)["status"] == "2026-04-02"


def test_no_due_date_is_stored():
    db = example_db()
    assert "due_date" not in db["requests"].columns_dict
    assert "due_date" not in {column.name for column in db["request_log"].columns}
