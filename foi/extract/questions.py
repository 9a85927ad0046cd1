"""Which of the campaign's questions a row label, column header or sentence is about:
by question number ("Q2", "2.", "Question 2", "2a)"), by the campaign's labels,
or by the words of the question itself."""

from __future__ import annotations

import math
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz import fuzz

from foi.campaign.spec import Question
from foi.extract.labelwords import acronyms, content_words, negated_words
from foi.language import confidence as sure

NUMBERED = re.compile(r"^\s*(?:q(?:uestion)?\.?\s*(\d{1,2}[a-z]?)\b[).:]?|\(?(\d{1,2}[a-z]?)[).:](?!\d))",
                      re.IGNORECASE)
# "Q2" or "question 2" anywhere in a sentence ("The information for Q2 is not held").
# A sentence naming several questions names no one of them here (see SEVERAL).
NAMED = re.compile(r"(?<![\w/])(?:q|question)\s*\.?\s*(\d{1,2}[a-z]?)\b(?![/.,]\d)", re.IGNORECASE)
# "questions 2 and 3", "Q2, Q3 and Q5", "questions 2 to 4", "questions 2-4"
_NUMBER = r"(?:q\.?\s*)?\d{1,2}[a-z]?"
SEVERAL = re.compile(rf"(?<![\w/])(?:questions?|qs?)\s*\.?\s*({_NUMBER}(?:\s*(?:,|and|&|to|-|–)\s*{_NUMBER})+)\b"
                     r"(?![/.,]\d)", re.IGNORECASE)


