"""Figures only from answer-shaped places in running text: periods paired with figures in the
sentence's own order, numbers that are not answers left out (years, dates, sections, ages,
rates, durations, reference numbers, the reasoning of a refusal, our own question echoed
back), a stated total over its breakdown, and doubt put to a person with both readings."""

from __future__ import annotations

import pytest
from test_extract_replytext import PERIODS, QUESTIONS

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.numbers import blank_non_figures
from foi.extract.questions import QuestionMatcher
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text


def reply(text: str, periods: list[str] = PERIODS, questions: list[Question] = QUESTIONS) -> dict:
    """(question, period) -> (status, value, raw) as stored."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(questions), periods)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("cin", questions, periods, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.value.raw) for f, _, _ in chosen}


# ------------------------------------------------------- periods and figures in the sentence's order

def test_in_p_there_were_v_then_v_in_p_pairs_each_figure_with_its_own_period():
    text = "Q1 referrals\nIn 2015/16 there were 1,204 referrals, 1,310 in 2016/17 and 1,402 in 2017/18.\n"
    assert reply(text) == {("referrals", "2015/16"): ("answered", 1204.0, "1,204"),
                           ("referrals", "2016/17"): ("answered", 1310.0, "1,310"),
                           ("referrals", "2017/18"): ("answered", 1402.0, "1,402")}


def test_in_p_comma_v_and_v_in_p_orders():
    assert reply("Q1 referrals\nIn 2015/16, 640 referrals; 702 referrals were made during 2016/17.\n") == {
        ("referrals", "2015/16"): ("answered", 640.0, "640"),
        ("referrals", "2016/17"): ("answered", 702.0, "702")}


def test_a_figure_that_could_belong_to_the_period_before_or_after_goes_to_review():
    found = reply("Q1 referrals\nIn 2015/16 the number was 90 in 2016/17.\n")
    assert found[("referrals", "2015/16")][0] == "needs_review"
    assert found[("referrals", "2015/16")][2] == "90"


# ------------------------------------------------------- numbers that are not answers

@pytest.mark.parametrize("text, kept", [
    ("This was published in November 2017 under section 22(1) of the Act", []),
    ("children aged 16 and 17, and 16-17 year olds, under 18s", []),
    ("a rate of 45 per 10,000 children, 12% of all", []),
    ("within 20 working days, over the last 3 financial years, 18 hours", []),
    ("our reference FOI-8812 or ref ABC/123; telephone 01234 567890", []),
    ("we give notice under 10(4)(a) of the Regulations", []),
    ("No notices were issued from 2015 - 2018", []),
    ("There were 38 referrals on 25 December at 4.30pm", ["38"]),
])
def test_numbers_that_are_not_figures_are_blanked(text, kept):
    blank = blank_non_figures(text)
    assert len(blank) == len(text)
    assert [w.strip(".,;") for w in blank.split() if any(c.isdigit() for c in w)] == kept


def test_a_year_in_a_sentence_is_never_a_count():
    assert reply("Q1 referrals\nThe 2016/17 figures will be published in November 2017.\n") == {}


def test_our_question_echoed_back_gives_no_figure():
    text = ("1. How many referrals did you receive in each of the last 3 years, for 2015/16 and 2016/17?\n"
            "2. Please provide the number of re-referrals within 12 months for 2017/18.\n")
    assert reply(text) == {}


def test_the_reasoning_of_a_cost_refusal_gives_no_figure():
    text = ("Q1 referrals\nA search for 2016/17 brought back 1,144 records; at 3 minutes per record this "
            "would take well over the limit, so section 12 applies.\n")
    assert all(status != "answered" for status, _, _ in reply(text).values())


def test_a_period_that_only_bounds_a_time_gets_no_figure():
    assert reply("Q1 referrals\nPrior to 2016/17, we had 2 systems that held referrals.\n") == {}


def test_a_figure_with_no_period_needs_answer_shaped_words():
    text = "Q1 referrals\nThis work is done by 2 separate teams. There were 38 referrals.\n"
    assert reply(text, ["2016/17"]) == {("referrals", "2016/17"): ("answered", 38.0, "38")}


def test_text_questions_take_no_figures_from_sentences():
    questions = [Question("policy", "Please send your policy on referrals", kind="text", number="1")]
    assert reply("1. Our policy was last revised in 2016 and runs to 12 pages.\n", ["2016"], questions) == {}


# ------------------------------------------------------- a stated total beats its breakdown

def test_a_stated_total_beats_the_breakdown_above_it():
    text = "Q1\n\nFrom schools\n\n500\n\nFrom parents\n\n230\n\nTotal\n\n730\n"
    assert reply(text, ["2016/17"]) == {("referrals", "2016/17"): ("answered", 730.0, "730")}


def test_several_figures_and_no_total_go_to_review():
    text = "Q1\n\nFrom schools\n\n500\n\nFrom parents\n\n230\n"
    assert reply(text, ["2016/17"]) == {("referrals", "2016/17"): ("needs_review", None, "500")}


def test_a_total_stated_in_a_sentence_beats_its_parts():
    text = "Q1: there were 730 referrals in total, of which 500 came from schools and 230 from parents.\n"
    assert reply(text, ["2016/17"]) == {("referrals", "2016/17"): ("answered", 730.0, "730")}


def test_several_figures_after_one_period_go_to_review():
    found = reply("Q1 referrals\n2015/16 1,234 321 45\n")
    assert found == {("referrals", "2015/16"): ("needs_review", None, "1,234")}


# ------------------------------------------------------- numbers in words

def test_a_number_in_words_is_a_figure():
    assert reply("Q1: there were four referrals.\nQ2: None.\n", ["2016/17"]) == {
        ("referrals", "2016/17"): ("answered", 4.0, "four"),
        ("rereferrals", "2016/17"): ("answered", 0.0, "None")}


# ------------------------------------------------------- kinds: money, and a figure of the wrong kind

SPEND = [Question("spend", "What was the total spend on home to school transport?", kind="money", number="1"),
         Question("pupils", "How many pupils received transport?", number="2")]


def test_a_money_question_takes_sums_of_money_and_a_count_question_does_not():
    text = ("1. The council spent £1,250,400.50 in 2015/16 and 980,000.25 in 2016/17.\n"
            "2. There were 120 pupils in 2015/16, at a cost of £40,000 in 2016/17.\n")
    assert reply(text, questions=SPEND) == {
        ("spend", "2015/16"): ("answered", 1250400.5, "£1,250,400.50"),
        ("spend", "2016/17"): ("answered", 980000.25, "980,000.25"),
        ("pupils", "2015/16"): ("answered", 120.0, "120")}


@pytest.mark.parametrize("raw, kind, status", [
    ("£1,234", "count", "needs_review"), ("12%", "count", "needs_review"), ("£1,234.50", "money", "answered"),
    ("12%", "money", "needs_review"), ("four", "count", "answered"), ("Seven", "count", "answered")])
def test_a_value_of_the_wrong_kind_is_not_an_answer(raw, kind, status):
    from foi.extract.values import parse_value
    assert parse_value(raw, kind).status == status


def test_respectively_reads_the_list_item_by_item_symbols_included():
    text = "Q1 referrals\nThe numbers of referrals were *, 1999 and 5 for 2015/16, 2016/17 and 2017/18 respectively.\n"
    assert reply(text) == {("referrals", "2015/16"): ("suppressed", None, "*"),
                           ("referrals", "2016/17"): ("answered", 1999.0, "1999"),
                           ("referrals", "2017/18"): ("answered", 5.0, "5")}


def test_money_given_respectively_without_a_pound_sign():
    text = "1. The amounts spent were 25133.72, 20153 and 2001.50 for 2015/16, 2016/17 and 2017/18 respectively.\n"
    assert reply(text, questions=SPEND) == {("spend", "2015/16"): ("answered", 25133.72, "25133.72"),
                                            ("spend", "2016/17"): ("answered", 20153.0, "20153"),
                                            ("spend", "2017/18"): ("answered", 2001.5, "2001.50")}


# ------------------------------------------------------- statements that are not about the question

def test_a_measure_not_asked_for_not_held_is_not_the_question_not_held():
    text = "Q1 referrals\n2015/16: 1,234\nRates per 10,000 children are not held in this format.\n"
    assert reply(text) == {("referrals", "2015/16"): ("answered", 1234.0, "1,234")}


def test_a_note_on_a_suppression_symbol_is_not_a_refusal():
    text = "Q1 referrals\n2015/16: *\n* denotes a figure between 1 and 4, withheld under section 40(2).\n"
    assert reply(text) == {("referrals", "2015/16"): ("suppressed", None, "*")}


def test_not_held_before_a_period_covers_the_earlier_periods_only():
    text = "Q1 referrals\nThere were 61 referrals in 2017/18.\nWe do not hold data for the years before 2017/18.\n"
    found = reply(text)
    assert found == {("referrals", "2015/16"): ("not_held", None, found[("referrals", "2015/16")][2]),
                     ("referrals", "2016/17"): ("not_held", None, found[("referrals", "2016/17")][2]),
                     ("referrals", "2017/18"): ("answered", 61.0, "61")}


def test_a_snapshot_written_as_a_date_is_the_years_period():
    text = "Q1 referrals\nThere were 1,841 children at 31/03/2023 and 1,790 as at 31.03.24.\n"
    assert reply(text, ["2022", "2023", "2024"]) == {("referrals", "2023"): ("answered", 1841.0, "1,841"),
                                                     ("referrals", "2024"): ("answered", 1790.0, "1,790")}


def test_an_answer_after_our_question_on_the_same_line_is_read():
    assert reply("Q1. How many referrals did you receive in 2016/17?  159\n", ["2016/17"]) == {
        ("referrals", "2016/17"): ("answered", 159.0, "159")}


def test_a_count_question_about_money_asks_for_money():
    from foi.extract.values import figure_kind
    assert figure_kind(Question("cost", "What was the total cost of agency staff?")) == "money"
    assert figure_kind(Question("fines", "How many fines were issued?")) == "count"
    questions = [Question("cost", "What was the total spend on agency staff?", number="1")]
    assert reply("1. In 2016/17 the council spent £1,204,000.50.\n", ["2016/17"], questions) == {
        ("cost", "2016/17"): ("answered", 1204000.5, "£1,204,000.50")}
