"""Which requests a chaser is for, and the words it says: `foi chase` and
`foi generate --kind` choose alike (issue 17, items 2 and 3); the address `foi generate`
writes to is the one `foi send` uses (item 16); counts that agree with their nouns, a bounce
called a bounce, the cost limit not called an exemption (item 18).

The campaign: six councils asked on Monday 2 February 2026 (due Monday 2 March).
Barnsley and Sheffield have not answered, Leeds answered, Manchester's email
bounced, Wakefield got a letter (no email address anywhere) and Kirklees was
never sent anything. On 3 March two are one working day overdue by email, and
Wakefield by post.
"""

import datetime as dt
import json
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from foi.campaign.references import make_reference
from foi.sending.chasing import UPHELD
from foi.vocabulary import COMPLAINABLE_STATES
from tests.builders import campaign_file, create_campaign, register_db, review_requested

ADDRESSES = {"BNS": "foi@barnsley.gov.uk", "LDS": "foi@leeds.gov.uk", "SHF": "foi@sheffield.gov.uk",
             "MAN": "foi@manchester.gov.uk", "KIR": "foi@kirklees.gov.uk"}
COUNCILS = ["BNS", "LDS", "SHF", "MAN", "KIR", "WKF"]
OUTBOX = " into outbox/ (no SMTP server set up: nobody receives them)"  # these tests have no mail server


def ref(code: str) -> str:
    return make_reference("EH", code, "eh")


@pytest.fixture
def campaign(run, monkeypatch, isolated):
    db = register_db(addresses=ADDRESSES)
    create_campaign(db, isolated, slug="eh", prefix="EH", recipients=COUNCILS)
    monkeypatch.setenv("FOI_NOW", "2026-02-02T12:00:00+00:00")
    monkeypatch.setenv("FOI_SENDER_NAME", "Jo Bloggs")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "jo@charity.test")
    for code in ("BNS", "LDS", "SHF", "MAN"):
        run("mark-sent", "eh", code, "--via", "email", "--on", "2026-02-02")
    run("mark-sent", "eh", "WKF", "--via", "post", "--on", "2026-02-02")
    run("set-state", "eh", "LDS", "answered")
    run("set-state", "eh", "MAN", "bounced")
    monkeypatch.setenv("FOI_NOW", "2026-03-03T10:00:00+00:00")
    return db


BOUNCED = ("bounced: the request never reached the council, so there is nothing to remind it of; send it "
           "again to a working address or by its web form, then record that with "
           "`foi mark-sent eh MAN --via ... --on DATE --force`")


def test_a_reminder_counts_one_working_day_and_a_bounce_is_called_a_bounce(campaign, run):
    result = run("chase", "eh", "--stage", "reminder", "--body", "BNS", "--body", "MAN", "--dry-run")

    assert result.stderr.splitlines()[:2] == ["Would write 1 reminder" + OUTBOX + ":",
                                              f"{ref('BNS')}\t1 working day overdue"]
    assert f"{ref('MAN')}\tManchester City Council\tskipped: {BOUNCED}\n" in result.stderr
    assert "a reply has come" not in result.stderr
    assert "Section 10 of the Act required a response by 2 March 2026; it is now 1 working day overdue." \
        in result.stdout


def test_the_dry_run_counts_what_it_lists_and_lists_a_council_with_no_address_apart(campaign, run):
    result = run("chase", "eh", "--stage", "reminder", "--dry-run")

    assert result.stderr.splitlines() == [
        "Would write 2 reminders" + OUTBOX + ":",
        f"{ref('BNS')}\t1 working day overdue",
        f"{ref('SHF')}\t1 working day overdue",
        "Not sent: 4",
        f"{ref('KIR')}\tKirklees Council\tskipped: not sent yet (state draft)",
        f"{ref('LDS')}\tLeeds City Council\tskipped: answered: never chased",
        f"{ref('MAN')}\tManchester City Council\tskipped: {BOUNCED}",
        f"{ref('WKF')}\tWakefield Metropolitan District Council\tskipped: reminder due, but no email address "
        "for this council: set one with `foi councils set-email WKF ADDRESS` and chase again, or post a letter "
        "(`foi generate eh --kind reminder --format docx --body WKF`)",
    ]
    assert [line for line in result.stdout.splitlines() if line.startswith("To: ")] == [
        "To: foi@barnsley.gov.uk", "To: foi@sheffield.gov.uk"]
    assert "Section 10 of the Act required a response by 2 March 2026; it is now 1 working day overdue." \
        in result.stdout


