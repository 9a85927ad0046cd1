"""`foi send` hands a batch over while the next batch's bytes are written, commits each
message's turn while the server answers its MAIL FROM, and records an acceptance in the
next message's commit: the bytes are those of each message composed on its own, and a
kill at each of these points neither sends a message twice nor loses one."""

import datetime as dt
import re
import sqlite3
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from foi.blobs import blob_dir
from foi.config import load_config
from foi.db import connect
from foi.letters.render import render_request, renderer_for, sender_from_config
from foi.mail.compose import Envelope, build_message
from foi.mail.transport import NotSent, SmtpTransport
from foi.sending import outgoing
from foi.sending.send import Sending, apply_send, finish_interrupted_send, plan_send
from tests.builders import make_campaign
from tests.mailservers import Behaviour
from tests.sendfixtures import NOW, SENDER, FakeTransport, rows, send_with

MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE)


def test_the_bytes_sent_are_each_message_rendered_and_composed_on_its_own(run):
    make_campaign(count=25)  # three batches: 10, then 15 written while the first 10 are handed over
    drafts = {r["id"]: r for r in rows("SELECT * FROM requests")}
    transport = FakeTransport()
    assert Counter(o.status for o in send_with(transport)) == {"sent": 25}

    db = connect(Path("campaign.db"))
    config = load_config(env=SENDER)
    sender = sender_from_config(config)
    sent = dict(transport.sent)
    for row in rows("SELECT o.message_id, o.to_addr, o.raw_sha256, o.request_id FROM outgoing o"):
        rendered = render_request(db, drafts[row["request_id"]], sender=sender)  # reads the campaign afresh
        envelope = Envelope(from_addr=config.sender.email, from_name=config.sender.name, to_addr=row["to_addr"],
                            message_id=row["message_id"], date=NOW)
        expected = build_message(rendered, envelope)
        assert sent[row["to_addr"]] == expected
        assert outgoing.load_raw(blob_dir(Path("campaign.db")), row["raw_sha256"]) == expected
    db.close()


def test_a_pause_hands_back_the_batch_prepared_ahead_too(run):
    """The second batch is composed while the first is handed over; a temporary refusal in
    the first hands both back, so nothing waits queued through the pause."""
    make_campaign(count=15)
    during_pause = []

    def greylist(n: int) -> None:
        if n == 3:
            raise NotSent(451, "4.7.1 Greylisted, try again later")

    transport = FakeTransport(greylist)
    outcomes = send_with(transport, retry_delays=(30.0,), sleep=lambda seconds: during_pause.append(
        Counter((r["state"], r["queued"] is None) for r in rows("SELECT state, queued FROM outgoing"))))

    # two sent, the one refused in hand, the rest of the first batch drafts again; the
    # second batch has no rows yet
    assert during_pause == [Counter({("sent", True): 2, ("sending", True): 1, ("draft", True): 7})]
    assert [o.status for o in outcomes] == ["sent"] * 15
    assert sorted(to for to, _ in transport.sent) == sorted(r["to_addr"] for r in rows("SELECT to_addr FROM outgoing"))
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"awaiting_response"}


def test_without_a_boot_id_each_message_is_queued_alone(run, monkeypatch):
    """Where the system gives no boot id, a queued message left by a kill cannot be told from
    one in flight: each message is queued only once the one before has its outcome."""
    make_campaign(count=6)
    monkeypatch.setattr(outgoing, "this_boot", lambda: None)
    seen = []
    transport = FakeTransport(lambda n: seen.append(
        [(r["state"], r["queued"]) for r in rows("SELECT state, queued FROM outgoing ORDER BY id")]))

    outcomes = send_with(transport)

    assert [o.status for o in outcomes] == ["sent"] * 6
    # at the nth hand-over: n rows, all but the one in hand recorded sent and finished (each
    # was a batch of its own), the one in hand with its turn taken
    assert seen == [[("sent", None)] * (n - 1) + [("sending", outgoing.TURN)] for n in range(1, 7)]


