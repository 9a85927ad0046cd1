"""Tables read from plain text and delimited files: a CSV with a title and notes
around its rows (any delimiter, quoted or not), tables written one cell per line
with sums of money in them, headers of bare question numbers, a table of one
period, figures that look like years, and a sentence standing just above a
header that lost its corner. Every figure is located exactly."""

from __future__ import annotations

from test_extract_replytext import PERIODS, QUESTIONS

from foi.campaign.spec import Question
from foi.extract.detect import delimiter_of, detect_format
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.read import read_source
from foi.extract.run import Campaign, resolve
from foi.extract.text import read_text
from foi.extract.texttables import answer_cell, loose_grids, stacked_grids, text_grids
from foi.extract.values import figure_kind, wrong_kind


def stored(tables) -> dict:
    """(question, period) -> (status, value, location) as foi would store them."""
    found = extract_values(tables, QuestionMatcher(QUESTIONS), PERIODS)
    chosen = resolve([(f, None, "file") for f in found], Campaign("cin", QUESTIONS, PERIODS, []))
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.location) for f, _, _ in chosen}


def body(text: str) -> dict:
    return stored(read_text(text.encode(), "body"))


# ---- delimited files with a title and notes -------------------------------------------------

NOTED_CSV = ("Children's social care: referrals\n"
             "Question{d}2015/16{d}2016/17{d}2017/18\n"
             "1{d}2210{d}2305{d}2417\n"
             "2{d}512{d}498{d}<5\n"
             "3{d}77{d}81{d}69\n"
             "Figures are taken from the case system and may differ from published returns.\n"
             "<5 means a number from 0 to 4, withheld to protect the children concerned.\n")

EXPECTED = {("referrals", "2015/16"): ("answered", 2210.0, "csv row 3 col 2"),
            ("referrals", "2016/17"): ("answered", 2305.0, "csv row 3 col 3"),
            ("referrals", "2017/18"): ("answered", 2417.0, "csv row 3 col 4"),
            ("rereferrals", "2015/16"): ("answered", 512.0, "csv row 4 col 2"),
            ("rereferrals", "2016/17"): ("answered", 498.0, "csv row 4 col 3"),
            ("rereferrals", "2017/18"): ("suppressed", None, "csv row 4 col 4"),
            ("nfa", "2015/16"): ("answered", 77.0, "csv row 5 col 2"),
            ("nfa", "2016/17"): ("answered", 81.0, "csv row 5 col 3"),
            ("nfa", "2017/18"): ("answered", 69.0, "csv row 5 col 4")}


def test_csv_with_a_title_and_notes_is_read_as_csv_whatever_its_delimiter():
    for delimiter in (",", ";", "\t"):
        data = NOTED_CSV.format(d=delimiter).encode()
        assert detect_format(data) == "csv"
        assert delimiter_of(data.decode()) == delimiter
        reading = read_source(data)
        assert stored(reading.tables) == EXPECTED


def test_csv_with_every_field_quoted_and_notes_below():
    text = "".join(",".join(f'"{cell}"' for cell in line.split("|")) + "\r\n" for line in NOTED_CSV.format(
        d="|").splitlines())
    data = b"\xef\xbb\xbf" + text.encode()
    assert detect_format(data) == "csv"
    assert stored(read_source(data).tables) == EXPECTED


def test_a_letter_with_a_few_commas_is_still_text():
    letter = ("Dear Ms Jones,\n"
              "Thank you for your request, which we received on 3 May, about referrals.\n"
              "We hold the information, and it is given below, with notes.\n"
              "Our figures, as before, come from the case system, and may change.\n"
              "Yours sincerely,\n")
    assert detect_format(letter.encode()) == "text"


# ---- tables written one cell per line -------------------------------------------------------

def lines_of(*cells: str) -> str:
    return "Our answer is below.\n\n" + "\n".join(cells) + "\n\nKind regards\n"


def test_cells_holding_sums_of_money_make_a_table():
    assert answer_cell("£1,234.50") and answer_cell("2,210") and not answer_cell("2015/16")
    lines = ["Question", "2015/16", "2016/17", "2017/18",
             "1", "£2,210.00", "£2,305.50", "£2,417.25",
             "2", "£512.00", "£498.00", "£530.75"]
    [grid] = stacked_grids(lines, "body")
    assert grid.rows[2] == ["2", "£512.00", "£498.00", "£530.75"]
    assert grid.locate(2, 3) == "body line 12"
    # these questions ask for counts: a sum of money in their cells goes to a person
    found = body("\n".join(lines))
    assert found[("rereferrals", "2017/18")] == ("needs_review", None, "body line 12")


