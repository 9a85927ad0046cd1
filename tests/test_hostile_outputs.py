"""Council text in every output foi writes: the chasers and complaint letters, drafts,
the calendar, the correspondence zip, standard error, the HTML report, CSV and xlsx.
Line breaks, escape sequences and bidi overrides never reach a mail header, an ICS
line, a zip member or a file name; nothing from a council is run as a script, a
formula, a Word field or a template."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import mailbox
import re
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest

from tests.builders import VISITS_CAMPAIGN, sent_to_barnsley
from tests.mailfixtures import reply_file

REFUSAL = ("We are refusing your request. The information is exempt under section 40(2) of the Act "
           "(personal information), so it is withheld.")
# A council's reference as an attacker would write it: CR LF and NEL to start a header of its
# own, an escape sequence that retitles the window, a right-to-left override, a line
# separator, and a template expression.
HOSTILE_REF = ("FOI-77\r\nBcc: spy@attacker.test\x1b]0;owned\x07 \u202eexe.txt\x85X-Injected: yes"
               "\u2028{{ 7*7 }}")
# ... and as every letter, mail and file shows it: one line, each control dropped.
SHOWN_REF = "FOI-77 Bcc: spy@attacker.test]0;owned exe.txt X-Injected: yes {{ 7*7 }}"
# What must never be written anywhere but the database (and JSON, which escapes it).
RAW = ("\x1b", "\x07", "\x85", "\u202e", "\u2028", "\u2066", "\u200b", "\x00")


def no_raw(text: str) -> bool:
    return not any(char in text for char in RAW)


def db() -> sqlite3.Connection:
    return sqlite3.connect("campaign.db")


def set_their_reference(reference: str, value: str) -> None:
    with db() as conn:
        conn.execute("UPDATE requests SET their_reference = ? WHERE reference = ?", [value, reference])
        conn.execute("UPDATE messages SET their_reference = ?", [value])


# The council's Message-ID, which a chaser answers in In-Reply-To and References.
HOSTILE_ID = "<reply-16@barnsley.test>\r\nBcc: spy@attacker.test\x1b[2J\u202e"
SHOWN_ID = "<reply-16@barnsley.test> Bcc: spy@attacker.test[2J"


def refused_with_hostile_subject(run, monkeypatch) -> str:
    """BNS's request, refused on 16 March by a reply whose subject carries an escape
    sequence, a bidi override and a template expression; its reference is HOSTILE_REF."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    path = reply_file(reference, REFUSAL)
    hostile = f"RE: {reference} \x1b[2J done \u202egpj.exe {{{{ 7*7 }}}}"
    path.write_bytes(re.sub(rb"(?m)^Subject: .*$", f"Subject: {hostile}".encode(), path.read_bytes()))
    run("import", str(path))
    assert db().execute("SELECT state FROM requests").fetchone() == ("refused",)
    set_their_reference(reference, HOSTILE_REF)
    with db() as conn:
        conn.execute("UPDATE messages SET message_id = ?", [HOSTILE_ID])
    return reference


def outbox_messages() -> list[email.message.EmailMessage]:
    box = mailbox.Maildir("outbox", create=False)
    return [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.iterkeys()]


