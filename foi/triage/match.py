"""Which request a received message belongs to, and by which rule.

Rules, most reliable first; the first that finds exactly one request wins
and is recorded with its evidence:

1. `address_reference`: our reference in an address it was delivered to
   (foi+eh-bns-592v@...), tolerant of case and l/1, o/0 typos.
2. `thread`: In-Reply-To/References (or the Message-ID of our message
   returned inside a bounce) is one of our outgoing Message-IDs.
3. `text_reference`: our reference anywhere in the subject or body,
   quoted text included.
4. `their_reference`: a council's own case reference, learned from an
   earlier message (any reference-like token it gave: a rewritten subject,
   "Our ref: X", "Case number X"), in the subject or body; a short bare number
   only after a label ("ref 7341").
5. `known_sender`: an address `foi assign` taught us, when that body has
   exactly one open request.
6. `sender_domain`: the sender's domain is the body's (or a subdomain, or
   its FOI address's domain) and exactly one request to it is open.

Anything else is unmatched, with ranked guesses for a person to confirm.
"""

import re
from dataclasses import dataclass, field
from email.message import Message

from sqlite_utils import Database

from foi.campaign.references import find_references, normalise_reference
from foi.db import rows
from foi.triage.inputs import TriageInput
from foi.triage.request_index import RequestIndex, as_index
from foi.vocabulary import OPEN_STATES


@dataclass(frozen=True)
class Guess:
    request_id: int
    reference: str
    body_name: str
    score: float
    reason: str


@dataclass(frozen=True)
class RequestMatch:
    """The request a message is filed under (None: unmatched, with guesses), by which rule and on what evidence."""

    request_id: int | None
    rule: str | None
    evidence: str
    guesses: list[Guess] = field(default_factory=list)


def match_message(db: Database, message: TriageInput, requests: dict[str, dict] | None = None) -> RequestMatch:
    """Apply the rules in order; see the module docstring. `requests` is
    `requests_by_reference(db)`, passed in when a caller keeps it for a batch."""
    requests = requests_by_reference(db) if requests is None else as_index(requests)
    for rule in (_by_address, _by_thread, _by_text, _by_their_reference, _by_known_sender,
                 _by_domain):
        found = rule(db, message, requests)
        if found is not None:
            return found
    return RequestMatch(None, None, "", rank_guesses(db, message, requests))


REQUESTS_WITH_BODIES = ("SELECT r.*, b.name AS body_name, b.domain AS body_domain, "
                        "b.foi_email AS body_foi_email FROM requests r JOIN bodies b ON b.code = r.body_code")


def requests_by_reference(db: Database, request_id: int | None = None) -> RequestIndex:
    """Every request (or the one with `request_id`) with its body's name and
    domains, by normalised reference."""
    if request_id is None:
        found = rows(db, REQUESTS_WITH_BODIES)
    else:
        found = rows(db, REQUESTS_WITH_BODIES + " WHERE r.id = ?", [request_id])
    return RequestIndex((normalise_reference(row["reference"]), row) for row in found)


def _by_address(db, message: TriageInput, requests: dict) -> RequestMatch | None:
    for address in message.recipients:
        local = address.split("@")[0]
        for tag in [local.split("+", 1)[-1], local]:
            for reference in find_references(tag):
                if reference in requests:
                    return RequestMatch(requests[reference]["id"], "address_reference", address)
    return None


def _by_thread(db, message: TriageInput, requests: dict) -> RequestMatch | None:
    ids = [*message.in_reply_to, *message.references, *returned_message_ids(message)]
    for message_id in ids:
        bare = message_id.strip("<>")
        row = next(rows(db, "SELECT request_id, message_id FROM outgoing WHERE message_id IN (?, ?)",
                            [bare, f"<{bare}>"]), None)
        if row:
            return RequestMatch(row["request_id"], "thread", f"<{bare}>")
    return None