def test_a_header_of_question_numbers_above_rows_labelled_by_period():
    """The corner is blank (so left out), the header cells are bare numbers:
    they read like figures, only the periods below tell them from a row."""
    text = lines_of("2", "3",
                    "2015/16", "512", "77",
                    "2016/17", "498", "81",
                    "2017/18", "530", "69",
                    "Total", "1,540", "227")
    assert body(text) == {
        ("rereferrals", "2015/16"): ("answered", 512.0, "body line 6"),
        ("rereferrals", "2016/17"): ("answered", 498.0, "body line 9"),
        ("rereferrals", "2017/18"): ("answered", 530.0, "body line 12"),
        ("nfa", "2015/16"): ("answered", 77.0, "body line 7"),
        ("nfa", "2016/17"): ("answered", 81.0, "body line 10"),
        ("nfa", "2017/18"): ("answered", 69.0, "body line 13")}


def test_a_table_of_one_period_is_read_down():
    text = lines_of("Year", "Question 1", "Question 2", "Question 3",
                    "2017/18", "2417", "530", "69")
    assert body(text) == {("referrals", "2017/18"): ("answered", 2417.0, "body line 8"),
                          ("rereferrals", "2017/18"): ("answered", 530.0, "body line 9"),
                          ("nfa", "2017/18"): ("answered", 69.0, "body line 10")}


def test_a_figure_that_looks_like_a_year_is_a_figure_under_financial_years():
    text = lines_of("2015/16", "2016/17", "2017/18",
                    "Referrals", "1987", "2006", "2017",
                    "Re-referrals", "512", "498", "530")
    found = body(text)
    assert [found[("referrals", p)][1] for p in PERIODS] == [1987.0, 2006.0, 2017.0]
    assert found[("referrals", "2016/17")] == ("answered", 2006.0, "body line 8")


def test_a_sentence_above_a_header_is_not_its_corner():
    lines = ["Please see the answers to your questions below.", "2015/16", "2016/17", "2017/18",
             "Referrals", "2210", "2305", "2417", "Re-referrals", "512", "498", "530"]
    [grid] = stacked_grids(lines, "body")
    assert grid.rows[0] == ["", "2015/16", "2016/17", "2017/18"]
    assert grid.rows[1:] == [["Referrals", "2210", "2305", "2417"], ["Re-referrals", "512", "498", "530"]]


def test_a_question_line_before_period_rows_is_not_taken_for_a_row():
    """The rows are labelled by periods: a line of words just above them is text
    (here an echoed question), so the header of numbers is found instead."""
    lines = ["How many referrals were closed with no further action?", "2", "3",
             "2015/16", "512", "77", "2016/17", "498", "81"]
    [grid] = stacked_grids(lines, "body")
    assert grid.rows == [["", "2", "3"], ["2015/16", "512", "77"], ["2016/17", "498", "81"]]


# ---- a table that breaks one figure down, with a Total line ---------------------------------

NOTICES = [Question("issued", number="1", text="The total number of parking penalty notices issued in each year",
                    labels=["Total", "penalty notices"]),
           Question("income", number="2", text="The income from parking penalty notices in each year",
                    labels=["income"])]
BY_KIND = ("Our answer to question 1 is below.\n\n"
           "| Kind | 2015/16 | 2016/17 | 2017/18 |\n"
           "| Bus lane | 40 | 38 | 51 |\n"
           "| PN - penalty notices | 3 | 0 | 2 |\n"
           "| Yellow lines | 120 | 131 | 127 |\n"
           "| Total | 163 | 169 | 180 |\n")


def notices(text: str, questions: list[Question]) -> dict:
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(questions), PERIODS)
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.location, f.confidence >= 0.8)
            for f in found}


def test_the_question_labelled_total_takes_the_total_line_not_the_kind_its_words_match():
    assert notices(BY_KIND, NOTICES) == {
        ("issued", p): ("answered", v, f"body line 7 col {c}", True)
        for p, v, c in zip(PERIODS, (163.0, 169.0, 180.0), (2, 3, 4))}


def test_a_question_asking_for_a_total_matched_to_one_kind_goes_to_a_person():
    unlabelled = [Question(q.id, q.text, q.kind, [label for label in q.labels if label != "Total"], q.number)
                  for q in NOTICES]
    assert notices(BY_KIND, unlabelled) == {
        ("issued", p): ("answered", v, f"body line 5 col {c}", False)
        for p, v, c in zip(PERIODS, (3.0, 0.0, 2.0), (2, 3, 4))}