KILLED_RUN = textwrap.dedent("""
    import datetime as dt, os, sys
    from pathlib import Path
    from foi.config import load_config
    from foi.blobs import blob_dir
    from foi.db import connect
    from foi.letters.render import renderer_for, sender_from_config
    from foi.mail.transport import SmtpTransport
    from foi.sending import outgoing
    from foi.sending.send import Sending, apply_send, finish_interrupted_send, plan_send

    where, n = sys.argv[1], int(sys.argv[2])
    config = load_config()

    class Killed(SmtpTransport):
        sends = 0

        def send(self, sender, recipient, raw, meanwhile=lambda: None):
            self.sends += 1
            if where == "mail-from" and self.sends == n:
                meanwhile = lambda: os._exit(9)  # MAIL FROM has gone; the turn is not committed
            super().send(sender, recipient, raw, meanwhile=meanwhile)

    if where == "writing":
        save_raws, calls = outgoing.save_raws, []

        def dying(blobs, raws):
            calls.append(1)
            if len(calls) == n:
                os._exit(9)  # the thread writing the next batch, while this one is handed over
            return save_raws(blobs, raws)

        outgoing.save_raws = dying
    db = connect(Path("campaign.db"))
    plan = plan_send(db, "eh", renderer_for(db, "eh", sender_from_config(config)))
    apply_send(db, plan, Sending(transport=Killed(config.smtp), sender=config.sender,
                                 now=lambda: dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC),
                                 blob_dir=blob_dir(Path("campaign.db"))))
    sys.exit("not killed")
""")


class ServerSentFolder:
    """The Sent folder of a server that files a copy of every message it accepts."""

    def __init__(self, handler):
        self.handler = handler

    def contains(self, message_id: str) -> bool:
        return any(MESSAGE_ID.search(r.content).group(1).decode() == message_id for r in self.handler.received)

    def append(self, raw: bytes, when: dt.datetime) -> None:
        pass

    def close(self) -> None:
        pass


# A kill at the nth MAIL FROM (before the turn is committed): within a batch the message
# before was accepted and its record held for that commit (4th); the first of a run or of
# a batch (1st, 11th) has no message before it in the batch (the batch's end recorded it).
# A kill in the thread writing the 2nd or 3rd batch, wherever the batch before then is.
@pytest.mark.parametrize("where, n, held", [("mail-from", 4, 1), ("mail-from", 1, 0), ("mail-from", 11, 0),
                                            ("writing", 2, None), ("writing", 3, None)])
