"""The one error type for problems the user must fix.

The CLI turns a FoiError into a one-line message on stderr and exit code 1.
Anything else is a bug and keeps its traceback.
"""


class FoiError(Exception):
    """Something the user can fix: bad input, unknown body, unreadable file."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text}\n  {self.hint}" if self.hint else text
