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

import json
import re
from dataclasses import dataclass, field
from email.message import Message

from sqlite_utils import Database

from foi.campaign.references import find_references, normalise_reference
from foi.triage.inputs import TriageInput
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
    requests = requests_by_reference(db) if requests is None else requests
    for rule in (_by_address, _by_thread, _by_text, _by_their_reference, _by_known_sender,
                 _by_domain):
        found = rule(db, message, requests)
        if found is not None:
            return found
    return RequestMatch(None, None, "", rank_guesses(db, message, requests))


REQUESTS_WITH_BODIES = ("SELECT r.*, b.name AS body_name, b.domain AS body_domain, "
                        "b.foi_email AS body_foi_email FROM requests r JOIN bodies b ON b.code = r.body_code")


def requests_by_reference(db: Database, request_id: int | None = None) -> dict[str, dict]:
    """Every request (or the one with `request_id`) with its body's name and
    domains, by normalised reference."""
    if request_id is None:
        rows = db.query(REQUESTS_WITH_BODIES)
    else:
        rows = db.query(REQUESTS_WITH_BODIES + " WHERE r.id = ?", [request_id])
    return {normalise_reference(row["reference"]): row for row in rows}


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
        row = next(db.query("SELECT request_id, message_id FROM outgoing WHERE message_id IN (?, ?)",
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


def _by_their_reference(db, message: TriageInput, requests: dict) -> RequestMatch | None:
    hits = their_reference_hits(db, f"{message.subject}\n{message.body_text}")
    if len(hits) == 1:
        request_id, reference = next(iter(hits.items()))
        return RequestMatch(request_id, "their_reference", reference)
    return None


# Both read through partial indexes (migration 0014): they run for every message no rule places.
LEARNED_REFERENCES = ("SELECT id AS request_id, their_reference FROM requests WHERE their_reference IS NOT NULL "
                      "UNION SELECT request_id, their_reference FROM messages "
                      "WHERE their_reference IS NOT NULL AND request_id IS NOT NULL")
LEARNED_IN_EVIDENCE = ("SELECT request_id, classification_evidence FROM messages WHERE request_id IS NOT NULL "
                       "AND classification_evidence LIKE '%their_references%'")


def learned_references(db: Database) -> list[tuple[int, str]]:
    """(request id, reference) for every reference a council gave: the request's
    own, each message's, and every other reference-like token an acknowledgement
    gave (kept in its classification evidence as `their_references`)."""
    learned: list[tuple[int, str]] = []
    for row in db.query(LEARNED_REFERENCES):
        learned.append((row["request_id"], row["their_reference"]))
    for row in db.query(LEARNED_IN_EVIDENCE):
        try:
            evidence = json.loads(row["classification_evidence"])
        except ValueError:
            continue
        for reference in evidence.get("their_references") or []:
            if isinstance(reference, str) and (row["request_id"], reference) not in learned:
                learned.append((row["request_id"], reference))
    return learned


def their_reference_hits(db: Database, text: str) -> dict[int, str]:
    """Request id -> the first learned council reference `text` quotes."""
    hits: dict[int, str] = {}
    for request_id, reference in learned_references(db):
        if _quotes(reference, text):
            hits.setdefault(request_id, reference)
    return hits


# A short number ("ref: 7341") could as well be a figure: it counts only where
# a label stands just before it.
REFERENCE_LABEL = re.compile(r"(?:ref(?:erence)?|case|request|ticket|enquiry|foi|eir)\b\W{0,3}"
                             r"(?:(?:number|no|id)\b\W{0,3})?$", re.I)


def _quotes(reference: str, text: str) -> bool:
    for match in their_reference_pattern(reference).finditer(text):
        if re.search(r"[A-Za-z]", reference) or len(re.sub(r"\D", "", reference)) >= 6:
            return True
        if REFERENCE_LABEL.search(text[max(0, match.start() - 30):match.start()]):
            return True
    return False


def their_reference_pattern(reference: str) -> re.Pattern:
    """The council's reference with any of -, /, space or nothing between its parts."""
    parts = [re.escape(p) for p in re.split(r"[-/_ .]+", reference.strip()) if p]
    return re.compile(r"(?<![A-Za-z0-9])" + r"[-/_ .]?".join(parts) + r"(?![A-Za-z0-9])", re.I)


def _by_known_sender(db, message: TriageInput, requests: dict) -> RequestMatch | None:
    row = next(db.query("SELECT body_code FROM known_senders WHERE address = ?",
                        [message.from_addr]), None)
    if row is None:
        return None
    open_ = _open_requests(requests.values(), {row["body_code"]})
    if len(open_) == 1:
        return RequestMatch(open_[0]["id"], "known_sender", message.from_addr)
    return None


def _by_domain(db, message: TriageInput, requests: dict) -> RequestMatch | None:
    codes = sender_bodies(requests.values(), message.from_addr)
    open_ = _open_requests(requests.values(), set(codes))
    if len(open_) == 1:
        return RequestMatch(open_[0]["id"], "sender_domain",
                     f"{message.from_addr} is {codes[open_[0]['body_code']]}")
    return None


def sender_bodies(requests, address: str) -> dict[str, str]:
    """Body code -> the domain of it that `address` belongs to."""
    domain = address.rpartition("@")[2].lower()
    found: dict[str, str] = {}
    if not domain:
        return found
    for row in requests:
        for own in (row["body_domain"], (row["body_foi_email"] or "").rpartition("@")[2],
                    (row["email"] or "").rpartition("@")[2]):
            own = (own or "").lower()
            if own and (domain == own or domain.endswith("." + own)):
                found[row["body_code"]] = own
    return found


def _open_requests(requests, codes: set[str]) -> list[dict]:
    return [r for r in requests if r["body_code"] in codes and r["state"] in OPEN_STATES]


def rank_guesses(db: Database, message: TriageInput, requests: dict, limit: int = 5) -> list[Guess]:
    """Candidates for an unmatched message, best first, each with its reason."""
    scores: dict[int, tuple[float, str]] = {}

    def offer(row: dict, score: float, reason: str) -> None:
        if score > scores.get(row["id"], (0, ""))[0]:
            scores[row["id"]] = (score, reason)

    text = " ".join([*message.recipients, message.subject, message.body_text])
    for token in find_references(text):
        for row in requests.values():
            if normalise_reference(row["reference"]).rsplit("-", 1)[0] == token.rsplit("-", 1)[0]:
                offer(row, 0.8, f"reference {token} differs from {row['reference']} in the check code")
    by_id = {row["id"]: row for row in requests.values()}
    for request_id, reference in their_reference_hits(db, text).items():
        if request_id in by_id:
            offer(by_id[request_id], 0.9, f"quotes {reference}, the council's reference for this request")
    known = next(db.query("SELECT body_code FROM known_senders WHERE address = ?",
                          [message.from_addr]), None)
    codes = sender_bodies(requests.values(), message.from_addr)
    mentions = f"{message.from_name} {message.subject} {message.body_text}".lower()
    for row in requests.values():
        if known and row["body_code"] == known["body_code"]:
            offer(row, 0.7 if row["state"] in OPEN_STATES else 0.5, f"known sender {message.from_addr}")
        if row["body_code"] in codes:
            is_open = row["state"] in OPEN_STATES
            offer(row, 0.6 if is_open else 0.3,
                  f"sender domain {codes[row['body_code']]} ({row['state']})")
        name = (row["body_name"] or "").lower()
        if name and name in mentions:
            offer(row, 0.4, f"mentions {row['body_name']}")
    ranked = sorted(scores.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [Guess(rid, by_id[rid]["reference"], by_id[rid]["body_name"], score, reason)
            for rid, (score, reason) in ranked]