def assert_one_line_headers(raw: bytes) -> None:
    """Each header of a sent message is its own: none added by council text, none with a control."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = [line.split(":", 1)[0] for line in head.split("\r\n") if line and not line[0].isspace()]
    assert set(names) <= {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
                          "References", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"}, names


@pytest.mark.parametrize("stage", ["reminder", "review"])
def test_a_chaser_carries_a_hostile_council_reference_on_one_line(run, monkeypatch, stage):
    """The reminder and the review request name the council's reference in the Subject and
    the text: both as SHOWN_REF, never a second header, never a control character."""
    if stage == "reminder":
        reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
        set_their_reference(reference, HOSTILE_REF)
        monkeypatch.setenv("FOI_NOW", "2026-04-15T09:00:00+01:00")  # due 30 March: overdue
    else:
        reference = refused_with_hostile_subject(run, monkeypatch)
        monkeypatch.setenv("FOI_NOW", "2026-03-20T09:00:00+00:00")

    dry = run("chase", "visits", "--stage", stage, "--dry-run")
    sent = run("chase", "visits", "--stage", stage, "--yes")

    assert "Written to outbox/, not sent: 1" in sent.stdout
    [message] = outbox_messages()
    raw = message.as_bytes()
    assert_one_line_headers(raw)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert f"(your ref {SHOWN_REF})" in message["Subject"] and no_raw(message["Subject"])
    text = message.get_content()
    assert f"your reference {SHOWN_REF}" in " ".join(text.split()) and no_raw(text)
    assert "49" not in text  # the reference's {{ 7*7 }} is text, never evaluated
    assert f"Subject: {message['Subject']}" in dry.stdout and no_raw(dry.stdout + dry.stderr)
    if stage == "review":  # in the thread of the council's refusal, whatever its Message-ID holds
        assert message["In-Reply-To"] == message["References"] == SHOWN_ID
        assert f"In-Reply-To: {SHOWN_ID}" in dry.stdout


def test_an_ico_complaint_with_a_hostile_council_reference_is_written(run, monkeypatch):
    """`foi chase --stage ico` on a request whose council reference holds CR LF, ESC and a
    bidi override (a traceback before): the dry run, the .txt and the .docx all show it
    on one line, without the controls, and the reply's subject too."""
    reference = refused_with_hostile_subject(run, monkeypatch)
    monkeypatch.setenv("FOI_NOW", "2026-03-20T09:00:00+00:00")
    monkeypatch.setenv("FOI_OUTBOX_COUNTS_AS_SENT", "true")  # the review request counts as sent from outbox/
    run("chase", "visits", "--stage", "review", "--yes")
    monkeypatch.setenv("FOI_NOW", "2026-05-20T09:00:00+01:00")  # the review is 20 working days late

    dry = run("chase", "visits", "--stage", "ico", "--dry-run")
    written = run("chase", "visits", "--stage", "ico")

    base = Path("ico") / "visits" / reference
    assert written.stdout.split() == [str(Path.cwd() / f"{base}.txt"), str(Path.cwd() / f"{base}.docx")]
    complaint = Path(f"{base}.txt").read_text(encoding="utf-8")
    assert f"- The authority's reference: {SHOWN_REF}\n" in complaint
    assert f"(their ref {SHOWN_REF}): RE: {reference} [2J done gpj.exe {{{{ 7*7 }}}}  {SHOWN_ID}\n" in complaint
    assert no_raw(complaint) and "\r" not in complaint
    assert complaint.split("\n\n", 1)[1] in dry.stdout and no_raw(dry.stdout + dry.stderr)
    from foi.letters.word import letter_text

    letter = Path(f"{base}.docx").read_bytes()
    assert f"Your reference: {SHOWN_REF}" in letter_text(letter)
    assert f"- The authority's reference: {SHOWN_REF}" in letter_text(letter)
    assert_no_fields(letter)


