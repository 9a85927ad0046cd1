"""Spans of dates that open a part of a reply ("Period 10/04/2019 - 11/10/2022: ...",
"From 12 October 2022 to 10 April 2024, ...") and the campaign periods each one covers.

A reply that answers one stretch of time one way and another stretch another way (records
before a system change refused on cost, later ones attached) says so by opening each part
with its span; what is said in a part is said of the periods that fall in its span alone.
"""

from __future__ import annotations

import re
from datetime import date

MONTH_NUMBER = {name: n for n, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# a day written 10/04/2019, 10.4.19 (day first, as UK bodies write it) or 10 April 2019
DAY = rf"(?:\d{{1,2}}[/.]\d{{1,2}}[/.](?:\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s+\d{{4}})"
SPAN = re.compile(rf"\b(?:period|from|between)\s*(?:of\s+)?:?\s*({DAY})\s*(?:-|–|—|to|until|and)\s*({DAY})",
                  re.IGNORECASE)
CALENDAR = re.compile(r"^(?:19|20)\d{2}$")
FINANCIAL = re.compile(r"^((?:19|20)\d{2})/(\d{2})$")


def written_day(text: str) -> date | None:
    """10/04/2019, 10.4.19 or 10 April 2019 as a date (None if it is not one)."""
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})", text.strip())
    try:
        if numeric:
            day, month, year = (int(part) for part in numeric.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        words = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?\s+(\d{4})", text.strip().lower())
        if words and words.group(2) in MONTH_NUMBER:
            return date(int(words.group(3)), MONTH_NUMBER[words.group(2)], int(words.group(1)))
    except ValueError:
        return None
    return None


def spans_in(text: str) -> list[tuple[int, date, date]]:
    """Each span of dates opening a part of `text`: (where it starts, first day, last day)."""
    found = []
    for match in SPAN.finditer(text):
        first, last = written_day(match.group(1)), written_day(match.group(2))
        if first and last and first <= last:
            found.append((match.start(), first, last))
    return found


def period_days(label: str) -> tuple[date, date] | None:
    """The first and last day of a campaign period ("2021", "2021/22"); None for another kind."""
    if CALENDAR.match(label):
        return date(int(label), 1, 1), date(int(label), 12, 31)
    financial = FINANCIAL.match(label)
    if financial:
        start = int(financial.group(1))
        return date(start, 4, 1), date(start + 1, 3, 31)
    return None


def periods_in_span(span: tuple[date, date], others: list[tuple[date, date]], periods: list[str]) -> list[str]:
    """The campaign periods a span touches and no other span does (a period two parts of the
    reply share is said of by neither alone)."""
    covered = []
    for label in periods:
        days = period_days(label)
        if days and _touch(days, span) and not any(_touch(days, other) for other in others):
            covered.append(label)
    return covered


def _touch(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
