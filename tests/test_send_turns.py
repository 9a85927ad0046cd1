"""A batch's turns and acceptances touch only the outgoing rows while it is handed over;
what they mean for the requests (the move to 'sending', then 'awaiting_response' with
the 'sent' event) is written at the batch's end, or after a kill by the next command
that opens the database. The requests end exactly as if each message had been
recorded by itself, and no command ever reads a request left behind by a kill."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from foi.config import load_config
from foi.db import connect
from foi.dbread import open_for_reading
from foi.letters.render import renderer_for, sender_from_config
from foi.sending import outgoing
from foi.sending.model import compose_message
from foi.sending.send import plan_send, send_lock
from tests.builders import make_campaign
from tests.sendfixtures import NOW, SENDER, FakeTransport, rows, send_with

LATER = NOW + dt.timedelta(minutes=5)


def recorded() -> dict:
    """Every request's sending fields and events, and every outgoing row's, by reference."""
    requests = {r["reference"]: r for r in rows(
        "SELECT id, reference, state, state_source, email, sent_via, sent_at, sent_on, updated_at FROM requests")}
    by_id = {r.pop("id"): ref for ref, r in requests.items()}
    events = sorted((by_id[e["request_id"]], e["kind"], e["occurred_on"], e["recorded_at"],
                     {k: v for k, v in json.loads(e["details"]).items() if k != "message_id"})
                    for e in rows("SELECT * FROM events WHERE kind != 'created'"))
    sent = sorted((by_id[o["request_id"]], o["state"], o["queued"], o["attempts"], o["attempted_at"], o["sent_at"],
                   o["error"], o["transport"]) for o in rows("SELECT * FROM outgoing"))
    return {"requests": requests, "events": events, "outgoing": sent}


def test_a_batch_ends_with_each_request_as_if_its_message_were_recorded_alone(tmp_path, monkeypatch):
    (tmp_path / "batched").mkdir()
    (tmp_path / "alone").mkdir()

    monkeypatch.chdir(tmp_path / "batched")
    make_campaign(count=8)
    outcomes = send_with(FakeTransport())
    assert [o.status for o in outcomes] == ["sent"] * 8
    batched = recorded()

    # the same campaign, each message claimed, its request moved, and accepted, one at a time
    monkeypatch.chdir(tmp_path / "alone")
    make_campaign(count=8)
    db = connect(Path("campaign.db"))
    config = load_config(env=SENDER)
    for message in plan_send(db, "eh", renderer_for(db, "eh", sender_from_config(config))).messages:
        message_id, _raw = compose_message(message, config.sender, NOW)
        outgoing_id = outgoing.claim_request(db, message.request_id, message_id=message_id, to_addr=message.to_addr,
                                             subject=message.rendered.subject, raw_sha256="0" * 64, transport="smtp",
                                             now=NOW)
        assert outgoing_id is not None
        outgoing.mark_sent(db, outgoing_id, NOW, NOW, how="accepted by smtp")
    db.close()
    alone = recorded()

    assert batched == alone
    assert {r["state"] for r in batched["requests"].values()} == {"awaiting_response"}
    assert [e[1] for e in batched["events"]] == ["sent"] * 8
    assert {e[4]["from"] for e in batched["events"]} == {"sending"}


def killed_after(n: int, monkeypatch) -> None:
    """A send of the campaign in one batch that stops at the nth hand-over, its turn
    committed and the ones before accepted, without the batch's end (as a kill)."""

    class Killed(Exception):
        pass

    def die(attempt: int) -> None:
        if attempt == n:
            raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(outgoing, "finish_turns", lambda *args, **kwargs: None)
        with pytest.raises(Killed):
            send_with(FakeTransport(die))


def test_after_a_kill_every_command_sees_the_requests_moved(run, monkeypatch):
    make_campaign(count=8)
    killed_after(4, monkeypatch)
    assert [(r["state"], r["queued"]) for r in rows("SELECT state, queued FROM outgoing ORDER BY id")][:4] == (
        [("sent", outgoing.TURN)] * 3 + [("sending", outgoing.TURN)])
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"draft"}

    # `foi status` reads without sqlite-utils only a database with nothing left to finish
    assert open_for_reading(Path("campaign.db")) is None
    run("status", "eh")
    assert open_for_reading(Path("campaign.db")) is not None

    states = [r["state"] for r in rows("SELECT r.state FROM requests r JOIN outgoing o ON o.request_id = r.id "
                                        "ORDER BY o.id")]
    assert states[:4] == ["awaiting_response"] * 3 + ["sending"]
    sent = rows("SELECT kind, details FROM events WHERE kind = 'sent'")
    assert len(sent) == 3 and all(json.loads(e["details"])["how"] == "accepted by smtp" for e in sent)

    # the next send settles the one in hand as uncertain and sends the rest once
    transport = FakeTransport()
    outcomes = send_with(transport)
    assert sorted(o.status for o in outcomes) == ["sent"] * 4 + ["uncertain"]
    assert len(rows("SELECT id FROM events WHERE kind = 'sent'")) == 7


def test_a_command_run_during_a_send_leaves_its_turns_to_it(run):
    make_campaign(count=8)
    during = []

    def look(attempt: int) -> None:
        if attempt == 5:  # five turns taken in this batch (the fifth in hand), four acceptances recorded
            run("status", "eh")
            during.append(Counter(r["queued"] for r in rows("SELECT queued FROM outgoing")))

    with send_lock(Path("campaign.db")):
        outcomes = send_with(FakeTransport(look))
    assert during == [{outgoing.TURN: 5, outgoing.this_boot(): 3}]
    assert [o.status for o in outcomes] == ["sent"] * 8
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"awaiting_response"}
    assert len(rows("SELECT id FROM events WHERE kind = 'sent'")) == 8


def test_finishing_the_turns_twice_writes_them_once(monkeypatch):
    make_campaign(count=5)
    killed_after(3, monkeypatch)
    db = connect(Path("campaign.db"))
    assert outgoing.finish_interrupted_turns(db, NOW) == 3  # two accepted, the third in hand
    assert outgoing.finish_interrupted_turns(db, LATER) == 0
    db.close()
    assert len(rows("SELECT id FROM events WHERE kind = 'sent'")) == 2
    assert len(rows("SELECT id FROM outgoing WHERE queued = ?", [outgoing.TURN])) == 0