def assert_no_fields(docx: bytes) -> None:
    """No Word field (simple or complex), no hyperlink, no control in any part of the .docx."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert not re.search(r"<w:(fldSimple|instrText|fldChar|hyperlink)\b", xml), name
                assert no_raw(xml), name
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        assert "hyperlink" not in rels and "evil.test" not in rels


FIELDS = ('{ HYPERLINK "http://evil.test/x" } DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" '
          "http://evil.test/login \x1b[2J\u202e{% if true %}49{% endif %}")
FIELDS_SHOWN = ('{ HYPERLINK "http://evil.test/x" } DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc" '
                "http://evil.test/login [2J{% if true %}49{% endif %}")


@pytest.mark.parametrize("fmt", ["docx", "eml", "txt"])
def test_generated_drafts_keep_council_text_literal(run, monkeypatch, fmt):
    """`foi generate --kind reminder`: a council reference and a council name written as Word
    fields, a DDE command, a link and a template tag are literal text on one line: no field,
    no hyperlink, no control character, nothing evaluated (a traceback before, for docx)."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    set_their_reference(reference, FIELDS)
    with db() as conn:
        conn.execute("UPDATE bodies SET name = ? WHERE code = 'BNS'",
                     ["Barnsley { DDE \"cmd\" }\r\n\u202eCouncil {{ 7*7 }}"])
    monkeypatch.setenv("FOI_NOW", "2026-04-15T09:00:00+01:00")  # overdue: a reminder is due

    run("generate", "visits", "--format", fmt, "--kind", "reminder", "--out", "drafts")

    path = Path("drafts") / f"{reference}-reminder.{fmt}"
    if fmt == "docx":
        from foi.letters.word import letter_text

        text = letter_text(path.read_bytes())
        assert_no_fields(path.read_bytes())
        assert "Barnsley { DDE \"cmd\" } Council {{ 7*7 }}" in text.split("\n")
    elif fmt == "eml":
        raw = path.read_bytes()
        assert_one_line_headers(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message["To"].addresses[0].display_name == 'Barnsley { DDE "cmd" } Council {{ 7*7 }}'
        assert f"(your ref {FIELDS_SHOWN})" in message["Subject"]
        text = message["Subject"] + "\n" + message.get_content()
    else:
        text = path.read_text(encoding="utf-8")
    assert f"your reference {FIELDS_SHOWN}" in " ".join(text.split())
    assert no_raw(text) and "\r" not in text


ICS_NAME = "Barnsley\r\nATTENDEE:mailto:spy@attacker.test\x1b]0;owned\x07\u202e\x85X-EVIL:1\u2028Council"


def test_the_calendar_keeps_a_hostile_council_name_inside_its_property(run, monkeypatch):
    """`foi calendar --ics`: a council name holding line breaks of every kind, ESC and a bidi
    override stays inside SUMMARY and DESCRIPTION (escaped, RFC 5545), no line is longer
    than 75 octets, and no control character but the CRLF that ends a line is written."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    with db() as conn:
        conn.execute("UPDATE bodies SET name = ? WHERE code = 'BNS'", [ICS_NAME + " of " + "x" * 80])

    run("calendar", "visits", "--ics", "due.ics")

    data = Path("due.ics").read_bytes()
    assert data.endswith(b"\r\n") and no_raw(data.decode("utf-8"))
    lines = data.decode("utf-8").split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert not any(re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line) for line in lines)
    unfolded = re.sub(r"\r\n[ \t]", "", data.decode("utf-8")).split("\r\n")[:-1]
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded}
    assert names == {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME", "UID",
                     "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP"}
    shown = "Barnsley ATTENDEE:mailto:spy@attacker.test]0\\;owned X-EVIL:1 Council of " + "x" * 80
    assert f"SUMMARY:FOI due: {shown} {reference}" in unfolded


ATTACHED = {"answer\u202evsc.exe": b"a,1\n", "\u2066figures\u2069 2024\u200b.csv": b"b,2\n",
            "..\u202e/..\u202e/\u202etxt.exe": b"c,3\n", "\x1b]0;x\x07notes.txt": b"d,4\n"}


def exported_attachments(zip_path: str) -> list[str]:
    """The attachment file names in the correspondence zip; every member checked on the way."""
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert sorted(archive.read(n) for n in names if n.count("/") == 2) == sorted(ATTACHED.values())
    for name in names:
        parts = name.split("/")
        assert not name.startswith("/") and ".." not in parts and "\\" not in name, name
        assert no_raw(name) and not re.search(r"[\x00-\x1f\x7f-\x9f]", name), name
    return sorted(n.split("/")[-1] for n in names if n.count("/") == 2)


def test_the_correspondence_zip_names_files_without_bidi_controls_or_traversal(run, monkeypatch):
    """An attachment called "answer\\u202evsc.exe" (shown as answerexe.csv) is exported as
    answervsc.exe: what it is. Isolates, zero-width spaces, escape sequences and a path
    hidden behind overrides are dropped or neutralised; the same holds for names an older
    foi stored unclean."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    path = reply_file(reference, "Our figures are attached.",
                      {name: (data, "text/csv") for name, data in ATTACHED.items()})
    run("import", str(path))
    stored = db().execute("SELECT original_filename, filename FROM attachments ORDER BY position").fetchall()
    assert [original for original, _ in stored] == list(ATTACHED)  # what the council called them, kept
    assert [name for _, name in stored] == ["answervsc.exe", "figures 2024.csv", "txt.exe", "_]0;x_notes.txt"]

    run("export", "visits", "--what", "correspondence", "-o", "letters.zip")
    assert exported_attachments("letters.zip") == sorted(name for _, name in stored)

    with db() as conn:  # names as an older foi stored them: the export cleans them itself
        conn.execute("UPDATE attachments SET filename = original_filename")
    run("export", "visits", "--what", "correspondence", "-o", "again.zip")
    assert exported_attachments("again.zip") == sorted(["answervsc.exe", "figures 2024.csv", "_.._txt.exe",
                                                        "]0;xnotes.txt"])


HOSTILE_NAME = "Barnsley \x1b]0;owned\x07 \u202eCouncil \u009b2J"


