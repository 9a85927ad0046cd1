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
from foi.extract.numbers import blank_non_figures, number_words
from foi.extract.periods import Period, find_periods, match_period
from foi.extract.questions import NAMED, NUMBERED, Match, QuestionMatcher
from foi.extract.statements import Statement, find_statements, paragraphs
from foi.extract.tables import Table
from foi.extract.values import Value, figure_kind, footnote_bounds, parse_value
from foi.language import confidence as sure
from foi.language.wording import NOT_HELD, parse_refusal, said_plainly, split_sentences
from foi.vocabulary import GIVEN_VALUE_STATUSES

VALUE_IN_TEXT = re.compile(
    r"(?<![\w/.,£$])(?<![A-Za-z]-)(<\s*\d+|(?:fewer|less) than \d+|\d+ or (?:less|fewer)|\d{1,3}(?:,\d{3})+(?!\d|,\d)"
    r"|\d+(?!\d|,\d))(?![\w/%]|\.\d)", re.IGNORECASE)
MONEY_IN_TEXT = re.compile(r"(?<![\w/.,£$])([£$]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{2})?)(?![\w/%]|\.\d|,\d)")
# Numbers in a clause that are not figures (besides those foi.extract.numbers blanks out).
NOT_FIGURE = re.compile(
    r"(?:\b(?:section|sections|s|reg|regulation|under|limit|over|aged?|within|than|no)\.?\s*$|[£$#]\s*$)",
    re.IGNORECASE)
UNIT_AFTER = re.compile(r"^\s*(?:\(\w\)|%|months?|weeks?|days?|working|years?|hours?|miles?|pm|am|"
                        r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
TOTALLING = re.compile(r"\b(?:total|altogether|in all|combined|overall|since)\b", re.IGNORECASE)
DASHES = {"", "-", "–", "—", "--"}  # "2017/18: -" says nothing: a person decides
QUESTION_PIECE = re.compile(r"(?:;|\s{2,}|\t)\s*(?=(?:q|question)\s*\d{1,2}[a-z]?\s*[).:\-–](?!\d))",
                            re.IGNORECASE)
ASKED_THEN = re.compile(r"(?<=\?)\s+(?=\S)")  # "Q1. How many ...? 159": the answer after our question
OPENS_QUESTION = re.compile(r"^\W*(?:(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]|how\b|what\b|which\b|please\b)",
                            re.IGNORECASE)
ONLY_NUMBER = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]?\s*$", re.IGNORECASE)
# Our own question echoed back ("1. How many ...?", "Please provide the number of ..."): its
# numbers are the request's, not answers.
ASKS = re.compile(
    r"\?\s*$|^\W*(?:(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]?\s*)?(?:\(?[a-z]{1,4}[).]\s*)?"
    r"(?:how (?:many|much|often|long)|what (?:is|was|are|were|has|have|proportion|percentage|number)"
    r"|which|please (?:can you |could you |would you |kindly )?(?:provide|state|give|supply|confirm|tell|disclose"
    r"|list|send|advise|let me|detail|specify|include|break|identify|indicate)|(?:could|can|would|will) you"
    r"|kindly\b|i (?:would|should|'d) like|"
    r"(?:provide|state|give|supply|confirm|tell me|disclose|list) (?:me |us )?(?:the|a|with|any|all|how|what)\b"
    r"|(?:for|in) (?:each|every) of the|(?:the )?number of\b.{0,120}(?:\?|:)\s*$)",
    re.IGNORECASE)
# The reasoning of a refusal: how long a search would take, how many records it returned.
REASONING = re.compile(
    r"\b(?:hours?|minutes?|estimat\w*|appropriate limit|cost limit|cost of compl\w*|would (?:take|exceed|require|"
    r"involve|mean)|search(?:es)? (?:of|for|through|returned|brought|identified|found|produced)|brought back"
    r"|manual(?:ly)? (?:review|check|search|examin)\w*|per (?:record|case|file|incident|item))", re.IGNORECASE)
