"""`foi send` queues a batch of messages in one durable commit, then hands them over
one by one: what a stop at each point leaves, and what the next run does with it."""

from collections import Counter
from pathlib import Path

import pytest

from foi.blobs import blob_dir
from foi.config import load_config
from foi.db import connect
from foi.letters.render import renderer_for, sender_from_config
from foi.mail.transport import NotSent
from foi.sending import outgoing
from foi.sending.send import compose_message, plan_send
from tests.builders import make_campaign
from tests.sendfixtures import NOW, SENDER, FakeTransport, rows, send_with


def queue_everything(boot: str | None = None) -> dict[str, str]:
    """The state a kill leaves just after a batch's intent commit: every request's
    message recorded 'sending' and queued, none handed over. `boot` stands for the
    boot it was queued under (default: this one). Returns {to_addr: Message-ID}."""
    db = connect(Path("campaign.db"))
    config = load_config(env=SENDER)
    plan = plan_send(db, "eh", renderer_for(db, "eh", sender_from_config(config)))
    composed = [compose_message(message, config.sender, NOW) for message in plan.messages]
    shas = outgoing.save_raws(blob_dir(Path("campaign.db")), [raw for _, raw in composed])
    with db.atomic():
        for message, (message_id, _), sha in zip(plan.messages, composed, shas, strict=True):
            outgoing.queue_request(db, message.request_id, message_id=message_id, to_addr=message.to_addr,
                                   subject=message.rendered.subject, raw_sha256=sha, transport="smtp", now=NOW)
    if boot is not None:
        db.execute("UPDATE outgoing SET queued = ?", [boot])
        db.conn.commit()
    db.close()
    return {message.to_addr: message_id for message, (message_id, _) in zip(plan.messages, composed, strict=True)}


def test_killed_after_queueing_a_batch_the_next_run_sends_each_request_once(mail, run):
    councils = make_campaign(count=5)
    queue_everything()
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"draft"}  # none was handed over

    result = run("send", "eh", "--yes")

    assert result.stdout.splitlines()[0] == "Sent: 5"
    assert Counter(m["To"] for m in mail.received()) == Counter(c["foi_email"] for c in councils.values())
    sent = rows("SELECT state, queued, attempts, message_id FROM outgoing")
    assert [(r["state"], r["queued"], r["attempts"]) for r in sent] == [("sent", None, 1)] * 5  # the same rows
    assert sorted(m["Message-ID"] for m in mail.received()) == sorted(r["message_id"] for r in sent)


def test_after_a_restart_a_queued_batch_is_uncertain_and_sent_once_on_request(mail, run):
    """Commits made since the batch's may be lost in a power cut: a queued message may
    then have been handed over, so it is looked for in the Sent folder, not re-sent."""
    councils = make_campaign(count=4)
    queued = queue_everything(boot="an-earlier-boot")

    result = run("send", "eh", "--yes")

    assert mail.received() == []
    assert result.stdout.count("may have been sent (not found in the Sent folder)") == 4
    assert {(r["state"], r["queued"]) for r in rows("SELECT state, queued FROM outgoing")} == {("uncertain", None)}
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"sending"}

    resent = run("send", "eh", "--yes", "--resend-uncertain")

    assert resent.stdout.splitlines()[0] == "Sent: 4"
    received = mail.received()
    assert Counter(m["To"] for m in received) == Counter(c["foi_email"] for c in councils.values())
    assert {m["To"]: m["Message-ID"] for m in received} == queued  # byte for byte the queued message
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"awaiting_response"}


def states_by_address() -> dict[str, tuple[str, str]]:
    return {r["to_addr"]: (r["o_state"], r["r_state"]) for r in rows(
        "SELECT o.to_addr, o.state AS o_state, r.state AS r_state FROM outgoing o "
        "JOIN requests r ON r.id = o.request_id")}


def test_ctrl_c_mid_batch_leaves_only_the_message_in_hand_uncertain(run):
    make_campaign(count=5)

    def interrupt(n: int) -> None:
        if n == 3:
            raise KeyboardInterrupt

    first = FakeTransport(interrupt)
    with pytest.raises(KeyboardInterrupt):
        send_with(first)

    addresses = [r["to_addr"] for r in rows("SELECT to_addr FROM outgoing ORDER BY id")]
    assert states_by_address() == {addresses[0]: ("sent", "awaiting_response"),
                                   addresses[1]: ("sent", "awaiting_response"),
                                   addresses[2]: ("sending", "sending"),  # in hand: may have left
                                   addresses[3]: ("draft", "draft"), addresses[4]: ("draft", "draft")}
    second = FakeTransport()
    outcomes = send_with(second)
    assert second.recipients == addresses[3:]  # the two whose turn never came; the third is not guessed at
    assert Counter(o.status for o in outcomes) == {"sent": 2, "uncertain": 1}


def test_a_pause_for_a_temporary_refusal_hands_the_rest_of_the_batch_back(run):
    """A 4xx waits minutes before the retry: the messages behind it are not left queued
    meanwhile, so a kill during the pause cannot make them uncertain."""
    make_campaign(count=4)
    during_pause = []

    def greylist(n: int) -> None:
        if n == 2:
            raise NotSent(451, "4.7.1 Greylisted, try again later")

    transport = FakeTransport(greylist)
    outcomes = send_with(transport, retry_delays=(30.0,),
                         sleep=lambda seconds: during_pause.append(sorted(states_by_address().values())))

    assert during_pause == [[("draft", "draft"), ("draft", "draft"), ("sending", "sending"),
                             ("sent", "awaiting_response")]]
    assert [o.status for o in outcomes] == ["sent"] * 4
    assert Counter(transport.recipients) == Counter(r["to_addr"] for r in rows("SELECT to_addr FROM outgoing"))
    assert sorted(r["attempts"] for r in rows("SELECT attempts FROM outgoing")) == [1, 1, 1, 2]
    assert {r["queued"] for r in rows("SELECT queued FROM outgoing")} == {None}


def test_a_refused_message_mid_batch_fails_and_the_others_are_sent(run):
    make_campaign(count=5)

    def refuse_third(n: int) -> None:
        if n == 3:
            raise NotSent(550, "5.1.1 User unknown")

    transport = FakeTransport(refuse_third)
    outcomes = send_with(transport)

    assert [o.status for o in outcomes] == ["sent", "sent", "failed", "sent", "sent"]
    assert Counter(states_by_address().values()) == {("sent", "awaiting_response"): 4, ("failed", "failed"): 1}
    assert [r["error"] for r in rows("SELECT error FROM outgoing WHERE state = 'failed'")] == ["550 5.1.1 User unknown"]