def test_standard_error_masks_council_text_as_standard_output_does(run, monkeypatch):
    """Notes on standard error name councils (a skipped chase, a recorded event): an escape
    sequence or a bidi override in a name is shown as '?', as on standard output."""
    sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    with db() as conn:
        conn.execute("UPDATE bodies SET name = ? WHERE code = 'BNS'", [HOSTILE_NAME])

    skipped = run("chase", "visits", "--stage", "reminder", "--dry-run").stderr
    recorded = run("mark-sent", "visits", "BNS", "--via", "post", "--on", "2026-03-02", "--force",
                   "--dry-run").stderr

    assert "\tBarnsley ?]0;owned? ?Council ?2J\tskipped: not overdue" in skipped
    assert "(Barnsley ?]0;owned? ?Council ?2J) as sent via post on 2026-03-02" in recorded
    assert no_raw(skipped + recorded) and "\u009b" not in skipped + recorded


def test_the_progress_bar_draws_on_a_terminal_and_masks_its_label(monkeypatch):
    """The bar hides and shows the cursor with escape sequences of its own: they reach the
    terminal although standard error is masked; a label from outside (a mail folder's
    name) is masked."""
    from foi.cli.progress import Progress
    from foi.cli.terminal import TerminalSafe

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", TerminalSafe(terminal))
    with Progress("Fetching", 2) as progress:
        progress.update(1, 2, "INBOX/\x1b]0;owned\x07")
        progress.update(2)
    shown = terminal.getvalue()
    assert "\x1b[?25l" in shown and "\x1b[?25h" in shown  # the cursor hidden, then shown again
    assert "INBOX/?]0;owned?" in shown and "\x1b]" not in shown and "\x07" not in shown


TWO_QUESTIONS = VISITS_CAMPAIGN + """
[[questions]]
id = "policy"
kind = "text"
text = "What is your policy on home visits?"
"""
SCRIPT_NAME = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> {{ 7*7 }}"
SCRIPT_CELL = '=HYPERLINK("javascript:alert(1)","x") <a href="javascript:alert(1)">x</a> {% if 1 %}{{ 7*7 }}{% endif %}'
FORMULA_SUBJECT = "=cmd|' /C calc'!A0 RE: {reference} <img src=x onerror=alert(1)> {{{{ 7*7 }}}}"
FORMULA_BODY = "@SUM(1+1)*cmd|' /C calc'!A0\nPlease find our response below."


@pytest.fixture
def hostile_campaign(run, monkeypatch) -> str:
    """A campaign whose council name holds a script, an image with onerror and a template
    tag; its reply's subject and text start formulas; a text answer holds a javascript:
    link, a HYPERLINK formula and a template block. Returns BNS's reference."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", TWO_QUESTIONS)
    with db() as conn:
        conn.execute("UPDATE bodies SET name = ? WHERE code = 'BNS'", [SCRIPT_NAME])
    path = reply_file(reference, FORMULA_BODY)
    subject = FORMULA_SUBJECT.format(reference=reference)
    path.write_bytes(re.sub(rb"(?m)^Subject: .*$", f"Subject: {subject}".encode(), path.read_bytes()))
    run("import", str(path))
    run("answer", "visits", "BNS", "policy", "2024/25", SCRIPT_CELL)
    return reference


def test_the_html_report_shows_council_text_and_runs_none_of_it(hostile_campaign, run):
    """Names and cells reach the HTML report escaped only: no tag, handler or javascript:
    link from them, and their template tags as the characters they are."""
    run("report", "visits", "--html", "report.html")
    html = Path("report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&lt;img src=x onerror=" in html
    assert "=HYPERLINK(&#34;javascript:alert(1)&#34;,&#34;x&#34;) &lt;a href=&#34;javascript:alert(1)&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and "{% if 1 %}{{ 7*7 }}{% endif %}" in html
    assert not re.search(r"<(script|img|a|iframe|object|embed)\b|\bon\w+=\"|href=\"javascript:", html, re.I)


def test_a_browser_runs_no_script_from_council_text(hostile_campaign, run, isolated):
    """The same report in headless Chromium: the title is the report's, nothing is fetched."""
    browser = pytest.importorskip("tests.test_report_browser")
    if browser.BROWSER is None:
        pytest.skip("chromium is not installed (scripts/setup-env --test installs it)")
    run("report", "visits", "--html", "report.html")
    dom, requested = browser.open_page(isolated / "report.html", isolated)
    assert "<title>Home visits: FOI report as of 2026-03-17</title>" in dom and "pwned" not in dom.split("<body")[0]
    assert requested == []


