"""Periods, values, question matching and the check-rule evaluator."""

from __future__ import annotations

import pytest

from foi.campaign.spec import Question
from foi.errors import FoiError
from foi.extract.checks import parse_rule, rule_fails
from foi.extract.periods import match_period, parse_period
from foi.extract.questions import QuestionMatcher
from foi.extract.values import parse_manual, parse_value

FINANCIAL = ["2015/16", "2015-16", "2015/2016", "15/16", "FY 2015-16", "FY2015/16", "2015 - 2016",
             "April 2015 to March 2016", "Apr 15 - Mar 16", "1 April 2015 - 31 March 2016",
             "1st April 2015 to 31st March 2016", "Year ending 31 March 2016", "01/04/2015 - 31/03/2016",
             "2015–16", "2015-16 (provisional)", "2015/16*"]


@pytest.mark.parametrize("text", FINANCIAL)
def test_financial_year_forms(text):
    period = parse_period(text)
    assert (period.label, period.kind) == ("2015/16", "financial")


@pytest.mark.parametrize("text", ["Total", "1,234", "15-16", "2015-17", "Number of referrals", "Q2", "12"])
def test_not_periods(text):
    assert parse_period(text) is None


def test_calendar_year_is_kept_apart_from_financial_years():
    period = parse_period("2015")
    assert (period.label, period.kind) == ("2015", "calendar")
    assert match_period(period, ["2015"]) == ("2015", 1.0, None)
    label, confidence, note = match_period(period, ["2015/16", "2016/17"])
    assert (label, confidence) == ("2015/16", 0.3)
    assert note == "'2015' is a calendar year; read as 2015/16 (could be 2014/15): check"
    assert match_period(parse_period("2015/16"), ["2015"]) == (None, 0.0, None)


@pytest.mark.parametrize("raw, expected", [
    ("1,234", ("answered", 1234.0, None, None)), ("1 234", ("answered", 1234.0, None, None)),
    ("  987 ", ("answered", 987.0, None, None)), ("0", ("answered", 0.0, None, None)),
    ("<5", ("suppressed", None, 0.0, 4.0)), ("< 10", ("suppressed", None, 0.0, 9.0)),
    ("*", ("suppressed", None, 0.0, None)), ("fewer than 5", ("suppressed", None, 0.0, 4.0)),
    ("5 or less", ("suppressed", None, 0.0, 5.0)), ("5 or fewer", ("suppressed", None, 0.0, 5.0)),
    ("c", ("suppressed", None, 0.0, None)), ("x", ("suppressed", None, 0.0, None)),
    ("less than 10", ("suppressed", None, 0.0, 9.0)), ("1-4", ("suppressed", None, 1.0, 4.0)),
    ("not held", ("not_held", None, None, None)), ("Not recorded", ("not_held", None, None, None)),
    ("-", ("needs_review", None, None, None)), ("", ("needs_review", None, None, None)),
    ("N/A", ("needs_review", None, None, None)), ("about 50", ("needs_review", None, None, None)),
])
def test_values(raw, expected):
    value = parse_value(raw)
    assert (value.status, value.value, value.lower, value.upper) == expected
    assert value.raw == raw


def test_refusals_keep_their_section():
    assert parse_value("Refused - s.12 cost limit").section == "s.12"
    assert parse_value("Exempt under section 40(2)").section == "s.40(2)"
    assert parse_value("Withheld: reg 12(4)(b) manifestly unreasonable").section == "reg.12(4)(b)"
    assert parse_manual("refused:s12").section == "s.12"
    assert parse_manual("refused:section 40(2)").section == "s.40(2)"
    assert parse_manual("refused").section == "unspecified"


QUESTIONS = [
    Question("referrals", number="1", text="How many referrals did children's social care receive?",
             labels=["referrals"]),
    Question("rereferrals", number="2", text="How many were re-referrals within 12 months?", labels=["re-referrals"]),
    Question("nfa", number="3", text="How many referrals were closed with no further action?",
             labels=["no further action"]),
]


