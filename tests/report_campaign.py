"""A small campaign written row by row (as the other parts of foi would), for the
report and export tests. Seven councils, today 20 May 2026:

BNS  answered in full (all four values; an older superseded value is ignored)
MAN  answered in part: q2 2023-24 refused s.12, q2 2024-25 "<5", q1 2024-25 needs review
KEN  refused s.40(2) (event + values); acknowledged via the triage's state_changed event
CAM  information not held
NEW  renamed to a <script> tag; bounced
LDS  renamed to a formula; silent and very overdue, one reminder sent
YOR  draft, no address
"""

import hashlib
import json
from pathlib import Path

import pytest

from foi.blobs import blob_dir
from tests.builders import insert_campaign, insert_request, register_db

SLUG = "early-help"
TODAY = "2026-05-20"
NOW = "2026-05-20T12:00:00+01:00"
FORMULA_NAME = '=HYPERLINK("http://evil.example/x","Leeds")'
SCRIPT_NAME = "<script>document.title='pwned'</script>New Forest"
STAMP = "2026-03-01T09:00:00+00:00"


@pytest.fixture
def campaign(isolated, monkeypatch):
    """The campaign built in the test's folder, with FOI_NOW at NOW. Import it into a
    test module (`from report_campaign import campaign`) to use it as a fixture."""
    monkeypatch.setenv("FOI_NOW", NOW)
    db, _ids = build(isolated / "campaign.db")
    return db


