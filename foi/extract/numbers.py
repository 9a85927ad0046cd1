"""Which numbers in a sentence can be figures, and which are something else.

A council's sentence is full of numbers that answer nothing: the years and
dates it speaks of, sections and regulations of an Act, reference and phone
numbers, ages and age bands, rates ("per 10,000"), percentages, durations
("within 12 months", "18 hours"), money (for a count), question numbers. They
are blanked out (replaced by spaces, so positions in the sentence still hold)
before figures are looked for, so that what is left is only what could be a
count. Numbers written in words ("four", "twelve") are figures too.
"""

from __future__ import annotations

import re

from foi.extract.periods import find_periods

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_NUM = r"\d[\d,]*(?:\.\d+)?"
_AND = r"\s*(?:,|and|or|&|to|-|–)\s*"
_RANGE = r"\s*(?:-|–|to)\s*"
_SUB = r"(?:\s?\(\w{1,4}\))"
MONEY = re.compile(rf"[£$€]\s*{_NUM}(?:\s*(?:m|k|bn|million|billion|thousand)\b)?|\b{_NUM}\s*(?:p|pence|pounds)\b",
                   re.IGNORECASE)
# years in a range the period finder leaves alone: "2015 - 2018", "2015 -2019", "2015-18" (a range
# only when the second year follows the first by a few: "2024 - 65 children" is a date and a figure)
YEAR_RANGE = re.compile(r"(?<![\d,.])((?:19|20)\d{2})\s*(?:-|–|to)\s*((?:19|20)?\d{2})(?![\d,])")
YEARS_IN_A_RANGE = 10
NOT_FIGURES = [
    # dates: 02.10.19, 31/03/2024, 1st April, 31 March, March 31st, 4.30pm, 10:15
    re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?!\d)"),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b", re.IGNORECASE),
    re.compile(rf"\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d{{3}})", re.IGNORECASE),
    re.compile(r"\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE),
    # sections, regulations and the like, with their subsections and lists: s.12(1), reg 12(4)(e),
    # sections 40 and 41, 10(4)(a)
    re.compile(rf"\b(?:sections?|ss?|regs?|regulations?|articles?|paragraphs?|paras?|parts?|schedules?|chapters?"
               rf"|clauses?|rules?|pages?|appendix|annex|annexe|point|item|step|option|level|tier|band|grade"
               rf"|stage|phase|version)\.?\s*\d{{1,3}}[a-z]?{_SUB}*(?:{_AND}\d{{1,3}}[a-z]?{_SUB}*)*",
               re.IGNORECASE),
    re.compile(rf"\b\d{{1,3}}{_SUB}+"),
    # references and phone numbers: FOI 8872178, ref: ABC/123, 01234 567890, +44 ...
    re.compile(r"\b(?:ref(?:erence)?|case|request|foi|eir|foisa|ticket|id)(?:\s*(?:no|number|num))?\.?\s*[:#]?\s*"
               r"(?:[A-Z]{1,6}[-/]?)?\d[\w/-]*", re.IGNORECASE),
    re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),
    # money (a count is not money; see money_figures), percentages and rates
    MONEY,
    re.compile(rf"{_NUM}\s*(?:%|per\s*cent|percent)", re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:per|in every)\s+(?:\w+\s+)?{_NUM}|\b(?:per|in every)\s+{_NUM}",
               re.IGNORECASE),
    re.compile(rf"\brate of\s+{_NUM}", re.IGNORECASE),
    # ages and age bands: aged 16 and 17, 16-17 year olds, under 18s, 18+, age 10-13
    re.compile(rf"\b(?:aged?|ages)\s+(?:of\s+|between\s+|under\s+|over\s+)?\d{{1,3}}(?:{_AND}\d{{1,3}})*\+?",
               re.IGNORECASE),
    re.compile(rf"\b\d{{1,3}}(?:{_RANGE}\d{{1,3}})?\s*(?:-\s*)?(?:years?|yrs?)[\s-]*olds?\b", re.IGNORECASE),
    re.compile(r"\b(?:under|over|below|above)[\s-]\d{1,2}s\b|\b\d{1,2}\+|\b\d{1,2}s\b", re.IGNORECASE),
    # durations and measures: 18 hours, 3 minutes, within 12 months, 20 working days, 3 financial years
    re.compile(rf"\b{_NUM}(?:{_RANGE}{_NUM})?\s*(?:-\s*)?(?:(?:working|calendar|financial|full|academic|school|"
               r"consecutive|previous|last|past)\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?"
               r"|years?|yrs?|miles?|km|metres?|meters?|mph|kg|tonnes?|litres?|sq)\b", re.IGNORECASE),
    re.compile(r"\b(?:last|past|previous|next|first|within|over)\s+\d{1,2}\b", re.IGNORECASE),
    # the size of a home, said as an adjective: "3 bedroom properties", "2-bed flat", "4 storey block"
    # (a plural is a count: "41 beds", "12 floors")
    re.compile(r"\b\d{1,2}\s*-?\s*(?:bed(?:room)?(?:ed)?|storey|story)\b(?!s)", re.IGNORECASE),
    # question numbers: Q2, question 3, questions 2 and 3, (a), 1st, 2nd
    re.compile(rf"(?<![\w/])(?:q|questions?)\s*\.?\s*\d{{1,2}}[a-z]?(?:{_AND}(?:q\.?\s*)?\d{{1,2}}[a-z]?)*\b",
               re.IGNORECASE),
    re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE),
]

WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
# "one of", "one or more", "any one", "no one", "one-off": not a count
NOT_A_COUNT_WORD = re.compile(r"^\s*(?:of|or|another|more|off|-|another|way|thing|point|step|such)\b", re.IGNORECASE)


# "168 days", "20 working days": the figure itself where a question asks for a number of days
DAYS_FIGURE = re.compile(r"(?<![\w.,])(\d{1,4}(?:\.\d+)?)(\s*(?:working |calendar )?days?)\b", re.IGNORECASE)


def blank_non_figures(text: str, *, keep_money: bool = False, keep_days: bool = False) -> str:
    """`text` with every number that cannot be a figure replaced by spaces (same length);
    sums of money are kept when `keep_money` (a question asking for money), a number of
    days ("168 days", its unit blanked) when `keep_days` (a question asking for days)."""
    chars = list(text)
    spans = [(p.start, p.end) for p in find_periods(text)] + year_ranges(text)
    for pattern in NOT_FIGURES:
        if keep_money and pattern is MONEY:
            continue
        spans += [m.span() for m in pattern.finditer(text)]
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    for days in DAYS_FIGURE.finditer(text) if keep_days else ():
        chars[days.start(1):days.end(1)] = text[days.start(1):days.end(1)]
        chars[days.start(2):days.end(2)] = " " * (days.end(2) - days.start(2))
    return "".join(chars)


def year_ranges(text: str) -> list[tuple[int, int]]:
    """Where `text` names a run of years ("2015 - 2018", "2015-18"), not a year then a figure."""
    spans = []
    for match in YEAR_RANGE.finditer(text):
        first, second = int(match.group(1)), match.group(2)
        last = int(second) if len(second) == 4 else first - first % 100 + int(second)
        if first < last <= first + YEARS_IN_A_RANGE:
            spans.append(match.span())
    return spans


def word_number(word: str) -> int | None:
    """The count a number word says ("four" -> 4), or None."""
    return WORDS.get(word.lower())


NIL_WORD = re.compile(r"\b(none|nil|zero)(?=\s*(?:[.;,)]|$|were|was|have|has|recorded|received|issued))",
                      re.IGNORECASE)


# "there were none re-referrals", "a total of nil": nil as the answer itself
NIL_ANSWER = re.compile(r"\b(?:there (?:were|was|are|is|have been|has been)|total(?: of)?)\s+(none|nil|zero)\b",
                        re.IGNORECASE)


# "None under 5 have a disability": a nil word opening the answer, before the words it counts
NIL_OPENING = re.compile(r"^\W*(none|nil|zero)\b(?!\s*(?:of|at all|held|recorded|is|are|-?\s*hours?)\b)(?=\s+[a-z])",
                         re.IGNORECASE)
# What a "no" can deny that is no count: "no information was found", "no further action was taken".
NOT_COUNTED = set("""information data record records detail details document documents evidence figure figures
further longer other such specific central way requirement requirements need obligation duty reason reasons one
cost costs charge charges fee fees exemption exemptions response responses change changes action actions decision
decisions trace searches search personal""".split())
_DONE = (r"(?:[a-z]+(?:ed|en)|made|paid|sold|bought|held|found|given|taken|sent|built|lost|kept|spent|brought"
         r"|put|let|set|cut|run|done|won)")
# "no housing projects have been stopped", "there were no exclusions": a count of nil, said with "no"
NO_COUNT = re.compile(
    rf"\b(no)\s+(?P<counted>(?:[a-z'-]+\s+){{1,4}}?)(?:have|has|were|was|had|are|is)\s+(?:been\s+)?"
    rf"(?:(?:either|ever|yet|then)\s+)?{_DONE}\b(?:\s+or\s+(?:been\s+)?{_DONE}\b)?"
    rf"|\bthere\s+(?:were|was|have\s+been|has\s+been|had\s+been)\s+(no)\s+(?P<after>[a-z'-]+(?:\s+[a-z'-]+)?)",
    re.IGNORECASE)


def nil_counts(text: str) -> list[tuple[int, int]]:
    """Where a count of nil is said with "no" ("no appeals were upheld", "there were no
    exclusions"): the span of the "no", which reads as 0. The words themselves are the
    answer's shape, so they need no other words before them to say so; what they deny
    must be something counted, not information, a record or a cost."""
    spans = []
    for match in NO_COUNT.finditer(text):
        denied = (match.group("counted") or match.group("after") or "").lower().split()
        if not set(denied) & NOT_COUNTED:
            spans.append(match.span(1) if match.group(1) else match.span(3))
    return spans


def number_words(text: str) -> list[re.Match]:
    """Number words used as counts ("there were four", "Seven.", "None."), not "one of them"."""
    found = list(NIL_WORD.finditer(text)) + list(NIL_OPENING.finditer(text))
    found += [m for m in NIL_ANSWER.finditer(text) if all(f.start(1) != m.start(1) for f in found)]
    for match in NUMBER_WORD.finditer(text):
        if match.group(1).lower() == "one" and (NOT_A_COUNT_WORD.match(text[match.end():])
                                                or re.search(r"\b(?:no|any|each|every|the)\s*$",
                                                             text[:match.start()], re.IGNORECASE)):
            continue
        found.append(match)
    unique = {m.span(1): m for m in reversed(found)}  # "zero" is a nil word and a number word
    return sorted(unique.values(), key=lambda m: m.start(1))
