"""Row labels, headings and sheet titles that say a question in other words
(issue 15, item 3): matched by the content words they share with the question
and its labels, settled only when one question leads clearly, and put to a
person with both readings when two questions score close."""

from __future__ import annotations

from foi.campaign.spec import Question
from foi.extract.labelwords import content_words, negated_words
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.tables import Table
from foi.language import confidence as sure

HOUSING = [
    Question("temporary", "How many households did the council place in temporary accommodation (TA)?", "count",
             ["households in temporary accommodation"], "1"),
    Question("hotels", "What did the council spend on bed and breakfast hotels for homeless households?", "money",
             ["bed and breakfast spend"], "2"),
    Question("applications", "How many homelessness applications did the council accept?", "count",
             ["homelessness applications accepted"], "3"),
]
PERIODS = ["2022/23", "2023/24"]


def read(tables: list[Table], questions=HOUSING) -> dict[tuple[str, str], tuple[float | None, float, str]]:
    found = extract_values(tables, QuestionMatcher(questions), PERIODS)
    return {(f.question_id, f.period): (f.value.value, f.confidence, f.note or "") for f in found}


def settled(result: dict) -> dict[tuple[str, str], float | None]:
    return {key: value for key, (value, confidence, _) in result.items() if confidence >= sure.REVIEW_BELOW}


def grid(*rows: list[str]) -> Table:
    return Table("grid", "t", [["", "2022/23", "2023/24"], *rows])


def test_the_same_thing_written_differently_meets():
    assert content_words("Closures") == content_words("closed") == content_words("closing")
    assert content_words("referrals") == content_words("referred")
    assert content_words("currently empty") == content_words("current empties")  # an adverb is its adjective
    assert content_words("monthly") == content_words("months") and content_words("supply") == ["supply"]
    assert content_words("re-referrals") != content_words("referrals")
    assert content_words("within twelve months") == content_words("within 12 months") == ["12", "month"]
    assert content_words("Expenditure on travel") == content_words("spend on transport")
    assert set(content_words("Children in the council's care")) == set(content_words("looked after children"))
    # "No." and "No of" are the number sign; "no" before a noun says none
    assert content_words("No. of appeals") == content_words("No of appeals") == content_words("appeals")
    assert "no" in content_words("closed with no further action")


def test_paraphrased_rows_go_to_their_questions_and_are_settled():
    result = read([grid(["Families placed in TA", "410", "455"],
                        ["Cost of B&B hotels", "£120,000", "£98,500"],
                        ["Applications from homeless people accepted", "1,210", "1,304"])])
    assert settled(result) == {("temporary", "2022/23"): 410.0, ("temporary", "2023/24"): 455.0,
                               ("hotels", "2022/23"): 120000.0, ("hotels", "2023/24"): 98500.0,
                               ("applications", "2022/23"): 1210.0, ("applications", "2023/24"): 1304.0}
    assert all("well ahead of any other question" in note for key, (_, _, note) in result.items()
               if key[0] != "hotels")


def test_a_label_two_questions_share_goes_to_review_with_both_readings():
    questions = [
        Question("temporary", "How many households were placed in temporary accommodation?", "count", [], "1"),
        Question("hostels", "How many households were placed in hostel accommodation?", "count", [], "2"),
    ]
    result = read([grid(["Households placed in accommodation", "40", "44"])], questions)
    assert settled(result) == {}
    assert {value for value, _, _ in result.values()} == {40.0, 44.0}
    assert all("or question" in note and "check" in note for _, _, note in result.values())


def test_two_rows_torn_between_the_same_two_questions_both_go_to_review():
    # each row could be either question: taking them together decides nothing
    questions = [
        Question("temporary", "How many households were placed in temporary accommodation?", "count", [], "1"),
        Question("hostels", "How many households were placed in hostel accommodation?", "count", [], "2"),
    ]
    result = read([grid(["Households placed in accommodation (a)", "40", "44"],
                        ["Households placed in accommodation (b)", "50", "55"])], questions)
    assert result and settled(result) == {}


def test_a_row_whose_rival_another_row_holds_by_name_is_settled():
    result = read([grid(["Households in temporary accommodation", "410", "455"],
                        ["Bed and breakfast spend", "120000", "98500"],
                        ["Accepted as homeless", "1210", "1304"])])
    assert settled(result)[("applications", "2022/23")] == 1210.0


