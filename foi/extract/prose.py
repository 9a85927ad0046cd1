"""Figures and statements in running text: mail bodies, letter paragraphs, page text.

A line is read clause by clause (sentences, and "...; Q2 ..." pieces), so a
question named mid-line ("Q1: 1,234. The information for Q2 is not held.")
answers only what follows it. A clause naming a question sets the question for
the clauses and lines after it. Within a clause, figures go to periods in the
order the clause uses: "2015/16: 1,234", "1,234 for 2015/16", or "the figures
for 2015/16, 2016/17 and 2017/18 were 12, 15 and 9" (respectively).

A figure given with no period: in a one-period campaign it is that period's;
otherwise it is put to a person (which period, or a total?), never dropped.
"""

from __future__ import annotations

import re

from foi.extract.found import ALL_PERIODS, Found
from foi.extract.periods import Period, find_periods, match_period
from foi.extract.questions import NAMED, NUMBERED, Match, QuestionMatcher
from foi.extract.statements import Statement, find_statements, paragraphs
from foi.extract.tables import Table
from foi.extract.values import NOT_HELD, Value, parse_refusal, parse_value, said_plainly, sentences

VALUE_IN_TEXT = re.compile(
    r"(?<![\w/.,£$])(?<![A-Za-z]-)(<\s*\d+|(?:fewer|less) than \d+|\d+ or (?:less|fewer)|\d{1,3}(?:,\d{3})+(?!\d|,\d)"
    r"|\d+(?!\d|,\d))(?![\w/%]|\.\d)", re.IGNORECASE)
# Numbers in a clause that are not figures: sections of the Act, money, durations, dates.
NOT_FIGURE = re.compile(
    r"(?:\b(?:section|sections|s|reg|regulation|under|limit|over|aged?|within|than|no)\.?\s*$|[£$#]\s*$)",
    re.IGNORECASE)
UNIT_AFTER = re.compile(r"^\s*(?:\(\w\)|%|months?|weeks?|days?|working|years?|hours?|miles?|pm|am|"
                        r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
TOTALLING = re.compile(r"\b(?:total|altogether|in all|combined|overall|since)\b", re.IGNORECASE)
DASHES = {"", "-", "–", "—", "--"}  # "2017/18: -" says nothing: a person decides
QUESTION_PIECE = re.compile(r"(?:;|\s{2,}|\t)\s*(?=(?:q|question)\s*\d{1,2}[a-z]?\s*[).:\-–](?!\d))",
                            re.IGNORECASE)
ONLY_NUMBER = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]?\s*$", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The sentences of a line, split again where a new question number starts."""
    pieces: list[str] = []
    for sentence in sentences(text):
        for piece in QUESTION_PIECE.split(sentence):
            if pieces and ONLY_NUMBER.match(pieces[-1]):
                pieces[-1] += " " + piece  # "Q1. Number of referrals" is one clause
            elif piece.strip():
                pieces.append(piece)
    return pieces


def map_lines(table: Table, matcher: QuestionMatcher, periods: list[str]) -> list[Found]:
    """Clauses with periods and figures, statements ("not held", refusals) and
    figures given with no period; see the module docstring."""
    found: list[Found] = []
    current: Match | None = None
    lines = [row[0] for row in table.rows]
    statements = find_statements(lines)
    wrapped = {index for group in paragraphs(lines) for index in group[1:]}
    for index, row in enumerate(table.rows):
        text = row[0].strip()
        if not text:
            continue
        location = table.locate(index)
        for clause in clauses(text):
            here = matcher.match(clause) or matcher.named_in(clause)
            if here and index in wrapped and not here.how.startswith("question number"):
                here = None  # "... within 12 months\nof a previous referral?" goes on the question above
            current = here or current or matcher.sole()
            hits = _hits(clause, periods)
            if current and hits:
                found += _sentence_values(clause, hits, current, location)
            elif current and (here or _bare_figure(clause)):
                found += _unperiodised(clause, current, periods, location)
        for said in statements.get(index, []):
            hits = _hits(said.sentence, periods)
            if current and hits:
                continue  # read above, period by period
            found += _stated(said, current, matcher, [m[0] for _, m in hits], location)
    return found


def _hits(text: str, periods: list[str]) -> list[tuple[Period, tuple]]:
    hits = [(p, match_period(p, periods)) for p in find_periods(text)]
    return [(p, m) for p, m in hits if m[0]]


def _stated(said: Statement, current: Match | None, matcher: QuestionMatcher,
            periods: list[str], location: str) -> list[Found]:
    """'Not held' or a refusal said in a sentence: of the question it names, of
    the whole request when its words say so, else of the question being
    answered (or of each of several it names together); said of no question at
    all, of the whole request (less surely)."""
    value = Value(said.status, said.sentence[:200], section=said.section)
    several = matcher.named_several(said.sentence)
    if several:
        return [Found(match.question.id, ALL_PERIODS, value, location, match.confidence,
                      said.sentence[:160], from_text=True) for match in several]
    named = matcher.match(said.sentence) or matcher.named_in(said.sentence)
    if named or (current and not said.whole):
        question = named or current
        assert question is not None  # one of them, by the test above
        return [Found(question.question.id, ALL_PERIODS, value, location, round(question.confidence * 0.9, 2),
                      said.sentence[:160], from_text=True)]
    if not (said.whole or said.status == "refused" or said.about_information):
        return []
    confidence, why = (0.7, "said of the whole request") if said.whole else (0.6, "said of no question")
    note = f"{why}: recorded for each question the reply gives nothing else for"
    return [Found(ALL_PERIODS, period, value, location, confidence, said.sentence[:160], note, from_text=True)
            for period in periods or [ALL_PERIODS]]


