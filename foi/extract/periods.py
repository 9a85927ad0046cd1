"""Periods as councils write them, normalised to the campaign's own labels.

Financial years ("2015/16", "2015-16", "2015/2016", "15/16", "FY 2015-16",
"April 2015 to March 2016", "1 April 2015 - 31 March 2016", "year ending
31 March 2016") become "2015/16". A bare "2015" is a calendar year and stays
"2015": it is never silently read as a financial year. A header that is a date
("As at 31.03.23", "31 March 2023", "March 2023") is a snapshot: it names the
calendar year of the date, and is not taken for a financial year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

DASH = r"\s*(?:/|-|–|—|to|until)\s*"
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
FY_PATTERN = re.compile(
    r"(?<![\d/.£$])(?:fy\s*|financial year\s*)?((?:19|20)\d{2}|\d{2})" + DASH
    + r"((?:19|20)?\d{2})(?![\d/%]|[.,]\d)", re.IGNORECASE)
APRIL_MARCH = re.compile(
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?apr(?:il)?\.?\s*'?((?:19|20)?\d{2})" + DASH
    + r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?mar(?:ch)?\.?\s*'?((?:19|20)?\d{2})\b", re.IGNORECASE)
DATED = re.compile(
    r"\b0?1[/.]0?4[/.]((?:19|20)?\d{2})\s*(?:-|–|to)\s*31[/.]0?3[/.]((?:19|20)?\d{2})\b")
YEAR_ENDING = re.compile(r"year\s+end(?:ing|ed)?\s+(?:31(?:st)?\s+)?march\s+((?:19|20)\d{2})", re.IGNORECASE)
# A snapshot's date as a header cell: "As at 31.03.23", "31/03/2023", "31 March
# 2023", "March 2023", "2023-03-31" (a date typed into a spreadsheet). It names
# the calendar year of the snapshot.
_AS_AT = r"^(?:(?:position\s+)?(?:as\s+(?:at|of|on)|at)\s+)?"
SNAPSHOTS = (
    re.compile(_AS_AT + r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + "|".join(MONTHS)
               + r")[a-z]*\.?,?\s+((?:19|20)\d{2})$", re.IGNORECASE),
    re.compile(_AS_AT + r"\d{1,2}[/.\-]\d{1,2}[/.\-]((?:19|20)?\d{2})$", re.IGNORECASE),
    re.compile(_AS_AT + r"((?:19|20)\d{2})-\d{2}-\d{2}$", re.IGNORECASE),
)
# A period may end a sentence or a list: "... was 1,234 for 2015/16." / "in 2019, ..."
# ("2015 - 2018" and "2015-16" are ranges, but "2016 - 4" and "2022 - 1627" are a year and its figure)
BARE_YEAR = re.compile(r"(?<![\d/.,£$-])((?:19|20)\d{2})"
                       r"(?![\d/%]|[.,]\d|\s*[-/–]\s*(?:\d{2}|(?:19|20)\d{2})(?![\d,]))")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# The end of March written as a date: "31/03/2024", "31.03.24", "31 March 2024", "31st of March 2024".
END_OF_MARCH = re.compile(r"(?<![\d/.])(?:31[/.]0?3[/.]((?:19|20)?\d{2})(?![\d/])"
                          r"|31(?:st)?\s+(?:of\s+)?march,?\s+((?:19|20)\d{2})(?!\d))", re.IGNORECASE)
# From one month to another: "July 2020 to July 2023", "Jan 2019 - end of March 2022".
MONTHS_SPAN = re.compile(rf"\b({_MONTH})\.?\s+((?:19|20)\d{{2}})\s*(?:-|–|to|until)\s*(?:the\s+)?(?:end\s+of\s+)?"
                         rf"({_MONTH})\.?\s+((?:19|20)\d{{2}})(?!\d)", re.IGNORECASE)
# From one year to another, not one financial year: "2015 - 2018", "2015 to 2019".
YEARS_SPAN = re.compile(r"(?<![\d/.,£$])((?:19|20)\d{2})\s*(?:-|–|to)\s*((?:19|20)\d{2})(?![\d/%]|[.,]\d)")
# A figure's date in running text: "as at 1/11/23", "as of 15 February 2018", "at March 2023",
# "as of Feb-2025". The date (not the words before it) is the period's text.
SNAPSHOT_WORDS = re.compile(r"\b(?:position\s+)?(?:as\s+(?:at|of|on)|at)\s+(?:the\s+)?$", re.IGNORECASE)
DATE_IN_TEXT = re.compile(
    rf"(?<![\d/.])(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]((?:19|20)?\d{{2}})(?![\d/])|{_DAY}\s+(?:of\s+)?{_MONTH}\.?,?\s+"
    rf"((?:19|20)\d{{2}})(?!\d)|\b{_MONTH}\.?[\s-]+((?:19|20)\d{{2}})(?!\d))", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    label: str        # "2015/16" or "2015"
    kind: str         # "financial" | "calendar" | "snapshot" (a figure's date: its calendar year) | "date"
    #                   | "span" (months over more than a year: no one period)
    start: int
    end: int          # where in the text it was found
    text: str


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _financial(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _overlaps(match: re.Match, found: list[Period]) -> bool:
    return any(p.start < match.end() and match.start() < p.end for p in found)


def find_periods(text: str) -> list[Period]:
    """Every period in `text`, left to right, without overlaps."""
    found: list[Period] = []
    for pattern in (DATED, APRIL_MARCH, YEAR_ENDING, FY_PATTERN):
        for match in pattern.finditer(text):
            if _overlaps(match, found):
                continue
            if pattern is YEAR_ENDING:
                first = _year(match.group(1)) - 1
            else:
                first, second = _year(match.group(1)), _year(match.group(2))
                short = len(match.group(1)) == 2
                if second != first + 1 or (short and not re.search(r"[/]|fy|to", match.group(0), re.I)
                                           and pattern is FY_PATTERN):
                    continue  # "15-16" alone is too often a range of counts
                if not 1990 <= first <= 2099:
                    continue
            found.append(Period(_financial(first), "financial", match.start(), match.end(), match.group(0)))
    for match in YEARS_SPAN.finditer(text):
        if int(match.group(2)) > int(match.group(1)) and not _overlaps(match, found):
            found.append(Period(f"{match.group(1)}-{match.group(2)}", "span", match.start(), match.end(),
                                match.group(0)))
    for match in MONTHS_SPAN.finditer(text):
        start = _year(match.group(2)) * 12 + MONTHS.index(match.group(1)[:3].lower())
        end = _year(match.group(4)) * 12 + MONTHS.index(match.group(3)[:3].lower())
        if end - start > 12 and not _overlaps(match, found):  # "July 2020 to July 2023": no one period
            found.append(Period(f"{match.group(2)}-{match.group(4)}", "span", match.start(), match.end(),
                                match.group(0)))
    for match in DATE_IN_TEXT.finditer(text):
        if _overlaps(match, found):
            continue
        year = str(_year(next(g for g in match.groups() if g)))
        # a figure's snapshot date ("as at ..."); a date in words otherwise only names its year,
        # and one in figures ("dated 12/03/2018") names no period
        dated = SNAPSHOT_WORDS.search(text[:match.start()]) or END_OF_MARCH.fullmatch(match.group(0))
        if dated or not match.group(0)[0].isdigit() or not re.match(r"\d+[/.-]", match.group(0)):
            found.append(Period(year, "snapshot" if dated else "date", match.start(), match.end(), match.group(0)))
    for match in BARE_YEAR.finditer(text):
        if not _overlaps(match, found):
            found.append(Period(match.group(1), "calendar", match.start(), match.end(), match.group(0)))
    return sorted(found, key=lambda p: p.start)


def parse_period(text: str) -> Period | None:
    """The period a header cell names, when the cell is (nearly) only a period."""
    # each pass over a table, and each reply, asks again about the same short header
    # cells: remembered (a Period cannot change); a long text is worked out each time
    return _remembered_period(text) if len(text) <= 200 else _period(text)


@lru_cache(maxsize=4096)
def _remembered_period(text: str) -> Period | None:
    return _period(text)


def _period(text: str) -> Period | None:
    cleaned = text.strip()
    snapshot = _snapshot(cleaned)
    if snapshot:
        return snapshot
    periods = find_periods(cleaned)
    if len(periods) != 1:
        return None
    rest = (cleaned[:periods[0].start] + cleaned[periods[0].end:]).strip(" :*()[]-–\n\t")
    rest = re.sub(r"\b(fy|financial|year|years|calendar|ending|ended|to|total|number|no\.?"
                  r"|provisional|revised|final|actual|data|figures?)\b",
                  "", rest, flags=re.IGNORECASE).strip(" :*()[]-–,.")
    return periods[0] if len(rest) <= 3 else None


def _snapshot(cleaned: str) -> Period | None:
    for pattern in SNAPSHOTS:
        found = pattern.match(cleaned.rstrip(" :*"))
        if found:
            year = _year(found.group(1))
            if 1990 <= year <= 2099:
                return Period(str(year), "snapshot", 0, len(cleaned), cleaned)
    return None


def match_period(period: Period, wanted: list[str]) -> tuple[str | None, float, str | None]:
    """(campaign period, confidence, note). A calendar year where the campaign
    asks for financial years is mapped to the financial year it starts, with a
    low confidence and a note, so a person decides."""
    if period.label in wanted:
        return period.label, 1.0, None
    if period.kind == "snapshot" and END_OF_MARCH.search(period.text):
        year_end = _financial(int(period.label) - 1)
        if year_end in wanted:  # a snapshot at the end of a financial year is that year's
            return year_end, 0.95, f"'{period.text}' is the end of {year_end}"
        return None, 0.0, None
    if period.kind in ("calendar", "date", "snapshot"):
        guess = _financial(int(period.label))
        if guess in wanted:
            return guess, 0.3, (f"'{period.text}' is a calendar year; read as {guess} "
                                f"(could be {_financial(int(period.label) - 1)}): check")
    return None, 0.0, None
