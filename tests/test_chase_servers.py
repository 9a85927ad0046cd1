"""`foi chase` and `foi reply` against real servers: aiosmtpd delivering into
Dovecot. Requests are sent on 2026-03-04 (due 2026-04-02: St Patrick's Day,
17 March, is a UK holiday), councils' replies imported as .eml files."""

import datetime as dt
import email.policy
import json
import sqlite3
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from tests.builders import make_campaign

QUESTION = "How many children in your care were placed more than 20 miles from home?"


def rows(sql, params=()):
    with sqlite3.connect("campaign.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def our_ids():
    return {r["reference"]: r["message_id"] for r in rows(
        "SELECT r.reference, o.message_id FROM outgoing o JOIN requests r ON r.id = o.request_id "
        "WHERE o.kind = 'request'")}


def council_says(name, reference, council, text, when, their_ref="FOI-2026-0042", subject=None):
    """Write a council's reply (in our thread) as an .eml file; returns its Message-ID."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = council["foi_email"]
    message["To"] = f"foi+{reference.lower()}@charity.test"
    message["Subject"] = subject or f"RE: Freedom of Information request [{reference}] {their_ref}"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{name}.{reference.lower()}@councils.test>"
    message["In-Reply-To"] = our_ids()[reference]
    message.set_content(text)
    Path(f"{name}-{reference}.eml").write_bytes(message.as_bytes())
    return message["Message-ID"]


def at(day, hour=10):
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+01:00")


def sent_world(mail, run, count=4):
    councils = make_campaign(count=count)
    run("send", "eh", "--yes")
    assert len(mail.received()) == count
    return sorted(councils), councils


def chasers(mail):
    return [m for m in mail.received() if not m["Subject"].startswith("Freedom of Information request")]


def test_reminders_go_once_in_thread_to_overdue_councils_only(mail, run, monkeypatch):
    refs, councils = sent_world(mail, run)
    answered, acked, silent1, silent2 = refs
    council_says("answer", answered, councils[answered],
                 "Please find below our response. 2023/24: 14 children. 2024/25: 17 children.",
                 at("2026-03-20"))
    ack = council_says("ack", acked, councils[acked],
                       "We acknowledge receipt of your request, which we have logged.", at("2026-03-05"))
    run("import", *sorted(str(p) for p in Path(".").glob("*.eml")))
    assert {r["reference"]: r["state"] for r in rows("SELECT reference, state FROM requests")} == {
        answered: "answered", acked: "acknowledged", silent1: "awaiting_response", silent2: "awaiting_response"}

    monkeypatch.setenv("FOI_NOW", "2026-04-02T16:00:00+01:00")  # the due date itself: not late yet
    assert "Nothing to send." in run("chase", "eh", "--stage", "reminder", "--yes").stderr

    # 15 April: 7 working days after 2 April (Good Friday 3rd, Easter Monday 6th skipped).
    monkeypatch.setenv("FOI_NOW", "2026-04-15T09:00:00+01:00")
    dry = run("chase", "eh", "--stage", "reminder", "--dry-run")
    assert dry.stdout.count("Subject: Reminder:") == 3
    assert rows("SELECT * FROM outgoing WHERE kind != 'request'") == [] and len(mail.received()) == 4

    result = run("chase", "eh", "--stage", "reminder", "--yes")

    assert "Sent: 3" in result.stdout
    got = {m["To"]: m for m in chasers(mail)}
    assert sorted(got) == sorted(councils[r]["foi_email"] for r in (acked, silent1, silent2))
    ids = our_ids()
    for reference, parent in ((acked, ack), (silent1, ids[silent1]), (silent2, ids[silent2])):
        message = got[councils[reference]["foi_email"]]
        assert message["In-Reply-To"] == parent and message["References"] == parent
        text = " ".join(message.get_content().split())
        assert "On 4 March 2026 I sent you a request" in text and f"our reference {reference}" in text
        assert "required a response by 2 April 2026; it is now 7 working days overdue" in text
        assert f"1. {QUESTION}" in text
        assert message["Subject"].startswith(f"Reminder: Freedom of Information request {reference}")
        dry_text = " ".join(dry.stdout.split())
        assert f"In-Reply-To: {parent}" in dry.stdout and text in dry_text  # the dry run showed it exactly
    assert "your ref FOI-2026-0042" in got[councils[acked]["foi_email"]]["Subject"]
    assert {(r["reference"], r["kind"], r["state"]) for r in rows(
        "SELECT r.reference, o.kind, o.state FROM outgoing o JOIN requests r ON r.id = o.request_id "
        "WHERE o.kind = 'reminder'")} == {(r, "reminder", "sent") for r in (acked, silent1, silent2)}
    status = {r["reference"]: r for r in json.loads(
        run("status", "eh", "--json").stdout)["requests"]}
    assert {ref: status[ref]["chases"] for ref in refs} == {answered: 0, acked: 1, silent1: 1, silent2: 1}

    again = run("chase", "eh", "--stage", "reminder", "--yes")
    assert "Nothing to send." in again.stderr and "chased on 2026-04-15, within --min-gap 10 days" in again.stderr
    monkeypatch.setenv("FOI_NOW", "2026-04-24T09:00:00+01:00")  # 9 days on: still inside the gap
    assert "Nothing to send." in run("chase", "eh", "--stage", "reminder", "--yes").stderr
    assert "Sent: 3" in run("chase", "eh", "--stage", "reminder", "--min-gap", "9", "--yes").stdout
    assert len(chasers(mail)) == 6
    assert all(m["To"] != councils[answered]["foi_email"] for m in chasers(mail))


REFUSAL = ("We are refusing your request. The information is exempt under section 40(2) of the Act "
           "(personal information) and section 31(1) (law enforcement), so it is withheld.")


def test_review_names_the_exemptions_and_starts_the_review_clock_then_ico(mail, run, monkeypatch):
    refs, councils = sent_world(mail, run, count=2)
    refused, _silent = refs
    refusal_id = council_says("refusal", refused, councils[refused], REFUSAL, at("2026-03-30"))
    run("import", f"refusal-{refused}.eml")
    assert rows("SELECT state FROM requests WHERE reference = ?", [refused]) == [{"state": "refused"}]

    monkeypatch.setenv("FOI_NOW", "2026-04-08T11:00:00+01:00")
    result = run("chase", "eh", "--stage", "review", "--yes")

    assert "Sent: 1" in result.stdout  # the silent council is not reviewed: it has not responded
    [message] = chasers(mail)
    assert message["To"] == councils[refused]["foi_email"] and message["In-Reply-To"] == refusal_id
    assert message["Subject"] == (f"Internal review request: Freedom of Information request {refused} "
                                  "(your ref FOI-2026-0042)")
    text = " ".join(message.get_content().split())
    assert "Your response relied on section 40(2) and section 31(1)." in text
    assert f"The following questions have not been answered in full: 1. {QUESTION}" in text
    assert rows("SELECT state FROM requests WHERE reference = ?", [refused]) == [{"state": "internal_review"}]
    assert rows("SELECT kind, occurred_on FROM events WHERE kind = 'review_requested'") == [
        {"kind": "review_requested", "occurred_on": "2026-04-08"}]
    # 20 working days from 8 April 2026 (4 May bank holiday): 7 May; very late after 5 June
    # (25 May bank holiday).
    explained = run("deadline", "eh", councils[refused]["code"]).stdout
    assert "2026-04-08  internal review requested: due 2026-05-07, very late after 2026-06-05" in explained
    assert "Nothing to send." in run("chase", "eh", "--stage", "review", "--yes", "--min-gap", "0").stderr

    monkeypatch.setenv("FOI_NOW", "2026-05-07T17:00:00+01:00")
    assert "Wrote 0 complaint drafts" in run("chase", "eh", "--stage", "ico").stderr
    monkeypatch.setenv("FOI_NOW", "2026-05-12T09:00:00+01:00")  # 3 working days late
    dry = run("chase", "eh", "--stage", "ico", "--dry-run")
    assert not Path("ico").exists()
    result = run("chase", "eh", "--stage", "ico")

    base = Path("ico") / "eh" / refused
    assert result.stdout.split() == [str(Path.cwd() / f"{base}.txt"), str(Path.cwd() / f"{base}.docx")]
    complaint = (Path.cwd() / f"{base}.txt").read_text()
    assert complaint.split("\n\n", 1)[1] in dry.stdout
    flat = " ".join(complaint.split())
    for expected in (f"- Our reference: {refused}", "- The authority's reference: FOI-2026-0042",
                     "- Sent on: 4 March 2026 (by email)", "- Response due by: 2 April 2026",
                     "- Response received on: 30 March 2026", "- Internal review requested on: 8 April 2026",
                     "The authority relied on section 40(2) and section 31(1)",
                     "Grounds: the internal review is 3 working days overdue (due 2026-05-07).",
                     "2026-03-04 request received (day 0); due 2026-04-02 (working day 20)",
                     "2026-03-30 council responded",
                     "2026-04-08 internal review requested: due 2026-05-07",
                     f"they sent (refusal) (their ref FOI-2026-0042): RE: Freedom of Information request [{refused}]"):
        assert expected in flat, expected
    from foi.letters.word import letter_text

    letter = letter_text((Path.cwd() / f"{base}.docx").read_bytes())
    assert "2026-04-08  internal review requested: due 2026-05-07" in letter
    assert f"Our reference: {refused}" in letter
    assert rows("SELECT kind, state, transport FROM outgoing WHERE kind = 'ico'") == [
        {"kind": "ico", "state": "draft", "transport": "file"}]
    assert len(chasers(mail)) == 1  # the complaint is not emailed
    assert "complaint draft already written" in run("chase", "eh", "--stage", "ico").stderr


def test_review_of_an_upheld_refusal_leads_to_a_complaint(mail, run, monkeypatch):
    refs, councils = sent_world(mail, run, count=1)
    [refused] = refs
    council_says("refusal", refused, councils[refused], REFUSAL, at("2026-03-30"))
    run("import", f"refusal-{refused}.eml")
    monkeypatch.setenv("FOI_NOW", "2026-04-08T11:00:00+01:00")
    run("chase", "eh", "--stage", "review", "--yes")
    council_says("upheld", refused, councils[refused],
                 "The internal review has upheld the decision to refuse: the information is exempt "
                 "under section 40(2).", at("2026-04-20"), subject=f"Internal review [{refused}]")
    run("import", f"upheld-{refused}.eml")
    monkeypatch.setenv("FOI_NOW", "2026-04-21T09:00:00+01:00")

    result = run("chase", "eh", "--stage", "ico")

    assert "Wrote 1 complaint draft:" in result.stderr
    text = (Path("ico") / "eh" / f"{refused}.txt").read_text()
    assert "Grounds: the internal review of 2026-04-20 upheld the refusal." in " ".join(text.split())


def test_answered_or_too_old_responses_are_not_reviewed(mail, run, monkeypatch):
    refs, councils = sent_world(mail, run, count=2)
    refused, answered = refs
    council_says("refusal", refused, councils[refused], REFUSAL, at("2026-03-30"))
    council_says("answer", answered, councils[answered],
                 "Please find below our response. 2023/24: 14 children. 2024/25: 17 children.", at("2026-03-20"))
    run("import", *sorted(str(p) for p in Path(".").glob("*.eml")))
    # Working day 40 after 30 March 2026 is Friday 29 May (Easter, 4 and 25 May skipped):
    # on Monday 1 June the window for a review has closed.
    assert run("deadline", "2026-03-30", "--days", "40").stdout.strip() == "2026-05-29"
    monkeypatch.setenv("FOI_NOW", "2026-06-01T09:00:00+01:00")

    result = run("chase", "eh", "--stage", "review", "--yes")

    assert "Nothing to send." in result.stderr
    assert (f"{refused}\t{councils[refused]['name']}\tskipped: responded 2026-03-30, 41 working days ago: "
            "past the 40-day window for a review") in result.stderr
    assert f"{answered}\t{councils[answered]['name']}\tskipped: answered: never chased" in result.stderr
    assert chasers(mail) == []


def test_reply_to_a_clarification_restarts_the_clock(mail, run, monkeypatch):
    refs, councils = sent_world(mail, run, count=2)
    asked, other = refs
    question = council_says("clarify", asked, councils[asked],
                            "Could you please clarify what you mean by 'placed'? We need clarification "
                            "before we can proceed with your request.", at("2026-03-12"))
    run("import", f"clarify-{asked}.eml")
    assert rows("SELECT state FROM requests WHERE reference = ?", [asked]) == [{"state": "awaiting_clarification"}]
    Path("answer.txt").write_text("By 'placed' I mean the child's main placement on 31 March.\n")
    monkeypatch.setenv("FOI_NOW", "2026-04-20T23:30:00+01:00")  # still 20 April in London

    dry = run("reply", "eh", councils[asked]["code"], "--file", "answer.txt", "--dry-run")
    assert f"In-Reply-To: {question}" in dry.stdout and rows("SELECT * FROM outgoing WHERE kind != 'request'") == []
    result = run("reply", "eh", councils[asked]["code"], "--file", "answer.txt", "--yes")

    assert "Sent: 1" in result.stdout
    [message] = chasers(mail)
    assert message["In-Reply-To"] == question
    assert message["Subject"] == f"Re: Freedom of Information request [{asked}] FOI-2026-0042"
    assert message.get_content().replace("\r\n", "\n") == (
        "By 'placed' I mean the child's main placement on 31 March.\n\n"
        f"Our reference: {asked}; your reference: FOI-2026-0042\n")
    assert rows("SELECT kind, state FROM outgoing WHERE kind = 'clarification'") == [
        {"kind": "clarification", "state": "sent"}]
    # Hand-worked: 20 working days from Monday 20 April 2026, skipping Monday 4 May
    # (Early May bank holiday): 21-24 Apr (4), 27-30 Apr (8), 1 May (9), 5-8 May (13),
    # 11-15 May (18), 18 May (19), 19 May (20).
    assert run("deadline", "2026-04-20").stdout.strip() == "2026-05-19"
    [request] = rows("SELECT state FROM requests WHERE reference = ?", [asked])
    assert request == {"state": "awaiting_response"}
    assert rows("SELECT occurred_on FROM events WHERE kind = 'clarification_given'") == [{"occurred_on": "2026-04-20"}]
    status = {r["reference"]: r for r in json.loads(run("status", "eh", "--json").stdout)["requests"]}
    assert (status[asked]["due_date"], status[asked]["overdue"], status[asked]["chases"]) == ("2026-05-19", False, 0)
    explained = run("deadline", "eh", councils[asked]["code"]).stdout
    assert "2026-04-20  clarification sent: 20 working days start afresh (day 0); due 2026-05-19" in explained

    again = run("reply", "eh", councils[asked]["code"], "--file", "answer.txt", "--yes")
    assert "Nothing to send." in again.stderr and len(chasers(mail)) == 1
    refused = run("reply", "eh", councils[other]["code"], "--file", "answer.txt", "--yes", ok=False)
    assert refused.exit_code == 1 and "has not asked for clarification" in refused.stderr


def test_a_reminder_caught_mid_send_is_sent_again_only_when_asked(mail, run, monkeypatch):
    """A chaser whose sending was interrupted, and that the Sent folder does not hold, is
    'uncertain': not sent again by a plain re-run; --resend-uncertain sends the same
    message (same Message-ID), once."""
    refs, councils = sent_world(mail, run, count=2)
    monkeypatch.setenv("FOI_NOW", "2026-04-15T09:00:00+01:00")
    run("chase", "eh", "--stage", "reminder", "--yes", "--body", councils[refs[0]]["code"])
    [reminder] = rows("SELECT id, message_id FROM outgoing WHERE kind = 'reminder'")
    with sqlite3.connect("campaign.db") as conn:  # as if foi was stopped while handing it to the server
        conn.execute("UPDATE outgoing SET state = 'sending', sent_at = NULL WHERE id = ?", [reminder["id"]])
    with mail.sender.client() as client:  # ... before its copy was saved in the Sent folder
        client.select_folder("Sent")
        client.delete_messages(client.search(["HEADER", "Message-ID", reminder["message_id"]]))
        client.expunge()
    before = len(chasers(mail))

    again = run("chase", "eh", "--stage", "reminder", "--yes", "--body", councils[refs[0]]["code"])

    assert "may have been sent (not found in the Sent folder); not re-sent without --resend-uncertain" \
        in again.stdout
    assert len(chasers(mail)) == before
    resent = run("chase", "eh", "--stage", "reminder", "--yes", "--body", councils[refs[0]]["code"],
                 "--resend-uncertain")
    assert "Sent: 1" in resent.stdout
    assert [m["Message-ID"] for m in chasers(mail)] == [reminder["message_id"]] * 2
    assert rows("SELECT state FROM outgoing WHERE id = ?", [reminder["id"]]) == [{"state": "sent"}]
