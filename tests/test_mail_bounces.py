"""Delivery failures: address extraction, bounce vs auto-reply, corpus runs."""

import csv
import email
from email import policy
from email.message import EmailMessage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from foi.triage.bounces import parse_bounce
from tests.builders import sent_campaign
from tests.mailfixtures import deliver, reply


def dsn(action="failed", status="5.1.1", recipient="foi@barnsley.gov.uk"):
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.charity.org.uk>"
    report["To"] = "foi@charity.org.uk"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.attach(MIMEText("This is the mail system at host mx.charity.org.uk.\n"))
    status_part = EmailMessage()
    status_part.set_content(f"Reporting-MTA: dns; mx.charity.org.uk\n\nFinal-Recipient: rfc822; "
                            f"{recipient}\nAction: {action}\nStatus: {status}\n")
    blocks = MIMEMessage(email.message_from_string(
        "Reporting-MTA: dns; mx.charity.org.uk\n"), "delivery-status")
    blocks.set_payload([email.message_from_string("Reporting-MTA: dns; mx.charity.org.uk\n"),
                        email.message_from_string(f"Final-Recipient: rfc822; {recipient}\n"
                                                  f"Action: {action}\nStatus: {status}\n")])
    report.attach(blocks)
    original = EmailMessage()
    original["Message-ID"] = "<req-bns-1@charity.org.uk>"
    original["Subject"] = "FOI request EH-BNS-Z6VS"
    original.set_content("How many...")
    report.attach(MIMEMessage(original))
    return email.message_from_bytes(report.as_bytes(), policy=policy.default)


def test_dsn_failure_marks_request_bounced(tmp_path):
    db = sent_campaign(tmp_path / "c.db", bodies=("BNS",))
    row = deliver(db, dsn())
    assert (row["request_id"], row["match_rule"], row["classification"]) == (1, "thread", "bounce")
    assert '"failed_addresses": ["foi@barnsley.gov.uk"]' in row["classification_evidence"]
    assert db["requests"].get(1)["state"] == "bounced"


def test_dsn_delay_is_not_a_failure():
    bounce = parse_bounce(dsn(action="delayed", status="4.4.7"))
    assert (bounce.permanent, bounce.addresses) == (False, ("foi@barnsley.gov.uk",))


def test_exchange_ndr_text():
    msg = reply("Delivery has failed to these recipients or groups:\n\n"
                "foi.requests@leeds.gov.uk (foi.requests@leeds.gov.uk)\n"
                "The email address you entered couldn't be found.\n\n"
                "Diagnostic information for administrators:\n"
                "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'\n",
                sender="Microsoft Outlook <postmaster@charity.onmicrosoft.com>",
                subject="Undeliverable: FOI request EH-LDS-8Q4J")
    bounce = parse_bounce(msg)
    assert (bounce.permanent, bounce.addresses, bounce.format) == \
        (True, ("foi.requests@leeds.gov.uk",), "exchange")
    assert bounce.evidence == "Delivery has failed to these recipients or groups"


def test_office365_and_postfix_text():
    o365 = reply("Your message to foi@sheffield.gov.uk couldn't be delivered.\n"
                 "foi wasn't found at sheffield.gov.uk.\n", sender="postmaster@outlook.com",
                 subject="Undeliverable: FOI")
    assert parse_bounce(o365).addresses == ("foi@sheffield.gov.uk",)
    postfix = reply("<old.foi@kent.gov.uk>: host mx.kent.gov.uk[1.2.3.4] said: 550 5.1.1 User "
                    "unknown (in reply to RCPT TO command)\n", sender="MAILER-DAEMON@mx.example",
                    subject="Undelivered Mail Returned to Sender")
    assert parse_bounce(postfix).addresses == ("old.foi@kent.gov.uk",)


def test_bare_mailbox_is_completed_from_the_returned_copy_and_examples_ignored():
    msg = reply(" --------Message not delivered to the following:\n\n"
                " foi.requests    No matches to nameserver query\n\n"
                " --------Error Detail:\n If j.smith@kent.gov.uk fails, try john.smith@kent.gov.uk.\n\n"
                " --------Unsent Message below:\n\n"
                "Received: from mx.charity.org.uk\n\tfor <foi.requests@kent.gov.uk>; Tue, 3 Mar 2026\n"
                "To: foi.requests@kent.gov.uk\nSubject: FOI request\n\nHow many...\n",
                sender="MAILER-DAEMON@mr2.mail.kent.gov.uk",
                subject="Returned mail - nameserver error report")
    assert parse_bounce(msg).addresses == ("foi.requests@kent.gov.uk",)
    unknown = reply(" --------Message not delivered to the following:\n\n"
                    " foi.old    No matches to nameserver query\n",
                    sender="MAILER-DAEMON@mr2.kent.gov.uk", subject="Returned mail")
    assert parse_bounce(unknown).addresses == ("foi.old@mr2.kent.gov.uk",)


