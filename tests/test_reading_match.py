"""Matching a table's rows, columns and sheets to the campaign's questions
together (issue 15, item 3), and snapshot periods in header cells."""

from __future__ import annotations

import pytest

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.periods import match_period, parse_period
from foi.extract.questions import QuestionMatcher, parse_reference
from foi.extract.tables import Table

QUESTIONS = [
    Question("evictions", "How many households did the council evict from its housing stock?", "count",
             ["households evicted", "evictions"], "1"),
    Question("arrears", "How many tenancies were in rent arrears of more than eight weeks?", "count",
             ["tenancies in arrears"], "2"),
    Question("rehoused", "Of the households counted in question 1, how many did the council later rehouse?",
             "count", ["households rehoused"], "3"),
]
PERIODS = ["2021/22", "2022/23"]


def read(rows: list[list[str]], kind: str = "grid", label: str = "t", questions=QUESTIONS,
         periods=PERIODS) -> dict[tuple[str, str], tuple[float | None, str, float]]:
    found = extract_values([Table(kind, label, rows)], QuestionMatcher(questions), periods)
    return {(f.question_id, f.period): (f.value.value, f.value.status, f.confidence) for f in found}


def settled(result: dict) -> dict[tuple[str, str], float | None]:
    return {key: value for key, (value, _, confidence) in result.items() if confidence >= 0.8}


EXPECTED = {("evictions", "2021/22"): 11.0, ("evictions", "2022/23"): 12.0,
            ("arrears", "2021/22"): 21.0, ("arrears", "2022/23"): 22.0,
            ("rehoused", "2021/22"): 31.0, ("rehoused", "2022/23"): 32.0}


@pytest.mark.parametrize("labels", [
    ("1", "2", "3"), ("1)", "2)", "3)"), ("Q1", "Q2", "Q3"), ("Question 1", "Question 2", "Question 3"),
    ("i", "ii", "iii"), ("(i)", "(ii)", "(iii)"), ("(a)", "(b)", "(c)"), ("a)", "b)", "c)"),
    ("1a", "1b", "1c"), ("1(a)", "1(b)", "1(c)"),
])
def test_rows_named_by_number_in_any_style_go_to_their_own_question(labels):
    # the third question's text says "question 1": that must not pull row "1" onto it
    rows = [["Question", "2021-22", "2022-23"]] + [[label, f"{n}1", f"{n}2"] for n, label in enumerate(labels, 1)]
    assert settled(read(rows)) == EXPECTED


def test_columns_named_by_number_when_periods_run_down():
    rows = [["Year", "1", "2", "3"], ["2021/22", "11", "21", "31"], ["2022/23", "12", "22", "32"]]
    assert settled(read(rows)) == EXPECTED


def test_full_text_naming_another_question_goes_to_its_own_question():
    rows = [["", "2021/22", "2022/23"],
            [QUESTIONS[2].text, "31", "32"], [QUESTIONS[0].text, "11", "12"], [QUESTIONS[1].text, "21", "22"]]
    assert settled(read(rows)) == EXPECTED


def test_parse_reference_styles():
    assert [(r.kind, r.number, r.letter, r.rest) for r in map(parse_reference, (
        "Q2", "Question 3: how many", "2a", "(b)", "iv.", "1(c)", "Part (ii)"))] == [
        ("number", 2, "", ""), ("number", 3, "", "how many"), ("number", 2, "a", ""), ("letter", 2, "", ""),
        ("roman", 4, "", ""), ("number", 1, "c", ""), ("roman", 2, "", "")]
    # words and counts are not references
    assert [parse_reference(t) for t in ("I can confirm", "12 months", "A total of 5", "2021/22")] == [None] * 4


def test_total_number_of_x_is_a_label_and_a_total_row_is_skipped():
    rows = [["", "2021/22", "2022/23"],
            ["Total number of households evicted", "11", "12"],
            ["Tenancies in arrears", "21", "22"],
            ["Total", "32", "34"]]
    assert settled(read(rows)) == {key: v for key, v in EXPECTED.items() if key[0] != "rehoused"}


