"""Deadlines that follow the case, and `foi status`."""

import datetime as dt
import json

import pytest

from foi.campaign.references import make_reference
from foi.tracking.deadlines import CaseEvent, compute_deadline
from foi.tracking.workdays import build_calendar
from tests.builders import insert_campaign, insert_request, register_db

D = dt.date.fromisoformat
CAL = build_calendar()


def test_plain_request_due_and_very_overdue():
    case = compute_deadline(CAL, D("2026-03-04"), [], today=D("2026-04-03"))
    assert case.due == D("2026-04-02")
    assert case.very_overdue_after == D("2026-05-05")
    # 3 April 2026 is Good Friday: overdue from the next calendar day, 0 working days late.
    assert (case.overdue, case.days_overdue, case.very_overdue) == (True, 0, False)
    on_time = compute_deadline(CAL, D("2026-03-04"), [], today=D("2026-04-02"))
    assert (on_time.overdue, on_time.days_overdue) == (False, 0)
    late = compute_deadline(CAL, D("2026-03-04"), [], today=D("2026-05-06"))
    assert late.very_overdue and late.days_overdue == 21


def test_hand_worked_timeline_with_clarification_and_extension():
    # Sent Wed 4 March 2026. Clarification asked 10 March: clock stops. We answer on
    # Mon 16 March: 20 working days afresh, skipping 17 Mar (St Patrick's Day, NI),
    # 3 Apr (Good Friday), 6 Apr (Easter Monday): due Thu 16 April. On 1 April the
    # council extends by 20 further working days (4 May is a bank holiday): Fri 15 May.
    events = [CaseEvent("clarification_requested", D("2026-03-10")),
              CaseEvent("clarification_given", D("2026-03-16"))]
    stopped = compute_deadline(CAL, D("2026-03-04"), events[:1], today=D("2026-04-20"))
    assert stopped.due is None and stopped.stopped_since == D("2026-03-10")
    assert stopped.days_overdue == 0 and stopped.days_elapsed == 4
    restarted = compute_deadline(CAL, D("2026-03-04"), events, today=D("2026-04-17"))
    assert restarted.due == D("2026-04-16") and restarted.days_overdue == 1
    extended = compute_deadline(CAL, D("2026-03-04"), events + [CaseEvent("extension", D("2026-04-01"))],
                                today=D("2026-04-17"))
    assert extended.due == D("2026-05-15") and extended.days_overdue == 0
    given = compute_deadline(CAL, D("2026-03-04"), events + [CaseEvent("extension", D("2026-04-01"), D("2026-04-30"))],
                             today=D("2026-05-01"))
    assert given.due == D("2026-04-30") and given.days_overdue == 1


def test_fee_days_are_disregarded():
    # Fees notice Wed 11 March, paid Wed 18 March: 4 working days (12, 13, 16, 18; the
    # 17th is St Patrick's Day) are added to the due date 2 April, skipping Good Friday
    # and Easter Monday -> 10 April.
    events = [CaseEvent("fee_notice", D("2026-03-11")), CaseEvent("fee_paid", D("2026-03-18"))]
    case = compute_deadline(CAL, D("2026-03-04"), events, today=D("2026-03-20"))
    assert CAL.working_days_between(D("2026-03-11"), D("2026-03-18")) == 4
    assert case.due == D("2026-04-10") and case.stopped_since is None
    unpaid = compute_deadline(CAL, D("2026-03-04"), events[:1], today=D("2026-06-01"))
    assert unpaid.stopped_since == D("2026-03-11") and unpaid.days_overdue == 0


