"""One state machine (foi.tracking.states.apply_transition) moves every request."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from foi.db import get_row
from foi.sending import outgoing
from foi.tracking.states import (
    Source,
    TransitionRefused,
    apply_transition,
    check_transition,
)
from foi.vocabulary import EventKind, RequestState
from tests.builders import example_campaign

FOI = Path(__file__).resolve().parent.parent / "foi"
LATER = "2026-03-05T09:30:00+00:00"


@pytest.fixture
def db():
    db = example_campaign()
    return db


def bns(db) -> dict:
    return next(db.query("SELECT * FROM requests WHERE body_code = 'BNS'"))


def events(db) -> list[tuple[str, dict]]:
    return [(row["kind"], json.loads(row["details"]))
            for row in db.query("SELECT kind, details FROM events WHERE kind != 'created' ORDER BY id")]


# update_row(db, "requests", ...), db["requests"].update(...), db.table("requests").update(...),
# or SQL setting the state.
REQUEST_WRITE = re.compile(r"update_(?:row|returning)\(db, \"requests\"|(?:\[|table\()\"requests\"[\])]\.update"
                           r"|UPDATE requests SET (?:(?!WHERE)[^\"])*\bstate\s*=")


def test_only_the_state_machine_writes_a_request_state():
    writers = [path.relative_to(FOI).as_posix() for path in FOI.rglob("*.py")
               if REQUEST_WRITE.search(path.read_text(encoding="utf-8"))]
    assert writers == ["tracking/states.py"]


def test_a_move_writes_state_timestamp_and_event_together(db):
    request = apply_transition(db, bns(db), RequestState.WITHDRAWN, source=Source.MANUAL, when=LATER,
                               event=EventKind.STATE_SET, details={"note": "by phone"}, actor="user")
    assert (request["state"], request["state_source"], request["updated_at"]) == ("withdrawn", "manual", LATER)
    assert events(db) == [("state_set", {"from": "draft", "to": "withdrawn", "note": "by phone"})]


@pytest.mark.parametrize("state, to_state, source", [
    ("awaiting_response", "sending", Source.SENDING),        # sent already: never sent twice
    ("draft", "awaiting_response", Source.SENDING),          # accepted only after a claim
    ("awaiting_response", "awaiting_response", Source.FEE_PAID),  # no fees notice
    ("acknowledged", "awaiting_response", Source.FEE_PAID),
    ("refused", "answered", Source.REVIEW_ANSWERED),         # no review asked for
    ("internal_review", "awaiting_response", Source.REVIEW_ANSWERED),
    ("answered", "acknowledged", Source.TRIAGE),             # triage never downgrades
])
def test_moves_that_are_refused(db, state, to_state, source):
    request = {**bns(db), "state": state}
    with pytest.raises(TransitionRefused):
        check_transition(request, to_state, source)


def test_triage_leaves_a_state_set_by_hand(db):
    request = {**bns(db), "state": "awaiting_response", "state_source": "manual"}
    with pytest.raises(TransitionRefused, match="set by hand"):
        check_transition(request, "answered", Source.TRIAGE)


@pytest.mark.parametrize("when", ["2026-03-05", "2026-03-05T09:30:00", "now"])
def test_a_bare_date_or_naive_time_is_refused(db, when):
    with pytest.raises(ValueError, match="not a timestamp with an offset"):
        apply_transition(db, bns(db), "withdrawn", source=Source.MANUAL, when=when, event=EventKind.STATE_SET)
    assert bns(db)["state"] == "draft"


def test_a_reply_that_came_while_the_message_was_uncertain_is_not_undone(db):
    """The request's message was handed over but not confirmed; an acknowledgement
    arrived meanwhile; then the message is found in the Sent folder."""
    now = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    outgoing_id = outgoing.claim_request(db, bns(db)["id"], message_id="<r@x>", to_addr="foi@barnsley.gov.uk",
                                         subject="FOI", raw_sha256="0" * 64, transport="smtp", now=now)
    outgoing.mark_uncertain(db, outgoing_id, "connection dropped", now)
    assert bns(db)["state"] == "sending"
    apply_transition(db, bns(db), "acknowledged", source=Source.TRIAGE, when=LATER,
                     event=EventKind.STATE_CHANGED, details={"classification": "acknowledgement"})
    outgoing.mark_sent(db, outgoing_id, now, now + dt.timedelta(days=2), how="found in Sent folder")
    request = bns(db)
    assert (request["state"], request["sent_on"]) == ("acknowledged", "2026-03-04")
    assert [kind for kind, _ in events(db)] == ["send_uncertain", "state_changed", "sent"]
    assert events(db)[-1][1]["from"] == events(db)[-1][1]["to"] == "acknowledged"
    assert get_row(db, "outgoing", outgoing_id)["state"] == "sent"


def test_sending_moves_through_the_machine(db):
    now = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
    first = outgoing.claim_request(db, bns(db)["id"], message_id="<a@x>", to_addr="foi@barnsley.gov.uk",
                                   subject="FOI", raw_sha256="0" * 64, transport="smtp", now=now)
    assert bns(db)["state"] == "sending"
    outgoing.mark_failed(db, first, "550 no such user", now)
    assert (bns(db)["state"], bns(db)["updated_at"]) == ("failed", "2026-03-04T10:00:00+00:00")
    second = outgoing.claim_request(db, bns(db)["id"], message_id="<b@x>", to_addr="foi@barnsley.gov.uk",
                                    subject="FOI", raw_sha256="0" * 64, transport="smtp", now=now)
    outgoing.mark_not_attempted(db, second, "login refused", "failed", now)
    assert bns(db)["state"] == "failed"
    assert events(db) == [("send_failed", {"error": "550 no such user", "kind": "request", "from": "sending",
                                           "to": "failed", "message_id": "<a@x>", "to_addr": "foi@barnsley.gov.uk",
                                           "transport": "smtp"})]