def put_blob(db_path: Path, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    path = blob_dir(db_path) / sha[:2] / sha
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha


def build(db_path: Path):
    db = register_db(db_path)
    db["bodies"].update("LDS", {"name": FORMULA_NAME, "foi_email": "foi@leeds.gov.uk"})
    db["bodies"].update("NEW", {"name": SCRIPT_NAME})
    insert_campaign(db, SLUG, prefix="EH", title="Early help", template="request", created_at=STAMP, questions=[
        {"id": "q1", "kind": "count", "text": "How many children received early help?"},
        {"id": "q2", "kind": "count", "text": "How many early help assessments were completed?"}],
        periods=["2023-24", "2024-25"])
    plan = {  # code: (state, sent_on, first_response_at, email)
        "BNS": ("answered", "2026-03-04", "2026-03-20T10:00:00+00:00", "foi@barnsley.gov.uk"),
        "MAN": ("answered_partial", "2026-03-04", "2026-04-01T15:00:00+01:00", "foi@manchester.gov.uk"),
        "KEN": ("refused", "2026-03-04", "2026-03-25T09:00:00+00:00", "foi@kent.gov.uk"),
        "CAM": ("not_held", "2026-03-04", "2026-04-10T09:00:00+01:00", "foi@cambridgeshire.gov.uk"),
        "NEW": ("bounced", "2026-03-06", None, "foi@newforest.gov.uk"),
        "LDS": ("awaiting_response", "2026-03-06", None, None),  # address from the register
        "YOR": ("draft", None, None, None),
    }
    ids = {}
    for code, (state, sent_on, first, email) in plan.items():
        ids[code] = insert_request(
            db, SLUG, code, prefix="EH", state=state, email=email, sent_on=sent_on,
            sent_at=f"{sent_on}T09:00:00+00:00" if sent_on else None, sent_via="email" if sent_on else None,
            first_response_at=first, last_message_at=first, created_at=STAMP,
            their_reference="FOI-123" if code == "BNS" else None)
    _events_and_mail(db, db_path, ids)
    _values(db, ids)
    return db, ids


def event(db, request_id, kind, on, details=None):
    db["events"].insert({"request_id": request_id, "kind": kind, "occurred_on": on,
                         "recorded_at": on + "T12:00:00+00:00", "details": json.dumps(details or {})})


def message(db, db_path, request_id, *, message_id, subject, date, classification, body, attachments=()):
    raw = (f"Message-ID: {message_id}\r\nFrom: foi@council.gov.uk\r\nSubject: {subject}\r\n"
           f"Date: {date}\r\n\r\n{body}\r\n").encode()
    sha = put_blob(db_path, raw)
    pk = db["messages"].insert({
        "sha256": sha, "message_id": message_id, "source": "import", "size": len(raw),
        "from_addr": "foi@council.gov.uk", "subject": subject, "date": date, "body_text": body,
        "request_id": request_id, "match_rule": "reference", "classification": classification,
        "stored_at": date}).last_pk
    for position, (name, data) in enumerate(attachments):
        db["attachments"].insert({"message": pk, "position": position, "sha256": put_blob(db_path, data),
                                  "filename": name, "size": len(data)})
    return pk


def _events_and_mail(db, db_path, ids):
    event(db, ids["BNS"], "message_classified", "2026-03-05", {"classification": "acknowledgement"})
    event(db, ids["KEN"], "state_changed", "2026-03-06",
          {"classification": "acknowledgement", "from": "awaiting_response", "to": "acknowledged"})
    event(db, ids["KEN"], "message_classified", "2026-03-25", {"classification": "refusal", "sections": ["s.40(2)"]})
    for code in ("BNS", "MAN", "KEN", "CAM"):
        event(db, ids[code], "response", plan_day(db, ids[code]))
    message(db, db_path, ids["MAN"], message_id="<ack-man@manchester.gov.uk>", subject="Acknowledgement",
            date="2026-03-05T10:00:00+00:00", classification="acknowledgement", body="We have received your request.")
    db.conn.commit()
    ids["MAN_ANSWER"] = message(
        db, db_path, ids["MAN"], message_id="<ans-man@manchester.gov.uk>", subject="=SUM(A1) Your FOI",
        date="2026-04-01T15:00:00+01:00", classification="answer_partial", body="Please find attached.",
        attachments=[("../../etc/Early help: figures?.xlsx", b"PK fake xlsx"), ("notes.txt", b"notes")])
    outgoing_raw = (b"Message-ID: <req-lds@foi.example>\r\nFrom: Campaign <campaign@example.org>\r\n"
                    b"Subject: FOI\r\n\r\nDear Leeds\r\n")
    db["outgoing"].insert({"request_id": ids["LDS"], "kind": "request", "message_id": "<req-lds@foi.example>",
                           "state": "sent", "to_addr": "foi@leeds.gov.uk", "subject": "FOI request",
                           "raw_sha256": put_blob(db_path, outgoing_raw), "created_at": STAMP,
                           "sent_at": "2026-03-06T09:00:00+00:00"})
    db["outgoing"].insert({"request_id": ids["LDS"], "kind": "reminder", "message_id": "<rem-lds@foi.example>",
                           "state": "sent", "to_addr": "foi@leeds.gov.uk", "subject": "Reminder",
                           "created_at": STAMP, "sent_at": "2026-04-10T09:00:00+00:00"})


def plan_day(db, request_id) -> str:
    return db["requests"].get(request_id)["first_response_at"][:10]


def value(db, request_id, q, p, status, value=None, raw=None, lower=None, upper=None, section=None,
          source=None, current=1, method="auto"):
    db["answer_values"].insert({
        "request_id": request_id, "question_id": q, "period": p, "status": status, "value": value,
        "value_raw": raw if raw is not None else (None if value is None else str(value)),
        "lower_bound": lower, "upper_bound": upper, "refusal_section": section, "source_message": source,
        "source_file": "figures.xlsx" if source else None, "source_location": "Sheet1!B2" if source else None,
        "method": method, "current": current, "created_at": STAMP})


def _values(db, ids):
    bns, man, ken, cam = ids["BNS"], ids["MAN"], ids["KEN"], ids["CAM"]
    value(db, bns, "q1", "2023-24", "answered", 999, current=0)  # superseded
    for q, p, v in (("q1", "2023-24", 120), ("q1", "2024-25", 130), ("q2", "2023-24", 40), ("q2", "2024-25", 45)):
        value(db, bns, q, p, "answered", v, method="manual")
    src = ids["MAN_ANSWER"]
    value(db, man, "q1", "2023-24", "answered", 200, source=src)
    value(db, man, "q1", "2024-25", "needs_review", raw="about 210", source=src)
    value(db, man, "q2", "2023-24", "refused", raw="Refused under s.12", section="section 12", source=src)
    value(db, man, "q2", "2024-25", "suppressed", raw="<5", lower=0, upper=4, source=src)
    for q in ("q1", "q2"):
        for p in ("2023-24", "2024-25"):
            value(db, ken, q, p, "refused", section="s.40(2)", method="manual")
            value(db, cam, q, p, "not_held", method="manual")
