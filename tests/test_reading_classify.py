"""Issue 15, items 4 and 6: council wording for acknowledgements, refusals and
not held as councils really write it, and council references of any shape."""


import json
import random

import pytest

from foi.language import wording
from foi.triage.classify import classify_text, find_their_references
from tests.builders import insert_campaign, insert_request, sent_campaign
from tests.mailfixtures import deliver, reply


def kind_of(text: str, subject: str = "RE: Freedom of Information request") -> str:
    return classify_text(subject, text, []).kind


@pytest.mark.parametrize("text", [
    "Hello,\n\nWe confirm receipt of your email, which we are treating as a request for information.",
    "Many thanks. Your request is now with the records team and a reply will follow shortly.",
    "Thank you for your recent email. A reply will be sent to you as soon as we can.",
    "Your correspondence has been allocated the reference number 2031/0044120.",
    "Thank you for your information request. This is being dealt with in terms of the 2002 Act.",
    "Your request is being considered and you will receive a response within twenty working days.",
    "We acknowledge with thanks your application for information.",
    "I have recorded your request under reference Q2031.07.1188. This has been passed to the service.",
    "Please see the attached acknowledgement of receipt of your request.",
    "Our target is to send you a full answer by 4 May.",
])
def test_everyday_acknowledgements_are_acknowledgements(text):
    assert kind_of(text) == "acknowledgement"


def test_a_fee_sentence_following_a_conditional_one_is_not_a_fees_notice():
    text = ("Thank you for your request, which we received on 2 May. We will reply by 31 May.\n\n"
            "Occasionally a charge may be payable and if so I will tell you. An invoice will then be sent and "
            "the fees notice will need to be paid before we go on with your request.")
    result = classify_text("RE: FOI", text, [])
    assert (result.kind, result.evidence) == (
        "acknowledgement", "Thank you for your request, which we received on 2 May.")


def test_a_fees_notice_said_outright_is_still_a_fee():
    text = "This is a fees notice. The charge for the copies is £36.50, payable before we send them."
    assert kind_of(text) == "fee"


@pytest.mark.parametrize("text", [
    "We are a borough council and do not provide this service; the data is held by the county council.",
    "The records you ask about are kept by another authority, to whom you may wish to write.",
    "This council is not the body responsible for school admissions. Please redirect your request to them.",
])
def test_another_body_holding_the_information_is_not_held(text):
    assert kind_of(text) == "not_held"
    assert any(wording.says_not_held(s) for s in wording.split_sentences(text))


def test_the_body_itself_holding_the_information_is_not_not_held():
    assert not any(wording.says_not_held(s) for s in wording.split_sentences(
        "I can confirm that the information you asked for is held by the Constabulary."))


# ---- council references of any shape (item 6) -----------------------------------------

LDS = "EH-LDS-8Q4J"


def _shapes(seed: int) -> dict[str, str]:
    """Council references in the shapes case systems use, made up from a seed."""
    rng = random.Random(seed)
    n = rng.randint(10000, 99999)
    return {"slash": f"FOI/2031/{n}", "space": f"FOI {n}", "dash": f"EIR-31-{n}",
            "alnum": f"CAS-{rng.randint(100000, 999999)}-K{rng.randint(1, 9)}T{rng.randint(1, 9)}",
            "digits": str(rng.randint(10_000_000, 99_999_999)), "dotted": f"Q2031.{rng.randint(10, 99)}.{n}"}


PLACES = {
    "subject": lambda ref: ("Request for information - " + ref, ""),
    "logged_under": lambda ref: ("RE: FOI request", f"Your request has been logged under reference {ref}."),
    "our_ref": lambda ref: ("RE: FOI request", f"Our ref: {ref}"),
    "case_number": lambda ref: ("RE: FOI request", f"Case number {ref}. Please quote it when you write."),
}