def test_out_of_office_and_human_reply_are_not_bounces():
    oof = reply("I am out of the office until Monday.", subject="Automatic reply: FOI",
                headers={"Auto-Submitted": "auto-replied"})
    human = reply("Sorry, the figures were undeliverable by post so here they are.")
    assert parse_bounce(oof) is None and parse_bounce(human) is None


WEBSHIELD_NOTICE = ("    ---- Failed Recipients ----\n\n<old.foi@kent.gov.uk>\nMail Loop Detected\n\n\n"
                    "Requested action aborted: Mail loop detected\n\n"
                    "    ---- Contents of the undelivered mail ----\n\n"
                    "From: FOI <foi@charity.org.uk>\nTo: foi@kent.gov.uk\n"
                    "Subject: FOI request EH-KEN-2026\n\nHow many assessments in 2023, 2024 "
                    "and 2025? Please find attached my letter: 12, 14 and 16 pages.\n")


def test_bounce_from_a_bare_product_name_is_told_by_its_null_return_path():
    msg = reply(WEBSHIELD_NOTICE, sender="Webshield SMTP V4.5 MR3 Mail Service",
                subject="Returned Mail: Error During Delivery", headers={"Return-Path": "<>"})
    bounce = parse_bounce(msg)
    assert (bounce.permanent, bounce.addresses, bounce.evidence) == \
        (True, ("old.foi@kent.gov.uk",), "---- Failed Recipients ----")


def test_person_with_a_null_return_path_alone_is_not_a_bounce():
    msg = reply("Please find attached our response.", headers={"Return-Path": "<>"})
    assert parse_bounce(msg) is None


def test_webshield_corpus_bounce_is_classified_as_a_bounce(shared):
    from foi.triage.classify import classify_message
    from foi.triage.inputs import triage_input_from_email

    path = shared / "corpus" / "alaveteli" / "track-response-webshield-bounce.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
    result = classify_message(triage_input_from_email(msg))
    assert (result.kind, result.details, result.evidence) == \
        ("bounce", {"failed_addresses": ["failed.user@example.co.uk"]}, "---- Failed Recipients ----")


def test_flufl_corpus_failed_addresses(shared):
    base = shared / "corpus" / "flufl-bounce"
    rows = [r for r in csv.DictReader((base / "EXPECTED.tsv").read_text().splitlines(), delimiter="\t")
            if r["failed_addresses"]]
    # flufl's Yale detector adds @cs.yale.edu by hand: the notice only suggests
    # it as somewhere else to try, it is not an address that failed.
    guessed = {"yale_01.txt": {"thomas.dtankengine@cs.yale.edu"}}
    hits, misses = 0, []
    for row in rows:
        msg = email.message_from_bytes((base / row["file"]).read_bytes(), policy=policy.compat32)
        bounce = parse_bounce(msg)
        expected = {a.lower() for a in row["failed_addresses"].split(",")} - \
            guessed.get(row["file"], set())
        found = {a.lower() for a in bounce.addresses} if bounce else set()
        if bounce and expected <= found and bounce.permanent == (row["kind"] == "permanent"):
            hits += 1
        else:
            misses.append(row["file"])
    assert (hits, len(rows), misses) == (101, 101, [])
    yale = email.message_from_bytes((base / "yale_01.txt").read_bytes(), policy=policy.compat32)
    assert parse_bounce(yale).addresses == ("thomas.dtankengine@yale.edu",)


def test_sisimai_corpus_never_crashes(shared):
    results = {"bounce": 0, "none": 0}
    for path in sorted((shared / "corpus" / "sisimai-set-of-emails").glob("*/*")):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
        results["bounce" if parse_bounce(msg) else "none"] += 1
    # Measured: 604 of the 644 are read as bounces; the 40 others include the two
    # that are not bounces at all, checked below.
    assert results == {"bounce": 604, "none": 40}
    for name in ("is-not-bounce-01.eml", "is-not-bounce-02.eml"):
        path = shared / "corpus" / "sisimai-set-of-emails" / "not" / name
        assert parse_bounce(email.message_from_bytes(path.read_bytes(), policy=policy.compat32)) is None
