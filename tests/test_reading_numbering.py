"""Answers numbered in the reply's own style, which need not be the campaign's:
bullets before the numbers, lettered parts ("2a)", "2. a)", "b)") of a number
the campaign asks as separate questions, and bare figures listed as bullets in
the order of the questions the reply echoed. Read through the CLI as a user
receives them: a reading the numbering leaves open goes to review with both
candidates, never stored as settled."""

from __future__ import annotations

import json

import pytest

from foi.extract.numbering import numbered_items
from tests.builders import sent_to_barnsley
from tests.mailfixtures import reply_file

CAMPAIGN = """
slug = "homes"
title = "Children's homes"
recipients = ["BNS"]
periods = ["2025"]

[[questions]]
id = "homes"
text = "How many children's homes does the council run?"

[[questions]]
id = "beds"
text = "How many beds do those homes have?"

[[questions]]
id = "vacant"
text = "How many of those beds are vacant?"

[[questions]]
id = "staff"
text = "How many residential care workers does the council employ?"

[[questions]]
id = "agency"
text = "How many of those care workers are agency staff?"
"""


@pytest.fixture
def homes(run, monkeypatch):
    return sent_to_barnsley(run, monkeypatch, "homes", CAMPAIGN)


def dataset(run) -> dict:
    rows = json.loads(run("export", "homes", "--what", "dataset", "--format", "json").stdout)
    return {r["question_id"]: (r["status"], r["value"]) for r in rows if r["period"] == "2025"}


def review_readings(run) -> dict:
    review = json.loads(run("review", "homes", "--json").stdout)
    return {item["question"]: sorted(r["reading"] for r in item["readings"]) for item in review["values"]}


def test_bulleted_items_with_lettered_parts_as_many_as_the_questions_are_read_in_order(run, homes):
    """The reply numbers 1, 2a, 2b, 3, 4 (the parts of 2 are the campaign's
    questions 2 and 3): five answers for five questions, one each, in order."""
    body = ("Dear requester,\n\nOur answers are below.\n\n"
            "* 1) TOTAL = 7\nThis includes the short-break homes.\n"
            "* 2a) TOTAL = 41\nThis includes the short-break homes.\n"
            "* 2b) TOTAL = 6\n"
            "* 3) TOTAL = 88\n"
            "* 4) TOTAL = 12\n\nYours faithfully\nInformation Team\n")
    run("import", str(reply_file(homes, body)))
    assert dataset(run) == {"homes": ("answered", 7), "beds": ("answered", 41), "vacant": ("answered", 6),
                            "staff": ("answered", 88), "agency": ("answered", 12)}


def test_lettered_parts_and_one_answer_too_many_go_to_review_with_both_readings(run, homes):
    """1, 2. a), b), 3, 4, 5: six answers for five questions, so the parts of 2 may
    be questions 2 and 3 (the rest shifted one on) or a breakdown of question 2
    (the numbers then the campaign's): a person decides, shown both figures."""
    body = ("1. 7\n\n\n2. a) 41\n\nb) 6\n\n\n3. 88\n\n\n4. 12\n\n\n5. 3\n\nReference number\n")
    run("import", str(reply_file(homes, body)))
    assert dataset(run) == {"homes": ("answered", 7), "beds": ("needs_review", None),
                            "vacant": ("needs_review", None), "staff": ("needs_review", None),
                            "agency": ("needs_review", None)}
    assert review_readings(run) == {"beds": ["41"], "vacant": ["6", "88"], "staff": ["12", "88"],
                                    "agency": ["12", "3"]}


def test_lettered_parts_whose_own_words_name_the_questions_are_settled_by_their_words(run, homes):
    body = ("Please see our responses below:\n\n"
            "Q1. How many children's homes does the council run?  7\n\n"
            "Q2. How many beds do those homes have?  41\n"
            "Of these:\n\n"
            "Q2a. How many were vacant?  6\n"
            "Q2b. How many residential care workers?   88\n\n"
            "Q3. Please explain any difference between the answers above.\n\n"
            "Beds are counted when registered.\n")
    run("import", str(reply_file(homes, body)))
    got = dataset(run)
    assert {q: got[q] for q in ("homes", "beds", "vacant", "staff")} == {
        "homes": ("answered", 7), "beds": ("answered", 41), "vacant": ("answered", 6), "staff": ("answered", 88)}


def test_lettered_part_whose_words_name_another_question_than_its_place_goes_to_review(run, homes):
    body = ("1) 7\n2a) 41\n2b) How many of those care workers are agency staff? 12\n3) 88\n4) 6\n")
    run("import", str(reply_file(homes, body)))
    got = dataset(run)
    assert got["vacant"] == ("needs_review", None)  # its place says question 3, its words question 5
    assert got["homes"] == ("answered", 7) and got["beds"] == ("answered", 41)


