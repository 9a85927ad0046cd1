"""Turning a request into the exact bytes of an email.

The words come from the caller (foi.letters renders them from the campaign's
templates); this module adds the headers that make the message traceable: From,
Reply-To with the reference, a Message-ID fixed before sending, and the Date.
Every header value and the text pass through foi.safetext first: a council's
subject, name or Message-ID can never add a header or carry control characters.
"""

import datetime as dt
import email.policy
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Protocol

from foi.safetext import one_line, plain_text

# 7bit keeps every line short and ASCII: non-ASCII text goes quoted-printable,
# so no server along the way has to understand 8BITMIME or SMTPUTF8.
POLICY = email.policy.SMTP.clone(cte_type="7bit")


class Content(Protocol):
    """The words of a message (foi.letters.render.Rendered is one)."""

    @property
    def subject(self) -> str: ...

    @property
    def body(self) -> str: ...

    @property
    def attachments(self) -> list[tuple[str, bytes, str]]: ...  # (filename, content, mimetype)


@dataclass(frozen=True)
class Envelope:
    """The headers foi adds around the rendered words."""

    from_addr: str
    to_addr: str
    message_id: str
    date: dt.datetime
    from_name: str | None = None
    reply_to: str | None = None
    in_reply_to: str | None = None


def make_message_id(reference: str, sender_email: str) -> str:
    """A globally unique Message-ID that also carries the reference, so a reply's
    In-Reply-To/References can be matched even if the subject was changed."""
    domain = sender_email.rsplit("@", 1)[-1] or "foi.invalid"
    return f"<foi.{reference}.{secrets.token_hex(8)}@{domain}>"


def build_message(rendered: Content, envelope: Envelope) -> bytes:
    """The RFC 5322 bytes (CRLF line ends), ready for SMTP and the Sent folder."""
    message = EmailMessage(policy=POLICY)
    message["From"] = formataddr((one_line(envelope.from_name), one_line(envelope.from_addr)))
    message["To"] = one_line(envelope.to_addr)
    if envelope.reply_to:
        message["Reply-To"] = one_line(envelope.reply_to)
    message["Subject"] = one_line(rendered.subject)
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = one_line(envelope.message_id)
    if in_reply_to := one_line(envelope.in_reply_to):
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(plain_text(rendered.body))
    for filename, data, mimetype in rendered.attachments:
        maintype, _, subtype = (mimetype or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=one_line(filename))
    return message.as_bytes(policy=POLICY)
