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

STATUSES = ("answered", "suppressed", "not_held", "refused", "needs_review")


@dataclass
class Value:
    status: str
    raw: str
    value: float | None = None
    text: str | None = None
    lower: float | None = None
    upper: float | None = None
    section: str | None = None
    note: str | None = None


NUMBER = re.compile(r"^\(?[£$]?\s*(\d{1,3}(?:[,\s  ]\d{3})+|\d+)(\.\d+)?\s*\)?\s*(%|\*{1,2}|[¹²³]|\[\w{1,3}\]|\(\w\))?$")
UNDER = re.compile(r"^(?:<|fewer than|less than|under|below)\s*(\d+)$", re.IGNORECASE)
AT_MOST = re.compile(r"^(?:<=|≤|=<)\s*(\d+)$|^(\d+)\s*or\s*(?:less|fewer|under|below)$", re.IGNORECASE)
RANGE = re.compile(r"^(?:between\s+)?(\d+)\s*(?:-|–|to|and)\s*(\d+)$", re.IGNORECASE)
SYMBOLS = {"*", "**", "c", "x", "~", "[c]", "[x]", "[z]", "supp", "suppressed", "redacted", "[redacted]"}
BLANKS = {"", "-", "–", "—", "--", "n/a", "na", "n.a.", "..", ".", "?", "tbc", "unknown"}
NOT_HELD = re.compile(r"\b(not held|not recorded|not collected|no (?:data|information|record)s? (?:is |are )?held"
                      r"|not captured|do(?:es)? not (?:hold|record|collect)|unable to report|not available"
                      r"|s\.?\s*1\s*\(1\)\s*\(a\))", re.IGNORECASE)
SECTION = re.compile(r"\b(?:s|sec|section)\.?\s*(\d{1,2})(?:\s*\(\s*(\d)\s*\))?(?:\s*\(\s*([a-z])\s*\))?",
                     re.IGNORECASE)
REGULATION = re.compile(r"\breg(?:ulation)?\.?\s*(12\s*\(\s*[45]\s*\)\s*\(\s*[a-e]\s*\)|13)", re.IGNORECASE)
REFUSAL_WORDS = re.compile(r"\b(refus\w*|exempt\w*|withh[oe]ld\w*|exceed\w*|cost limit|appropriate limit"
                           r"|vexatious|section\s*\d|s\.?\s*\d{2})\b", re.IGNORECASE)
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
    bounds = suppressed_bounds(lowered)
    if bounds:
        return Value("suppressed", raw, lower=bounds[0], upper=bounds[1])
    number = NUMBER.match(text)
    if number and kind != "text":
        digits = re.sub(r"[,\s  ]", "", number.group(1)) + (number.group(2) or "")
        note = f"footnote mark '{number.group(3)}'" if number.group(3) and number.group(3) != "%" else None
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


def parse_refusal(text: str) -> str | None:
    """'s.12', 's.40(2)', 'reg 12(4)(b)' when the text refuses; None otherwise."""
    if not REFUSAL_WORDS.search(text):
        return None
    regulation = REGULATION.search(text)
    if regulation:
        return "reg " + re.sub(r"\s+", "", regulation.group(1))
    match = SECTION.search(text)
    if match:
        section = f"s.{int(match.group(1))}"
        if match.group(2):
            section += f"({match.group(2)})"
        return section
    return "unspecified" if re.search(r"\brefus|\bexempt", text, re.IGNORECASE) else None


def parse_manual(raw: str, kind: str = "count") -> Value:
    """A value typed by a person: a number, '<5', 'not held', 'refused:s12'."""
    text = raw.strip()
    if text.lower().startswith("refused"):
        section = text.split(":", 1)[1].strip() if ":" in text else ""
        digits = re.match(r"(?:s|section)?\.?\s*(\d{1,2})(\(\d\))?$", section, re.IGNORECASE)
        label = f"s.{int(digits.group(1))}{digits.group(2) or ''}" if digits else (section or "unspecified")
        return Value("refused", raw, section=label)
    return parse_value(text, kind)
