"""Separate what the council wrote from what it quoted back at us.

Replies usually carry our original request underneath; classifying that text
would make every reply look like whatever we asked for. The quoted part is
kept, though: it is where a request reference often survives.
"""

import re

# Lines that start the quoted original, most specific first.
QUOTE_STARTS = [
    re.compile(r"^\s*-{2,}\s*original message\s*-{2,}", re.I),
    re.compile(r"^\s*-{2,}\s*forwarded message\s*-{2,}", re.I),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*on\b.{0,200}\bwrote:\s*$", re.I),
    re.compile(r"^\s*on\b.{0,120}$", re.I),  # "On Mon, 2 Mar 2026 ... <x@y>" + next line "wrote:"
    re.compile(r"^\s*\*?from:\*?\s.+", re.I),
]
HEADER_BLOCK = re.compile(r"^\s*\*?(sent|date|to|subject):\*?\s", re.I)


def split_quoted(text: str) -> tuple[str, str]:
    """(fresh, quoted): fresh is the new text with '>' lines dropped; quoted is the rest."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    cut = _quote_start(lines)
    fresh = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    quoted = [line for line in lines[:cut] if line.lstrip().startswith(">")] + lines[cut:]
    return "\n".join(fresh).strip(), "\n".join(quoted).strip()


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        for number, pattern in enumerate(QUOTE_STARTS):
            if not pattern.match(line):
                continue
            following = lines[index + 1: index + 5]
            if number == 4 and not any(re.search(r"wrote:\s*$", f, re.I) for f in following[:1]):
                continue
            if number == 5 and not any(HEADER_BLOCK.match(f) for f in following):
                continue  # "From:" alone is not an Outlook header block
            if number == 2 and not any(re.match(r"\s*\*?from:", f, re.I) for f in following):
                continue
            return index
    return len(lines)