def test_a_row_summing_the_rows_above_is_a_total_even_when_labelled():
    rows = [["", "2021/22", "2022/23"],
            ["Households evicted", "11", "12"],
            ["Tenancies in arrears", "21", "22"],
            ["Households rehoused", "32", "34"]]   # 11 + 21, 12 + 22
    assert settled(read(rows)) == {key: v for key, v in EXPECTED.items() if key[0] != "rehoused"}


def test_two_questions_scoring_close_go_to_review_with_both_readings():
    questions = [
        Question("spend_staff", "What did the council spend on agency staff in children's services?", "count",
                 [], "1"),
        Question("spend_social", "What did the council spend on agency social workers in children's services?",
                 "count", [], "2"),
    ]
    found = extract_values([Table("grid", "t", [["", "2021/22"], ["Agency spend, children's services", "500"]])],
                           QuestionMatcher(questions), ["2021/22"])
    assert [(f.value.value, f.confidence < 0.8) for f in found] == [(500.0, True)]
    assert "or question" in (found[0].note or "") and "check" in (found[0].note or "")


def sheet(name: str, title: str, values: tuple[str, str]) -> Table:
    return Table("sheet", name, [[title], ["Year", "Number"], ["2021/22", values[0]], ["2022/23", values[1]]])


def test_a_title_inside_the_sheet_outranks_the_sheet_name():
    tables = [sheet("Q2", "Households evicted", ("11", "12")), sheet("Q3", "Tenancies in arrears", ("21", "22")),
              sheet("Q1", "Households rehoused", ("31", "32"))]
    found = extract_values(tables, QuestionMatcher(QUESTIONS), PERIODS)
    assert {(f.question_id, f.period): f.value.value for f in found if f.confidence >= 0.8} == EXPECTED


def test_sheet_titles_numbered_as_parts_of_one_question():
    tables = [sheet("Sheet1", "1a", ("11", "12")), sheet("Sheet2", "1b", ("21", "22")),
              sheet("Sheet3", "1c", ("31", "32"))]
    found = extract_values(tables, QuestionMatcher(QUESTIONS), PERIODS)
    assert {(f.question_id, f.period): f.value.value for f in found if f.confidence >= 0.8} == EXPECTED


def test_a_sheet_name_the_title_inside_contradicts_goes_to_review():
    # the title only loosely names the third question; the sheet's name says the first
    found = extract_values([sheet("Q1", "Households the council later found a home for", ("31", "32"))],
                           QuestionMatcher(QUESTIONS), PERIODS)
    assert found and all(f.confidence < 0.8 for f in found)


@pytest.mark.parametrize("header", ["As at 31.03.23", "31/03/2023", "31 March 2023", "March 2023",
                                   "As at 31st March 2023", "2023-03-31", "2023"])
def test_snapshot_headers_name_the_calendar_year(header):
    period = parse_period(header)
    assert period is not None and match_period(period, ["2022", "2023"]) == ("2023", 1.0, None)


@pytest.mark.parametrize("header", ["2021-2022", "21/22", "FY 2021/22", "year ending March 2022",
                                   "April 2021 - March 2022", "2021/22"])
def test_financial_years_in_any_spelling(header):
    period = parse_period(header)
    assert period is not None and match_period(period, ["2021/22"]) == ("2021/22", 1.0, None)


def test_a_snapshot_table_is_read_for_its_years():
    questions = [Question("looked_after", "How many children were looked after as at 31 March?", "count",
                          ["children looked after"], "1")]
    rows = [["", "As at 31.03.22", "As at 31.03.23"], ["Children looked after", "140", "152"]]
    assert settled(read(rows, questions=questions, periods=["2022", "2023"])) == {
        ("looked_after", "2022"): 140.0, ("looked_after", "2023"): 152.0}


def test_part_ii_in_a_sentence_names_the_second_question_but_a_bare_a_does_not():
    matcher = QuestionMatcher(QUESTIONS)
    named = matcher.match("Part (ii): this information is not held by the council.")
    assert named is not None and named.question.id == "arrears"
    assert matcher.match("a) Please also give the figure for the last three years: 34") is None
