"""What a reply says of whole questions or periods: refused (with the section), not held,
or nothing at all. A blanket statement covers only what the reply leaves unanswered;
explicit figures win; statements that disagree go to a person; our own questions echoed
back, headings and decisions reported from before decide nothing."""

from __future__ import annotations

from datetime import date

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.run import WHOLE_OUTCOME, Campaign, resolve
from foi.extract.spans import periods_in_span, spans_in, written_day
from foi.extract.statements import find_statements
from foi.extract.text import read_text
from foi.triage.classify import classify_text

PERIODS = ["2019/20", "2020/21", "2021/22"]
QUESTIONS = [
    Question("visits", number="1", text="How many home visits did the outreach team make?", labels=["home visits"]),
    Question("cancelled", number="2", text="How many home visits were cancelled by the council?",
             labels=["cancelled visits"]),
    Question("complaints", number="3", text="How many complaints about the outreach team were received?",
             labels=["complaints"]),
]


def kind(text: str) -> str:
    return classify_text("", text, []).kind


def reply(text: str, questions: list[Question] = QUESTIONS, periods: list[str] = PERIODS) -> dict:
    """(question, period) -> (status, value, section) as stored, the message classified as the
    pipeline classifies it."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(questions), periods)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("outreach", questions, periods, []),
                     WHOLE_OUTCOME.get(kind(text)))
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.value.section) for f, _, _ in chosen}


def every(status: str, section: str | None = None, questions: list[Question] = QUESTIONS) -> dict:
    return {(q.id, p): (status, None, section) for q in questions for p in PERIODS}


# ------------------------------------------------------------ periods stated not held

def test_periods_before_the_one_named_are_not_held_for_every_question_answered():
    text = ("Q1 home visits\n2021/22: 412\n\nQ2 cancelled visits\n2021/22: 37\n\n"
            "Records before 2021/22 are not held: the team started its present log in 2021/22.\n")
    found = reply(text)
    for question in ("visits", "cancelled"):
        assert found[(question, "2019/20")] == ("not_held", None, None)
        assert found[(question, "2020/21")] == ("not_held", None, None)
    assert found[("visits", "2021/22")] == ("answered", 412.0, None)
    assert found[("cancelled", "2021/22")] == ("answered", 37.0, None)
    # nothing is given for Q3: the sentence is not taken to speak for it
    assert not any(q == "complaints" for q, _ in found)


def test_a_figure_for_a_period_beats_the_periods_stated_not_held():
    text = ("Q1 home visits\n2020/21: 380\n2021/22: 412\n\nQ2 cancelled visits\n2021/22: 37\n\n"
            "We only hold data for the years from 2021/22; we do not hold data for the years before 2021/22.\n")
    found = reply(text)
    assert found[("visits", "2020/21")] == ("answered", 380.0, None)
    assert found[("visits", "2019/20")] == ("not_held", None, None)
    assert found[("cancelled", "2020/21")] == ("not_held", None, None)


# ------------------------------------------------------------ cost refusals

def test_not_recorded_in_a_reportable_way_beside_the_cost_limit_is_a_cost_refusal():
    text = ("Sadly the council does not record visits in a way that it can report on. Counting them would mean "
            "opening some 3,100 case notes one at a time, which would go beyond the cost limit, so we cannot "
            "comply with your request.\n")
    assert kind(text) == "refusal"
    assert reply(text) == every("refused", "s.12")


def test_not_held_on_one_system_beside_a_cost_refusal_in_its_paragraph_is_its_reasoning():
    text = ("Our visiting rota records every visit made, but cancelled visits are not recorded on that system. "
            "Finding them in the older diaries would exceed the appropriate limit, so this part of your "
            "request is refused under section 12.\n")
    stated = [s for row in find_statements(text.splitlines()).values() for s in row]
    assert [(s.status, s.section) for s in stated] == [("refused", "s.12")]
    assert kind(text) == "refusal"


def test_without_a_manual_search_the_not_held_words_are_not_a_not_held():
    text = ("As we do not log the reason a visit was cancelled, we could not give this without a manual search "
            "of every diary.\n")
    assert find_statements(text.splitlines()) == {}


# ------------------------------------------------------------ not statements

def test_our_question_echoed_back_is_no_refusal_and_no_not_held():
    text = ("You asked:\n"
            "- How many home visits were refused by the family when offered?\n"
            "Please provide the figures held by your local authority for each year.\n")
    assert find_statements(text.splitlines()) == {}
    assert kind(text) not in ("refusal", "not_held")


def test_a_heading_naming_a_notice_decides_nothing_the_line_under_it_does():
    assert find_statements(["REFUSAL NOTICE"]) == {}
    stated = find_statements(["Refusal Notice", "s12 (cost of compliance exceeds the appropriate limit)"])
    assert [(s.status, s.section) for row in stated.values() for s in row] == [("refused", "s.12")]


def test_rows_of_a_delimited_file_are_not_running_text():
    lines = ["Item,2019/20,2020/21,2021/22", "Home visits,£1200.50,£1300.75,£1400.25",
             "Rates per 1,000 residents are not held in this format, sorry"]
    assert set(find_statements(lines)) == {2}


# ------------------------------------------------------------ decisions reported from before

def test_a_review_that_finds_nothing_held_is_not_the_earlier_refusal():
    text = ("You asked for a review of our refusal of your request for figures on home visits.\n\n"
            "In our previous response we advised you that we were refusing the request under section 12, as "
            "it would exceed the cost limit.\n\n"
            "Having looked again, I have found that the council does not hold the information you requested.\n")
    assert kind(text) == "not_held"
    assert reply(text) == every("not_held")


def test_a_review_that_only_restates_the_earlier_refusal_still_refuses():
    text = "In our previous response we advised you that the request was refused under section 12.\n"
    assert kind(text) == "refusal"
    assert reply(text) == every("refused", "s.12")


# ------------------------------------------------------------ to a person, never settled

def test_a_statement_under_a_sub_label_is_put_to_a_person():
    text = "1. Home visits\n2021/22: 412\na) The reason for each visit is not recorded by the team.\n"
    found = reply(text, QUESTIONS[:1])
    assert found[("visits", "2021/22")] == ("answered", 412.0, None)
    assert found[("visits", "2019/20")][0] == "needs_review"


def test_a_figure_beats_a_statement_of_its_question_for_the_period_it_gives():
    text = ("2. We do not hold a count of cancelled visits for every year (the current year is not available).\n"
            "2021/22: 37\n")
    found = reply(text)
    assert found[("cancelled", "2021/22")] == ("answered", 37.0, None)
    assert found[("cancelled", "2019/20")] == ("not_held", None, None)


def test_two_statements_of_one_question_that_disagree_go_to_a_person():
    text = "Question 2: this information is not held.\nQuestion 2: the figures are withheld under section 40(2).\n"
    found = reply(text)
    assert {found[("cancelled", p)][0] for p in PERIODS} == {"needs_review"}
    assert not any(q != "cancelled" for q, _ in found)


def test_another_body_that_does_the_work_holds_it():
    text = "The council does not carry out these visits; they would be made by the county council.\n"
    assert kind(text) == "not_held"
    assert reply(text) == every("not_held")


# ------------------------------------------------------------ refusals read as answers

def test_a_cost_refusal_under_our_echoed_questions_is_a_refusal():
    text = ("You asked:\n"
            "1. Please state the number of home visits made by the outreach team.\n"
            "2. Please provide a breakdown by ward.\n"
            "In response:\n"
            "The information is held, however it cannot be disclosed. A search returned 2,310 visit notes; at "
            "4 minutes per note this would take over 150 hours, therefore section 12(1) applies.\n")
    assert kind(text) == "refusal"
    assert reply(text, QUESTIONS[:1]) == every("refused", "s.12(1)", QUESTIONS[:1])


def test_a_review_letter_headed_with_the_refusal_it_reviews_can_find_nothing_held():
    text = ("Internal Review - Refusal under Section 12\n\n"
            "Having looked again, I find that we do not, in any event, hold the information you asked for.\n")
    assert kind(text) == "not_held"
    assert reply(text) == every("not_held")


def test_long_sums_of_money_in_a_plain_table_are_figures_not_phone_numbers():
    text = ("The information requested is below.\n\n"
            "Year        (a)           (b)\n"
            "2020/21     13633937.26   7253397.69\n"
            "2021/22     16360870.00   8102632.87\n\n"
            "Information Governance, telephone 01632 960123\n")
    assert kind(text) == "answer"


def test_refusals_the_request_asks_about_are_not_refusals_of_it():
    assert find_statements(["The panel may refuse an application where the site is unsafe, and there is no duty "
                            "to warn applicants of the intention to refuse an application."]) == {}
    assert find_statements(["- Where a home visit is refused by the family, what happens next"]) == {}
    text = "There is no written procedure for visits refused by the family, so this information is not held.\n"
    assert kind(text) == "not_held"


def test_documents_released_with_personal_data_redacted_are_an_answer_in_part():
    text = ("Names of junior officers have been redacted from the attached emails under regulation 13 of the "
            "EIR. The remaining notes are withheld under regulation 12(4)(e) as internal communications.\n")
    assert kind(text) == "answer_partial"
    text = "The visits for 2023 onwards are listed on the attached file; earlier ones are refused under section 12.\n"
    assert kind(text) == "answer_partial"


def test_a_snapshot_period_bounded_by_before_is_not_itself_not_held():
    text = ("Q1 home visits\nAs at 31.03.22: 412\n\nQ2 cancelled visits\nAs at 31.03.22: 37\n\n"
            "Figures before as at 31.03.22 are not held: the log began as at 31.03.22.\n")
    found = reply(text, periods=["2020", "2021", "2022"])
    assert found[("visits", "2022")] == ("answered", 412.0, None)
    assert found[("cancelled", "2022")] == ("answered", 37.0, None)
    assert found[("visits", "2021")] == ("not_held", None, None)


def test_empty_numbered_lines_are_no_answer_figures():
    text = ("In response:\n1)\n2)\n3)\n"
            "The information is held, however it cannot be disclosed: reading every visit note would far "
            "exceed the appropriate limit.\n")
    assert kind(text) == "refusal"


def test_a_part_of_the_request_refused_is_not_the_whole_request():
    [[said]] = find_statements(["This part of your request is refused under section 12."]).values()
    assert (said.status, said.section, said.whole) == ("refused", "s.12", False)
    [[said]] = find_statements(["Your request is refused under section 12."]).values()
    assert said.whole


def test_our_title_echoed_in_a_reply_subject_refuses_nothing():
    text = "There is no written procedure for this, so the information is not held.\n"
    assert classify_text("RE: Freedom of Information request: Visits refused [OUT-1]", text, []).kind == "not_held"


def test_periods_not_held_after_our_questions_listed_back_are_of_them_all():
    """Our questions repeated as a list, then a paragraph on the years held: it is said of
    every question, not only of the last one listed."""
    text = ("You asked:\n\n"
            "1. How many home visits did the outreach team make?\n"
            "2. How many home visits were cancelled by the council?\n"
            "3. How many complaints about the outreach team were received?\n\n"
            "Our answers are in the attached spreadsheet.\n\n"
            "Figures before 2021/22 are not held, as the service changed its recording system that year.\n")
    got = reply(text)
    for question in QUESTIONS:
        assert got[(question.id, "2019/20")][0] == "not_held", question.id
        assert got[(question.id, "2020/21")][0] == "not_held", question.id
        assert (question.id, "2021/22") not in got


def test_a_day_in_a_refusal_dates_an_event_and_limits_nothing():
    """Calendar-year periods, and a refusal that mentions the day of an earlier request."""
    periods = ["2022", "2023", "2024"]
    text = ("We are refusing this request under section 14(2): it repeats a request you made on "
            "12 January 2024, which we answered.\n")
    got = reply(text, periods=periods)
    assert got == {(q.id, p): ("refused", None, "s.14(2)") for q in QUESTIONS for p in periods}


def test_a_question_answered_only_by_a_pointer_to_published_data_is_refused_under_s21():
    text = ("1. This information can be found on: https://www.example.gov.uk/outreach/statistics\n\n"
            "2. 12 in 2019/20, 15 in 2020/21 and 9 in 2021/22.\n")
    got = reply(text)
    assert {got[("visits", p)] for p in PERIODS} == {("refused", None, "s.21")}
    assert got[("cancelled", "2020/21")] == ("answered", 15.0, None)
    assert kind(text) == "answer_partial"


def test_figures_available_below_or_attached_are_no_pointer():
    for text in ("1. The data you requested is available from the table below.\n",
                 "1. The figures are available in the attached spreadsheet.\n"):
        assert not any(status == "refused" for status, _, _ in reply(text).values()), text


# ------------------------------------------------------------ statements placed on the right questions

SINGLE = ["2021"]


def test_a_regulation_cited_after_under_is_no_small_number():
    text = ("1. We do not keep this information on any system and we give notice under 12(4)(a) of the EIR.\n"
            "2. 57\n")
    got = reply(text, periods=SINGLE)
    assert got[("visits", "2021")] == ("not_held", None, None)
    assert got[("cancelled", "2021")] == ("answered", 57.0, None)


def test_a_figure_offered_after_its_question_is_said_not_held_goes_to_a_person():
    text = ("1. 412\n"
            "2. We do not record this information in our Business Rates system or the visiting rota.\n"
            "However, an indication can be taken from the paper diary, which shows that 57 home visits were "
            "cancelled in 2021.\n")
    got = reply(text, periods=SINGLE)
    assert got[("visits", "2021")] == ("answered", 412.0, None)
    assert got[("cancelled", "2021")][0] == "needs_review"


def test_a_relief_or_exemption_from_rates_is_no_refusal():
    assert find_statements(["Our records show 88 shops in receipt of a relief or exemption from business rates."]) == {}
    assert find_statements(["There were 31 homes with a council tax exemption last year."]) == {}


def test_a_reply_refused_as_a_whole_refuses_the_questions_it_says_nothing_of():
    text = ("We hold records of the outreach team's home visits. Releasing the details would identify the "
            "families visited, so they are withheld under section 40(2) of the Freedom of Information Act.\n")
    assert kind(text) == "refusal"
    assert reply(text) == every("refused", "s.40(2)")


def test_a_reply_naming_the_one_question_it_refuses_is_silent_on_the_others():
    text = "Question 3: the complaint files are withheld under section 40(2).\n"
    got = reply(text)
    assert {got[("complaints", p)] for p in PERIODS} == {("refused", None, "s.40(2)")}
    assert not any(q != "complaints" for q, _ in got)


def test_your_request_names_no_question_labelled_requests():
    questions = [Question("assessments", number="1", text="The number of requests for a needs assessment",
                          labels=["requests"]),
                 Question("plans", number="2", text="The number of care plans issued", labels=["plans issued"])]
    text = ("The council holds this information, but we estimate that compliance with your request would "
            "exceed the appropriate limit under section 12 of the Freedom of Information Act.\n")
    assert reply(text, questions) == every("refused", "s.12", questions)


def test_an_answer_in_part_refuses_the_rest_with_its_whole_request_refusal():
    text = ("Our response is as follows.\n\nHome visits\n2019/20: 1,204\n2020/21: 1,310\n2021/22: 1,288\n\n"
            "For the remaining questions, we consider that to comply with your request would exceed the cost "
            "limit set by section 12.\n")
    assert kind(text) == "answer_partial"
    got = reply(text)
    assert got[("visits", "2020/21")] == ("answered", 1310.0, None)
    for question in ("cancelled", "complaints"):
        assert {got[(question, p)] for p in PERIODS} == {("refused", None, "s.12")}, question


def test_a_whole_request_statement_with_no_figure_anywhere_stays_with_a_person():
    """Nothing answered and the reply not classified refused: the statement is not confirmed."""
    text = ("Visits are listed in the attached file. The remainder of your request would exceed the cost "
            "limit under section 12.\n")
    got = reply(text)
    assert {status for status, _, _ in got.values()} == {"needs_review"}


def test_a_sure_refusal_of_a_question_beats_table_rows_put_to_a_person():
    questions = [Question("repairs", number="1", text="Number of repair requests about damp, by year",
                          labels=["repair requests"]),
                 Question("wait", number="2", text="Average days between a damp repair request and a visit",
                          labels=["days"]),
                 Question("complaints", number="3", text="Total number of complaints about damp repairs",
                          labels=["Total", "complaints"])]
    periods = ["2022", "2023"]
    text = ("1. -2. Finding this would mean opening each of about 900 repair records, which would take over "
            "60 hours. Under section 12 we are therefore unable to comply with this part of your request.\n"
            "3.\n"
            "Complaint | Damp | Mould | Total |\n"
            "2022 | 21 | 14 | 35 |\n"
            "2023 | 20 | 21 | 41 |\n")
    got = reply(text, questions, periods)
    assert {got[("repairs", p)] for p in periods} == {("refused", None, "s.12")}
    assert not any(status == "answered" for (q, _), (status, _, _) in got.items() if q != "complaints")


def test_no_policy_held_and_staff_employed_elsewhere_are_not_held():
    for text in ("The outreach service has no written home visiting policy or procedure.\n",
                 "We do not have a formal policy on this.\n",
                 "The trust does not employ outreach workers; they work alongside our staff but are employed by "
                 "the local authority.\n"):
        assert kind(text) == "not_held", text
        assert reply(text) == every("not_held"), text


def test_an_answer_that_only_points_to_a_published_page_is_refused_under_s21():
    text = ("Q1. Please see https://www.example.gov.uk/outreach/visits\n\n"
            "Q2. 12 in 2019/20, 15 in 2020/21 and 9 in 2021/22.\n")
    got = reply(text)
    assert {got[("visits", p)] for p in PERIODS} == {("refused", None, "s.21")}
    assert kind(text) == "answer_partial"
    text = "1. This information can be seen in our published annual report, via the link below.\n"
    assert {reply(text)[("visits", p)] for p in PERIODS} == {("refused", None, "s.21")}


def test_information_in_the_public_domain_that_may_be_helpful_is_a_pointer():
    [[said]] = find_statements(["The page below holds information already in the public domain that may be "
                                "helpful."]).values()
    assert (said.status, said.section) == ("refused", "s.21")


def test_a_day_alone_on_a_line_dates_the_letter_and_answers_nothing():
    text = ("17 November 2021\n\nDear Ms Green,\n\n"
            "Having searched again, we do not hold the information you requested.\n")
    question = QUESTIONS[:1]
    assert kind(text) == "not_held"
    assert reply(text, question, SINGLE) == {("visits", "2021"): ("not_held", None, None)}


def test_a_refusal_notice_under_an_unanswered_question_refuses_what_is_left():
    text = ("Our response is as follows.\n\nQ1. Home visits\n412\n\n"
            "5. How many of the visits planned for the outreach team were called off by managers\n\n"
            "Refusal Notice\n\ns12 (cost of compliance exceeds appropriate limit)\n\n"
            "We estimate that compliance with your request would exceed the appropriate limit under section 12.\n")
    assert kind(text) == "answer_partial"
    assert reply(text, periods=SINGLE) == {("visits", "2021"): ("answered", 412.0, None),
                                           ("cancelled", "2021"): ("refused", None, "s.12"),
                                           ("complaints", "2021"): ("refused", None, "s.12")}


def test_a_statement_after_a_questions_figures_that_names_none_goes_to_a_person():
    """Points answered in order without numbers: the pointer may be the next point's answer."""
    text = ("Our response is as follows.\n"
            "- During 2019/20 the team made 1,204 home visits, and 1,310 in 2020/21.\n"
            "- Cancellations are reported to a committee. The committee pages hold information already in the "
            "public domain that may be helpful.\n")
    assert kind(text) == "answer_partial"
    got = reply(text)
    assert got[("visits", "2020/21")] == ("answered", 1310.0, None)
    assert got[("visits", "2021/22")][0] == "needs_review"


