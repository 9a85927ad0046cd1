"""Reply text that is not an answer (clarification, extension, rights footers, our
own request pasted back) yields no refusal; "not held" or a refusal said of the
whole request covers every question the reply gives nothing else for."""

from __future__ import annotations

import textwrap

import pytest

from foi.extract.mapper import extract_values
from foi.extract.questions import Question, QuestionMatcher
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text
from foi.extract.values import parse_refusal

PERIODS = ["2015/16", "2016/17", "2017/18"]
QUESTIONS = [
    Question("referrals", "1", "How many referrals did children's social care receive in each year?",
             labels=["referrals"]),
    Question("rereferrals", "2", "How many of those referrals were re-referrals within 12 months?",
             labels=["re-referrals"]),
    Question("nfa", "3", "How many referrals were closed with no further action?", labels=["no further action"]),
]
Q = [q.id for q in QUESTIONS]
FIGURES = "Q1 referrals\n2015/16: 1,234\n2016/17: 1,300\n2017/18: 1,410\n"


def wrap(text: str) -> str:
    """As a mail client sends it: paragraphs hard-wrapped at 72 characters."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 72) for p in text.strip().split("\n\n")) + "\n"


def reply(text: str) -> dict:
    """(question, period) -> (status, value, section, location, confidence) as stored."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(QUESTIONS), PERIODS)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("cin", QUESTIONS, PERIODS, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.value.section, f.location, f.confidence)
            for f, _, _ in chosen}


def every(status, section, location, confidence, questions=Q):
    return {(q, p): (status, None, section, location, confidence) for q in questions for p in PERIODS}


Q1_FIGURES = {("referrals", p): ("answered", v, None, f"body line {n}", 0.95)
              for p, v, n in zip(PERIODS, (1234.0, 1300.0, 1410.0), (2, 3, 4))}

# ------------------------------------------------------- not a refusal

CLARIFICATION = """Dear Ms Smith,

Freedom of Information request CIN-BNS-1: referrals

Thank you for your request. Before we can answer question 2 we need you to
clarify whether you mean re-referrals within 12 months of any earlier referral
or only of a referral that was closed. Your request is on hold under section
1(3) of the Freedom of Information Act 2000 until you clarify it; the 20
working days will start again when we receive your reply.
"""
EXTENSION = """Dear Ms Smith,

We are considering whether the information for question 3 is exempt under
section 43 (commercial interests). We need additional time to consider the
public interest test and will respond by 31 March 2026 (extension under
s.10(3)/s.17(2) public interest test).
"""


@pytest.mark.parametrize("text", [CLARIFICATION, EXTENSION], ids=["clarification", "extension"])
def test_holding_emails_yield_no_refusal(text):
    assert reply(text) == {}


@pytest.mark.parametrize("text", [
    "Your request is on hold under section 1(3) until you clarify which years you need.",
    "We will respond by 20 March 2026 (extension under s.10(3)/s.17(2) public interest test).",
    "We need further time to consider the public interest (section 10(3)) and will respond by 20 March 2026.",
    "We are considering whether the exemption at section 43 applies.",
    "If you are not satisfied with our decision to refuse, you may complain to the Information Commissioner"
    " under section 50.",
    "You have the right to ask for an internal review of our decision to refuse any part of your request.",
    "This email may contain information exempt from disclosure and is intended for the addressee only.",
])
def test_sentences_that_do_not_refuse(text):
    assert parse_refusal(text) is None


@pytest.mark.parametrize("text, section", [
    ("This is a refusal notice under section 17(1). The information is exempt under section 40(2).", "s.40(2)"),
    ("The information is exempt under s.43 and under s.17(3) the public interest favours withholding it.", "s.43"),
    ("Compliance would exceed the appropriate limit, so we are refusing it.", "s.12"),
    ("Refused as vexatious.", "s.14"),
])
def test_refusals_name_the_refusing_section(text, section):
    assert parse_refusal(text) == section


def test_an_extension_for_one_question_inside_an_answer_is_not_a_refusal():
    text = FIGURES + ("Q2 re-referrals: we need further time to consider the public interest "
                      "(section 10(3)) and will respond by 20 March 2026.\n"
                      "Q3 no further action: refused under section 12.\n")
    assert reply(text) == {**Q1_FIGURES, **every("refused", "s.12", "body line 6", 0.9, ["nfa"])}


