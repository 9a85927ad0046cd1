"""Reply text that is not an answer (clarification, extension, rights footers, our
own request pasted back) yields no refusal; "not held" or a refusal said of the
whole request covers every question the reply gives nothing else for."""

from __future__ import annotations

import textwrap

import pytest

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.run import WHOLE_OUTCOME, Campaign, resolve
from foi.extract.text import read_text
from foi.extract.values import parse_refusal
from foi.triage.classify import classify_text

PERIODS = ["2015/16", "2016/17", "2017/18"]
QUESTIONS = [
    Question("referrals", number="1", text="How many referrals did children's social care receive in each year?",
             labels=["referrals"]),
    Question("rereferrals", number="2", text="How many of those referrals were re-referrals within 12 months?",
             labels=["re-referrals"]),
    Question("nfa", number="3", text="How many referrals were closed with no further action?",
             labels=["no further action"]),
]
Q = [q.id for q in QUESTIONS]
FIGURES = "Q1 referrals\n2015/16: 1,234\n2016/17: 1,300\n2017/18: 1,410\n"


def wrap(text: str) -> str:
    """As a mail client sends it: paragraphs hard-wrapped at 72 characters."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 72) for p in text.strip().split("\n\n")) + "\n"


def reply(text: str, classified: bool = True) -> dict:
    """(question, period) -> (status, value, section, location, confidence) as stored, the
    message classified as the pipeline does (a statement that agrees with it is settled)."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher(QUESTIONS), PERIODS)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("cin", QUESTIONS, PERIODS, []),
                     WHOLE_OUTCOME.get(classify_text("", text, []).kind) if classified else None)
    return {(f.question_id, f.period): (f.value.status, f.value.value, f.value.section, f.location, f.confidence)
            for f, _, _ in chosen}


def every(status, section, location, confidence, questions=Q):
    return {(q, p): (status, None, section, location, confidence) for q in questions for p in PERIODS}


Q1_FIGURES = {("referrals", p): ("answered", v, None, f"body line {n}", 0.95)
              for p, v, n in zip(PERIODS, (1234.0, 1300.0, 1410.0), (2, 3, 4))}

# ------------------------------------------------------- not a refusal

CLARIFICATION = """Dear Ms Smith,

Freedom of Information request CIN-BNS-1: referrals

Thank you for your request. Before we can answer question 2 we need you
to clarify whether you mean re-referrals within 12 months of any earlier
referral or only of a referral that was closed. Your request is on hold
under section 1(3) of the Freedom of Information Act 2000 until you clarify
it; the 20 working days will start again when we receive your reply.
"""
EXTENSION = """Dear Ms Smith,

We are considering whether the information for question 3 is exempt under
section 43 (commercial interests). We need additional time to consider the
public interest test and will respond by 31 March 2026 (extension under
s.10(3)/s.17(2) public interest test).
"""


@pytest.mark.parametrize("text", [CLARIFICATION, EXTENSION], ids=["clarification", "extension"])
def test_holding_emails_yield_no_refusal(text):
    assert reply(text) == {}


@pytest.mark.parametrize("text", [
    "Your request is on hold under section 1(3) until you clarify which years you need.",
    "We will respond by 20 March 2026 (extension under s.10(3)/s.17(2) public interest test).",
    "We need further time to consider the public interest (section 10(3)) and will respond by 20 March 2026.",
    "We are considering whether the exemption at section 43 applies.",
    "If you are not satisfied with our decision to refuse, you may complain to the Information Commissioner"
    " under section 50.",
    "You have the right to ask for an internal review of our decision to refuse any part of your request.",
    "This email may contain information exempt from disclosure and is intended for the addressee only.",
])
def test_sentences_that_do_not_refuse(text):
    assert parse_refusal(text) is None


@pytest.mark.parametrize("text, section", [
    ("This is a refusal notice under section 17(1). The information is exempt under section 40(2).", "s.40(2)"),
    ("The information is exempt under s.43 and under s.17(3) the public interest favours withholding it.", "s.43"),
    ("Compliance would exceed the appropriate limit, so we are refusing it.", "s.12"),
    ("Refused as vexatious.", "s.14"),
])
def test_refusals_name_the_refusing_section(text, section):
    assert parse_refusal(text) == section


def test_an_extension_for_one_question_inside_an_answer_is_not_a_refusal():
    text = FIGURES + ("Q2 re-referrals: we need further time to consider the public interest "
                      "(section 10(3)) and will respond by 20 March 2026.\n"
                      "Q3 no further action: refused under section 12.\n")
    assert reply(text) == {**Q1_FIGURES, **every("refused", "s.12", "body line 6", 0.9, ["nfa"])}


# ------------------------------------------------------- whole-reply not held / refusal

