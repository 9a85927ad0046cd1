"""Safe names for the files councils send us.

A name comes from a stranger's mail client: it may carry directories, `..`,
control characters, encoded words, or a Windows device name. We keep the
original for the record and use a cleaned one everywhere else.
"""

import re
import unicodedata
from email.header import decode_header
from typing import overload

from foi.safetext import one_line

MAX_LENGTH = 150
_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


@overload
def decode_filename(raw: str | bytes) -> str: ...
@overload
def decode_filename(raw: None) -> None: ...
def decode_filename(raw: str | bytes | None) -> str | None:
    """Decode RFC 2047 words left in a name (RFC 2231 is decoded by `email`) and
    undecodable bytes smuggled through as surrogates."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = _bytes_to_text(raw)
    raw = _bytes_to_text(raw.encode("utf-8", "surrogateescape"))
    if "=?" in raw:
        try:
            raw = "".join(
                _bytes_to_text(chunk, charset) if isinstance(chunk, bytes) else chunk
                for chunk, charset in decode_header(raw)
            )
        except (ValueError, LookupError, AssertionError):
            pass  # a malformed encoded word: keep the name as it came
    return raw


def _bytes_to_text(data: bytes, charset: str | None = None) -> str:
    for candidate in (charset, "utf-8", "cp1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")


def sanitise_filename(name: str | None, fallback: str = "attachment") -> str:
    """A name safe to write on any OS: last path component only, no control, bidi or
    reserved characters, no leading dots, not a device name, at most MAX_LENGTH."""
    name = unicodedata.normalize("NFC", decode_filename(name) or "")
    name = re.split(r"[/\\]", name)[-1]
    name = one_line(_UNSAFE.sub("_", name))  # and no bidi override: "answer\u202evsc.exe" shows its .exe
    name = name.strip().strip(".").strip()
    if not name or set(name) <= {"_", " ", "."}:
        name = fallback
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if stem.split(".")[0].strip().lower() in _RESERVED:
        stem = "_" + stem
    extension = extension[:20]
    room = MAX_LENGTH - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip()
    return f"{stem}.{extension}" if extension else stem