# a line is given a question it scores at least this on; two questions within
# CLOSE of each other for one line put the line to a person
ASSIGN_FLOOR = 0.5
CLOSE = 0.1
LEANING = 0.2
# the most a paraphrase (words shared with the question, not its labels) earns
PARAPHRASE = 0.8
SUBSUMED = "label inside another question's label"
# a line matched by its words alone (no number, no whole label) is settled when
# most of its words are the question's and no other question comes near it
WORDS_FLOOR = 0.5
WORDS_MARGIN = 0.25
WORD_MATCHES = ("words of the question or its labels", "question text", SUBSUMED)
# a line's nearest cell naming a question this surely (its number, a whole label) decides it
NAMED_OUTRIGHT = 0.9
# a text repeating a question's own words this closely is that question quoted
ECHOED = 0.95
# the weight of a word no question uses, as a share of the rarest question word's
UNKNOWN_WORD = 0.5
# a heading is read by its words alone when it is this short and holds no figure
HEADING_WORDS = 8
FIGURE = re.compile(r"\d[\d,.]{2,}")
# "question 1" inside a question's own text ("Of the children in question 1, ...")
# refers to another question: it says nothing about which row answers this one
REFERENCE_IN_TEXT = re.compile(r"\b(?:questions?|q)\s*\.?\s*\d{1,2}[a-z]?\b", re.IGNORECASE)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_PREFIX = re.compile(r"^\s*(?:q(?:uestion)?|part)\s*\.?\s*(?=[(\dA-Za-z])", re.IGNORECASE)
_PARENS = re.compile(r"^\(\s*([0-9a-z]{1,4})\s*\)\s*(.*)$", re.IGNORECASE | re.DOTALL)
_SUB = re.compile(r"^(\d{1,2})\s*\(([a-h])\)\s*[).:]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_BARE = re.compile(r"^([0-9a-z]{1,4})(?:\s*[).:]|\s+[-–]\s|$)\s*(.*)$", re.IGNORECASE | re.DOTALL)
_SPACED = re.compile(r"^([0-9a-z]{1,4})\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Reference:
    """How a label names a question by its place: "2", "Q2", "2a", "(b)", "ii"."""

    kind: str          # number | letter | roman
    number: int        # the number, or the letter's or numeral's place (a = 1, ii = 2)
    letter: str = ""   # "a" of "2a"
    rest: str = ""     # the words after the reference ("2. How many ..." -> "How many ...")


def parse_reference(text: str) -> Reference | None:
    """The question reference a label starts with, in any style, or None."""
    cleaned = text.strip()
    prefix = _PREFIX.match(cleaned)
    if prefix:
        cleaned = cleaned[prefix.end():]
    sub = _SUB.match(cleaned)
    if sub:
        return Reference("number", int(sub.group(1)), sub.group(2).lower(), sub.group(3).strip())
    found = _PARENS.match(cleaned) or _BARE.match(cleaned) or (_SPACED.match(cleaned) if prefix else None)
    if not found:
        return None
    token, rest = found.group(1).lower(), found.group(2).strip()
    number = re.fullmatch(r"(\d{1,2})([a-h]?)", token)
    if number:
        return Reference("number", int(number.group(1)), number.group(2), rest)
    if token in ROMAN:
        return Reference("roman", ROMAN[token], "", rest)
    if len(token) == 1 and "a" <= token <= "h":
        return Reference("letter", ord(token) - ord("a") + 1, "", rest)
    return None


def without_references(text: str) -> str:
    return REFERENCE_IN_TEXT.sub(" ", text)


@dataclass(frozen=True)
class Match:
    question: Question
    confidence: float
    how: str


def tokens(text: str) -> list[str]:
    return content_words(text)


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
        self.text_tokens = {q.id: set(tokens(without_references(q.text))) for q in questions}
        self.bags = {q.id: _bag(q) for q in questions}
        self.acronyms = {q.id: acronyms(" ".join([q.text, *q.labels])) for q in questions}
        # the words only the other questions use
        self.foreign = {q.id: set().union(*(self.bags[o.id] for o in questions if o is not q)) - self.bags[q.id]
                        for q in questions}
        self.weights = _weights(list(self.bags.values()))
        # a word no question uses favours none of them; it says the label may be
        # about something else, but counts for less than a word the questions share
        self.unknown = UNKNOWN_WORD * max(self.weights.values(), default=1.0)
        self.plain = {q.id: " ".join(sorted(set(tokens(without_references(q.text))))) for q in questions}
        self.by_id = {q.id: q for q in questions}
        # the words a question leaves out ("no referral to early help") and those it asks about
        self.negated = {q.id: negated_words(without_references(q.text)).union(*map(negated_words, q.labels))
                        for q in questions}
        self.affirmed = {q.id: self.bags[q.id] - self.negated[q.id] for q in questions}

    def sole(self) -> Match | None:
        """In a one-question campaign, figures by period can only answer that question."""
        if len(self.questions) != 1:
            return None
        return Match(self.questions[0], 0.85, "the campaign's only question")

    def named_in(self, text: str) -> Match | None:
        """The one question a sentence names by number anywhere in it ("... for Q2 ...")."""
        numbers = {n.lower() for n in NAMED.findall(text)}
        if len(numbers) != 1 or self._echo(text):  # "Of the children in question 1, how many ..." quoted
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
        placed = self._by_place(text)
        if placed:
            return placed
        cell = set(tokens(text))
        if not cell or text.strip().isdigit():  # a bare "1" is a row number, not a word of "question 1"
            return None
        # equal label matches ("referrals" and "re-referrals" both in the cell) are
        # told apart by how many of the question's own words the cell shares
        rank = lambda s: (s[0], s[1], s[4])  # noqa: E731
        scored = sorted(((*self._score(q, cell, self._contradicted(q, text)), len(cell & self.text_tokens[q.id]))
                         for q in self.questions),
                        key=rank, reverse=True)
        best = scored[0]
        if best[0] >= sure.BY_WORDS and not (len(scored) > 1 and rank(scored[1]) == rank(best)):
            return Match(best[2], round(best[0], 2), best[3])
        heading = self._echo(text) or self._heading(text, cell)
        if heading:
            return heading
        if best[0] < 0.6 or (len(scored) > 1 and rank(scored[1]) == rank(best)):
            return None
        return Match(best[2], round(best[0], 2), best[3])

    def _echo(self, text: str) -> Match | None:
        """The question whose own text `text` repeats nearly whole (a reply
        quoting each question above its answer), whatever questions it names."""
        cell = set(tokens(without_references(text)))
        if not cell or FIGURE.search(text):  # a figure after the question is its answer, read elsewhere
            return None
        echoed = [q for q in self.questions if self._repeats(cell, q) and len(cell - self.text_tokens[q.id]) <= 2]
        return Match(echoed[0], ECHOED, "the question's own text") if len(echoed) == 1 else None

    def _repeats(self, cell: set[str], question: Question) -> bool:
        """The cell says the question's own words nearly all, and nothing that
        belongs to another question alone ("temporary or hostel accommodation")."""
        own = self.text_tokens[question.id]
        return (len(cell & own) >= 0.9 * len(own) and not cell & self.foreign[question.id]
                and fuzz.token_sort_ratio(" ".join(sorted(cell)), self.plain[question.id]) >= 90)

    def _heading(self, text: str, cell: set[str]) -> Match | None:
        """A short heading with no figures in it ("Children placed far from
        home") matched by the words it shares with one question's text and
        labels, far ahead of every other question."""
        if len(cell) > HEADING_WORDS or FIGURE.search(text) or NAMED.search(text):
            return None  # a question named by number is read by its number (named_in)
        scored = sorted(((score, qid, how) for qid, (score, how) in self._text_scores(text).items()), reverse=True)
        if not scored or scored[0][2] not in WORD_MATCHES:
            return None
        rival = scored[1][0] if len(scored) > 1 else 0.0
        if scored[0][0] < WORDS_FLOOR or scored[0][0] - rival < WORDS_MARGIN:
            return None
        return self._by_words(scored[0][1], scored[0][0], (rival, ""), scored[0][2])

    def assign(self, labels: list[tuple[str, ...]], siblings: tuple[str, ...] = ()) -> list[Match | None]:
        """The question each of a table's lines answers, at most one line per
        question. `labels` holds each line's texts (e.g. its nearest header cell,
        then its whole label). Every line is scored against every question (by
        number in any style, campaign label, question text, paraphrase) and the
        best pairs are taken first. A line whose best two questions score close
        is put to a person with both readings. `siblings` are the titles of
        the other tables of the same file ("1a", "1b": parts numbered as one)."""
        refs = [[parse_reference(text) for text in texts] for texts in labels]
        table_refs = [ref for line in refs for ref in line if ref]
        table_refs += [ref for ref in map(parse_reference, siblings) if ref]
        scores = [self._line_scores(texts, line, table_refs) for texts, line in zip(labels, refs)]
        pairs = sorted(((score, line, qid) for line, row in enumerate(scores)
                        for qid, (score, _) in row.items() if score >= ASSIGN_FLOOR),
                       key=lambda item: (-item[0], item[1]))
        chosen: dict[int, str] = {}
        for _score, line, qid in pairs:
            if line not in chosen and qid not in chosen.values():
                chosen[line] = qid
        return [self._settle(line, scores, chosen) if line in chosen else None for line in range(len(labels))]

    def leaning(self, text: str) -> Question | None:
        """The question a text's words lean to, however weakly (a title too loose
        to decide by itself can still contradict a sheet's name)."""
        scores = sorted(((score, qid) for qid, (score, _) in self._line_scores(
            (text,), [parse_reference(text)], []).items()), reverse=True)
        if not scores or scores[0][0] < LEANING or (len(scores) > 1 and scores[1][0] >= scores[0][0] - 0.05):
            return None
        return self.by_id[scores[0][1]]

    def _settle(self, line: int, scores: list[dict[str, tuple[float, str]]], chosen: dict[int, str]) -> Match:
        """The chosen question's match for `line`, as sure as its lead over the
        line's next reading. A question another line holds is a rival only by
        what that line would lose in giving it up (what assigning them together
        buys): a line taking a question by its number leaves it to no one."""
        row, qid = scores[line], chosen[line]
        score, how = row[qid]
        holder = {q: other for other, q in chosen.items()}
        rivals = []
        for other_qid, (other_score, other_how) in row.items():
            if other_qid == qid:
                continue
            held_by = holder.get(other_qid)
            if held_by is not None:
                theirs = scores[held_by]
                fallback = max((s for q, (s, _) in theirs.items() if q == qid or q not in holder), default=0.0)
                other_score -= max(0.0, theirs[other_qid][0] - fallback)
            rivals.append((other_score, row[other_qid][0], other_how, other_qid))
        rival = max(rivals, default=(0.0, 0.0, "", ""))
        if rival[1] >= ASSIGN_FLOOR and score - rival[0] < CLOSE:
            other = self.by_id[rival[3]]
            return Match(self.by_id[qid], min(score, sure.WEAK),
                         f"{how}; or question {other.number} ({other.id}) by {rival[2]}: check")
        if how in WORD_MATCHES and score < sure.BY_WORDS:
            return self._by_words(qid, score, (rival[0], rival[3]), how)
        if how == "label":  # the bonus for a longer label only ranks readings
            score = min(score, 0.95)
        return Match(self.by_id[qid], round(score, 2), how)

    def _by_words(self, qid: str, score: float, rival: tuple[float, str], how: str) -> Match:
        """A match by shared words: settled when it clears the floor and leads
        the next question (`rival`: its score and id) clearly, else as weak as
        its score says, with the next question as the other reading."""
        if score >= WORDS_FLOOR and score - rival[0] >= WORDS_MARGIN:
            return Match(self.by_id[qid], sure.BY_WORDS, f"{how}, well ahead of any other question")
        if rival[1] and score - rival[0] < WORDS_MARGIN:
            other = self.by_id[rival[1]]
            how = f"{how}; or question {other.number} ({other.id}) by its words: check"
        return Match(self.by_id[qid], round(min(score, sure.UNSURE), 2), how)

    def _line_scores(self, texts: tuple[str, ...], refs: list[Reference | None],
                     table_refs: list[Reference]) -> dict[str, tuple[float, str]]:
        best: dict[str, tuple[float, str]] = {}
        for text, ref in zip(texts, refs):
            scored = self._reference_scores(ref, table_refs) if ref else {}
            words = ref.rest if ref else text
            for qid, item in self._text_scores(words).items():
                if item[0] > scored.get(qid, (0.0, ""))[0]:
                    scored[qid] = item
            if not best and max((score for score, _ in scored.values()), default=0.0) >= NAMED_OUTRIGHT:
                return scored  # the line's own cell names it: the wider label (a title over several) adds nothing
            for qid, item in scored.items():
                if item[0] > best.get(qid, (0.0, ""))[0]:
                    best[qid] = item
        return best

    def _reference_scores(self, ref: Reference, table_refs: list[Reference]) -> dict[str, tuple[float, str]]:
        key = f"{ref.number}{ref.letter}"
        if ref.kind == "number" and key in self.by_number:
            return {self.by_number[key].id: (1.0, f"question number {key}")}
        if ref.kind == "number" and ref.letter:
            series = all(r.kind == "number" and r.number == ref.number and r.letter for r in table_refs)
            place = ord(ref.letter) - ord("a") + 1
            if series and len(table_refs) >= 2 and place <= len(self.questions):
                question = self.questions[place - 1]
                return {question.id: (0.9, f"part {key} read as question {question.number} (parts of one number)")}
            if str(ref.number) in self.by_number:
                # part of a question the campaign asks whole: perhaps a breakdown
                return {self.by_number[str(ref.number)].id: (sure.UNSURE, f"question number {key}")}
            return {}
        if ref.kind in ("letter", "roman") and ref.number <= len(self.questions):
            question = self.questions[ref.number - 1]
            return {question.id: (0.9, f"{ref.kind} {ref.number} read as question {question.number} by its place")}
        return {}

    def _text_scores(self, text: str) -> dict[str, tuple[float, str]]:
        cell = set(tokens(without_references(text)))
        if not cell or all(word.isdigit() for word in cell):
            return {}
        out: dict[str, tuple[float, str]] = {}
        for question in self.questions:
            against = self._contradicted(question, text)
            score, size, _, how = self._score(question, cell, against)
            if how == "label":  # a longer label is the more specific reading
                score += 0.01 * min(size, 4)
            if score < ECHOED and not against and self._repeats(cell, question):  # the question echoed nearly whole
                score, how = ECHOED, "question text"
            echo = self._paraphrase(cell, question, against)
            if echo > score:
                score, how = echo, "words of the question or its labels"
            if score > 0:
                out[question.id] = (round(score, 3), how)
        return self._subsumed(cell, out)

    def _subsumed(self, cell: set[str], out: dict[str, tuple[float, str]]) -> dict[str, tuple[float, str]]:
        """A label found inside a longer label of another question, both in the
        cell ("Children's services" in "Children's services support workers"),
        names the longer one's question: the shorter reading drops to a paraphrase."""
        found = {qid: [label for label in self.label_tokens[qid] if label <= cell] for qid in out}
        for qid, (score, how) in list(out.items()):
            if how != "label":
                continue
            longest = max(found[qid], key=len, default=set())
            if any(longest < other for rival, labels in found.items() if rival != qid for other in labels):
                out[qid] = (min(score, PARAPHRASE), SUBSUMED)
        return out

    def _contradicted(self, question: Question, text: str) -> set[str]:
        """The words of a label or heading `text` that say the opposite of `question`: words
        the question leaves out ("no referral") that the text asks about ("with a referral"),
        and words the question asks about that the text leaves out. They count against it."""
        said = set(tokens(without_references(text)))
        if len(said) > HEADING_WORDS:
            return set()  # a sentence ("we do not hold separate costs"): its "not" is about holding
        left_out = negated_words(without_references(text))
        said -= left_out
        return (said & self.negated[question.id]) | (left_out & self.affirmed[question.id])

    def _paraphrase(self, cell: set[str], question: Question, against: AbstractSet[str] = frozenset()) -> float:
        """Share of the cell's words (weighted by how rare they are among the
        questions) found, exactly or nearly, in the question's words and labels;
        a word saying the opposite of the question (`against`) is not found."""
        bag = self.bags[question.id]
        total = matched = 0.0
        for word in cell:
            weight = self._weight(word)
            total += weight
            if word in against:
                continue
            if word in bag or (len(word) >= 4 and any(_near(word, other) for other in bag)) or (
                    len(word) >= 3 and any(a.startswith(word) for a in self.acronyms[question.id])):
                matched += weight
        return PARAPHRASE * matched / total if total else 0.0

    def _weight(self, word: str) -> float:
        """How much `word` says about which question a label means: a form of a
        campaign word ("house" of "household") weighs as that word does."""
        if word in self.weights:
            return self.weights[word]
        near = [weight for known, weight in self.weights.items() if len(word) >= 4 and _near(word, known)]
        return max(near, default=self.unknown)

    def _by_place(self, text: str) -> Match | None:
        """"Part (b) ..." or "Part ii: ..." at the start of a line: the question in
        that place. Only after "Part": a bare "a)" in running text is more often
        a sub-question of the numbered question above it."""
        if not re.match(r"^\s*part\s+(?:\(\s*(?:[a-h]|[ivx]{1,4})\s*\)|(?:[a-h]|[ivx]{1,4})\b)", text,
                        re.IGNORECASE):
            return None
        ref = parse_reference(text)
        if not ref or ref.kind == "number" or ref.number > len(self.questions):
            return None
        question = self.questions[ref.number - 1]
        return Match(question, 0.9, f"{ref.kind} {ref.number} read as question {question.number} by its place")

    def _score(self, question: Question, cell: set[str],
               against: AbstractSet[str] = frozenset()) -> tuple[float, int, Question, str]:
        best = (0.0, 0, question, "")
        for label in self.label_tokens[question.id]:
            if label <= cell and not label & against:
                best = max(best, (0.95, len(label), question, "label"), key=lambda s: s[:2])
        words = self.text_tokens[question.id]
        shared = (cell - against) & words
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


def _bag(question: Question) -> set[str]:
    words = set(tokens(without_references(question.text)))
    for label in question.labels:
        words |= set(tokens(label))
    return words


def _weights(bags: list[set[str]]) -> dict[str, float]:
    """Rarer words among the questions say more about which one a label means."""
    counts: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            counts[word] = counts.get(word, 0) + 1
    return {word: math.log((len(bags) + 1) / count) + 0.2 for word, count in counts.items()}


# what may follow a whole word in another form of it ("count" -> "counted", "counter")
ENDINGS = {"", "s", "es", "e", "ed", "d", "er", "ers", "r", "rs", "ing", "al", "als", "ion", "ions", "ment", "ments",
           "ure", "ures", "ly", "or", "ors", "ation", "ations", "ive", "ity"}
# a rest this long is a word of its own, joined on ("house" + "hold")
COMPOUND = 4


def _near(word: str, other: str) -> bool:
    """"referred" ~ "referral", "stepped" ~ "step": a shared stem or a close spelling."""
    if len(other) < 4:
        return False
    stem = 0
    for a, b in zip(word, other):
        if a != b:
            break
        stem += 1
    shorter, longer = sorted((word, other), key=len)
    if stem == len(shorter) and longer[stem:] not in ENDINGS and len(longer) - stem < COMPOUND:
        return False  # "county" is not a form of "count"; "household" is one of "house"
    return stem >= 5 or (stem >= 4 and min(len(word), len(other)) <= 5) or fuzz.ratio(word, other) >= 85
