"""What one cell or phrase says: a number, a suppressed small number with the
bounds it implies, not held, refused (with the FOIA section), or something a
person must look at. A dash or a blank is never read as zero.

Bounds of suppressed numbers: "<5" -> 0..4. Zero is kept possible because
councils differ: some suppress 1-4 only and print 0, others suppress 0-4; the
raw text is kept so a campaign can narrow it. "5 or less" -> 0..5,
"less than 10" -> 0..9, "1-4" -> 1..4, bare "*", "c", "x" -> 0..unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi.language.foia import REFUSING_SECTIONS


@dataclass
class Value:
    status: str  # answered | suppressed | not_held | refused | needs_review
    raw: str
    value: float | None = None
    text: str | None = None
    lower: float | None = None
    upper: float | None = None
    section: str | None = None
    note: str | None = None
    sure: bool = True  # False: read one way of two possible; a person confirms


# A footnote mark printed small and raised after a word or figure in a PDF
# (pdf_stream writes it so): "24.91<s>2</s>" is 24.91 with the mark "2".
MARK = re.compile(r"<s>([^<]{1,8})</s>")
NUMBER = re.compile(r"^\(?[£$]?\s*(\d{1,3}(?:[,\s  ]\d{3})+|\d+)(\.\d+)?\s*\)?\s*"
                    rf"(%|\*{{1,2}}|[¹²³]|\[\w{{1,3}}\]|\(\w\)|{MARK.pattern})?$")
DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
UNDER = re.compile(r"^(?:<|fewer than|less than|under|below)\s*(\d+)$", re.IGNORECASE)
AT_MOST = re.compile(r"^(?:<=|≤|=<)\s*(\d+)$|^(\d+)\s*or\s*(?:less|fewer|under|below)$", re.IGNORECASE)
RANGE = re.compile(r"^(?:between\s+)?(\d+)\s*(?:-|–|to|and)\s*(\d+)$", re.IGNORECASE)
SYMBOLS = {"*", "**", "c", "x", "~", "[c]", "[x]", "[z]", "supp", "suppressed", "redacted", "[redacted]"}
BLANKS = {"", "-", "–", "—", "--", "n/a", "na", "n.a.", "..", ".", "?", "tbc", "unknown"}
NOT_HELD = re.compile(r"\b(not held|not recorded|not collected|no (?:data|information|record)s? (?:is |are )?held"
                      r"|not captured|do(?:es)? not (?:hold|record|collect)|unable to report|not available"
                      r"|s\.?\s*1\s*\(1\)\s*\(a\))", re.IGNORECASE)
SECTION = re.compile(r"\b(?:s|sec|sections?)\.?\s*(\d{1,2})(?:\s*\(\s*(\d)\s*\))?(?:\s*\(\s*([a-z])\s*\))?",
                     re.IGNORECASE)
REGULATION = re.compile(r"\breg(?:ulation)?\.?\s*(12\s*\(\s*[45]\s*\)\s*\(\s*[a-e]\s*\)|13)", re.IGNORECASE)
REFUSAL_WORDS = re.compile(r"\b(refus\w*|exempt\w*|withh[oe]ld\w*|exceed\w*|cost limit|appropriate limit"
                           r"|vexatious|section\s*\d|s\.?\s*\d{2})\b", re.IGNORECASE)
# Only REFUSING_SECTIONS refuse: s.1(3) clarification, s.9 fees, s.10 time for
# compliance, s.16 advice, s.17 the refusal notice itself and s.50 complaints name no
# reason to withhold.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“‘'])")
# Sentences that are not the council saying what it does with the request: what
# could happen ("If ..."), what happens next (clarification, public interest
# extension: the request is still open), the requester's rights, mail disclaimers.
CONDITIONAL = re.compile(r"^\W*(if|should|where|unless|once|in the event)\b", re.IGNORECASE)
HOLDING = re.compile(
    r"\bon hold\b|\bclarif|\b(?:additional|further|more|extra) time\b|\bextend(?:ed|ing)? the\b|\bextension\b"
    r"|\b(?:section|s)\.?\s*(?:1\s*\(\s*3|10\s*\(\s*3|17\s*\(\s*2)\s*\)|\bconsider(?:ing)? whether\b"
    r"|\bpublic interest\b.{0,80}\b(?:until|by \d|by (?:mon|tues|wednes|thurs|fri)day)\b"
    r"|\b(?:will|shall|aim to|expect to|hope to) (?:respond|reply|provide (?:you with )?(?:a|our|the) (?:full )?"
    r"response)\w* (?:by|within|no later|on or before)", re.IGNORECASE)
RIGHTS = re.compile(r"information commissioner|\bICO\b|\b(?:section|s)\.?\s*50\b|internal review|complain",
                    re.IGNORECASE)
ADDRESSED = re.compile(r"\byou (?:may|can|could|have|are entitled|should|must|will need)\b|\byour rights?\b",
                       re.IGNORECASE)
DISCLAIMER = re.compile(r"intended recipient|this e-?mail (?:and any|may|is confidential|contains)"
                        r"|\b(?:may|might) contain\b", re.IGNORECASE)


def marked(text: str) -> str:
    """`text` written as a raised footnote mark (see MARK)."""
    return f"<s>{text}</s>"


NIL = {"nil", "zero", "none"}  # words for zero (a dash or a blank is not one)
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}


def parse_value(raw: str, kind: str = "count") -> Value:
    text = " ".join(raw.split())
    lowered = text.lower().strip(" .")
    if lowered in BLANKS:
        return Value("needs_review", raw, note="blank or dash: not read as zero" if lowered in ("", "-", "–", "—", "--")
                     else f"'{text}' is not a figure")
    if kind == "yes_no" and lowered in YES | NO:
        return Value("answered", raw, text="yes" if lowered in YES else "no")
    if lowered in NIL and kind != "text":
        return Value("answered", raw, value=0.0, note=f"'{text}' read as 0")
    bounds = suppressed_bounds(lowered)
    if bounds:
        return Value("suppressed", raw, lower=bounds[0], upper=bounds[1])
    if kind == "count" and DOT_THOUSANDS.match(text):
        # A count has no fractional part, so "3.220" is 3,220 (mainland Europe's
        # grouping, which some councils' systems export): read so, not surely.
        return Value("answered", raw, value=float(text.replace(".", "")), sure=False,
                     note=f"'{text}' read as {text.replace('.', ',')} ('.' as a thousands separator in a count)")
    number = NUMBER.match(text)
    if number and kind != "text":
        digits = re.sub(r"[,\s  ]", "", number.group(1)) + (number.group(2) or "")
        mark = number.group(4) or number.group(3)  # group 4: the text of a <s> mark
        note = f"footnote mark '{mark}'" if mark and mark != "%" else None
        return Value("answered", raw, value=float(digits), note=note)
    if NOT_HELD.search(text):
        return Value("not_held", raw)
    refusal = parse_refusal(text)
    if refusal:
        return Value("refused", raw, section=refusal)
    if kind == "text":
        return Value("answered", raw, text=text)
    return Value("needs_review", raw, note="not a figure")


def suppressed_bounds(lowered: str) -> tuple[float, float | None] | None:
    """(lower, upper) for the ways councils hide small numbers; None if not one."""
    lowered = lowered.replace("fewer than or equal to", "<=").replace("less than or equal to", "<=")
    if lowered in SYMBOLS:
        return (0.0, None)
    match = UNDER.match(lowered)
    if match:
        return (0.0, float(int(match.group(1)) - 1))
    match = AT_MOST.match(lowered)
    if match:
        return (0.0, float(match.group(1) or match.group(2)))
    match = RANGE.match(lowered)
    if match and int(match.group(1)) < int(match.group(2)) <= 20:  # "1-4", not "2015-16"
        return (float(match.group(1)), float(match.group(2)))
    return None


# "* fewer than 5", "* = a number below 10", "c - between 1 and 4": a note saying what a symbol hides.
FOOTNOTE = re.compile(r"^\s*(\*{1,3}|†|‡|\[[cx]\]|[cx](?=\s*[=:\-–]|\s+(?:denotes|means|indicates|represents"
                      r"|signifies|shows|is used)\b))\s*(?:[=:\-–]\s*)?(.*)$", re.IGNORECASE)
HIDDEN = re.compile(r"(?:fewer|less) than\s*\d+|(?:below|under)\s*\d+|\d+\s*or (?:fewer|less)|<\s*=?\s*\d+"
                    r"|between\s*\d+\s*and\s*\d+|\b\d+\s*(?:-|–|to)\s*\d+\b", re.IGNORECASE)


def footnote_bounds(text: str) -> tuple[str, float, float | None] | None:
    """(symbol, lower, upper) when `text` is a note defining a suppression symbol."""
    note = FOOTNOTE.match(text)
    if not note:
        return None
    hidden = HIDDEN.search(note.group(2)[:120])
    if not hidden:
        return None
    phrase = " ".join(hidden.group(0).lower().split()).replace("between ", "")
    phrase = re.sub(r"^(below|under)\s*", "less than ", phrase).replace(" and ", "-")
    bounds = suppressed_bounds(phrase.replace(" to ", "-").replace("–", "-"))
    return (note.group(1).lower(), *bounds) if bounds and bounds[1] is not None else None


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(" ".join(text.split())) if part]


def said_plainly(sentence: str) -> bool:
    """False for a sentence that only says what could happen, what happens next,
    what the requester may do, or is a mail disclaimer (see the patterns above)."""
    return not (CONDITIONAL.search(sentence) or HOLDING.search(sentence) or DISCLAIMER.search(sentence)
                or (RIGHTS.search(sentence) and ADDRESSED.search(sentence)))


def parse_refusal(text: str) -> str | None:
    """'s.12', 's.40(2)', 'reg 12(4)(b)' when the text refuses; None otherwise.

    Only sentences said plainly count, and only refusing sections: "on hold under
    section 1(3)" or "extended under s.10(3)" is not a refusal."""
    kept = [s for s in sentences(text) if REFUSAL_WORDS.search(s) and said_plainly(s)]
    for sentence in kept:
        regulation = REGULATION.search(sentence)
        if regulation:
            return "reg " + re.sub(r"\s+", "", regulation.group(1))
    for sentence in kept:
        for match in SECTION.finditer(sentence):
            if int(match.group(1)) in REFUSING_SECTIONS:
                return f"s.{int(match.group(1))}" + (f"({match.group(2)})" if match.group(2) else "")
    words = " ".join(kept)
    if re.search(r"\b(?:cost|appropriate) limit", words, re.IGNORECASE):
        return "s.12"
    if re.search(r"\bvexatious", words, re.IGNORECASE):
        return "s.14"
    return "unspecified" if re.search(r"\brefus|\bexempt", words, re.IGNORECASE) else None


def parse_manual(raw: str, kind: str = "count") -> Value:
    """A value typed by a person: a number, '<5', 'not held', 'refused:s12'."""
    text = raw.strip()
    if text.lower().startswith("refused"):
        section = text.split(":", 1)[1].strip() if ":" in text else ""
        digits = re.match(r"(?:s|section)?\.?\s*(\d{1,2})(\(\d\))?$", section, re.IGNORECASE)
        label = f"s.{int(digits.group(1))}{digits.group(2) or ''}" if digits else (section or "unspecified")
        return Value("refused", raw, section=label)
    return parse_value(text, kind)
