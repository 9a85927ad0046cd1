"""Refuse a hostile winmail.dat (TNEF) before tnefparse reads it.

tnefparse trusts the counts in the file: a property list that says it holds
four billion properties is walked four billion times, a multi-valued property
with a bogus count appends an object per declared value (gigabytes, then a
crash), and every attribute is cut from a fresh copy of the rest of the file
(a file of a million tiny attributes copies terabytes). Here the same layout is
walked over offsets only, and every count is checked against the bytes left:
a count that cannot fit is refused with a note, never allocated.
"""

from __future__ import annotations

import struct

ATTRIBUTE_OVERHEAD = 11  # level (1), id (4), length (4), checksum (2)
MAPI_BLOCKS = {0x9003, 0x9005}  # attMAPIProps, attAttachment: property lists
RECIPIENTS = 0x9004  # attRecipTable: rows of property lists
COPY_BUDGET = 2_000_000_000  # bytes tnefparse may copy cutting attributes from the rest of the file
FIXED = {0x0002: 2, 0x000B: 2, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8,
         0x0014: 8, 0x0040: 8, 0x0048: 16}
VARIABLE = {0x0000, 0x000D, 0x001E, 0x001F, 0x0102}
MULTI_VALUE = 0x1000
NAMED = 0x8000


class TnefRefused(ValueError):
    """The TNEF declares more than it holds; the message says what."""


def check_tnef(data: bytes) -> None:
    """Raise TnefRefused when a count in `data` could not fit in the bytes it has."""
    offset, count = 6, 0
    while offset + 12 < len(data):
        count += 1
        if count * len(data) > COPY_BUDGET:
            raise TnefRefused(f"winmail.dat has over {count:,} attributes in {len(data):,} bytes: not read")
        name = struct.unpack_from("<H", data, offset + 1)[0]
        length = struct.unpack_from("<I", data, offset + 5)[0]
        body = memoryview(data)[offset + 9:offset + 9 + length]
        if name in MAPI_BLOCKS:
            _properties(body, 0)
        elif name == RECIPIENTS:
            _recipients(body)
        offset += min(len(data) - offset, length + ATTRIBUTE_OVERHEAD)


def _recipients(body: memoryview) -> None:
    rows = _count(body, 0, 4, "recipient rows")
    at = 4
    for _ in range(rows):
        at = _properties(body, at)
        if at < 0:
            return


def _properties(body: memoryview, at: int) -> int:
    """Walk one property list from `at`; the offset after it, or -1 where
    tnefparse itself would stop (it stops at the first property it cannot read)."""
    try:
        number = _count(body, at, 4, "properties")
        at += 4
        for _ in range(number):
            at = _property(body, at)
            if at < 0 or at >= len(body):
                return -1
    except struct.error:
        return -1
    return at


def _property(body: memoryview, at: int) -> int:
    kind, name = struct.unpack_from("<HH", body, at)
    at += 4
    if name >= NAMED:
        at += 16
        if struct.unpack_from("<I", body, at)[0] == 0:
            at += 8
        else:
            size = struct.unpack_from("<I", body, at + 4)[0]
            at += 8 + size + (-size % 4)
    values = 1
    multi = bool(kind & MULTI_VALUE)
    if multi:
        kind ^= MULTI_VALUE
        values = max(_count(body, at, FIXED.get(kind, 4), "values of a property"), 1)
        at += 4
    for _ in range(values):
        at = _value(body, at, kind, multi)
        if at < 0:
            return -1
    if values % 2 and kind in (0x0002, 0x000B):
        at += 2
    return at


def _value(body: memoryview, at: int, kind: int, multi: bool) -> int:
    if kind in FIXED:
        return at + FIXED[kind]
    if kind not in VARIABLE:
        return -1  # tnefparse stops at an unknown type
    items = 1
    if not multi:
        items = _count(body, at, 4, "parts of a property")
        at += 4
    for _ in range(items):
        size = struct.unpack_from("<I", body, at)[0]
        at += 4 + size + (-size % 4)
        if at > len(body):
            return -1  # cut short: tnefparse keeps what there is and reads no further
    return at


def _count(body: memoryview, at: int, smallest: int, what: str) -> int:
    """A count read at `at`, refused when that many items of at least
    `smallest` bytes cannot fit in what is left."""
    number = struct.unpack_from("<I", body, at)[0]
    left = len(body) - at - 4
    if number * smallest > max(left, 0):
        raise TnefRefused(f"winmail.dat declares {number:,} {what} in {max(left, 0):,} bytes: not read "
                          "(a damaged or hostile file)")
    return number
