"""The mail simulated councils send back: real RFC 5322 messages and attachments.

Each reply is addressed the way a council's would be, so the real matching rules
find its request: to our plus-address, as a reply to our Message-ID, with our
reference quoted in the text, with the council's own reference learned from its
acknowledgement, or from the council's domain alone. Nothing here knows request
ids: it only sees what the council received (our sent message).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from foi.campaign.references import find_references
from foi.demo.councils import PERIODS, QUESTIONS, Council

OUR_ADDRESS = "foi@campaign.example.org"
CASEWORK_DOMAIN = "casework.example.net"
LABELS = {  # wordings councils use for our three questions (the campaign file knows them)
    "closed_no_early_help": ["Assessments closed - no early help", "Closed with no further action",
                             "NFA no early help"],
    "step_down": ["Step down to early help", "Step-down referrals", "Referred to early help"],
    "rereferrals": ["Re-referrals within 12 months", "Re-referred", "Repeat referrals"],
}


@dataclass(frozen=True)
class Received:
    """Our request as the council's mailbox got it."""
    to_addr: str
    message_id: str
    subject: str
    reply_to: str
    reference: str       # normalised, as find_references gives it
    body: str


@dataclass
class Reply:
    code: str
    kind: str            # what the simulated council meant: acknowledgement, answer, ...
    rule: str            # the matching rule it is written to be found by
    date: dt.datetime
    raw: bytes = b""
    filename: str = ""   # set when written to the inbox
    attachment: str | None = None


@dataclass
class Letter:
    """What a reply says, before it becomes a message."""
    subject: str
    body: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def address(council: Council, local: str = "foi") -> str:
    return f"{local}@{council.domain}"


def their_reference(council: Council) -> str:
    return f"FOI/2026/{council.rng('reference').randint(1000, 9999):05d}"


def compose(council: Council, received: Received, letter: Letter, when: dt.datetime, rule: str,
            from_addr: str | None = None) -> bytes:
    """The bytes of one reply, addressed so that `rule` is the one that matches it."""
    message = EmailMessage()
    message["From"] = f"{council.name} <{from_addr or address(council)}>"
    message["To"] = received.reply_to if rule == "address_reference" else OUR_ADDRESS
    subject = letter.subject
    if rule == "sender_domain" and received.reference in find_references(subject):
        subject = "Your request for information"   # nothing of ours left: only the domain tells
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(f"{council.code.lower()}{int(when.timestamp())}",
                                       domain=council.domain)
    if rule == "thread":
        message["In-Reply-To"] = received.message_id
        message["References"] = received.message_id
    for name, value in letter.headers.items():
        message[name] = value
    body = letter.body
    if rule == "text_reference":
        body += "\n\n-----Original Message-----\n" + _quoted(received)
    message.set_content(body)
    for name, data, mime in letter.attachments:
        main, sub = mime.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message.as_bytes()


def _quoted(received: Received) -> str:
    head = f"From: {OUR_ADDRESS}\nSubject: {received.subject}\n\n"
    return head + "\n".join("> " + line for line in received.body.splitlines()[:40])


def signature(council: Council) -> str:
    return f"\n\nYours sincerely,\n\nInformation Governance Team\n{council.name}"


def _reply(council: Council, received: Received, text: str) -> Letter:
    """A letter in the thread of our request: greeting, text, signature."""
    return Letter(f"RE: {received.subject}", f"Dear Requester,\n\n{text}" + signature(council))


# ---------------------------------------------------------------- what councils say

def acknowledgement(council: Council) -> Letter:
    ref = their_reference(council)
    return Letter(f"{ref} - Information request acknowledgement",
                  f"Dear Requester,\n\nThank you for your request for information.\n\nOur reference: {ref}\n\n"
                  "We will respond within 20 working days. Please quote our reference in any "
                  "correspondence about this request." + signature(council),
                  headers={"Auto-Submitted": "auto-generated"})


def clarification(council: Council, received: Received) -> Letter:
    return _reply(council, received,
                  "Before we can deal with your request, could you please clarify "
                  "whether question 2 should count step-down referrals made at any point of the "
                  "assessment, or only those made when the assessment closed?\n\nThe time for our "
                  "response is paused until we hear from you.")


def extension(council: Council, received: Received, until: dt.date) -> Letter:
    return _reply(council, received,
                  "We need additional time to consider the public interest in "
                  "releasing part of the information, as section 10(3) of the Act allows. We "
                  f"will send our response by {until.day} {until:%B %Y}.")


def refusal_s12(council: Council, received: Received) -> Letter:
    return _reply(council, received,
                  "We estimate that finding and extracting this information would "
                  "exceed the appropriate limit of £450 set for local authorities, as each case file "
                  "would have to be read by hand. Your request is therefore refused under section "
                  "12 of the Freedom of Information Act 2000.\n\nYou may wish to narrow your request "
                  "to a single year.")


def refusal_s40(council: Council, received: Received) -> Letter:
    return _reply(council, received,
                  "The information you asked for, combined with other published "
                  "data, could identify individual children and families. It is personal data, exempt "
                  "from disclosure under section 40(2) of the Freedom of Information Act 2000, and "
                  "your request is refused.")


