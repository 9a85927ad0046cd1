"""Long wording patterns, run only on texts that hold a word they need.

Python's regex engine tries every alternative of a long case-blind alternation at every
position of a text, and most texts hold none of the words such a pattern is made of: that
search was most of the time classifying a short reply took. `needed_words` reads, from the
parse Python's own regex module makes of a pattern, words (lower-case ASCII) of which every
match holds at least one; `Screened` looks for them with a plain substring test first and
runs the pattern only where one is there. The answers are the pattern's own: the only texts
skipped are ones it cannot match. Where the parse is missing or reads otherwise (a private
module), nothing is screened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

try:  # the regex parser's own modules (no stubs): private, so their absence is allowed for
    import re._constants as re_constants  # type: ignore[import-not-found]
    import re._parser as re_parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - every Python foi supports has them
    re_constants = re_parser = None

# A needed word shorter than this, or more words than this, screens out too little to pay.
SHORTEST = 3
MOST = 48

# The characters beyond ASCII that a case-blind pattern takes for an ASCII letter, besides
# the letter's two cases (dotted capital I, dotless i, long s, the Kelvin sign): a text's
# are made that letter before its words are looked for. tests/test_screen.py checks the
# list against every character there is.
OTHER_CASES = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def needed_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Lower-case ASCII words of which every match of `pattern` holds one, or None where
    none can be told (an alternative with no word of its own, or an unreadable parse)."""
    try:
        return _needed(re_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a private module changed: screen nothing
        return None


def _needed(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """A sequence's needed words: those of whichever of its parts tells most (the longest
    shortest word, then the fewest words); a run of ASCII literals is a word."""
    best: frozenset[str] | None = None
    run = ""
    for op, value in items:
        if op is re_constants.LITERAL and value < 128:
            run += chr(value).lower()
            continue
        if run:
            best, run = _better(best, frozenset([run])), ""
        best = _better(best, _needed_by(op, value))
    return _better(best, frozenset([run])) if run else best


def _needed_by(op: Any, value: Any) -> frozenset[str] | None:
    if op is re_constants.SUBPATTERN:
        return _needed(value[-1])
    if op is re_constants.ATOMIC_GROUP:
        return _needed(value)
    if op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT, re_constants.POSSESSIVE_REPEAT):
        return _needed(value[2]) if value[0] >= 1 else None
    if op is re_constants.BRANCH:
        words: set[str] = set()
        for branch in value[1]:
            needed = _needed(branch)
            if needed is None:
                return None
            words |= needed
        return frozenset(words)
    return None  # a class, a position, a lookaround or a back-reference: no word of its own


def _better(one: frozenset[str] | None, other: frozenset[str] | None) -> frozenset[str] | None:
    if one is None or other is None:
        return one if other is None else other
    return max(one, other, key=lambda words: (min(map(len, words)), -len(words)))


def folded(text: str) -> str:
    """The text as the needed words are looked for in it: lower case, and every character
    a case-blind pattern takes for an ASCII letter made that letter."""
    return text.lower() if text.isascii() else text.translate(OTHER_CASES).lower()


class Screened:
    """A compiled pattern whose searches first look for a word it needs (see the module's
    docstring); it answers as the pattern does, to the methods foi calls on patterns."""

    __slots__ = ("compiled", "everywhere", "flags", "groupindex", "groups", "pattern", "words")

    def __init__(self, compiled: re.Pattern[str], words: frozenset[str]) -> None:
        self.compiled, self.words = compiled, tuple(sorted(words, key=len, reverse=True))
        self.everywhere = "" in words  # nothing worth looking for: every text is searched
        self.pattern, self.flags = compiled.pattern, compiled.flags
        self.groups, self.groupindex = compiled.groups, compiled.groupindex

    def could_match(self, text: str) -> bool:
        if self.everywhere:
            return True
        text = _folded_once(text)
        return any(word in text for word in self.words)

    def search(self, text: str, *where: int) -> re.Match[str] | None:
        return self.compiled.search(text, *where) if self.could_match(text) else None

    def match(self, text: str, *where: int) -> re.Match[str] | None:
        return self.compiled.match(text, *where) if self.could_match(text) else None

    def fullmatch(self, text: str, *where: int) -> re.Match[str] | None:
        return self.compiled.fullmatch(text, *where) if self.could_match(text) else None

    def finditer(self, text: str, *where: int) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, *where) if self.could_match(text) else iter(())

    def findall(self, text: str, *where: int) -> list[Any]:
        return self.compiled.findall(text, *where) if self.could_match(text) else []

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.compiled.sub(replacement, text, count) if self.could_match(text) else text

    def split(self, text: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(text, maxsplit) if self.could_match(text) else [text]

    def __repr__(self) -> str:
        return f"Screened({self.compiled!r})"


# A compiled pattern, screened or not: what foi's wording patterns are.
Pattern = re.Pattern[str] | Screened


def screened(compiled: re.Pattern[str]) -> Screened:
    """`compiled`, searched only where a text holds a word it needs; where no such words
    are worth looking for, every search runs the pattern."""
    words = needed_words(compiled)
    if words is not None:  # a word holding another needed word tells nothing more
        words = frozenset(w for w in words if not any(v != w and v in w for v in words))
    if words is None or min(map(len, words)) < SHORTEST or len(words) > MOST:
        words = frozenset([""])  # in every text
    return Screened(compiled, words)


# The last text folded, kept for the next pattern asked about the same text (classification
# asks a dozen of each sentence). One tuple, swapped whole: safe between threads.
_last: list[tuple[str, str]] = [("", "")]


def _folded_once(text: str) -> str:
    last = _last[0]
    if last[0] is text:
        return last[1]
    result = folded(text)
    _last[0] = (text, result)
    return result
