"""What running text says of whole questions or of the whole request: "not held",
"refused under s.12".

Mail bodies are hard-wrapped, so sentences are first rebuilt across the lines of
a paragraph; each statement is then placed on the line where its key words
start, which is the provenance a person is shown. Sentences that only say what
could happen, what happens next (clarification, extension) or what the
requester may do are not statements (values.said_plainly), nor are notes on
small numbers withheld, which are read cell by cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foi.extract.questions import NUMBERED
from foi.extract.values import NOT_HELD, REFUSAL_WORDS, parse_refusal, said_plainly, sentences

# The words say the whole request, not one question ("the information you requested").
WHOLE_REQUEST = re.compile(
    r"\b(?:your|this|the) (?:foi |freedom of information |information )?request\b"
    r"|\b(?:information|data|figures) (?:that |which )?(?:you )?(?:have )?(?:requested|asked for|sought|seek)"
    r"|\brequested (?:information|data|figures)\b", re.IGNORECASE)
# A "not held" said of no question must at least be about information.
ABOUT_INFORMATION = re.compile(r"\b(?:information|data|figures|records|statistics)\b", re.IGNORECASE)
SMALL_NUMBERS = re.compile(r"fewer than|less than|<\s*\d|small numbers?|\b(?:under|below) \d|\d or (?:fewer|less)",
                           re.IGNORECASE)
WRAPPED = 40  # a line at least this long that ends mid-sentence carries on on the next line


@dataclass
class Statement:
    row: int             # index of the line where the key words start
    status: str          # not_held | refused
    section: str | None
    sentence: str
    whole: bool          # the words speak of the whole request
    about_information: bool


def paragraphs(lines: list[str]) -> list[list[int]]:
    """Indexes of lines that read as one piece of running text."""
    groups: list[list[int]] = []
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        previous = lines[groups[-1][-1]].strip() if groups and groups[-1][-1] == index - 1 else ""
        carries_on = (len(previous) >= WRAPPED and not previous.endswith((".", "!", "?", ":"))
                      and "\t" not in previous and "\t" not in line and not NUMBERED.match(text)
                      and not text.startswith(("-", "*", "•")))
        if carries_on:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def find_statements(lines: list[str]) -> dict[int, list[Statement]]:
    """Statements by the line they are placed on."""
    found: dict[int, list[Statement]] = {}
    for group in paragraphs(lines):
        starts, text = [], ""
        for index in group:
            starts.append((len(text), index))
            text += " ".join(lines[index].split()) + " "
        offset = 0
        for sentence in sentences(text):
            begin = text.index(sentence, offset)
            offset = begin + len(sentence)
            statement = _statement(sentence, begin, starts)
            if statement:
                found.setdefault(statement.row, []).append(statement)
    return found


def _statement(sentence: str, begin: int, starts: list[tuple[int, int]]) -> Statement | None:
    if not said_plainly(sentence) or SMALL_NUMBERS.search(sentence):
        return None
    not_held = NOT_HELD.search(sentence)
    section = None if not_held else parse_refusal(sentence)
    if not not_held and not section:
        return None
    marker = not_held or REFUSAL_WORDS.search(sentence)
    if marker is None:
        return None
    key = begin + marker.start()
    row = max(index for start, index in starts if start <= key)
    return Statement(row, "not_held" if not_held else "refused", section, sentence,
                     bool(WHOLE_REQUEST.search(sentence)), bool(ABOUT_INFORMATION.search(sentence)))
