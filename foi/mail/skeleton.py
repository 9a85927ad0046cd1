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
    separator = re.compile(rb"(?m)^--" + re.escape(boundary.encode("utf-8", "surrogateescape")) + rb"(--)?[ \t]*\r?$")
    position = None  # where the part being walked starts
    copied = body
    for match in separator.finditer(raw, body, end):
        if position is not None:
            part_end = match.start() - (2 if raw[match.start() - 2:match.start()] == b"\r\n" else 1)
            pieces.append(raw[copied:position])
            copied = _walk(raw, position, max(position, part_end), cuts, pieces, depth + 1)
        if match.group(1):  # the closing boundary
            return copied
        position = match.end() + (2 if raw[match.end():match.end() + 2] == b"\r\n" else 1)
    return copied


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
