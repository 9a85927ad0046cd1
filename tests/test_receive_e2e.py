"""Issue acceptance: requests sent through a real SMTP server, replies delivered to a
real Dovecot INBOX in the forms councils really use, `foi sync`, and every reply is
matched to the right request (unrelated mail and spam stay unmatched)."""

import datetime as dt
import json
from email.utils import make_msgid

import pytest

from foi.db import connect
from tests.mailfixtures import reply

CODES = ["BNS", "LDS", "MAN", "KEN", "YOR", "CAM"]
CAMPAIGN = """
slug = "early-help"
title = "Early help and re-referrals"
recipients = ["BNS", "LDS", "MAN", "KEN", "YOR", "CAM"]
periods = ["2018/19", "2019/20"]

[[questions]]
id = "rereferrals"
text = "How many children were re-referred to children's social care within 12 months?"
"""


def email_message(*, sender, to, subject, body, in_reply_to=None, headers=None, day=10):
    msg = reply(body, sender=sender, to=to, subject=subject, in_reply_to=in_reply_to, headers=headers,
                date=dt.datetime(2026, 3, day, 11, 0, tzinfo=dt.UTC))
    msg.replace_header("Message-ID", make_msgid(domain="mail.example.gov.uk"))  # each one unique
    return msg


@pytest.fixture
def sent_campaign(mail, run, isolated):
    """Six councils with their real domains; the requests sent through real SMTP."""
    run("init")
    db = connect(isolated / "campaign.db")
    domains = {}
    for code in CODES:
        domains[code] = db["bodies"].get(code)["domain"]
        run("councils", "set-email", code, f"foi@{domains[code]}")
    (isolated / "early-help.toml").write_text(CAMPAIGN, encoding="utf-8")
    run("campaign", "create", "early-help.toml")
    run("send", "early-help", "--yes")
    requests = {r["body_code"]: r for r in db.query(
        "SELECT r.*, o.message_id FROM requests r JOIN outgoing o ON o.request_id = r.id")}
    assert len(requests) == 6 and all(r["state"] == "awaiting_response" for r in requests.values())
    return db, requests, domains


def typo(reference: str) -> str:
    """How people retype a reference: lower case, 0 for O / 1 for I and L and vice versa."""
    return reference.lower().replace("0", "o").replace("1", "l")


def test_replies_in_realistic_forms_are_matched_after_sync(mail, run, sent_campaign):
    db, requests, domains = sent_campaign
    ref = {code: requests[code]["reference"] for code in CODES}
    our = "campaigns@charity.test"
    replies = {
        # 1. A threaded reply from the council's FOI team, with the figures.
        "BNS": email_message(sender=f"Information Governance <foi@{domains['BNS']}>", to=our,
                             subject=f"RE: Freedom of Information request [{ref['BNS']}]",
                             body="Please find our response below.\n2018/19: 1,234\n2019/20: 1,301\n",
                             in_reply_to=requests["BNS"]["message_id"]),
        # 2. A case-management system: no-reply address, rewritten subject, no threading,
        #    our reference only in the quoted original. It teaches us their reference.
        "LDS": email_message(sender="Leeds FOI Case Management <no-reply@casework-portal.example.com>",
                             to=our, subject="Acknowledgement of your request FOI/2026/01234",
                             body="Thank you for your request for information, which we received on "
                                  "4 March 2026. Your reference is FOI/2026/01234.\n\n"
                                  "-----Original Message-----\nFrom: Children's Rights Campaign\n"
                                  f"Subject: Freedom of Information request [{ref['LDS']}]\n\n"
                                  f"Please quote the reference {ref['LDS']} in your reply.\n"),
        # 3. A reply to our From address rather than the plus-address, reference in the subject.
        "MAN": email_message(sender=f"FOI Officer <officer@{domains['MAN']}>", to=our,
                             subject=f"Your FOI request {ref['MAN']} - response",
                             body="We do not hold this information.\n"),
        # 4. Sent to the plus-address, retyped with case and l/1 o/0 confusions.
        "KEN": email_message(sender="Records team <records@contractor.example.net>",
                             to=f"foi+{typo(ref['KEN'])}@charity.test",
                             subject="Information request", body="Our response is attached in due course.\n"),
        # 5. Sender's domain only: exactly one open request to that council.
        "CAM": email_message(sender=f"Jo Bloggs <jo.bloggs@{domains['CAM']}>", to=our,
                             subject="Your recent request", body="I am looking into this for you.\n"),
    }
    # 6. Later, the council's own reference only (learned from the acknowledgement).
    later_leeds = email_message(sender="Leeds FOI Case Management <no-reply@casework-portal.example.com>",
                                to=our, subject="Response to FOI/2026/01234",
                                body="Please find attached our response to request FOI/2026/01234.\n", day=20)
    unrelated = [
        email_message(sender="Newsletter <news@charity-sector.example.org>", to=our,
                      subject="This week in the sector", body="Sector news for charities.\n"),
        email_message(sender="Prize Desk <winner@lottery-prize.example.biz>", to=our,
                      subject="You have WON", body="Claim your prize now!!! Send your bank details.\n"),
    ]
    with mail.sender.client() as client:
        for message in [*replies.values(), later_leeds, *unrelated]:
            client.append("INBOX", message.as_bytes())
    result = run("sync")
    assert "INBOX: 8 new messages" in result.stdout
    # The figures in Barnsley's reply were read out by the sync itself.
    values = {(v["period"], v["status"], v["value"], v["source_location"]) for v in db.query(
        "SELECT * FROM answer_values WHERE request_id = ? AND current = 1", [requests["BNS"]["id"]])}
    assert values == {("2018/19", "answered", 1234.0, "body line 2"), ("2019/20", "answered", 1301.0, "body line 3")}
    assert "Extracted early-help:" in result.stderr

    matched = {row["message_id"]: row for row in db.query(
        "SELECT m.message_id, m.match_rule, m.classification, r.body_code FROM messages m "
        "LEFT JOIN requests r ON r.id = m.request_id")}
    expected_rule = {"BNS": "thread", "LDS": "text_reference", "MAN": "text_reference",
                     "KEN": "address_reference", "CAM": "sender_domain"}
    for code, message in replies.items():
        row = matched[message["Message-ID"]]
        assert (row["body_code"], row["match_rule"]) == (code, expected_rule[code]), code
    leeds = matched[later_leeds["Message-ID"]]
    assert (leeds["body_code"], leeds["match_rule"]) == ("LDS", "their_reference")
    for message in unrelated:
        assert matched[message["Message-ID"]]["body_code"] is None
    assert db["requests"].get(requests["LDS"]["id"])["their_reference"] == "FOI/2026/01234"
    assert db["requests"].get(requests["MAN"]["id"])["state"] == "not_held"

    unmatched = json.loads(run("inbox", "--unmatched", "--json").stdout)
    assert sorted(m["subject"] for m in unmatched) == ["This week in the sector", "You have WON"]
    # Nothing was marked read on the server, and a second sync stores nothing new.
    with mail.sender.client() as client:
        client.select_folder("INBOX", readonly=True)
        assert client.search("SEEN") == []
    assert "INBOX: 0 new messages" in run("sync").stdout


