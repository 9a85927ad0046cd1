"""Screened wording patterns (foi.language.screen): skipped only on texts they cannot match."""

import random
import re

import pytest

from foi.language import screen, wording
from foi.language.screen import Screened, folded, needed_by_alternative, screened
from foi.triage import bounces, classify


def needs(pattern: str, flags: int = re.IGNORECASE) -> list[set]:
    return [set(map(frozenset, alternative)) for alternative in needed_by_alternative(re.compile(pattern, flags))]


def test_each_alternative_needs_its_literal_runs_and_a_word_of_each_part_it_cannot_do_without():
    assert needs(r"\b(?:we|i) acknowledge\b|thank you for your (?:request|e-?mail)") == [
        {frozenset({"we", "i"}), frozenset({" acknowledge"})},
        {frozenset({"thank you for your "}), frozenset({"request", "mail"})}]


def test_an_optional_part_needs_nothing_and_a_repeated_one_needs_its_word():
    assert needs(r"(?:fee )?notice") == [{frozenset({"notice"})}]
    assert needs(r"(?:very )+late") == [{frozenset({"very "}), frozenset({"late"})}]


def test_classes_positions_and_lookarounds_end_a_word():
    assert needs(r"refus[a-z]+\bal", 0) == [{frozenset({"refus"}), frozenset({"al"})}]
    assert needs(r"(?<=x)section(?!s)", 0) == [{frozenset({"section"})}]
    assert needs(r"[a-z]+", 0) == [set()]


def test_words_are_lower_case_ascii_whatever_the_pattern_says():
    assert needs(r"FOI(?-i:SA) Scotland") == [{frozenset({"foi"}), frozenset({"sa"}), frozenset({" scotland"})}]
    assert needs("caf\u00e9 society") == [{frozenset({"caf"}), frozenset({" society"})}]  # é ends a word


def test_a_text_must_hold_a_word_of_every_set_of_one_alternative():
    pattern = screened(re.compile(r"we have logged your (?:request|enquiry)|thank you for your letter", re.I))
    assert pattern.could_match("We have logged your enquiry.")
    assert not pattern.could_match("We have logged the time; your request follows.")  # no "we have logged your"
    assert not pattern.could_match("Your request was refused.")  # "request" alone, no alternative whole


def test_a_pattern_with_only_short_words_searches_every_text():
    few = screened(re.compile(r"q\d|no", re.I))
    assert few.needs.everywhere and few.search("Q1") is not None


def test_the_characters_a_case_blind_letter_takes_are_all_folded_to_it():
    # Every character beyond ASCII that a case-blind pattern of one ASCII letter matches
    letters = re.compile("|".join("abcdefghijklmnopqrstuvwxyz"), re.IGNORECASE)
    everything = "".join(chr(code) for code in range(128, 0x110000) if not 0xD800 <= code < 0xE000)
    taken = {found.group(0) for found in letters.finditer(everything)}
    assert taken == {chr(code) for code in screen.OTHER_CASES}
    for character in taken:
        assert re.fullmatch(folded(character), character, re.IGNORECASE)


def test_a_match_through_an_unusual_case_is_still_found():
    pattern = screened(re.compile(r"information commissioner", re.IGNORECASE))
    for text in ("INFORMATION COMMISSIONER", "\u0131nformation commissioner", "\u0130NFORMATION COMMISSIONER"):
        assert pattern.search(f"Write to the {text}.") is not None
    assert pattern.search("Write to the regulator.") is None


def test_every_method_answers_as_the_pattern_does_when_it_is_skipped():
    plain = re.compile(r"(?:refused|withheld) under (section \d+)", re.IGNORECASE)
    pattern = screened(plain)
    text = "Nothing was held back."
    assert not pattern.could_match(text)
    assert pattern.search(text) is None and pattern.match(text) is None and pattern.fullmatch(text) is None
    assert list(pattern.finditer(text)) == [] and pattern.findall(text) == []
    assert pattern.sub("X", text) == plain.sub("X", text) and pattern.split(text) == plain.split(text)
    found = "It was Refused under Section 40 and withheld under section 43."
    assert pattern.findall(found) == plain.findall(found) == ["Section 40", "section 43"]
    assert pattern.sub(r"[\1]", found) == plain.sub(r"[\1]", found)
    assert pattern.pattern == plain.pattern and pattern.flags == plain.flags and pattern.groups == 1


def _screened_patterns():
    for module in (wording, classify, bounces):
        for name, value in vars(module).items():
            if isinstance(value, Screened):
                yield pytest.param(value, id=f"{module.__name__.rsplit('.', 1)[-1]}.{name}")


def _texts(pattern: Screened, count: int, seed: int) -> list[str]:
    """Texts made of the pattern's own words in odd cases among common ones, cut at random
    places, so that some match and many come near."""
    rng = random.Random(seed)
    filler = ("the", "we", "have", "your", "request", "under", "section", "40", "is", "not", "held", ".", ",",
              "\n", "\u0131", "\u017f", "\u212a", "\u0130", "information", "attached", "please", "find")
    words = sorted({w for alternative in pattern.needs.alternatives for needed in alternative for w in needed}) or ["x"]
    texts = []
    for _ in range(count):
        parts = [rng.choice(words) if rng.random() < 0.3 else rng.choice(filler) for _ in range(rng.randint(1, 14))]
        text = " ".join(part.upper() if rng.random() < 0.2 else part for part in parts)
        cut = rng.randint(0, len(text))
        texts.append(text[:cut] + text[cut + rng.randint(0, 3):])
    return texts


@pytest.mark.parametrize("pattern", list(_screened_patterns()))
def test_each_screened_wording_pattern_finds_what_the_pattern_finds(pattern):
    plain = pattern.compiled
    for text in _texts(pattern, 400, seed=len(plain.pattern)):
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert bool(pattern.search(text)) == bool(plain.search(text)), text


def test_the_long_classification_patterns_are_screened():
    # the patterns searched in every sentence of every reply: the reason the module exists
    for pattern in (wording.REFUSAL, wording.REFUSAL_DECIDED, wording.ACKNOWLEDGEMENT, wording.CLARIFICATION,
                    bounces.BOUNCE_SUBJECT):
        assert isinstance(pattern, Screened) and not pattern.needs.everywhere


def test_the_words_are_read_on_the_first_search_not_when_the_pattern_is_made():
    pattern = screened(re.compile(r"we have logged your (?:request|enquiry)", re.I))
    assert pattern._needs is None  # loading the wording costs no parse
    assert pattern.search("Nothing here.") is None
    assert pattern._needs is not None and pattern._needs.first == ("we have logged your ",)
