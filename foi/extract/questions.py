"""Which of the campaign's questions a row label, column header or sentence is about:
by question number ("Q2", "2.", "Question 2", "2a)"), by the campaign's labels,
or by the words of the question itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi.campaign.spec import Question
from foi.extract.values import MARK

STOPWORDS = set("""a an the of in on for to and or by with within from at as is are was were be been
how many much what which number no nos total totals count figure figures did does do your you
council councils authority each per year years period financial please provide data information
that this these those there their any all received receive recorded""".split())
NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\.?\s*(\d{1,2}[a-z]?)\b[).:]?|\(?(\d{1,2}[a-z]?)[).:](?!\d))",
                      re.IGNORECASE)
# "Q2" or "question 2" anywhere in a sentence ("The information for Q2 is not held").
# A sentence naming several questions names no one of them here (see SEVERAL).
NAMED = re.compile(r"(?<![\w/])(?:q|question)\s*\.?\s*(\d{1,2}[a-z]?)\b(?![/.,]\d)", re.IGNORECASE)
# "questions 2 and 3", "Q2, Q3 and Q5", "questions 2 to 4", "questions 2-4"
_NUMBER = r"(?:q\.?\s*)?\d{1,2}[a-z]?"
SEVERAL = re.compile(rf"(?<![\w/])(?:questions?|qs?)\s*\.?\s*({_NUMBER}(?:\s*(?:,|and|&|to|-|–)\s*{_NUMBER})+)\b"
                     r"(?![/.,]\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    question: Question
    confidence: float
    how: str


def tokens(text: str) -> list[str]:
    text = MARK.sub(" ", text).lower().replace("’", "'")
    text = re.sub(r"\bre[-\s]+(?=[a-z])", "re", text)  # re-referral == rereferral != referral
    words = re.findall(r"[a-z0-9]+", text)
    return [_stem(w) for w in words if w not in STOPWORDS]


def _stem(word: str) -> str:
    for suffix in ("ies", "s"):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def question_number(text: str) -> str | None:
    match = NUMBERED.match(text)
    if not match:
        return None
    return (match.group(1) or match.group(2)).lower()


class QuestionMatcher:
    def __init__(self, questions: list[Question]):
        self.questions = questions
        self.by_number = {q.number.lower(): q for q in questions}
        self.label_tokens = {q.id: [words for words in (set(tokens(label)) for label in q.labels) if words]
                             for q in questions}
        self.text_tokens = {q.id: set(tokens(q.text)) for q in questions}

    def sole(self) -> Match | None:
        """In a one-question campaign, figures by period can only answer that question."""
        if len(self.questions) != 1:
            return None
        return Match(self.questions[0], 0.85, "the campaign's only question")

    def named_in(self, text: str) -> Match | None:
        """The one question a sentence names by number anywhere in it ("... for Q2 ...")."""
        numbers = {n.lower() for n in NAMED.findall(text)}
        if len(numbers) != 1:
            return None
        number = numbers.pop()
        question = self.by_number.get(number) or self.by_number.get(number.rstrip("abcdefgh"))
        return Match(question, 0.9 if question.number.lower() == number else 0.8,
                     f"question number {number} in the sentence") if question else None

    def named_several(self, text: str) -> list[Match]:
        """The questions a sentence names together ("Questions 2 and 3 are not
        held"), when it names two or more that the campaign has."""
        found: list[Match] = []
        for group in SEVERAL.finditer(text):
            numbers = _numbers(group.group(1))
            if not all(number in self.by_number for number in numbers):
                continue  # "Q2 - 12 children": not a list of this campaign's questions
            for number in numbers:
                question = self.by_number[number]
                if all(m.question is not question for m in found):
                    found.append(Match(question, 0.85, f"question {number} named with others in the sentence"))
        return found if len(found) >= 2 else []

    def match(self, text: str) -> Match | None:
        """The best question for `text`, or None when nothing fits or two fit equally."""
        if not text.strip():
            return None
        number = question_number(text) or (text.strip() if text.strip().isdigit() else None)
        if number and number in self.by_number:
            return Match(self.by_number[number], 1.0, f"question number {number}")
        if number and number.rstrip("abcdefgh") in self.by_number:
            return Match(self.by_number[number.rstrip("abcdefgh")], 0.8, f"question number {number}")
        cell = set(tokens(text))
        if not cell or text.strip().isdigit():  # a bare "1" is a row number, not a word of "question 1"
            return None
        # equal label matches ("referrals" and "re-referrals" both in the cell) are
        # told apart by how many of the question's own words the cell shares
        rank = lambda s: (s[0], s[1], s[4])  # noqa: E731
        scored = sorted(((*self._score(q, cell), len(cell & self.text_tokens[q.id])) for q in self.questions),
                        key=rank, reverse=True)
        best = scored[0]
        if best[0] < 0.6 or (len(scored) > 1 and rank(scored[1]) == rank(best)):
            return None
        return Match(best[2], round(best[0], 2), best[3])

    def _score(self, question: Question, cell: set[str]) -> tuple[float, int, Question, str]:
        best = (0.0, 0, question, "")
        for label in self.label_tokens[question.id]:
            if label <= cell:
                best = max(best, (0.95, len(label), question, "label"), key=lambda s: s[:2])
        words = self.text_tokens[question.id]
        shared = cell & words
        if shared:
            coverage = len(shared) / len(cell)
            if coverage >= 0.75:
                best = max(best, (0.8 * coverage, len(shared), question, "question text"),
                           key=lambda s: s[:2])
        return best


def _numbers(listed: str) -> list[str]:
    """"2, 3 and 5" -> 2, 3, 5; "2 to 4" / "2-4" -> 2, 3, 4."""
    parts = re.split(r"\s*(,|and|&|to|-|–)\s*", listed.lower())
    numbers = [re.sub(r"^q\.?\s*", "", part) for part in parts[::2]]
    out = [numbers[0]]
    for joiner, number in zip(parts[1::2], numbers[1:]):
        if joiner in ("to", "-", "–") and out[-1].isdigit() and number.isdigit() and int(out[-1]) < int(number) <= 99:
            out += [str(n) for n in range(int(out[-1]) + 1, int(number) + 1)]
        else:
            out.append(number)
    return out
