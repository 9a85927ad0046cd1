"""Delivery failures: recognise a bounce and pull out the address(es) that failed.

Three layers, most reliable first: an RFC 3464 delivery-status report, the
X-Failed-Recipients header Exim adds, then the human-readable notice that
MTAs (Postfix, Exim, Sendmail, qmail, Exchange/Office 365, Domino...) put in
front of the returned message. The text layer reads only the notice, never
the returned copy of our own message, whose headers are full of addresses.

A bounce is told from an auto-reply by bounce-only signals (a DSN, a
mailer-daemon sender, "undeliverable" wording): an Exim bounce also carries
`Auto-Submitted: auto-replied`, so that header alone decides nothing here.
"""

import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr

from foi.language.screen import screened

ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

DAEMON_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|"
                           r"mail delivery|microsoftexchange|mdaemon|nobody)", re.I)

BOUNCE_SUBJECT = screened(re.compile(
    r"undeliver|undelivered mail|returned mail|mail delivery (failed|failure|problem|subsystem)"
    r"|delivery status notification|failure notice|delivery fail|non[- ]?delivery"
    r"|could not be delivered|delivery notification|mail system error|failed mail"
    r"|delivery report|delivery problem|warning: message .* delayed|delayed mail"
    r"|mail delivery warning|nondeliverable|returned to sender|message not delivered|user unknown"
    r"|error during delivery",
    re.I))

# Phrases that only delivery-failure notices use (one is enough).
BOUNCE_PHRASES = [
    r"delivery has failed to these recipients or groups",
    r"your message to .{1,120}? couldn't be delivered",
    r"your message (wasn't|was not|couldn't be|could not be) delivered",
    r"this is the qmail-send program",
    r"i wasn't able to deliver your message",
    r"the following address\(es\) failed",
    r"could not be delivered to one or more (recipients|destinations)",
    r"message could not be delivered",
    r"did not reach the following recipient",
    r"following addresses had (permanent )?fatal errors",
    r"unable to deliver (your )?message",
    r"this is the (mail system|postfix program) at host",
    r"delivery to the following recipients? (failed|has been delayed)",
    r"message (was )?not delivered to the following",
    r"recipients did not receive your message",
    r"this message was created automatically by mail delivery software",
    r"(permanent|fatal) (error|failure)",
    r"user unknown|unknown user|mailbox unavailable|no such user|address rejected",
    r"undeliverable",
    r"delivery failed",
    r"could not be delivered",
    r"non-delivery report",
    r"(mail|message) has been returned",
    r"failed addresses follow",
    r"user not found|no such user|mailbox (is )?unavailable|mailbox .{1,60} is unavailable",
    r"has not yet been delivered",
    r"delivery of (e-?mail|your message) to this address",
    r"^\s*<[^>\s]+@[^>\s]+>:\s*$",
    r"-{2,} ?failed recipients ?-{2,}",
    r"mail loop detected|requested action aborted",
]
BOUNCE_PHRASE = re.compile("|".join(f"(?:{p})" for p in BOUNCE_PHRASES), re.I | re.M)

TEMPORARY = screened(re.compile(
    r"warning only|attempts will continue|will (continue|be) (to )?(try|retried|retrying)|will be retried|still trying"
    r"|has not yet been delivered|not yet been delivered|delivery (has been )?delayed|is delayed"
    r"|delayed \d+ hours|postponed|advisory-only|delay\)|temporar(y|ily) (failure|problem|error)"
    r"|(will )?keep trying|retry(ing)? (until|for)",
    re.I))
PERMANENT = re.compile(r"permanent|given up|giving up|gave up|5\.\d{1,3}\.\d{1,3}|\b55\d\b|fatal", re.I)

# Where the returned copy of the original message starts: read nothing after it.
ORIGINAL_STARTS = screened(re.compile(
    r"^\s*(-{2,}.*(original message|copy of the message|below this line|message header|"
    r"unsent message|returned message|message headers follow|rejected message|undelivered (mail|message))"
    r"|original message (follows|as received)|.*original message (headers )?follow"
    r"|a copy of the original message|the first \d+ lines of your original message"
    r"|-{3,} ?(begin|start) (of )?(returned|original) message|>?return-path:|>?received: from)",
    re.I | re.M))

# Lines in the notice that restate the original's headers or give a contact address.
NOT_A_FAILURE = re.compile(
    r"^\s*(to|from|subject|sent|date|reply-to|return-path|received|message-id|cc)\s*:"
    r"|please (contact|reply to|include)|for further assistance|contact <?postmaster|"
    r"envelope-from|^\s*reporting-mta|\bfrom:?\s*<[^>]*>?\s*$",
    re.I)


@dataclass(frozen=True)
class Bounce:
    permanent: bool
    addresses: tuple[str, ...]
    evidence: str
    format: str


