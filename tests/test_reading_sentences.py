"""Figures in running text: questions echoed back or named by a heading, figures in words and
symbols tied to their periods, numbers that look like years, snapshot dates, a question's own
period, periods said not to be held, and lines that answer questions the campaign does not ask."""

from __future__ import annotations

import pytest

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.numbers import number_words
from foi.extract.periods import find_periods, match_period
from foi.extract.questions import QuestionMatcher
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text

YEARS = ["2020/21", "2021/22", "2022/23"]
PARKING = [
    Question("permits", number="1", text="How many residents' parking permits did the council issue?",
             labels=["parking permits"]),
    Question("appeals", number="2", text="Of the permits in question 1, how many were later cancelled on appeal?",
             labels=["cancelled on appeal"]),
    Question("wardens", number="3", text="How many civil enforcement officers did the council employ?",
             labels=["enforcement officers"]),
]
HOMES = [
    Question("homes_now", number="1", text="How many empty homes does the council currently own?",
             labels=["empty homes"]),
    Question("repairs_cost", number="2", text="What did the council spend on void repairs in 2022/23?",
             kind="money", labels=["void repairs"]),
    Question("tenancies", number="3", text="How many new tenancies were signed in each year?",
             labels=["new tenancies"]),
]


def read(text: str, questions: list[Question] = PARKING, periods: list[str] = YEARS) -> dict:
    """(question, period) -> (status, value) as stored, needs_review included."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(questions), periods)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("c", questions, periods, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value) for f, _, _ in chosen}


# ------------------------------------------------- questions echoed back under headings

def test_an_echoed_question_naming_another_question_is_placed_by_its_own_words():
    text = ("Parking permits\n"
            "How many residents' parking permits did the council issue?\n"
            "There were 5,210 permits in 2020/21, 5,390 in 2021/22 and 5,655 in 2022/23.\n"
            "\n"
            "Permits cancelled\n"
            "Of the permits in question 1, how many were later cancelled on appeal?\n"
            "There were 41 cancellations in 2020/21, 38 in 2021/22 and 52 in 2022/23.\n")
    assert read(text) == {
        ("permits", "2020/21"): ("answered", 5210.0), ("permits", "2021/22"): ("answered", 5390.0),
        ("permits", "2022/23"): ("answered", 5655.0), ("appeals", "2020/21"): ("answered", 41.0),
        ("appeals", "2021/22"): ("answered", 38.0), ("appeals", "2022/23"): ("answered", 52.0)}


def test_a_numbered_heading_then_its_question_echoed_keeps_the_surer_placing():
    text = ("Question 3\n"
            "How many civil enforcement officers did the council employ?\n"
            "In 2020/21 the figure was 14. In 2021/22 the figure was 12.\n")
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(PARKING), YEARS)
    assert [(f.question_id, f.period, f.value.value, f.confidence) for f in found] == [
        ("wardens", "2020/21", 14.0, 0.95), ("wardens", "2021/22", 12.0, 0.95)]


def test_a_heading_no_question_fits_after_an_answer_starts_a_block_of_no_question():
    # the second heading is not one of ours: its figures must not land on permits
    text = ("Parking permits\n"
            "In 2020/21 the figure was 5,210.\n"
            "\n"
            "Visitor vouchers sold\n"
            "In 2020/21 the figure was 18,400.\n")
    assert read(text) == {("permits", "2020/21"): ("answered", 5210.0)}


def test_a_lettered_line_under_a_question_is_a_part_of_it():
    # "b) As above" is part (b) of question 1, not question 2 by its place
    text = ("1. 2020/21 - 7\n"
            "a) These are recorded only since the new system went live.\n"
            "b) As above\n"
            "c) The figures below 5 are withheld under section 40(2) of the Act.\n"
            "2. 19\n")
    stored = read(text, periods=["2020/21"])
    assert stored[("permits", "2020/21")] == ("answered", 7.0)
    assert stored[("appeals", "2020/21")] == ("answered", 19.0)


# ------------------------------------------------- figures tied to the period after them

@pytest.mark.parametrize("sentence, values", [
    # "with" inside the words between a figure and its period does not break the tie
    ("There were 5,210 permits with a blue badge in 2020/21, 5,390 in 2021/22 and 5,655 in 2022/23.",
     [5210, 5390, 5655]),
    # a unit between them ("2 miles") is no figure
    ("There were 97 permits for streets within 2 miles of a school in 2020/21, 88 in 2021/22 and 90 in 2022/23.",
     [97, 88, 90]),
    # a figure that reads as a year, tied to the period after it
    ("There were 2,210 permits in 2020/21, 1988 in 2021/22 and 2026 in 2022/23.", [2210, 1988, 2026]),
    # numbers in words tied to the period after them
    ("In 2020/21 there were four permits, two in 2021/22 and nine in 2022/23.", [4, 2, 9]),
    ("There were none issued in 2020/21, 3 in 2021/22 and 6 in 2022/23.", [0, 3, 6]),
])
def test_figures_tied_forward_to_their_periods(sentence, values):
    assert read(f"Q1\n{sentence}\n") == {
        ("permits", period): ("answered", float(value)) for period, value in zip(YEARS, values)}


def test_a_symbol_tied_to_a_period_is_a_suppressed_figure():
    text = ("Q2\n"
            "There were * cancellations in 2020/21, 12 in 2021/22 and x in 2022/23.\n"
            "* and x denote a figure from 1 to 4, withheld to protect individuals.\n")
    stored = read(text)
    assert stored[("appeals", "2021/22")] == ("answered", 12.0)
    assert stored[("appeals", "2020/21")][0] == "suppressed"
    assert stored[("appeals", "2022/23")][0] == "suppressed"


def test_a_list_of_years_stays_years():
    # "2019 and 2020" are years the sentence speaks of, not figures for 2020/21
    assert read("Q1\nBetween 2019 and 2020 in 2020/21 the scheme changed.\n") == {}


def test_a_year_and_its_figure_after_a_dash():
    assert read("1. 2021/22 - 4\n") == {("permits", "2021/22"): ("answered", 4.0)}
    assert [p.label for p in find_periods("2016 - 4")] == ["2016"]
    assert [(p.label, p.kind) for p in find_periods("2015 - 2018")] == [("2015-2018", "span")]


def test_nil_as_the_answer_itself():
    assert [m.group(1) for m in number_words("there were none appeals and a total of nil")] == ["none", "nil"]
    assert [m.group(1) for m in number_words("there were zero appeals")] == ["zero"]


# ------------------------------------------------- snapshot dates and a question's own period

def test_snapshot_dates_in_text():
    assert [(p.label, p.kind, p.text) for p in find_periods("at 12 on 3 May; 61 as of 14/02/2019")] == [
        ("2019", "snapshot", "14/02/2019")]
    assert [(p.label, p.kind) for p in find_periods("as at March-2024")] == [("2024", "snapshot")]
    assert find_periods("the letter dated 12/03/2019 asked for 3 things") == []
    (end,) = find_periods("40 homes as at 31 March 2023")
    assert match_period(end, ["2021/22", "2022/23"]) == ("2022/23", 0.95, "'31 March 2023' is the end of 2022/23")
    assert match_period(end, ["2023", "2024"]) == ("2023", 1.0, None)
    (start,) = find_periods("40 homes as at 1 April 2023")
    assert match_period(start, ["2022/23"])[0] is None  # the start of a year is not its end


def test_a_figure_dated_as_at_goes_to_that_years_period():
    stored = read("Q1: 212 empty homes as of 14/02/2023.\n", HOMES, ["2021", "2022", "2023"])
    assert stored == {("homes_now", "2023"): ("answered", 212.0)}


@pytest.mark.parametrize("line, cell", [
    # the question asks how things stand now: the latest period, a calendar year after the others
    ("1. 212", ("homes_now", "2023")),
    # the question's own words name its period
    ("2. £81,400.50", ("repairs_cost", "2022/23")),
])
def test_a_figure_with_no_period_takes_the_questions_own_period(line, cell):
    value = float(line[3:].strip("£").replace(",", ""))
    assert read(f"{line}\n", HOMES, ["2022/23", "2023"]) == {cell: ("answered", value)}


def test_a_question_asking_now_in_a_campaign_of_financial_years_is_put_to_a_person():
    stored = read("1. 212\n", HOMES, ["2021/22", "2022/23"])
    assert stored == {("homes_now", p): ("needs_review", None) for p in ["2021/22", "2022/23"]}


def test_a_figure_for_a_span_the_campaign_does_not_ask_for_is_not_the_periods():
    text = ("Q3 New tenancies\n"
            "January 2023 to December 2023 = 310\n"
            "Please also provide the number over three years: January 2021 to January 2024 = 905\n")
    assert read(text, HOMES, ["2023"]) == {("tenancies", "2023"): ("answered", 310.0)}


def test_the_answer_after_our_question_and_a_colon():
    text = ("1. How many empty homes does the council currently own: 212\n"
            "3. How many new tenancies were signed in each year? 57 in total.\n")
    assert read(text, HOMES, ["2023"]) == {("homes_now", "2023"): ("answered", 212.0),
                                           ("tenancies", "2023"): ("needs_review", None)}


def test_a_lettered_part_echoed_under_a_question_does_not_answer_it():
    text = ("3. How many new tenancies were signed in each year: 310\n"
            "a) Please also give the number of new tenancies over the last three years: 905\n")
    assert read(text, HOMES, ["2023"]) == {("tenancies", "2023"): ("answered", 310.0)}


# ------------------------------------------------- periods said not to be held

@pytest.mark.parametrize("statement", [
    "We do not hold data for the years before 2022/23.",
    "Figures before 2022/23 are not held: our new system started in 2022/23.",
])
def test_periods_not_held_said_apart_from_the_answers_cover_every_question(statement):
    text = ("Q1\nIn 2022/23 the figure was 5,655.\n\nQ2\nIn 2022/23 the figure was 52.\n\n"
            f"{statement}\n")
    stored = read(text, PARKING[:2])
    assert stored == {("permits", "2022/23"): ("answered", 5655.0), ("appeals", "2022/23"): ("answered", 52.0),
                      **{(q, p): ("not_held", None) for q in ("permits", "appeals") for p in ("2020/21", "2021/22")}}


def test_periods_not_held_under_one_question_are_that_questions():
    text = ("Q1\nIn 2022/23 the figure was 5,655.\nWe do not hold data for the years before 2022/23.\n"
            "\nQ2\n52 in 2022/23.\n")
    stored = read(text, PARKING[:2])
    assert stored[("permits", "2020/21")] == ("not_held", None)
    assert ("appeals", "2020/21") not in stored


# ------------------------------------------------- answers to questions the campaign does not ask

def test_a_line_numbered_beyond_the_campaign_is_not_placed_on_an_answered_question():
    # the reply answers a request of five questions; the campaign tracks the first two
    text = ("1. 212\n"
            "2. £81,400.50\n"
            "5. The council spent £9,120 on void repairs to garages in 2022/23.\n")
    stored = read(text, HOMES[:2], ["2022/23", "2023"])
    assert stored == {("homes_now", "2023"): ("answered", 212.0),
                      ("repairs_cost", "2022/23"): ("answered", 81400.5)}


# ------------------------------------------------- the number and the words of a line

def test_our_question_echoed_under_the_requests_own_numbering_is_placed_by_its_words():
    # the request had a question the campaign does not track, so the reply's numbers run one ahead
    text = ("1. What does a residents' permit cost?\n£60\n"
            "2. How many residents' parking permits did the council issue?\n"
            "2020/21: 5,210\n2021/22: 5,390\n")
    assert read(text) == {("permits", "2020/21"): ("answered", 5210.0),
                          ("permits", "2021/22"): ("answered", 5390.0)}


def test_a_numbered_line_whose_words_name_another_question_is_put_to_a_person():
    text = "Q3. In 2022/23 the council issued 5,655 residents' parking permits.\n"
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(PARKING), YEARS)
    assert [(f.question_id, f.value.raw) for f in found] == [("wardens", "5,655")]
    assert read(text) == {("wardens", "2022/23"): ("needs_review", None)}


def test_the_words_after_every_reference_place_a_line():
    # "2. i) 8": part (i) of question 2, not question 1 by the numeral's place
    assert read("1. 212\n2. i) 57\n", PARKING, ["2023"]) == {
        ("permits", "2023"): ("answered", 212.0), ("appeals", "2023"): ("answered", 57.0)}


def test_a_heading_shared_by_two_questions_keeps_the_one_being_answered():
    questions = [Question("own", number="1", text="What did the council spend on its own vans?",
                          kind="money", labels=["Spend"]),
                 Question("hired", number="2", text="What did the council spend on hired vans?",
                          kind="money", labels=["Spend"])]
    text = ("1. Own vans\nYear Spend\n2020/21 £1,200\n\n2. Hired vans\nYear Spend\n2020/21 £3,400\n")
    assert read(text, questions, ["2020/21"]) == {("own", "2020/21"): ("answered", 1200.0),
                                                  ("hired", "2020/21"): ("answered", 3400.0)}


def test_a_figure_dated_within_a_year_answers_only_a_question_asking_how_things_stand():
    # tenancies are signed over a year: a count "as at 1 December" is not the year's
    text = "Q3. As at 01/12/2023 there were 57 new tenancies.\n"
    assert read(text, HOMES, ["2022", "2023"]) == {("tenancies", "2023"): ("needs_review", None)}
    text = "Q1. As at 01/12/2023 there were 212 empty homes.\n"
    assert read(text, HOMES, ["2022", "2023"]) == {("homes_now", "2023"): ("answered", 212.0)}


def test_a_measure_not_asked_for_said_not_held_beside_our_echoed_question_is_not_its_answer():
    # a table that could not be read as one: our question, its figures, and a note run together
    text = ('"Description","Year to March 2021","Year to March 2022","Year to March 2023"\n'
            '"3. How many civil enforcement officers did the council employ?","14","12","11" '
            '"Rates per 1,000 residents are not held in this format."\n')
    assert read(text) == {}


def test_an_answer_with_two_figures_and_no_total_is_put_to_a_person():
    assert read("1. 212 empty homes and 14 garages\n", HOMES, ["2023"]) == {
        ("homes_now", "2023"): ("needs_review", None)}
    assert read("1. 212 empty homes\n", HOMES, ["2023"]) == {("homes_now", "2023"): ("answered", 212.0)}


def test_a_question_answered_in_lettered_parts_puts_the_numbers_after_it_to_a_person():
    # the request split question 2 into (a) and (b); the campaign may count them as two questions
    text = "1. 212\n\n2. a) 40\nb) 75\n\n3. 57\n"
    assert read(text, HOMES, ["2023"]) == {
        ("homes_now", "2023"): ("answered", 212.0), ("repairs_cost", "2023"): ("needs_review", None),
        ("tenancies", "2023"): ("needs_review", None)}


# ------------------------------------------------- the reply's own numbering

STREETS = [
    Question("graffiti_fines", number="1", text="How many fines did you issue for graffiti?", labels=["graffiti"]),
    Question("dumping_fines", number="2", text="How many fines for illegal dumping did you issue each year?",
             labels=["dumping fines"]),
    Question("dumping_reports", number="3", text="How many reports of illegal dumping did you receive?",
             labels=["reports of illegal dumping"]),
]


def test_numbers_that_start_again_in_each_section_do_not_place_an_unrelated_question():
    # "3." under the first heading is the reply's own third graffiti question, not our question 3
    text = ("Graffiti:\n"
            "1. What is the amount of a graffiti fine?\n"
            "£90\n"
            "2. How many fines did you issue for graffiti?\n"
            "2021/22: 14, 2022/23: 16\n"
            "3. How many of those fines for graffiti were paid within the year?\n"
            "2021/22: 9, 2022/23: 7.\n"
            "\n"
            "Dumping:\n"
            "1. How many fines for illegal dumping did you issue each year?\n"
            "2021/22: 31, 2022/23: 40\n"
            "2. How many reports of illegal dumping did you receive?\n"
            "2021/22: 702\n")
    assert read(text, STREETS, ["2021/22", "2022/23"]) == {
        ("graffiti_fines", "2021/22"): ("answered", 14.0), ("graffiti_fines", "2022/23"): ("answered", 16.0),
        ("dumping_fines", "2021/22"): ("answered", 31.0), ("dumping_fines", "2022/23"): ("answered", 40.0),
        ("dumping_reports", "2021/22"): ("answered", 702.0)}


def test_one_run_of_numbers_that_matches_ours_still_places_bare_answers():
    text = "1. 14\n2. 31\n3. 702\n"
    assert read(text, STREETS, ["2022/23"]) == {
        ("graffiti_fines", "2022/23"): ("answered", 14.0), ("dumping_fines", "2022/23"): ("answered", 31.0),
        ("dumping_reports", "2022/23"): ("answered", 702.0)}


# ------------------------------------------------- figures inside answer sentences

def test_a_snapshot_date_then_a_dash_and_the_figure():
    # "2024 - 62" (an en dash in the reply) is a date's year and a figure, not a run of years
    text = "1. As at 14 March 2024 – 62 empty homes - please note some are awaiting sale.\n"
    assert read(text, HOMES, ["2024"]) == {("homes_now", "2024"): ("answered", 62.0)}


def test_a_question_asking_who_are_something_is_answered_by_a_snapshot():
    arrears = [Question("arrears", number="1", text="The number of tenants who are in rent arrears",
                        labels=["rent arrears"])]
    text = "1. As at 2 May 2024 there were 1,310 tenants in rent arrears.\n"
    assert read(text, arrears, ["2023", "2024"]) == {("arrears", "2024"): ("answered", 1310.0)}


def test_a_present_tense_question_answered_with_a_bare_figure_takes_the_latest_snapshot_year():
    hostels = [Question("hostels", number="1", text="The number of children in hostels who are under 16",
                        labels=["hostels"]),
               Question("hostel_cost", number="2", text="The average weekly cost of a hostel place in 2022/23",
                        kind="money", labels=["weekly cost"])]
    assert read("1. 0\n\n2. £410.50\n", hostels, ["2022/23", "2023"]) == {
        ("hostels", "2023"): ("answered", 0.0), ("hostel_cost", "2022/23"): ("answered", 410.5)}


def test_a_figure_that_looks_like_a_later_year_after_our_question_is_a_figure():
    text = "Question 1: How many empty homes does the council currently own? 2071\n"
    assert read(text, HOMES, ["2023"]) == {("homes_now", "2023"): ("answered", 2071.0)}
    # the campaign's own year is not settled as a figure
    assert read("Question 1: How many empty homes does the council currently own? 2023\n", HOMES, ["2023"]) == {
        ("homes_now", "2023"): ("needs_review", None)}


def test_a_grant_is_a_sum_of_money():
    grants = [Question("largest_grant", number="1", text="The largest relocation grant allowed in 2022/23",
                       labels=["relocation grant"])]
    assert read("1) £2500 for each household that moves\n", grants, ["2022/23"]) == {
        ("largest_grant", "2022/23"): ("answered", 2500.0)}


def test_the_size_of_a_home_is_no_figure_and_the_word_before_a_figure_can_be_the_questions():
    bought = [Question("bought", number="1", text="How many homes has the council bought back from landlords?",
                       labels=["bought back"])]
    text = "1. The council bought 14 x 2 bedroom flats from a local landlord.\n"
    assert read(text, bought, ["2024"]) == {("bought", "2024"): ("answered", 14.0)}


def test_a_month_in_words_beside_a_campaign_period_dates_an_event_in_it():
    text = "2. 2021/22 Not recorded. 2022/23 with the new form in use from October 2022 - £12,400. 2023/24 £30,100.\n"
    stored = read(text, HOMES, ["2021/22", "2022/23", "2023/24"])
    assert stored[("repairs_cost", "2022/23")] == ("answered", 12400.0)
    assert stored[("repairs_cost", "2023/24")] == ("answered", 30100.0)


def test_a_bare_number_under_our_echoed_question_is_its_answer_not_a_question_number():
    text = ("3. How many new tenancies were signed in each year?\n"
            "1\n")
    assert read(text, HOMES, ["2023"]) == {("tenancies", "2023"): ("answered", 1.0)}


CARE = [
    Question("in_care", number="1", text="How many children of school age do you currently have in care?",
             labels=["in care now"]),
    Question("missing_school", number="2", text="Number of children in care missing school, by calendar year",
             labels=["missing school"]),
]
CARE_YEARS = ["2015", "2016", "2017", "2018"]


def test_a_part_of_a_question_the_campaign_does_not_ask_is_not_placed_by_its_words():
    # "i) Gone missing" is a part of the request's question 5, which the campaign does not track
    text = ("1. 480 of school age as of 15/02/2018.\n"
            "\n"
            "2. 2015 = None\n"
            "2016 = Four\n"
            "\n"
            "5. Please give the number of children aged 10 to 17 in care who have:\n"
            "i) Gone missing\n"
            "Of the 690 children in care on 21 February 2018 - 83 children have at some point been missing.\n")
    assert read(text, CARE, CARE_YEARS) == {
        ("in_care", "2018"): ("answered", 480.0), ("missing_school", "2015"): ("answered", 0.0),
        ("missing_school", "2016"): ("answered", 4.0)}


def test_a_word_of_the_question_before_a_figure_in_a_breakdown_does_not_make_it_the_answer():
    # "School 369" is a row of a breakdown; "school" is a word of the question, not its label
    text = ("1. 480 of school age as of 15/02/2018.\n"
            "\n"
            "4. Where are they educated?\n"
            "1. School 369\n")
    assert read(text, CARE, CARE_YEARS) == {("in_care", "2018"): ("answered", 480.0)}


def test_a_line_of_only_a_label_and_a_figure_takes_the_period_its_question_names():
    waiting = [Question("singles", number="1", text="Number of single people on the waiting list as of March 2024",
                        labels=["Singles"]),
               Question("families", number="2", text="Number of families on the waiting list as of March 2024",
                        labels=["Families"])]
    text = "Waiting list\nSingles 1,188\nFamilies: 2,247\n"
    assert read(text, waiting, ["2023", "2024", "2023/24"]) == {
        ("singles", "2024"): ("answered", 1188.0), ("families", "2024"): ("answered", 2247.0)}
    # a sentence under the label is still put to a person: which period?
    text = "Waiting list\nSingles were 1,188 when we last counted, which is high.\n"
    assert read(text, waiting, ["2023", "2024", "2023/24"])[("singles", "2023")] == ("needs_review", None)


def test_figures_listed_alone_answer_our_questions_listed_the_same_way_in_order():
    text = ("You asked:\n"
            "- How many residents' parking permits did the council issue?\n"
            "- How many civil enforcement officers did the council employ?\n"
            "In response, after checking our records:\n"
            "- 5,210\n"
            "- 14\n")
    assert read(text, PARKING, ["2022/23"]) == {
        ("permits", "2022/23"): ("answered", 5210.0), ("wardens", "2022/23"): ("answered", 14.0)}
    # one figure too few: which question it answers is not known
    assert read(text.replace("- 14\n", ""), PARKING, ["2022/23"]) == {}