def test_a_row_sharing_few_words_with_any_question_is_not_settled():
    result = read([grid(["Households in temporary accommodation", "410", "455"],
                        ["Rough sleepers counted on one night", "12", "15"])])
    assert ("temporary", "2022/23") in settled(result)
    assert not any(key[0] != "temporary" for key in settled(result))


def sheet(name: str, title: str, values: tuple[str, str]) -> Table:
    return Table("sheet", name, [[title], ["Year", "Number"], ["2022/23", values[0]], ["2023/24", values[1]]])


def test_a_sheet_title_torn_between_two_questions_goes_to_the_one_no_other_title_holds():
    questions = [
        Question("temporary", "How many households were placed in temporary accommodation?", "count",
                 ["households in temporary accommodation"], "1"),
        Question("hostels", "How many households were placed in hostel accommodation?", "count",
                 ["households in hostels"], "2"),
    ]
    tables = [sheet("Sheet1", "Households in temporary accommodation", ("11", "12")),
              sheet("Sheet2", "Households placed in accommodation", ("21", "22"))]
    assert settled(read(tables, questions)) == {
        ("temporary", "2022/23"): 11.0, ("temporary", "2023/24"): 12.0,
        ("hostels", "2022/23"): 21.0, ("hostels", "2023/24"): 22.0}


def test_a_short_heading_in_other_words_names_its_question():
    matcher = QuestionMatcher(HOUSING)
    heading = matcher.match("Families placed in TA")
    assert heading is not None and (heading.question.id, heading.confidence) == ("temporary", sure.BY_WORDS)
    # a sentence with figures is not a heading: its words alone settle nothing
    sentence = matcher.match("Families placed in TA numbered 410 and 455")
    assert sentence is None or sentence.confidence < sure.REVIEW_BELOW


def test_a_label_inside_another_questions_longer_label_names_the_longer_one():
    questions = [
        Question("parks", "What did the council spend on parks maintenance?", "money", ["Parks"], "1"),
        Question("play", "What did the council spend on parks play equipment?", "money", ["Parks play equipment"], "2"),
    ]
    result = read([grid(["Parks play equipment", "5,000", "6,000"])], questions)
    assert settled(result) == {("play", "2022/23"): 5000.0, ("play", "2023/24"): 6000.0}


def test_a_quoted_question_naming_another_question_is_its_own_question():
    questions = [
        Question("evicted", "How many households did the council evict?", "count", [], "1"),
        Question("rehoused", "Of the households in question 1, how many did the council later rehouse?", "count",
                 [], "2"),
    ]
    matcher = QuestionMatcher(questions)
    quoted = matcher.match("Of the households in question 1, how many did the council later rehouse?")
    assert quoted is not None and (quoted.question.id, quoted.confidence) == ("rehoused", 0.95)
    assert matcher.named_in("Of the households in question 1, how many did the council later rehouse?") is None
    named = matcher.named_in("The figure for question 1 is not held.")
    assert named is not None and named.question.id == "evicted"


def test_in_care_is_looked_after_but_not_in_care_homes():
    assert set(content_words("Number of children in care")) == set(content_words("number of children looked after"))
    assert "look" not in content_words("Residents in care homes")


def test_a_label_with_words_of_two_questions_goes_to_review_naming_both():
    questions = [
        Question("temporary", "How many households were placed in temporary accommodation?", "count", [], "1"),
        Question("hostels", "How many households were placed in hostel accommodation by the council?", "count",
                 [], "2"),
    ]
    # the label names both kinds of accommodation
    result = read([grid(["Households placed in temporary or hostel accommodation", "40", "44"])], questions)
    assert settled(result) == {}
    assert {key[0] for key in result} == {"temporary"}
    assert all("or question 2 (hostels)" in note and "check" in note for _, _, note in result.values())


def test_a_not_about_holding_the_information_leaves_no_words_out():
    """"We do not hold the cost of hotel stays" says nothing against a question about that cost;
    "closed with no referral" leaves the referral out."""
    assert negated_words("We do not hold the cost of hotel stays separately") == set()
    assert negated_words("There are no records of the cost of hotel stays") == set()
    assert negated_words("Assessments closed with no referral to early help") == {"refer", "early", "help"}