def test_one_row_of_figures_under_a_header_of_periods_takes_its_question_from_the_title():
    text = ("2. Income\n\n"
            "Figures to the end of October\n\n"
            "2015/16\n\n2016/17\n\n2017/18\n\nTotal\n\n"
            "1,204\n\n998\n\n1,317\n")
    lines = text.splitlines()
    [grid] = stacked_grids(lines, "body")
    assert grid.context == ["2. Income"]
    assert grid.rows == [["Figures to the end of October", "2015/16", "2016/17", "2017/18"],
                         ["Total", "1,204", "998", "1,317"]]
    found = notices(text, NOTICES)
    assert found[("income", "2016/17")] == ("answered", 998.0, "body line 15", True)


def test_space_aligned_header_of_questions_over_one_row_of_one_period():
    text = ("The information requested is below.\n\n"
            "     1. How many referrals did children's social care receive?   2. How many were re-referrals?\n\n"
            "2017/18                                        2417                                     530\n\n"
            "Figures before 2017/18 are not held.\n")
    found = body(text)
    assert found[("referrals", "2017/18")] == ("answered", 2417.0, "body line 5 col 2")
    assert found[("rereferrals", "2017/18")] == ("answered", 530.0, "body line 5 col 3")


def test_pence_in_a_count_send_the_whole_line_to_a_person():
    """Row 1 holds sums of money (one with pence) where a count is asked: the
    line is likely another question's, so none of its figures is settled."""
    assert wrong_kind("46206571.06", "count") and not wrong_kind("46206571.06", "money")
    assert not wrong_kind("3.220", "count")  # '.' grouping thousands is not pence
    text = ("| Question | 2015/16 | 2016/17 | 2017/18 |\n"
            "| 1 | 4437848 | 3612625 | 4620657.06 |\n"
            "| 2 | 512 | 498 | 530 |\n")
    found = notices_like(text)
    assert found[("referrals", "2015/16")] == ("answered", 4437848.0, False)
    assert found[("referrals", "2017/18")] == ("needs_review", None, False)
    assert found[("rereferrals", "2016/17")] == ("answered", 498.0, True)


def notices_like(text: str) -> dict:
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(QUESTIONS), PERIODS)
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.confidence >= 0.8) for f in found}


def test_a_longer_header_with_several_rows_beats_a_table_of_one_row():
    """'Total' could end the header or label a first row; rows numbered 1, 2, 3
    below the longer header settle it."""
    lines = ["Question", "2015/16", "2016/17", "2017/18", "Total",
             "1", "Not recorded", "Not recorded", "Not recorded", "6,932",
             "2", "512", "498", "530", "1,540",
             "3", "77", "81", "69", "227"]
    [grid] = stacked_grids(lines, "body")
    assert grid.rows[0] == ["Question", "2015/16", "2016/17", "2017/18", "Total"]
    assert [row[0] for row in grid.rows[1:]] == ["1", "2", "3"]
    found = notices_like("\n".join(lines))
    assert found[("referrals", "2016/17")] == ("not_held", None, True)
    assert found[("nfa", "2017/18")] == ("answered", 69.0, True)


def test_cells_one_per_line_each_closed_by_a_bar_and_a_bar_alone_for_a_blank_cell():
    """A table copied from a web page: every cell on its own line followed by
    '|'; a line holding only '|' is a cell left blank (its place is kept)."""
    text = ("Our figures are below.\n|\n2015/16 |\n2016/17 |\n"
            "Referrals |\n2,210 |\n|\n"
            "Re-referrals |\n512 |\n498 |\n"
            "Closed with no further action |\n77 |\n81 |\n\nRegards\n")
    found = notices_like(text)
    assert found[("referrals", "2015/16")] == ("answered", 2210.0, True)
    assert found[("referrals", "2016/17")] == ("needs_review", None, True)
    assert found[("rereferrals", "2016/17")] == ("answered", 498.0, True)
    assert found[("nfa", "2015/16")] == ("answered", 77.0, True)


COMPLAINTS = [Question("daytime", number="1", text="How many complaints were about noise in the daytime?",
                       labels=["day"]),
              Question("noise", number="2", text="The number of noise complaints received from residents",
                       labels=["Total", "complaints"])]