# Words before a figure that make it an answer when no period ties it: "there were 38", "total: 38".
ANSWER_BEFORE = re.compile(
    r"(?:^\s*(?:\(?(?:[a-z]{1,4}|\d{1,2})[).]\s*)?|[:=\-–]"
    r"|\b(?:there (?:were|was|are|is|have been|has been)|was|were|is|are|been|total(?:s|led|ling)?"
    r"|totalled|total of|amounted to|came to|stands? at|stood at|of which|numbered|received|recorded|issued"
    r"|made|had|have|has|identified|figure|number))\s*(?:a total of|approximately|around|about|some|only|just)?\s*$",
    re.IGNORECASE)
TOTAL_LABEL = re.compile(r"^\W*(?:grand |overall )?total\b|\btotal\W*$", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The sentences of a line, split again where a new question number starts."""
    pieces: list[str] = []
    for sentence in split_sentences(text):
        for piece in [p for part in ASKED_THEN.split(sentence) for p in QUESTION_PIECE.split(part)]:
            if pieces and ONLY_NUMBER.match(pieces[-1]):
                pieces[-1] += " " + piece  # "Q1. Number of referrals" is one clause
            elif piece.strip():
                pieces.append(piece)
    return pieces


def map_lines(table: Table, matcher: QuestionMatcher, periods: list[str]) -> list[Found]:
    """Clauses with periods and figures, statements ("not held", refusals) and
    figures given with no period; see the module docstring."""
    found: list[Found] = []
    bare: list[tuple[Found, str]] = []  # figures alone on a line, with the line above (their label)
    current: Match | None = None
    lines = [row[0] for row in table.rows]
    statements = find_statements(lines)
    wrapped = {index for group in paragraphs(lines) for index in group[1:]}
    label = ""
    for index, row in enumerate(table.rows):
        text = row[0].strip()
        if not text:
            continue
        location = table.locate(index)
        for clause in clauses(text):
            here = matcher.match(clause) or matcher.named_in(clause)
            if here and index in wrapped and not here.how.startswith("question number"):
                here = None  # "... within 12 months\nof a previous referral?" goes on the question above
            if not here and index not in wrapped and ASKS.search(clause) and OPENS_QUESTION.match(clause):
                current = None  # a question of ours we cannot place: what follows answers it, not the one above
            current = here or current or matcher.sole()
            if not current or not _gives_figures(clause, current):
                continue
            hits = _hits(clause, periods)
            if hits:
                found += _sentence_values(clause, hits, current, location)
            elif _bare_figure(clause):
                bare += [(f, label) for f in _unperiodised(clause, current, periods, location)]
            elif here:
                found += _unperiodised(clause, current, periods, location)
        label = text
        for said in statements.get(index, []):
            hits = _hits(said.sentence, periods)
            bounded = _bounded(said, current, matcher, hits, periods, location) if hits else None
            if bounded is not None:
                found += bounded
            elif not (current and hits):  # else read above, period by period
                found += _stated(said, current, matcher, [m[0] for _, m in hits], location)
    return found + _totals_first(bare)


def _bounded(said: Statement, current: Match | None, matcher: QuestionMatcher, hits, periods: list[str],
             location: str) -> list[Found] | None:
    """"We do not hold data for the years before 2023/24": not held for each period before
    (or after) the one named, none for the one named; None when no period is bounded so.
    Of the question the sentence names, else of every question: said of no question, it
    covers the periods it bounds wherever the reply gives nothing else for them."""
    if len({m[0] for _, m in hits}) != 1 or footnote_bounds(said.sentence) or _other_measure(said.sentence, current):
        return None  # one period named (perhaps again: "before 2021/22 ... in 2021/22")
    bounds = [(p, m, BOUNDARY.search(said.sentence[:p.start])) for p, m in hits]
    bounded = [(p, m, bound) for p, m, bound in bounds if bound]
    if not bounded or bounded[0][1][0] not in periods:
        return None
    period, (label, _, _), bound = bounded[0]
    before = re.match(r"\W*(?:prior|before|until|till|up)", bound.group(0), re.IGNORECASE) is not None
    position = periods.index(label)
    covered = periods[:position] if before else periods[position + 1:]
    value = Value(said.status, said.sentence[:200], section=said.section)
    why = f"said of the periods {'before' if before else 'after'} {period.text}"
    named = matcher.match(said.sentence) or matcher.named_in(said.sentence)
    if named:
        return [Found(named.question.id, p, value, location, round(named.confidence * sure.STATEMENT, 2),
                      said.sentence[:160], why, from_text=True) for p in covered]
    return [Found(ALL_PERIODS, p, value, location, sure.PERIODS_STATED, said.sentence[:160],
                  f"{why}, of no question: recorded for each question the reply gives nothing else for",
                  from_text=True) for p in covered]


def _gives_figures(clause: str, current: Match) -> bool:
    """A clause can answer `current` with a figure: not a question of ours echoed back, not the
    reasoning of a refusal, and the question asks for a figure at all."""
    if current.question.kind in ("text", "yes_no"):
        return False
    return not (ASKS.search(clause) or REASONING.search(clause))


def _totals_first(bare: list[tuple[Found, str]]) -> list[Found]:
    """Figures alone on their lines under one question: a breakdown and its total
    ("Schools 792 / Parents 544 / Total 1,336") give the total; several figures and
    no total are put to a person with every reading."""
    by_cell: dict[tuple[str, str], list[tuple[Found, str]]] = {}
    for item in bare:
        by_cell.setdefault((item[0].question_id, item[0].period), []).append(item)
    out: list[Found] = []
    for (question_id, period), items in by_cell.items():
        if len(items) == 1:
            out.append(items[0][0])
            continue
        totals = [f for f, label in items if TOTAL_LABEL.search(label)]
        if len(totals) == 1:
            total = totals[0]
            total.note = "; ".join(n for n in (total.note, "the stated total, not the breakdown above it") if n)
            out.append(total)
            continue
        readings = ", ".join(f"{label.strip()[:30] or '?'}: {f.value.raw}" for f, label in items)
        why = f"several figures and no total for one question ({readings}): which one answers it?"
        first = items[0][0]
        out.append(Found(question_id, period, Value("needs_review", first.value.raw, note=why), first.location,
                         sure.GUESS, first.snippet, why, from_text=True))
    return out


def _hits(text: str, periods: list[str]) -> list[tuple[Period, tuple]]:
    hits = [(p, match_period(p, periods)) for p in find_periods(text)]
    return [(p, m) for p, m in hits if m[0]]


def _stated(said: Statement, current: Match | None, matcher: QuestionMatcher,
            periods: list[str], location: str) -> list[Found]:
    """'Not held' or a refusal said in a sentence: of the question it names, of
    the whole request when its words say so, else of the question being
    answered (or of each of several it names together); said of no question at
    all, of the whole request (less surely)."""
    if footnote_bounds(said.sentence) or _other_measure(said.sentence, current):
        return []  # "* denotes 1 to 4, withheld ...", "rates per 10,000 are not held": not of a question asked
    value = Value(said.status, said.sentence[:200], section=said.section)
    several = matcher.named_several(said.sentence)
    if several:
        return [Found(match.question.id, ALL_PERIODS, value, location, match.confidence,
                      said.sentence[:160], from_text=True) for match in several]
    named = matcher.match(said.sentence) or matcher.named_in(said.sentence)
    question = named or (current if not said.whole else None)
    if question:
        confidence = round(question.confidence * sure.STATEMENT, 2)
        by_number = named is not None and "question number" in named.how  # words alike do not name a part
        if said.sub_part and not by_number:  # "a) not recorded" under Q1: of a part, a person decides
            return [Found(question.question.id, ALL_PERIODS, value, location, min(confidence, sure.WEAK),
                          said.sentence[:160], "said under a sub-label: of a part of the question?", from_text=True)]
        return [Found(question.question.id, ALL_PERIODS, value, location, confidence, said.sentence[:160],
                      from_text=True)]
    if not (said.whole or said.status == "refused" or said.about_information):
        return []
    confidence, why = ((sure.WHOLE_REQUEST, "said of the whole request") if said.whole
                       else (sure.NO_QUESTION, "said of no question"))
    note = f"{why}: recorded for each question the reply gives nothing else for"
    return [Found(ALL_PERIODS, period, value, location, confidence, said.sentence[:160], note, from_text=True)
            for period in periods or [ALL_PERIODS]]


# A measure a reply may say it does not hold that is not what a question asks for.
OTHER_MEASURE = re.compile(r"\b(?:rates?|per \d[\d,]*|percentages?|proportions?|averages?|in (?:this|that|the) format"
                           r"|broken down|breakdowns?|by (?:age|gender|sex|ethnicity|ward|postcode))\b", re.IGNORECASE)


def _other_measure(sentence: str, current: Match | None) -> bool:
    """The sentence says something of a measure the question being answered does not ask for."""
    if current is None:
        return False
    asked = " ".join([current.question.text, *current.question.labels]).lower()
    return any(m.group(0).lower().split()[0] not in asked for m in OTHER_MEASURE.finditer(sentence))


RESPECTIVELY = re.compile(r"\b(?:were|was|are|is|of|:)\s+(?P<values>[^;:]+?)\s+(?:for|in)\s+(?:the\s+)?"
                          r"(?:(?:financial|calendar)\s+)?(?:years?\s+)?(?P<periods>[^;:]+?)\s*,?\s+respectively\b",
                          re.IGNORECASE)


def _respectively(text: str, hits) -> list[tuple[str | None, bool, str | None]] | None:
    """"were 12, * and 9 for 2015/16, 2016/17 and 2017/18 respectively": the list item by item,
    whatever each says (a figure, a symbol, "nil"), when it has one item per period."""
    match = RESPECTIVELY.search(text)
    if not match or not all(match.start("periods") <= p.start < match.end("periods") for p, _ in hits):
        return None
    values = re.split(r"\b(?:were|was|are|is)\b|:", match.group("values"))[-1]
    items = [i.strip() for i in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", values) if i.strip()]
    if len(items) != len(hits) or any(len(i) > 16 for i in items):
        return None
    return [(item, False, None) for item in items]


def _sentence_values(text: str, hits, current: Match, location: str) -> list[Found]:
    begin = _after_question_number(text)
    hits = [(p, m) for p, m in hits if p.start >= begin and not BOUNDARY.search(text[:p.start])]
    money = figure_kind(current.question) == "money"
    spans = _segments(text, blank_non_figures(text, keep_money=money), hits, begin, money)
    found = []
    for (_period, (label, confidence, note)), segment in zip(hits, spans):
        raw, several, doubt = segment
        if raw is None:
            continue
        value = parse_value(raw, figure_kind(current.question))
        if several and value.status == "answered":  # a table row in text, or a breakdown: a person decides
            doubt = doubt or f"several figures after {_period.text!r}: which one answers it?"
        if doubt:
            value = Value("needs_review", raw, note=doubt)
        confidence = min(current.confidence, confidence) * sure.FROM_TEXT
        if several:  # "2015/16 1,234 321 45" is a table row, not a sentence
            confidence = min(confidence, sure.WEAK)
        notes = "; ".join(n for n in (note, value.note, "read from text",
                                      "several figures on the line" if several else None) if n)
        found.append(Found(current.question.id, label, value, location, round(confidence, 2),
                           text[:160], notes, from_text=True))
    return found


# A period that only bounds a time ("prior to 12 October 2022", "since 2019") has no figure of its own.
BOUNDARY = re.compile(r"\b(?:prior to|before|after|since|until|till|up to)\s+"
                      r"(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:[a-z]+\s+){0,2}$", re.IGNORECASE)


# Words between a figure and the period after it that tie the two: "1,310 in 2020/21",
# "1,234 referrals were received during 2015/16", "412 children as at 31 March 2023".
TIED_FORWARD = re.compile(
    r"^[^\d,;:.()]{0,60}?\b(?:in|for|during|over|throughout|at|as at|as of|by|of)\s+(?:the\s+)?"
    r"(?:(?:financial|calendar|academic|full)\s+)?(?:year\s+)?(?:(?:ending|ended|to)\s+)?"
    r"(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+)?$", re.IGNORECASE)
BREAK = re.compile(r"\b(?:and|but|while|whereas|compared|against|with)\b", re.IGNORECASE)


def _segments(text: str, blank: str, hits, begin: int,
              money: bool = False) -> list[tuple[str | None, bool, str | None]]:
    """(figure text, several figures?, doubt) for each period, paired in the clause's own order:
    "P: V", "in P there were V", "V in P", "in P there were V, W in Q", or respectively."""
    starts = [p.start for p, _ in hits] + [len(text)]
    ends = [begin] + [p.end for p, _ in hits]
    bounds = [(ends[i], starts[i]) for i in range(len(hits) + 1)]  # before each period, then the tail
    between = [text[a:b] for a, b in bounds]
    figures = [_figures_at(blank, a, b, money) for a, b in bounds]
    counts = [len(f) for f in figures]
    n = len(hits)
    listed = _respectively(text, hits) if n > 1 else None
    if listed:
        return listed
    if n > 1 and sum(counts) == n and (counts[0] == n or counts[-1] == n):
        # "12, 15 and 9 for 2015/16, 2016/17 and 2017/18" (respectively)
        group = figures[0] if counts[0] == n else figures[-1]
        return [(text[a:b], False, None) for a, b in group]
    forward: list[tuple[int, int] | None] = []  # the figure tied to each period from before it
    for i in range(n):
        last = figures[i][-1] if figures[i] else None
        tie = last and TIED_FORWARD.match(text[last[1]:starts[i]]) and not BREAK.search(text[last[1]:starts[i]])
        forward.append(last if tie else None)
    result: list[tuple[str | None, bool, str | None]] = []
    for i, (period, _) in enumerate(hits):
        tied_after = forward[i + 1] if i + 1 < n else None
        if tied_after and figures[i + 1] == [tied_after] and not forward[i] and not counts[i]:
            # "in 2015/16 the number was 90 in 2016/17": 90 could be either period's
            later = hits[i + 1][0].text
            doubt_next = f"{text[tied_after[0]:tied_after[1]]!r} follows {period.text!r} and comes before {later!r}"
            forward[i + 1] = None
            figures[i + 1] = []
            result.append((text[tied_after[0]:tied_after[1]], False, doubt_next))
            continue
        after = [f for f in figures[i + 1] if f != (forward[i + 1] if i + 1 < n else None)]
        backward = after[0] if after else None
        mine = forward[i] or backward
        several = len(after) > 1
        doubt = None
        tied = forward[i]
        if tied and backward:
            one, other = text[tied[0]:tied[1]], text[backward[0]:backward[1]]
            doubt = f"{period.text}: {one!r} before it or {other!r} after it? both read one way"
            mine = backward
        if mine is None and n == 1 and figures[0]:
            mine, several = figures[0][-1], counts[0] > 1
        raw = text[slice(*mine)] if mine else _said(between[i + 1])
        if raw is None and not text[begin:period.start].strip(" -*•\t"):
            raw = _short_cell(between[i + 1])  # "2015/16: *", "2016/17: nil", "2017/18: -"
        result.append((raw, several, doubt))
    return result


def _after_question_number(text: str) -> int:
    match = NUMBERED.match(text)
    return match.end() if match else 0


def _figures_at(blank: str, start: int, end: int, money: bool = False) -> list[tuple[int, int]]:
    """Where the figures are in blank[start:end] (numbers that are not figures blanked out);
    sums of money ("£1,234.50", "1,234.50") for a question asking for money."""
    segment = blank[start:end]
    found = []
    for match in (MONEY_IN_TEXT if money else VALUE_IN_TEXT).finditer(segment):
        if NOT_FIGURE.search(segment[:match.start()]) or UNIT_AFTER.match(segment[match.end():]):
            continue
        found.append((start + match.start(1), start + match.end(1)))
    for match in ([] if money else number_words(segment)):
        if ANSWER_BEFORE.search(segment[:match.start()]):
            found.append((start + match.start(1), start + match.end(1)))
    return sorted(found)


def _said(segment: str) -> str | None:
    """'not held' or a refusal where a figure would be ("2017/18: not held")."""
    not_held = NOT_HELD.search(segment)
    if not_held:
        return not_held.group(0)
    refusal = parse_refusal(segment)
    if refusal:
        return segment.strip(" :-–=")
    return None


def _short_cell(after: str) -> str | None:
    """What follows a period that starts a line, when it is as short as a cell:
    a symbol or word the value parser knows, or a dash or nothing (which says
    nothing: a person decides)."""
    bare = after.strip(" :=.\t")
    if bare in DASHES:
        return bare
    tail = after.strip(" :=.\t-–")
    return tail if len(tail) <= 12 and parse_value(tail).status != "needs_review" else None


STATED_TOTAL = re.compile(r"(?:\btotal(?: of)?|\boverall|\baltogether)\W*#"
                          r"|#\s*(?:[a-z]+\s+){0,3}(?:in total|in all|altogether|overall)\b", re.IGNORECASE)


def _answer_shaped(text: str, start: int, end: int, current: Match) -> bool:
    """A figure with no period is an answer when the words before it say so ("there were 38",
    "Total: 38") or the words after it are the question's own ("38 referrals")."""
    if ANSWER_BEFORE.search(text[:start]):
        return True
    after = re.findall(r"[a-z]{4,}", text[end:end + 40].lower())[:3]
    own = " ".join([current.question.text, *current.question.labels]).lower()
    return any(word[:5] in own for word in after)


def _bare_figure(clause: str) -> bool:
    """A line that is only a figure ("1,234" under a question heading)."""
    return len(clause) <= 20 and parse_value(clause.strip(" .")).status in GIVEN_VALUE_STATUSES


def _unperiodised(clause: str, current: Match, periods: list[str],
                  location: str) -> list[Found]:
    """A figure for a question with no period named ("Q1: 1,234.")."""
    rest = clause[_after_question_number(clause):]
    spans = [(p.start, p.end) for p in find_periods(rest)] + [m.span() for m in NAMED.finditer(rest)]
    for start, end in sorted(spans, reverse=True):  # other years and question numbers: not figures
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if len({n.lower() for n in NAMED.findall(clause)}) > 1:  # "Q1 Q2 Q3 Q4": quarters or a list
        return []
    if not said_plainly(rest) or NOT_HELD.search(rest) or parse_refusal(rest):
        return []
    money = figure_kind(current.question) == "money"
    blank = blank_non_figures(rest, keep_money=money)
    shaped = [(a, b) for a, b in _figures_at(blank, 0, len(rest), money) if _answer_shaped(rest, a, b, current)]
    stated = [(a, b) for a, b in shaped if STATED_TOTAL.search(rest[max(0, a - 20):a] + "#" + rest[b:b + 20])]
    breakdown = len(shaped) > 1 and len(stated) == 1 and len(periods) == 1 and not re.search(r"\bsince\b", rest)
    if breakdown:
        shaped = stated  # "1,716 in total: 792 from schools, 544 from parents ..."
    if len(shaped) != 1:
        return []
    figures = [rest[slice(*shaped[0])]]
    if breakdown:
        value = parse_value(figures[0], figure_kind(current.question))
        return [Found(current.question.id, periods[0], value, location,
                      round(current.confidence * sure.SOLE_PERIOD, 2), clause[:160],
                      "the stated total: no period named: the campaign's only period; read from text",
                      from_text=True)]
    value = parse_value(figures[0], figure_kind(current.question))
    totalling = bool(TOTALLING.search(rest))
    if len(periods) == 1 and not totalling:
        confidence = round(current.confidence * sure.SOLE_PERIOD, 2)
        return [Found(current.question.id, periods[0], value, location, confidence, clause[:160],
                      "; ".join(n for n in (value.note, "no period named: the campaign's only period",
                                            "read from text") if n), from_text=True)]
    why = ("a total, not one period's figure" if totalling else
           f"no period named and the campaign asks for {len(periods)} periods")
    review = Value("needs_review", figures[0], note=f"{why}: which period does {figures[0]!r} answer?")
    return [Found(current.question.id, ALL_PERIODS, review, location, sure.GUESS, clause[:160],
                  f"{why}: which period does {figures[0]!r} answer?", from_text=True)]