def test_generate_writes_a_reminder_only_where_chase_would_send_one(campaign, run):
    chase = run("chase", "eh", "--stage", "reminder", "--dry-run")

    letters = run("generate", "eh", "--kind", "reminder", "--format", "txt")

    assert letters.stdout.splitlines() == [f"drafts/eh/{ref(code)}-reminder.txt" for code in ("BNS", "SHF", "WKF")]
    assert letters.stderr.splitlines() == [
        "wrote 3 files in drafts/eh",
        "skipped 1 (not sent yet (state draft)): KIR",
        "skipped 1 (answered: never chased): LDS",
        f"skipped 1 ({BOUNCED}): MAN",
    ]
    for code in ("BNS", "SHF"):  # the words chase would send, exactly
        subject, body = Path(f"drafts/eh/{ref(code)}-reminder.txt").read_text(encoding="utf-8").split("\n\n", 1)
        assert f"{subject}\n\n{body}" in chase.stdout
    wakefield = Path(f"drafts/eh/{ref('WKF')}-reminder.txt").read_text(encoding="utf-8")
    assert "On 2 February 2026 I sent you a request" in wakefield and "1 working day overdue" in wakefield

    emails = run("generate", "eh", "--kind", "reminder", "--out", "mail")

    assert emails.stdout.splitlines() == [f"mail/{ref(code)}-reminder.eml" for code in ("BNS", "SHF")]
    assert emails.stderr.splitlines()[0] == "wrote 2 files in mail"
    assert emails.stderr.splitlines()[-1] == (
        "skipped 1 (reminder due, but no email address: set one with `foi councils set-email CODE ADDRESS`, "
        "or use --format docx for a letter or web form): WKF")


def test_generate_leaves_out_what_chase_left_out_for_the_same_reason(campaign, run, monkeypatch):
    [request_id] = campaign.execute("SELECT id FROM requests WHERE body_code = 'BNS'").fetchone()
    campaign["outgoing"].insert({"request_id": request_id, "kind": "reminder", "state": "sent",
                                 "message_id": "<reminder-bns@charity.test>", "to_addr": ADDRESSES["BNS"],
                                 "subject": "Reminder", "created_at": "2026-03-03T10:00:00+00:00",
                                 "sent_at": "2026-03-03T10:00:00+00:00"})  # as `foi chase` records it
    monkeypatch.setenv("FOI_NOW", "2026-03-05T10:00:00+00:00")

    chase = run("chase", "eh", "--stage", "reminder", "--body", "BNS", "--dry-run")
    letters = run("generate", "eh", "--kind", "reminder", "--body", "BNS", "--dry-run")

    assert "skipped: chased on 2026-03-03, within --min-gap 10 days" in chase.stderr
    assert letters.stdout == "" and letters.stderr.splitlines() == [
        "would write 0 files in drafts/eh", "skipped 1 (chased on 2026-03-03, within --min-gap 10 days): BNS"]
    assert run("generate", "eh", "--kind", "reminder", "--body", "BNS", "--min-gap", "1",
               "--dry-run").stdout.splitlines() == [f"drafts/eh/{ref('BNS')}-reminder.eml"]


def test_a_chaser_whose_sending_was_interrupted_is_listed_apart_not_counted(campaign, run):
    [request_id] = campaign.execute("SELECT id FROM requests WHERE body_code = 'SHF'").fetchone()
    campaign["outgoing"].insert({"request_id": request_id, "kind": "reminder", "state": "uncertain",
                                 "message_id": "<reminder-shf@charity.test>", "to_addr": ADDRESSES["SHF"],
                                 "subject": "Reminder", "created_at": "2026-03-03T09:00:00+00:00"})

    chase = run("chase", "eh", "--stage", "reminder", "--body", "BNS", "--body", "SHF", "--dry-run")
    letters = run("generate", "eh", "--kind", "reminder", "--body", "BNS", "--body", "SHF", "--dry-run")

    assert chase.stderr.splitlines() == [
        "Would write 1 reminder" + OUTBOX + ":", f"{ref('BNS')}\t1 working day overdue",
        f"{ref('SHF')}\tSheffield City Council\tnot sent: an earlier reminder's sending was interrupted; it is "
        "looked for in the Sent folder first, never sent twice"]
    assert letters.stdout.splitlines() == [f"drafts/eh/{ref('BNS')}-reminder.eml"]
    assert letters.stderr.splitlines()[1] == (
        "skipped 1 (its last reminder may have been sent already (the run sending it was interrupted): "
        "`foi chase eh --stage reminder` settles that first): SHF")


