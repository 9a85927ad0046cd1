"""Standard output and standard error as the terminal shows them: council text (subjects,
names, cell text, letters, notes) is printed, never acted on. Kept apart from foi.output so every command can
wrap its output without importing csv and json.
"""

import io
import re
from typing import IO

# What a terminal acts on rather than shows: C0 controls but tab, newline and carriage
# return, DEL, the C1 controls (U+009B starts a sequence as ESC [ does), and the marks that
# reorder text ("answer\u202evsc.exe" shown as "answerexe.csv").
TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """Text as shown, never acted on: each control character becomes '?'. A subject
    carrying "ESC ]0;...BEL" cannot retitle the window or rewrite what is shown."""
    return TERMINAL_CONTROL.sub("?", text)


class TerminalSafe(io.TextIOBase):
    """A text stream that writes through `for_terminal`: what foi prints on standard output
    (listings, letters, reports) and standard error (notes, warnings) carries council text,
    so none of it reaches the terminal raw."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(for_terminal(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)
