"""Sending without servers: configuration, composing, throttling, the outbox."""

import email
import email.policy
import mailbox
import re
import sqlite3
from pathlib import Path

import pytest

from foi.config import load_config
from foi.errors import FoiError
from foi.letters.render import Rendered
from foi.mail.compose import Envelope, build_message
from foi.sending.send import Pacer
from tests.builders import make_campaign


def write(text: str, name: str = "foi.toml") -> Path:
    Path(name).write_text(text)
    return Path(name)


@pytest.fixture(autouse=True)
def signed(monkeypatch):
    """Requests must be signed: every test here sends as a named sender."""
    monkeypatch.setenv("FOI_SENDER_NAME", "Children's Rights Campaign")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "campaigns@charity.test")


def test_toml_layout_with_env_overrides():
    write("""
[smtp]
host = "smtp.office365.com"
username = "campaigns@charity.org.uk"
password_command = "echo s3cret"
retry_delays = [10, 20]

[imap]
host = "outlook.office365.com"
folders = ["INBOX", "FOI replies"]
sent_folder = "Sent Items"

[sender]
name = "Children's Rights Campaign"
email = "campaigns@charity.org.uk"
reply_to = "foi+{reference}@charity.org.uk"
""")
    config = load_config(env={"FOI_SMTP_PORT": "2525", "FOI_SEND_RATE": "10",
                              "FOI_IMAP_FOLDERS": "INBOX, Archive"})
    assert (config.smtp.host, config.smtp.effective_port, config.smtp.security) == \
        ("smtp.office365.com", 2525, "starttls")
    assert config.smtp.rate == 10 and config.smtp.retry_delays == (10.0, 20.0)
    assert (config.imap.effective_port, config.imap.security) == (993, "ssl")
    assert config.imap.folders == ("INBOX", "Archive")
    assert config.imap.sent_folder == "Sent Items"
    assert config.sender.reply_to_for("EH-BNS-592V") == "foi+eh-bns-592v@charity.org.uk"
    assert config.smtp.secret() == "s3cret"
    assert "s3cret" not in repr(config) and "echo" not in repr(config)


def test_defaults_without_a_file():
    config = load_config(env={})
    assert not config.smtp.configured and config.smtp.rate == 30
    assert config.imap.folders == ("INBOX",) and config.imap.sent_folder is None


@pytest.mark.parametrize("text,message", [
    ("[smtp]\nhots = 'x'\n", "Unknown key smtp.hots"),
    ("[smpt]\nhost = 'x'\n", "Unknown section [smpt]"),
    ("[smtp]\nport = 70000\n", "smtp.port is 70000, outside 1-65535"),
    ("[imap]\nport = 'imap'\n", "imap.port is 'imap', not a number"),
    ("[smtp]\nsecurity = 'tls'\n", "smtp.security is 'tls'"),
    ("[smtp]\nrate = -1\n", "smtp.rate is -1; it cannot be negative"),
    ("[imap]\nsent_folder = 'Sent'\n", "imap.sent_folder is set but imap.host is not"),
    ("[smtp\n", "foi.toml is not valid TOML"),
])
def test_bad_configuration_names_the_key(text, message):
    write(text)
    with pytest.raises(FoiError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_config(env={})


def test_env_security_is_validated_too():
    with pytest.raises(FoiError, match=r"smtp\.security is 'starttl'"):
        load_config(env={"FOI_SMTP_SECURITY": "starttl"})


def test_failing_password_command_does_not_leak_its_output():
    config = load_config(env={"FOI_SMTP_PASSWORD_COMMAND": "echo leaked; exit 3"})
    with pytest.raises(FoiError) as caught:
        config.smtp.secret()
    assert "exit code 3" in str(caught.value) and "leaked" not in str(caught.value)


def test_config_option_on_the_group(run):
    write("[smtp]\nport = 0\n", "other.toml")
    make_campaign(count=1)
    failed = run("--config", "other.toml", "send", "eh", "--dry-run", ok=False)
    assert failed.exit_code == 1 and re.search("smtp.port is 0", failed.stderr)
    failed = run("--config", "missing.toml", "send", "eh", "--dry-run", ok=False)
    assert failed.exit_code == 1 and re.search("No configuration file at missing.toml", failed.stderr)


def test_message_headers_unicode_body_and_attachment():
    import datetime as dt

    raw = build_message(
        Rendered("Freedom of Information request EH-BNS-592V",
                 "Dear Barnsley Metropolitan Borough Council,\n\nNumbers for 2024–25 — please.\n",
                 [("questions.csv", b"id,question\nq1,How many?\n", "text/csv")]),
        Envelope("campaigns@charity.test", "foi@barnsley.gov.uk", "<foi.EH-BNS-592V.1@charity.test>",
                 dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC), from_name="Campaign",
                 reply_to="foi+EH-BNS-592V@charity.test"))
    assert b"\r\n" in raw and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    raw.decode("ascii")  # 7-bit clean: no server needs 8BITMIME
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Date"] == "Wed, 04 Mar 2026 10:00:00 +0000"
    assert message["Reply-To"] == "foi+EH-BNS-592V@charity.test"
    assert "2024–25 — please" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "questions.csv"
    assert attachment.get_content_type() == "text/csv"


