"""Figures in running text: a period ending a sentence, a figure with no period,
a question named mid-line, figures before their periods or "respectively"."""

from __future__ import annotations

import pytest
from test_extract_replytext import PERIODS, QUESTIONS

from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text


def reply(text: str, periods: list[str] = PERIODS) -> dict:
    """(question, period) -> (status, value, raw, location, confidence) as stored."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(QUESTIONS), periods)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("cin", QUESTIONS, periods, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.value.raw, f.location, f.confidence)
            for f, _, _ in chosen}


# ------------------------------------------------------- 1. a period ending a sentence

@pytest.mark.parametrize("text, question, period, raw, confidence", [
    ("Q1 referrals\nThe number for 2015/16 was 1,234.\n", "referrals", "2015/16", "1,234", 0.95),
    ("Q2 re-referrals\nIn 2016/17 there were 1,180 assessments.\n", "rereferrals", "2016/17", "1,180", 0.95),
    ("Q1 referrals\nThe number was 1,234 for 2015/16.\n", "referrals", "2015/16", "1,234", 0.95),
    # the sentence's own words name the question the heading numbers: the surer placing holds
    ("Q3\n76 referrals were closed with no further action in 2017-18.\n", "nfa", "2017/18", "76", 0.95),
])
def test_a_period_at_the_end_of_a_sentence(text, question, period, raw, confidence):
    assert reply(text) == {(question, period): ("answered", float(raw.replace(",", "")), raw, "body line 2",
                                                confidence)}


def test_figures_before_their_periods_and_after_a_comma():
    assert reply("Q1: 2,996 for 2015/16, 2,140 for 2016/17 and 2,466 for 2017/18.\n"
                 "Q2: The number for 2015/16 was 806, and for 2016/17 it was 403.\n") == {
        ("referrals", "2015/16"): ("answered", 2996.0, "2,996", "body line 1", 0.95),
        ("referrals", "2016/17"): ("answered", 2140.0, "2,140", "body line 1", 0.95),
        ("referrals", "2017/18"): ("answered", 2466.0, "2,466", "body line 1", 0.95),
        ("rereferrals", "2015/16"): ("answered", 806.0, "806", "body line 2", 0.95),
        ("rereferrals", "2016/17"): ("answered", 403.0, "403", "body line 2", 0.95)}


def test_figures_given_respectively():
    assert reply("Q3: The figures for 2015/16, 2016/17 and 2017/18 were 325, 62 and 33 respectively.\n") == {
        ("nfa", p): ("answered", v, raw, "body line 1", 0.95)
        for p, v, raw in zip(PERIODS, (325.0, 62.0, 33.0), ("325", "62", "33"))}


# ------------------------------------------------------- 2. a figure with no period

def test_one_period_campaign_gives_a_figure_with_no_period_to_that_period():
    assert reply("Q1: 1,234.\nQ2 - 403\n", ["2016/17"]) == {
        ("referrals", "2016/17"): ("answered", 1234.0, "1,234", "body line 1", 0.9),
        ("rereferrals", "2016/17"): ("answered", 403.0, "403", "body line 2", 0.9)}


def test_one_period_campaign_figure_under_a_question_heading():
    text = "Q1. Number of referrals received\n1,234\n\nQ3. No further action\nfewer than 5\n"
    assert reply(text, ["2016/17"]) == {
        ("referrals", "2016/17"): ("answered", 1234.0, "1,234", "body line 2", 0.9),
        ("nfa", "2016/17"): ("suppressed", None, "fewer than 5", "body line 5", 0.9)}


def test_several_periods_a_figure_with_no_period_goes_to_a_person():
    got = reply("Q1: 1,234.\n")
    assert got == {("referrals", p): ("needs_review", None, "1,234", "body line 1", 0.3) for p in PERIODS}
    found = extract_values(read_text(b"Q1: 1,234.\n", "body"), QuestionMatcher(QUESTIONS), PERIODS)
    assert [f.note for f in found] == [
        "no period named and the campaign asks for 3 periods: which period does '1,234' answer?"]


def test_a_figure_with_no_period_never_overrides_the_periods_given():
    text = "Q1 referrals\n2015/16: 1,234\n2016/17: 1,300\nIn total we received 2,534 referrals.\n"
    assert reply(text) == {
        ("referrals", "2015/16"): ("answered", 1234.0, "1,234", "body line 2", 0.95),
        ("referrals", "2016/17"): ("answered", 1300.0, "1,300", "body line 3", 0.95),
        ("referrals", "2017/18"): ("needs_review", None, "2,534", "body line 4", 0.3)}
    # in a one-period campaign a total is not that period's figure without a person
    assert reply("Q1: in total 2,534 since 2015.\n", ["2016/17"]) == {
        ("referrals", "2016/17"): ("needs_review", None, "2,534", "body line 1", 0.3)}


REFUSED_Q3 = "Q3: refused under section 12, the cost would exceed £450."


@pytest.mark.parametrize("text, expected", [
    ("Freedom of Information request CIN-BNS-1: referrals\n", {}),
    ("Q2: we need you to clarify whether you mean within 12 months of any referral.\n", {}),
    # 12 and 450 are a section and money: the sentence is Q3's refusal, no figure
    (REFUSED_Q3 + "\n", {("nfa", "2016/17"): ("refused", None, REFUSED_Q3, "body line 1", 0.9)}),
    ("Q1 referrals: we received your request on 4 February 2026.\n", {}),
])
def test_numbers_that_are_not_figures(text, expected):
    assert reply(text, ["2016/17"]) == expected


# ------------------------------------------------------- 3. a question named mid-line

def test_a_question_named_mid_sentence_takes_what_follows():
    assert reply("Q1: 1,234. The information for Q2 is not held.\n", ["2016/17"]) == {
        ("referrals", "2016/17"): ("answered", 1234.0, "1,234", "body line 1", 0.9),
        ("rereferrals", "2016/17"): ("not_held", None, "The information for Q2 is not held.", "body line 1", 0.81)}


def test_questions_separated_on_one_line():
    assert reply("Q1 - 2015/16: 2,996; Q2 - 2015/16: 806; Q3 - 2015/16: 325\n") == {
        ("referrals", "2015/16"): ("answered", 2996.0, "2,996", "body line 1", 0.95),
        ("rereferrals", "2015/16"): ("answered", 806.0, "806", "body line 1", 0.95),
        ("nfa", "2015/16"): ("answered", 325.0, "325", "body line 1", 0.95)}


def test_a_period_named_mid_line_after_a_figure_for_another_question():
    text = "Q1: In 2015/16 there were 2,996. Question 2: in 2015/16 there were 806 re-referrals.\n"
    assert reply(text) == {
        ("referrals", "2015/16"): ("answered", 2996.0, "2,996", "body line 1", 0.95),
        ("rereferrals", "2015/16"): ("answered", 806.0, "806", "body line 1", 0.95)}


# ------------------------------------------------------- symbols and words in text

def test_symbols_and_words_after_a_period_with_the_footnote_that_defines_them():
    text = "Q3\n2015/16: *\n2016/17: <10\n2017/18: nil\n\n* fewer than 5\n"
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(QUESTIONS), PERIODS)
    assert [(f.period, f.value.status, f.value.value, f.value.lower, f.value.upper, f.location) for f in found] == [
        ("2015/16", "suppressed", None, 0.0, 4.0, "body line 2"),
        ("2016/17", "suppressed", None, 0.0, 9.0, "body line 3"),
        ("2017/18", "answered", 0.0, None, None, "body line 4")]
    assert found[0].note.endswith("'*' defined by the note '* fewer than 5'")
    assert found[2].note.startswith("'nil' read as 0")


@pytest.mark.parametrize("text", [
    "X-Mailer: MIME::Lite 3.01 (F2.73; A1.66; B3.05; Q3.03)\n",
    "   1. testing #1 (Barry A. Warsaw)\n",
    "Q1 Q2 Q3 Q4 Total 2004 34.7 36.2 44.5 51.3 166.7 2005 58.1 106\n",
])
def test_numbered_lines_that_give_no_figure(text):
    assert reply(text) == {}
