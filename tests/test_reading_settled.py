"""No silent guesses: only sure readings are stored as settled; everything else is
needs_review with its candidate readings, kept out of the report's totals, the checks
and the exports' figures, and named "to be confirmed" (never unanswered) in letters.
The request's state is derived from the settled values (never over a hand-set state)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foi.db import connect, get_row
from foi.extract.settle import derived_state
from foi.tracking.states import Source, TransitionRefused, apply_transition
from foi.vocabulary import EventKind
from tests.builders import sent_to_barnsley
from tests.mailfixtures import reply_file

CAMPAIGN = """
slug = "kids"
title = "Referrals to children's services"
recipients = ["BNS", "LDS"]
periods = ["2015/16", "2016/17"]

[[questions]]
id = "referrals"
text = "How many referrals did the service receive?"
labels = ["referrals"]

[[questions]]
id = "rereferrals"
text = "How many of the referrals came back within a year?"
labels = ["re-referrals"]

[[questions]]
id = "nfa"
text = "How many referrals were closed without any further action?"
labels = ["no further action"]
"""
CSV = "text/csv"


@pytest.fixture
def kids(run, monkeypatch):
    """The campaign, its request to BNS marked as sent on 2 March 2026; returns BNS's reference."""
    return sent_to_barnsley(run, monkeypatch, "kids", CAMPAIGN)


def dataset(run) -> dict:
    rows = json.loads(run("export", "kids", "--what", "dataset", "--format", "json").stdout)
    return {(r["question_id"], r["period"]): (r["status"], r["value"]) for r in rows if r["body_code"] == "BNS"}


def state(code: str = "BNS") -> str:
    return connect(Path("campaign.db")).execute("SELECT state FROM requests WHERE body_code = ?", [code]).fetchone()[0]


# A reply whose attachment and text disagree on one figure, and that withholds question 3.
CONFLICTING = ("Dear requester,\n\nPlease find our response below and attached.\n\n"
               "Q1 referrals\n2015/16: 120\n2016/17: 135\n\n"
               "Q2 re-referrals\n2015/16: 14\n2016/17: 19\n\n"
               "Q3: we are withholding these figures under section 40(2) as they could identify individuals.\n")
CONFLICTING_CSV = b"Question,2015/16,2016/17\nReferrals,126,135\n"


def test_conflicting_figures_go_to_review_with_both_readings_and_no_further(run, kids, monkeypatch):
    run("import", str(reply_file(kids, CONFLICTING, {"figures.csv": (CONFLICTING_CSV, CSV)})))

    assert dataset(run) == {
        ("referrals", "2015/16"): ("needs_review", None),  # 126 in the file, 120 in the text
        ("referrals", "2016/17"): ("answered", 135), ("rereferrals", "2015/16"): ("answered", 14),
        ("rereferrals", "2016/17"): ("answered", 19),
        ("nfa", "2015/16"): ("refused", None), ("nfa", "2016/17"): ("refused", None)}
    review = json.loads(run("review", "kids", "--json").stdout)
    [item] = review["values"]
    assert (item["body"], item["question"], item["period"], item["reason"], item["value"]) == \
        ("BNS", "referrals", "2015/16", "conflict", None)
    assert [(r["status"], r["reading"], r["where"]) for r in item["readings"]] == [
        ("answered", "126", "figures.csv csv row 2 col 2"), ("answered", "120", "message body body line 6")]

    # the report counts it apart, as "to be confirmed", and in no total
    report = json.loads(run("report", "kids", "--json").stdout)
    [cell] = [c for c in report["coverage"] if (c["question_id"], c["period"]) == ("referrals", "2015/16")]
    assert (cell["counts"]["answered"], cell["counts"]["needs_review"]) == (0, 1)
    totals = {(h["question_id"], h["period"]): (h["total"], h["councils"]) for h in report["headlines"]}
    assert totals[("referrals", "2015/16")] == (0, 0) and totals[("referrals", "2016/17")] == (135, 1)
    assert "to be confirmed" in run("report", "kids").stdout

    # some answered, question 3 refused: answered in part, whatever triage made of it
    assert state() == "answered_partial"

    # the review names question 3 as unanswered and question 1 as to be confirmed, never as missing
    text = " ".join(run("chase", "kids", "--stage", "review", "--dry-run").stdout.split())
    assert ("The following questions have not been answered in full: "
            "3. How many referrals were closed without any further action?") in text
    assert ("My reading of your answer to the following is still to be confirmed, so this request for a "
            "review does not cover it: 1. How many referrals did the service receive? (to be confirmed)") in text
    assert "1. How many referrals did the service receive? 3." not in text

    # and so does the complaint, once the review is overdue
    monkeypatch.setenv("FOI_OUTBOX_COUNTS_AS_SENT", "true")  # the review request counts as sent from outbox/
    run("chase", "kids", "--stage", "review", "--yes")
    monkeypatch.setenv("FOI_NOW", "2026-05-20T09:00:00+01:00")
    run("chase", "kids", "--stage", "ico")
    [draft] = Path("ico/kids").glob("*.txt")
    complaint = " ".join(draft.read_text(encoding="utf-8").split())
    assert "The following questions remain unanswered: 3." in complaint
    assert ("The answers to question 1 are to be confirmed: I am still checking my reading of the response, "
            "and they are not part of this complaint.") in complaint


