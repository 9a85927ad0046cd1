"""Replies that answer in words rather than figures: read as answers, not left
unclassified or taken for an acknowledgement. Texts are invented."""

import pytest

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text
from foi.triage.classify import classify_text

POINT_BY_POINT = """Dear Ms Okafor

Our reply to your questions is set out under each of them.

(a) which officer decides what is recorded about school transport appeals;

The Head of Admissions and Transport decides this, working to the county's published policy and the statutory guidance.

(b) how that officer is held to account by the public;

Decisions are reported to the Cabinet Member every quarter and can be scrutinised by a committee.

(c) who writes the transport policy;

The policy is drafted by the Transport Team and approved by Cabinet each spring.

Yours sincerely
Information Governance Team
"""


def test_point_by_point_answer_in_words_is_an_answer():
    result = classify_text("Your request", POINT_BY_POINT, [])
    assert result.kind == "answer"
    assert result.evidence.startswith("3 points answered in words, from (a) which officer")


def test_point_by_point_with_one_point_not_held_is_partial():
    text = POINT_BY_POINT.replace(
        "The policy is drafted by the Transport Team and approved by Cabinet each spring.",
        "We do not hold a record of who drafted the policy.")
    result = classify_text("Your request", text, [])
    assert result.kind == "answer_partial"


def test_request_quoted_in_an_acknowledgement_is_not_an_answer():
    """Points repeated back with nothing of the council's own under them."""
    text = """Dear Mr Hale

Thank you for your request, which we received on 3 March. You asked:

1. How many bus passes were issued in 2023?

2. How many were withdrawn?

3. What did the scheme cost?

We will respond within 20 working days, by 31 March 2025.
"""
    assert classify_text("Acknowledgement", text, []).kind == "acknowledgement"


def test_points_answered_only_by_refusals_are_not_answers_in_words():
    text = """(a) the names of the contractors;

This information is exempt under section 43(2) as its release would prejudice commercial interests.

(b) the value of each contract;

This information is exempt under section 43(2) for the same reason.
"""
    assert classify_text("Your request", text, []).kind == "refusal"


def test_nil_answer_in_words_is_an_answer_not_an_acknowledgement():
    text = """Dear Mr Brandt

Thank you for your request dated 2 May 2025, asking for information we hold as follows:

"How many library buildings closed for lack of funds in the last year?"

I can confirm that no library buildings have closed for lack of funds in the last twelve months.

Kind regards
"""
    result = classify_text("Your request", text, [])
    assert result.kind == "answer"
    assert result.evidence.startswith("I can confirm that no library buildings")


def test_confirming_no_information_is_held_is_not_a_nil_answer():
    text = "I can confirm that no information is held on library closures of this kind."
    assert classify_text("Your request", text, []).kind == "not_held"


def test_case_log_line_saying_clarification_was_sought():
    text = "Request 40021\n\nClarification sought 14-02-2025\n"
    assert classify_text("Request 40021", text, []).kind == "clarification"


def test_a_file_named_as_giving_the_answer_is_an_answer_even_when_it_did_not_come_through():
    text = ("Request 5521\n\nThe School Transport Costs workbook gives the spend for each year, "
            "split by type of vehicle, as you asked.\n")
    result = classify_text("Request 5521", text, [])
    assert result.kind == "answer"


def test_a_document_mentioned_in_an_acknowledgement_is_not_an_answer():
    text = ("Thank you for your request, which we received today. Our guidance document sets out "
            "how we handle requests. We will respond within 20 working days.\n")
    assert classify_text("Your request", text, []).kind == "acknowledgement"


# ------------------------------------------------- the figure itself, read from the words

LIBRARIES = [
    Question("closed", number="1", text="How many library buildings closed for lack of funds in the last year?",
             labels=["closed"]),
    Question("volunteers", number="2", text="How many volunteers help to run the libraries?",
             labels=["volunteers"]),
    Question("under_16", number="3", text="The number of library members who are under 16 with a disability",
             labels=["under 16 with a disability"]),
]


def read(text: str, questions: list[Question] = LIBRARIES, periods: tuple[str, ...] = ("2024",)) -> dict:
    """(question, period) -> (status, value) as stored, needs_review included."""
    periods = list(periods)
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(questions), periods)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("c", questions, periods, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value) for f, _, _ in chosen}


def test_a_nil_count_said_with_no_is_zero():
    text = ("1. How many library buildings closed for lack of funds in the last year?\n"
            "I can confirm that no library buildings have been closed or sold in the last twelve months.\n")
    assert read(text) == {("closed", "2024"): ("answered", 0.0)}


def test_there_were_no_is_zero_for_its_period():
    text = "Q1\nThere were no library buildings closed in 2023/24, and 2 in 2024/25.\n"
    assert read(text, periods=("2023/24", "2024/25")) == {
        ("closed", "2023/24"): ("answered", 0.0), ("closed", "2024/25"): ("answered", 2.0)}


@pytest.mark.parametrize("sentence", [
    "I can confirm that no record of closures was found.",
    "There were no records kept of closures in 2023/24.",
    "No information about closures is held.",
])
def test_no_record_or_information_is_not_a_nil_count(sentence):
    stored = read(f"1. How many library buildings closed?\n{sentence}\n", periods=("2023/24", "2024/25"))
    assert all(value != ("answered", 0.0) for value in stored.values())


def test_a_nil_word_opening_the_answer_is_zero():
    assert read("3. None under 16 have a disability\n") == {("under_16", "2024"): ("answered", 0.0)}


def test_a_sentence_saying_it_gives_the_answer_is_read():
    text = ("We have taken your question to mean volunteers who worked a shift in 2024.   "
            "The answer to this question is seven.\n")
    assert read(text) == {("volunteers", "2024"): ("answered", 7.0)}


def test_an_unrelated_sentence_after_a_question_gives_no_figure():
    text = "We have taken your question to mean volunteers who worked a shift in 2024. Seven of them are new.\n"
    assert read(text) == {}


def test_there_are_no_in_an_explanation_is_not_a_nil_count():
    assert read("2. 14. The rota changes only when there are no volunteers available.\n") == {
        ("volunteers", "2024"): ("answered", 14.0)}