def _sentence_values(text: str, hits, current: Match, location: str) -> list[Found]:
    begin = _after_question_number(text)
    hits = [(p, m) for p, m in hits if p.start >= begin]
    spans = _segments(text, hits, begin)
    found = []
    for (_period, (label, confidence, note)), segment in zip(hits, spans):
        raw, several = segment
        if raw is None:
            continue
        value = parse_value(raw, current.question.kind)
        confidence = min(current.confidence, confidence) * 0.95
        if several:  # "2015/16 1,234 321 45" is a table row, not a sentence
            confidence = min(confidence, 0.5)
        notes = "; ".join(n for n in (note, value.note, "read from text",
                                      "several figures on the line" if several else None) if n)
        found.append(Found(current.question.id, label, value, location, round(confidence, 2),
                           text[:160], notes, from_text=True))
    return found


def _segments(text: str, hits, begin: int) -> list[tuple[str | None, bool]]:
    """(figure text, several figures?) for each period, in the clause's own order."""
    starts = [p.start for p, _ in hits] + [len(text)]
    ends = [begin] + [p.end for p, _ in hits]
    between = [text[ends[i]:starts[i]] for i in range(len(hits) + 1)]  # before each period, then the tail
    counts = [len(_figures(part)) for part in between]
    n = len(hits)
    if n > 1 and sum(counts) == n and (counts[0] == n or counts[-1] == n):
        # "12, 15 and 9 for 2015/16, 2016/17 and 2017/18" (respectively)
        return [(raw, False) for raw in _figures(between[0] if counts[0] == n else between[-1])]
    if n > 1 and counts[-1] == 0 and counts[0] >= 1:  # "1,234 for 2015/16, 1,300 for 2016/17"
        return [(_value_text(between[i]), counts[i] > 1) for i in range(n)]
    result = []
    for i, (period, _) in enumerate(hits):
        after, before = between[i + 1], between[i]
        raw = _value_text(after)
        several = counts[i + 1] > 1
        if raw is None and n == 1:
            raw, several = _value_text(before), counts[i] > 1
        if raw is None and not text[begin:period.start].strip(" -*•\t"):
            raw = _short_cell(after)  # "2015/16: *", "2016/17: nil", "2017/18: -"
        result.append((raw, several))
    return result


def _after_question_number(text: str) -> int:
    match = NUMBERED.match(text)
    return match.end() if match else 0


def _figures(segment: str) -> list[str]:
    """The figures in a piece of text, leaving out numbers that are not figures."""
    found = []
    for match in VALUE_IN_TEXT.finditer(segment):
        if NOT_FIGURE.search(segment[:match.start()]) or UNIT_AFTER.match(segment[match.end():]):
            continue
        found.append(match.group(1))
    return found


def _value_text(segment: str) -> str | None:
    not_held = NOT_HELD.search(segment)
    if not_held:
        return not_held.group(0)
    refusal = parse_refusal(segment)
    if refusal:
        return segment.strip(" :-–=")
    figures = _figures(segment)
    return figures[0] if figures else None


def _short_cell(after: str) -> str | None:
    """What follows a period that starts a line, when it is as short as a cell:
    a symbol or word the value parser knows, or a dash or nothing (which says
    nothing: a person decides)."""
    bare = after.strip(" :=.\t")
    if bare in DASHES:
        return bare
    tail = after.strip(" :=.\t-–")
    return tail if len(tail) <= 12 and parse_value(tail).status != "needs_review" else None


def _bare_figure(clause: str) -> bool:
    """A line that is only a figure ("1,234" under a question heading)."""
    return len(clause) <= 20 and parse_value(clause.strip(" .")).status in ("answered", "suppressed")


def _unperiodised(clause: str, current: Match, periods: list[str],
                  location: str) -> list[Found]:
    """A figure for a question with no period named ("Q1: 1,234.")."""
    rest = clause[_after_question_number(clause):]
    spans = [(p.start, p.end) for p in find_periods(rest)] + [m.span() for m in NAMED.finditer(rest)]
    for start, end in sorted(spans, reverse=True):  # other years and question numbers: not figures
        rest = rest[:start] + " " * (end - start) + rest[end:]
    figures = _figures(rest)
    if len({n.lower() for n in NAMED.findall(clause)}) > 1:  # "Q1 Q2 Q3 Q4": quarters or a list
        return []
    if len(figures) != 1 or not said_plainly(rest) or NOT_HELD.search(rest) or parse_refusal(rest):
        return []
    value = parse_value(figures[0], current.question.kind)
    totalling = bool(TOTALLING.search(rest))
    if len(periods) == 1 and not totalling:
        confidence = round(current.confidence * 0.9, 2)
        return [Found(current.question.id, periods[0], value, location, confidence, clause[:160],
                      "; ".join(n for n in (value.note, "no period named: the campaign's only period",
                                            "read from text") if n), from_text=True)]
    why = ("a total, not one period's figure" if totalling else
           f"no period named and the campaign asks for {len(periods)} periods")
    review = Value("needs_review", figures[0], note=f"{why}: which period does {figures[0]!r} answer?")
    return [Found(current.question.id, ALL_PERIODS, review, location, 0.3, clause[:160],
                  f"{why}: which period does {figures[0]!r} answer?", from_text=True)]
