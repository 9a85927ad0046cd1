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
from foi.extract.numbers import MONTH, blank_non_figures, nil_counts, number_words
from foi.extract.periods import Period, find_periods, match_period
from foi.extract.questions import (
    ECHOED,
    NAMED,
    NUMBERED,
    Match,
    QuestionMatcher,
    parse_reference,
    question_number,
    tokens,
    without_references,
)
from foi.extract.spans import periods_in_span, spans_in
from foi.extract.statements import WHOLE_REQUEST, Statement, find_statements, paragraphs
from foi.extract.tables import Table
from foi.extract.values import Value, figure_kind, footnote_bounds, parse_value
from foi.language import confidence as sure
from foi.language.wording import NOT_HELD, REQUEST_SUBJECT, parse_refusal, said_plainly, split_sentences
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
# A symbol standing for a suppressed figure, read as one only where tied to a period or after
# words that give an answer ("there were * pupils", "x in 2022/23").
SYMBOL_IN_TEXT = re.compile(r"(?<![\w*])(\*|x|c|\[[cxz]\]|~)(?![\w*)])")
TOTALLING = re.compile(r"\b(?:total|altogether|in all|combined|overall|since)\b", re.IGNORECASE)
DASHES = {"", "-", "–", "—", "--"}  # "2017/18: -" says nothing: a person decides
QUESTION_PIECE = re.compile(r"(?:;|\s{2,}|\t)\s*(?=(?:q|question)\s*\d{1,2}[a-z]?\s*[).:\-–](?!\d))",
                            re.IGNORECASE)
ASKED_THEN = re.compile(r"(?<=\?)\s+(?=\S)")  # "Q1. How many ...? 159": the answer after our question
# "1. Please provide the number of houses: 2526": a figure after our question and a colon
ASKED_COLON = re.compile(r":\s*(?=[£$]?\s?\d[\d,]*(?:\.\d+)?\s*\.?\s*$)")
OPENS_QUESTION = re.compile(r"^\W*(?:[a-z]{1,4}\)\s*)?(?:(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]"
                            r"|how\b|what\b|which\b|please\b)", re.IGNORECASE)
