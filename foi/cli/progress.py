"""The one progress display of long commands (send, chase, reply, sync, import, extract).

A bar on standard error when it is a terminal; nothing at all in a pipe or a log,
so scripted runs keep clean output. The bar writes past foi.cli.terminal.TerminalSafe
(its own escape sequences hide and show the cursor) and masks its label itself.
"""

from __future__ import annotations

import sys
from typing import Any, Self, TextIO, cast

import click

from foi.cli.terminal import TerminalSafe, for_terminal


class Progress:
    """Progress on stderr: a bar when the total is known, a running count when not.

    `update(done, total, label)` sets the position (a new label starts a new bar, as
    `foi sync` does for each folder); `advance()` moves on by one. Use it as a
    context manager, or call `close()`."""

    def __init__(self, label: str, total: int | None = None, *, file: TextIO | None = None,
                 enabled: bool | None = None):
        stream = file or sys.stderr
        self.file = cast(TextIO, stream.stream) if isinstance(stream, TerminalSafe) else stream
        self.enabled = self.file.isatty() if enabled is None else enabled
        self.label, self.total, self.done = for_terminal(label), total, 0
        self._bar: Any = None  # click's ProgressBar; its class is private to click

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, *_: object) -> None:
        """One more done (it accepts and ignores what a library's callback passes)."""
        self.update(self.done + 1)

    def update(self, done: int, total: int | None = None, label: str | None = None) -> None:
        if label is not None and for_terminal(label) != self.label:
            label = for_terminal(label)
            self.close()
            self.label, self.done = label, 0
        if total is not None:
            self.total = total
        if not self.enabled:
            self.done = done
            return
        if not self.total:  # unknown length: a count on one line
            self.done = done
            click.echo(f"\r{self.label}: {done}", nl=False, file=self.file)
            return
        if self._bar is None:
            self._bar = click.progressbar(length=self.total, label=self.label, file=self.file)
            self._bar.__enter__()
        self._bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
        elif self.enabled and not self.total and self.done:
            click.echo("", file=self.file)
