"""Large messages read without the stdlib parser holding them as text.

The stdlib parser keeps a message as lines of text and decodes each attachment from
them: about eight copies of it at once (860 MB for a 98 MB reply carrying a 70 MB
CSV). Here the MIME tree is walked with byte operations; each large leaf's body is
cut out and replaced by a short marker, the small remainder (the skeleton) goes
through the ordinary parser, and each marker is then replaced by its body decoded
straight from the original bytes. The same ParsedMessage comes out, in about three
copies' worth of memory.
"""

from __future__ import annotations

import binascii
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

CUT_FROM = 256 * 1024  # a leaf body larger than this is cut out of the skeleton
MAX_DEPTH = 20  # multiparts inside multiparts; deeper ones are left to the ordinary parser
_MARKER = b"foi-cut-%06d"
_BLANK = re.compile(rb"\r?\n\r?\n")


@dataclass
class Cut:
    marker: bytes
    start: int
    end: int
    encoding: str


def cut_large_bodies(raw: bytes) -> tuple[bytes, list[Cut]]:
    """The message with each large leaf body replaced by a marker, and where each was."""
    cuts: list[Cut] = []
    pieces: list[bytes] = []
    position = _walk(raw, 0, len(raw), cuts, pieces, 0)
    pieces.append(raw[position:])
    return b"".join(pieces), cuts


def _walk(raw: bytes, start: int, end: int, cuts: list[Cut], pieces: list[bytes], depth: int) -> int:
    """Cut the large leaves of the entity raw[start:end]; `pieces` gets everything up to
    the returned position (the rest is copied by the caller)."""
    blank = _BLANK.search(raw, start, end)
    if blank is None or depth > MAX_DEPTH:
        return start
    headers = message_from_bytes(raw[start:blank.end()], policy=compat32)
    body = blank.end()
    if headers.is_multipart() or headers.get_content_maintype() == "multipart":
        pieces.append(raw[start:body])
        return _walk_children(raw, body, end, headers, cuts, pieces, depth)
    if end - body <= CUT_FROM or not _is_file(headers):
        return start  # small, or text that is the message's body: the ordinary parser reads it
    marker = _MARKER % len(cuts)
    encoding = str(headers.get("Content-Transfer-Encoding") or "").strip().lower()
    pieces.append(raw[start:body])
    pieces.append(_encoded(marker, encoding))
    cuts.append(Cut(marker, body, end, encoding))
    return end


def _is_file(headers: Message) -> bool:
    """A leaf that becomes an attachment: named, marked as one, or not text at all (an
    attached message is left whole: its own attachments are the unpacker's)."""
    kind = headers.get_content_maintype()
    if kind == "message":
        return False
    named = headers.get_param("filename", header="content-disposition") or headers.get_param("name")
    return bool(named) or headers.get_content_disposition() == "attachment" or kind != "text"


def _walk_children(raw: bytes, body: int, end: int, headers: Message, cuts: list[Cut], pieces: list[bytes],
                   depth: int) -> int:
    boundary = headers.get_boundary()
    if not boundary:
        return body
    position = None  # where the part being walked starts
    copied = body
    for start, stop, closing in separator_lines(raw, boundary.encode("utf-8", "surrogateescape"), body, end):
        if position is not None:
            part_end = start - (2 if raw[start - 2:start] == b"\r\n" else 1)
            pieces.append(raw[copied:position])
            copied = _walk(raw, position, max(position, part_end), cuts, pieces, depth + 1)
        if closing:
            return copied
        position = stop + (2 if raw[stop:stop + 2] == b"\r\n" else 1)
    return copied


def separator_lines(raw: bytes, boundary: bytes, begin: int, end: int) -> Iterator[tuple[int, int, bool]]:
    """Each line of raw[begin:end] that is "--boundary", or "--boundary--" (closing), with
    spaces or tabs and a carriage return allowed after: (where it starts, where it stops
    before the line feed, whether it closes). What the pattern
    (?m)^--BOUNDARY(--)?[ \\t]*\\r?$ finds from begin to end, without compiling a pattern
    for every message's own boundary (0.12 ms each, a tenth of reading a small message)."""
    dashes = b"--" + boundary
    at = begin
    while (start := raw.find(dashes, at, end)) >= 0:
        after = start + len(dashes)
        stop = None
        if start == 0 or raw[start - 1] == 0x0A:  # at a line's start
            if raw.startswith(b"--", after, end):
                stop = _line_end(raw, after + 2, end)
            closing = stop is not None
            if stop is None:
                stop = _line_end(raw, after, end)
            if stop is not None:
                yield start, stop, closing
                at = stop
                continue
        at = start + 1


def _line_end(raw: bytes, at: int, end: int) -> int | None:
    """Past spaces, tabs and a carriage return from `at`, where the line ends (before its
    line feed, or at `end`); None when something else comes first."""
    while at < end and raw[at] in (0x20, 0x09):
        at += 1
    if at < end and raw[at] == 0x0D and (at + 1 == end or raw[at + 1] == 0x0A):
        at += 1
    return at if at == end or raw[at] == 0x0A else None


def _encoded(marker: bytes, encoding: str) -> bytes:
    """The marker as the part's transfer encoding would carry it, so it decodes to itself."""
    if encoding == "base64":
        return binascii.b2a_base64(marker, newline=False)
    return marker  # quoted-printable, 7bit, 8bit, binary: the marker is plain ASCII


def decode_cut(raw: bytes, cut: Cut) -> bytes:
    """The body of a cut leaf, decoded from the original bytes."""
    data = memoryview(raw)[cut.start:cut.end]
    if cut.encoding == "base64":
        return binascii.a2b_base64(data)
    if cut.encoding == "quoted-printable":
        return quopri.decodestring(bytes(data))
    return bytes(data)