@pytest.mark.parametrize("text, question, how", [
    ("Q2", "rereferrals", "question number 2"), ("2.", "rereferrals", "question number 2"),
    ("Question 3", "nfa", "question number 3"), ("2a)", "rereferrals", "question number 2a"),
    ("Number of referrals", "referrals", "label"), ("Re-referrals (12 months)", "rereferrals", "label"),
    ("Closed - no further action", "nfa", "label"), ("Total", None, None), ("2015/16", None, None),
])
def test_question_matching(text, question, how):
    match = QuestionMatcher(QUESTIONS).match(text)
    assert (match.question.id if match else None, match.how if match else None) == (question, how)


def test_periods_across_and_down_with_totals():
    from foi.extract.mapper import extract_values
    from foi.extract.tables import Table

    matcher = QuestionMatcher(QUESTIONS)
    down = Table("sheet", "S", [["Period", "Referrals", "Re-referrals"], ["2015", "10", "3"],
                                ["2016/17", "12", "<5"], ["Total", "22", "7"]])
    found = {(f.question_id, f.period): (f.value.raw, f.location, f.confidence)
             for f in extract_values([down], matcher, ["2015/16", "2016/17"])}
    assert found == {
        ("referrals", "2015/16"): ("10", "S!B2", 0.3), ("rereferrals", "2015/16"): ("3", "S!C2", 0.3),
        ("referrals", "2016/17"): ("12", "S!B3", 0.95), ("rereferrals", "2016/17"): ("<5", "S!C3", 0.95),
    }


def test_check_rules_without_eval():
    rule = parse_rule("rereferrals <= referrals - nfa + 1")
    assert rule_fails(rule, {"rereferrals": (10, 10), "referrals": (8, 8), "nfa": (0, 0)}) is True
    assert rule_fails(rule, {"rereferrals": (0, 4), "referrals": (3, 3), "nfa": (0, 0)}) is False
    assert rule_fails(rule, {"rereferrals": (10, 10)}) is None
    assert rule_fails(parse_rule("a == b"), {"a": (0, 4), "b": (3, 3)}) is False
    assert rule_fails(parse_rule("a > 5"), {"a": (0, 4)}) is True
    for bad in ["referrals <=", "__import__('os').system('x') < 1", "a", "a < b < c", "(a <= b"]:
        with pytest.raises(FoiError):
            parse_rule(bad)


def test_periods_down_the_first_column_with_no_header_row():
    """Periods from the very first row down column A, more columns than rows:
    the stub is looked for among the rows (it used to index past the last row)."""
    from foi.extract.mapper import extract_values
    from foi.extract.tables import Table

    matcher = QuestionMatcher(QUESTIONS[:1])
    wide = Table("sheet", "Data", [["2015/16", "10", "x", "y"], ["2016/17", "12", "a", "b"]])
    assert extract_values([wide], matcher, ["2015/16", "2016/17"]) == []
    tall = Table("sheet", "Data", [["2015/16", "10"], ["2016/17", "12"]])
    found = {(f.question_id, f.period): (f.value.value, f.location, f.confidence)
             for f in extract_values([tall], matcher, ["2015/16", "2016/17"])}
    assert found == {("referrals", "2015/16"): (10.0, "Data!B1", 0.81),
                     ("referrals", "2016/17"): (12.0, "Data!B2", 0.81)}


def test_section_25_is_not_a_refusal_in_either_reader():
    """One list of refusing sections for classification and extraction: s.25 only
    governs certificates under s.23/s.24, so citing it refuses nothing."""
    from foi.language.wording import find_sections, parse_refusal

    assert find_sections("withheld under section 25 and section 40(2)") == ["s.40(2)"]
    assert parse_refusal("The information is exempt under section 25.") == "unspecified"
    assert parse_refusal("The information is exempt under section 24.") == "s.24"
