"""One received message, read into plain fields. Pure, and never raises.

Replies come from every kind of mail system: odd charsets, broken MIME,
missing headers, Outlook .msg files. Whatever cannot be read is noted in
`errors` (and `parse_error` when the message as a whole could not be read);
the raw bytes are kept elsewhere, so nothing is lost by a weak parse.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from foi.mail import boundaries, sniff
from foi.mail.filenames import decode_filename
from foi.mail.htmltext import html_to_text
from foi.mail.skeleton import cut_large_bodies, decode_cut

boundaries.install()  # the mail parser finds boundary lines without a regex compiled for each

# Headers that name the address a message was delivered to, beyond To/Cc/Bcc.
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "X-Rcpt-To",
                    "X-Delivered-To", "Original-Recipient")
AUTO_HEADERS = ("Auto-Submitted", "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "Precedence")
_RECEIVED_FOR = re.compile(r"\bfor\s+<?([^\s<>;]+@[^\s<>;]+?)>?\s*;", re.IGNORECASE)
_BARE_ADDRESS = re.compile(r"[^\s<>\"'@,;]+@[^\s<>\"',;]+")
# A header of one plain address, "Name <local@domain>" or "local@domain", as most are: read
# here, without the standard library's general address parser (an eighth of the parse of
# a short reply), into what that parser makes of it (tests/test_mail_addresses.py).
_ADDR_SPEC = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PLAIN_ADDRESS = re.compile(rf"[ \t]*(?:([A-Za-z0-9][A-Za-z0-9 '-]*?)?[ \t]*<({_ADDR_SPEC})>|({_ADDR_SPEC}))[ \t]*")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class Part:
    """A leaf of the message that is not its body text: an attachment, an inline
    image, an attached message, a delivery report."""

    data: bytes
    filename: str | None  # decoded (RFC 2231/2047), not yet sanitised
    declared_type: str
    disposition: str | None = None
    content_id: str | None = None
    note: str | None = None


@dataclass
class ParsedMessage:
    message_id: str | None = None  # "<id@host>", angle brackets kept
    from_addr: str | None = None  # lower-cased address
    from_name: str | None = None
    to_addrs: list[str] = field(default_factory=list)
    cc_addrs: list[str] = field(default_factory=list)
    bcc_addrs: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)  # envelope recipients, plus-addresses kept
    reply_to: list[str] = field(default_factory=list)
    subject: str | None = None
    date: str | None = None  # ISO-8601 with offset
    received_date: str | None = None  # from the newest Received header
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    auto_headers: dict[str, str] = field(default_factory=dict)
    body_text: str = ""
    body_html: str | None = None
    email: Message | None = None
    attachments: list[Part] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    parse_error: str | None = None
    is_outlook_msg: bool = False
    # What the receiver's triage worked out from the message alone while it was read
    # (foi.mail.store.Triage.ahead); storage only carries it.
    read_ahead: object = None

    @property
    def auto_submitted(self) -> str | None:
        """The automatic-reply signals as one line, or None for a human message."""
        return "; ".join(f"{k}: {v}" for k, v in self.auto_headers.items()) or None

    def recipients(self) -> list[str]:
        """Every address the message was for, envelope first, without repeats."""
        seen: dict[str, None] = {}
        for address in self.delivered_to + self.to_addrs + self.cc_addrs + self.bcc_addrs:
            seen.setdefault(address, None)
        return list(seen)


# The stdlib parser holds ~8 copies of a message while decoding it (2.5 GB peak for
# a 200 MB attachment). Mail servers refuse messages far smaller (Gmail 25 MB,
# Microsoft 365 150 MB at most), so above this only the headers are read; the raw
# message is still stored whole, with a note saying to open it by hand.
MAX_PARSE_BYTES = 100 * 1024 * 1024


def parse_message(raw: bytes) -> ParsedMessage:
    """Read `raw` (RFC 5322 bytes, or an Outlook .msg file) into a ParsedMessage."""
    if len(raw) > MAX_PARSE_BYTES and raw[:8] != sniff.OLE2_MAGIC:
        return _parse_headers_only(raw)
    if len(raw) > LARGE_BYTES and raw[:8] != sniff.OLE2_MAGIC:
        return _parse_large(raw)
    return _parse(raw)


# Above this a message's large attachments are cut out before parsing (foi.mail.skeleton).
LARGE_BYTES = 4 * 1024 * 1024


def _parse_large(raw: bytes) -> ParsedMessage:
    """parse_message of a message with large attachments, in a third of the memory: its
    skeleton parsed, each attachment decoded straight from `raw`."""
    skeleton, cuts = cut_large_bodies(raw)
    result = _parse(skeleton)
    bodies = {cut.marker: cut for cut in cuts}
    for part in result.attachments:
        cut = bodies.get(part.data)
        if cut is not None:
            part.data = decode_cut(raw, cut)
    return result


# Where the headers of a message must end for foi to read them on their own.
HEADER_BYTES = 1024 * 1024


def parse_headers(raw: bytes) -> ParsedMessage | None:
    """The headers alone of a message whose body cannot be read (too large, past foi's
    limits, or breaking the parser), so it can still be matched to its request; None when
    there is no header block or it cannot be read either. The caller says why in parse_error."""
    ends = [i for i in (raw.find(b"\r\n\r\n", 0, HEADER_BYTES), raw.find(b"\n\n", 0, HEADER_BYTES)) if i >= 0]
    if not ends or raw[:8] == sniff.OLE2_MAGIC:
        return None
    try:
        message = message_from_bytes(raw[:min(ends)] + b"\r\n\r\n", policy=compat32)
        result = ParsedMessage(email=message)
        _read_headers(message, result)
    except MemoryError:
        raise  # past the reading worker's limit (foi.bounded): the caller says why
    except Exception:  # noqa: BLE001 - headers as broken as the body: nothing more to read
        return None
    return result


def _parse(raw: bytes) -> ParsedMessage:
    result = ParsedMessage()
    try:
        message = _load(raw, result)
    except MemoryError:
        raise  # past the reading worker's limit (foi.bounded): the caller says why
    except Exception as error:  # noqa: BLE001 - the stdlib parser has many failure modes; keep the raw
        problem = f"could not parse message: {type(error).__name__}: {error}"
        headers = parse_headers(raw)
        if headers is None:
            return ParsedMessage(parse_error=problem)
        headers.parse_error = f"{problem}; only its headers were read, the whole message is kept"
        return headers
    result.email = message
    result.errors.extend(f"defect: {type(d).__name__}" for d in getattr(message, "defects", []))
    for step in (_read_headers, _read_body):
        try:
            step(message, result)
        except MemoryError:
            raise  # past the reading worker's limit (foi.bounded): the caller says why
        except Exception as error:  # noqa: BLE001 - a broken part must not lose the rest
            result.errors.append(f"{step.__name__.strip('_')}: {type(error).__name__}: {error}")
    if not (result.message_id or result.from_addr or result.subject or result.body_text or result.attachments):
        result.parse_error = result.parse_error or "no headers or body could be read"
    return result


def _parse_headers_only(raw: bytes) -> ParsedMessage:
    """Sender, subject, dates and ids of a message too large to read, for matching."""
    result = parse_headers(raw) or ParsedMessage()
    result.parse_error = (f"message is {len(raw) / 1024 / 1024:.0f} MB, over the "
                          f"{MAX_PARSE_BYTES // 1024 // 1024} MB foi reads: only its headers were read; "
                          "the whole message is kept, open it by hand")
    return result


# The stdlib's compat32 reading keeps header values as the text they arrived as;
# the default policy builds a header object for each read and is ~5x slower to
# parse with. Written back unfolded, an attached message comes out byte for byte.
_UNFOLDED = compat32.clone(max_line_length=None)


def _load(raw: bytes, result: ParsedMessage) -> Message:
    if raw[:8] == sniff.OLE2_MAGIC:
        from foi.mail.msgfile import parse_msg_file  # lazy: start-up (olefile)

        result.is_outlook_msg = True
        return parse_msg_file(raw)
    return message_from_bytes(raw, policy=compat32)


def decode_header_text(value: str | None) -> str | None:
    """A header value with RFC 2047 words decoded; unknown or lying charsets tolerated."""
    if value is None:
        return None
    value = decode_filename(value)  # also repairs raw 8-bit bytes
    value = re.sub(r"\r?\n[ \t]*", " ", value)
    return value.strip()


# A message's headers as they are written, by lower-case name, each name's in order: made
# once a message (the ~25 headers asked for are then looked up, not searched for).
Headers = dict[str, list[str]]


def _header_index(message: Message) -> Headers:
    index: Headers = {}
    for key, value in message.raw_items():
        index.setdefault(key.lower(), []).append(str(value))
    return index


def _header(headers: Headers, name: str) -> str | None:
    found = headers.get(name.lower())
    return found[0] if found else None


def _headers(headers: Headers, name: str) -> list[str]:
    return headers.get(name.lower(), [])


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    if not values:
        return []
    pairs = []
    for name, address in _plain_address(values) or getaddresses([re.sub(r"\r?\n", " ", v) for v in values]):
        address = address.strip().strip("<>").lower()
        if " " in address or '"' in address:  # `"a person" me@x.org`: unbracketed address
            found = _BARE_ADDRESS.findall(address)
            address = found[-1] if found else address
        if "@" in address:
            pairs.append((decode_header_text(name) or "", address))
    return pairs


def _plain_address(values: list[str]) -> list[tuple[str, str]] | None:
    """getaddresses(values) where `values` is one plain address; None for any other."""
    plain = _PLAIN_ADDRESS.fullmatch(values[0]) if len(values) == 1 else None
    if plain is None:
        return None
    name, bracketed, bare = plain.groups()
    return [(" ".join(name.split()) if name else "", bracketed or bare)]


def _read_headers(message: Message, result: ParsedMessage) -> None:
    headers = _header_index(message)
    result.message_id = _first_id(_header(headers, "Message-ID"))
    sender = _addresses(_headers(headers, "From")) or _addresses(_headers(headers, "Sender"))
    if sender:
        result.from_name = _capped(sender[0][0]) or None
        result.from_addr = sender[0][1]
    result.to_addrs = [a for _, a in _addresses(_headers(headers, "To"))]
    result.cc_addrs = [a for _, a in _addresses(_headers(headers, "Cc"))]
    result.bcc_addrs = [a for _, a in _addresses(_headers(headers, "Bcc"))]
    result.reply_to = [a for _, a in _addresses(_headers(headers, "Reply-To"))]
    result.delivered_to = _envelope_recipients(headers)
    result.subject = _capped(decode_header_text(_header(headers, "Subject")))
    result.date = _iso_date(_header(headers, "Date"))
    received = _headers(headers, "Received")
    if received:
        result.received_date = _iso_date(received[0].rsplit(";", 1)[-1])
    result.in_reply_to = _first_id(_header(headers, "In-Reply-To"))
    result.references = _MESSAGE_ID.findall(" ".join(_headers(headers, "References")))
    result.auto_headers = _auto_headers(headers)


# A subject or a name longer than this is no one's subject or name: kept whole in the raw
# message, cut here so matching, listings and letters are not slowed by megabytes of it.
MAX_HEADER_CHARS = 2000


def _capped(value: str | None) -> str | None:
    if value is None or len(value) <= MAX_HEADER_CHARS:
        return value
    return value[:MAX_HEADER_CHARS] + f" [... {len(value) - MAX_HEADER_CHARS:,} more characters]"


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    found = _MESSAGE_ID.findall(value)
    if found:
        return found[0]
    value = value.strip()
    return f"<{value}>" if value and " " not in value else None


def _envelope_recipients(headers: Headers) -> list[str]:
    found: list[str] = []
    for name in ENVELOPE_HEADERS:
        found += [a for _, a in _addresses(_headers(headers, name))]
    for received in _headers(headers, "Received"):
        found += [a.lower() for a in _RECEIVED_FOR.findall(re.sub(r"\s+", " ", received))]
    return list(dict.fromkeys(found))


def _iso_date(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        return None  # "31 Dec 9999 23:59:59 -1200": past the last day a date can hold, so not understood
    if not PLAUSIBLE_YEARS[0] <= moment.year <= PLAUSIBLE_YEARS[1]:
        return None  # a sender's clock out of all reason: the day it was stored stands in for it
    return moment.isoformat(timespec="seconds")


# The years a Date header may name and be believed.
PLAUSIBLE_YEARS = (1980, 2200)


def _auto_headers(headers: Headers) -> dict[str, str]:
    found = {}
    for name in AUTO_HEADERS:
        value = _header(headers, name)
        if value is not None:
            value = decode_header_text(value) or ""
            if name == "Auto-Submitted" and value.lower().startswith("no"):
                continue
            if name == "Precedence" and value.lower() not in ("bulk", "junk", "list", "auto_reply"):
                continue
            found[name] = value
    return_path = _header(headers, "Return-Path")
    if return_path is not None and return_path.strip() in ("<>", ""):
        found["Return-Path"] = "<>"
    return found


def _read_body(message: Message, result: ParsedMessage) -> None:
    plain: list[str] = []
    html: list[str] = []
    _walk(message, result, plain, html, result.errors)
    text = "\n\n".join(t for t in plain if t.strip())
    if html:
        result.body_html = "\n".join(html)
    if not text.strip() and html:
        text = "\n\n".join(html_to_text(h) for h in html)
    result.body_text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _walk(part: Message, result: ParsedMessage, plain: list, html: list, errors: list, body: bool = True) -> None:
    """Body text from inline text parts (plain preferred within each alternative);
    every other leaf becomes an attachment Part. Alternatives not chosen for the
    body are still searched for attachments (Apple Mail hides PDFs there)."""
    ctype = part.get_content_type()
    if part.is_multipart() and not ctype.startswith("message/"):
        payload = part.get_payload()
        children = [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []
        chosen = _preferred_alternative(children) if ctype == "multipart/alternative" else children
        for child in children:
            _walk(child, result, plain, html, errors, body and any(child is c for c in chosen))
        return
    filename = _filename(part)
    disposition = part.get_content_disposition()
    if ctype in ("text/plain", "text/html") and not filename and disposition != "attachment":
        if body:
            (plain if ctype == "text/plain" else html).append(decode_payload(part, errors))
        return
    result.attachments.append(_as_part(part, filename, disposition, errors))


def _preferred_alternative(children: list) -> list:
    for wanted in ("text/plain", "multipart/mixed", "multipart/related", "text/html"):
        for child in children:
            if child.get_content_type() == wanted and (wanted != "text/plain" or _payload_bytes(child, [])):
                return [child]
    return children[-1:]


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, TypeError, LookupError, AttributeError):
        name = None
    if name is None:
        raw = part.get_param("name", header="content-type")
        name = raw if isinstance(raw, str) else None
    return decode_filename(name) if name else None


def _as_part(part: Message, filename: str | None, disposition: str | None, errors: list) -> Part:
    ctype = part.get_content_type()
    note = None
    if ctype.startswith("message/") or part.is_multipart():
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else payload
        data = inner.as_bytes(policy=_UNFOLDED) if isinstance(inner, Message) else _payload_bytes(part, errors)
    else:
        data = _payload_bytes(part, errors)
    defects = [type(d).__name__ for d in getattr(part, "defects", [])]
    if defects:
        note = "MIME defects: " + ", ".join(defects)
    return Part(
        data=data, filename=filename, declared_type=" ".join(ctype.split()), disposition=disposition,
        content_id=(str(part.get("Content-ID") or "").strip() or None), note=note,
    )


def _payload_bytes(part: Message, errors: list) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError, AssertionError) as error:
        errors.append(f"undecodable part {part.get_content_type()}: {error}")
        data = None
    if not isinstance(data, bytes):  # None for a part with no decodable payload
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return data


def decode_payload(part: Message, errors: list) -> str:
    """Text of a part. A charset label that lies (utf-8 sent as iso-8859-1) or is
    unknown falls back to utf-8, then cp1252, never failing."""
    data = _payload_bytes(part, errors)
    declared = (part.get_content_charset() or "").lower()
    candidates = [declared] if declared else []
    if declared in ("", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"):
        candidates.insert(0, "utf-8")  # strict utf-8 success on non-ascii is reliable evidence
    for charset in candidates + ["utf-8", "cp1252"]:
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", "replace")