# ------------------------------------------------------- whole-reply not held / refusal

@pytest.mark.parametrize("text, line", [
    ("Dear Ms Smith,\n\nI can confirm the council does not hold the information you requested.\n", 3),
    ("Dear Ms Smith,\n\nThe information requested is not held by Barnsley Metropolitan Borough Council.\n", 3),
    ("Dear Ms Smith,\n\nHaving searched the records of children's social care, I can confirm that\n"
     "Barnsley Metropolitan Borough Council does not hold the information you\nhave requested.\n\n"
     "Yours sincerely,\nInformation Governance Team\n", 4),
])
def test_whole_reply_not_held_covers_every_question_and_period(text, line):
    assert reply(text) == every("not_held", None, f"body line {line}", 0.7)


def test_not_held_with_no_question_named_and_no_request_words_is_less_sure():
    assert reply("Information of this kind is not held.\n") == \
        every("not_held", None, "body line 1", 0.6)


def test_whole_reply_not_held_does_not_override_figures_found():
    text = FIGURES + "\nI can confirm the council does not hold the information you requested.\n"
    assert reply(text) == {**Q1_FIGURES, **every("not_held", None, "body line 6", 0.7, ["rereferrals", "nfa"])}


def test_a_question_named_not_held_is_that_question_only():
    assert reply(FIGURES + "Q2: the information is not held.\n") == \
        {**Q1_FIGURES, **every("not_held", None, "body line 5", 0.9, ["rereferrals"])}
    assert reply("Q1: 1,234. Q2: the information is not held.\n") == \
        every("not_held", None, "body line 1", 0.9, ["rereferrals"])


def test_whole_reply_refusal_names_its_section():
    text = wrap("Dear Ms Smith,\n\nWe are refusing your request under section 12 of the Freedom of "
                "Information Act 2000 as the cost of complying would exceed the appropriate limit of "
                "£450.")
    assert reply(text) == every("refused", "s.12", "body line 3", 0.7)


def test_whole_reply_not_held_for_the_periods_it_names():
    assert reply("The information you requested for 2015/16 is not held.\n") == \
        {(q, "2015/16"): ("not_held", None, None, "body line 1", 0.7) for q in Q}


# ------------------------------------------------------- boilerplate and our own words

FOOTER = """
If you are not satisfied with this response you may ask for an internal review
of our decision to refuse any part of your request. If you are still
dissatisfied, you can complain to the Information Commissioner under section
50 of the Freedom of Information Act 2000.

You have the right to ask for an internal review of our decision to refuse your request.

This email and any attachments are confidential and may contain information
exempt from disclosure. If you are not the intended recipient, the
information is not held for you: please delete it.
"""
# Our request as the template writes it, pasted back without quote marks.
OUR_REQUEST = wrap("""Your request:

Under the Freedom of Information Act 2000, please provide the following information held by
Barnsley Metropolitan Borough Council, for each of these periods: 2015/16, 2016/17 and 2017/18.

If any figure is small enough that you consider it personal data under section 40, please give it
as "<5" (or your usual threshold) and still provide all the other figures, rather than withholding
the whole answer. If you do not hold the information for a question or a period, please say so for
that question or period and answer the rest.

If answering this request in full would exceed the cost limit under section 12 of the Act, please
do not simply refuse it: under section 16, please advise me how I could narrow it (for example,
fewer periods or questions) so that it can be answered within the limit.

Please quote the reference CIN-BNS-1 in your reply. I look forward to your response promptly and in
any event within 20 working days, as section 10 of the Act requires.""")


def test_footers_and_our_own_request_say_nothing():
    assert reply(FOOTER) == {}
    assert reply(OUR_REQUEST) == {}
    assert reply(FIGURES + FOOTER + "\n" + OUR_REQUEST) == Q1_FIGURES


def test_quoted_request_below_a_reply_header_says_nothing():
    quoted = "\n".join("> " + line for line in OUR_REQUEST.splitlines())
    header = "From: Campaign <campaign@example.org>\nSent: 02 February 2026 09:00\nTo: FOI\n"
    assert reply(FIGURES + "\n" + quoted + "\n") == Q1_FIGURES
    assert reply(FIGURES + "\n" + header + OUR_REQUEST) == Q1_FIGURES