def test_a_lettered_point_that_is_our_question_is_not_a_part_of_one():
    text = ("a) Home visits made by the outreach team, with the notes of each\n"
            "The council is applying section 40 (personal information) to these records.\n")
    assert kind(text) == "refusal"
    assert reply(text) == every("refused", "s.40")


def test_a_refusal_met_point_by_point_leaves_the_points_before_it_alone():
    """Question 1 answered in words foi does not read, question 2 refused: the refusal covers the
    question after it the reply says nothing of, not the one before it."""
    text = ("1. How many home visits did the outreach team make?\n"
            "We have taken this to mean visits to families at home, and the answer is a little over four hundred.\n\n"
            "2. How many home visits were cancelled by the council?\n"
            "The cancellation logs are withheld under section 31(1)(a).\n")
    assert kind(text) == "refusal"
    got = reply(text)
    assert not any(q == "visits" for q, _ in got)
    assert {got[(q, p)] for q in ("cancelled", "complaints") for p in PERIODS} == {("refused", None, "s.31(1)(a)")}


def test_a_refusal_in_running_text_that_touches_a_later_question_refuses_them_all():
    """No point-by-point answers: the letter's reasoning touches question 2's words in passing,
    which places its refusal there only loosely, so question 1 is not taken as dealt with."""
    questions = [Question("ages", number="1", text="The ages of approved foster carers in the last full year"),
                 Question("incomes", number="2", text="The household incomes of approved foster carers in the last "
                                                      "full year")]
    text = ("Thank you for your email.\n\nWe do hold these details. In such a small service, releasing them "
            "would identify carers. The same is true of household incomes. As a result the information is "
            "withheld under section 40(2) of the Freedom of Information Act.\n")
    assert kind(text) == "refusal"
    assert reply(text, questions, ["2023"]) == {("ages", "2023"): ("refused", None, "s.40(2)"),
                                                ("incomes", "2023"): ("refused", None, "s.40(2)")}