@pytest.mark.parametrize("text, line", [
    ("Dear Ms Smith,\n\nI can confirm the council does not hold the information you requested.\n", 3),
    ("Dear Ms Smith,\n\nThe information requested is not held by Barnsley Metropolitan Borough Council.\n", 3),
    ("Dear Ms Smith,\n\nHaving searched the records of children's social care, I can confirm that\n"
     "Barnsley Metropolitan Borough Council does not hold the information you\nhave requested.\n\n"
     "Yours sincerely,\nInformation Governance Team\n", 4),
])
def test_whole_reply_not_held_covers_every_question_and_period(text, line):
    assert reply(text) == every("not_held", None, f"body line {line}", 0.85)  # the reply is "not held"
    assert reply(text, classified=False) == every("needs_review", None, f"body line {line}", 0.7)


def test_not_held_with_no_question_named_and_no_request_words_is_less_sure():
    assert reply("Information of this kind is not held.\n", classified=False) == \
        every("needs_review", None, "body line 1", 0.6)


def test_whole_reply_not_held_does_not_override_figures_found():
    text = FIGURES + "\nI can confirm the council does not hold the information you requested.\n"
    # the reply answers in part: whether the blanket "not held" covers Q2 and Q3 is for a person
    assert reply(text) == {**Q1_FIGURES, **every("needs_review", None, "body line 6", 0.7, ["rereferrals", "nfa"])}


def test_a_question_named_not_held_is_that_question_only():
    assert reply(FIGURES + "Q2: the information is not held.\n") == \
        {**Q1_FIGURES, **every("not_held", None, "body line 5", 0.9, ["rereferrals"])}
    # Q1's figure names no period of three: put to a person for each period (see
    # test_extract_prose), not dropped.
    assert reply("Q1: 1,234. Q2: the information is not held.\n") == \
        {**every("not_held", None, "body line 1", 0.9, ["rereferrals"]),
         **every("needs_review", None, "body line 1", 0.3, ["referrals"])}


@pytest.mark.parametrize("said", [
    "Questions 2 and 3: the information is not held.",
    "The information for questions 2-3 is not held by the council.",
    "We do not hold the information for Q2 and Q3.",
])
def test_questions_named_together_not_held_are_those_questions_only(said):
    assert reply(FIGURES + said + "\n") == \
        {**Q1_FIGURES, **every("not_held", None, "body line 5", 0.85, ["rereferrals", "nfa"])}


def test_a_range_of_figures_is_not_a_list_of_questions():
    """"Q2 - 12 ..." with no question 12: not questions 2 to 12; said of Q2."""
    assert reply(FIGURES + "Q2 - 12 of the records were not held.\n") == \
        {**Q1_FIGURES, **every("not_held", None, "body line 5", 0.9, ["rereferrals"])}


PART_REFUSED = wrap("""Dear Ms Smith,

Question 1 is refused under section 12 as the cost of finding the information would exceed the
appropriate limit. For questions 2 and 3 we need further time to consider the public interest
test under section 10(3) and will respond by 14 April 2026.""")


def test_an_extension_that_refuses_one_part_now_gives_that_refusal_only():
    assert reply(PART_REFUSED) == every("refused", "s.12", "body line 3", 0.9, ["referrals"])


def test_whole_reply_refusal_names_its_section():
    text = wrap("Dear Ms Smith,\n\nWe are refusing your request under section 12 of the Freedom of "
                "Information Act 2000 as the cost of complying would exceed the appropriate limit of "
                "£450.")
    assert reply(text) == every("refused", "s.12", "body line 3", 0.85)


def test_whole_reply_not_held_for_the_periods_it_names():
    assert reply("The information you requested for 2015/16 is not held.\n") == \
        {(q, "2015/16"): ("not_held", None, None, "body line 1", 0.85) for q in Q}


# ------------------------------------------------------- boilerplate and our own words

FOOTER = """
If you are not satisfied with this response you may ask for an internal review
of our decision to refuse any part of your request. If you are still
dissatisfied, you can complain to the Information Commissioner under section
50 of the Freedom of Information Act 2000.

You have the right to ask for an internal review of our decision to refuse your request.

This email and any attachments are confidential and may contain information
exempt from disclosure. If you are not the intended recipient, the
information is not held for you: please delete it.
"""
# Our request as the template writes it, pasted back without quote marks.
OUR_REQUEST = wrap("""Your request:

Under the Freedom of Information Act 2000, please provide the following information held by
Barnsley Metropolitan Borough Council, for each of these periods: 2015/16, 2016/17 and 2017/18.

If any figure is small enough that you consider it personal data under section 40, please give it
as "<5" (or your usual threshold) and still provide all the other figures, rather than withholding
the whole answer. If you do not hold the information for a question or a period, please say so for
that question or period and answer the rest.

If answering this request in full would exceed the cost limit under section 12 of the Act, please
do not simply refuse it: under section 16, please advise me how I could narrow it (for example,
fewer periods or questions) so that it can be answered within the limit.

Please quote the reference CIN-BNS-1 in your reply. I look forward to your response promptly and in
any event within 20 working days, as section 10 of the Act requires.""")