def test_response_stops_the_clock_and_review_has_its_own_deadline():
    events = [CaseEvent("response", D("2026-04-07")), CaseEvent("review_requested", D("2026-04-08"))]
    case = compute_deadline(CAL, D("2026-03-04"), events, today=D("2026-06-15"))
    assert case.responded_on == D("2026-04-07") and case.days_overdue == 0
    assert "2026-04-07  council responded, 1 working day late" in "\n".join(case.narrative)
    assert case.review_due == D("2026-05-07")  # 8 Apr + 20 working days, skipping 4 May
    assert case.review_very_late_after == D("2026-06-05")
    # 8 May .. 15 June, less 25 May (Spring bank holiday) and 15 June (proclaimed, Scotland)
    assert case.review_days_overdue == 25


# ---- foi status over a campaign -----------------------------------------------------

def build_campaign(path, sent: dict[str, str], states: dict[str, str] | None = None):
    """A campaign to three councils, rows written directly (as sending would)."""
    db = register_db(path)
    insert_campaign(db, "early-help", prefix="EH", title="Early help", template="request", recipients="list",
                    created_at="2026-03-01T09:00:00+00:00")
    ids = {}
    for code in ("BNS", "MAN", "KEN", "CAM"):
        ids[code] = insert_request(
            db, "early-help", code, prefix="EH",
            state=(states or {}).get(code, "awaiting_response" if code in sent else "draft"),
            sent_on=sent.get(code), created_at="x")
    return db, ids


def event(db, request_id, kind, on, **details):
    db["events"].insert({"request_id": request_id, "kind": kind, "occurred_on": on,
                         "recorded_at": on, "details": json.dumps(details)})


@pytest.fixture
def campaign(isolated):
    db, ids = build_campaign(isolated / "campaign.db",
                             {"BNS": "2026-03-04", "MAN": "2026-03-04", "KEN": "2026-03-04"},
                             {"KEN": "answered"})
    event(db, ids["MAN"], "clarification_requested", "2026-03-10")
    event(db, ids["MAN"], "clarification_given", "2026-03-16")
    event(db, ids["KEN"], "response", "2026-03-20")
    return db, ids


def status_json(run, *args, now):
    import os
    os.environ["FOI_NOW"] = now
    return json.loads(run("status", "early-help", "--json", *args).stdout)


@pytest.mark.parametrize("now, overdue, very", [
    ("2026-04-02T17:00:00+01:00", [], []),
    ("2026-04-03T09:00:00+01:00", ["BNS"], []),
    ("2026-04-17T09:00:00+01:00", ["BNS", "MAN"], []),
    ("2026-05-06T09:00:00+01:00", ["BNS", "MAN"], ["BNS"]),
])
def test_overdue_lists_across_the_campaign(run, campaign, now, overdue, very):
    assert [r["body_code"] for r in status_json(run, "--overdue", now=now)["requests"]] == overdue
    assert [r["body_code"] for r in status_json(run, "--very-overdue", now=now)["requests"]] == very


def test_status_rows_and_summary(run, campaign):
    data = status_json(run, now="2026-04-17T09:00:00+01:00")
    rows = {r["body_code"]: r for r in data["requests"]}
    assert rows["MAN"]["due_date"] == "2026-04-16" and rows["MAN"]["days_overdue"] == 1
    assert rows["BNS"]["due_date"] == "2026-04-02" and rows["BNS"]["overdue"]
    assert rows["BNS"]["days_elapsed"] == 29 and rows["BNS"]["days_overdue"] == 9
    assert rows["KEN"]["days_overdue"] == 0 and rows["KEN"]["days_elapsed"] == 11
    assert rows["CAM"]["sent_on"] is None and rows["CAM"]["due_date"] is None
    assert data["summary"] == {"requests": 4, "by_state": {"answered": 1, "awaiting_response": 2, "draft": 1},
                               "overdue": 2, "very_overdue": 0}
    text = run("status", "early-help").output
    assert "4 requests (answered 1, awaiting_response 2, draft 1); overdue 2, very overdue 0; 4 shown" in text


