"""foi review groups what needs a person per council and request (one header line each),
then per reply and the sentence read in it (said once, not for every cell), and its count
of values to be confirmed is the report's."""

import datetime as dt
import json
from pathlib import Path

import pytest

from foi.db import connect
from foi.extract.review import ReviewReason, explain_note
from tests.builders import create_campaign, sent_to_barnsley
from tests.mailfixtures import reply

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
"""
# Calendar years where financial years were asked for: every figure is read, none surely.
BARNSLEY = "Dear requester,\n\nReferrals: 2015 was 99, 2016 was 140.\n\nYours sincerely,\nInformation Governance\n"
LEEDS = ("Dear requester,\n\nReferrals: 2015 was 300, 2016 was 310.\nRe-referrals: 2015 was 30, 2016 was 31.\n\n"
         "Kind regards,\nLeeds City Council\n")
SCAN = ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image", "png")


@pytest.fixture
def kids(run, monkeypatch):
    """Requests to Barnsley and Leeds sent on 2 March 2026; each answered on 16 March in
    running text with calendar years, Barnsley's with a scan nothing can be read from."""
    sent_to_barnsley(run, monkeypatch, "kids", CAMPAIGN)
    run("councils", "set-email", "LDS", "foi@leeds.gov.uk", "--source", "test")
    run("mark-sent", "kids", "LDS", "--via", "email", "--on", "2026-03-02")
    references = json.loads(run("status", "kids", "--json").stdout)["requests"]
    refs = {r["body_code"]: r["reference"] for r in references}
    when = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)
    for code, sender, body, files in (("BNS", "foi@barnsley.gov.uk", BARNSLEY, [SCAN]),
                                      ("LDS", "foi@leeds.gov.uk", LEEDS, [])):
        path = Path(f"reply-{code}.eml")
        path.write_bytes(reply(body, sender=sender, to="campaign@charity.test", subject=f"RE: {refs[code]}",
                               attachments=files, date=when).as_bytes())
        run("import", str(path))
    return refs


def test_review_groups_per_council_and_reply_and_counts_as_the_report_does(run, kids):
    result = run("review", "kids")
    year = "'{0}' is a calendar year; read as {0}/{1} (could be {2}/{3}): check; read from text"
    early, late = year.format(2015, 16, 2014, 15), year.format(2016, 17, 2015, 16)
    assert result.stdout.splitlines() == [
        "Barnsley Metropolitan Borough Council (BNS), request K-BNS-PCMH: awaiting response",
        "  Reply of 16 March 2026: RE: K-BNS-PCMH (message 1)",
        '    body line 3: "Referrals: 2015 was 99, 2016 was 140."',
        f'      referrals 2015/16: low confidence, read "99"; {early}',
        f'      referrals 2016/17: low confidence, read "140"; {late}',
        "    scan.png: needs person: an image (a scan or photo): needs a person to read it",
        "",
        "Leeds City Council (LDS), request K-LDS-05PR: answered",
        "  Reply of 16 March 2026: RE: K-LDS-05PR (message 2)",
        '    body line 3: "Referrals: 2015 was 300, 2016 was 310."',
        f'      referrals 2015/16: low confidence, read "300"; {early}',
        f'      referrals 2016/17: low confidence, read "310"; {late}',
        '    body line 4: "Re-referrals: 2015 was 30, 2016 was 31."',
        f'      rereferrals 2015/16: low confidence, read "30"; {early}',
        f'      rereferrals 2016/17: low confidence, read "31"; {late}']
    assert result.stderr == ("To review: 6 values to be confirmed (foi report's \"Values to be confirmed\"), "
                             "1 file not read in full.\n")

    # the same six in the report: its JSON, its terminal summary and its HTML summary
    assert json.loads(run("report", "kids", "--json").stdout)["needs_review"] == 6
    assert "Values to be confirmed                  6       in no total yet; foi review kids lists them" in \
        run("report", "kids").stdout
    run("report", "kids", "--html", "report.html")
    assert ('<tr id="count-needs_review"><th scope="row">Values to be confirmed</th><td class="n">6</td>'
            in Path("report.html").read_text(encoding="utf-8"))

    # --json: the fields it had, and the grouping and counts beside them
    data = json.loads(run("review", "kids", "--json").stdout)
    assert [(v["body"], v["question"], v["period"], v["reason"], v["raw"], v["file"], v["location"], v["message"])
            for v in data["values"]][:3] == [
        ("BNS", "referrals", "2015/16", "low confidence", "99", "message body", "body line 3", 1),
        ("BNS", "referrals", "2016/17", "low confidence", "140", "message body", "body line 3", 1),
        ("LDS", "referrals", "2015/16", "low confidence", "300", "message body", "body line 3", 2)]
    assert data["values"][0]["readings"] == [
        {"raw": "99", "status": "answered", "reading": "99", "where": "message body body line 3"}]
    assert (data["values"][0]["sentence"], data["values"][0]["why"]) == ("Referrals: 2015 was 99, 2016 was 140.", early)
    assert [(f["body"], f["file"], f["status"]) for f in data["files"]] == [("BNS", "scan.png", "needs_person")]
    assert data["counts"] == {"to_be_confirmed": 6, "values": 6, "requests": 0, "files": 1, "checks": 0}
    leeds = data["councils"][1]
    assert (leeds["body"], leeds["name"], leeds["reference"], leeds["state"]) == (
        "LDS", "Leeds City Council", "K-LDS-05PR", "answered")
    [answer] = leeds["replies"]
    assert [(p["location"], p["sentence"], [(c["question"], c["period"], c["raw"]) for c in p["cells"]])
            for p in answer["places"]] == [
        ("body line 3", "Referrals: 2015 was 300, 2016 was 310.",
         [("referrals", "2015/16", "300"), ("referrals", "2016/17", "310")]),
        ("body line 4", "Re-referrals: 2015 was 30, 2016 was 31.",
         [("rereferrals", "2015/16", "30"), ("rereferrals", "2016/17", "31")])]