def test_a_refusal_narrowed_to_what_it_refuses_is_of_that_question_not_the_one_above():
    questions = [Question("past", number="1", text="Itemised list of council buildings left empty for a month in 2019"),
                 Question("now", number="2", text="Council buildings currently standing empty")]
    text = ("Q1 & 2:\n\n14 Mill Lane - 01/06/19 - 15/08/19\n\nNotice of Refusal\n\n"
            "Please note that I consider the information you have requested regarding council buildings currently "
            "standing empty to be exempt information under section 31 of the Act, as its release would prejudice "
            "the prevention of crime and the enforcement work of the council's teams.\n")
    got = reply(text, questions, ["2019"])
    assert got.get(("past", "2019"), ("missing",))[0] != "refused"
    assert got[("now", "2019")][0] in ("refused", "needs_review")


def test_a_pointer_under_a_number_the_campaign_may_not_share_goes_to_a_person():
    """The reply numbers six questions, the campaign asks three: its Q2 may not be ours."""
    text = ("Q1. 412 in 2019/20.\n\nQ2. Please see https://www.example.gov.uk/outreach/tables\n\n"
            "Q3. 9 in 2019/20.\n\nQ4. 3\n\nQ5. 1\n\nQ6. 7\n")
    got = reply(text)
    assert {got[("cancelled", p)][0] for p in PERIODS} == {"needs_review"}


