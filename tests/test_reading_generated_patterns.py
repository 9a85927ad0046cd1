"""Layouts and wordings the reply generator (bench/replygen) showed foi misreading,
written here in invented councils' words: a label that asks the opposite of a
question's "no ...", a council's name sharing letters with a question word, an
opening sentence naming the request's subject, and a note under a one-period
table."""

from __future__ import annotations

from foi.campaign.spec import Question
from foi.extract.delimited import read_csv
from foi.extract.found import ALL_PERIODS
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.read import read_source
from foi.extract.tables import Table
from foi.extract.text import read_text
from foi.extract.values import parse_value
from foi.language import confidence as sure
from foi.triage.classify import classify_text

REHOUSING = [
    Question("unsupported", "How many households were rehoused with no tenancy support package and no "
             "floating support worker?", "count", ["rehoused without support"], "1"),
    Question("supported", "How many households were rehoused with a tenancy support package?", "count",
             ["rehoused with support"], "2"),
    Question("returned", "Of the households counted in question 1, how many returned to the housing register "
             "within 6 months?", "count", ["returned to the register"], "3"),
]
PERIODS = ["2022/23", "2023/24"]


def read(tables: list[Table], questions=REHOUSING) -> dict[tuple[str, str], tuple[object, float, str]]:
    found = extract_values(tables, QuestionMatcher(questions), PERIODS)
    return {(f.question_id, f.period): (f.value.value if f.value.status == "answered" else f.value.status,
                                        f.confidence, f.note or "") for f in found}


def settled(result: dict) -> dict[tuple[str, str], object]:
    return {key: value for key, (value, confidence, _) in result.items() if confidence >= sure.REVIEW_BELOW}


def body(text: str) -> list[Table]:
    return read_text(text.encode(), "body")


def test_a_label_asking_what_a_question_leaves_out_names_the_other_question():
    # the first question's words include "no ... floating support": a label with that
    # support is the second question, however many words it shares with the first
    result = read(body("Rehousings with a tenancy support package\n2022/23 - 310\n2023/24 - 344\n"))
    assert settled(result) == {("supported", "2022/23"): 310.0, ("supported", "2023/24"): 344.0}
    result = read(body("Households rehoused (no tenancy support package)\n2022/23 - 95\n2023/24 - 102\n"))
    assert settled(result) == {("unsupported", "2022/23"): 95.0, ("unsupported", "2023/24"): 102.0}


def test_a_councils_name_is_not_a_question_sharing_its_first_letters():
    # "County" is not a form of "counted" (the third question's words)
    matcher = QuestionMatcher(REHOUSING)
    assert matcher.match("Wexcombe County Council") is None


def test_a_periods_not_held_sentence_after_an_opening_naming_the_subject_is_of_every_question():
    # the opening names the request's subject (the second question's label among its words);
    # the sentence on earlier years is said of no one question, so of each of them
    result = read(body("Dear Requester,\n\nThank you for your request about households rehoused with support.\n\n"
                       "Please find the figures attached.\n\n"
                       "We do not hold data for the years before 2023/24.\n\n"
                       "Housing Options Team\nWexcombe County Council\n"))
    assert {key: value for key, (value, _, _) in result.items()} == {(ALL_PERIODS, "2022/23"): "not_held"}
    assert result[(ALL_PERIODS, "2022/23")][1] == sure.PERIODS_STATED


def test_a_note_under_a_one_period_sheet_does_not_turn_the_table():
    # periods down the first column, one period, a total and a note in the same column:
    # the figure beside the period is the titled question's, the note quotes "<5" only
    sheet = Table("sheet", "Sheet3", [
        ["Of the households counted in question 1, how many returned to the housing register within 6 months?", ""],
        ["Year", "Total"],
        ["2023/24", "57"],
        ["Total", "57"],
        ["Counts under 5 appear as <5 to protect tenants, under section 40(2) of the Act.", ""],
    ])
    assert settled(read([sheet])) == {("returned", "2023/24"): 57.0}


def test_a_sum_wrapped_inside_a_narrow_cell_is_read_whole():
    # a PDF column too narrow for the figure breaks it over two lines
    assert parse_value("£31,408,115.6\n8", "money").value == 31408115.68
    assert parse_value("4,31\n7", "count").value == 4317.0
    # two whole figures in one cell are not joined into a third
    assert parse_value("1,204\n96", "count").status == "needs_review"