def test_status_filters_by_state_and_region(run, campaign):
    rows = status_json(run, "--state", "answered", now="2026-04-17")["requests"]
    assert [r["body_code"] for r in rows] == ["KEN"]
    rows = status_json(run, "--region", "north west", now="2026-04-17")["requests"]
    assert [r["body_code"] for r in rows] == ["MAN"]


def test_unknown_campaign_is_a_clear_error(run, campaign):
    result = run("status", "nope", ok=False)
    assert result.exit_code == 1 and "No campaign 'nope'" in result.stderr and "early-help" in result.stderr


def test_deadline_explains_a_request(run, campaign, monkeypatch):
    monkeypatch.setenv("FOI_NOW", "2026-04-17T09:00:00+01:00")
    out = run("deadline", "early-help", "MAN").stdout
    assert "2026-03-10  council asked for clarification (s.1(3)): the clock stops" in out
    assert "2026-03-16  clarification sent: 20 working days start afresh (day 0); due 2026-04-16" in out
    assert "2026-03-17 Tue  skipped  St Patrick's Day (Northern Ireland)" in out
    assert "2026-04-16 Thu  day 20   due by the end of this day" in out
    assert "Overdue by 1 working day as of 2026-04-17." in out


def test_calendar_ics_has_the_due_dates(run, campaign, isolated):
    run("calendar", "early-help", "--ics", "due.ics")
    raw = (isolated / "due.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode("utf-8").replace("\r\n ", "")
    bns = make_reference("EH", "BNS", "early-help")
    man = make_reference("EH", "MAN", "early-help")
    assert f"UID:{bns}-due@foi\r\nDTSTAMP:20260304T100000Z\r\nDTSTART;VALUE=DATE:20260402\r\n" in text
    assert f"UID:{bns}-very-overdue@foi\r\nDTSTAMP:20260304T100000Z\r\nDTSTART;VALUE=DATE:20260505\r\n" in text
    assert f"UID:{man}-due@foi\r\nDTSTAMP:20260304T100000Z\r\nDTSTART;VALUE=DATE:20260416\r\n" in text
    assert "Manchester City Council" in text and "campaign early-help" in text
    assert text.count("BEGIN:VEVENT") == 4  # BNS and MAN: due + very overdue; KEN answered; CAM unsent


def test_classified_replies_move_the_deadline(isolated):
    """Triage's record of each reply feeds the clock: clarification stops it,
    an extension with a date sets it, an answer stops the overdue count."""
    from foi.tracking.status import status_rows
    from tests.builders import sent_campaign
    from tests.mailfixtures import deliver, reply

    db = sent_campaign(isolated / "campaign.db", bodies=("BNS", "LDS"))
    # Sent 2 Feb 2026 -> due 2 March. Barnsley asks for clarification on 10 Feb.
    deliver(db, reply("Before we can process your request, could you please clarify what you mean "
                      "by an assessment closed without an early help referral?",
                      in_reply_to="<req-bns-1@charity.org.uk>"), received="2026-02-10T11:00:00+00:00")
    # Leeds extends to 30 March to consider the public interest (s.10(3)).
    deliver(db, reply("We are writing to let you know that we need further time to consider the "
                      "public interest test under section 10(3). We now aim to respond by 30 March 2026.",
                      sender="FOI Team <foi@leeds.gov.uk>", in_reply_to="<req-lds-1@charity.org.uk>"),
            received="2026-02-20T11:00:00+00:00")
    rows = {r.body_code: r for r in status_rows(db, "eh-2026", D("2026-03-20"))}
    assert rows["BNS"].state == "awaiting_clarification"
    assert rows["BNS"].deadline.stopped_since == D("2026-02-10") and not rows["BNS"].overdue
    assert rows["LDS"].state == "extended" and rows["LDS"].deadline.due == D("2026-03-30")
    assert not rows["LDS"].overdue
    late = {r.body_code: r for r in status_rows(db, "eh-2026", D("2026-04-01"))}
    assert late["LDS"].overdue and late["LDS"].days_overdue == 2
