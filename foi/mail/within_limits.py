"""A received message read within limits (foi.bounded): parsed, and each attachment
unpacked, in the worker process, so a crafted message or attachment costs at most
the limits and the rest of the message, and every other message, is still read.

What cannot be read within the limits is kept whole (the raw message is stored by
store.py before anything here runs) and said in words: the message's parse_error,
or the note of the attachment that was not opened.
"""

from __future__ import annotations

import time

from foi import bounded
from foi.mail import sniff
from foi.mail.filenames import sanitise_filename
from foi.mail.parse import MAX_PARSE_BYTES, ParsedMessage, Part, parse_headers, parse_message
from foi.mail.unpack import Limits, Unpacked, unpack_part


def parse_within_limits(raw: bytes) -> ParsedMessage:
    """parse_message run in the worker; past a limit, the headers alone (read the same
    way), with parse_error saying what happened."""
    if len(raw) > MAX_PARSE_BYTES:
        return parse_message(raw)
    try:
        return bounded.call(parse_message, raw)
    except bounded.ReadFailure as failure:
        try:
            parsed = bounded.call(parse_headers, raw) or ParsedMessage()
        except bounded.ReadFailure:
            parsed = ParsedMessage()
        parsed.parse_error = (f"the message could not be read within foi's limits ({failure}): "
                              "only its headers were read; the whole message is kept, open it by hand")
        return parsed


def unpack_within_limits(parts: list[Part], limits: Limits | None = None) -> list[Unpacked]:
    """Each attachment unpacked in the worker, sharing one budget; one that goes past a
    limit is kept as it arrived, not opened, with a note saying why."""
    limits = limits or Limits()
    left, tree = limits.max_total_bytes, []
    seconds = bounded.current_limits().message_seconds
    deadline = time.monotonic() + seconds  # each part is bounded; so are thousands of parts together
    for position, part in enumerate(parts, 1):
        if time.monotonic() > deadline:
            tree.append(_unopened(part, position, f"the message's files took over {seconds:g} s in all"))
            continue
        try:
            unpacked, left = bounded.call(unpack_part, part, position, left, limits)
        except bounded.ReadFailure as failure:
            unpacked = _unopened(part, position, str(failure))
        tree.append(unpacked)
    return tree


def _unopened(part: Part, position: int, reason: str) -> Unpacked:
    try:
        detected = bounded.call(sniff.detect_type, part.data, part.declared_type, part.filename)
    except bounded.ReadFailure:
        detected = sniff.BINARY
    note = f"unreadable within foi's limits ({reason}): not opened, kept as it arrived"
    return Unpacked(sanitise_filename(part.filename, f"part-{position}{sniff.EXTENSIONS.get(detected, '.bin')}"),
                    part.filename, part.declared_type, detected, part.data,
                    f"{part.note}; {note}" if part.note else note)
