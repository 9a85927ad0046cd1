"""Council wording is read once (foi.language.wording): classification (what a
message is) and extraction (what it says of each question) must agree on every
sentence that refuses, says "not held", cites a section or decides nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from foi.extract.mapper import extract_values
from foi.extract.questions import Question, QuestionMatcher
from foi.extract.run import WHOLE_OUTCOME, Campaign, resolve
from foi.extract.text import read_text
from foi.extract.values import parse_value
from foi.language.wording import find_sections, parse_refusal, split_sentences
from foi.triage.classify import classify_text

QUESTION = Question("visits", "1", "How many home visits did the service make?", labels=["home visits"])
PERIODS = ["2024/25"]


def classified(text: str) -> tuple[str, list[str]]:
    """(kind, sections) as classification records them."""
    result = classify_text("", text, [])
    return result.kind, result.details.get("sections", [])


def extracted(text: str, kind: str = "") -> tuple[str, str | None] | None:
    """(status, section) extraction stores for the one question, or None, in a
    message classified as `kind` (a statement that agrees with it is settled)."""
    found = extract_values(read_text(text.encode(), "body"), QuestionMatcher([QUESTION]), PERIODS)
    chosen = resolve([(f, None, "message body") for f in found], Campaign("visits", [QUESTION], PERIODS, []),
                     WHOLE_OUTCOME.get(kind))
    values = {(f.value.status, f.value.section) for f, _, _ in chosen}
    assert len(values) <= 1
    return values.pop() if values else None


def reading(text: str) -> tuple[str, str | None]:
    """What both readers make of `text`, once they are shown to agree."""
    kind, sections = classified(text)
    stored = extracted(text, kind)
    if kind == "refusal":
        assert stored == ("refused", sections[0] if sections else "unspecified"), (kind, sections, stored)
        return kind, stored[1]
    if kind == "not_held":
        assert stored == ("not_held", None), (kind, stored)
        return kind, None
    assert stored is None and not sections, (kind, sections, stored)
    return "nothing", None


@pytest.mark.parametrize("text, expected", [
    # the two disagreements the review found
    ("In some cases the information is exempt under s.40(2).", ("nothing", None)),
    ("The information is withheld under regulation 12(5)(f) as it was supplied to us voluntarily.",
     ("refusal", "reg.12(5)(f)")),
    # s.12: a section with no refusing word; the cost limit with no section
    ("Finding these records would take more than 18 hours, so section 12 applies.", ("refusal", "s.12")),
    ("Answering this question would exceed the cost limit.", ("refusal", "s.12")),
    # s.14(2): a repeated request
    ("This request repeats one we answered in May, so section 14(2) applies.", ("refusal", "s.14(2)")),
    # s.21: a pointer to published figures
    ("Section 21 applies: the figures are published in our annual report.", ("refusal", "s.21")),
    # s.40(2) written without a full stop or a refusing word
    ("We have applied s40(2) to the names of the officers.", ("refusal", "s.40(2)")),
    # EIR: reg 12(4)(a) is "not held"; a list of regulations; manifestly unreasonable names none
    ("The exception at regulation 12(4)(a) of the EIR applies to this information.", ("not_held", None)),
    ("Names are withheld under regulations 12(5)(f) and 13.", ("refusal", "reg.12(5)(f)")),
    ("We consider the request manifestly unreasonable.", ("refusal", "reg.12(4)(b)")),
    # FOISA: the letter of s.38(1)(b) is kept; its s.25 refuses (otherwise accessible)
    ("Personal information is withheld under section 38(1)(b) of FOISA.", ("refusal", "s.38(1)(b)")),
    ("Section 25 of FOISA applies, as the figures are already published.", ("refusal", "s.25")),
    ("We neither confirm nor deny that we hold this information.", ("refusal", "unspecified")),
    # not held, in words one reader knew and the other did not
    ("This information is not recorded by the council.", ("not_held", None)),
    ("The council did not collect these figures.", ("not_held", None)),
    # how the Act works decides nothing
    ("The Act gives a right of access to information, subject to certain limitations and exemptions.",
     ("nothing", None)),
])
def test_classification_and_extraction_agree(text, expected):
    assert reading(text) == expected


def test_every_section_of_a_list_is_cited_in_order():
    text = "Parts are exempt under sections 40(2), 41 and 43; names under reg 13 and regulation 12(5)(f)."
    assert find_sections(text) == ["s.40(2)", "s.41", "s.43", "reg.13", "reg.12(5)(f)"]
    assert classified(text) == ("refusal", ["s.40(2)", "s.41", "s.43", "reg.13", "reg.12(5)(f)"])
    assert parse_refusal(text) == "s.40(2)"


@pytest.mark.parametrize("text", [
    "The council's 14 family hubs made 230 visits.",         # "'s 14" is not section 14
    "Under section 10 we have 20 working days to respond.",  # s.10 refuses nothing
    "Regulation 12(1)(b) requires us to weigh the public interest.",
    "Section 21 of FOISA gives you the right to a review.",  # FOISA s.21 is the review
])
def test_numbers_that_cite_no_refusing_section(text):
    assert find_sections(text) == []


def test_a_cell_and_a_sentence_share_the_not_held_words():
    assert [parse_value(cell).status for cell in ("Not recorded", "did not collect", "Reg 12(4)(a)")] == \
        ["not_held"] * 3


def test_a_cell_that_is_only_a_citation_refuses():
    assert [(parse_value(cell).status, parse_value(cell).section) for cell in ("s.40(2)", "S12", "Reg 13")] == \
        [("refused", "s.40(2)"), ("refused", "s.12"), ("refused", "reg.13")]
    assert parse_value("Low Income Section 40").status == "needs_review"  # a row label and a section
    assert reading("Q1 (s.43)") == ("refusal", "s.43")


def test_one_sentence_splitter():
    text = ("Thank you for your request.  The figures for\n2024/25 are exempt under s. 40(2),\ne.g. the "
            "names.\n\nQ2 we do not hold this\nQ3 (see below)")
    assert split_sentences(text) == ["Thank you for your request.",
                                     "The figures for 2024/25 are exempt under s. 40(2), e.g. the names.",
                                     "Q2 we do not hold this", "Q3 (see below)"]


CONFIDENCE_MODULES = ["prose", "run", "store", "mapper", "review"]


@pytest.mark.parametrize("name", CONFIDENCE_MODULES)
def test_no_bare_confidence_levels(name):
    """Confidence levels are named in foi.language.confidence, not written as floats."""
    source = (Path(__file__).parent.parent / "foi" / "extract" / f"{name}.py").read_text(encoding="utf-8")
    floats = [node.value for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Constant) and type(node.value) is float]
    assert floats == []
