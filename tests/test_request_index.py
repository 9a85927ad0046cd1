"""Matching's lookups find what a walk over every request (or every learned reference)
finds, in the same order, on random campaigns and texts; and a reference learned during a
batch of mail is used for the rest of that batch."""

import random
import re
import string
import sys

import pytest
from sqlite_utils import Database

from foi.campaign.references import normalise_reference
from foi.triage.learned import FOLD, LearnedReferences, ending, quotes
from foi.triage.request_index import RequestIndex
from tests.builders import sent_campaign
from tests.mailfixtures import deliver, reply

WORDS = ["north", "south", "east", "west", "shire", "borough", "city", "county", "council",
         "of", "the", "upon", "st", "kent", "dale", "ford", "bury", "trust", "nhs", "police"]
DOMAINS = ["gov.uk", "north.gov.uk", "south.gov.uk", "mail.north.gov.uk", "nhs.uk", "trust.nhs.uk",
           "police.uk", "example.org", "uk", "", None]


def random_name(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
    joiners = [rng.choice([" ", " ", " ", "-", ", ", " & ", "'"]) for _ in words[1:]]
    name = words[0] + "".join(j + w for j, w in zip(joiners, words[1:], strict=True))
    name = rng.choice([name, name.title(), f"({name})", name + ".", ""]) if rng.random() < 0.2 else name.title()
    return name


def random_requests(rng: random.Random, count: int) -> RequestIndex:
    rows = {}
    for number in range(1, count + 1):
        code = f"B{rng.randint(1, count // 2 + 1)}"
        reference = f"EH-{code}-{''.join(rng.choice('ABCDEFGH0123') for _ in range(4))}"
        domain = rng.choice(DOMAINS)
        rows[normalise_reference(reference)] = {
            "id": number, "reference": reference, "body_code": code, "body_name": random_name(rng),
            "body_domain": domain and rng.choice([domain, domain.upper(), f"{code.lower()}.{domain}"]),
            "body_foi_email": rng.choice([None, f"foi@{rng.choice(DOMAINS) or 'x.org'}"]),
            "email": rng.choice([None, f"info@{rng.choice(DOMAINS) or 'y.org'}", "no-at-sign"]),
            "state": rng.choice(["awaiting_response", "answered", "refused"]),
        }
    return RequestIndex(rows)


def walked_sender_bodies(requests, address: str) -> dict[str, str]:
    """The walk the domain lookup replaces."""
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


@pytest.mark.parametrize("seed", range(6))
def test_lookups_find_what_a_walk_over_every_request_finds(seed):
    rng = random.Random(seed)
    requests = random_requests(rng, rng.choice([5, 40, 200]))
    rows = list(requests.values())
    found = {"domain": 0, "name": 0, "stem": 0}
    for _ in range(150):
        row = rng.choice(rows)
        address = rng.choice([
            f"someone@{(row['body_domain'] or 'z.org')}", f"a@{rng.choice(DOMAINS) or ''}",
            f"b@DEEP.{rng.choice(DOMAINS) or 'q'}", "no domain", f"c@x{rng.choice(DOMAINS) or ''}"])
        assert requests.sender_bodies(address) == walked_sender_bodies(rows, address)
        found["domain"] += bool(requests.sender_bodies(address))
        assert list(requests.sender_bodies(address).items()) == list(walked_sender_bodies(rows, address).items())

        names = [(r["body_name"] or "") for r in rng.sample(rows, min(3, len(rows)))]
        mentions = " ".join(rng.choice([n, n[1:], n[:-1], "x" + n + "s", n.upper(), "filler text"])
                            for n in names).lower() + rng.choice(["", " council", "\n(kent)"])
        walked = [key for key, r in requests.items() if (r["body_name"] or "").lower()
                  and (r["body_name"] or "").lower() in mentions]
        assert requests.named_in(mentions) == walked, mentions
        found["name"] += bool(walked)

        token = normalise_reference(rng.choice([row["reference"], row["reference"][:-4] + "ZZZZ", "EH-NONE-0000"]))
        stem = token.rsplit("-", 1)[0]
        assert requests.with_stem(token) == [key for key, r in requests.items()
                                             if normalise_reference(r["reference"]).rsplit("-", 1)[0] == stem]
        found["stem"] += bool(requests.with_stem(token))
        codes = {rng.choice(rows)["body_code"] for _ in range(2)} | {"NOBODY"}
        assert requests.of_bodies(codes) == [key for key, r in requests.items() if r["body_code"] in codes]
        assert requests.with_id(row["id"]) is row
    assert min(found.values()) > 20, found  # the comparisons were not all of empty results


def test_a_changed_state_keeps_the_lookups_and_a_changed_body_rebuilds_them():
    requests = random_requests(random.Random(1), 30)
    key, row = next(iter(requests.items()))
    lookups = requests.lookups
    requests.update({key: {**row, "state": "answered"}})
    assert requests.lookups is lookups and requests.with_id(row["id"])["state"] == "answered"
    requests.update({key: {**row, "body_domain": "moved.example"}})
    assert requests.lookups is not lookups
    assert requests.sender_bodies("x@moved.example") == {row["body_code"]: "moved.example"}
    requests["EH-NEW-AAAA"] = {**row, "id": 999, "reference": "EH-NEW-AAAA", "body_code": "NEW"}
    assert requests.of_bodies({"NEW"}) == ["EH-NEW-AAAA"]
    assert "EH-NEW-AAAA" in requests.references()


def test_the_fold_table_holds_every_character_that_matches_a_letter_or_digit_ignoring_case():
    """The learned-reference filter reads a folded text; it would miss a reference written
    with a character that matches a letter (as the Kelvin sign matches k) if one were left out."""
    text = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    matching = {}
    for char in string.ascii_lowercase + string.digits:
        for match in re.finditer(re.escape(char), text, re.IGNORECASE):
            matching[match.group()] = char
    assert matching, "the search found nothing: the test would pass whatever the table held"
    assert {c: c.translate(FOLD) for c in matching} == matching
    assert "ABCxyz".translate(FOLD) == "abcxyz"


def learned_db(pairs):
    """A database holding only what LearnedReferences reads: each pair as a message's
    council reference (the real schema's queries are covered below and in test_migrations)."""
    db = Database(memory=True)
    db.execute("CREATE TABLE requests (id INTEGER PRIMARY KEY, their_reference TEXT)")
    db.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, request_id INTEGER, their_reference TEXT, "
               "classification_evidence TEXT)")
    for request_id, reference in pairs:
        db.execute("INSERT INTO messages (request_id, their_reference) VALUES (?, ?)", [request_id, reference])
    return db