def test_a_kill_at_the_new_points_neither_sends_twice_nor_loses(smtp_server, monkeypatch, where, n, held):
    councils = make_campaign(count=45)  # batches of 10, 30 and 5
    smtp_server.handler.reset(Behaviour())
    env = {**SENDER, "FOI_SMTP_HOST": "127.0.0.1", "FOI_SMTP_PORT": str(smtp_server.port),
           "FOI_SMTP_SECURITY": "none", "FOI_SEND_RATE": "0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, where, str(n)], check=False,
                            capture_output=True, text=True)
    assert killed.returncode == 9, killed.stderr
    if held is not None:  # the nth never left; the one before may be accepted but unrecorded
        with sqlite3.connect("campaign.db") as conn:  # as the kill left it
            states = conn.execute("SELECT state, queued FROM outgoing ORDER BY id").fetchall()
            moved = conn.execute("SELECT count(*) FROM requests WHERE state != 'draft'").fetchone()[0]
        earlier = 10 if n > 10 else 0  # the messages of the batches before, finished at their end
        assert smtp_server.handler.count() == n - 1
        assert states[:n] == ([("sent", None)] * earlier + [("sent", outgoing.TURN)] * (n - 1 - held - earlier)
                              + [("sending", outgoing.TURN)] * held + [("sending", outgoing.this_boot())])
        assert moved == earlier  # the batch's requests are moved at its end, which never came
        db = connect(Path("campaign.db"))
        finish_interrupted_send(db, Path("campaign.db"))  # as every command does on opening it
        assert [(r["state"], r["queued"]) for r in rows("SELECT state, queued FROM outgoing ORDER BY id")][:n] == (
            [("sent", None)] * (n - 1 - held) + [("sending", None)] * held + [("sending", outgoing.this_boot())])
        assert [r["state"] for r in rows("SELECT r.state FROM requests r JOIN outgoing o ON o.request_id = r.id "
                                          "ORDER BY o.id")][:n] == (
            ["awaiting_response"] * (n - 1 - held) + ["sending"] * held + ["draft"])
        db.close()

    config = load_config()
    db = connect(Path("campaign.db"))
    plan = plan_send(db, "eh", renderer_for(db, "eh", sender_from_config(config)))
    report = apply_send(db, plan, Sending(transport=SmtpTransport(config.smtp), sender=config.sender,
                                          now=lambda: NOW, blob_dir=blob_dir(Path("campaign.db")),
                                          sent_folder=ServerSentFolder(smtp_server.handler)))
    db.close()

    received = Counter(rcpt for envelope in smtp_server.handler.received for rcpt in envelope.rcpt_tos)
    assert received == Counter(c["foi_email"] for c in councils.values())
    assert {r["state"] for r in rows("SELECT state FROM outgoing")} == {"sent"}
    assert len(rows("SELECT id FROM outgoing")) == 45
    assert Counter(o.status for o in report.outcomes)["uncertain"] == 0


def test_the_turn_runs_once_after_mail_from_and_an_error_in_it_sends_nothing(smtp_server):
    smtp_server.handler.reset(Behaviour())
    config = load_config(env={"FOI_SMTP_HOST": "127.0.0.1", "FOI_SMTP_PORT": str(smtp_server.port),
                              "FOI_SMTP_SECURITY": "none"})
    transport = SmtpTransport(config.smtp)
    turns = []

    def failing_turn() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        transport.send("a@charity.test", "foi@council.test", b"Subject: x\r\n\r\nfirst\r\n", meanwhile=failing_turn)
    assert smtp_server.handler.count() == 0
    transport.send("a@charity.test", "foi@council.test", b"Subject: x\r\n\r\nsecond\r\n",
                   meanwhile=lambda: turns.append(smtp_server.handler.count()))
    transport.close()
    assert turns == [0]  # once, before the message reached the server
    assert [r.content.strip().splitlines()[-1] for r in smtp_server.handler.received] == [b"second"]


def test_a_message_the_server_never_reached_still_has_its_turn_before_its_outcome(smtp_server, run):
    """The turn is committed while the server answers MAIL FROM; where the line was lost before
    that, the message fails as before: its turn recorded, then the failure, its request failed."""
    make_campaign(count=3)
    smtp_server.handler.reset(Behaviour())
    config = load_config(env={"FOI_SMTP_HOST": "127.0.0.1", "FOI_SMTP_PORT": str(smtp_server.port),
                              "FOI_SMTP_SECURITY": "none"})

    class LostBeforeMailFrom(SmtpTransport):
        def _envelope(self, sender, recipient, meanwhile):
            if recipient.endswith(lost):
                raise NotSent(421, "connection lost before sending: gone")
            return super()._envelope(sender, recipient, meanwhile)

    lost = sorted(r["foi_email"] for r in rows("SELECT foi_email FROM bodies WHERE foi_email IS NOT NULL"))[1]
    outcomes = send_with(LostBeforeMailFrom(config.smtp), retry_delays=())

    assert Counter(o.status for o in outcomes) == {"sent": 2, "failed": 1}
    failed = rows("SELECT o.state, o.attempts, o.queued, r.state AS request FROM outgoing o "
                  "JOIN requests r ON r.id = o.request_id WHERE o.to_addr = ?", [lost])
    assert failed == [{"state": "failed", "attempts": 1, "queued": None, "request": "failed"}]
    assert smtp_server.handler.count() == 2
