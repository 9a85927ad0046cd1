"""Sending without servers: configuration, composing, throttling, the outbox."""

import email
import email.policy
import json
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


NOBODY = ("Nobody has received {them}: there is no mail server (SMTP) in foi.toml, so foi only wrote them "
          "into {outbox}.\n"
          "They do not count as sent: no deadline has started.\n"
          "To send them for real, add your mail server to foi.toml ([smtp] host, username and "
          "password_command: see Configuration in the README) and run the same command again: each is then "
          "sent once.\n")


def outbox() -> list[email.message.EmailMessage]:
    box = mailbox.Maildir("outbox", create=False)
    return [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.iterkeys()]


def table(sql):
    with sqlite3.connect("campaign.db") as conn:
        return conn.execute(sql).fetchall()


def test_without_smtp_messages_go_to_the_outbox_unsent_and_say_so_every_time(run):
    """Issue 17, item 14: with --yes in a pipe it said "Sent: 2" and started the clock."""
    councils = make_campaign(count=3)
    first, second, third = sorted(councils, key=lambda r: councils[r]["name"])
    notice = NOBODY.format(them="them", outbox=Path("outbox").resolve())

    def line(reference, rest):
        return "\t".join([f"  {reference}", councils[reference]["name"], rest])

    result = run("send", "eh", "--limit", "2", "--yes")

    assert result.stdout.splitlines() == [
        "Written to outbox/, not sent: 2",
        line(first, councils[first]["foi_email"]), line(second, councils[second]["foi_email"]),
        "Skipped: 1", line(third, "beyond --limit 2")]
    assert result.stderr == "Done: 2 written to outbox/ (not sent), 1 skipped.\n" + notice
    assert sorted(m["To"] for m in outbox()) == sorted(councils[r]["foi_email"] for r in (first, second))
    # not sent: the requests are drafts still, no clock started, no 'sent' event
    assert table("SELECT state, sent_at, sent_on FROM requests") == [("draft", None, None)] * 3
    assert table("SELECT transport, state, sent_at FROM outgoing") == [("outbox", "draft", None)] * 2
    assert table("SELECT DISTINCT kind FROM events") == [("created",)]

    again = run("send", "eh", "--yes")  # a re-run writes only what is not waiting there already

    assert again.stdout.splitlines() == [
        "Written to outbox/, not sent: 1", line(third, councils[third]["foi_email"]),
        "Skipped: 2", line(first, "in outbox/ since 2026-03-04, never sent"),
        line(second, "in outbox/ since 2026-03-04, never sent")]
    assert again.stderr == "Done: 1 written to outbox/ (not sent), 2 skipped.\n" + notice
    assert len(outbox()) == 3

    idle = run("send", "eh", "--yes")

    assert (idle.stdout, idle.stderr) == ("", "3 skipped: in outbox/, never sent\nNothing new to write into outbox/.\n"
                                              + NOBODY.format(them="the messages waiting there",
                                                              outbox=Path("outbox").resolve()))
    assert len(outbox()) == 3
    assert run("send", "eh", "--dry-run").stderr.startswith(
        f"Would write 0 requests into {Path('outbox').resolve()} (no SMTP server set up: nobody receives them):")
    assert ("Written into outbox/ but not sent (nobody received them; no deadline runs for them): 3 requests. "
            "Add your mail server to foi.toml ([smtp]) and run the same command again to send them.\n"
            ) in run("status", "eh").stdout


def test_a_dry_run_in_a_folder_named_with_braces_says_where_the_messages_would_go(run, monkeypatch):
    """The folder's name is said as it is, never read as a format string ('{x}' once crashed)."""
    Path("a{x}").mkdir()
    monkeypatch.chdir("a{x}")
    make_campaign(count=2)
    where = f"into {Path('outbox').resolve()} (no SMTP server set up: nobody receives them):"

    assert run("send", "eh", "--dry-run").stderr.startswith(f"Would write 2 requests {where}\n")
    councils = make_campaign(count=1, slug="other", prefix="OT")
    [council] = councils.values()
    run("mark-sent", "other", council["code"], "--via", "email", "--on", "2026-02-02")
    run("set-state", "other", council["code"], "awaiting_clarification")
    Path("answer.txt").write_text("We mean referrals to early help.\n", encoding="utf-8")
    replied = run("reply", "other", council["code"], "--file", "answer.txt", "--dry-run")
    assert replied.stderr.startswith(f"Would write 1 reply {where}\n"), replied.stderr


def test_on_a_terminal_the_question_says_it_writes_into_the_outbox_for_nobody(run, monkeypatch):
    monkeypatch.setattr("foi.cli.delivery.stdin_is_terminal", lambda: True)
    make_campaign(count=2)

    declined = run("send", "eh", input="n\n", ok=False)

    assert declined.stderr.startswith(f"Write 2 requests into {Path('outbox').resolve()} (no SMTP server set up: "
                                      "nobody receives them)? [y/N]")
    assert not Path("outbox").exists()