CALLS = """
slug = "calls"
title = "Calls about noise"
recipients = ["BNS"]
periods = ["2025"]

[[questions]]
id = "day_calls"
text = "The number of daytime calls about noise nuisance"
labels = ["daytime"]

[[questions]]
id = "night_calls"
text = "The number of night-time calls about noise nuisance"
labels = ["night-time"]
"""


def test_bare_figures_as_bullets_answer_the_questions_echoed_as_bullets_in_that_order(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "calls", CALLS)
    body = ("You asked:\n"
            "- Please give the number of daytime calls you received about noise nuisance.\n"
            "- Please give the number of night-time calls you received about noise nuisance.\n"
            "Our response:\n"
            "We searched the call log for every call coded as noise.\n"
            "- 317\n"
            "- 95\n")
    run("import", str(reply_file(reference, body)))
    rows = json.loads(run("export", "calls", "--what", "dataset", "--format", "json").stdout)
    assert {r["question_id"]: (r["status"], r["value"]) for r in rows} == {
        "day_calls": ("answered", 317), "night_calls": ("answered", 95)}


QUEUE = """
slug = "queue"
title = "Housing register"
recipients = ["BNS"]
periods = ["2023", "2024", "2025", "2023/24", "2024/25"]

[[questions]]
id = "spend"
text = "How much did the council spend on bed and breakfast placements in each financial year?"
labels = ["spent"]

[[questions]]
id = "couples"
text = "Number of couples on the housing register as at 1 January 2025"
labels = ["Couples"]

[[questions]]
id = "parents"
text = "Number of single parents on the housing register as at 1 January 2025"
labels = ["Single parents"]
"""


def test_a_list_of_labels_and_figures_takes_the_period_the_questions_name(run, monkeypatch):
    reference = sent_to_barnsley(run, monkeypatch, "queue", QUEUE)
    body = ("2. Number on the register as at 1 January 2025, split by household?\n\n"
            "   Households on the register\n"
            "Couples 415\n"
            "Single parents 1,032\n\n"
            "3. We do not hold the spend on bed and breakfast separately.\n")
    run("import", str(reply_file(reference, body)))
    rows = json.loads(run("export", "queue", "--what", "dataset", "--format", "json").stdout)
    got = {(r["question_id"], r["period"]): (r["status"], r["value"]) for r in rows
           if r["question_id"] in ("couples", "parents") and r["status"] != "missing"}
    assert got == {("couples", "2025"): ("answered", 415), ("parents", "2025"): ("answered", 1032)}


def test_a_year_or_a_sentence_ending_an_item_is_not_its_answer():
    items = numbered_items(["* 1) TOTAL = 7", "* 2) We opened a new home in 2020",
                            "* 3) The homes have 41 beds", "* 4) How many are vacant? 6", "5. 2019"])
    assert [(item.key, item.figure) for item in items] == [("1", "7"), ("2", ""), ("3", ""), ("4", "6"), ("5", "")]


def test_lettered_parts_with_a_numbered_item_after_the_last_answer_go_to_review(run, homes):
    """Five answers for five questions, but a sixth numbered item says something of its
    own: the parts of 2 may be a breakdown and item 5 the fifth question's answer."""
    body = ("1) 7\n2a) 41\n2b) 6\n3) 88\n4) 12\n5) This information is not held.\n")
    run("import", str(reply_file(homes, body)))
    got = dataset(run)
    assert got["homes"] == ("answered", 7)
    parts = ("beds", "vacant", "staff")
    assert {q: got[q][0] for q in parts} == dict.fromkeys(parts, "needs_review")
    assert got["agency"][0] != "answered"


def test_a_lettered_extra_under_an_answered_question_does_not_take_its_place(run, homes):
    """Item 2 answers in a sentence; its part a) gives a figure for a longer span that
    its words tie to question 2 too: it holds a place of its own in the list, so it is
    not question 2's answer (nor, by its place, surely question 3's)."""
    body = ("1. How many children's homes does the council run: 7\n"
            "2. How many beds do those homes have? There are 41 beds. Some are kept for short breaks.\n"
            "a) Please also give the number of beds over the last three years: 118\n"
            "3. How many of those beds are vacant: 6\n"
            "a) Please also give the vacancies over the last three years: 15\n"
            "4. How many residential care workers does the council employ: 88\n")
    run("import", str(reply_file(homes, body)))
    got = dataset(run)
    assert {q: got[q] for q in ("homes", "beds", "vacant", "staff")} == {
        "homes": ("answered", 7), "beds": ("answered", 41), "vacant": ("answered", 6), "staff": ("answered", 88)}
