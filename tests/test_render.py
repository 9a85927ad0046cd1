"""Rendering: the default request, template errors, header safety, letters, previews."""

import datetime as dt
import email
import re
from email import policy
from pathlib import Path

import pytest

from foi.errors import FoiError
from foi.letters.drafts import generate_drafts
from foi.letters.render import Sender, copy_default_templates, prepare, render_request
from foi.letters.word import build_letter, letter_text
from tests.builders import example_campaign

SENDER = Sender("Jo Bloggs", "jo@example.org", "foi+{reference}@example.org", ("1 High Street", "Leeds LS1 1AA"))
WHEN = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
QUESTIONS = [
    "How many children's social care assessments were completed and closed with no further social care action "
    "and with no referral to early help?",
    "How many children's social care assessments were closed with a step-down referral to early help?",
    "Of the children in question 1, how many were referred to children's social care again within 12 months "
    "of the assessment closing?",
]
PERIODS = "2015/16, 2016/17, 2017/18, 2018/19 and 2019/20"


@pytest.fixture
def db():
    return example_campaign()


def request_row(db, code="BNS"):
    return next(db.query("SELECT * FROM requests WHERE body_code = ?", [code]))


def test_every_request_names_its_council_every_question_period_and_reference(db, tmp_path):
    result = generate_drafts(db, "early-help", tmp_path / "out", fmt="txt", sender=SENDER, now=WHEN)
    assert len(result.written) == 153 and result.skipped == []
    names = {r["reference"]: r["name"] for r in db.query(
        "SELECT r.reference, b.name FROM requests r JOIN bodies b ON b.code = r.body_code")}
    for path in result.written:
        reference = path.stem
        subject, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        assert subject.startswith("Subject: Freedom of Information request: ") and subject.endswith(f"[{reference}]")
        assert f"Dear Freedom of Information team at {' '.join(names[reference].split())}," in body
        assert (f"Please quote the reference {reference} in your reply and send it to "
                f"foi+{reference.lower()}@example.org") in body
        for number, question in enumerate(QUESTIONS, 1):
            assert f"{number}. {question}\n   Please give one figure for each of {PERIODS}.\n" in body
        assert ("    Question | 2015/16 | 2016/17 | 2017/18 | 2018/19 | 2019/20\n"
                "    1        | ...     | ...     |") in body
        assert "\n    3        | ...     | ...     | ...     | ...     | ...\n" in body


def test_default_request_asks_what_an_foi_officer_needs(db):
    body = render_request(db, request_row(db), sender=SENDER, today=dt.date(2026, 3, 4)).body
    for phrase in ("Freedom of Information Act 2000", "section 11", "spreadsheet", '"<5"', "section 12",
                   "section 16", "20 working days", "Yours faithfully,\n\nJo Bloggs\n"):
        assert phrase in body, phrase


def test_chasers_render_with_defaults_and_extras(db):
    row = request_row(db) | {"sent_on": "2026-01-05", "due_date": "2026-02-02", "their_reference": "FOI/123"}
    reminder = render_request(db, row, kind="reminder", extra={"days_overdue": 22}, sender=SENDER,
                              today=dt.date(2026, 3, 4))
    assert reminder.subject == ("Reminder: Freedom of Information request EH-BNS-592V (your ref FOI/123): "
                                "Early help after social care assessments, 2015/16 to 2019/20")
    assert "On 5 January 2026 I sent you a request" in reminder.body
    assert "a response by 2 February 2026; it is now 22 working days overdue." in reminder.body
    review = render_request(db, row, kind="review", extra={"exemptions": ["section 40(2)", "section 12"],
                                                           "unanswered": []}, sender=SENDER)
    assert "Your response relied on section 40(2) and section 12." in review.body
    assert "have not been answered" not in review.body
    ico = render_request(db, row, kind="ico", sender=SENDER)
    assert "- The authority's reference: FOI/123" in ico.body and "section 50" in ico.subject


def test_typo_in_a_user_template_names_file_line_and_variable(db):
    copy_default_templates(Path("."))
    path = Path("templates/request/request.txt.j2")
    lines = path.read_text().splitlines()
    lines.insert(11, "About {{ campain.title }}.")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(FoiError) as caught:
        render_request(db, request_row(db), sender=SENDER)
    assert str(caught.value) == "templates/request/request.txt.j2, line 12: 'campain' is undefined"


def test_syntax_error_names_file_and_line(db):
    copy_default_templates(Path("."))
    Path("templates/request/request.subject.j2").write_text(
        "FOI\n{% if request.reference %}\n{{ request.reference }}\n")
    with pytest.raises(FoiError, match=r"^templates/request/request.subject.j2, line 3: Unexpected end of template"):
        render_request(db, request_row(db), sender=SENDER)


