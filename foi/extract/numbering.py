"""Answers listed item by item in the reply's own numbering, which need not be
the campaign's: bullets before the numbers ("* 1) Total = 135"), lettered
parts ("2a)", "2. a)", "b)", "Q2b.") where the campaign asks each part as a
question of its own, and answers given as a bulleted list of bare figures in
the order of the questions the reply echoed just above.

An item holding one figure is placed on a question by two readings:
- by its number: item "3" is question 3; a lettered part of a number the
  campaign asks whole ("2a" where it asks "2") is only a part of question 2;
- in order: the reply's items one after another are the campaign's questions
  one after another ("1, 2a, 2b, 3, 4" answer questions 1 to 5).
Where the reply letters the parts of a number the campaign asks whole, the
two readings differ from that item on. The reading in order is taken when it
is the only one that gives each question one answer: the items are exactly as
many as the campaign's questions. Otherwise both readings go to a person. An
item's own words (its question echoed back, a label) that name a question
surely confirm the reading they agree with; words naming another question
put the item to a person.

Only replies that need it are read here (lettered parts, bullets, bare lists):
every other numbered answer is left to the prose reader, and the lines read
here are not read again there.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from foi.campaign.spec import Question
from foi.extract.found import Found
from foi.extract.periods import parse_period
from foi.extract.prose import own_period
from foi.extract.questions import Match, QuestionMatcher, parse_reference
from foi.extract.tables import Table
from foi.extract.values import figure_kind, of_kind, parse_value
from foi.language import confidence as sure

BULLET = re.compile(r"^\s*[*•·▪◦‣\-–]\s+")
# an item's answer: the figure ending its line, after its question, a label and "=" or ":", or nothing
FIGURE_END = re.compile(r"(?:^|[\s=:?])\s*((?:[<>]\s?)?[£$]?\d[\d,]*(?:\.\d+)?|nil|none|zero)\s*\.?\s*$",
                        re.IGNORECASE)
YEAR = re.compile(r"^(?:19|20)\d\d$")  # a year, not a figure, at the end of a line
LABEL_WORDS = 3       # "TOTAL =": a few words before a figure label it; more are a sentence
MIN_ITEMS = 2


@dataclass(frozen=True)
class Item:
    """One numbered line of the reply: its place in the reply's numbering and what it says."""

    line: int
    number: int
    letter: str
    words: str        # the words after the references, without the figure
    figure: str       # the figure ending the line, or ""
    bulleted: bool

    @property
    def key(self) -> str:
        return f"{self.number}{self.letter}"


def read_numbered(table: Table, matcher: QuestionMatcher, periods: list[str]) -> tuple[list[Found], set[int]]:
    """The figures of a text's numbered (or bulleted) answers this module reads,
    and the indexes of the lines they were read from."""
    lines = [row[0] if row else "" for row in table.rows]
    placed = place_items(numbered_items(lines), matcher) or place_bare_list(lines, matcher)
    taken = {item.line for item, _ in placed}
    placed += [(item, match) for item, match in place_label_list(lines, matcher) if item.line not in taken]
    found: list[Found] = []
    read: set[int] = set()
    for item, match in placed:
        period, why = own_period(match.question, periods)  # the prose reader's rule
        if period is None or not item.figure:
            continue
        read.add(item.line)
        kind = figure_kind(match.question)
        value = of_kind(parse_value(item.figure, kind), kind)
        note = "; ".join(n for n in (value.note, f"matched by {match.how}", f"no period named: {why}",
                                     "read from text") if n)
        confidence = round(min(match.confidence, sure.SOLE_PERIOD), 2)
        found.append(Found(match.question.id, period, value, table.locate(item.line), confidence,
                           " ".join(lines[item.line].split())[:160], note, from_text=True))
    return found, read


