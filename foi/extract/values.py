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

from foi.campaign.spec import Question
from foi.extract.numbers import word_number
from foi.language.wording import NOT_HELD, parse_refusal


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
# The words for "not held" and for a refusal are council wording, read the same
# way by classification: NOT_HELD and parse_refusal come from foi.language.wording.


def marked(text: str) -> str:
    """`text` written as a raised footnote mark (see MARK)."""
    return f"<s>{text}</s>"


NIL = {"nil", "zero", "none"}  # words for zero (a dash or a blank is not one)
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}


# A figure written out in full: digits grouped by commas in threes, pence in two places.
WHOLE_FIGURE = re.compile(r"[£$]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{2})?")
FIGURE_PIECE = re.compile(r"[£$]?[\d,.]+|[\d,.]+")


def rejoined(raw: str) -> str:
    """A figure wrapped inside a narrow cell ("£20,593,209.2" over "0") as one figure;
    pieces that are each whole figures ("1,204" over "96") stay apart (two figures in
    one cell, or one wrapped at a boundary: a person decides)."""
    pieces = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(pieces) < 2 or not all(FIGURE_PIECE.fullmatch(piece) for piece in pieces):
        return raw
    joined = "".join(pieces)
    if WHOLE_FIGURE.fullmatch(joined) and not all(WHOLE_FIGURE.fullmatch(piece) for piece in pieces):
        return joined
    return raw


def parse_value(raw: str, kind: str = "count") -> Value:
    text = " ".join(rejoined(raw).split())
    lowered = text.lower().strip(" .")
    if lowered in BLANKS:
        return Value("needs_review", raw, note="blank or dash: not read as zero" if lowered in ("", "-", "–", "—", "--")
                     else f"'{text}' is not a figure")
    if kind == "yes_no" and lowered in YES | NO:
        return Value("answered", raw, text="yes" if lowered in YES else "no")
    if lowered in NIL and kind != "text":
        return Value("answered", raw, value=0.0, note=f"'{text}' read as 0")
    if kind == "count" and word_number(lowered) is not None:  # "four", "Seven"
        return Value("answered", raw, value=float(word_number(lowered) or 0), note=f"'{text}' read as a number")
    bounds = suppressed_bounds(lowered)
    if bounds:
        return Value("suppressed", raw, lower=bounds[0], upper=bounds[1])
    if kind in MEASURES:
        return parse_measure(raw, text, kind)
    if kind == "count" and DOT_THOUSANDS.match(text):
        # A count has no fractional part, so "3.220" is 3,220 (mainland Europe's
        # grouping, which some councils' systems export): read so, not surely.
        return Value("answered", raw, value=float(text.replace(".", "")), sure=False,
                     note=f"'{text}' read as {text.replace('.', ',')} ('.' as a thousands separator in a count)")
    number = NUMBER.match(text)
    if number and kind in ("count", "money"):
        wrong = _wrong_kind(text, number.group(3), kind)
        if wrong:
            return Value("needs_review", raw, note=wrong)
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


# Figures with a unit of their own: a percentage ("12.5%", "12.5 per cent", or a bare
# 12.5 under a percentage question) and a number of days ("14", "14 days", "14 working days").
MEASURES = {
    "percent": re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent)?$", re.IGNORECASE),
    "days": re.compile(r"^(\d{1,4}(?:\.\d+)?)\s*(?:(?:working |calendar )?days?)?$", re.IGNORECASE),
}
WHAT = {"percent": "a percentage", "days": "a number of days"}


def parse_measure(raw: str, text: str, kind: str) -> Value:
    """A percentage or a number of days; any other figure is of the wrong kind and goes
    to a person (money, a count with thousands, weeks or months, a share above 100%)."""
    match = MEASURES[kind].match(text)
    if match:
        value = float(match.group(1))
        if kind == "percent" and value > 100:
            return Value("needs_review", raw, note=f"'{text}' is above 100; the question asks for a percentage")
        return Value("answered", raw, value=value)
    if NOT_HELD.search(text):
        return Value("not_held", raw)
    refusal = parse_refusal(text)
    if refusal:
        return Value("refused", raw, section=refusal)
    if NUMBER.match(text) or re.search(r"\d", text):
        return Value("needs_review", raw, note=f"'{text}' is not {WHAT[kind]}, which the question asks for")
    return Value("needs_review", raw, note="not a figure")