def test_csv_and_xlsx_exports_write_council_text_as_text_never_a_formula(hostile_campaign, run):
    """A subject, a text and a cell starting = or @ reach CSV prefixed with an
    apostrophe, and xlsx as string cells (quote-prefixed), never as formulas."""
    reference = hostile_campaign
    subject = FORMULA_SUBJECT.format(reference=reference)
    messages = list(csv.DictReader(io.StringIO(run("export", "visits", "--what", "messages").stdout)))
    [incoming] = [m for m in messages if m["direction"] == "in"]
    assert (incoming["subject"], incoming["body"]) == ("'" + subject, "'" + FORMULA_BODY)
    dataset = {r["question_id"]: r for r in csv.DictReader(io.StringIO(run("export", "visits").stdout))}
    assert dataset["policy"]["value"] == "'" + SCRIPT_CELL

    from openpyxl import load_workbook

    run("export", "visits", "--what", "messages", "--format", "xlsx", "-o", "messages.xlsx")
    run("export", "visits", "--format", "xlsx", "-o", "dataset.xlsx")
    cells = [cell for name in ("messages.xlsx", "dataset.xlsx")
             for row in load_workbook(name).worksheets[0].iter_rows() for cell in row]
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))]
    assert sorted(c.value for c in hostile) == sorted([FORMULA_BODY, subject, SCRIPT_CELL, SCRIPT_CELL])  # value, raw
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    with zipfile.ZipFile("messages.xlsx") as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode("utf-8")


@pytest.mark.parametrize(("text", "line", "plain"), [
    ("a\r\nb\rc\nd\x0be\x0cf\x85g\u2028h\u2029i\tj", "a b c d e f g h i j", "a\nb\nc\nd\ne\nf\ng\nh\ni\tj"),
    ("\x1b]0;t\x07\x1b[2J\u009b2J\x00\x7f", "]0;t[2J2J", "]0;t[2J2J"),
    ("answer\u202evsc.exe \u2066x\u2069\u200e\u200f\u061c", "answervsc.exe x", "answervsc.exe x"),
    ("zero\u200bwidth\u00adsoft\ufeffbom\U000e0041tag", "zerowidthsoftbomtag", "zerowidthsoftbomtag"),
    ("lone \udc80surrogate \ufffe\uffff\ufdd0 non", "lone surrogate non", "lone surrogate  non"),
    ("Café – 東京 {{ 7*7 }}", "Café – 東京 {{ 7*7 }}", "Café – 東京 {{ 7*7 }}"),
])
def test_safe_text_drops_every_unseen_character(text, line, plain):
    """The one place that decides: line breaks of every kind, C0 and C1 controls, bidi
    marks, zero-width and tag characters, surrogates and noncharacters; text stays."""
    from foi.safetext import one_line, plain_text

    assert (one_line(text), plain_text(text)) == (line, plain)


def test_safe_text_looks_up_every_character_that_could_be_unseen():
    """The characters skipped for speed hold none that Unicode (as this Python knows it)
    calls a control, format, separator, surrogate or noncharacter."""
    from foi.safetext import _look_up, unseen

    skipped = (chr(point) for point in range(sys.maxunicode + 1) if not _look_up().match(chr(point)))
    assert [hex(ord(char)) for char in skipped if unseen(char)] == []


def test_safe_text_shortcut_for_printable_text_changes_nothing_the_full_pass_would():
    """one_line and plain_text return text that str.isprintable() passes without the
    character pass: no code point it passes is one that pass would drop or change."""
    from foi.safetext import _flat, _look_up, _plain

    printable = "".join(chr(point) for point in range(sys.maxunicode + 1) if chr(point).isprintable())
    assert _look_up().sub(_flat, printable) == printable
    assert _look_up().sub(_plain, printable) == printable


@pytest.mark.parametrize(("text", "line"), [
    ("  Leeds   City  Council ", "Leeds City Council"),
    ("Leeds City Council", "Leeds City Council"),
    ("Leeds\u00a0City", "Leeds\u00a0City"),  # a no-break space is seen, and kept
])
def test_one_line_trims_and_collapses_spaces_on_printable_text(text, line):
    from foi.safetext import one_line, plain_text

    assert one_line(text) == line
    assert plain_text(text) == text