def test_footers_and_our_own_request_say_nothing():
    assert reply(FOOTER) == {}
    assert reply(OUR_REQUEST) == {}
    assert reply(FIGURES + FOOTER + "\n" + OUR_REQUEST) == Q1_FIGURES


def test_quoted_request_below_a_reply_header_says_nothing():
    quoted = "\n".join("> " + line for line in OUR_REQUEST.splitlines())
    header = "From: Campaign <campaign@example.org>\nSent: 02 February 2026 09:00\nTo: FOI\n"
    assert reply(FIGURES + "\n" + quoted + "\n") == Q1_FIGURES
    assert reply(FIGURES + "\n" + header + OUR_REQUEST) == Q1_FIGURES


# ------------------------------------------------------- end to end: foi import, foi extract

CAMPAIGN = """
slug = "cin"
title = "Children in need referrals"
recipients = ["BNS", "LDS"]
periods = ["2015/16", "2016/17", "2017/18"]

[[questions]]
id = "referrals"
text = "How many referrals did children's social care receive in each year?"
labels = ["referrals"]

[[questions]]
id = "rereferrals"
text = "How many of those referrals were re-referrals within 12 months?"
labels = ["re-referrals"]

[[questions]]
id = "nfa"
text = "How many referrals were closed with no further action?"
labels = ["no further action"]
"""


def eml(sender: str, subject: str, body: str, day: int) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"] = sender, "campaign@charity.test"
    message["Subject"], message["Message-ID"] = subject, f"<reply-{day}-{len(body)}@council.test>"
    message["Date"] = f"{day:02d} Feb 2026 10:00:00 +0000"
    message.set_content(body)
    return message.as_bytes()


def test_import_and_extract_store_exact_rows(run, tmp_path):
    from pathlib import Path

    from foi.db import connect

    run("init")
    Path("cin.toml").write_text(CAMPAIGN, encoding="utf-8")
    run("campaign", "create", "cin.toml")
    db = connect(Path("campaign.db"))
    ref = {r["body_code"]: r["reference"] for r in db.query("SELECT body_code, reference FROM requests")}
    replies = Path("replies")
    replies.mkdir()
    mails = {
        "1-bns-clarification.eml": eml("foi@barnsley.gov.uk", f"RE: {ref['BNS']} clarification", CLARIFICATION, 10),
        "2-lds-extension.eml": eml("foi@leeds.gov.uk", f"RE: {ref['LDS']}", EXTENSION, 11),
        "3-bns-answer.eml": eml("foi@barnsley.gov.uk", f"RE: {ref['BNS']} response",
                                "Please find our response below.\n\n" + FIGURES
                                + "\nI can confirm the council does not hold the information you\n"
                                "requested for questions 2 and 3.\n" + FOOTER, 20),
        "4-lds-refusal.eml": eml("foi@leeds.gov.uk", f"RE: {ref['LDS']} response", wrap(
            "Dear Ms Smith,\n\nWe are refusing your request under section 12 as the cost would exceed "
            "the appropriate limit.") + FOOTER + "\nFrom: Campaign <campaign@charity.test>\nSent: 1 February 2026\n"
            + OUR_REQUEST, 21),
    }
    for name, data in mails.items():
        (replies / name).write_bytes(data)
    run("import", "--no-extract", str(replies))
    kinds = db.execute("SELECT r.body_code, m.classification FROM messages m JOIN requests r "
                       "ON r.id = m.request_id ORDER BY m.date").fetchall()
    # The extension names the exemption it is still weighing: an extension, not a refusal.
    assert kinds == [("BNS", "clarification"), ("LDS", "extension"), ("BNS", "answer_partial"),
                     ("LDS", "refusal")]
    result = run("extract", "cin")
    assert result.stdout.splitlines()[:6] == [
        "Stored: 18 current values from 2 messages", "  answered      3", "  suppressed    0",
        "  not_held      6", "  refused       9", "  needs_review  0"]
    rows = db.execute(
        "SELECT r.body_code, v.question_id, v.period, v.status, v.value, v.refusal_section, v.source_location, "
        "v.confidence, v.current, m.subject FROM answer_values v JOIN requests r ON r.id = v.request_id "
        "JOIN messages m ON m.id = v.source_message ORDER BY r.body_code, v.question_id, v.period").fetchall()
    bns, lds = f"RE: {ref['BNS']} response", f"RE: {ref['LDS']} response"
    figures = {"2015/16": (1234.0, 4), "2016/17": (1300.0, 5), "2017/18": (1410.0, 6)}
    expected = sorted(
        [("BNS", "referrals", p, "answered", v, None, f"body line {n}", 0.95, 1, bns) for p, (v, n) in figures.items()]
        + [("BNS", q, p, "not_held", None, None, "body line 8", 0.85, 1, bns)  # named: "questions 2 and 3"
           for q in ("rereferrals", "nfa") for p in PERIODS]
        + [("LDS", q, p, "refused", None, "s.12", "body line 3", 0.85, 1, lds) for q in Q for p in PERIODS])
    assert rows == expected
    assert run("extract", "cin").stdout == result.stdout
    assert db.execute("SELECT COUNT(*) FROM answer_values").fetchone()[0] == 18


