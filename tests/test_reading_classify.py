"""Issue 15, items 4 and 6: council wording for acknowledgements, refusals and
not held as councils really write it, and council references of any shape."""


import pytest

from foi.language import wording
from foi.triage.classify import classify_text


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