ONLY_NUMBER = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]?\s*$", re.IGNORECASE)
# Our own question echoed back ("1. How many ...?", "Please provide the number of ..."): its
# numbers are the request's, not answers.
ASKS = re.compile(
    r"\?\s*$|^\W*(?:(?:q(?:uestion)?\s*)?\d{1,2}[a-z]?[).:]?\s*)?(?:\(?[a-z]{1,4}[).]\s*)?"
    r"(?:how (?:many|much|often|long)|what (?:is|was|are|were|has|have|proportion|percentage|number)"
    r"|which|please (?:also )?(?:can you |could you |would you |kindly )?"
    r"(?:provide|state|give|supply|confirm|tell|disclose"
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
# A figure alone in a list: "- 190", "• 43".
BULLET_FIGURE = re.compile(r"^\s*[-•*–]\s*([£$]?\d[\d,]*(?:\.\d+)?)\s*$")
# A line that is only a label and its figure ("Singles 1,188", "Families: 2,247"): as plain as a table row.
LABEL_AND_FIGURE = re.compile(r"\W*[A-Za-z][A-Za-z '&/()-]{0,40}?[\s:=–-]+[£$]?\d[\d,]*(?:\.\d+)?\W*")
# A sentence saying it gives the answer: "The answer to this question is four", "the figure is 12".
ANSWER_SAID = re.compile(r"\b(?:answer|figure|number|total)\s+(?:(?:to|for)\s+(?:this|that|the|your)\s+"
                         r"(?:question|request|part|point)\s+)?(?:is|was|would be)\b", re.IGNORECASE)
TOTAL_LABEL = re.compile(r"^\W*(?:grand |overall )?total\b|\btotal\W*$", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The sentences of a line, split again where a new question number starts."""
    pieces: list[str] = []
    for sentence in split_sentences(text):
        for piece in [p for part in ASKED_THEN.split(sentence) for p in QUESTION_PIECE.split(part)
                      for p in _after_asking(p)]:
            if pieces and ONLY_NUMBER.match(pieces[-1]):
                pieces[-1] += " " + piece  # "Q1. Number of referrals" is one clause
            elif piece.strip():
                pieces.append(piece)
    return pieces


def _after_asking(piece: str) -> list[str]:
    """Our question and the figure after its colon, apart: "... owned by your council: 2526"."""
    colon = ASKED_COLON.search(piece)
    if colon and ASKS.search(piece[:colon.start()]):
        return [piece[:colon.end()], piece[colon.end():]]
    return [piece]


def map_lines(table: Table, matcher: QuestionMatcher, periods: list[str]) -> list[Found]:
    """Clauses with periods and figures, statements ("not held", refusals) and
    figures given with no period; see the module docstring."""
    reader = _LineReader(table, matcher, periods)
    for index, row in enumerate(table.rows):
        if row[0].strip():
            reader.read_line(index, row[0].strip())
    return reader.finish()


class _LineReader:
    """Reads a text's lines in order, keeping the question being answered (`current`)."""

    def __init__(self, table: Table, matcher: QuestionMatcher, periods: list[str]):
        self.table, self.matcher, self.periods = table, matcher, periods
        self.lines = [row[0] for row in table.rows]
        self.statements = find_statements(self.lines)
        self.wrapped = _wrapped(self.lines)
        self.numbered: set[str] = set()  # questions answered under their own number ("6. £255,933.42")
        self.split = _split_number(self.lines, matcher)
        self.beyond = _numbers_beyond(self.lines, matcher)
        self.placed_by = ""  # the clause that placed the question being answered
        self.own_numbering = _own_numbering(self.lines, matcher)
        self.found: list[Found] = []
        self.bare: list[tuple[Found, str]] = []  # figures alone on a line, with the line above (their label)
        self.apart: list[tuple[int, Statement, tuple[list[str], str], Match | None, str]] = []
        self.current: Match | None = None
        self.answered = False  # figures given under `current` since it was placed
        self.answered_at = -1  # the last line that gave them
        self.last_placed = -1  # the last line that names or is one of our questions
        self.listed = 0  # questions placed one after another with nothing answered between (our list echoed)
        self.label = ""
        self.asking = False  # the line above ends with our question, echoed back: this line answers it
        self.echoed = False  # the question being answered was placed by our question echoed back
        # the spans of dates that open parts of the reply ("Period 10/04/2019 - 11/10/2022 ...")
        self.spans = [(first, last) for _, first, last in spans_in(" ".join(" ".join(line.split())
                                                                             for line in self.lines))]
        self.untracked = False  # the last numbered line is a question of the request the campaign does not ask

    def read_line(self, index: int, text: str) -> None:
        location = self.table.locate(index)
        if BULLET_FIGURE.match(text) and self.echoed and not self.answered:
            # "- 190" under our questions listed "- ... 101 calls?" / "- ... 999 calls?": paired with
            # them in order by numbering.place_bare_list, or read as none (not the last one's answer)
            return
        asked = False  # the clause before was our question, echoed back
        for clause in clauses(text):
            here = self.place(clause, index)
            current, answers = self.current, here or asked or bool(ANSWER_SAID.search(clause))
            asked = bool((here or asked) and ASKS.search(clause))
            if not current or not _gives_figures(clause, current):
                continue
            hits = _hits(clause, self.periods)
            given: list[Found] = []
            if hits:
                given = _sentence_values(clause, hits, current, location)
            elif _bare_figure(clause):
                given = _unperiodised(clause, current, self.periods, location, plain=True)
                self.bare += [(f, self.label) for f in given]
                given = []
            elif answers:
                plain = answers is True or answers.how.startswith("question number") or (
                    answers.how == "label" and LABEL_AND_FIGURE.fullmatch(clause) is not None)
                given = _unperiodised(clause, current, self.periods, location, plain=plain)
            self.found += given
            self.answered = self.answered or bool(given)
            self.answered_at = index if given else self.answered_at
            if given and current.how.startswith("question number"):
                self.numbered.add(current.question.id)
        self.label = text
        self.asking = asked and text.rstrip().endswith("?")
        for said in self.statements.get(index, []):
            self.read_statement(index, said, location)

    def place(self, clause: str, index: int) -> Match | None:
        """The question `clause` names or is (None if none), setting the one being answered."""
        if _about_request(clause):
            self.current = self.current or self.matcher.sole()
            return None
        here, wrapped, current = self._numbered(clause), index in self.wrapped, self.current
        if not here and not wrapped and _heading(clause):
            here = _by_words(clause, self.matcher)  # "Children placed far from home": a paraphrase
            if here and current and f"({current.question.id})" in here.how:
                return self.keep(current, index)  # "Total Expenditure": one of two, the one being answered
            if not here and current and (self.answered or _leans_elsewhere(clause, current, self.matcher)):
                current = None  # a heading of a question we cannot place, after the answer above
        if here and wrapped and not here.how.startswith("question number"):
            here = None  # "... within 12 months\nof a previous referral?" goes on the question above
        number = question_number(clause)
        if number and number not in self.matcher.by_number and not wrapped:
            # "8. ..." where the campaign asks 6: a question of the request we do not track; its
            # words do not place it on a question that has a numbered answer of its own
            if here and not here.how.startswith("question number") and here.question.id in self.numbered:
                here = None
            current = here
        if number and not wrapped:
            # a question of the request we do not track, unless its words are one of ours nearly whole
            self.untracked = number not in self.matcher.by_number and (here is None or here.confidence < ECHOED)
        elif here and self.untracked and not here.how.startswith("question number") and _lettered(clause):
            here = current = None  # "8. ... / i) Gone missing": a part of that question, not one of ours by its words
        if here and current and here.question is current.question and _part_asked(clause):
            here = current = None  # "a) Please also give the number over three years": a part of it, not it
        if not here and not wrapped and ASKS.search(clause) and OPENS_QUESTION.match(clause):
            current = None  # a question of ours we cannot place: what follows answers it, not the one above
        if here and self.split and here.how.startswith("question number") and number \
                and int(re.sub(r"\D", "", number)) >= self.split:
            # "2. a) 121 / b) 314 / 3. 59" where the campaign asks question 2 whole: the reply's
            # numbers may run one behind the campaign's from there on; a person decides
            here = Match(here.question, min(here.confidence, sure.WEAK),
                         f"{here.how}; the reply answers question {self.split} in lettered parts: check")
        if here and current and here.question is current.question and here.confidence < current.confidence:
            here = current  # "Question 3" then its words echoed: the surer of the two placings holds
        if here:
            self.placed_by = clause
            self.echoed = ASKS.search(clause) is not None
            self.listed = self.listed + 1 if not self.answered and self.last_placed >= 0 else 1
            self.answered, self.last_placed = False, index
        self.current = here or current or self.matcher.sole()
        return here

    def _numbered(self, clause: str) -> Match | None:
        """The question `clause` names or is, less a number that is not our question's number."""
        here = _place(clause, self.matcher)
        if here and self.asking and clause.strip().isdigit():
            return None  # "... how many were about moving placement?" then "2": the answer, not question 2
        if here and self.own_numbering and not _words_agree(clause, here, self.matcher):
            return None  # "3. How many fines were paid?": the reply's own number 3, not our question 3
        return here

    def keep(self, current: Match, index: int) -> Match:
        self.last_placed = index
        self.current = current
        return current

    def read_statement(self, index: int, said: Statement, location: str) -> None:
        current = self.current
        if said.sub_part and said.first_row == self.last_placed < said.row:
            said.sub_part = False  # "a) Copy of the letters" placed our question itself: not a part of one
        # a day ("a request you made on 12 January 2024") dates an event, not what is refused or
        # not held, unless it bounds the periods ("before 1 April 2021")
        hits = [(period, match) for period, match in _hits(said.sentence, self.periods)
                if period.kind != "date" or BOUNDARY.search(said.sentence[:period.start])]
        bounded = _bounded(said, current, hits, self.periods)
        named = _named(said, self.matcher) if bounded else None
        if bounded and named:
            self.found += _bounded_found(said, [named], bounded, location)  # of the question it names
        elif bounded and (current is None or self.answered or self.listed > 1) \
                and not (index and self.lines[index - 1].strip()):
            self.apart.append((index, said, bounded, current, location))
        elif bounded and current:
            self.found += _bounded_found(said, [current], bounded, location)
        if (current and hits) or bounded:
            return  # read above, period by period
        spanned = None if hits else self._spanned(said)
        if spanned:  # "Period 10/04/2019 - 11/10/2022 ... this part of your request is refused"
            named = _named(said, self.matcher)
            self.found += _bounded_found(said, [named] if named else None, spanned, location)
            return
        after = bool(current and self.answered and said.first_row > self.answered_at)
        if current and self.beyond and current.how.startswith("question number") \
                and not _words_agree(self.placed_by, current, self.matcher, sure.REVIEW_BELOW):
            # "Q2. Please see <link>" in a reply numbering six questions where the campaign asks three:
            # its Q2 may not be ours
            current = Match(current.question, min(current.confidence, sure.UNSURE),
                            f"{current.how}; the reply numbers questions beyond the campaign's {self.beyond}")
        self.found += _stated(said, current, self.matcher, [m[0] for _, m in hits], location, after)

    def _spanned(self, said: Statement) -> tuple[list[str], str] | None:
        """The periods of the part of the reply a statement is in, where a span of dates opens
        that part earlier in its paragraph, and the periods no other part's span touches."""
        text = " ".join(" ".join(self.lines[i].split()) for i in range(max(said.first_row, 0), said.row + 1))
        at = text.find(said.sentence[:60])
        opening = spans_in(text[:at]) if at > 0 else []
        if not opening:
            return None
        _, first, last = opening[-1]
        covered = periods_in_span((first, last), [span for span in self.spans if span != (first, last)],
                                  self.periods)
        return (covered, f"said of the part of the reply for {first:%d/%m/%Y} to {last:%d/%m/%Y}") if covered else None

    def finish(self) -> list[Found]:
        found = list(self.found)
        for index, said, bounded, then, location in self.apart:
            # a paragraph of its own after the answers, with no question placed after it, is said of
            # no one question ("We do not hold data for the years before 2021/22"): it covers those
            # periods of each question the reply gives nothing else for (run.resolve); else it is
            # said of the question above
            if self.last_placed < index:
                found += _bounded_found(said, None, bounded, location)
            elif then:
                found += _bounded_found(said, [then], bounded, location)
        return found + _totals_first(self.bare)


def _own_numbering(lines: list[str], matcher: QuestionMatcher) -> bool:
    """The reply numbers the questions it echoes its own way, not as the campaign does: the
    numbers start again ("Littering: 1. ... 2. ...", "Fly-tipping: 1. ... 2. ..."), or a question
    echoed word for word under one number is the campaign's question of another number.
    Then a number alone does not say which of our questions a line answers."""
    seen: set[str] = set()
    for line in lines:
        number = question_number(line)
        if not number or not ASKS.search(line):
            continue
        if number in seen:
            return True
        seen.add(number)
        echoed = _by_words(line, matcher)
        if echoed and echoed.question.number.lower() != number and echoed.confidence >= sure.REVIEW_BELOW \
                and _echoes(line, echoed.question, matcher):
            return True
    return False


def _words_agree(clause: str, here: Match, matcher: QuestionMatcher, at_least: float | None = None) -> bool:
    """A placing by number alone is borne out by the clause's own words, matched at `at_least`
    (or is not by number)."""
    if not here.how.startswith("question number"):
        return True
    words = _by_words(clause, matcher)
    return words is not None and words.question is here.question and (at_least is None or words.confidence >= at_least)


SPLIT_FIRST = re.compile(r"^\s*(?:q(?:uestion)?\s*)?(\d{1,2})\s*[).:]?\s*\(?a[).]\s", re.IGNORECASE)
SPLIT_NEXT = re.compile(r"^\s*\(?b[).]\s", re.IGNORECASE)


def _split_number(lines: list[str], matcher: QuestionMatcher) -> int | None:
    """The number the reply answers in lettered parts ("2. a) ..." then "b) ...") where the
    campaign asks that question whole, if any."""
    for index, line in enumerate(lines):
        first = SPLIT_FIRST.match(line)
        if first and first.group(1) in matcher.by_number and f"{first.group(1)}a" not in matcher.by_number \
                and any(SPLIT_NEXT.match(later) for later in lines[index + 1:index + 8]):
            return int(first.group(1))
    return None


def _numbers_beyond(lines: list[str], matcher: QuestionMatcher) -> int:
    """How many questions the campaign asks, when the reply numbers more of its own (its numbers
    are then the request's, which may not be the campaign's); 0 when it does not."""
    asked = [q.number for q in matcher.questions]
    if not all(n.isdigit() for n in asked):
        return 0
    numbers = [int(n) for n in (re.sub(r"\D", "", question_number(line.strip()) or "") for line in lines) if n]
    return len(asked) if numbers and max(numbers) > max(map(int, asked)) + 1 else 0


def _place(clause: str, matcher: QuestionMatcher) -> Match | None:
    """The question a clause names or is. Our own question echoed back ("Of the children in
    question 1, how many ...?") names no question by the number inside it."""
    here = matcher.match(clause)
    words = _by_words(clause, matcher)  # scored as a whole question: echoed words are sure
    if here and words and words.question is not here.question and words.confidence >= sure.REVIEW_BELOW \
            and here.how.startswith("question number"):
        if ASKS.search(clause) and _echoes(clause, words.question, matcher):
            return words  # our question echoed nearly word for word under the request's own numbering
        # "Q3. ... households in temporary accommodation": the number says one question, the words
        # (another question's label) say another: a person decides
        other = words.question
        return Match(here.question, min(here.confidence, sure.WEAK),
                     f"{here.how}; or question {other.number} ({other.id}) by its words: check")
    if ASKS.search(clause):
        if words and (not here or (words.question is here.question and words.confidence > here.confidence)):
            return words
        return here
    return here or matcher.named_in(clause)


def _about_request(clause: str) -> bool:
    """A sentence on the request as a whole ("Thank you for your request about looked after
    children"), naming no question by number and giving no figure: its words are the
    request's subject, which one question's label may share, and it answers nothing."""
    return (REQUEST_SUBJECT.search(clause) is not None and not NAMED.search(clause)
            and not VALUE_IN_TEXT.search(blank_non_figures(clause)))


def _echoes(clause: str, question, matcher: QuestionMatcher) -> bool:
    """The clause repeats the question's own words, nearly all of them and little else."""
    own = matcher.text_tokens[question.id]
    said = set(tokens(without_references(clause)))
    return bool(own) and 5 * len(said & own) >= 4 * len(own) and len(said - own) <= len(own)


def _lettered(clause: str) -> bool:
    """A line opening with a part's letter or numeral ("i) Gone missing", "(b) ...")."""
    reference = parse_reference(clause)
    return reference is not None and reference.kind in ("letter", "roman")


def _part_asked(clause: str) -> bool:
    """A lettered part of a question, echoed back ("a) Please also provide ...", "(ii) How many ...")."""
    reference = parse_reference(clause)
    return (reference is not None and reference.kind in ("letter", "roman") and not re.match(r"\W*part\b", clause, re.I)
            and ASKS.search(clause) is not None)


def _by_words(clause: str, matcher: QuestionMatcher) -> Match | None:
    """The question a clause's words name, scored as a table's row label is. A letter or
    numeral before them ("b) As above") marks a part of the question above, not a question."""
    words = clause
    while (reference := parse_reference(words)) is not None and reference.rest != words:
        words = reference.rest  # "2. (i) Of these, how many ...": the words after every reference
    return matcher.assign([(words,)])[0] if words.strip() else None


def _heading(clause: str) -> bool:
    """A short line that names something rather than saying it: no full stop, no figure."""
    text = clause.strip()
    return (3 <= len(text) <= 90 and not re.search(r"[.!?;,]$|\d", text) and not ASKS.search(text)
            and not NOT_HELD.search(text) and not parse_refusal(text))


def _leans_elsewhere(clause: str, current: Match, matcher: QuestionMatcher) -> bool:
    reference = parse_reference(clause)
    leaning = matcher.leaning(reference.rest if reference else clause)
    return leaning is not None and leaning is not current.question


# A line that starts a sentence of its own: a capital question word, a question number or a part's letter.
STARTS_SENTENCE = re.compile(r"^[\"“']?(?:(?:How|What|Which|Please|Q(?:uestion)?\s*\d)\b"
                             r"|\(?(?:\d{1,2}|[a-h]|[ivx]{1,4})[).:]\s)")


def _wrapped(lines: list[str]) -> set[int]:
    """Lines that carry on the sentence above them (mail is hard-wrapped). A line that
    starts a question of its own under a heading ("Children placed far from home" /
    "How many ...?") does not."""
    return {index for group in paragraphs(lines) for index in group[1:]
            if not STARTS_SENTENCE.match(lines[index].strip())}


def _bounded(said: Statement, current: Match | None, hits, periods: list[str]) -> tuple[list[str], str] | None:
    """"We do not hold data for the years before 2023/24": (the periods before (or after) the
    one named, a note), none for the one named. The period may be named again in the sentence
    ("... before 2020/21: the new system started in 2020/21"), but no other."""
    if not hits or footnote_bounds(said.sentence) or _other_measure(said.sentence, current):
        return None
    bounds = [(p, m) for p, m in hits if BOUNDARY.search(said.sentence[:p.start])]
    if len(bounds) != 1 or any(m[0] != bounds[0][1][0] for _, m in hits):
        return None
    period, (label, _, _) = bounds[0]
    if label not in periods:
        return None
    bound = BOUNDARY.search(said.sentence[:period.start])
    before = bound is not None and re.match(r"\W*(?:prior|before|until|till|up)", bound.group(0), re.I) is not None
    position = periods.index(label)
    covered = periods[:position] if before else periods[position + 1:]
    return covered, f"said of the periods {'before' if before else 'after'} {period.text}"


def _bounded_found(said: Statement, questions: list[Match] | None, bounded: tuple[list[str], str],
                   location: str) -> list[Found]:
    """The statement for each period it covers: of each of `questions`, or (None) of no
    question, which run.resolve gives to each question the reply gives nothing else for."""
    covered, note = bounded
    value = Value(said.status, said.sentence[:200], section=said.section)
    if questions is None:
        note = f"{note}, of no question: recorded for each question the reply gives nothing else for"
        return [Found(ALL_PERIODS, p, value, location, sure.PERIODS_STATED, said.sentence[:160], note,
                      from_text=True) for p in covered]
    return [Found(question.question.id, p, value, location, round(question.confidence * sure.STATEMENT, 2),
                  said.sentence[:160], note, from_text=True) for question in questions for p in covered]


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


def _named(said: Statement, matcher: QuestionMatcher) -> Match | None:
    """The question a statement names, by number or by its words; the words that speak of the
    request itself ("compliance with your request") name none ("requests" as a label)."""
    sentence = WHOLE_REQUEST.sub(lambda m: " " * len(m.group(0)), said.sentence)
    named = matcher.match(sentence) or matcher.named_in(sentence)
    narrowed = NARROWED_TO.search(said.sentence)
    if named is None and narrowed:  # "the information you requested regarding current vacant buildings"
        named = matcher.match(narrowed.group(1))
    return named


# What the information refused is narrowed to: "you have requested regarding <what> to be exempt".
NARROWED_TO = re.compile(r"\b(?:requested|asked for|sought|request(?:ed)?)\s+(?:in relation to|relating to|regarding"
                         r"|concerning|about|in respect of|on)\s+(?:the\s+)?([^,.;:()]{3,80}?)\s*"
                         r"(?=\b(?:to be|is|are|was|were|has|have|cannot|can ?not|will|would|falls?)\b|[,.;:(]|$)",
                         re.IGNORECASE)
# How the note of a statement said of the whole request starts (run.resolve reads it).
WHOLE_NOTE = "said of the whole request"


def _stated(said: Statement, current: Match | None, matcher: QuestionMatcher,
            periods: list[str], location: str, after_answer: bool = False) -> list[Found]:
    """'Not held' or a refusal said in a sentence: of the question it names, of
    the whole request when its words say so, else of the question being
    answered (or of each of several it names together); said of no question at
    all, of the whole request (less surely). Said in a paragraph after the figures
    given for the question being answered (`after_answer`), and naming none, it may
    be of the next question the reply takes without naming it: a person decides."""
    named = _named(said, matcher)
    if footnote_bounds(said.sentence) or _other_measure(said.sentence, named or current):
        return []  # "* denotes 1 to 4, withheld ...", "rates per 10,000 are not held": not of a question asked
    value = Value(said.status, said.sentence[:200], section=said.section)
    several = matcher.named_several(said.sentence)
    if several:
        return [Found(match.question.id, ALL_PERIODS, value, location, match.confidence,
                      said.sentence[:160], from_text=True) for match in several]
    question = named or (current if not said.whole else None)
    if question:
        confidence = round(question.confidence * sure.STATEMENT, 2)
        by_number = named is not None and "question number" in named.how  # words alike do not name a part
        if said.sub_part and not by_number:  # "a) not recorded" under Q1: of a part, a person decides
            return [Found(question.question.id, ALL_PERIODS, value, location, min(confidence, sure.WEAK),
                          said.sentence[:160], "said under a sub-label: of a part of the question?", from_text=True)]
        if after_answer and not named:  # "- 6,508 requests in all" then "- a link ... may be helpful"
            return [Found(question.question.id, ALL_PERIODS, value, location, min(confidence, sure.UNSURE),
                          said.sentence[:160], "said after the figures given for the question: of it, or of "
                          "the next?", from_text=True)]
        return [Found(question.question.id, ALL_PERIODS, value, location, confidence, said.sentence[:160],
                      from_text=True)]
    if not (said.whole or said.status == "refused" or said.about_information):
        return []
    confidence, why = ((sure.WHOLE_REQUEST, WHOLE_NOTE) if said.whole
                       else (sure.NO_QUESTION, "said of no question"))
    note = f"{why}: recorded for each question the reply gives nothing else for"
    return [Found(ALL_PERIODS, period, value, location, confidence, said.sentence[:160], note, from_text=True)
            for period in periods or [ALL_PERIODS]]


# A measure a reply may say it does not hold that is not what a question asks for.
# ("business rates" is a tax, not a rate)
OTHER_MEASURE = re.compile(r"\b(?:(?<!business )(?<!non-domestic )rates?|per \d[\d,]*|percentages?|proportions?"
                           r"|averages?|in (?:this|that|the) format"
                           r"|broken down|breakdowns?|by (?:age|gender|sex|ethnicity|ward|postcode))\b", re.IGNORECASE)


def _other_measure(sentence: str, current: Match | None) -> bool:
    """The sentence says something of a measure the question being answered does not ask for."""
    if current is None:
        return False
    asked = " ".join([current.question.text, *current.question.labels]).lower()
    return any(m.group(0).lower().split()[0] not in asked for m in OTHER_MEASURE.finditer(sentence))


RESPECTIVELY = re.compile(r"\b(?:were|was|are|is|of|:)\s+(?P<values>[^;:]+?)\s+(?:for|in)\s+(?:the\s+)?"
                          # "for the years 2015/16, ...", but "Year ending March 2016" is a period whole
                          r"(?:(?:financial|calendar)\s+)?(?:years?\s+(?!end|to\b))?"
                          r"(?P<periods>[^;:]+?)\s*,?\s+respectively\b",
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
    hits = [(p, _dated(p, m, current)) for p, m in hits if p.start >= begin and not BOUNDARY.search(text[:p.start])]
    if any(p.kind in ("financial", "calendar") and m[1] >= sure.CERTAIN for p, m in hits):
        # "2022/23 with tracking introduced December 2022 - £49,904": a day in words beside a
        # period the campaign asks for dates an event in it, and is no period of its own
        hits = [(p, m) for p, m in hits if p.kind != "date"]
    money = figure_kind(current.question) == "money"
    blank = blank_non_figures(text, keep_money=money, keep_days=figure_kind(current.question) == "days")
    for start, end in _years_that_are_figures(text, hits):
        blank = blank[:start] + text[start:end] + blank[end:]
        hits = [(p, m) for p, m in hits if p.start != start]
    spans = _segments(text, blank, hits, begin, money)
    found = []
    for (_period, (label, confidence, note)), segment in zip(hits, spans):
        raw, several, doubt = segment
        if raw is None:
            continue
        value = _parse_figure(raw, figure_kind(current.question))
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


# Words before a year that make it a year ("in 2019", "since 2019", "2018 and 2019").
YEAR_BEFORE = re.compile(r"(?:\b(?:in|since|from|during|of|to|until|till|before|after|between|year|years|by"
                         r"|for|at|on|calendar)|[-–—/]|" + MONTH + r"|\b(?:19|20)\d\d\s*(?:,|and|or|&))\s*$",
                         re.IGNORECASE)


def _years_that_are_figures(text: str, hits) -> list[tuple[int, int]]:
    """A number that reads as a year but is a figure tied to a campaign period after it:
    "..., 1932 in 2020-21", "2028 in the year ending March 2022"; or said as the count of
    a period named before it: "In 2020/21 there were 1927 pupils"."""
    found = []
    for year in find_periods(text):
        if year.kind != "calendar" or YEAR_BEFORE.search(text[:year.start]):
            continue
        after = [p for p, _ in hits if p.start >= year.end]
        tied = bool(after) and TIED_FORWARD.match(text[year.end:after[0].start]) is not None \
            and not BREAK.search(text[year.end:after[0].start])
        counted = any(p.end <= year.start for p, _ in hits) and COUNT_BEFORE.search(text[:year.start]) is not None
        if tied or counted:
            found.append((year.start, year.end))
    return found


# Words that make the number after them a count, even one that reads as a year ("there were 2021").
COUNT_BEFORE = re.compile(r"\b(?:there (?:were|was|have been|had been)|a total of|totall?ed|totall?ing"
                          r"|(?:figure|number|total|count)s? (?:was|were|is|are|stood at))\s*$",
                          re.IGNORECASE)


# A question asking for a figure as it stands on a day (a stock), not over a period.
# (also one asking who or what "are" something, in the present: "children who are on the register")
IN_THE_PRESENT = (r"(?:who|which|that) (?:are|is)|are (?:on|in|open|subject|living|waiting|placed|looked after"
                  r"|held|registered|empty|vacant|allocated)")
STOCK = re.compile(rf"\b(?:as (?:at|of|on)|at the end of|currently|at present|presently|at the moment"
                   rf"|{IN_THE_PRESENT})\b", re.I)
YEAR_END = re.compile(r"^31(?:st)?[\s/.]+(?:of\s+)?(?:0?3|march|12|dec(?:ember)?)\b", re.IGNORECASE)


def _dated(period: Period, match: tuple, current: Match) -> tuple:
    """A figure dated within a year ("as at 01/12/2021") is that year's only when the question
    asks how things stand on a day; a year's end ("31 March", "31 December") is the year's."""
    label, confidence, note = match
    if period.kind != "snapshot" or YEAR_END.match(period.text) or STOCK.search(current.question.text):
        return match
    return label, min(confidence, sure.UNSURE), "; ".join(n for n in (
        note, f"a figure as at {period.text}: the question does not ask how things stand on a day") if n)


# A period that only bounds a time ("prior to 12 October 2022", "since 2019") has no figure of its own.
# ("children looked after at 31 March 2023" is a snapshot, not a bound)
BOUNDARY = re.compile(r"(?<!looked )(?<!cared )\b(?:prior to|before|after|since|until|till|up to)\s+"
                      r"(?:the\s+)?(?:(?:position\s+)?as\s+(?:at|of)\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:(?!(?:at|as|in|on|of|for|during)\s)[a-z]+\s+)?$",
                      re.IGNORECASE)


# Words between a figure and the period after it that tie the two: "1,310 in 2020/21",
# "1,234 referrals were received during 2015/16", "412 children as at 31 March 2023".
TIED_FORWARD = re.compile(
    r"^[^\d,;:.()]{0,60}?\b(?:in|for|during|over|throughout|at|as at|as of|by|of)\s+(?:the\s+)?"
    r"(?:(?:financial|calendar|academic|full)\s+)?(?:year\s+)?(?:(?:ending|ended|to)\s+)?"
    r"(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+)?$", re.IGNORECASE)
BREAK = re.compile(r"\b(?:and|but|while|whereas|compared|against)\b", re.IGNORECASE)


def _segments(text: str, blank: str, hits, begin: int,
              money: bool = False) -> list[tuple[str | None, bool, str | None]]:
    """(figure text, several figures?, doubt) for each period, paired in the clause's own order:
    "P: V", "in P there were V", "V in P", "in P there were V, W in Q", or respectively."""
    starts = [p.start for p, _ in hits] + [len(text)]
    ends = [begin] + [p.end for p, _ in hits]
    bounds = [(ends[i], starts[i]) for i in range(len(hits) + 1)]  # before each period, then the tail
    between = [text[a:b] for a, b in bounds]
    figures = [_figures_at(blank, a, b, money, tied=i < len(hits)) for i, (a, b) in enumerate(bounds)]
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
        words = blank[last[1]:starts[i]] if last else ""  # "9 children placed over 20 miles away at ...": no figure
        tie = last and TIED_FORWARD.match(words) and not BREAK.search(words)
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
        if raw is None and not text[begin:period.start].strip(" -*•\t") and period.kind != "date":
            # "2015/16: *", "2016/17: nil", "2017/18: -" (a day alone on a line dates a letter)
            raw = _short_cell(between[i + 1])
        result.append((raw, several, doubt))
    return result


def _after_question_number(text: str) -> int:
    match = NUMBERED.match(text)
    return match.end() if match else 0


# A word for nothing just before the period it is said of.
NIL_BEFORE_PERIOD = re.compile(r"\b(none|nil|zero)\s+(?:in|for|during)(?:\s+the)?\s*$", re.IGNORECASE)


def _figures_at(blank: str, start: int, end: int, money: bool = False, tied: bool = False) -> list[tuple[int, int]]:
    """Where the figures are in blank[start:end] (numbers that are not figures blanked out);
    sums of money ("£1,234.50", "1,234.50") for a question asking for money. A number in
    words counts where words before it say it is an answer ("there were four") or, when a
    period follows (`tied`), where it is tied to that period ("two in 2021/22")."""
    segment = blank[start:end]
    found = []
    for match in (MONEY_IN_TEXT if money else VALUE_IN_TEXT).finditer(segment):
        if NOT_FIGURE.search(segment[:match.start()]) or UNIT_AFTER.match(segment[match.end():]):
            continue
        found.append((start + match.start(1), start + match.end(1)))
    for match in ([] if money else SYMBOL_IN_TEXT.finditer(segment)):
        rest, before = segment[match.end():], segment[:match.start()]
        if (before.strip() and ANSWER_BEFORE.search(before)) or (tied and TIED_FORWARD.match(rest)
                                                             and not BREAK.search(rest)):
            found.append((start + match.start(1), start + match.end(1)))  # "x in 2022/23": suppressed
    if not (money or NOT_HELD.search(segment) or parse_refusal(segment)):  # "no record was found": not held
        found += [(start + a, start + b) for a, b in nil_counts(segment)]
    nil = NIL_BEFORE_PERIOD.search(segment) if tied and not money else None
    if nil:  # "None in 2021/22", "nil in the year ending March 2023" (the period is blanked out)
        found.append((start + nil.start(1), start + nil.end(1)))
    for match in ([] if money else number_words(segment)):
        rest = segment[match.end():]
        if ANSWER_BEFORE.search(segment[:match.start()]) or (
                tied and TIED_FORWARD.match(rest) and not BREAK.search(rest)):
            found.append((start + match.start(1), start + match.end(1)))
    return sorted(set(found))  # "None in 2021/22": a nil count and a nil before its period, read once


def _parse_figure(raw: str, kind: str) -> Value:
    """A figure found in a sentence: the "no" of "no appeals were upheld" (see nil_counts) is 0."""
    if raw.strip().lower() == "no" and kind == "count":
        nil = parse_value("none", kind)
        nil.raw, nil.note = raw, f"'{raw}' read as 0: a count of nil said with 'no'"
        return nil
    return parse_value(raw, kind)


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
    "Total: 38"), or the words after it are the question's own ("38 referrals"), or the word
    just before it is one of the question's labels ("the council purchased 38", labelled "purchased").
    (A word of the question's text before it is too often a breakdown's label: "School 369".)"""
    if ANSWER_BEFORE.search(text[:start]):
        return True
    after = re.findall(r"[a-z]{4,}", text[end:end + 40].lower())[:3]
    own = " ".join([current.question.text, *current.question.labels]).lower()
    if any(word[:5] in own for word in after):
        return True
    before = re.search(r"([a-z]{4,})\s*$", text[:start].lower())
    labels = set(tokens(" ".join(current.question.labels)))
    return bool(before and set(tokens(before.group(1))) & labels)


def _bare_figure(clause: str) -> bool:
    """A line that is only a figure ("1,234" under a question heading)."""
    return len(clause) <= 20 and parse_value(clause.strip(" .")).status in GIVEN_VALUE_STATUSES


# A question asking for the figure as it stands now.
PRESENT = re.compile(rf"\b(?:currently|at present|presently|at the moment|as of (?:now|today)|right now"
                     rf"|{IN_THE_PRESENT})\b", re.IGNORECASE)


def own_period(question, periods: list[str]) -> tuple[str | None, str | None]:
    """The one period a figure given with none can only be for, and why: the campaign's only
    period; the one the question's own words name ("... as at 1/11/23", "... in 2022/23"); or,
    for a question asking how things stand now, the campaign's latest period when that is a
    calendar year later than all the others (a snapshot now, not a past year's)."""
    if len(periods) == 1:
        return periods[0], "the campaign's only period"
    named = {label for label, confidence, _ in (match_period(p, periods) for p in find_periods(question.text))
             if label and confidence > sure.REVIEW_BELOW}
    if len(named) == 1:
        label = named.pop()
        return label, f"the question names {label}"
    if PRESENT.search(question.text):
        latest = max(periods, key=_period_end)
        if re.fullmatch(r"\d{4}", latest) and sorted(map(_period_end, periods))[-2] < _period_end(latest):
            return latest, f"the question asks how things stand now: the campaign's latest period, {latest}"
    return None, None


def _period_end(label: str) -> tuple[int, int]:
    """(year, month) a campaign period ends: "2022/23" in March 2023, "2023" in December 2023."""
    found = re.fullmatch(r"(\d{4})(?:/(\d{2}))?", label)
    if not found:
        return (0, 0)
    return (int(found.group(1)) + 1, 3) if found.group(2) else (int(found.group(1)), 12)


def _years_beyond(text: str, periods: list[str]) -> list[tuple[int, int]]:
    """Numbers that read as years but come after every year the campaign asks about, with no
    word making them years ("... had a plan? 2097"): a figure, not a year the reply speaks of."""
    last = max((_period_end(label)[0] for label in periods), default=0)
    return [(p.start, p.end) for p in find_periods(text)
            if p.kind == "calendar" and last and int(p.label) > last and not YEAR_BEFORE.search(text[:p.start])]


def _unperiodised(clause: str, current: Match, periods: list[str], location: str,
                  plain: bool = False) -> list[Found]:
    """A figure for a question with no period named ("Q1: 1,234."). Only a `plain` answer (after
    the question's number or our question, or alone on its line) is given the question's own
    period when the campaign asks for several: a figure in a sentence is put to a person."""
    rest = clause[_after_question_number(clause):]
    if any(p.kind in ("financial", "span") for p in find_periods(rest)):
        return []  # a figure for a period the campaign does not ask for ("July 2020 to July 2023 = 34")
    years = _years_beyond(rest, periods)
    spans = [(p.start, p.end) for p in find_periods(rest) if (p.start, p.end) not in years]
    spans += [m.span() for m in NAMED.finditer(rest)]
    for start, end in sorted(spans, reverse=True):  # other years and question numbers: not figures
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if len({n.lower() for n in NAMED.findall(clause)}) > 1:  # "Q1 Q2 Q3 Q4": quarters or a list
        return []
    if not said_plainly(rest) or NOT_HELD.search(rest) or parse_refusal(rest):
        return []
    money = figure_kind(current.question) == "money"
    blank = blank_non_figures(rest, keep_money=money, keep_days=figure_kind(current.question) == "days")
    for start, end in years:
        blank = blank[:start] + rest[start:end] + blank[end:]
    every = _figures_at(blank, 0, len(rest), money)
    shaped = [(a, b) for a, b in every if _answer_shaped(rest, a, b, current)]
    stated = [(a, b) for a, b in shaped if STATED_TOTAL.search(rest[max(0, a - 20):a] + "#" + rest[b:b + 20])]
    own, because = own_period(current.question, periods) if plain or len(periods) == 1 else (None, None)
    breakdown = len(shaped) > 1 and len(stated) == 1 and own is not None and not re.search(r"\bsince\b", rest)
    if breakdown:
        shaped = stated  # "1,716 in total: 792 from schools, 544 from parents ..."
    if len(shaped) != 1:
        return []
    figures = [rest[slice(*shaped[0])]]
    value = _parse_figure(figures[0], figure_kind(current.question))
    if own and breakdown:
        return [Found(current.question.id, own, value, location,
                      round(current.confidence * sure.SOLE_PERIOD, 2), clause[:160],
                      f"the stated total: no period named: {because}; read from text", from_text=True)]
    asked = " ".join([current.question.text, *current.question.labels]).lower()
    totalling = any(m.group(0).lower() not in asked for m in TOTALLING.finditer(rest))  # not the total asked for
    if own and not totalling and len(every) > 1 and not breakdown:
        # "7 full time places and 10 short break places": which of them answers?
        others = ", ".join(rest[a:b] for a, b in every)
        why = f"several figures in the answer ({others}): which one answers it?"
        return [Found(current.question.id, own, Value("needs_review", figures[0], note=why), location,
                      sure.GUESS, clause[:160], why, from_text=True)]
    if own and not totalling:
        confidence = round(current.confidence * sure.SOLE_PERIOD, 2)
        return [Found(current.question.id, own, value, location, confidence, clause[:160],
                      "; ".join(n for n in (value.note, f"no period named: {because}", "read from text") if n),
                      from_text=True)]
    why = ("a total, not one period's figure" if totalling else
           f"no period named and the campaign asks for {len(periods)} periods")
    review = Value("needs_review", figures[0], note=f"{why}: which period does {figures[0]!r} answer?")
    return [Found(current.question.id, ALL_PERIODS, review, location, sure.GUESS, clause[:160],
                  f"{why}: which period does {figures[0]!r} answer?", from_text=True)]