def test_pacer_spaces_messages_by_the_rate():
    clock, sleeps = [100.0], []

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds

    pacer = Pacer(30, sleep=sleep, monotonic=lambda: clock[0])
    pacer.wait()
    clock[0] += 0.5  # sending took half a second
    pacer.wait()
    clock[0] += 3  # slower than the rate: no wait
    pacer.wait()
    assert sleeps == [1.5]
    Pacer(0, sleep=sleep).wait()
    assert sleeps == [1.5]


def test_without_smtp_messages_go_to_the_outbox(run):
    councils = make_campaign(count=3)

    result = run("send", "eh", "--limit", "2", "--yes")

    assert "Sent: 2" in result.stdout
    assert "\tbeyond --limit 2\n" in result.stdout
    messages = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
                for m in mailbox.Maildir("outbox", create=False)]
    first_two = sorted(councils.values(), key=lambda c: c["name"])[:2]
    assert sorted(m["To"] for m in messages) == sorted(c["foi_email"] for c in first_two)
    with sqlite3.connect("campaign.db") as conn:
        assert conn.execute("SELECT DISTINCT transport, state FROM outgoing").fetchall() == \
            [("outbox", "sent")]
    run("send", "eh", "--yes")
    assert len(list(mailbox.Maildir("outbox", create=False))) == 3


def test_body_filter_and_unknown_campaign(run):
    councils = make_campaign(count=3)
    code = sorted(c["code"] for c in councils.values())[0]
    result = run("send", "eh", "--body", code.lower(), "--dry-run")
    assert len(result.stdout.splitlines()) == 1 and f"foi-{code.lower()}@" in result.stdout
    failed = run("send", "nope", "--dry-run", ok=False)
    assert failed.exit_code == 1 and re.search("No campaign called 'nope'", failed.stderr)
    failed = run("send", "eh", "--body", "ZZZ", "--dry-run", ok=False)
    assert failed.exit_code == 1 and re.search("No public body matches 'ZZZ'", failed.stderr)
    failed = run("send", "eh", "--body", "Manchester City Council", "--dry-run", ok=False)
    assert failed.exit_code == 1 and re.search("No request in campaign eh for: MAN", failed.stderr)


def test_the_summary_lists_every_council_under_what_happened_to_it(run):
    """Issue 17, item 15: not counts alone but one line per council: sent, uncertain
    and skipped with why (a failure with the server's words: test_send_servers)."""
    from tests.test_send_servers import interrupted_send

    councils = make_campaign(count=6)
    first, caught, no_address, bad, new, later = sorted(councils, key=lambda r: councils[r]["name"])
    run("send", "eh", "--limit", "1", "--yes")
    interrupted_send(caught)
    with sqlite3.connect("campaign.db") as conn:
        for reference, address in ((no_address, None), (bad, "foi at council")):
            conn.execute("UPDATE bodies SET foi_email = ? WHERE code = ?", [address, councils[reference]["code"]])

    result = run("send", "eh", "--limit", "1", "--yes")

    def line(reference, *rest):
        return "\t".join([f"  {reference}", councils[reference]["name"], *rest])

    assert result.stdout.splitlines() == [
        "Sent: 1",
        line(new, councils[new]["foi_email"]),
        "Uncertain: 1",
        line(caught, councils[caught]["foi_email"],
             "may have been sent (no Sent folder to check); not re-sent without --resend-uncertain"),
        "Skipped: 4",
        line(first, "already sent (state awaiting_response)"),
        line(no_address, "no FOI address for this body"),
        line(bad, "'foi at council' is not a valid email address"),
        line(later, "beyond --limit 1"),
    ]
    assert result.stderr.splitlines()[-1] == "Done: 1 sent, 1 uncertain, 4 skipped."