def not_held(council: Council, received: Received) -> Letter:
    """Question by question, as councils usually set out a 'not held' reply."""
    lines = [f"{label}: the council does not hold this information."
             for label in _labels(council, tuple(QUESTIONS))]
    return _reply(council, received,
                  "Our case management system does not record what happened "
                  "after an assessment closed, so:\n\n" + "\n".join(lines))


def out_of_office(council: Council, received: Received) -> Letter:
    return Letter(f"Automatic reply: {received.subject}",
                  "I am currently out of the office until Monday 16 March with limited access to "
                  "email. For urgent matters please contact the Information Governance team.",
                  headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"})


def bounce(received: Received, when: dt.datetime, original: bytes) -> bytes:
    """A delivery status notification (RFC 3464) returning our message's headers,
    written out by hand as an MTA would (the email package cannot build one)."""
    domain = received.to_addr.rpartition("@")[2]
    headers = original.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", "replace")
    boundary = f"dsn-{int(when.timestamp())}"
    text = f"""From: Mail Delivery System <MAILER-DAEMON@mx.campaign.example.org>
To: {OUR_ADDRESS}
Subject: Undelivered Mail Returned to Sender
Date: {format_datetime(when)}
Message-ID: {make_msgid("dsn", domain="mx.campaign.example.org")}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.campaign.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{received.to_addr}>: host mail.{domain} said: 550 5.1.1
    <{received.to_addr}>: Recipient address rejected: User unknown

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.campaign.example.org
Arrival-Date: {format_datetime(when)}

Final-Recipient: rfc822; {received.to_addr}
Original-Recipient: rfc822; {received.to_addr}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.{domain}
Diagnostic-Code: smtp; 550 5.1.1 <{received.to_addr}>: Recipient address rejected: User unknown

--{boundary}
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode("ascii")


# ---------------------------------------------------------------- answers

def answer(council: Council, received: Received, fmt: str, subject: str | None = None,
           intro: str = "", questions: tuple[str, ...] = tuple(QUESTIONS),
           small: bool = False) -> Letter:
    """An answer carrying the figures in `fmt`: xlsx, docx, pdf, csv or body."""
    labels = _labels(council, questions)
    grid = [[label, *[_cell(council.figures[q][p], small) for p in PERIODS]]
            for q, label in zip(questions, labels)]
    subject = subject or f"RE: {received.subject}"
    opening = intro or "Please find attached our response to your request for information."
    if fmt == "body":
        lines = [f"Q{n}. {row[0]}\n" + "\n".join(f"{p}: {v}" for p, v in zip(PERIODS, row[1:]))
                 for n, row in enumerate(grid, start=1)]
        body = ("Dear Requester,\n\nThe information you requested is below.\n\n"
                + "\n\n".join(lines) + signature(council))
        return Letter(subject, body)
    name = f"{council.code.lower()}-foi-response.{fmt}"
    data, mime = WRITERS[fmt](council, grid)
    return Letter(subject, f"Dear Requester,\n\n{opening}" + signature(council), [(name, data, mime)])


def _labels(council: Council, questions: tuple[str, ...]) -> list[str]:
    rng = council.rng("labels")
    return [f"Q{QUESTIONS.index(q) + 1} {rng.choice(LABELS[q])}" for q in questions]


def _cell(value: int, small: bool) -> str:
    if small and value < 5:
        return "<5"
    return f"{value:,}"


def _xlsx(council: Council, grid: list[list[str]]) -> tuple[bytes, str]:
    import openpyxl  # lazy: start-up
    from openpyxl.worksheet.worksheet import Worksheet  # lazy: start-up

    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one worksheet
    sheet.title = "FOI response"
    sheet["A1"] = f"{council.name}: early help after assessments"
    sheet.append([])
    sheet.append(["Question", *PERIODS])
    for row in grid:
        sheet.append([row[0], *[_number_or_text(v) for v in row[1:]]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number_or_text(value: str):
    digits = value.replace(",", "")
    return int(digits) if digits.isdigit() else value


def _docx(council: Council, grid: list[list[str]]) -> tuple[bytes, str]:
    import docx  # lazy: start-up

    document = docx.Document()
    document.add_paragraph(f"{council.name}: response to your request for information.")
    table = document.add_table(rows=1, cols=1 + len(grid))
    for cell, text in zip(table.rows[0].cells, ["Financial year", *[row[0] for row in grid]]):
        cell.text = text
    for index, period in enumerate(PERIODS, start=1):
        cells = table.add_row().cells
        cells[0].text = period
        for column, row in enumerate(grid, start=1):
            cells[column].text = row[index]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pdf(council: Council, grid: list[list[str]]) -> tuple[bytes, str]:
    from fpdf import FPDF  # lazy: start-up

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, f"{council.name}\nResponse to a request for information\n"
                         "The figures you asked for are below.")
    pdf.ln(6)
    with pdf.table() as table:
        header = table.row()
        for text in ["", *PERIODS]:
            header.cell(text)
        for row in grid:
            line = table.row()
            for text in row:
                line.cell(text)
    return bytes(pdf.output()), "application/pdf"


def _csv(council: Council, grid: list[list[str]]) -> tuple[bytes, str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Question", *PERIODS])
    writer.writerows(grid)
    return out.getvalue().encode("utf-8"), "text/csv"


WRITERS = {"xlsx": _xlsx, "docx": _docx, "pdf": _pdf, "csv": _csv}