def test_generate_takes_an_address_set_after_the_campaign_was_created_as_send_does(run, monkeypatch, isolated):
    db = register_db(addresses={"BNS": "foi@barnsley.gov.uk"})
    create_campaign(db, isolated, slug="eh", prefix="EH", recipients=["BNS", "KIR"])
    monkeypatch.setenv("FOI_SENDER_NAME", "Jo Bloggs")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "jo@charity.test")
    run("councils", "set-email", "KIR", "foi@kirklees.gov.uk", "--source", "test")

    result = run("generate", "eh")

    assert result.stdout.splitlines() == [f"drafts/eh/{ref('BNS')}.eml", f"drafts/eh/{ref('KIR')}.eml"]
    assert result.stderr == "wrote 2 files in drafts/eh\n"
    kirklees = Path(f"drafts/eh/{ref('KIR')}.eml").read_text(encoding="utf-8")
    assert "\nTo: Kirklees Council <foi@kirklees.gov.uk>\n" in kirklees
    sent = run("send", "eh", "--dry-run")
    assert f"{ref('KIR')}\tfoi@kirklees.gov.uk\t" in sent.stdout


def test_a_draft_whose_council_has_no_address_says_how_to_give_it_one(run, monkeypatch, isolated):
    db = register_db(addresses={"BNS": "foi@barnsley.gov.uk"})
    create_campaign(db, isolated, slug="eh", prefix="EH", recipients=["BNS", "KIR"])
    monkeypatch.setenv("FOI_SENDER_NAME", "Jo Bloggs")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "jo@charity.test")

    result = run("generate", "eh")

    assert result.stderr.splitlines() == [
        "wrote 1 file in drafts/eh",
        "skipped 1 (no email address: set one with `foi councils set-email CODE ADDRESS`, "
        "or use --format docx for a letter or web form): KIR"]


# ---- the words of reviews and complaints

def council_replies(run, monkeypatch, code: str, text: str, day: str) -> None:
    """The council's reply, in our thread by its subject, imported on `day`."""
    message = EmailMessage()
    message["From"], message["To"] = ADDRESSES[code], "jo@charity.test"
    message["Subject"], message["Message-ID"] = f"RE: {ref(code)}", f"<{day}.{code.lower()}@council.test>"
    message["Date"] = format_datetime(dt.datetime.fromisoformat(f"{day}T10:00:00+00:00"))
    message.set_content(text)
    Path(f"{code}-{day}.eml").write_bytes(message.as_bytes())
    monkeypatch.setenv("FOI_NOW", f"{day}T18:00:00+00:00")
    run("import", "--no-extract", f"{code}-{day}.eml")


COST = ("The Council has decided to refuse your request. Locating the information would exceed the "
        "appropriate limit under section 12.")
PERSONAL = ("We are refusing your request. The information is exempt under section 40(2) of the Act "
            "(personal information), so it is withheld.")
SMALL_NUMBERS = 'those figures can be replaced with "<5"'


def review_text(run, code: str) -> str:
    result = run("chase", "eh", "--stage", "review", "--body", code, "--dry-run")
    assert result.stderr.startswith("Would write 1 review request" + OUTBOX + ":\n"), result.stderr
    return " ".join(result.stdout.split())


def test_a_review_of_a_cost_refusal_calls_section_12_the_cost_limit_not_an_exemption(campaign, run, monkeypatch):
    council_replies(run, monkeypatch, "BNS", COST, "2026-02-20")

    text = review_text(run, "BNS")

    assert ("Your response relied on the cost limit (section 12). Where answering in full would cost more than "
            "the limit, section 16 requires advice and assistance on how the request could be narrowed to fall "
            "within it;") in text
    assert "exemption" not in text and SMALL_NUMBERS not in text