@pytest.fixture
def two_open_at_leeds(tmp_path):
    """Two open requests to Leeds, so the sender's domain cannot decide."""
    db = sent_campaign(tmp_path / "campaign.db")
    insert_campaign(db, "other", prefix="OT", title="Other", created_at="x")
    insert_request(db, "other", "LDS", reference="OT-LDS-AAAA", state="awaiting_response", created_at="x")
    return db


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("shape", sorted(_shapes(0)))
def test_an_answer_quoting_only_the_councils_reference_is_matched(two_open_at_leeds, shape, place):
    db = two_open_at_leeds
    ref = _shapes(len(shape) * 7 + len(place))[shape]
    subject, line = PLACES[place](ref)
    ack = deliver(db, reply(f"Thank you for your request, which we received today.\n\n{line}\n\nFOI Team",
                            sender="foi@leeds.gov.uk", subject=subject, in_reply_to="<req-lds-1@charity.org.uk>"))
    assert (ack["classification"], db["requests"].get(ack["request_id"])["reference"]) == ("acknowledgement", LDS)
    # the answer: no In-Reply-To, not our reference, only theirs written another way
    written = ref.replace("/", " ").replace("-", "/") if shape != "digits" else ref
    answer = deliver(db, reply(f"Dear requester,\n\nRe: {written}\n\nPlease find attached our response.",
                               sender="foi@leeds.gov.uk", subject="Your information request",
                               attachments=[("response.xlsx", b"PK", "application",
                                             "vnd.openxmlformats-officedocument.spreadsheetml.sheet")]))
    assert (db["requests"].get(answer["request_id"])["reference"], answer["match_rule"]) == (LDS, "their_reference")


def test_every_reference_an_acknowledgement_gives_is_learned(two_open_at_leeds):
    db = two_open_at_leeds
    ack = deliver(db, reply("We confirm receipt of your email.\n\nOur ref: IG 40417\nCase number: 2031-88812",
                            sender="foi@leeds.gov.uk", subject="Request for information - CAS-551203-K4T2",
                            in_reply_to="<req-lds-1@charity.org.uk>"))
    evidence = json.loads(ack["classification_evidence"])
    assert (ack["their_reference"], evidence["their_references"]) == (
        "IG 40417", ["IG 40417", "2031-88812", "CAS-551203-K4T2"])
    for quoted, learned in (("our case 2031/88812", "2031-88812"), ("ref CAS 551203 K4T2", "CAS-551203-K4T2")):
        later = deliver(db, reply(f"Response to {quoted} attached.", sender="foi@leeds.gov.uk",
                                  subject="Response"))
        assert (db["requests"].get(later["request_id"])["reference"], later["match_rule"],
                later["match_evidence"]) == (LDS, "their_reference", learned)


def test_a_short_bare_number_counts_only_after_a_label(two_open_at_leeds):
    db = two_open_at_leeds
    deliver(db, reply("Thank you for your request.\n\nRequest ref: 7341", sender="foi@leeds.gov.uk",
                      subject="RE: FOI request", in_reply_to="<req-lds-1@charity.org.uk>"))
    figure = deliver(db, reply("In 2030 there were 7341 referrals.", sender="foi@leeds.gov.uk", subject="Figures"))
    assert figure["request_id"] is None
    labelled = deliver(db, reply("Our response to request 7341 is attached.", sender="foi@leeds.gov.uk",
                                 subject="Response"))
    assert (db["requests"].get(labelled["request_id"])["reference"], labelled["match_rule"]) == \
        (LDS, "their_reference")


def test_a_reference_two_requests_share_is_a_guess_with_its_reason(two_open_at_leeds):
    db = two_open_at_leeds
    for message_id in ("<req-lds-1@charity.org.uk>", None):
        row = deliver(db, reply("Thank you for your request. Our ref: BATCH-2031-77", sender="foi@leeds.gov.uk",
                                subject="RE: FOI request", in_reply_to=message_id))
    other = db["requests"].get(4)
    # a person filed the second under the other request (the council gave both one batch reference)
    db["messages"].update(row["id"], {"request_id": other["id"], "match_rule": "manual"})
    later = deliver(db, reply("Our response to BATCH-2031-77 is below.", sender="foi@leeds.gov.uk",
                              subject="Response"))
    assert later["request_id"] is None
    guesses = json.loads(later["match_evidence"])
    assert [(g["reference"], g["score"], g["reason"]) for g in guesses[:2]] == [
        (LDS, 0.9, "quotes BATCH-2031-77, the council's reference for this request"),
        ("OT-LDS-AAAA", 0.9, "quotes BATCH-2031-77, the council's reference for this request")]


# ---- refusals in the words councils use ------------------------------------------------

