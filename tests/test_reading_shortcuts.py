"""Shortcuts in reading a message's words: each must give what the long way gives.

- A header with no encoded word is taken as it is, not run through the RFC 2047 decoder.
- A multipart boundary is found by searching for its bytes, not by a pattern made for it.
- A pattern that cannot tell a sentence's ends from line breaks is tried once on all the
  sentences together; only where it finds something are the sentences tried one by one.
"""

import itertools
import random
import re
from email.header import decode_header, make_header

import pytest

from foi.language import screen
from foi.language.screen import context_free
from foi.mail import skeleton
from foi.triage import classify
from foi.triage.bounces import decoded_header
from foi.triage.classify import COMPILED, WHOLE_TEXT_SAFE

HEADERS = [
    "Re: Freedom of Information request EH-ABC-123",
    "  leading and trailing spaces  ",
    "Folded\n over two lines",
    "Tabs\tinside\tit",
    "An address <someone@example.org>, another@example.org",
    "=?utf-8?q?Caf=C3=A9_opening_hours?=",
    "=?iso-8859-1?b?U3TDpmRl?= and plain words after",
    "Looks like =? but is not an encoded word",
    "",
]


@pytest.mark.parametrize("value", HEADERS)
def test_a_header_reads_the_same_by_the_shortcut_and_by_the_decoder(value):
    assert decoded_header(value) == str(make_header(decode_header(value)))


def test_an_encoded_word_is_still_decoded():
    assert decoded_header("=?utf-8?q?Caf=C3=A9?= hours") == "Café hours"
    assert decoded_header(None) == ""


@pytest.mark.parametrize(("pattern", "free"), [
    (r"\bwe hold no\b", True),
    (r"(?:fee|charge) of \d+", True),
    (r"(?>a+)b", True),
    (r"\Bing\b", True),
    (r"^please", False),
    (r"attached$", False),
    (r"\Aplease", False),
    (r"(?<!not )held", False),
    (r"(?<=we )hold", False),
    (r"hold(?! no)", False),
    (r"hold(?=ing)", False),
    (r"(?:x|y(?:z|^w))+", False),
    (r"(a)?(?(1)b|c$)", False),
])
def test_context_free_knows_which_patterns_a_sentence_end_can_change(pattern, free):
    assert context_free(re.compile(pattern)) is free


def test_a_lookahead_at_a_sentence_end_is_why_such_patterns_are_tried_one_sentence_at_a_time():
    pattern = re.compile(r"\brecords(?!\s*\d)")
    sentences = ["We hold the records", "12 were opened"]
    assert pattern.search(sentences[0])  # alone, the sentence has a hit
    assert not pattern.search("\n".join(sentences))  # together, the next sentence hides it
    assert not context_free(pattern)


def test_most_of_the_classifiers_patterns_are_tried_on_the_whole_text():
    assert {"acknowledgement", "not_held", "extension"} <= WHOLE_TEXT_SAFE


# Sentences written for this test, some of which each kind of pattern finds something in.
SENTENCES = [
    "Thank you for your request, which we received on 3 March.",
    "We aim to respond within 20 working days.",
    "The council does not hold the information you asked for.",
    "We need more time to consider the public interest, and will reply by 14 April.",
    "A fee of 45 pounds applies before we can go on.",
    "The figures are published on our website at www.example.org/data.",
    "Please find the answers below.",
    "In 2023 there were 1,204 assessments.",
    "Could you tell us which period you mean?",
    "Records",
    "held",
    "",
]


def _one_by_one(name, sentences):
    for sentence in sentences:
        if COMPILED[name].search(sentence):
            return sentence[:200]
    return ""


def test_the_first_hit_is_the_same_as_trying_each_sentence():
    rng = random.Random(20)
    lists = [list(pair) for pair in itertools.permutations(SENTENCES, 2)]
    lists += [rng.sample(SENTENCES, rng.randint(0, len(SENTENCES))) for _ in range(300)]
    found = 0
    for name, sentences in itertools.product(COMPILED, lists):
        expected = _one_by_one(name, sentences)
        assert classify._first_hit(name, sentences) == expected, (name, sentences)
        found += bool(expected)
    assert found > 500  # the lists hold hits, so the whole-text search is not only ever empty


def _by_pattern(raw, boundary, begin, end):
    pattern = re.compile(rb"(?m)^--" + re.escape(boundary) + rb"(--)?[ \t]*\r?$")
    return [(m.start(), m.end(), bool(m.group(1))) for m in pattern.finditer(raw, begin, end)]


def test_a_multipart_boundary_is_found_as_a_pattern_of_its_own_would_find_it():
    rng = random.Random(7)
    pieces = [b"-", b"--", b"\r", b"\n", b"\r\n", b" ", b"\t", b"text", b"=_b", b"=_b-", b"\n--=_b\r\n",
              b"\n--=_b-- \n", b"\n--=_b--\r\n", b"--=_bx", b"\n--=_b\t\r\r\n"]
    matched = closing = 0
    for _ in range(20000):
        boundary = rng.choice([b"=_b", b"=_b-", b"a.b(c)"])
        raw = b"".join(rng.choice(pieces + [b"\n--" + boundary]) for _ in range(rng.randint(0, 14)))
        begin = rng.randint(0, len(raw))
        end = rng.randint(begin, len(raw))
        expected = _by_pattern(raw, boundary, begin, end)
        assert list(skeleton.separator_lines(raw, boundary, begin, end)) == expected, (raw, boundary, begin, end)
        matched += bool(expected)
        closing += any(found[2] for found in expected)
    assert matched > 2000 and closing > 500  # the cases hold boundaries, closing ones among them


def test_boundary_lines_in_a_message():
    raw = (b"preamble\r\n--XY\r\nfirst\r\n--XY  \r\nsecond\r\n--XYZ\r\nnot one\r\n"
           b" --XY\r\nnot one either\r\n--XY--\r\nepilogue\r\n--XY\r\n")
    found = list(skeleton.separator_lines(raw, b"XY", 0, len(raw)))
    assert [(raw[start:stop], closing) for start, stop, closing in found] == [
        (b"--XY\r", False), (b"--XY  \r", False), (b"--XY--\r", True), (b"--XY\r", False)]


def test_without_the_regex_parser_no_pattern_is_called_free(monkeypatch):
    """The parser is Python's private module: if it is gone or reads otherwise, every
    pattern is tried sentence by sentence, the slow way that is never wrong."""
    monkeypatch.setattr(screen, "re_parser", None)
    assert not context_free(re.compile(r"we do not hold"))