def test_a_pipe_header_one_cell_out_of_line_over_rows_labelled_by_period():
    """Each line ends with a bar; the header leaves its last cell blank while
    every dated row fills it: the header lost its corner and moves right. Its
    Total column is question 2's; the kinds adding up to it answer nothing for sure."""
    text = ("Complaint | Day | Night | Total | |\n"
            "2015/16 | Yes | 21 | 14 | 35 |\n"
            "2016/17 | Yes | 20 | 21 | 41 |\n"
            "2017/18 | Yes | 20 | 14 | 34 |\n"
            "Total: | 61 | 49 | 110 |\n")
    [grid] = text_grids(text.splitlines(), "body")
    assert grid.rows[0] == ["", "Complaint", "Day", "Night", "Total"]
    assert grid.rows[1] == ["2015/16", "Yes", "21", "14", "35"]
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(COMPLAINTS), PERIODS)
    totals = {f.period: (f.value.value, f.location, f.confidence >= 0.8) for f in found if f.question_id == "noise"}
    assert totals == {"2015/16": (35.0, "body line 2 col 5", True), "2016/17": (41.0, "body line 3 col 5", True),
                      "2017/18": (34.0, "body line 4 col 5", True)}
    daytime = {f.period: (f.value.value, f.confidence >= 0.8) for f in found if f.question_id == "daytime"}
    assert daytime == {"2015/16": (21.0, False), "2016/17": (20.0, False), "2017/18": (20.0, False)}


def test_a_note_defining_a_symbol_in_a_values_place_goes_to_a_person():
    """A note row out of line lands in a value's place: it says what a symbol hides, not
    what the cell answers, so it is neither a refusal nor a figure."""
    got = body("Year | Referrals | Re-referrals\n"
               "2015/16 | 120 | 14\n"
               "2016/17 | 135 | x = fewer than 5, withheld under section 40(2)\n"
               "2017/18 | 150 | 9\n")
    assert got[("rereferrals", "2016/17")][0] == "needs_review"
    assert got[("rereferrals", "2017/18")][:2] == ("answered", 9.0)
    assert got[("referrals", "2016/17")][:2] == ("answered", 135.0)


# ---- a table's numbered title against a header copied from the table above ------------------

WARDENS = [Question("issued", number="1", text="How many litter penalty notices did your wardens issue in each year?",
                    labels=["Notices issued", "penalty notices"]),
           Question("income", number="2", text="What income did the council receive from litter penalty notices "
                                               "in each year?", labels=["Total income", "income"])]


def copied_header(second_column: list[str]) -> str:
    """Two tables one cell per line, each under a long numbered heading; the second
    table's header repeats the first one's label."""
    cells = ["Year", "Notices issued"]
    return ("1. Litter penalty notices issued by the wardens employed by Fernhollow Borough Council "
            "for dropping litter, graffiti and fly posting\n\n"
            + "\n\n".join([*cells, "2015/16", "31", "2016/17", "412", "2017/18", "57"])
            + "\n\n2. Total income from the litter penalty notices issued by the wardens employed by "
            "Fernhollow Borough Council for dropping litter, graffiti and fly posting\n\n"
            + "\n\n".join([*cells, "2015/16", second_column[0], "2016/17", second_column[1],
                           "2017/18", second_column[2]]) + "\n")


def test_a_long_numbered_heading_is_the_title_of_the_table_below_it():
    lines = copied_header(["£3,100", "£40,950", "£5,700"]).splitlines()
    first, second = stacked_grids(lines, "body")
    assert first.context[0].startswith("1. Litter penalty notices issued")
    assert second.context[0].startswith("2. Total income from")


def test_a_title_naming_another_question_wins_over_a_copied_header_of_the_wrong_kind():
    """The second table's header names the count question, its title (by number and
    label) the income question, and its cells hold sums of money: the title decides."""
    got = notices(copied_header(["£3,100", "£40,950", "£5,700"]), WARDENS)
    assert got == {("issued", "2015/16"): ("answered", 31.0, "body line 9", True),
                   ("issued", "2016/17"): ("answered", 412.0, "body line 13", True),
                   ("issued", "2017/18"): ("answered", 57.0, "body line 17", True),
                   ("income", "2015/16"): ("answered", 3100.0, "body line 27", True),
                   ("income", "2016/17"): ("answered", 40950.0, "body line 31", True),
                   ("income", "2017/18"): ("answered", 5700.0, "body line 35", True)}


def test_a_title_and_a_header_naming_two_questions_over_figures_either_could_hold_go_to_a_person():
    found = extract_values(read_text(copied_header(["3100", "40950", "5700"]).encode(), "body"),
                           QuestionMatcher(WARDENS), PERIODS)
    second = [f for f in found if f.location == "body line 31"]
    assert [(f.question_id, f.value.value, f.confidence <= 0.5) for f in second] == [("issued", 40950.0, True)]
    assert "or question 2 (income) by the table's title" in second[0].note


# ---- loose rows: a wrapped label, a label with a full stop, words before the periods ---------

VISITS = [Question("visits", number="1", text="How many calls did your wardens make in each year?",
                   labels=["Total", "warden calls"]),
          Question("home_spend", number="2", text="How much was paid to contractors for home visits in each year?",
                   labels=["Total paid"])]