REFS = ["FOI/2024/0456", "FOI-2024-0456", "7341", "123456", "ABC 12", "case_99", "X.1.K",
        "REF(7)", "ǅ9", "ſtop-1", "kit", "2024/ıd", "e", "FOI/2024/1456"]


@pytest.mark.parametrize("seed", range(5))
def test_learned_reference_hits_are_those_of_trying_every_reference(seed):
    rng = random.Random(seed)
    pairs = [(rng.randint(1, 8), rng.choice(REFS)) for _ in range(25)]
    learned = LearnedReferences(learned_db(pairs))
    ordered = [(rid, ref) for rid in sorted({r for r, _ in pairs}) for ref in sorted({f for r, f in pairs if r == rid})]
    assert learned.pairs() == ordered
    pieces = ["our ref: ", "Case number ", "see ", "FOI 2024 0456", "foi20240456", "ref 7341", "7341",
              "x7341", "123456.", "abc/12", "CASE-99", "x.1.\u212a", "ref(7)", "\u01c59", "STOP-1",
              "\u017ftop 1", "KIT", "2024 \u0130D", "e", "\n", " ", "filler"]
    quoted = 0
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        walked: dict[int, str] = {}
        for rid, ref in ordered:
            if quotes(ref, text):
                walked.setdefault(rid, ref)
        assert learned.hits(text) == dict(sorted(walked.items())), text
        quoted += bool(walked)
    assert quoted > 50


def test_a_reference_ends_in_the_letters_and_digits_a_quote_of_it_ends_in():
    assert ending("FOI/2024/0456") == "0456" and ending("7341") == "7341"
    assert ending("ABCDEFGHIJK") == "defghijk"
    assert ending("REF(7)") == "" and ending(" ab-\u212a ") == "k"


def test_a_council_reference_learned_during_a_batch_places_later_mail_of_that_batch(tmp_path):
    from foi.triage.run import requests_kept

    db = sent_campaign(tmp_path / "campaign.db")
    with db.atomic(), requests_kept(db):
        # unplaced: the references learned so far are read here, before the acknowledgement
        first = deliver(db, reply("A newsletter about something else.", sender="news@list.example"))
        ack = deliver(db, reply("Your request EH-LDS-8Q4J has been logged as FOI/2026/07710.",
                                sender="no-reply@casework.example.com", subject="Request logged"))
        later = deliver(db, reply("Our response to FOI 2026 07710 is below.",
                                  sender="no-reply@casework.example.com", subject="Your request"))
    assert first["request_id"] is None
    assert ack["their_reference"] == "FOI/2026/07710"
    assert (later["request_id"], later["match_rule"], later["match_evidence"]) == \
        (ack["request_id"], "their_reference", "FOI/2026/07710")