def parse_bounce(msg: Message) -> Bounce | None:
    """The delivery failure `msg` reports, or None if it is not a bounce."""
    report = _parse_dsn(msg)
    if report is not None:
        return report
    failed_header = msg.get_all("X-Failed-Recipients") or []
    subject = decoded_header(msg.get("Subject"))
    sender = parseaddr(str(msg.get("From") or ""))
    return_path = bounce_return_path(msg)
    if not (failed_header or _from_daemon(sender, return_path) or BOUNCE_SUBJECT.search(subject)):
        return None  # the notice's wording would be one signal alone (see _bounce_evidence)
    notice = notice_text(msg)
    evidence = _bounce_evidence(failed_header, sender, subject, notice, return_path)
    if evidence is None:
        return None
    permanent = not TEMPORARY.search(notice + " " + subject)
    if failed_header:
        addresses = [a for _, a in getaddresses([str(h) for h in failed_header]) if a]
        return Bounce(permanent, _unique(addresses), evidence, "exim")
    domain = sender[1].rpartition("@")[2].lower()
    own = _own_addresses(msg)
    known = tuple(a for a in message_addresses(msg) if a.lower() not in own)
    listed = extract_notice_addresses(notice, own, domain, known)
    return Bounce(permanent, listed, evidence, _format_name(notice))


def _bounce_evidence(failed_header: list, sender: tuple[str, str], subject: str,
                     notice: str, return_path: str = "") -> str | None:
    if failed_header:
        return f"X-Failed-Recipients: {failed_header[0]}"
    daemon = _from_daemon(sender, return_path)
    phrase = BOUNCE_PHRASE.search(notice[:4000])
    subject_hit = BOUNCE_SUBJECT.search(subject)
    # A person's reply that happens to say "undeliverable" is not a bounce:
    # require two independent signals.
    signals = [s for s in (daemon, phrase, subject_hit) if s]
    if len(signals) < 2:
        return None
    if phrase:
        return " ".join(phrase.group(0).split())
    if subject_hit:
        return f"Subject: {subject.strip()}"
    return f"From: {sender[1]}"


def _from_daemon(sender: tuple[str, str], return_path: str) -> bool:
    return bool(DAEMON_SENDER.match(sender[1]) or DAEMON_SENDER.match(sender[0]) or return_path)


def bounce_return_path(msg: Message) -> str:
    """The Return-Path, if it is the null or mailer-daemon sender a bounce is sent from.

    RFC 5321 has delivery notices sent with an empty reverse-path so they can
    never bounce back; relays that rewrite it put MAILER-DAEMON there instead.
    Tells a bounce whose From is a bare product name (McAfee WebShield) apart.
    """
    value = str(msg.get("Return-Path") or "").strip()
    address = parseaddr(value)[1]
    if value.replace(" ", "") == "<>" or DAEMON_SENDER.match(address):
        return value
    return ""


