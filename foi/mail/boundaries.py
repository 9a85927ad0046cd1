"""The boundary lines of a multipart message, found without compiling a regex for each.

The standard library's mail parser (email.feedparser) compiles a regular expression for
every multipart it reads, from the part's boundary:

    (?P<sep>SEPARATOR)(?P<end>--)?(?P<ws>[ \\t]*)(?P<linesep>\\r\\n|\\r|\\n)?$

where SEPARATOR is "--" and the boundary, escaped. Every message has its own boundary, so
Python's cache of compiled patterns never helps: 0.2 ms a multipart, as long as the rest
of reading a small reply. `install()` gives email.feedparser a `re` whose compile()
answers that one shape with a BoundaryLine, which matches a line exactly as the compiled
pattern would (a test compares them on generated lines), and hands every other pattern to
the re module.
"""

import email.feedparser
import re
import types
from typing import Any

# What email.feedparser passes to re.compile for a boundary: the escaped separator inside.
_SHAPE = re.compile(r"\(\?P<sep>(.*)\)\(\?P<end>--\)\?\(\?P<ws>\[ \\t\]\*\)\(\?P<linesep>\\r\\n\|\\r\|\\n\)\?\$",
                    re.DOTALL)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_LINE_ENDS = ("\r\n", "\r", "\n")  # in the order the pattern's alternation tries them


class BoundaryMatch:
    """What the compiled pattern's match() returns, for the groups the parser asks for."""

    __slots__ = ("_groups",)

    def __init__(self, sep: str, end: str | None, ws: str, linesep: str | None):
        whole = sep + (end or "") + ws + (linesep or "")
        self._groups = {0: whole, "sep": sep, "end": end, "ws": ws, "linesep": linesep}

    def group(self, name: int | str = 0) -> str | None:
        return self._groups[name]


class BoundaryLine:
    """A boundary line matcher: match(line) as the pattern above, compiled, would."""

    __slots__ = ("separator",)

    def __init__(self, separator: str):
        self.separator = separator

    def match(self, line: str) -> BoundaryMatch | None:
        if not line.startswith(self.separator):
            return None
        rest = line[len(self.separator):]
        end = None
        if rest.startswith("--"):
            # With "--" taken the rest must be blanks and a line end; without it, the rest
            # would begin with "-", which neither blanks nor a line end can: no match.
            end, rest = "--", rest[2:]
        after = rest.lstrip(" \t")
        ws = rest[:len(rest) - len(after)]
        for linesep in _LINE_ENDS:
            # `$` matches at the end, or before a line feed that ends the text
            if after.startswith(linesep) and after[len(linesep):] in ("", "\n"):
                return BoundaryMatch(self.separator, end, ws, linesep)
        if after in ("", "\n"):
            return BoundaryMatch(self.separator, end, ws, None)
        return None


def boundary_line(pattern: str, flags: int = 0) -> BoundaryLine | None:
    """The BoundaryLine for `pattern` if it is the parser's boundary shape; else None."""
    shape = _SHAPE.fullmatch(pattern) if flags == 0 else None
    if shape is None:
        return None
    separator = _ESCAPED.sub(r"\1", shape.group(1))
    return BoundaryLine(separator) if re.escape(separator) == shape.group(1) else None


class _ReForFeedparser(types.ModuleType):
    """The re module as email.feedparser sees it once installed."""

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    def compile(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and (line := boundary_line(pattern, flags)) is not None:
            return line
        return re.compile(pattern, flags)


def install() -> None:
    """Give email.feedparser the `re` above (once; what it compiled at import stays)."""
    if not isinstance(getattr(email.feedparser, "re", None), _ReForFeedparser):
        setattr(email.feedparser, "re", _ReForFeedparser("re"))  # noqa: B010 - a module's global, set