def numbered_items(lines: list[str]) -> list[Item]:
    """Every line opening with a question reference in any style; a letter alone
    ("b) 314") is a part of the number above it."""
    items: list[Item] = []
    number = 0
    for index, line in enumerate(lines):
        bullet = BULLET.match(line)
        text = line[bullet.end():] if bullet else line
        first = parse_reference(text)
        if first is None or first.kind == "roman":
            continue
        if first.kind == "letter":
            if not number:
                continue
            found_number, letter, rest = number, chr(ord("a") + first.number - 1), first.rest
        else:
            found_number, letter, rest = first.number, first.letter, first.rest
            inner = parse_reference(rest) if not letter else None
            if inner and inner.kind == "letter" and re.match(r"^\(?[a-h][).]", rest, re.IGNORECASE):
                letter, rest = chr(ord("a") + inner.number - 1), inner.rest  # "2. a) 121"
        number = found_number
        figure = FIGURE_END.search(rest)
        if figure and not _answer_shaped(rest[:figure.start(1)], figure.group(1)):
            figure = None  # "We received 12 complaints in 2020": a sentence, for the prose reader
        words = rest[:figure.start(1)].strip(" =:-–\t") if figure else rest.strip()
        items.append(Item(index, found_number, letter, words, figure.group(1) if figure else "", bool(bullet)))
    return items


def _answer_shaped(before: str, figure: str) -> bool:
    """A figure ending an item is its answer when nothing comes before it, or a
    label or our question ending in "=", ":", "?" or a dash; not a year."""
    if YEAR.match(figure):
        return False
    before = before.strip()
    return not before or before.endswith(("=", ":", "?", "-", "–"))


def place_items(items: list[Item], matcher: QuestionMatcher) -> list[tuple[Item, Match]]:
    """The question each figure item answers, when the reply's numbering needs
    reading here (lettered parts the campaign asks whole, or bullets); else [].
    Every numbered item holds a place in the list, answered with a figure
    at its end or not ("2. ... = 18 cases. Please be aware ..."); only the
    figures are read here."""
    answers = [item for item in items if item.figure]
    if len(answers) < MIN_ITEMS or not _in_order(items):
        return []
    split = [i for i in answers if i.letter and i.key not in matcher.by_number and str(i.number) in matcher.by_number]
    if not split and not any(i.bulleted for i in answers):
        return []
    words = _by_words(answers, matcher)
    questions = matcher.questions
    exact = len(items) == len(questions)  # one item per question: the list is the campaign's, in order
    placed: list[tuple[Item, Match]] = []
    for item in answers:
        position = items.index(item)
        in_order = questions[position] if position < len(questions) else None
        by_number = matcher.by_number.get(item.key) or (matcher.by_number.get(str(item.number)) if not split else None)
        if not split:
            in_order = by_number  # the reply's numbers are the campaign's: nothing to weigh
        match = _decide(item, in_order, by_number, words.get(item.line), exact, bool(split))
        if match:
            placed.append((item, match))
        if match and match.confidence <= sure.WEAK and by_number not in (None, match.question):
            assert by_number is not None  # the reading by number, for the person to weigh beside it
            placed.append((item, Match(by_number, sure.WEAK, f"item {item.key} by its number; or question "
                                                               f"{match.question.number} by its place: check")))
    return placed


def _in_order(items: list[Item]) -> bool:
    """The items number one list: starting at 1, each after the one before."""
    keys = [(item.number, item.letter) for item in items]
    return keys[0][0] == 1 and all(a < b for a, b in itertools.pairwise(keys))


def _by_words(items: list[Item], matcher: QuestionMatcher) -> dict[int, Match]:
    """The questions the items' own words name surely, one item per question."""
    worded = [item for item in items if len(item.words.split()) > LABEL_WORDS]
    assigned = matcher.assign([(item.words,) for item in worded]) if worded else []
    return {item.line: match for item, match in zip(worded, assigned)
            if match and match.confidence >= sure.REVIEW_BELOW}


def _decide(item: Item, in_order: Question | None, by_number: Question | None, words: Match | None,
            exact: bool, split: bool) -> Match | None:
    """One item's question: the two readings of its numbering, weighed with its own words."""
    key = item.key
    if words and words.question in (in_order, by_number):
        return Match(words.question, min(words.confidence, sure.BY_WORDS),
                     f"item {key} in the reply's numbering, its words ({words.how})")
    if words:
        other = in_order or by_number
        if other is None:
            return Match(words.question, sure.WEAK, f"{words.how}; item {key} of the reply's numbering: check")
        return Match(other, sure.WEAK, f"item {key} of the reply's numbering; or question "
                                       f"{words.question.number} ({words.question.id}) by its words: check")
    if in_order is not None and in_order is by_number:
        return Match(in_order, sure.CERTAIN, f"question number {key}")
    if in_order is not None and exact:
        return Match(in_order, sure.BY_WORDS,
                     f"item {key} read as question {in_order.number}: the reply letters parts of a question the "
                     "campaign asks whole and gives one answer for each of its questions in order")
    if in_order is None and by_number is None:
        return None
    first, second = (in_order, by_number) if in_order is not None else (by_number, None)
    assert first is not None
    rival = f"; or question {second.number} ({second.id}) by its number" if second and second is not first else ""
    how = "its place in the reply's list" if in_order is not None else "its number"
    return Match(first, sure.WEAK, f"item {key} read as question {first.number} by {how}{rival}: the reply "
                                   f"letters parts of a question the campaign asks whole: check" if split else
                 f"item {key} by {how}{rival}: check")


