"""What matching and classification need from a received message.

The receiving side parses mail into its own richer record; triage reads only
these fields, so it can run on a stored message, a fresh one, or a test's
hand-built `email.message.EmailMessage`.
"""

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses, parseaddr

from foi.mail.parse import ENVELOPE_HEADERS
from foi.triage.bounces import decoded_header

RECEIVED_FOR = re.compile(r"\bfor\s+<?([^\s<>;]+@[^\s<>;]+)>?", re.I)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class TriageInput:
    message_id: str | None
    from_addr: str
    from_name: str
    recipients: list[str]
    subject: str
    body_text: str
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (filename, type)
    email: Message | None = None

    def __post_init__(self) -> None:
        self.body_text = triage_text(self.body_text)


# What a message is, and which request it answers, is said at its start (and in the quoted
# request at its end); the middle of a very long body (records pasted in) only slows triage,
# which reads about 4 s a megabyte.
TRIAGE_HEAD_CHARS = 192 * 1024
TRIAGE_TAIL_CHARS = 64 * 1024


def triage_text(text: str) -> str:
    """The start and end of a long body, the whole of an ordinary one."""
    if len(text) <= TRIAGE_HEAD_CHARS + TRIAGE_TAIL_CHARS:
        return text
    return text[:TRIAGE_HEAD_CHARS] + "\n\n[...]\n\n" + text[-TRIAGE_TAIL_CHARS:]


def triage_input_from_email(msg: Message) -> TriageInput:
    """Build the triage view of a stdlib message (any policy)."""
    headers = header_view(msg)
    name, address = parseaddr(decoded_header(msg.get("From")))
    return TriageInput(
        message_id=(MESSAGE_ID.findall(str(msg.get("Message-ID") or "")) or [None])[0],
        from_addr=address.lower(),
        from_name=name,
        recipients=recipient_addresses(msg),
        subject=decoded_header(msg.get("Subject")),
        body_text=body_text(msg),
        in_reply_to=MESSAGE_ID.findall(str(msg.get("In-Reply-To") or "")),
        references=MESSAGE_ID.findall(" ".join(str(v) for v in msg.get_all("References") or [])),
        headers=headers,
        attachments=attachment_list(msg),
        email=msg,
    )


def header_view(msg: Message) -> dict[str, str]:
    """Every header by lower-case name, decoded; the first of repeated ones wins."""
    return {k.lower(): decoded_header(v) for k, v in reversed(list(msg.items()))}


def recipient_addresses(msg: Message) -> list[str]:
    """Every address the message was sent or delivered to, lower-cased, in order."""
    values: list[str] = []
    for name in ("To", "Cc", "Bcc", *ENVELOPE_HEADERS):
        values.extend(str(v) for v in msg.get_all(name) or [])
    found = [a for _, a in getaddresses(values) if "@" in a]
    for received in msg.get_all("Received") or []:
        found.extend(RECEIVED_FOR.findall(str(received)))
    unique: list[str] = []
    for address in found:
        address = address.strip().lower()
        if address not in unique:
            unique.append(address)
    return unique


def body_text(msg: Message) -> str:
    """The first text/plain part, else the first text/html part flattened."""
    html = None
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        if part.get_content_type() == "text/plain":
            return _decode(part)
        if part.get_content_type() == "text/html" and html is None:
            html = _decode(part)
    if html is None:
        return ""
    html = re.sub(r"(?is)<(script|style).*?</\1>", " ", html)
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>", "\n", html)
    return re.sub(r"<[^>]+>", " ", html)


def attachment_list(msg: Message) -> list[tuple[str, str]]:
    """Attachments a reader would call attachments: named or non-text parts."""
    found = []
    for part in msg.walk():
        if part.is_multipart() or (part is msg and not msg.is_multipart()):
            continue
        filename = part.get_filename()
        kind = part.get_content_type()
        if filename or part.get_content_disposition() == "attachment":
            found.append((filename or "", kind))
        elif not kind.startswith(("text/", "multipart/", "message/delivery-status")):
            found.append(("", kind))
    return found


def _decode(part: Message) -> str:
    raw = part.get_payload(decode=True)
    raw = raw if isinstance(raw, bytes) else b""
    try:
        return raw.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:
        return raw.decode("latin-1")
