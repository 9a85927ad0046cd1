"""Long wording patterns, run only on texts that hold the words they need.

Python's regex engine tries every alternative of a long case-blind alternation at every
position of a text, and most texts hold few of the words such a pattern is made of: that
search was most of the time classifying a short reply took. `needed_by_alternative` reads,
from the parse Python's own regex module makes of a pattern, what each of its alternatives
needs: sets of words (lower-case ASCII) of which a match holds one word of each (its runs of
literal characters, and a word of each part it cannot do without). `Screened` looks for them
with plain substring tests first and runs the pattern only where some alternative's words are
all there. The answers are the pattern's own: the only texts skipped are ones it cannot
match. Where the parse is missing or reads otherwise (a private module), nothing is screened.
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

# A set of needed words with one shorter than this, or more words than this, screens out too
# little to pay: it is not looked for.
SHORTEST = 3
MOST = 48

# The characters beyond ASCII that a case-blind pattern takes for an ASCII letter, besides
# the letter's two cases (dotted capital I, dotless i, long s, the Kelvin sign): a text's
# are made that letter before its words are looked for. tests/test_screen.py checks the
# list against every character there is.
OTHER_CASES = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def needed_by_alternative(pattern: re.Pattern[str]) -> list[list[frozenset[str]]] | None:
    """For each alternative of `pattern` (the pattern whole, where it is not a choice), the
    sets of words every match of that alternative holds one word of each of: each run of
    ASCII literals in it, and the needed words of each part it cannot do without. None
    where the parse cannot be read."""
    try:
        items = list(re_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a private module changed: screen nothing
        return None
    if len(items) == 1 and items[0][0] is re_constants.BRANCH:
        return [_all_needed(branch) for branch in items[0][1][1]]
    return [_all_needed(items)]


def _all_needed(items: Iterable[tuple[Any, Any]]) -> list[frozenset[str]]:
    found: list[frozenset[str]] = []
    run = ""
    for op, value in items:
        if op is re_constants.LITERAL and value < 128:
            run += chr(value).lower()
            continue
        if run:
            found.append(frozenset([run]))
            run = ""
        words = _needed_by(op, value)
        if words is not None:
            found.append(words)
    return [*found, frozenset([run])] if run else found


def _needed(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """A sequence's needed words, as one set: whichever of the sets it needs tells most (the
    longest shortest word, then the fewest words)."""
    best: frozenset[str] | None = None
    for words in _all_needed(items):
        best = _better(best, words)
    return best


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
    """A compiled pattern whose searches first look for the words it needs (see the module's
    docstring); it answers as the pattern does, to the methods foi calls on patterns."""

    __slots__ = ("alternatives", "compiled", "everywhere", "first", "flags", "groupindex", "groups", "pattern",
                 "words")

    def __init__(self, compiled: re.Pattern[str], alternatives: list[list[frozenset[str]]]) -> None:
        # For each alternative, the sets of which a text must hold a word of each; longest first.
        self.compiled = compiled
        self.alternatives = tuple(tuple(tuple(sorted(words, key=len, reverse=True)) for words in needs)
                                  for needs in alternatives)
        self.everywhere = not alternatives or not all(self.alternatives)  # an alternative needing no word
        self.words = tuple(sorted({word for needs in self.alternatives for words in needs for word in words}))
        # First the best set of each alternative (the longest shortest word), all at once: most
        # texts hold none of them, and are told so by a few substring tests.
        best = [] if self.everywhere else [max(needs, key=lambda words: (len(words[-1]), -len(words)))
                                           for needs in self.alternatives]
        self.first = tuple(sorted({word for words in best for word in words}, key=len, reverse=True))
        self.pattern, self.flags = compiled.pattern, compiled.flags
        self.groups, self.groupindex = compiled.groups, compiled.groupindex

    def could_match(self, text: str) -> bool:
        if self.everywhere:
            return True
        text = _folded_once(text)
        if not any(word in text for word in self.first):
            return False
        return any(all(any(word in text for word in words) for words in needs) for needs in self.alternatives)

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
    """`compiled`, searched only where a text holds the words one of its alternatives needs;
    where no such words are worth looking for, every search runs the pattern."""
    alternatives = needed_by_alternative(compiled) or []
    return Screened(compiled, [[_pruned(words) for words in needs if _worth_it(words)] for needs in alternatives])


def _worth_it(words: frozenset[str]) -> bool:
    return min(map(len, words)) >= SHORTEST and len(words) <= MOST


def _pruned(words: frozenset[str]) -> frozenset[str]:
    """A word holding another of the set tells nothing more."""
    return frozenset(word for word in words if not any(other != word and other in word for other in words))


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