# ---- a bulleted list of bare figures after the questions echoed as a list -------------------

def place_bare_list(lines: list[str], matcher: QuestionMatcher) -> list[tuple[Item, Match]]:
    """Bare figures as bullets ("- 190", "- 43") after the reply echoed our
    questions as bullets in a list just as long: the n-th figure answers the
    n-th question echoed, when each echoed line names a different question surely."""
    runs = _bullet_runs(lines)
    for asked, answers in itertools.pairwise(runs):
        figures = [FIGURE_END.fullmatch(" " + _unbulleted(lines[i]).strip()) for i in answers]
        if len(asked) != len(answers) or len(asked) < MIN_ITEMS or not all(figures):
            continue
        if any(FIGURE_END.search(_unbulleted(lines[i])) for i in asked):
            continue  # the questions carry figures of their own: not a bare list of answers
        matches = matcher.assign([(_unbulleted(lines[i]),) for i in asked])
        if not all(m and m.confidence >= sure.REVIEW_BELOW for m in matches):
            continue
        return [(Item(line, position + 1, "", "", figure.group(1), True),
                 Match(match.question, min(match.confidence, sure.BY_WORDS),
                       f"the {_ordinal(position + 1)} of a list of bare figures answering the questions "
                       f"echoed in that order ({match.how})"))
                for position, (line, figure, match) in enumerate(zip(answers, figures, matches))
                if figure and match]
    return []


# ---- a list of a short label and its figure, a line each ------------------------------------

LIST_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z'’&/() -]{0,40}?)\s*[:=–-]?\s+((?:[<>]\s?)?[£$]?\d[\d,]*(?:\.\d+)?)\s*$")
LIST_LABEL_WORDS = 5


def place_label_list(lines: list[str], matcher: QuestionMatcher) -> list[tuple[Item, Match]]:
    """Lines of a short label and one figure, two or more together ("Singles 1188",
    "Families: 2247"): each label names a different question surely (by a label of
    the question or its words), or the list is left to the prose reader."""
    placed: list[tuple[Item, Match]] = []
    for run in _list_runs(lines):
        found = [(i, m) for i in run if (m := LIST_LINE.match(lines[i]))]
        labels: list[tuple[str, ...]] = [(m.group(1).strip(),) for _, m in found]
        matches = matcher.assign(labels)
        if len(matches) < MIN_ITEMS or not all(m and m.confidence >= sure.REVIEW_BELOW for m in matches):
            continue
        placed += [(Item(line, 0, "", label[0], figure.group(2), False),
                    Match(m.question, m.confidence, f"{m.how}, in a list of labels and figures"))
                   for (line, figure), label, m in zip(found, labels, matches) if m]
    return placed


def _list_runs(lines: list[str]) -> list[list[int]]:
    """Runs of consecutive lines each a short label and a figure (not a period)."""
    runs: list[list[int]] = []
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        found = LIST_LINE.match(line)
        if found and len(found.group(1).split()) <= LIST_LABEL_WORDS and not parse_period(found.group(1)) \
                and not parse_period(line.strip()) and not YEAR.match(found.group(2)):
            run.append(index)
            continue
        if len(run) >= MIN_ITEMS:
            runs.append(run)
        run = []
    return runs


def _bullet_runs(lines: list[str]) -> list[list[int]]:
    """Runs of bulleted lines (blank lines inside a run allowed)."""
    runs: list[list[int]] = []
    run: list[int] = []
    for index, line in enumerate(lines):
        if BULLET.match(line):
            run.append(index)
        elif line.strip():
            if run:
                runs.append(run)
            run = []
    return runs + ([run] if run else [])


def _unbulleted(line: str) -> str:
    bullet = BULLET.match(line)
    return line[bullet.end():] if bullet else line


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")