def status_codes(run, monkeypatch, now: str, *flags: str) -> list[str]:
    monkeypatch.setenv("FOI_NOW", now)
    data = json.loads(run("status", "early-help", "--json", *flags).stdout)
    return sorted(row["body_code"] for row in data["requests"])


def test_overdue_lists_follow_the_replies_in_dovecot(mail, run, sent_campaign, monkeypatch):
    """Sent Wed 4 March 2026 (due Thu 2 April, very overdue after Tue 5 May: Good Friday,
    Easter Monday, St Patrick's Day and 4 May are not working days). Barnsley asks for
    clarification (clock stopped), Leeds extends to 30 April, Manchester answers,
    Kent, York and Cambridgeshire stay silent."""
    _db, requests, domains = sent_campaign
    ref = {code: requests[code]["reference"] for code in CODES}
    our = "campaigns@charity.test"
    replies = [
        email_message(sender=f"FOI <foi@{domains['BNS']}>", to=our, day=10,
                      subject=f"RE: Freedom of Information request [{ref['BNS']}]",
                      body="Before we can process your request, could you please clarify which "
                           "assessments you mean?", in_reply_to=requests["BNS"]["message_id"]),
        email_message(sender=f"FOI <foi@{domains['LDS']}>", to=our, day=20,
                      subject=f"RE: Freedom of Information request [{ref['LDS']}]",
                      body="We need further time to consider the public interest test under "
                           "section 10(3). We now aim to respond by 30 April 2026.",
                      in_reply_to=requests["LDS"]["message_id"]),
        email_message(sender=f"FOI <foi@{domains['MAN']}>", to=our, day=25,
                      subject=f"RE: Freedom of Information request [{ref['MAN']}]",
                      body="Please find our response below.\n2018/19: 410\n2019/20: 388\n",
                      in_reply_to=requests["MAN"]["message_id"]),
    ]
    with mail.sender.client() as client:
        for message in replies:
            client.append("INBOX", message.as_bytes())
    run("sync")
    silent = ["CAM", "KEN", "YOR"]
    assert status_codes(run, monkeypatch, "2026-04-02T18:00:00+01:00", "--overdue") == []
    # Good Friday: overdue from the next calendar day, though no working day has passed.
    assert status_codes(run, monkeypatch, "2026-04-03T09:00:00+01:00", "--overdue") == silent
    assert status_codes(run, monkeypatch, "2026-04-30T09:00:00+01:00", "--overdue") == silent
    assert status_codes(run, monkeypatch, "2026-05-01T09:00:00+01:00", "--overdue") == ["CAM", "KEN", "LDS", "YOR"]
    assert status_codes(run, monkeypatch, "2026-05-05T09:00:00+01:00", "--very-overdue") == []
    # Leeds' extension (30 April) ends before working day 40 (5 May): past it, Leeds is very
    # overdue too.
    assert status_codes(run, monkeypatch, "2026-05-06T09:00:00+01:00", "--very-overdue") == ["CAM", "KEN", "LDS", "YOR"]
    monkeypatch.setenv("FOI_NOW", "2026-05-06T09:00:00+01:00")
    rows = {r["body_code"]: r for r in json.loads(run("status", "early-help", "--json").stdout)["requests"]}
    assert (rows["BNS"]["state"], rows["BNS"]["due_date"], rows["BNS"]["overdue"]) == (
        "awaiting_clarification", None, False)
    assert (rows["LDS"]["state"], rows["LDS"]["due_date"], rows["LDS"]["days_overdue"]) == ("extended", "2026-04-30", 3)
    assert (rows["MAN"]["state"], rows["MAN"]["overdue"]) == ("answered", False)
    assert (rows["KEN"]["due_date"], rows["KEN"]["days_overdue"], rows["KEN"]["very_overdue"]) == (
        "2026-04-02", 21, True)
    explained = run("deadline", "early-help", "LDS").stdout
    assert "2026-03-20  public-interest extension (s.10(3)): due 2026-04-30 (the date the council gave)" in explained