# An attachment that answers two questions and refuses the third, under a covering note
# that says nothing of the refusal: triage reads an answer.
PART_IN_FILE = (b"Question,2015/16,2016/17\nReferrals,126,135\nRe-referrals,14,19\n"
                b"No further action,refused s.40(2),refused s.40(2)\n")


def test_a_partial_answer_read_as_answered_is_answered_in_part_after_extraction(run, kids):
    run("import", "--no-extract", str(reply_file(kids, "Please find our response attached.",
                                            {"response.csv": (PART_IN_FILE, CSV)})))
    assert state() == "answered"
    result = run("extract", "kids")
    assert state() == "answered_partial"
    assert "State: " + kids + " answered -> answered_partial (from the values read)" in result.stderr
    db = connect(Path("campaign.db"))
    [event] = db.execute("SELECT details FROM events WHERE kind = 'state_changed' AND json_extract(details, "
                         "'$.to') = 'answered_partial'").fetchall()
    assert json.loads(event[0])["values"] == {"answered": 4, "refused": 2}
    # running it again changes nothing
    assert "State:" not in run("extract", "kids").stderr
    assert db.execute("SELECT COUNT(*) FROM events WHERE json_extract(details, '$.to') = 'answered_partial'"
                      ).fetchone()[0] == 1


def test_an_answer_that_covers_everything_is_answered(run, kids):
    every = b"Question,2015/16,2016/17\nReferrals,126,135\nRe-referrals,14,19\nNo further action,40,52\n"
    run("import", "--no-extract", str(reply_file(kids, "Please find our response attached.",
                                            {"response.csv": (every, CSV)})))
    db = connect(Path("campaign.db"))
    db.execute("UPDATE requests SET state = 'answered_partial' WHERE body_code = 'BNS'")
    db.conn.commit()
    run("extract", "kids")
    assert state() == "answered"


def test_a_state_set_by_hand_is_not_overridden(run, kids):
    run("set-state", "kids", "BNS", "answered", "--note", "checked the letter: all answered")
    run("import", str(reply_file(kids, "Please find our response attached.", {"response.csv": (PART_IN_FILE, CSV)})))
    run("extract", "kids")
    assert state() == "answered"
    db = connect(Path("campaign.db"))
    request = get_row(db, "requests", db.execute("SELECT id FROM requests WHERE body_code = 'BNS'").fetchone()[0])
    with pytest.raises(TransitionRefused, match="set by hand"):
        apply_transition(db, request, "answered_partial", source=Source.EXTRACTION, when="2026-03-17T09:00:00+00:00",
                         event=EventKind.STATE_CHANGED)


def test_answered_with_no_figures_read_is_flagged_in_review(run, kids):
    scan = b"%PDF-1.4\n" + b"\x00" * 40  # a file nothing can be read from
    run("import", str(reply_file(kids, "Please find our response attached.", {"scan.pdf": (scan, "application/pdf")})))
    assert state() == "answered"
    review = json.loads(run("review", "kids", "--json").stdout)
    assert review["requests"] == [{"body": "BNS", "reference": kids, "state": "answered", "reason": "no figures",
                                   "note": "answered, but no figures read: attachment?"}]
    assert "answered, but no figures read: attachment?" in run("review", "kids").stdout


def test_a_later_unsure_reading_replaces_an_earlier_figure_and_goes_to_review(run, kids):
    run("import", str(reply_file(kids, "Q1 referrals\n2015/16: 120\n2016/17: 135\n", day=16)))
    assert dataset(run)[("referrals", "2015/16")] == ("answered", 120)
    run("import", str(reply_file(kids, "Corrected figures.\n\nQ1 referrals\n2015/16: 121\n2016/17: 135\n",
                            {"corrected.csv": (CONFLICTING_CSV, CSV)}, day=18)))
    # the newer reply's two readings disagree: not the older figure, silently
    assert dataset(run)[("referrals", "2015/16")] == ("needs_review", None)
    [item] = json.loads(run("review", "kids", "--json").stdout)["values"]
    assert [r["reading"] for r in item["readings"]] == ["126", "121"]


@pytest.mark.parametrize("statuses, expected", [
    (["answered", "suppressed", "refused", None], "answered_partial"),
    (["answered", "not_held"], "answered_partial"),
    (["answered", "suppressed"], "answered"),
    (["answered", "needs_review"], None),   # to be confirmed: decides nothing yet
    (["answered", None], None),             # nothing read for one: decides nothing
    (["refused", "refused"], None),
    ([], None),
])
def test_the_state_settled_values_imply(statuses, expected):
    assert derived_state(statuses) == expected
