"""Lookups that let matching find its candidates without reading every request.

A message that no rule places is compared with the campaign's requests three ways:
its sender's domain against each body's, each body's name against its words, and each
reference-like token against each request's reference. Done by walking every request,
that made a sync grow with the square of the mail. `RequestIndex` is the same mapping of
requests by normalised reference, with those lookups built once (on first use) and kept
while only request states change, as they do during triage.

Every lookup returns the requests a walk over all of them would have found, in the same
order: it only skips requests that cannot qualify (tests/test_request_index.py compares
them with the walk on random campaigns).
"""

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

from sqlite_utils import Database

from foi.campaign.references import normalise_reference
from foi.triage.learned import LearnedReferences

# What a lookup reads from a request row; a row changing any of these is re-indexed.
INDEXED = ("id", "reference", "body_code", "body_name", "body_domain", "body_foi_email", "email")

WORD = re.compile(r"\w+")


def own_domains(row: dict) -> tuple[str, str, str]:
    """A request's three domains, lower case ("" where missing): its body's, its body's FOI
    address's and the address it was sent to."""
    return tuple((own or "").lower() for own in (
        row["body_domain"], (row["body_foi_email"] or "").rpartition("@")[2],
        (row["email"] or "").rpartition("@")[2]))  # type: ignore[return-value]


def domain_tails(domain: str) -> list[str]:
    """`domain` and every part of it after a dot: those are the domains it equals or is
    a subdomain of (a.b.c -> a.b.c, b.c, c)."""
    return [domain] + [domain[i + 1:] for i, char in enumerate(domain) if char == "."]


class RequestIndex(dict):
    """Request rows by normalised reference (a dict), with lookups by body, domain,
    reference stem and name, built on first use. Replacing a row keeps them unless one of
    its INDEXED fields changed; any other change to the keys rebuilds them when next used."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lookups: _Lookups | None = None
        self._keys: frozenset[str] | None = None
        self._digest: str | None = None
        self._learned: LearnedReferences | None = None

    def _stale(self) -> None:
        self._lookups = None
        self._keys = None
        self._digest = None

    def __setitem__(self, key, row) -> None:
        old = self.get(key)
        super().__setitem__(key, row)
        if old is None or any(old.get(name) != row.get(name) for name in INDEXED):
            self._stale()

    def update(self, *args, **kwargs) -> None:
        for key, row in dict(*args, **kwargs).items():
            self[key] = row

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self._stale()

    def pop(self, *args):
        self._stale()
        return super().pop(*args)

    def popitem(self):
        self._stale()
        return super().popitem()

    def clear(self) -> None:
        self._stale()
        super().clear()

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def __ior__(self, other):  # type: ignore[misc]
        self.update(other)
        return self

    def references(self) -> frozenset[str]:
        """The normalised references (the keys), kept between changes."""
        if self._keys is None:
            self._keys = frozenset(self)
        return self._keys

    def references_digest(self) -> str:
        """A digest of the references, the same in any process (hash() of a set is not)."""
        if self._digest is None:
            self._digest = hashlib.sha256("\n".join(sorted(self.references())).encode()).hexdigest()
        return self._digest

    @property
    def lookups(self) -> "_Lookups":
        if self._lookups is None:
            self._lookups = _Lookups(self)
        return self._lookups

    def in_order(self, keys: Iterable[str]) -> list[str]:
        """`keys` (each once) in the mapping's order."""
        return sorted(set(keys), key=self.lookups.position.__getitem__)

    def of_bodies(self, codes: Iterable[str]) -> list[str]:
        """Keys of the requests to any of the bodies `codes`, in order."""
        by_body = self.lookups.by_body
        return self.in_order(key for code in codes for key in by_body.get(code, ()))

    def with_stem(self, token: str) -> list[str]:
        """Keys whose reference, check code aside, is `token`'s (both normalised), in order."""
        return self.in_order(self.lookups.by_stem.get(token.rsplit("-", 1)[0], ()))

    def with_id(self, request_id: int) -> dict | None:
        """The row of request `request_id`."""
        key = self.lookups.by_id.get(request_id)
        return None if key is None else self[key]

    def sender_bodies(self, address: str) -> dict[str, str]:
        """Body code -> the domain of it that `address` belongs to: the sender's domain
        equals one of a request's domains or is a subdomain of it. Where several do, the
        last in the mapping's order names it, as a walk over every request would."""
        domain = address.rpartition("@")[2].lower()
        found: dict[str, str] = {}
        if not domain:
            return found
        by_domain = self.lookups.by_domain
        hits = sorted(hit for tail in domain_tails(domain) for hit in by_domain.get(tail, ()))
        for _, _, code, own in hits:
            found[code] = own
        return found

    def named_in(self, mentions: str) -> list[str]:
        """Keys of the requests whose body's name (lower case) `mentions` (lower case)
        holds, in order."""
        return self.in_order(self.lookups.names.found_in(mentions))

    def learned_in(self, db: Database) -> LearnedReferences:
        """The council references learned so far, read from `db` once for this mapping;
        `learned_changed` reads again those of requests triage changes."""
        if self._learned is None:
            self._learned = LearnedReferences(db)
        return self._learned

    def learned_changed(self, request_ids: Iterable[int | None]) -> None:
        if self._learned is not None:
            self._learned.refresh(request_ids)


