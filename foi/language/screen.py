"""Long wording patterns, run only on texts that hold the words they need.

Python's regex engine tries every alternative of a long case-blind alternation at every
position of a text, and most texts hold few of the words such a pattern is made of: that
search was most of the time classifying a short reply took. `needed_by_alternative` reads,
from the parse Python's own regex module makes of a pattern, what each of its alternatives
needs: sets of words (lower-case ASCII) of which a match holds one word of each (its runs of
literal characters, and a word of each part it cannot do without). `Screened` looks for them
with plain substring tests first and runs the pattern only where some alternative's words are
all there. The answers are the pattern's own: the only texts skipped are ones it cannot
match. The words are read on a pattern's first search, not when it is compiled: commands that
load the wording without searching with it (`foi review`, `foi inbox`) pay nothing.

`context_free` reads the same parse for classification: whether a pattern finds in a text
what it finds in its sentences one by one. Where the parse is missing or reads otherwise (a
private module), nothing is screened and no pattern is called free.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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
    return max(one, other, key=_telling)


def _telling(words: frozenset[str]) -> tuple[int, int]:
    """How much a set of needed words tells: its shortest word's length, then how few they are."""
    return min(map(len, words)), -len(words)


def context_free(pattern: re.Pattern[str] | Screened) -> bool:
    """Whether whatever `pattern` finds in a sentence it also finds in a text holding that
    sentence between line breaks: true when it has no anchor (^, $, \\A, \\Z) and no
    lookaround, whose answers can change at the sentence's ends. \\b and \\B cannot: a line
    break is not a word character, as the start and end of a string are not.
    The answer is read from the parse Python's own regex module makes, a private one: where
    it is missing or reads otherwise, no pattern is called free, so every one is tried
    sentence by sentence (slower, never wrong)."""
    try:
        return _free_of_context(re_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - a private module changed: the safe answer
        return False


def _free_of_context(items: Iterable[tuple[Any, Any]]) -> bool:
    for op, value in items:
        if op in (re_constants.ASSERT, re_constants.ASSERT_NOT):
            return False
        if op is re_constants.AT and value not in (re_constants.AT_BOUNDARY, re_constants.AT_NON_BOUNDARY):
            return False
        if op is re_constants.SUBPATTERN:
            inner = [value[-1]]
        elif op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT, re_constants.POSSESSIVE_REPEAT):
            inner = [value[2]]
        elif op is re_constants.BRANCH:
            inner = value[1]
        elif op is re_constants.ATOMIC_GROUP:
            inner = [value]
        elif op is re_constants.GROUPREF_EXISTS:
            inner = [branch for branch in value[1:] if branch is not None]
        else:
            continue
        if not all(_free_of_context(branch) for branch in inner):
            return False
    return True


def folded(text: str) -> str:
    """The text as the needed words are looked for in it: lower case, and every character
    a case-blind pattern takes for an ASCII letter made that letter."""
    return text.lower() if text.isascii() else text.translate(OTHER_CASES).lower()


@dataclass(frozen=True)
class Needs:
    """What a pattern's alternatives need (see needed_by_alternative), as Screened looks for it."""

    alternatives: tuple[tuple[tuple[str, ...], ...], ...]  # for each, the word sets; longest word first
    first: tuple[str, ...]  # the best set of each alternative, all together: most texts hold none
    everywhere: bool  # an alternative needs no word worth looking for: every text is searched


def needs_of(compiled: re.Pattern[str]) -> Needs:
    """The word sets worth looking for of each alternative of `compiled`."""
    alternatives = [[_pruned(words) for words in needs if _worth_it(words)]
                    for needs in needed_by_alternative(compiled) or []]
    everywhere = not alternatives or not all(alternatives)
    best = [] if everywhere else [max(needs, key=_telling) for needs in alternatives]
    return Needs(tuple(tuple(_longest_first(words) for words in needs) for needs in alternatives),
                 _longest_first({word for words in best for word in words}), everywhere)


def _longest_first(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


class Screened:
    """A compiled pattern whose searches first look for the words it needs (see the module's
    docstring); it answers as the pattern does, to the methods foi calls on patterns."""

    __slots__ = ("_needs", "compiled", "flags", "groupindex", "groups", "pattern")
    _needs: Needs | None

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.compiled, self._needs = compiled, None
        self.pattern, self.flags = compiled.pattern, compiled.flags
        self.groups, self.groupindex = compiled.groups, compiled.groupindex

    @property
    def needs(self) -> Needs:
        """Read on first use (two threads may both read it: the same answer)."""
        if self._needs is None:
            self._needs = needs_of(self.compiled)
        return self._needs

    def could_match(self, text: str) -> bool:
        needs = self.needs
        if needs.everywhere:
            return True
        text = _folded_once(text)
        if not any(word in text for word in needs.first):
            return False
        return any(all(any(word in text for word in words) for words in alternative)
                   for alternative in needs.alternatives)

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
    return Screened(compiled)


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