def test_values_from_a_message_now_known_not_to_be_an_answer_are_withdrawn(tmp_path):
    from test_extract_campaign import add_message, add_request, current_values, make_db

    from foi.extract.run import extract_campaign

    db = make_db(tmp_path)
    request = add_request(db, "BNS")
    first = add_message(db, tmp_path / "blobs", request, FIGURES, date="2026-02-10T10:00:00+00:00")
    later = add_message(db, tmp_path / "blobs", request, "Q1 referrals\n2015/16: 1,240\n",
                        date="2026-02-20T10:00:00+00:00")
    extract_campaign(db, tmp_path / "blobs", "cin", now="2026-03-04T10:00:00+00:00")
    assert current_values(db)[("BNS", "referrals", "2015/16")][:2] == ("answered", 1240.0)
    # Re-triage finds the later message is a clarification request: what it gave goes,
    # and the first reply's figure is in force again.
    db.execute("UPDATE messages SET classification = 'clarification' WHERE id = ?", [later])
    summary = extract_campaign(db, tmp_path / "blobs", "cin", now="2026-03-05T10:00:00+00:00")
    assert summary.writes["withdrawn"] == 1
    assert db.execute("SELECT source_message, period, value, current, superseded_by FROM answer_values "
                      "ORDER BY period").fetchall() == [(first, "2015/16", 1234.0, 1, None),
                                                        (first, "2016/17", 1300.0, 1, None),
                                                        (first, "2017/18", 1410.0, 1, None)]
    # A value an older reading gave for a message that no longer says it goes too.
    db["answer_values"].insert({"request_id": request, "question_id": "nfa", "period": "2015/16",
                                "status": "refused", "refusal_section": "s.1", "source_message": first,
                                "method": "auto", "current": 1, "created_at": "2026-03-01T00:00:00+00:00"})
    assert extract_campaign(db, tmp_path / "blobs", "cin", now="2026-03-06T10:00:00+00:00").writes["withdrawn"] == 1
    assert ("BNS", "nfa", "2015/16") not in current_values(db)


def test_imported_part_refusal_with_extension_stays_open_and_records_the_refusal(run):
    """Through import and extract as a user runs them: the message is an
    extension (the request is extended to the date given), and only the
    refused question gets a value; a plain extension gives none."""
    from pathlib import Path

    from foi.db import connect

    run("init")
    Path("cin.toml").write_text(CAMPAIGN, encoding="utf-8")
    run("campaign", "create", "cin.toml")
    db = connect(Path("campaign.db"))
    ref = {r["body_code"]: r["reference"] for r in db.query("SELECT body_code, reference FROM requests")}
    replies = Path("replies")
    replies.mkdir()
    (replies / "bns.eml").write_bytes(eml("foi@barnsley.gov.uk", f"RE: {ref['BNS']}", PART_REFUSED, 10))
    (replies / "lds.eml").write_bytes(eml("foi@leeds.gov.uk", f"RE: {ref['LDS']}", EXTENSION, 11))
    run("import", "--no-extract", str(replies))
    # The date the council gave (these drafts have no day 0, so no due date of their own).
    states = db.execute("SELECT r.body_code, m.classification, r.state, "
                        "json_extract(m.classification_evidence, '$.due_date') FROM messages m "
                        "JOIN requests r ON r.id = m.request_id ORDER BY r.body_code").fetchall()
    assert states == [("BNS", "extension", "extended", "2026-04-14"),
                      ("LDS", "extension", "extended", "2026-03-31")]
    run("extract", "cin")
    rows = db.execute("SELECT r.body_code, v.question_id, v.period, v.status, v.refusal_section "
                      "FROM answer_values v JOIN requests r ON r.id = v.request_id "
                      "ORDER BY v.question_id, v.period").fetchall()
    assert rows == [("BNS", "referrals", p, "refused", "s.12") for p in PERIODS]