def test_a_request_declared_vexatious_and_not_complied_with_is_a_refusal():
    # the standard paragraph on exemptions before it hedges; the decision itself does not
    fresh = ("Dear Requester,\n\nSome information may be exempt from disclosure, for example personal data "
             "(section 40); each request is weighed on its merits.\n\n"
             "Having regard to the number of near-identical requests you have sent, the authority regards this "
             "request as vexatious under section 14(1) and will not be complying with it.\n\n"
             "Records Team\nWexcombe County Council\n")
    result = classify_text("RE: Freedom of Information request", fresh, [])
    assert (result.kind, result.details.get("sections")) == ("refusal", ["s.14(1)"])


def test_a_semicolon_file_with_commas_in_its_totals_and_note_is_read_by_semicolons():
    data = (b"Measure;2022/23;2023/24;Total\n"
            b"Question 1;2950;3012;5,962\n"
            b"Question 2;870;911;1,781\n"
            b"Question 3;140;166;306\n"
            b"Counts under 5 appear as <5, under section 40(2) of the Act.\n")
    assert settled(read(read_csv(data))) == {
        ("unsupported", "2022/23"): 2950.0, ("unsupported", "2023/24"): 3012.0,
        ("supported", "2022/23"): 870.0, ("supported", "2023/24"): 911.0,
        ("returned", "2022/23"): 140.0, ("returned", "2023/24"): 166.0}


def test_figures_given_respectively_for_years_ending_in_a_month():
    result = read(body("Rehousings with a tenancy support package\n"
                       "The numbers rehoused with support were nil and * for Year ending March 2023 and "
                       "Year ending March 2024 respectively.\n"))
    assert {key: value for key, (value, _, _) in result.items()} == {
        ("supported", "2022/23"): 0.0, ("supported", "2023/24"): "suppressed"}


def test_a_count_that_reads_as_a_year_after_there_were_is_the_periods_figure():
    result = read(body("Rehousings with a tenancy support package\n"
                       "In 2022/23 there were 1987 households rehoused with support, 2004 in 2023/24.\n"))
    assert settled(result) == {("supported", "2022/23"): 1987.0, ("supported", "2023/24"): 2004.0}


def test_a_word_for_nothing_just_before_its_period_is_that_periods_zero():
    result = read(body("Rehousings with a tenancy support package\n"
                       "There were x households rehoused with support in the year ending March 2022, "
                       "Nil in the year ending March 2023 and seven in the year ending March 2024.\n"))
    assert settled(result) == {("supported", "2022/23"): 0.0, ("supported", "2023/24"): 7.0}


def stacked(*cells: str) -> list[Table]:
    """A reply body holding a table written one cell per line, after a greeting."""
    return body("Dear Requester,\n\nHere is our answer.\n\n" + "\n".join(cells) + "\n\nHousing Options Team\n")


def test_a_table_one_cell_per_line_after_a_greeting_keeps_its_blank_corner():
    # the greeting and the opening lines are short too, but they are sentences, not header cells
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    tables = body("Dear Requester,\n\nWe refer to your email of 2 May 2024 on rehousing.\n\nOur answer follows.\n\n\n"
                  + "\n".join(periods + ["1", "2766", "2636", "2828", "2899", "3060", "2", "7", "5", "7", "5", "6",
                                          "3", "295", "301", "256", "278", "270"]) + "\n\nHousing Options Team\n")
    found = extract_values(tables, QuestionMatcher(REHOUSING), periods)
    settled_values = {(f.question_id, f.period): f.value.value for f in found if f.confidence >= sure.REVIEW_BELOW}
    assert settled_values == {**{("unsupported", p): v for p, v in zip(periods, [2766, 2636, 2828, 2899, 3060])},
                              **{("supported", p): v for p, v in zip(periods, [7, 5, 7, 5, 6])},
                              **{("returned", p): v for p, v in zip(periods, [295, 301, 256, 278, 270])}}