def test_a_value_answered_by_hand_leaves_the_review_and_the_report_together(run, kids):
    run("answer", "kids", "LDS", "referrals", "2015/16", "300", "--note", "phoned")
    run("answer", "kids", "LDS", "referrals", "2016/17", "310", "--note", "phoned")
    result = run("review", "kids")
    assert "Referrals: 2015 was 300" not in result.stdout and "Re-referrals: 2015 was 30" in result.stdout
    assert result.stderr.startswith("To review: 4 values to be confirmed")
    assert json.loads(run("report", "kids", "--json").stdout)["needs_review"] == 4


def test_values_answered_by_hand_leave_the_review_and_a_campaign_with_nothing_lists_nothing(run, kids, isolated):
    cells = [("referrals", "2015/16"), ("referrals", "2016/17"), ("rereferrals", "2015/16"), ("rereferrals", "2016/17")]
    for code, figures in (("BNS", ("99", "140")), ("LDS", ("300", "310", "30", "31"))):
        for (question, period), figure in zip(cells, figures):
            run("answer", "kids", code, question, period, figure)
    result = run("review", "kids")
    assert result.stdout.splitlines() == [
        "Barnsley Metropolitan Borough Council (BNS), request K-BNS-PCMH: awaiting response",
        "  Reply of 16 March 2026: RE: K-BNS-PCMH (message 1)",
        "    scan.png: needs person: an image (a scan or photo): needs a person to read it"]
    assert result.stderr == ("To review: 0 values to be confirmed (foi report's \"Values to be confirmed\"), "
                             "1 file not read in full.\n")
    create_campaign(connect(isolated / "campaign.db"), isolated, slug="quiet", recipients=["BNS"])
    quiet = run("review", "quiet")
    assert (quiet.stdout, quiet.stderr) == ("", "To review: 0 values to be confirmed (foi report's "
                                                "\"Values to be confirmed\").\n")


def test_a_review_note_is_split_into_why_and_the_sentence_seen():
    """explain_note: a conflict says every reading; a low-confidence value what follows its
    readings (else the reason); a note with no readings is its own why; the sentence is what
    follows "; seen: ", even when it says "seen: " itself."""
    conflict = ("conflict: two replies disagree; readings: «<5» suppressed 0-4 at figures.xlsx Sheet1!C3 / "
                "«3» answered 3 at notes.txt line 2; seen: Fewer than five were referred again.")
    assert explain_note(conflict, ReviewReason.CONFLICT) == (
        "two replies disagree: «<5» suppressed 0-4 at figures.xlsx Sheet1!C3 / «3» answered 3 at notes.txt line 2",
        "Fewer than five were referred again.")
    low = "low confidence: 0.55 is below 0.8; readings: «99» answered 99 at message body body line 3"
    assert explain_note(f"{low}; read from text; seen: Referrals: 2015 was 99.", ReviewReason.LOW_CONFIDENCE) == (
        "read from text", "Referrals: 2015 was 99.")
    assert explain_note(low, ReviewReason.LOW_CONFIDENCE) == ("0.55 is below 0.8", None)
    assert explain_note("no period named; seen: What was seen: 5 visits.", ReviewReason.NEEDS_REVIEW) == (
        "no period named", "What was seen: 5 visits.")
    assert explain_note("seen: 5 visits.", ReviewReason.NEEDS_REVIEW) == ("", "5 visits.")
    assert explain_note(None, ReviewReason.NEEDS_REVIEW) == ("", None)
