"""What each kind of council reply is classified as, with its evidence, and
how the request's state moves (or does not)."""

import datetime as dt
import json

import pytest

from foi.tracking.deadlines import due_date
from tests.builders import sent_campaign
from tests.mailfixtures import deliver, reply

XLSX = [("FOI 1234 response.xlsx", b"PK\x03\x04", "application",
         "vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
QUOTE = ("\n\nFrom: FOI <foi@charity.org.uk>\nSent: 02 February 2026 09:00\nTo: FOI\n"
         "Subject: FOI request EH-BNS-Z6VS\n\nPlease tell me: 1. how many children 2. how many "
         "assessments in 2023, 2024 and 2025. Please find attached my letter. If you refuse, cite "
         "the exemption. If information is not held, say so.\n")


@pytest.fixture
def db(tmp_path):
    return sent_campaign(tmp_path / "campaign.db", bodies=("BNS",))


def classify(db, body, **kw):
    row = deliver(db, reply(body + QUOTE, in_reply_to="<req-bns-1@charity.org.uk>", **kw))
    evidence = json.loads(row["classification_evidence"])
    request = db["requests"].get(1)
    due = due_date(db, request, dt.date(2026, 3, 4))
    return row["classification"], evidence, {**request, "due_date": due and due.isoformat()}


def test_acknowledgement_captures_council_reference(db):
    kind, ev, request = classify(db, "Dear Sir/Madam,\n\nThank you for your request for "
                                 "information, which we received on 2 February 2026. Our reference "
                                 "is EIR-26-0456. We will respond within 20 working days. If we "
                                 "need clarification we will contact you. A fee may be payable.")
    assert (kind, ev["their_reference"], request["state"], request["their_reference"]) == \
        ("acknowledgement", "EIR-26-0456", "acknowledged", "EIR-26-0456")
    assert ev["evidence"].startswith("Thank you for your request")
    assert request["first_response_at"] == "2026-03-03T12:00:00+00:00"


def test_clarification(db):
    kind, ev, request = classify(db, "Could you please clarify what you mean by 'early help "
                                 "assessment'? The time for compliance is on hold until we hear.")
    assert (kind, request["state"]) == ("clarification", "awaiting_clarification")
    assert "clarify" in ev["evidence"]


def test_fees_notice(db):
    kind, _ev, request = classify(db, "Under section 9 we are issuing a fees notice. The fee of "
                                 "£120.50 covers photocopying and postage.")
    assert (kind, request["state"]) == ("fee", "fee_requested")


def test_extension_captures_new_due_date(db):
    kind, ev, request = classify(db, "We need additional time to consider the public interest "
                                 "test under section 10(3). We aim to respond by 15 April 2026.")
    assert (kind, ev["due_date"], request["state"], request["due_date"]) == \
        ("extension", "2026-04-15", "extended", "2026-04-15")


def test_refusal_lists_sections_even_when_it_acknowledges_receipt(db):
    kind, ev, request = classify(db, "Thank you for your request which we received on 2 February. "
                                 "The Council has decided to refuse your request. Locating the "
                                 "information would exceed the appropriate limit under section 12, "
                                 "and parts are exempt under sections 40(2) and 43.")
    assert (kind, request["state"]) == ("refusal", "refused")
    assert ev["sections"] == ["s.12", "s.40(2)", "s.43"]


def test_eir_refusal_regulations(db):
    kind, ev, _ = classify(db, "We are refusing this request as manifestly unreasonable under "
                           "regulation 12(4)(b) of the EIR; names are withheld under regulation 13.")
    assert kind == "refusal" and ev["sections"] == ["reg.12(4)(b)", "reg.13"]


def test_not_held(db):
    kind, _ev, request = classify(db, "I can confirm that the Council does not hold this "
                                 "information as we do not record assessments in that way.")
    assert (kind, request["state"]) == ("not_held", "not_held")


def test_full_answer_with_attachment(db):
    kind, ev, request = classify(db, "Please find attached our response to your request.",
                                 attachments=XLSX)
    assert (kind, ev["evidence"], request["state"]) == \
        ("answer", "attachment FOI 1234 response.xlsx", "answered")


def test_answer_in_body_with_one_question_not_held_is_partial(db):
    kind, _ev, request = classify(db, "Our response to your questions:\n\nQ1. 2023: 412, 2024: 455, "
                                 "2025: 498\nQ2. This information is not held by the Council.")
    assert (kind, request["state"]) == ("answer_partial", "answered_partial")


def test_small_numbers_withheld_is_still_an_answer(db):
    kind, _, _ = classify(db, "Please find our response below.\nReferrals: 1,204\nRe-referrals: 310\n"
                          "Figures fewer than 5 are withheld under section 40(2).")
    assert kind == "answer"


def test_link_only_answer(db):
    kind, ev, request = classify(db, "The information you asked for is published on our disclosure "
                                 "log at https://www.barnsley.gov.uk/foi/disclosure-log/12345 .")
    assert (kind, request["state"], ev["links"]) == \
        ("link_only", "link_only", ["https://www.barnsley.gov.uk/foi/disclosure-log/12345"])


def test_out_of_office_does_not_change_state(db):
    kind, ev, request = classify(db, "I am currently out of the office until Monday.",
                                 subject="Automatic reply: FOI request",
                                 headers={"Auto-Submitted": "auto-replied",
                                          "X-Auto-Response-Suppress": "All"})
    assert (kind, ev["evidence"], request["state"]) == \
        ("auto_reply", "Subject: Automatic reply: FOI request", "awaiting_response")
    assert request["first_response_at"] is None
    event = db["events"].get(1)
    assert (event["kind"], json.loads(event["details"])["reason"]) == \
        ("message_classified", "auto_reply does not change the state")


def test_quoted_request_does_not_make_a_reply_an_answer(db):
    kind, _, request = classify(db, "Thanks, we are looking into this.")
    assert (kind, request["state"]) == ("unclassified", "awaiting_response")


def test_later_acknowledgement_does_not_downgrade_an_answer(db):
    classify(db, "Please find attached our response.", attachments=XLSX)
    kind, _, request = classify(db, "We acknowledge receipt of your email and have logged it.",
                                subject="Acknowledgement")
    assert (kind, request["state"]) == ("acknowledgement", "answered")
    details = json.loads(list(db["events"].rows)[-1]["details"])
    assert details["reason"] == "acknowledged would downgrade answered"


def test_manual_state_is_not_overwritten_but_event_recorded(db):
    from foi.triage.inbox import set_request_state

    set_request_state(db, "eh-2026", "BNS", "withdrawn", "we withdrew it", "2026-03-04", "2026-03-04T12:00:00+00:00")
    kind, _, request = classify(db, "Please find attached our response.", attachments=XLSX)
    assert (kind, request["state"], request["state_source"]) == ("answer", "withdrawn", "manual")
    events = [(e["kind"], e["actor"], json.loads(e["details"]).get("reason"))
              for e in db["events"].rows]
    assert events == [("state_set", "user", None),
                      ("message_classified", "auto", "state withdrawn was set by hand")]


def test_state_change_event_details(db):
    classify(db, "Please find attached our response.", attachments=XLSX)
    event = db["events"].get(1)
    details = json.loads(event["details"])
    assert (event["kind"], event["occurred_on"], event["message"]) == ("state_changed", "2026-03-03", 1)
    assert (details["from"], details["to"], details["match_rule"]) == \
        ("awaiting_response", "answered", "thread")


def test_retriage_is_quiet_when_nothing_changed(db):
    from foi.triage.run import retriage

    msg = reply("Please find attached our response.", attachments=XLSX,
                in_reply_to="<req-bns-1@charity.org.uk>")
    deliver(db, msg)
    db["messages"].update(1, {"classification": "unclassified"})
    assert retriage(db, "2026-03-04", load=lambda row: msg) == {"messages": 1, "changed": 1}
    assert db["messages"].get(1)["classification"] == "answer"
    assert retriage(db, "2026-03-04", load=lambda row: msg) == {"messages": 1, "changed": 0}
    assert db["events"].count == 2  # the first triage, and the one re-run that changed


@pytest.mark.parametrize("body, due", [
    ("We are considering whether the information is exempt under section 43 (commercial "
     "interests) and need further time to consider the public interest test. We will respond by "
     "14 April 2026.", "2026-04-14"),
    ("Your request engages the qualified exemption in section 36 (prejudice to the effective "
     "conduct of public affairs). We have not yet reached a decision on where the balance of the "
     "public interest lies and must extend the time for our response to 30 April 2026.",
     "2026-04-30"),
    ("We are considering whether to withhold the contract prices under section 43(2). Under "
     "section 10(3) we need more time to weigh the public interest and will write to you no later "
     "than 7 April 2026.", "2026-04-07"),
])
def test_extension_naming_the_exemption_being_weighed_is_not_a_refusal(db, body, due):
    kind, ev, request = classify(db, body)
    assert (kind, ev["due_date"], request["state"], request["due_date"]) == \
        ("extension", due, "extended", due)


@pytest.mark.parametrize("body, sections", [
    ("The Council has decided to refuse your request under section 43(2) (commercial interests). "
     "If you are dissatisfied you may request an internal review within 40 working days, by 30 "
     "April 2026.", ["s.43(2)"]),
    ("Further to our letter of 3 March extending the time to consider the public interest test, we "
     "have now completed that consideration. The information is exempt under section 43(2) and "
     "the public interest in maintaining the exemption outweighs that in disclosure. You may ask "
     "for an internal review by 29 April 2026.", ["s.43(2)"]),
    ("This letter is a refusal notice under section 17. The information is being withheld under "
     "section 31(1)(a). We needed more time than usual to reach this decision, for which we "
     "apologise.", ["s.31(1)(a)"]),
])
def test_refusal_mentioning_a_date_or_extension_stays_a_refusal(db, body, sections):
    kind, ev, request = classify(db, body)
    assert (kind, ev["sections"], request["state"], request["due_date"]) == \
        ("refusal", sections, "refused", "2026-03-02")
    assert "due_date" not in ev


@pytest.mark.parametrize("body, expected", [
    ("Before we can search our records we need you\nto clarify which financial years you mean.",
     "clarification"),
    ("Your request is not yet valid: under section\n1(3) of the Act the time for compliance starts "
     "when we hear from you.", "clarification"),
    ("Regrettably we have to extend the\ndeadline for our response to\n21 April 2026.", "extension"),
    ("I am currently\nout of the office and will reply on my return.", "auto_reply"),
])
def test_phrases_hard_wrapped_across_lines_still_match(db, body, expected):
    kind, ev, _ = classify(db, body)
    assert kind == expected
    assert "\n" not in ev["evidence"]
    if expected == "extension":
        assert ev["due_date"] == "2026-04-21"


def test_conditional_wrapped_across_lines_is_still_conditional(db):
    kind, _, _ = classify(db, "Please clarify which years you mean. You can ask for an internal "
                          "review if\nwe refuse any part of your request.")
    assert kind == "clarification"


def test_numbered_question_on_its_own_line_still_starts_an_answer(db):
    kind, ev, _ = classify(db, "Our figures are as follows\nQ1 2024/25 - 412 assessments\n"
                           "Q2 2025/26 - 455 assessments")
    assert (kind, ev["evidence"]) == ("answer", "Q1 2024/25 - 412 assessments")


def test_one_part_refused_and_more_time_for_the_rest_is_an_extension(db):
    """The request stays open until the new date; the refused part is kept in
    the evidence for extraction to record against that question."""
    kind, ev, request = classify(db, (
        "Question 1 is refused under section 12 as the cost of finding the information would exceed "
        "the appropriate limit. For questions 2 and 3 we need further time to consider the public "
        "interest test under section 10(3) and will respond by 14 April 2026."))
    assert (kind, ev["due_date"], request["state"], request["due_date"]) == \
        ("extension", "2026-04-14", "extended", "2026-04-14")
    assert ev["refused_in_part"].startswith("Question 1 is refused under section 12")
