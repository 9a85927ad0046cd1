"""Realistic council replies, and what storage does with one before triage
(the campaign they answer: tests.builders.sent_campaign)."""

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

OUR_ADDRESS = "foi@charity.org.uk"
NOW = "2026-03-04T10:00:00+00:00"


def reply(body, *, sender="Information Governance <foi@barnsley.gov.uk>",
          to=OUR_ADDRESS, subject="Freedom of Information request", in_reply_to=None,
          headers=None, attachments=(), date=dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{abs(hash((body, subject, sender)))}@mail.example.gov.uk>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def store(db, msg, received="2026-03-03T12:00:00+00:00"):
    """What the storage side does before calling triage: a messages row."""
    from foi.triage.inputs import triage_input_from_email

    view = triage_input_from_email(msg)
    row_id = db["messages"].insert({
        "sha256": str(abs(hash(msg.as_string()))), "message_id": view.message_id,
        "source": "test", "size": len(msg.as_bytes()), "from_addr": view.from_addr,
        "from_name": view.from_name, "to_addrs": ",".join(view.recipients),
        "subject": view.subject, "date": received, "in_reply_to": " ".join(view.in_reply_to),
        "references_": " ".join(view.references), "body_text": view.body_text,
        "auto_submitted": view.headers.get("auto-submitted"), "stored_at": NOW,
    }).last_pk
    return row_id


def deliver(db, msg, received="2026-03-03T12:00:00+00:00"):
    from foi.triage.run import triage_message

    row_id = store(db, msg, received)
    return triage_message(db, row_id, msg, "2026-03-04", NOW)


def reply_file(reference: str, body: str, files: dict[str, tuple[bytes, str]] | None = None,
               day: int = 16) -> Path:
    """Barnsley's reply to `reference` on `day` March 2026, written to reply-DAY.eml for
    `foi import`; `files` maps a file name to (its bytes, its MIME type)."""
    message = EmailMessage()
    message["From"], message["To"] = "foi@barnsley.gov.uk", "campaign@charity.test"
    message["Subject"], message["Message-ID"] = f"RE: {reference}", f"<reply-{day}@barnsley.test>"
    message["Date"] = f"{day:02d} Mar 2026 10:00:00 +0000"
    message.set_content(body)
    for name, (data, mimetype) in (files or {}).items():
        maintype, subtype = mimetype.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path = Path(f"reply-{day}.eml")
    path.write_bytes(message.as_bytes())
    return path