def of_kind(value: Value, kind: str) -> Value:
    """`value` as the answer to a question of `kind`: a count with a fractional part
    (pounds and pence, an average, a rate) goes to a person. Applied where a figure
    is put to a question, not in parse_value, which also tells cells from text."""
    if kind == "count" and value.status == "answered" and value.value is not None \
            and not float(value.value).is_integer():
        text = " ".join(value.raw.split())
        return Value("needs_review", value.raw, note=f"'{text}' has a fractional part; the question asks for a count")
    return value


# A question left at the default kind (count) whose words ask for a sum of money.
MONEY_WORDS = re.compile(r"\b(?:spend|spent|spending|costs?|costing|expenditure|income|paid|payments?|fees?|budget"
                         r"|amount|revenue|charges?|price|pounds|value of|grants?|allowances?|salary|salaries"
                         r"|wages?)\b|£", re.IGNORECASE)
COUNTING = re.compile(r"\bhow many\b|\bnumber of\b|\bcount of\b", re.IGNORECASE)


# A question left at the default kind (count) whose words ask for a number of days
# ("the average length of stay (days)", "how many days ..."), not for a count of things
# within some days ("how many children were seen within 20 days").
DAYS_ASKED = re.compile(r"\((?:in )?days\)|\bin days\b|\b(?:how many|number of) (?:calendar |working )?days\b"
                        r"|\baverage (?:length of (?:time|stay)|time|wait(?:ing time)?|duration)\b", re.IGNORECASE)


def figure_kind(question: Question) -> str:
    """The kind of figure a question asks for: its own kind, except that a count whose
    words ask for money ("the total spend on ...", "the cost of ...") asks for money,
    and one whose words ask for a number of days asks for days."""
    words = " ".join([question.text, *question.labels])
    if question.kind == "count" and DAYS_ASKED.search(question.text):
        return "days"  # "the average length of time spent ... (days)": time spent, not money
    if question.kind == "count" and MONEY_WORDS.search(words) and not COUNTING.search(words):
        return "money"
    return question.kind


def wrong_kind(raw: str, kind: str) -> str | None:
    """Why the figure `raw` is not of the kind `kind` asks for (None if it is, or
    is no figure): money or a percentage, or for a count a fractional part, read
    as parse_value and of_kind read it, for a reader weighing a whole line."""
    if kind not in ("count", "money") or not NUMBER.match(" ".join(raw.split())):
        return None
    value = of_kind(parse_value(raw, kind), kind)
    return value.note if value.status == "needs_review" else None


def _wrong_kind(text: str, unit: str | None, kind: str) -> str | None:
    """Why a number is not of its question's kind: money for a count, a percentage for either."""
    if unit == "%":
        return f"'{text}' is a percentage; the question asks for a {'count' if kind == 'count' else 'sum of money'}"
    if kind == "count" and re.match(r"^\(?[£$]", text):
        return f"'{text}' is money; the question asks for a count"
    return None


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


def parse_manual(raw: str, kind: str = "count") -> Value:
    """A value typed by a person: a number, '<5', 'not held', 'refused:s12'."""
    text = raw.strip()
    if text.lower().startswith("refused"):
        section = text.split(":", 1)[1].strip() if ":" in text else ""
        digits = re.match(r"(?:s|section)?\.?\s*(\d{1,2})(\(\d\))?$", section, re.IGNORECASE)
        label = f"s.{int(digits.group(1))}{digits.group(2) or ''}" if digits else (section or "unspecified")
        return Value("refused", raw, section=label)
    return parse_value(text, kind)