def test_a_number_the_reply_shares_with_the_campaign_by_its_words_too_is_sure():
    text = ("1. How many home visits did the outreach team make?\n"
            "The team does not record home visits, so this information is not held.\n\n"
            "5. Please give the ward of each visit.\n8. Please give the staff grade of each visitor.\n")
    got = reply(text)
    assert {got[("visits", p)] for p in PERIODS} == {("not_held", None, None)}


def test_a_not_held_the_reply_denies_is_no_statement():
    """"It is wrong to infer that we do not collect ..." says the information is held."""
    assert find_statements(["It is wrong to infer that we do not collect figures on adoptions. We collect them."]) == {}
    assert find_statements(["It is not the case that the council holds no records of adoptions."]) == {}
    assert find_statements(["We do not hold figures on adoptions."]) != {}


# ------------------------------------------------------------ parts of a reply opened by a span of dates

def test_a_statement_in_a_part_opened_by_a_span_of_dates_covers_the_periods_in_it_alone():
    """Before a new system the records cannot be searched within the cost limit; after it the
    figures are attached. The years wholly in the first part are refused, the year the two parts
    share is said of by neither, the later year is left to the attachment."""
    periods = ["2019", "2020", "2021", "2022", "2023"]
    text = ("Response\n"
            "For the period 01/05/2019 - 30/06/2022 our old database cannot separate the requests you asked about "
            "from other contacts. Finding them would take far longer than the appropriate limit, so this part of "
            "your request is refused under section 12 of the Act. "
            "From 1 July 2022 to 31 December 2023 the new system records each one: the figures are in the "
            "attached spreadsheet.\n")
    got = reply(text, QUESTIONS, periods)
    for question in ("visits", "cancelled", "complaints"):
        assert [got.get((question, p)) for p in ("2019", "2020", "2021")] == [("refused", None, "s.12")] * 3
        assert (question, "2022") not in got and (question, "2023") not in got


def test_days_and_spans_of_days_as_bodies_write_them():
    assert written_day("10/4/2019") == date(2019, 4, 10)
    assert written_day("3.11.21") == date(2021, 11, 3)
    assert written_day("12th October 2022") == date(2022, 10, 12)
    assert written_day("31/02/2020") is None
    assert [(a, b) for _, a, b in spans_in("Period 10/4/2019 – 11/10/2022 refused. From 12 October 2022 to "
                                           "10 April 2024 attached. Between 2019 and 2020 nothing.")] == [
        (date(2019, 4, 10), date(2022, 10, 11)), (date(2022, 10, 12), date(2024, 4, 10))]
    assert periods_in_span((date(2019, 4, 10), date(2022, 10, 11)), [(date(2022, 10, 12), date(2024, 4, 10))],
                           ["2018", "2019", "2021", "2022", "2023", "2020/21", "Q1"]) == ["2019", "2021", "2020/21"]