def test_user_templates_win_and_missing_files_fall_back(db):
    written = copy_default_templates(Path("."))
    assert Path("templates/request/request.txt.j2") in written and Path("templates/README.md") in written
    Path("templates/request/request.subject.j2").write_text("Edited {{ request.reference }}\n")
    assert copy_default_templates(Path(".")) == []          # never overwrites an edited file
    assert render_request(db, request_row(db), sender=SENDER).subject == "Edited EH-BNS-592V"
    Path("templates/mine").mkdir()
    Path("templates/mine/request.subject.j2").write_text("Mine\n{{ body.code }}\n")
    db["campaigns"].update("early-help", {"template": "mine"})
    rendered = render_request(db, request_row(db), sender=SENDER)
    assert rendered.subject == "Mine BNS"                    # single line, whatever the template
    assert rendered.body.startswith("Dear Freedom of Information team at Barnsley")


def test_no_sender_name_is_a_clear_error(db):
    with pytest.raises(FoiError, match="FOI_SENDER_NAME"):
        render_request(db, request_row(db), sender=Sender(None, None))


def parse(path: Path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


EXPECTED_HEADERS = ["From", "To", "Reply-To", "Subject", "Date", "Content-Type", "Content-Transfer-Encoding",
                    "MIME-Version"]


def test_eml_draft_headers(db, tmp_path):
    result = generate_drafts(db, "early-help", tmp_path, fmt="eml", sender=SENDER, now=WHEN)
    assert [p.name for p in result.written] == ["EH-BNS-592V.eml", "EH-LDS-KGH0.eml"]
    assert len(result.skipped) == 151 and result.skipped[0][1].startswith("no email address")
    message = parse(result.written[0])
    assert list(message.keys()) == EXPECTED_HEADERS
    assert message["To"] == "Barnsley Metropolitan Borough Council <foi@barnsley.gov.uk>"
    assert message["Reply-To"] == "Jo Bloggs <foi+eh-bns-592v@example.org>"
    assert message["Date"] == "Wed, 04 Mar 2026 10:00:00 +0000"
    assert "EH-BNS-592V" in message["Subject"] and "EH-BNS-592V" in message.get_content()


def test_register_values_cannot_add_headers(db, tmp_path):
    db["bodies"].update("LDS", {"name": "Leeds City Council\r\nBcc: x@example.com"})
    sender = Sender("Jo\nBcc: y@example.com", "jo@example.org", "foi+{reference}@example.org")
    result = generate_drafts(db, "early-help", tmp_path, fmt="eml", codes=("LDS",), sender=sender, now=WHEN)
    raw = result.written[0].read_bytes()
    message = parse(result.written[0])
    assert list(message.keys()) == EXPECTED_HEADERS
    assert message["Bcc"] is None and b"\nBcc:" not in raw and b"\r\nBcc" not in raw
    assert [a.addr_spec for a in message["To"].addresses] == ["foi@leeds.gov.uk"]
    assert message["To"].addresses[0].display_name == "Leeds City Council Bcc: x@example.com"
    assert "\n" not in message["Subject"]


def test_docx_letter_opens_and_has_the_same_text(db):
    rendered, context = prepare(db, request_row(db, "MAN"), sender=SENDER, today=dt.date(2026, 3, 4))
    text = letter_text(build_letter(rendered, context, created=WHEN))
    assert text.startswith("Jo Bloggs\n1 High Street\nLeeds LS1 1AA\njo@example.org\n4 March 2026\n"
                           "Freedom of Information team\nManchester City Council\nOur reference: EH-MAN-")
    assert rendered.subject in text
    for line in rendered.body.splitlines():
        if "|" in line:  # the example table is a Word table: letter_text gives its cells a row a line
            line = " | ".join(cell.strip() for cell in line.split("|"))
        assert line in text, line


def test_generate_docx_and_preview_cli(db, run, monkeypatch):
    monkeypatch.setenv("FOI_SENDER_NAME", "Jo Bloggs")
    monkeypatch.setenv("FOI_SENDER_EMAIL", "jo@example.org")
    monkeypatch.setenv("FOI_REPLY_TO", "foi+{reference}@example.org")
    result = run("generate", "early-help", "--format", "docx", "--body", "man", "--body", "BNS")
    assert result.stdout.splitlines() == ["drafts/early-help/EH-BNS-592V.docx",
                                          f"drafts/early-help/{request_row(db, 'MAN')['reference']}.docx"]
    assert "Manchester City Council" in letter_text(Path(result.stdout.splitlines()[1]).read_bytes())
    out = run("preview", "early-help", "BNS").stdout  # as `foi send` sends it (tests/test_preview.py)
    assert out.startswith("From: Jo Bloggs <jo@example.org>\n"
                          "To: foi@barnsley.gov.uk\n"
                          "Reply-To: foi+eh-bns-592v@example.org\n"
                          "Subject: Freedom of Information request: ")
    assert "\n\nDear Freedom of Information team at Barnsley Metropolitan Borough Council,\n" in out
    no_address = run("preview", "early-help", "MAN", ok=False)
    assert no_address.exit_code == 1 and "no FOI address for this body" in no_address.stderr
    failed = run("preview", "nope", "BNS", ok=False)
    assert failed.exit_code == 1 and re.search("No campaign called 'nope'", failed.stderr)