def test_reply_and_chase_into_the_outbox_are_not_sent_either(run, monkeypatch):
    """Issue 17, item 14: a reminder or a clarification written into outbox/ is not a
    chase, restarts no clock, and says so."""
    councils = make_campaign(count=1)
    [(reference, council)] = councils.items()
    run("mark-sent", "eh", council["code"], "--via", "email", "--on", "2026-02-02")
    monkeypatch.setenv("FOI_NOW", "2026-03-20T10:00:00+00:00")
    notice = NOBODY.format(them="them", outbox=Path("outbox").resolve())
    written = f"  {reference}\t{council['name']}\t{council['foi_email']}"

    chased = run("chase", "eh", "--stage", "reminder", "--yes")

    assert chased.stdout.splitlines() == ["Written to outbox/, not sent: 1", written]
    assert chased.stderr == "Done: 1 written to outbox/ (not sent).\n" + notice
    [reminder] = outbox()
    assert reminder["To"] == council["foi_email"] and reminder["Subject"].startswith("Reminder")
    assert json.loads(run("status", "eh", "--json").stdout)["requests"][0]["chases"] == 0
    assert table("SELECT kind, state, transport FROM outgoing WHERE kind = 'reminder'") == [
        ("reminder", "draft", "outbox")]
    assert table("SELECT DISTINCT kind FROM events") == [("created",), ("sent",)]  # no reminder_sent
    assert "not sent (nobody received them; no deadline runs for them): 1 reminder. " in run("status", "eh").stdout
    held = run("chase", "eh", "--stage", "reminder", "--yes")
    assert "1 skipped: in outbox/, never sent\nNothing new to write into outbox/.\n" in held.stderr
    assert len(outbox()) == 1
    dry = run("chase", "eh", "--stage", "reminder", "--dry-run")  # says what the real run does
    assert dry.stderr.startswith("Would write 0 reminders into outbox/ (no SMTP server set up: nobody receives "
                                 "them).\nNot sent: 1\n1 skipped: in outbox/, never sent\n"), dry.stderr
    assert dry.stdout == ""

    run("set-state", "eh", council["code"], "awaiting_clarification")
    Path("answer.txt").write_text("We mean referrals to early help.\n", encoding="utf-8")
    replied = run("reply", "eh", council["code"], "--file", "answer.txt", "--yes")

    assert replied.stdout.splitlines() == ["Written to outbox/, not sent: 1", written]
    assert replied.stderr == "Done: 1 written to outbox/ (not sent).\n" + notice
    assert table("SELECT state FROM requests") == [("awaiting_clarification",)]  # the clock stays stopped
    assert table("SELECT count(*) FROM events WHERE kind IN ('clarification_given', 'clarification_sent')") == [(0,)]
    assert len(outbox()) == 2


def test_outbox_counts_as_sent_when_the_user_says_they_send_the_files_on(run):
    """For someone who sends outbox/'s files with their own mail program (and for the demo)."""
    Path("foi.toml").write_text("[outbox]\ncounts_as_sent = true\n", encoding="utf-8")
    councils = make_campaign(count=1)
    [(reference, council)] = councils.items()

    result = run("send", "eh", "--yes")

    assert result.stdout.splitlines() == ["Written to outbox/, counted as sent: 1",
                                          f"  {reference}\t{council['name']}\t{council['foi_email']}"]
    assert result.stderr == (f"Done: 1 sent.\nThese were written into {Path('outbox').resolve()} and count as sent "
                             "from now (outbox.counts_as_sent in foi.toml): their deadlines run from today, so send "
                             "the files on today.\n")
    assert table("SELECT state, sent_on FROM requests") == [("awaiting_response", "2026-03-04")]
    assert len(outbox()) == 1


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
    run("mark-sent", "eh", councils[first]["code"], "--via", "post", "--on", "2026-03-02")
    interrupted_send(caught)
    with sqlite3.connect("campaign.db") as conn:
        for reference, address in ((no_address, None), (bad, "foi at council")):
            conn.execute("UPDATE bodies SET foi_email = ? WHERE code = ?", [address, councils[reference]["code"]])

    result = run("send", "eh", "--limit", "1", "--yes")

    def line(reference, *rest):
        return "\t".join([f"  {reference}", councils[reference]["name"], *rest])

    assert result.stdout.splitlines() == [
        "Written to outbox/, not sent: 1",
        line(new, councils[new]["foi_email"]),
        "Uncertain: 1",
        line(caught, councils[caught]["foi_email"],
             "may have been sent (no Sent folder to check); re-sent only through an SMTP server"),
        "Skipped: 4",
        line(first, "already sent (state awaiting_response)"),
        line(no_address, "no FOI address for this body"),
        line(bad, "'foi at council' is not a valid email address"),
        line(later, "beyond --limit 1"),
    ]
    assert result.stderr.splitlines()[0] == "Done: 1 written to outbox/ (not sent), 1 uncertain, 4 skipped."
