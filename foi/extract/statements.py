"""What running text says of whole questions or of the whole request: "not held",
"refused under s.12".

Mail bodies are hard-wrapped, so sentences are first rebuilt across the lines of
a paragraph; each statement is then placed on the line where its key words
start, which is the provenance a person is shown. Sentences that only say what
could happen, what happens next (clarification, extension) or what the
requester may do are not statements (foi.language.wording.states), nor are
our own questions echoed back, headings ("Refusal notice"), or notes on small
numbers withheld, which are read cell by cell.

Within a paragraph, a refusal on cost (s.12) governs: "not recorded on that
system" beside it is the reasoning of the refusal, not a "not held"; and where
the text cites one refusing section, a refusal that names none is under it. A decision
reported from before ("in our previous response we advised ...") counts only
where the text decides nothing itself (a review that restates it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi.extract.questions import NAMED, NUMBERED
from foi.language.wording import (
    SMALL_NUMBERS,
    find_sections,
    not_held_start,
    parse_refusal,
    refusal_start,
    reports_earlier,
    split_sentences,
    states,
)

# The words say the whole request, not one question ("the information you requested").
WHOLE_REQUEST = re.compile(
    r"\b(?:your|this|the) (?:foi |freedom of information |information )?request\b"
    r"|\b(?:information|data|figures) (?:that |which )?(?:you )?(?:have )?(?:requested|asked for|sought|seek)"
    r"|\brequested (?:information|data|figures)\b", re.IGNORECASE)
# "The information you requested in relation to the costs": narrowed to one part.
NARROWED = re.compile(r"\b(?:requested|asked for|sought|seek|request)\s+(?:in relation to|relating to|regarding"
                      r"|concerning|about|in respect of|on the)\b|\b(?:part|parts|element|some) of (?:your|the|this) "
                      r"(?:foi |freedom of information |information )?request\b", re.IGNORECASE)
# A "not held" said of no question must at least be about information.
# (A body that does not do the work holds nothing on it.)
ABOUT_INFORMATION = re.compile(r"\b(?:information|data|figures|records|statistics|polic(?:y|ies)|procedures?"
                               r"|protocols?)\b"
                               r"|\b(?:do|does|did)(?: not|n['’]t)"
                               r" (?:carry out|undertake|conduct|provide|deliver|run|administer|employ)\b",
                               re.IGNORECASE)
# A sub-label opening a line: "a)", "(b)", "e.", "(iv)" (not "1." or "Q2").
SUB_LABEL = re.compile(r"^\W*\(?(?:[a-h]|[ivx]{1,4})[).]\s", re.IGNORECASE)
# A row of delimited cells ("Spend on taxis,£12231272.92,£13971839.32"): never running text.
DELIMITED = re.compile(r"(?:[^,\s][^,]*,(?=\S)){2}")
WRAPPED = 40  # a line at least this long that ends mid-sentence carries on on the next line
# A heading that names a notice and nothing it decides ("NOTICE OF REFUSAL", "Refusal notice").
HEADING = re.compile(r"^\W*(?:\w+\W+){0,3}notice(?:\W+\w+){0,3}\W*$", re.IGNORECASE)
COST = "s.12"


@dataclass
class Statement:
    row: int             # index of the line where the key words start
    status: str          # not_held | refused
    section: str | None
    sentence: str
    whole: bool          # the words speak of the whole request
    about_information: bool
    reported: bool = False  # a decision made before this reply, reported in it
    sub_part: bool = False  # said under a sub-label ("a)", "(iv)"): of a part of a question
    first_row: int = -1  # the line its paragraph starts on


def paragraphs(lines: list[str]) -> list[list[int]]:
    """Indexes of lines that read as one piece of running text."""
    groups: list[list[int]] = []
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        previous = lines[groups[-1][-1]].strip() if groups and groups[-1][-1] == index - 1 else ""
        carries_on = (len(previous) >= WRAPPED and not previous.endswith((".", "!", "?", ":"))
                      and not _delimited(previous) and not _delimited(text)
                      and "\t" not in previous and "\t" not in line and not NUMBERED.match(text)
                      and not text.startswith(("-", "*", "•")))
        if carries_on:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _delimited(line: str) -> bool:
    return bool(DELIMITED.search(re.sub(r"\d{1,3}(?:,\d{3})+(?!\d)", "0", line)))


def find_statements(lines: list[str]) -> dict[int, list[Statement]]:
    """Statements by the line they are placed on."""
    kept: list[Statement] = []
    for group in paragraphs(lines):
        starts, text = [], ""
        for index in group:
            starts.append((len(text), index))
            text += " ".join(lines[index].split()) + " "
        offset = 0
        said: list[Statement] = []
        for sentence in split_sentences(text):
            begin = text.index(sentence, offset)
            offset = begin + len(sentence)
            statement = _statement(sentence, begin, starts)
            if statement:
                statement.sub_part = bool(SUB_LABEL.match(lines[group[0]]))
                statement.first_row = group[0]
                said.append(statement)
        kept += _governed(said)
    if not all(s.reported for s in kept):
        kept = [s for s in kept if not s.reported]
    _cite(kept, whole_only=True)
    found: dict[int, list[Statement]] = {}
    for statement in kept:
        found.setdefault(statement.row, []).append(statement)
    return found


def _governed(said: list[Statement]) -> list[Statement]:
    """A paragraph's statements, less the "not held" that explains a cost refusal in it
    (one naming a question of its own stays)."""
    _cite(said)
    if not any(s.status == "refused" and s.section == COST for s in said):
        return said
    return [s for s in said if s.status != "not_held" or NAMED.search(s.sentence)]


def _cite(said: list[Statement], whole_only: bool = False) -> None:
    """"It cannot be disclosed ... section 12(1) applies": where one refusing section is cited,
    a refusal that names none is under it (across a paragraph, or said of the whole request)."""
    cited = {s.section for s in said if s.status == "refused" and s.section != "unspecified"}
    if len(cited) == 1:
        for statement in said:
            if statement.section == "unspecified" and (statement.whole or not whole_only):
                statement.section = next(iter(cited))


def _statement(sentence: str, begin: int, starts: list[tuple[int, int]]) -> Statement | None:
    if not states(sentence) or SMALL_NUMBERS.search(sentence):
        return None
    if HEADING.match(sentence) and not find_sections(sentence):
        return None
    not_held = not_held_start(sentence)
    section = None if not_held is not None else parse_refusal(sentence)
    start = not_held if not_held is not None else refusal_start(sentence)
    if start is None or not (not_held is not None or section):
        return None
    key = begin + start
    row = max(index for start, index in starts if start <= key)
    return Statement(row, "not_held" if not_held is not None else "refused", section, sentence,
                     bool(WHOLE_REQUEST.search(sentence)) and not NARROWED.search(sentence),
                     bool(ABOUT_INFORMATION.search(sentence)),
                     reports_earlier(sentence))