def returned_message_ids(message: TriageInput) -> list[str]:
    """Message-IDs of our own mail returned inside a bounce."""
    found: list[str] = []
    if message.email is None:
        return found
    for part in message.email.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822" and isinstance(part.get_payload(), list):
            for inner in part.get_payload():
                if isinstance(inner, Message):
                    found.extend(re.findall(r"<[^<>\s]+>", str(inner.get("Message-ID") or "")))
        elif kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            text = raw.decode("latin-1") if isinstance(raw, bytes) else ""
            found.extend(re.findall(r"(?im)^message-id:\s*(<[^<>\s]+>)", text))
    return found


def _by_text(db, message: TriageInput, requests: dict) -> RequestMatch | None:
    for reference in find_references(f"{message.subject}\n{message.body_text}"):
        if reference in requests:
            return RequestMatch(requests[reference]["id"], "text_reference", requests[reference]["reference"])
    return None


def _by_their_reference(db, message: TriageInput, requests: RequestIndex) -> RequestMatch | None:
    hits = requests.learned_in(db).hits(f"{message.subject}\n{message.body_text}")
    if len(hits) == 1:
        request_id, reference = next(iter(hits.items()))
        return RequestMatch(request_id, "their_reference", reference)
    return None


def _by_known_sender(db, message: TriageInput, requests: RequestIndex) -> RequestMatch | None:
    row = next(rows(db, "SELECT body_code FROM known_senders WHERE address = ?",
                        [message.from_addr]), None)
    if row is None:
        return None
    open_ = _open_requests(requests, {row["body_code"]})
    if len(open_) == 1:
        return RequestMatch(open_[0]["id"], "known_sender", message.from_addr)
    return None


def _by_domain(db, message: TriageInput, requests: RequestIndex) -> RequestMatch | None:
    codes = requests.sender_bodies(message.from_addr)
    open_ = _open_requests(requests, set(codes))
    if len(open_) == 1:
        return RequestMatch(open_[0]["id"], "sender_domain",
                     f"{message.from_addr} is {codes[open_[0]['body_code']]}")
    return None


def _open_requests(requests: RequestIndex, codes: set[str]) -> list[dict]:
    return [row for row in map(requests.__getitem__, requests.of_bodies(codes)) if row["state"] in OPEN_STATES]


def rank_guesses(db: Database, message: TriageInput, requests: dict, limit: int = 5) -> list[Guess]:
    """Candidates for an unmatched message, best first, each with its reason."""
    requests = as_index(requests)
    scores: dict[int, tuple[float, str]] = {}

    def offer(row: dict, score: float, reason: str) -> None:
        if score > scores.get(row["id"], (0, ""))[0]:
            scores[row["id"]] = (score, reason)

    text = " ".join([*message.recipients, message.subject, message.body_text])
    for token in find_references(text):
        for key in requests.with_stem(token):
            row = requests[key]
            offer(row, 0.8, f"reference {token} differs from {row['reference']} in the check code")
    for request_id, reference in requests.learned_in(db).hits(text).items():
        row = requests.with_id(request_id)
        if row is not None:
            offer(row, 0.9, f"quotes {reference}, the council's reference for this request")
    known = next(rows(db, "SELECT body_code FROM known_senders WHERE address = ?",
                          [message.from_addr]), None)
    codes = requests.sender_bodies(message.from_addr)
    named = set(requests.named_in(f"{message.from_name} {message.subject} {message.body_text}".lower()))
    bodies = {*codes, *([known["body_code"]] if known else [])}
    for key in requests.in_order([*requests.of_bodies(bodies), *named]):  # no other request can be offered
        row = requests[key]
        if known and row["body_code"] == known["body_code"]:
            offer(row, 0.7 if row["state"] in OPEN_STATES else 0.5, f"known sender {message.from_addr}")
        if row["body_code"] in codes:
            is_open = row["state"] in OPEN_STATES
            offer(row, 0.6 if is_open else 0.3,
                  f"sender domain {codes[row['body_code']]} ({row['state']})")
        if key in named:
            offer(row, 0.4, f"mentions {row['body_name']}")
    ranked = sorted(scores.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    chosen = {rid: requests[requests.lookups.by_id[rid]] for rid, _ in ranked}
    return [Guess(rid, chosen[rid]["reference"], chosen[rid]["body_name"], score, reason)
            for rid, (score, reason) in ranked]
