"""Which request a reply belongs to, by which rule, and what stays unmatched."""

import json

import pytest

from tests.builders import insert_campaign, insert_request, sent_campaign
from tests.mailfixtures import deliver, reply

BNS, LDS, SHF = "EH-BNS-Z6VS", "EH-LDS-8Q4J", "EH-SHF-0MA6"


@pytest.fixture
def db(tmp_path):
    return sent_campaign(tmp_path / "campaign.db")


def request_of(db, row):
    return db["requests"].get(row["request_id"])["reference"] if row["request_id"] else None


def test_threaded_reply_matches_by_in_reply_to(db):
    row = deliver(db, reply("Thank you, we will reply in due course.", sender="foi@leeds.gov.uk",
                            in_reply_to="<req-lds-1@charity.org.uk>", subject="RE: FOI"))
    assert (request_of(db, row), row["match_rule"], row["match_evidence"]) == \
        (LDS, "thread", "<req-lds-1@charity.org.uk>")


def test_plus_address_with_typos_matches(db):
    # SHF's reference has a zero; the council typed a letter o, in lower case
    row = deliver(db, reply("See attached.", sender="x@elsewhere.org",
                            to="foi+eh-shf-oma6@charity.org.uk"))
    assert (request_of(db, row), row["match_rule"], row["match_evidence"]) == \
        (SHF, "address_reference", "foi+eh-shf-oma6@charity.org.uk")
    row = deliver(db, reply("Ack", sender="y@elsewhere.org", to="foi+EH-1DS-8Q4J@charity.org.uk"))
    assert (request_of(db, row), row["match_rule"]) == (LDS, "address_reference")


def test_plus_address_in_delivered_to_when_they_replied_to_from(db):
    msg = reply("Hello", sender="z@elsewhere.org", to="foi@charity.org.uk",
                headers={"Delivered-To": "foi+eh-bns-z6vs@charity.org.uk"})
    row = deliver(db, msg)
    assert (request_of(db, row), row["match_rule"]) == (BNS, "address_reference")


def test_no_reply_case_system_with_reference_only_in_quoted_text(db):
    body = ("Dear requester,\n\nYour request has been logged with reference FOI/2026/01234.\n\n"
            "-----Original Message-----\nFrom: FOI <foi@charity.org.uk>\nSent: 02 February 2026\n"
            "Subject: Freedom of Information request EH-LDS-8Q4J\n\nHow many children...\n")
    row = deliver(db, reply(body, sender="no-reply@casework.example.com",
                            subject="Case FOI/2026/01234 created"))
    assert (request_of(db, row), row["match_rule"], row["match_evidence"]) == \
        (LDS, "text_reference", LDS)
    assert row["classification"] == "acknowledgement"
    assert row["their_reference"] == "FOI/2026/01234"
    assert db["requests"].get(2)["their_reference"] == "FOI/2026/01234"
    # Later mail quoting only the council's reference (written differently) finds the request
    later = deliver(db, reply("Please find attached our response to FOI 2026 01234.",
                              sender="no-reply@casework.example.com", subject="Your request",
                              attachments=[("response.xlsx", b"PK", "application",
                                            "vnd.openxmlformats-officedocument.spreadsheetml.sheet")]))
    assert (request_of(db, later), later["match_rule"], later["match_evidence"]) == \
        (LDS, "their_reference", "FOI/2026/01234")


def test_sender_domain_matches_only_with_one_open_request(db):
    row = deliver(db, reply("Some reply text", sender="jane.smith@info.sheffield.gov.uk",
                            subject="Your request"))
    assert (request_of(db, row), row["match_rule"]) == (SHF, "sender_domain")
    assert row["match_evidence"] == "jane.smith@info.sheffield.gov.uk is sheffield.gov.uk"


def test_sender_domain_with_two_open_requests_is_a_guess_not_a_match(db):
    insert_campaign(db, "other", prefix="OT", title="Other", created_at="x")
    insert_request(db, "other", "SHF", reference="OT-SHF-AAAA", state="awaiting_response", created_at="x")
    row = deliver(db, reply("Some reply text", sender="jane@sheffield.gov.uk", subject="Hi"))
    assert row["request_id"] is None and row["match_rule"] is None
    guesses = json.loads(row["match_evidence"])
    assert [(g["reference"], g["score"]) for g in guesses] == [(SHF, 0.6), ("OT-SHF-AAAA", 0.6)]
    assert guesses[0]["reason"] == "sender domain sheffield.gov.uk (awaiting_response)"


def test_unrelated_mail_and_spam_stay_unmatched(db):
    spam = deliver(db, reply("Cheap watches, 90% off!!! Click now", sender="deals@spam.example",
                             subject="You have WON"))
    newsletter = deliver(db, reply("Our charity newsletter for March.", sender="news@charity.org.uk"))
    for row in (spam, newsletter):
        assert (row["request_id"], row["match_rule"], row["match_evidence"]) == (None, None, None)


def test_wrong_check_code_is_a_ranked_guess(db):
    row = deliver(db, reply("About EH-BNS-Z6VX", sender="x@elsewhere.org", subject="Query"))
    assert row["request_id"] is None
    guess = json.loads(row["match_evidence"])[0]
    assert (guess["reference"], guess["score"]) == (BNS, 0.8)


def test_assign_teaches_the_sender(db):
    from foi.triage.inbox import assign_message

    first = deliver(db, reply("Hello, about your request.", sender="clerk@barnsley-services.co.uk"))
    assert first["request_id"] is None
    assign_message(db, str(first["id"]), "eh-2026/BNS", "2026-03-04", "2026-03-04T10:00:00+00:00")
    assert db["known_senders"].get("clerk@barnsley-services.co.uk")["body_code"] == "BNS"
    assert db["messages"].get(first["id"])["match_rule"] == "manual"
    second = deliver(db, reply("Another note.", sender="clerk@barnsley-services.co.uk", subject="x"))
    assert (request_of(db, second), second["match_rule"]) == (BNS, "known_sender")