def test_a_corner_word_over_question_numbers_and_figures_that_read_as_years():
    result = read(stacked("Financial year", "1", "2", "3",
                          "April 2022 - March 2023", "1984", "870", "140",
                          "April 2023 - March 2024", "2011", "911", "166"))
    assert settled(result) == {
        ("unsupported", "2022/23"): 1984.0, ("unsupported", "2023/24"): 2011.0,
        ("supported", "2022/23"): 870.0, ("supported", "2023/24"): 911.0,
        ("returned", "2022/23"): 140.0, ("returned", "2023/24"): 166.0}


def test_rows_labelled_by_year_hold_figures_that_read_as_years():
    questions = [Question("placed", "How many children were placed with foster carers as at 31 March?", "count",
                          ["children placed with foster carers"], "1"),
                 Question("carers", "How many foster carers were approved as at 31 March?", "count",
                          ["approved foster carers"], "2")]
    tables = stacked("As at", "Children placed with foster carers", "Approved foster carers",
                     "2023", "2061", "540", "2024", "1998", "1950")
    found = extract_values(tables, QuestionMatcher(questions), ["2023", "2024"])
    assert {(f.question_id, f.period): f.value.value for f in found if f.confidence >= sure.REVIEW_BELOW} == {
        ("placed", "2023"): 2061.0, ("placed", "2024"): 1998.0, ("carers", "2023"): 540.0, ("carers", "2024"): 1950.0}


def test_rows_labelled_by_question_under_a_year_hold_figures_that_read_as_years():
    tables = stacked("Measure", "2024", "Q1", "1987", "Q2", "557", "Q3", "fewer than 5")
    found = extract_values(tables, QuestionMatcher(REHOUSING), ["2023", "2024"])
    assert {(f.question_id, f.period): (f.value.status, f.value.value) for f in found
            if f.confidence >= sure.REVIEW_BELOW} == {
        ("unsupported", "2024"): ("answered", 1987.0), ("supported", "2024"): ("answered", 557.0),
        ("returned", "2024"): ("suppressed", None)}


def test_a_semicolon_file_with_a_thousands_comma_in_every_row_is_read_by_semicolons():
    data = (b"Period;1. Rehoused with no support package;2. Rehoused with support;3. Of those in question 1, how many "
            b"returned to the register?\n"
            b"2020/21;1,302;<5;101\n"
            b"2021/22;1,288;6;96\n"
            b"2022/23;1,224;<5;99\n"
            b"2023/24;1,257;Zero;127\n"
            b"Counts under 5 appear as <5, under section 40(2) of the Act.\n")
    assert read_source(data).format == "csv"
    assert {key: value for key, (value, confidence, _) in read(read_source(data).tables).items()
            if confidence >= sure.REVIEW_BELOW} == {
        ("unsupported", "2022/23"): 1224.0, ("unsupported", "2023/24"): 1257.0,
        ("supported", "2022/23"): "suppressed", ("supported", "2023/24"): 0.0,
        ("returned", "2022/23"): 99.0, ("returned", "2023/24"): 127.0}


def test_a_csv_of_a_header_and_one_row_above_quoted_notes_is_a_table():
    data = (b',Rehoused without support,Rehoused with support,Returned to the register\n'
            b'2023/24,"2,085",310,41\n'
            b'"Source: housing register, extract of 3 May 2024."\n'
            b'"Rates per 1,000 households are not held in this format."\n')
    reading = read_source(data)
    assert reading.format == "csv"
    assert settled(read(reading.tables)) == {("unsupported", "2023/24"): 2085.0, ("supported", "2023/24"): 310.0,
                                             ("returned", "2023/24"): 41.0}


def test_a_year_then_a_dash_and_a_four_figure_count_is_a_year_and_its_figure():
    questions = [Question("placed", "How many children were placed with foster carers as at 31 March?", "count",
                          ["placed with foster carers"], "1")]
    tables = body("Our answers are below.\n\nPlaced with foster carers\n2023 - 1627\n2024 - 1418\n")
    found = extract_values(tables, QuestionMatcher(questions), ["2023", "2024"])
    assert {(f.question_id, f.period): f.value.value for f in found if f.confidence >= sure.REVIEW_BELOW} == {
        ("placed", "2023"): 1627.0, ("placed", "2024"): 1418.0}


