"""`foi send` against real servers: aiosmtpd delivering into Dovecot, and the
campaign's Sent folder on Dovecot."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.builders import make_campaign
from tests.conftest_mail import SENDER_EMAIL

TITLE = "Children placed in care out of area, 2023-2025"  # make_campaign's default


def rows(sql, params=()):
    with sqlite3.connect("campaign.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def by_recipient(messages):
    grouped = {}
    for message in messages:
        grouped.setdefault(message["To"], []).append(message)
    return grouped


def test_153_requests_each_received_exactly_once_with_its_own_text(mail, run):
    councils = make_campaign()
    assert len(councils) == 153

    result = run("send", "eh", "--yes")

    assert "Sent: 153" in result.stdout
    received = by_recipient(mail.received())
    assert sorted(received) == sorted(c["foi_email"] for c in councils.values())
    outgoing = {r["to_addr"]: r for r in rows("SELECT * FROM outgoing")}
    for reference, council in councils.items():
        [message] = received[council["foi_email"]]
        assert message["Subject"] == f"Freedom of Information request: {TITLE} [{reference}]"
        assert message["From"] == f"Children's Rights Campaign <{SENDER_EMAIL}>"
        assert message["Reply-To"] == f"foi+{reference.lower()}@charity.test"
        assert message["Message-ID"] == outgoing[council["foi_email"]]["message_id"]
        text = message.get_content()
        name = " ".join(council["name"].split())  # the register has "North Somerset  Council"
        assert text.startswith(f"Dear Freedom of Information team at {name},")
        assert f"quote the reference {reference}" in text
    sent = mail.sent_copies()
    assert sorted(m["Message-ID"] for m in sent) == sorted(o["message_id"] for o in outgoing.values())
    states = Counter((r["state"], r["sent_via"], r["sent_at"], r["sent_on"])
                     for r in rows("SELECT * FROM requests"))
    assert states == {("awaiting_response", "email", "2026-03-04T10:00:00+00:00", "2026-03-04"): 153}
    assert Counter(r["kind"] for r in rows("SELECT kind FROM events")) == {"created": 153, "sent": 153}
    assert {r["state"] for r in rows("SELECT state FROM outgoing")} == {"sent"}

    again = run("send", "eh", "--yes")
    assert "153 skipped: already sent" in again.stderr
    assert len(mail.received()) == 153


@pytest.mark.parametrize("kill_after,in_flight", [(1, False), (12, False), (7, True)])
def test_sigkill_part_way_then_rerun_never_duplicates_or_loses(mail, smtp_server, kill_after,
                                                               in_flight):
    """Killed just after the server took message N (the usual case: the client
    has not yet seen the 250), or while message N+1 is held mid-DATA."""
    councils = make_campaign(count=20)
    if in_flight:
        mail.behaviour.hold_at = kill_after + 1
    process = subprocess.Popen([sys.executable, "-m", "foi", "send", "eh", "--yes"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if in_flight:
        assert mail.behaviour.held.wait(timeout=60)
    else:
        deadline = time.monotonic() + 60
        while smtp_server.handler.count() < kill_after and time.monotonic() < deadline:
            time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    mail.behaviour.release.set()
    delivered_before = smtp_server.handler.count()
    assert kill_after <= delivered_before < 20, "the run finished before the kill"

    rerun = subprocess.run([sys.executable, "-m", "foi", "send", "eh", "--yes"],
                           capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr

    received = Counter(m["To"] for m in mail.received())
    assert max(received.values()) == 1  # nobody got two
    uncertain = rows("SELECT o.*, r.reference FROM outgoing o JOIN requests r ON r.id = o.request_id "
                     "WHERE o.state = 'uncertain'")
    assert len(uncertain) <= 1  # at most the one message in flight at the kill
    sent = rows("SELECT to_addr FROM outgoing WHERE state = 'sent'")
    assert all(received[r["to_addr"]] == 1 for r in sent)
    assert len(sent) + len(uncertain) == 20
    if in_flight:  # the held message never arrived: uncertain, and only re-sent on request
        assert len(uncertain) == 1 and received[uncertain[0]["to_addr"]] == 0
    for item in uncertain:  # reported, not re-sent on its own
        assert item["reference"] in rerun.stdout
        if received[item["to_addr"]] == 0:  # it never arrived: the user re-sends it
            subprocess.run([sys.executable, "-m", "foi", "send", "eh", "--yes", "--resend-uncertain"],
                           check=True, capture_output=True)
            [message] = [m for m in mail.received() if m["To"] == item["to_addr"]]
            assert message["Message-ID"] == item["message_id"]
    final = Counter(m["To"] for m in mail.received())
    assert final == Counter(c["foi_email"] for c in councils.values())


def test_temporary_refusal_is_retried_and_delivered_once(mail, run):
    councils = make_campaign(count=3)
    mail.behaviour.tempfail = 2

    run("send", "eh", "--yes")

    assert Counter(m["To"] for m in mail.received()) == Counter(c["foi_email"] for c in councils.values())
    attempts = sorted(r["attempts"] for r in rows("SELECT attempts FROM outgoing WHERE state = 'sent'"))
    assert attempts == [1, 1, 3]


def test_temporary_refusal_beyond_the_retries_fails_and_is_retried_next_run(mail, run, monkeypatch):
    councils = make_campaign(count=1)
    [(reference, council)] = councils.items()
    mail.behaviour.tempfail = 3
    monkeypatch.setenv("FOI_SMTP_RETRY_DELAYS", "0,0")

    first = run("send", "eh", "--yes")

    assert f"{reference}\t{council['name']}\t{council['foi_email']}\t451 4.7.1 Greylisted" in first.stdout
    assert rows("SELECT state FROM requests") == [{"state": "failed"}]
    assert mail.received() == []
    second = run("send", "eh", "--yes")
    assert "Sent: 1" in second.stdout
    assert [m["To"] for m in mail.received()] == [council["foi_email"]]
    assert [r["state"] for r in rows("SELECT state FROM outgoing ORDER BY id")] == ["failed", "sent"]


def test_permanent_refusal_is_recorded_with_the_servers_words_and_others_continue(mail, run):
    councils = make_campaign(count=4)
    bad_reference = sorted(councils)[1]
    bad = councils[bad_reference]["foi_email"]
    mail.behaviour.reject = {bad}

    result = run("send", "eh", "--yes")

    words = f"550 5.1.1 <{bad}>: Recipient address rejected: User unknown in virtual mailbox table"
    # one line per council under what happened to it, the failure with the server's words
    assert result.stdout.splitlines() == [
        "Sent: 3",
        *(f"  {ref}\t{council['name']}\t{council['foi_email']}"
          for ref, council in sorted(councils.items(), key=lambda item: item[1]["name"]) if ref != bad_reference),
        "Failed: 1",
        f"  {bad_reference}\t{councils[bad_reference]['name']}\t{bad}\t{words}",
    ]
    assert result.stderr.splitlines()[-2:] == [
        "Done: 3 sent, 1 failed.",
        "The server refused the failed ones for good, in the words shown. If it says an address is wrong, "
        "correct it (`foi councils set-email CODE ADDRESS`), then run the same command again: it tries "
        "the failed ones again."]
    [failed] = rows("SELECT r.state, o.state AS o_state, o.error FROM requests r "
                    "JOIN outgoing o ON o.request_id = r.id WHERE r.reference = ?", [bad_reference])
    assert failed == {"state": "failed", "o_state": "failed", "error": words}
    assert sorted(m["To"] for m in mail.received()) == sorted(
        c["foi_email"] for r, c in councils.items() if r != bad_reference)
    assert [r["kind"] for r in rows("SELECT kind FROM events WHERE kind = 'send_failed'")] == ["send_failed"]


def test_wrong_password_stops_at_once_with_a_clear_message(mail, foi_subprocess, monkeypatch):
    make_campaign(count=3)
    mail.behaviour.password = "right-password"
    monkeypatch.setenv("FOI_SMTP_USERNAME", "campaigns")
    monkeypatch.setenv("FOI_SMTP_PASSWORD", "wrong")

    result = foi_subprocess("send", "eh", "--yes")

    assert result.returncode == 1
    assert "refused the login for campaigns: 535" in result.stderr
    assert "wrong" not in result.stderr
    assert mail.received() == [] and mail.sent_copies() == []
    assert {r["state"] for r in rows("SELECT state FROM requests")} == {"draft"}
    assert rows("SELECT * FROM outgoing") == []


def test_password_from_a_command_logs_in(mail, run, monkeypatch):
    make_campaign(count=2)
    mail.behaviour.password = "right-password"
    monkeypatch.setenv("FOI_SMTP_USERNAME", "campaigns")
    monkeypatch.setenv("FOI_SMTP_PASSWORD_COMMAND", "echo right-password")

    run("send", "eh", "--yes")

    assert len(mail.received()) == 2


def test_oauth2_token_from_a_command_logs_in(mail, run, monkeypatch):
    make_campaign(count=1)
    mail.behaviour.password = "token-123"
    monkeypatch.setenv("FOI_SMTP_USERNAME", "campaigns@charity.test")
    monkeypatch.setenv("FOI_SMTP_OAUTH2_TOKEN_COMMAND", "echo token-123")

    run("send", "eh", "--yes")

    assert len(mail.received()) == 1


def dump(path="campaign.db"):
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_dry_run_sends_nothing_and_writes_nothing(mail, run):
    councils = make_campaign(count=5)
    before = dump()

    result = run("send", "eh", "--dry-run")

    assert dump() == before
    assert mail.received() == [] and smtp_server_count(mail) == 0
    lines = result.stdout.splitlines()
    assert lines == [f"{ref}\t{c['foi_email']}\tFreedom of Information request: {TITLE} [{ref}]"
                     for ref, c in sorted(councils.items(), key=lambda item: item[1]["name"])]
    assert not Path("outbox").exists() and not Path("blobs").exists()


def smtp_server_count(world):
    return world.smtp.handler.count()


def interrupted_send(reference, blob_dir=Path("blobs")):
    """The state a kill leaves: a message recorded as 'sending', bytes stored."""
    import datetime as dt

    from foi.db import connect
    from foi.letters.render import Rendered
    from foi.mail.compose import Envelope, build_message
    from foi.sending import outgoing

    db = connect(Path("campaign.db"))
    request = next(db.query("SELECT r.*, b.foi_email FROM requests r JOIN bodies b ON b.code = r.body_code "
                      "WHERE reference = ?", [reference]))
    when = dt.datetime.fromisoformat("2026-03-04T09:30:00+00:00")
    message_id = f"<foi.{reference}.interrupted@charity.test>"
    raw = build_message(Rendered(f"Freedom of Information request {reference}", "Dear council,\n"),
                        Envelope(SENDER_EMAIL, request["foi_email"], message_id, when))
    sha = outgoing.save_raw(blob_dir, raw)
    outgoing.claim_request(db, request["id"], message_id=message_id, to_addr=request["foi_email"],
                        subject="x", raw_sha256=sha, transport="smtp", now=when)
    db.close()
    return message_id, raw


def test_uncertain_message_found_in_sent_folder_is_marked_sent_not_resent(mail, run):
    councils = make_campaign(count=3)
    found_ref, lost_ref, fresh_ref = sorted(councils)
    _found_id, found_raw = interrupted_send(found_ref)
    lost_id, _ = interrupted_send(lost_ref)
    with mail.sender.client() as client:
        client.append("Sent", found_raw)

    result = run("send", "eh", "--yes")

    assert "Found already sent (in the Sent folder): 1" in result.stdout
    assert (f"{lost_ref}\t{councils[lost_ref]['name']}\t{councils[lost_ref]['foi_email']}\tmay have been sent"
            in result.stdout)
    assert [m["To"] for m in mail.received()] == [councils[fresh_ref]["foi_email"]]
    state = {r["reference"]: r for r in rows(
        "SELECT r.reference, r.state, r.sent_at, r.sent_on, o.state AS o_state FROM requests r "
        "JOIN outgoing o ON o.request_id = r.id")}
    assert state[found_ref] == {"reference": found_ref, "state": "awaiting_response",
                                "sent_at": "2026-03-04T09:30:00+00:00", "sent_on": "2026-03-04",
                                "o_state": "sent"}
    assert state[lost_ref]["o_state"] == "uncertain" and state[lost_ref]["state"] == "sending"

    run("send", "eh", "--yes")  # still not re-sent
    assert len(mail.received()) == 1

    resent = run("send", "eh", "--yes", "--resend-uncertain")
    assert "Sent: 1" in resent.stdout
    [message] = [m for m in mail.received() if m["To"] == councils[lost_ref]["foi_email"]]
    assert message["Message-ID"] == lost_id
    assert rows("SELECT attempts, state FROM outgoing WHERE message_id = ?", [lost_id]) == [
        {"attempts": 2, "state": "sent"}]


def test_messages_left_in_the_outbox_are_sent_for_real_once_a_server_is_set_up(mail, run, monkeypatch):
    """Issue 17, item 14: what went into outbox/ while no server was set up is still
    unsent; the first run with a server sends each message once, and the clock starts then."""
    import mailbox

    councils = make_campaign(count=3)
    host = os.environ["FOI_SMTP_HOST"]
    monkeypatch.delenv("FOI_SMTP_HOST")
    run("send", "eh", "--yes")
    run("send", "eh", "--yes")
    assert mail.received() == [] and len(mailbox.Maildir("outbox", create=False)) == 3
    monkeypatch.setenv("FOI_SMTP_HOST", host)
    monkeypatch.setenv("FOI_NOW", "2026-03-06T09:00:00+00:00")

    result = run("send", "eh", "--yes")

    assert result.stdout.splitlines()[0] == "Sent: 3" and result.stderr == "Done: 3 sent.\n"
    assert Counter(m["To"] for m in mail.received()) == Counter(c["foi_email"] for c in councils.values())
    assert rows("SELECT transport, state, sent_at FROM outgoing") == [
        {"transport": "smtp", "state": "sent", "sent_at": "2026-03-06T09:00:00+00:00"}] * 3  # the same rows
    assert {(r["state"], r["sent_on"]) for r in rows("SELECT * FROM requests")} == {("awaiting_response", "2026-03-06")}
    assert "3 skipped: already sent" in run("send", "eh", "--yes").stderr
    assert len(mail.received()) == 3

    # a reminder written into outbox/ is sent, once, when the server is back
    monkeypatch.setenv("FOI_NOW", "2026-04-20T09:00:00+00:00")
    monkeypatch.delenv("FOI_SMTP_HOST")
    first = sorted(councils)[0]
    run("chase", "eh", "--stage", "reminder", "--body", councils[first]["code"], "--yes")
    monkeypatch.setenv("FOI_SMTP_HOST", host)
    chased = run("chase", "eh", "--stage", "reminder", "--body", councils[first]["code"], "--yes")
    assert chased.stdout.splitlines()[0] == "Sent: 1"
    reminders = [m for m in mail.received() if m["Subject"].startswith("Reminder")]
    assert [m["To"] for m in reminders] == [councils[first]["foi_email"]]
    assert rows("SELECT state, transport FROM outgoing WHERE kind = 'reminder'") == [
        {"state": "sent", "transport": "smtp"}]