class _Lookups:
    def __init__(self, requests: RequestIndex) -> None:
        self.position: dict[str, int] = {}
        self.by_body: dict[str, list[str]] = {}
        self.by_stem: dict[str, list[str]] = {}
        self.by_domain: dict[str, list[tuple[int, int, str, str]]] = {}
        self.by_id: dict[int, str] = {}
        named: dict[str, list[str]] = {}
        for place, (key, row) in enumerate(requests.items()):
            self.position[key] = place
            self.by_body.setdefault(row["body_code"], []).append(key)
            self.by_id[row["id"]] = key
            stem = normalise_reference(row["reference"]).rsplit("-", 1)[0]
            self.by_stem.setdefault(stem, []).append(key)
            for field, own in enumerate(own_domains(row)):
                if own:
                    self.by_domain.setdefault(own, []).append((place, field, row["body_code"], own))
            name = (row["body_name"] or "").lower()
            if name:
                named.setdefault(name, []).append(key)
        self.names = NameFinder(named)


class NameFinder:
    """Which of many names are substrings of a text, without searching for each.

    A name's word (a run of \\w) that has other characters on both sides within the name
    is a whole word of any text holding the name; its first word, followed by more of the
    name, ends a word of the text; its last word, after more of the name, begins one. Each
    name is filed under the rarest of those necessary words, and only the names whose word
    the text has are then searched for. A name of one word, or of none, is always searched."""

    def __init__(self, named: dict[str, list[str]]) -> None:
        self.named = named
        choices = {name: _word_keys(name) for name in named}
        frequency = Counter(key for keys in choices.values() for key in keys)
        self.filed: dict[tuple[str, str], list[str]] = {}
        self.always: list[str] = []
        for name, keys in choices.items():
            if keys:
                best = min(keys, key=lambda k: (frequency[k], k[0] != "whole", -len(k[1]), k))
                self.filed.setdefault(best, []).append(name)
            else:
                self.always.append(name)
        self.prefix_lengths = sorted({len(w) for kind, w in self.filed if kind == "prefix"})
        self.suffix_lengths = sorted({len(w) for kind, w in self.filed if kind == "suffix"})

    def found_in(self, mentions: str) -> list[str]:
        """The keys (of the mapping given) of every name that `mentions` holds."""
        words = set(WORD.findall(mentions))
        possible: list[str] = list(self.always)
        filed = self.filed
        for word in words:
            possible.extend(filed.get(("whole", word), ()))
            for length in self.prefix_lengths:
                if length > len(word):
                    break
                possible.extend(filed.get(("prefix", word[:length]), ()))
            for length in self.suffix_lengths:
                if length > len(word):
                    break
                possible.extend(filed.get(("suffix", word[-length:]), ()))
        return [key for name in dict.fromkeys(possible) if name in mentions for key in self.named[name]]


def _word_keys(name: str) -> list[tuple[str, str]]:
    """(kind, word) for each word `name` cannot be in a text without: see NameFinder."""
    keys = []
    for match in WORD.finditer(name):
        before, after = match.start() > 0, match.end() < len(name)
        if before and after:
            keys.append(("whole", match.group()))
        elif after:
            keys.append(("suffix", match.group()))
        elif before:
            keys.append(("prefix", match.group()))
    return keys


def as_index(requests: dict[str, dict]) -> RequestIndex:
    """`requests` itself when it is an index; otherwise an index of the same rows."""
    return requests if isinstance(requests, RequestIndex) else RequestIndex(requests)
