"""`foi preview` shows the message the real command would send, built by the same code
(issue 17, item 17): compared here with what `foi send` and `foi chase` then write."""

import email
import email.policy
import json
import mailbox
import sqlite3
from pathlib import Path

import pytest

from tests.builders import make_campaign

SHOWN = ("From", "To", "Reply-To", "Subject", "Date", "In-Reply-To", "References")
NOTE = "Date is the moment of sending (shown here for now); the Message-ID is made then too.\n"


@pytest.fixture(autouse=True)
def signed(monkeypatch):
    monkeypatch.setenv("FOI_SENDER_NAME", "Children's Rights Campaign")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "campaigns@charity.test")
    monkeypatch.setenv("FOI_REPLY_TO", "foi+{reference}@charity.test")
    monkeypatch.setenv("FOI_OUTBOX_COUNTS_AS_SENT", "true")  # what goes into outbox/ is sent, for the chaser


def written(kind: str) -> email.message.EmailMessage:
    """The one message of `kind` ("Freedom..." or "Reminder...") in outbox/."""
    box = mailbox.Maildir("outbox", create=False)
    messages = [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.iterkeys()]
    [message] = [m for m in messages if m["Subject"].startswith(kind)]
    return message


def as_previewed(message: email.message.EmailMessage) -> str:
    headers = "".join(f"{name}: {message[name]}\n" for name in SHOWN if message[name] is not None)
    return headers + "\n" + message.get_content().replace("\r\n", "\n")  # the text, whatever the line ends


def test_the_request_preview_is_the_message_send_writes(run):
    councils = make_campaign(count=1)
    [(reference, council)] = councils.items()

    shown = run("preview", "eh", council["code"])
    run("send", "eh", "--yes")

    sent = written("Freedom")
    assert shown.stdout == as_previewed(sent) and shown.stderr == NOTE
    assert shown.stdout.startswith(
        "From: Children's Rights Campaign <campaigns@charity.test>\n"
        f"To: {council['foi_email']}\n"  # the address alone, as sent (it showed the council's name)
        f"Reply-To: foi+{reference.lower()}@charity.test\n"
        f"Subject: Freedom of Information request: Children placed in care out of area, 2023-2025 [{reference}]\n"
        "Date: Wed, 04 Mar 2026 10:00:00 +0000\n\n")


def test_the_reminder_preview_is_the_reminder_chase_sends_with_its_days_overdue(run, monkeypatch):
    councils = make_campaign(count=1)
    [council] = councils.values()
    run("send", "eh", "--yes")
    monkeypatch.setenv("FOI_NOW", "2026-04-20T09:30:00+01:00")
    [row] = json.loads(run("status", "eh", "--json").stdout)["requests"]

    shown = run("preview", "eh", council["code"], "--kind", "reminder")
    run("chase", "eh", "--stage", "reminder", "--yes")

    reminder = written("Reminder")
    assert shown.stdout == as_previewed(reminder) and shown.stderr == NOTE
    assert reminder["In-Reply-To"] == written("Freedom")["Message-ID"]  # in the request's thread
    assert "Date: Mon, 20 Apr 2026 09:30:00 +0100\n" in shown.stdout
    assert row["days_overdue"] == 10 and "10 working days overdue" in shown.stdout


def test_a_message_the_command_would_not_send_is_not_previewed_and_says_why(run):
    councils = make_campaign(count=2)
    first, second = sorted(councils, key=lambda r: councils[r]["name"])
    with sqlite3.connect("campaign.db") as conn:
        conn.execute("UPDATE bodies SET foi_email = NULL WHERE code = ?", [councils[second]["code"]])

    no_address = run("preview", "eh", councils[second]["code"], ok=False)
    not_late = run("preview", "eh", councils[first]["code"], "--kind", "reminder", ok=False)

    assert (no_address.exit_code, no_address.stdout, no_address.stderr) == (1, "", (
        f"Error: `foi send` would send nothing to {councils[second]['name']} ({second}): "
        "no FOI address for this body\n"
        "  Set its address with `foi councils set-email`, or make a letter with `foi generate --format docx`.\n"))
    assert (not_late.exit_code, not_late.stderr) == (1, (
        f"Error: `foi chase --stage reminder` would send nothing to {councils[first]['name']} ({first}): "
        "not sent yet (state draft)\n"
        "  So there is nothing to preview; `foi status` shows where the request stands.\n"))
    assert not Path("outbox").exists()