def test_the_figure_was_a_number_that_reads_as_a_year():
    result = read(body("Rehousings with a tenancy support package\n"
                       "In 2022/23 the figure was 1986. In 2023/24 the figure was 2004.\n"))
    assert settled(result) == {("supported", "2022/23"): 1986.0, ("supported", "2023/24"): 2004.0}


def test_a_tab_file_of_sums_with_thousands_commas_is_read_by_tabs():
    periods = ["2020/21", "2021/22", "2022/23", "2023/24"]
    data = ("\ti\tii\tiii\n"
            "2020/21\t£31,622,310.00\t£9,930,001.50\t4\n"
            "2021/22\t£33,107,444.90\t£10,004,127.00\t7\n"
            "2022/23\t£36,047,945.20\t£10,830,794.13\t6\n"
            "2023/24\t£35,752,523.71\t£11,278,083.35\t8\n").encode()
    questions = [Question("spend", "What did the council spend on rehousing?", "money", [], "1"),
                 Question("hotels", "Of that, what was spent on hotels?", "money", [], "2"),
                 Question("moves", "How many households moved out of area?", "count", [], "3")]
    found = extract_values(read_source(data).tables, QuestionMatcher(questions), periods)
    values = {(f.question_id, f.period): f.value.value for f in found if f.confidence >= sure.REVIEW_BELOW}
    assert values == {**{("spend", p): v for p, v in zip(periods, [31622310.0, 33107444.9, 36047945.2, 35752523.71])},
                      **{("hotels", p): v for p, v in zip(periods, [9930001.5, 10004127.0, 10830794.13, 11278083.35])},
                      **{("moves", p): v for p, v in zip(periods, [4.0, 7.0, 6.0, 8.0])}}


def test_a_ruled_pdf_table_is_read_as_its_grid_not_again_as_page_text():
    # the page text repeats the table's rows ("Q1 310"): read as sentences they would put
    # a figure with no period to a person for the year the table does not give
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Wexcombe County Council\nFreedom of Information Act 2000 - response")
    pdf.ln(4)
    with pdf.table() as table:
        for cells in (["Question", "2023/24"], ["Q1", "310"], ["Q2", "95"], ["Q3", "41"]):
            row = table.row()
            for text in cells:
                row.cell(text)
    found = extract_values(read_source(bytes(pdf.output())).tables, QuestionMatcher(REHOUSING), PERIODS)
    assert sorted((f.question_id, f.period, f.value.value, f.location) for f in found) == [
        ("returned", "2023/24", 41.0, "page 1 table 1 row 4 col 2"),
        ("supported", "2023/24", 95.0, "page 1 table 1 row 3 col 2"),
        ("unsupported", "2023/24", 310.0, "page 1 table 1 row 2 col 2")]


def test_columns_headed_by_question_over_rows_labelled_by_year():
    # "Question 1" heads a column here; the rows are the years, whose labels stay periods
    tables = stacked("", "Question 1", "Question 2", "2023", "1,341", "411", "2024", "1,497", "420")
    found = extract_values(tables, QuestionMatcher(REHOUSING), ["2023", "2024"])
    assert {(f.question_id, f.period): f.value.value for f in found if f.confidence >= sure.REVIEW_BELOW} == {
        ("unsupported", "2023"): 1341.0, ("unsupported", "2024"): 1497.0,
        ("supported", "2023"): 411.0, ("supported", "2024"): 420.0}


def test_a_numbered_not_held_sentence_keeps_its_question_whatever_its_not_says():
    # "we do not have separate costs" is about holding the figure, not a label leaving costs out
    questions = [Question("reports", "How many graffiti incidents were reported to you in each year?", "count",
                          ["incidents"], "1"),
                 Question("cost", "How much did it cost in each year to clean and remove graffiti?", "money",
                          ["cost"], "2")]
    tables = body("1. 2022/23 388\n2023/24 402\n\n2. Not held. Graffiti is cleaned in routine street sweeping, "
                  "so we do not have any separate costs for cleaning or removing graffiti incidents.\n")
    found = extract_values(tables, QuestionMatcher(questions), PERIODS)
    assert {(f.question_id, f.period): (f.value.status, f.confidence >= sure.REVIEW_BELOW) for f in found} == {
        ("reports", "2022/23"): ("answered", True), ("reports", "2023/24"): ("answered", True),
        ("cost", ALL_PERIODS): ("not_held", True)}