VEXATIOUS = ("We have decided not to comply with your request. We consider it vexatious under section 14(1) "
             "of the Act.")


def test_a_review_of_a_vexatious_refusal_does_not_call_section_14_an_exemption(campaign, run, monkeypatch):
    council_replies(run, monkeypatch, "BNS", VEXATIOUS, "2026-02-20")

    text = review_text(run, "BNS")

    assert ("Your response treated my request as vexatious or repeated (section 14). I do not believe it is "
            "either:") in text
    assert "exemption" not in text and "cost limit" not in text and SMALL_NUMBERS not in text


def test_a_review_asks_for_small_numbers_as_less_than_5_only_when_they_were_withheld(campaign, run, monkeypatch):
    council_replies(run, monkeypatch, "BNS", PERSONAL, "2026-02-20")

    text = review_text(run, "BNS")

    assert ("Your response relied on section 40(2). I do not believe this exemption applies to all of the "
            "information I asked for. Where only some figures are small enough to be personal data, those "
            'figures can be replaced with "<5" and the rest released.') in text
    assert "cost limit" not in text


def test_a_complaint_says_the_review_is_late_in_a_sentence_and_counts_one_day(campaign, run, monkeypatch):
    council_replies(run, monkeypatch, "BNS", COST, "2026-02-20")
    review_requested(campaign, "eh", "BNS", "2026-02-23")  # due 24 March (17 March: St Patrick's Day)
    monkeypatch.setenv("FOI_NOW", "2026-03-25T10:00:00+00:00")

    result = run("chase", "eh", "--stage", "ico", "--body", "BNS", "--dry-run")

    assert result.stderr.splitlines()[:2] == [
        "Would write 1 complaint draft:",
        f"{ref('BNS')}\tthe internal review is 1 working day overdue (due 2026-03-24)"]
    text = " ".join(result.stdout.split())
    assert "Grounds: the internal review is 1 working day overdue (due 2026-03-24)." in text
    assert ("The authority relied on the cost limit (section 12), which is not an exemption: section 16 "
            "required it to advise how the request could be narrowed to fall within the limit.") in text


def test_a_complaint_after_an_upheld_refusal_says_the_review_upheld_the_refusal(campaign, run, monkeypatch):
    council_replies(run, monkeypatch, "BNS", PERSONAL, "2026-02-20")
    review_requested(campaign, "eh", "BNS", "2026-02-23")
    monkeypatch.setenv("FOI_NOW", "2026-03-10T10:00:00+00:00")
    run("reviewed", "eh", "BNS", "--on", "2026-03-09", "--outcome", "upheld")

    result = run("chase", "eh", "--stage", "ico", "--body", "BNS", "--dry-run")

    text = " ".join(result.stdout.split())
    assert "Grounds: the internal review of 2026-03-09 upheld the refusal." in text
    assert json.loads(run("status", "eh", "--json").stdout)["requests"][0]["state"] == "refused"


def test_counts_shown_to_the_user_agree_with_their_nouns(run, monkeypatch, isolated):
    register_db()
    Path("one.toml").write_text(campaign_file(slug="one", prefix="ONE", title="One council", recipients=["KIR"],
                                              periods=["2024/25"], questions=[{"id": "visits", "text": "How many?"}]),
                                encoding="utf-8")

    created = run("campaign", "create", "one.toml")

    assert created.stderr.splitlines()[:3] == [
        "Campaign one created (ONE, 1 question, 1 period).", "1 request added; 1 recipient in all.",
        "1 recipient has no FOI address in the register (the requests exist; set addresses with "
        "`foi councils set-email` or `councils import`, and `foi send` uses them, or send by post/web form):"]
    assert run("status", "one").stdout.splitlines()[-1].startswith("1 request (draft 1)")
    assert run("inbox").stderr == "0 messages\n"


def test_every_state_a_complaint_can_follow_says_what_the_review_upheld():
    assert set(UPHELD) == COMPLAINABLE_STATES
