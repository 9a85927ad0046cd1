"""The council references learned so far, and which of them a text quotes.

A council's own case reference ("Our ref: FOI/2024/0456") is learned from its messages:
the request's `their_reference`, each message's, and every other reference-like token an
acknowledgement gave (kept in its classification evidence as `their_references`).
Matching looks for them in every message no rule places. Reading them all from the
database for each such message, and trying each one's pattern on the text, grew with the
square of the mail; `LearnedReferences` reads them once, re-reads only the requests
triage changes, and tries only the references whose last characters the text has.
"""

import json
import re
from collections.abc import Iterable

from sqlite_utils import Database

from foi.db import rows

# Both read through partial indexes (migration 0014).
LEARNED_REFERENCES = ("SELECT id AS request_id, their_reference FROM requests WHERE their_reference IS NOT NULL "
                      "UNION SELECT request_id, their_reference FROM messages "
                      "WHERE their_reference IS NOT NULL AND request_id IS NOT NULL")
LEARNED_IN_EVIDENCE = ("SELECT id, request_id, classification_evidence FROM messages WHERE request_id IS NOT NULL "
                       "AND classification_evidence LIKE '%their_references%'")


def teaches(message: dict) -> bool:
    """Whether a messages row gives its request council references, as the two reads above
    find them: in its own column, or in its evidence."""
    return bool(message.get("their_reference")) or "their_references" in (message.get("classification_evidence") or "")
LEARNED_OF_ONE = ("SELECT id AS request_id, their_reference FROM requests WHERE their_reference IS NOT NULL "
                  "AND id = :request UNION SELECT request_id, their_reference FROM messages "
                  "WHERE their_reference IS NOT NULL AND request_id = :request")
EVIDENCE_OF_ONE = LEARNED_IN_EVIDENCE + " AND request_id = :request"

# A short number ("ref: 7341") could as well be a figure: it counts only where
# a label stands just before it.
REFERENCE_LABEL = re.compile(r"(?:ref(?:erence)?|case|request|ticket|enquiry|foi|eir)\b\W{0,3}"
                             r"(?:(?:number|no|id)\b\W{0,3})?$", re.I)

# Case folding as the patterns below see it (re.IGNORECASE): ASCII letters to lower case, and
# the four other characters that match an ASCII letter or digit to that letter (a test
# finds them all by trying every character). Other characters are kept, so that a pattern's
# match and the folded text line up character for character.
FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
                      "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
ASCII_WORD = re.compile(r"[a-z0-9]+")
KEY_LENGTH = 8


def their_reference_pattern(reference: str) -> re.Pattern:
    """The council's reference with any of -, /, space or nothing between its parts."""
    parts = [re.escape(p) for p in re.split(r"[-/_ .]+", reference.strip()) if p]
    return re.compile(r"(?<![A-Za-z0-9])" + r"[-/_ .]?".join(parts) + r"(?![A-Za-z0-9])", re.I)


def quotes(reference: str, text: str) -> bool:
    """Whether `text` quotes `reference` (a short bare number only after a label)."""
    for match in their_reference_pattern(reference).finditer(text):
        if re.search(r"[A-Za-z]", reference) or len(re.sub(r"\D", "", reference)) >= 6:
            return True
        if REFERENCE_LABEL.search(text[max(0, match.start() - 30):match.start()]):
            return True
    return False


def ending(reference: str) -> str:
    """The last KEY_LENGTH (or fewer) characters of the letters and digits that end
    `reference`, folded; "" when it ends otherwise. A text quoting the reference has a
    run of letters and digits ending in these (the pattern allows none after it)."""
    found = re.search(r"[a-z0-9]*$", reference.strip().translate(FOLD))
    return found.group()[-KEY_LENGTH:] if found else ""


class LearnedReferences:
    """(request id -> its learned references, in order) read from `db`, with each
    reference filed under its ending for `hits`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.by_request: dict[int, list[str]] = {}
        self.filed: dict[str, set[tuple[int, str]]] = {}
        self.always: set[tuple[int, str]] = set()
        self.lengths: list[int] = []
        self._file(self._read())

    def _read(self, request_id: int | None = None) -> dict[int, list[str]]:
        """Each request's references: its own and its messages' (sorted), then those
        in its messages' evidence, oldest message first."""
        one = {"request": request_id}
        columns: dict[int, list[str]] = {}
        for row in rows(self.db, LEARNED_REFERENCES if request_id is None else LEARNED_OF_ONE, one):
            columns.setdefault(row["request_id"], []).append(row["their_reference"])
        learned = {rid: sorted(refs) for rid, refs in sorted(columns.items())}
        evidence_sql = LEARNED_IN_EVIDENCE if request_id is None else EVIDENCE_OF_ONE
        for row in sorted(rows(self.db, evidence_sql, one), key=lambda r: (r["request_id"], r["id"])):
            try:
                evidence = json.loads(row["classification_evidence"])
            except ValueError:
                continue
            given = evidence.get("their_references") if isinstance(evidence, dict) else None
            refs = learned.setdefault(row["request_id"], [])
            for reference in given or []:
                if isinstance(reference, str) and reference not in refs:
                    refs.append(reference)
        return learned

    def _file(self, learned: dict[int, list[str]]) -> None:
        for request_id, refs in learned.items():
            self.by_request[request_id] = refs
            for reference in refs:
                key = ending(reference)
                (self.filed.setdefault(key, set()) if key else self.always).add((request_id, reference))
        self.lengths = sorted({len(key) for key in self.filed})

    def refresh(self, request_ids: Iterable[int | None]) -> None:
        """Read again the references of requests whose rows triage has just changed."""
        for request_id in {r for r in request_ids if r is not None}:
            for reference in self.by_request.pop(request_id, []):
                key = ending(reference)
                (self.filed.get(key, set()) if key else self.always).discard((request_id, reference))
            self._file(self._read(request_id))

    def pairs(self) -> list[tuple[int, str]]:
        """(request id, reference) for every reference learned, by request."""
        return [(rid, ref) for rid, refs in sorted(self.by_request.items()) for ref in refs]

    def hits(self, text: str) -> dict[int, str]:
        """Request id -> the first of its learned references that `text` quotes."""
        candidates = set(self.always)
        for word in set(ASCII_WORD.findall(text.translate(FOLD))):
            for length in self.lengths:
                if length > len(word):
                    break
                candidates.update(self.filed.get(word[-length:], ()))
        found: dict[int, str] = {}
        for request_id in sorted({rid for rid, _ in candidates}):
            for reference in self.by_request.get(request_id, []):
                if (request_id, reference) in candidates and quotes(reference, text):
                    found[request_id] = reference
                    break
        return found