LOOSE = ("Warden calls by kind\n\n"
         "Reporting Year 2015/16 2016/17 2017/18\n"
         "Total 1310 1422 1389\n"
         "Home Visits. 1200 1301 1265\n"
         "Office appointments.\n"
         "110 121 124\n\n\n"
         "2. Paid to contractors\n\n"
         "2015/16 £60,125\n"
         "2016/17 £64,380\n"
         "2017/18 £59,900\n")


def test_a_loose_row_whose_label_wraps_and_a_header_with_words_before_its_periods():
    [grid] = loose_grids(LOOSE.splitlines(), "body")
    assert grid.rows == [["Reporting Year", "2015/16", "2016/17", "2017/18"],
                         ["Total", "1310", "1422", "1389"],
                         ["Home Visits.", "1200", "1301", "1265"],
                         ["Office appointments.", "110", "121", "124"]]
    assert grid.row_ids == [3, 4, 5, 7]  # the wrapped row is located on its figures' line


def test_the_question_labelled_total_takes_a_total_line_its_parts_add_up_to():
    """No line's words name the "Total" question; the lines above add up to the Total
    line, so it answers that question, and a part whose words echo another question
    (a money question answered plainly below) does not unsettle that answer."""
    got = notices(LOOSE, VISITS)
    assert {k: v for k, v in got.items() if k[0] == "visits"} == {
        ("visits", p): ("answered", v, f"body line 4 col {c}", True)
        for p, v, c in zip(PERIODS, (1310.0, 1422.0, 1389.0), (2, 3, 4))}
    found = extract_values(read_text(LOOSE.encode(), "body"), QuestionMatcher(VISITS), PERIODS)
    parts = [f for f in found if f.location.startswith("body line 5")]
    assert [(f.question_id, f.value.value, f.confidence) for f in parts] == [
        ("home_spend", v, 0.5) for v in (1200.0, 1301.0, 1265.0)]
    chosen = resolve([(f, None, "file") for f in found], Campaign("v", VISITS, PERIODS, []))
    settled = {(f.question_id, f.period): (f.value.status, f.value.value, f.location) for f, _, _ in chosen}
    assert settled[("home_spend", "2016/17")] == ("answered", 64380.0, "body line 13")
    assert settled[("visits", "2017/18")] == ("answered", 1389.0, "body line 4 col 4")


def test_a_sentence_ending_in_a_full_stop_before_figures_is_no_row():
    lines = ["Reporting Year 2015/16 2016/17 2017/18", "Home visits 1200 1301 1265", "Total 1310 1422 1389",
             "We have rounded the figures where noted. 12 15 18"]
    [grid] = loose_grids(lines, "body")
    assert [row[0] for row in grid.rows] == ["Reporting Year", "Home visits", "Total"]


# ---- figures in days for a question that asks for days ---------------------------------------

STAYS = [Question("placed", number="1", text="How many families were placed in hostels each year?"),
         Question("stay", number="2", text="The average length of time families spent in hostels each year (days)"),
         Question("quick", number="3", text="How many families were moved on within 28 days each year?")]


def test_a_number_of_days_answers_a_question_asking_for_days_and_no_other():
    assert (figure_kind(STAYS[1]), figure_kind(STAYS[2])) == ("days", "count")
    text = ("1. Families placed in hostels:\n2015/16 = 84\n2016/17 = 91\n"
            "2. The average length of time families spent in hostels:\n2015/16 = 143 days\n2016/17 = 12 weeks\n")
    got = notices(text, STAYS)
    assert got[("stay", "2015/16")] == ("answered", 143.0, "body line 5", True)
    assert ("stay", "2016/17") not in got  # weeks, not the days asked for
    assert got[("placed", "2016/17")] == ("answered", 91.0, "body line 3", True)


def test_a_number_of_days_is_no_figure_for_a_count():
    got = notices("3. Families moved on within 28 days:\n2015/16 = 28 days\n2016/17 = 30\n", STAYS)
    assert ("quick", "2015/16") not in got
    assert got[("quick", "2016/17")] == ("answered", 30.0, "body line 3", True)


def test_a_total_line_under_a_title_naming_another_question_is_not_claimed():
    text = ("2. Paid to contractors for home visits\n\n"
            "Reporting Year 2015/16 2016/17 2017/18\n"
            "Fees 1310 1422 1389\n"
            "Mileage 200 301 265\n"
            "Total 1510 1723 1654\n")
    got = notices(text, VISITS)
    assert not any(q == "visits" for q, _ in got)
