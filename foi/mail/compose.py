"""Turning a request into the exact bytes of an email.

The words come from the caller (foi.letters renders them from the campaign's
templates); this module adds the headers that make the message traceable: From,
Reply-To with the reference, a Message-ID fixed before sending, and the Date.
Every header value and the text pass through foi.safetext first: a council's
subject, name or Message-ID can never add a header or carry control characters.
"""

import binascii
import datetime as dt
import email.policy
import functools
import re
import secrets
from dataclasses import dataclass
from email import quoprimime
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
    fields = _header_fields(rendered, envelope)
    body = plain_text(rendered.body)
    if not rendered.attachments and (plain := _plain_ascii(fields, body)) is not None:
        return plain
    message = EmailMessage(policy=POLICY)
    for name, value in fields:
        message[name] = value
    message.set_content(body)
    for filename, data, mimetype in rendered.attachments:
        maintype, _, subtype = (mimetype or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=one_line(filename))
    return message.as_bytes(policy=POLICY)


def _header_fields(rendered: Content, envelope: Envelope) -> list[tuple[str, str]]:
    fields = [("From", _from(envelope.from_name, envelope.from_addr)), ("To", one_line(envelope.to_addr))]
    if envelope.reply_to:
        fields.append(("Reply-To", one_line(envelope.reply_to)))
    fields += [("Subject", one_line(rendered.subject)), ("Date", format_datetime(envelope.date)),
               ("Message-ID", one_line(envelope.message_id))]
    if in_reply_to := one_line(envelope.in_reply_to):
        fields += [("In-Reply-To", in_reply_to), ("References", in_reply_to)]
    return fields


@functools.lru_cache(maxsize=16)
def _from(name: str | None, address: str) -> str:
    """The From header: the same for every message of a run, and formataddr parses the address."""
    return formataddr((one_line(name), one_line(address)))


# Header values the email package writes out as given: an address or Message-ID with
# nothing to quote, a display name of words only, text with nothing to encode.
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
_PLAIN = {
    "From": re.compile(rf"(?:[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{{|}}~-]+)* )?"
                       rf"<{_ADDRESS.pattern}>|{_ADDRESS.pattern}"),
    "To": _ADDRESS, "Reply-To": _ADDRESS,
    "Message-ID": re.compile(rf"<{_ADDRESS.pattern}>"),
    "Date": re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}"),
}
_UNSTRUCTURED = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")  # no encoded word: see below
MAX_LINE = 78  # POLICY.max_line_length, the longest line the email package writes unfolded


def _plain_ascii(fields: list[tuple[str, str]], body: str) -> bytes | None:
    """The bytes the email package makes for the usual message (headers with nothing to
    encode or quote, a text body, no attachment), written directly: the email package
    parses every header it is given, most of the time of a send. None for any other
    message."""
    head = []
    for name, value in fields:
        pattern = _PLAIN.get(name, _UNSTRUCTURED)
        if not pattern.fullmatch(value) or "=?" in value:
            return None
        folded = _fold(name, value) if pattern is _UNSTRUCTURED else f"{name}: {value}"
        if folded is None or (pattern is not _UNSTRUCTURED and len(folded) > MAX_LINE):
            return None
        head.append(folded)
    if (encoded := _text_body(body)) is None:
        return None
    cte, text = encoded
    head += ['Content-Type: text/plain; charset="utf-8"', f"Content-Transfer-Encoding: {cte}", "MIME-Version: 1.0"]
    return ("\r\n".join(head) + "\r\n\r\n" + _LINE_END.sub("\r\n", text)).encode("ascii")


_LINE_END = re.compile(r"\r\n|\r|\n")


def _text_body(body: str) -> tuple[str, str] | None:
    """(Content-Transfer-Encoding, the body encoded) as EmailMessage.set_content makes
    them for UTF-8 text under POLICY: 7bit for short ASCII lines, else quoted-printable,
    unless base64 comes out shorter (None then)."""
    lines = body.encode("utf-8").splitlines()
    if body.isascii() and max((len(line) for line in lines), default=0) <= MAX_LINE:
        return "7bit", (b"\n".join(lines) + b"\n").decode("ascii")
    sniff = b"\r\n".join(lines[:10]) + b"\r\n"
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        return None
    if len(lines) <= 10:
        return "quoted-printable", sniff_qp
    return "quoted-printable", quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), MAX_LINE)


def _fold(name: str, value: str) -> str | None:
    """The header folded before a space wherever it would pass MAX_LINE, as the email
    package folds plain text: the whole value on the next line if it fits there, else
    as much on each line as fits. None if a word alone is too long for a line."""
    line = f"{name}: {value}"
    if len(line) > MAX_LINE and len(value) + 1 <= MAX_LINE:
        return f"{name}:\r\n {value}"
    parts = []
    while len(line) > MAX_LINE:
        cut = line.rfind(" ", 0, MAX_LINE + 1)
        if cut <= len(name) + 1:
            return None
        parts.append(line[:cut])
        line = line[cut:]
    return "\r\n".join([*parts, line])
