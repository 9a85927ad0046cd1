"""Council text made safe for the places foi writes it: one place that decides which
characters a reader never sees as themselves.

Subjects, names, references and file names come from anyone who mails the campaign.
Written into a mail header, an ICS line, a zip member or a file name, a line break
starts a new header or line, an escape sequence acts on the terminal that shows it,
and a right-to-left override turns "answer\\u202evsc.exe" into what looks like
"answerexe.csv". `one_line` is for those one-line places; `plain_text` is for the
text of a letter or a mail body, where line breaks are the text's own.
"""

import functools
import re
import unicodedata

# Every way text can break a line: LF, CR, VT, FF, the file/group/record separators,
# NEL, and the Unicode line and paragraph separators.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Unicode's controls (C0 and C1), format characters (the bidi overrides, embeddings,
# isolates and marks, zero-width characters, soft hyphen, tag characters), line and
# paragraph separators, and lone surrogates (undecodable bytes smuggled through).
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Characters surely seen as themselves (printable ASCII, Latin to Hebrew but the soft
# hyphen, the Indic to Khmer blocks, CJK and Hangul) are skipped; each other one is
# looked up, so a long letter costs one regex pass.
_LOOK_UP = r"[^\x20-\x7e\xa0-\xac\xae-\u05ff\u0900-\u17ff\u3000-\ud7ff]"


@functools.cache
def _look_up() -> re.Pattern:
    """Compiled on first use: its ranges take 3 ms to compile, and commands that import
    this module (foi status, through the calendar events) mostly never call it."""
    return re.compile(_LOOK_UP)


def unseen(char: str) -> bool:
    """True for a character a reader does not see as itself; also the noncharacters
    (U+FFFE, U+FFFF...), which no XML document (docx, xlsx) may hold."""
    point = ord(char)
    return unicodedata.category(char) in UNSEEN_CATEGORIES or (point & 0xFFFE) == 0xFFFE or \
        0xFDD0 <= point <= 0xFDEF


def _flat(match: re.Match) -> str:
    char = match.group()
    return " " if char in LINE_BREAKS or char == "\t" else "" if unseen(char) else char


def _plain(match: re.Match) -> str:
    char = match.group()
    return char if char in "\n\t" else "\n" if char in LINE_BREAKS else "" if unseen(char) else char


def one_line(text: object) -> str:
    """`text` on one line: each line break or tab becomes a space, every other unseen
    character is dropped, runs of spaces become one and the ends are trimmed.
    For mail headers, ICS lines, zip member and file names."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # no line break, tab or unseen character: nothing to drop
        return text.strip() if "  " not in text else re.sub(" {2,}", " ", text).strip()
    return re.sub(" {2,}", " ", _look_up().sub(_flat, text)).strip()


def plain_text(text: object) -> str:
    """`text` with its own line breaks kept as "\\n" (CRLF, CR, NEL and the Unicode
    separators all become "\\n"; tabs stay) and every other unseen character dropped.
    For the body of a letter or a mail, and the .txt and .docx files made from it."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():  # one line of characters all seen as themselves
        return text
    return _look_up().sub(_plain, text.replace("\r\n", "\n"))