def test_a_cost_refusal_that_names_no_section_or_limit():
    text = ("There were 512 case files in the period. Each one would have to be opened by hand to see whether a "
            "placement broke down. This work would take approximately 30-35 hours of staff time.")
    result = classify_text("RE: FOI", text, [])
    assert (result.kind, result.details["sections"]) == ("refusal", ["s.12"])
    assert wording.parse_refusal(text) == "s.12"


def test_a_pointer_to_published_data_is_a_refusal_under_s21():
    text = "Dear requester,\n\nThe figures you ask for are in the public domain and can be seen on the ONS pages."
    result = classify_text("RE: FOI", text, [])
    assert (result.kind, result.details["sections"]) == ("refusal", ["s.21"])


def test_a_pointer_with_a_link_is_a_refusal_not_a_link_answer():
    text = "This information has already been published: https://stats.example.org/table-7 ."
    assert kind_of(text) == "refusal"
    assert kind_of("The information you asked for is published on our disclosure log at "
                   "https://www.example.gov.uk/foi/log/12 .") == "link_only"


def test_a_will_sentence_after_a_conditional_one_decides_nothing():
    text = ("Thank you for your request. If a fee applies we will let you know. A fees notice will then be sent.")
    assert kind_of(text) == "acknowledgement"


# ---- partial answers and clarification -------------------------------------------------

@pytest.mark.parametrize("missing", [
    "3) The service does not centrally track spend per young person.",
    "3) Figures for 2029/30 were not tracked, so we cannot give them.",
    "3) We no longer have access to this data for the earlier years.",
    "3) We don't record the reason a placement ended.",
])
def test_an_answer_with_a_part_not_held_is_partial(missing):
    text = f"Please find our response below.\n\n1) 412\n\n2) 377\n\n{missing}"
    assert kind_of(text) == "answer_partial"


def test_a_polite_request_to_clarify_is_clarification():
    text = "Thank you for your email. We would be grateful if you could clarify which age groups you mean."
    assert kind_of(text) == "clarification"


def test_what_follows_a_polite_ask_is_still_read():
    text = ("We would be grateful if you could tell us which wards you mean. We will put your request on hold "
            "until we hear from you.")
    result = classify_text("RE: FOI", text, [])
    assert (result.kind, result.evidence) == ("clarification", "We will put your request on hold until we hear "
                                                                "from you.")


# ---- answered or partial ---------------------------------------------------------------

def test_amounts_with_pence_in_a_table_are_an_answer():
    text = ("Please see our answers to each of your questions below.\n\n"
            "Question | 2029/30 | 2030/31\nSpend on taxis | 1204331.50 | 1300442.75\n"
            "Spend on buses | 88120.00 | 90210.10")
    assert kind_of(text) == "answer"


def test_not_held_in_this_format_beside_figures_is_a_caveat_not_a_part_missing():
    text = ("Our response is as follows.\n\n1) 412\n\n2) 377\n\n3) 129\n\n"
            "Percentages of the population are not held in this format.")
    assert kind_of(text) == "answer"
    assert kind_of(text + "\n\n4) The council does not hold this information.") == "answer_partial"


def test_small_numbers_withheld_is_an_answer_but_a_question_withheld_whole_is_partial():
    figures = "Our response is as follows.\n\n1) 412\n\n2) 377\n\n3) *\n\n"
    note = "* denotes a figure between 1 and 4, withheld under section 40(2)."
    assert kind_of(figures + note) == "answer"
    whole = "\n\n4) This is withheld under section 40(2) as it is personal data about named staff."
    assert kind_of(figures + note + whole) == "answer_partial"


def test_words_and_dates_near_a_label_are_not_references():
    ours = frozenset({"EH-1DS-8Q4J"})  # normalised, as triage passes them
    subject = "RE: Freedom of Information request EH-LDS-8Q4J: children aged 16-18, 2027/28 to 2029/30"
    text = "Thank you for your request dated 11th March. Case: FOI/2031/IR/07 (FOI/2031/IR)."
    assert find_their_references(subject, text, ours) == ["FOI/2031/IR/07"]
    assert find_their_references("Request for information - 2029-2031", "Thanks", ours) == []


def test_a_reply_saying_the_answer_is_attached_is_an_answer_even_if_the_file_is_missing():
    assert kind_of("Please find electronically attached all the relevant information that we hold.") == "answer"
    assert kind_of("Please see the attached acknowledgement of receipt of your request.") == "acknowledgement"