def decoded_header(value) -> str:
    """A header as text, RFC 2047 words decoded; undecodable bytes never raise."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and "=?" not in text:  # no encoded word: decoding gives it back as it is
        return text
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, ValueError, UnicodeError):
        return str(value)


def _parse_dsn(msg: Message) -> Bounce | None:
    """RFC 3464: per-recipient blocks of the message/delivery-status part."""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = _status_blocks(part)
        failed, delayed, evidence = [], [], ""
        for fields in blocks[1:] or blocks:
            addresses = _recipients(fields)
            action = fields.get("action", "").lower().strip()
            status = fields.get("status", "").strip()
            if not addresses:
                continue
            if action.startswith("failed") or (not action and status.startswith("5")):
                failed.extend(addresses)
                evidence = evidence or f"Action: failed; Status: {status}".strip()
            elif action.startswith("delayed") or status.startswith("4"):
                delayed.extend(addresses)
                evidence = evidence or f"Action: {action or 'delayed'}; Status: {status}"
        if failed:
            return Bounce(True, _unique(failed), evidence, "dsn")
        if delayed:
            return Bounce(False, _unique(delayed), evidence, "dsn")
        notice = notice_text(msg)
        listed = extract_notice_addresses(notice, _own_addresses(msg))
        return Bounce(not TEMPORARY.search(notice), listed, "multipart/report delivery-status", "dsn")
    return None


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The delivery-status fields, one dict per block (first is per-message)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [{k.lower(): str(v) for k, v in sub.items()} for sub in payload if isinstance(sub, Message)]
    text = payload if isinstance(payload, str) else ""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        if line[:1] in " \t" and current:
            continue
        name, _, value = line.partition(":")
        current[name.strip().lower()] = value.strip()
    if current:
        blocks.append(current)
    return blocks


def _recipients(fields: dict[str, str]) -> list[str]:
    """Final and original recipient: a forwarded address fails as the one we wrote to."""
    found = []
    for name in ("original-recipient", "final-recipient", "x-actual-recipient"):
        match = ADDRESS.search(fields.get(name, "").split(";", 1)[-1])
        if match:
            found.append(_clean(match.group(0)))
    return found


def notice_text(msg: Message) -> str:
    """The human-readable notice: text parts outside any returned message."""
    texts = []
    for part in _parts_outside_rfc822(msg):
        if part.get_content_type() == "text/plain":
            texts.append(_decoded(part))
        elif part.get_content_type() == "text/html" and not texts:
            html = re.sub(r"<br\s*/?>|</p>|</div>|</tr>", "\n", _decoded(part), flags=re.I)
            texts.append(re.sub(r"<[^>]+>", " ", html))
        if len(texts) >= 2:
            break
    text = "\n".join(texts)
    start = ORIGINAL_STARTS.search(text)
    return text[: start.start()] if start and start.start() > 40 else text


def _parts_outside_rfc822(msg: Message):
    yield msg
    if msg.is_multipart():
        for sub in msg.get_payload():
            if not isinstance(sub, Message) or sub.get_content_type() in ("message/rfc822", "text/rfc822-headers",
                                          "message/delivery-status"):
                continue
            yield from _parts_outside_rfc822(sub)


def _decoded(part: Message) -> str:
    raw = part.get_payload(decode=True)
    raw = raw if isinstance(raw, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("latin-1")


LISTING = re.compile(r"following (recipients?|addresses)|deliver(ed)? to the following\b", re.I)
# A bare mailbox name on its own line, maybe followed by a reason after a gap.
BARE_MAILBOX = re.compile(r"[ \t]+([A-Za-z0-9._-]+)(?:[ \t]*|[ \t]{2,}[A-Za-z].*)")


def extract_notice_addresses(notice: str, ignore: set[str], domain: str = "",
                             known: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Addresses the notice says failed, skipping restated headers and contacts.

    Where the notice lists failures under a heading ("delivered to the
    following"), that list, up to the next "-----" heading, is the answer:
    addresses in an explanation after it are examples. Some MTAs (AOL, Yale's 2000-era directory) list bare mailbox
    names: each becomes the `known` address with that mailbox (the one we wrote
    to, found in the returned copy), else gets the reporting system's `domain`.
    """
    found: list[str] = []
    listed: list[str] = []
    state = "before"
    for line in notice.split("\n"):
        if NOT_A_FAILURE.search(line):
            continue
        if LISTING.search(line):
            state = "listing"
        elif state == "listing" and listed and re.match(r"\s*-{2,}", line):
            state = "after"
        bare = BARE_MAILBOX.fullmatch(line) if state == "listing" else None
        if bare and "@" not in line and (domain or known):
            listed.append(_complete_mailbox(bare.group(1), known, domain))
        addresses = _line_addresses(line, ignore)
        found += addresses
        listed += addresses if state == "listing" else []
    return _unique(listed or found)


def _line_addresses(line: str, ignore: set[str]) -> list[str]:
    found = []
    for match in ADDRESS.finditer(line):
        address = _clean(match.group(0))
        local = address.split("@")[0].lower()
        if re.search(r"\bmail from:?\s*<?$", line[: match.start()], re.I):
            continue  # "not accepting mail from <sender>"
        if address.lower() in ignore or DAEMON_SENDER.match(local):
            continue
        found.append(address)
    return found


def _complete_mailbox(mailbox: str, known: tuple[str, ...], domain: str) -> str:
    for address in known:
        if address.split("@")[0].lower() == mailbox.lower():
            return address
    return f"{mailbox}@{domain}"


def message_addresses(msg: Message) -> tuple[str, ...]:
    """Every address in the message's headers and text, the returned copy included."""
    found = []
    for part in msg.walk():
        found += ADDRESS.findall(" ".join(str(value) for value in part.values()))
        if part.get_content_maintype() == "text":
            found += ADDRESS.findall(_decoded(part))
    return _unique(_clean(a) for a in found)


def _clean(address: str) -> str:
    """Strip punctuation and X.400 leftovers such as `SMTP=` around an address."""
    address = address.strip(".'\"")
    return re.sub(r"^(smtp|rfc822)[=:]", "", address, flags=re.I)


def _own_addresses(msg: Message) -> set[str]:
    values = [str(msg.get(h) or "") for h in ("From", "To", "Return-Path", "Sender")]
    return {a.lower() for _, a in getaddresses(values) if a}


def _format_name(notice: str) -> str:
    lowered = notice.lower()
    for marker, name in (("qmail-send", "qmail"), ("postfix", "postfix"), ("exim", "exim"),
                         ("delivery has failed to these recipients", "exchange"),
                         ("couldn't be delivered", "exchange"),
                         ("did not reach the following recipient", "exchange"),
                         ("following addresses had", "sendmail")):
        if marker in lowered:
            return name
    return "text"


def _unique(addresses) -> tuple[str, ...]:
    seen, result = set(), []
    for address in addresses:
        key = address.lower()
        if key not in seen:
            seen.add(key)
            result.append(address)
    return tuple(result)
