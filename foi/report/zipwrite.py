"""A zip file written front to back, each member once, from members made ready elsewhere.

Python's zipfile writes a member's header, its data, then seeks back to write the header
again with the checksum and sizes, and seeks forward: three seeks a member, each flushing
the file (the seeks alone were 0.49 s of a profile of the 12,947 members of the
correspondence zip at ten times the model campaign). It also checksums and deflates in the
thread that writes. Here a member is made ready first (make_member: deflated, and
checksummed as its bytes are at hand, or stored; zlib lets go of the interpreter as it
works, so another thread can do it), and ZipWriter writes its header and data once,
checksumming a stored member as it writes it: the work is shared between the thread that
reads and deflates and the one that writes. A stored member whose checksum is known already
can be given as an open file instead of its bytes (copied_member): the kernel copies it into
the zip (os.sendfile), and Python never reads it.

The format is PKWARE's APPNOTE: local header and data for each member, then the central
directory and the end record; zip64 fields where a size, an offset or the number of members
does not fit the original ones (a campaign's zip passes 4 GB or 65,535 members long before
one of its files passes 4 GB).
"""

from __future__ import annotations

import errno
import io
import os
import struct
import time
import zlib
from dataclasses import dataclass
from typing import IO

from foi.errors import FoiError

STORED, DEFLATED = 0, 8
FULL_32, FULL_16 = 0xFFFFFFFF, 0xFFFF  # a field holding this says: the value is in a zip64 field
LIMIT_32, LIMIT_16 = FULL_32, FULL_16  # a size or offset, or a number of members, from which zip64 is used
UTF8_NAME = 0x800      # flag: the name is UTF-8 (set for a name that is not ASCII)
UNIX = 3               # "version made by": the external attributes are a Unix mode

COPY_CHUNK = 1 << 20  # bytes read at a time where Python copies a file into the zip
# What sendfile(2) says where it cannot copy to the output (Python then copies)
KERNEL_COPY_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSOCK, errno.EOPNOTSUPP, errno.EXDEV, errno.ESPIPE}

LOCAL = struct.Struct("<IHHHHHIIIHH")
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
END = struct.Struct("<IHHHHIIH")
END_64 = struct.Struct("<IQHHIIQQQQ")
LOCATOR_64 = struct.Struct("<IIQI")


@dataclass(frozen=True, slots=True)
class Member:
    """A file of the zip, ready to write: its data as it will be in the zip."""

    name: str
    data: bytes         # deflated or as it is
    method: int         # STORED or DEFLATED
    crc: int | None     # of the file's own bytes; None: worked out as the member is written
    size: int           # the file's own size
    mtime: float        # seconds since the epoch, shown in local time as zip tools do
    mode: int = 0o100644
    source: int | None = None  # an open file whose first `size` bytes are the data (then empty): copied


def copied_member(name: str, source: int, *, size: int, crc: int, mtime: float, mode: int = 0o100644) -> Member:
    """A stored member whose bytes are the first `size` bytes of the open file `source`
    (a file descriptor, which the caller closes once the member is added) and whose
    CRC-32 is `crc`: copied into the zip as it is written, without being read here."""
    return Member(name, b"", STORED, crc, size, mtime, mode, source)


def make_member(name: str, data: bytes, *, deflate: bool, mtime: float, mode: int = 0o100644) -> Member:
    """The member for `data`, deflated at level 1 (the fastest) or stored (checksummed
    when it is written)."""
    if deflate:
        # raw deflate (wbits -15), as zip holds it; in one call, the same bytes as a compressobj's
        # compress and flush (its making was half the time of deflating the 6,149 messages,
        # 7 MB, of the 10x correspondence zip: 0.16 s in one call against 0.32-0.39 s)
        return Member(name, zlib.compress(data, 1, -15), DEFLATED, zlib.crc32(data), len(data), mtime, mode)
    return Member(name, data, STORED, None, len(data), mtime, mode)


def _dos_time(mtime: float) -> tuple[int, int]:
    """(time, date) as a zip records them: local time in two-second steps, 1980 to 2107."""
    t = time.localtime(mtime)
    if not 1980 <= t.tm_year <= 2107:
        return 0, (max(min(t.tm_year, 2107), 1980) - 1980) << 9 | (1 << 5) | 1  # 1 January
    day = ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday
    return (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2), day


class ZipWriter:
    """Writes members to `out` (from its start, which must be where the zip begins) and,
    on close, the central directory. Nothing is read back and nothing is sought."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._offset = 0
        self._central: list[bytes] = []
        self._kernel_copies = True  # until the system or `out` shows it cannot (then Python copies)

    def add(self, member: Member) -> int:
        """Write the member; returns its CRC-32 (worked out here for a stored member given without it)."""
        name = member.name.encode("utf-8")
        flags = 0 if member.name.isascii() else UTF8_NAME
        clock, day = _dos_time(member.mtime)
        packed = member.size if member.source is not None else len(member.data)
        crc = zlib.crc32(member.data) if member.crc is None else member.crc
        big = max(member.size, packed) >= LIMIT_32
        extra = struct.pack("<HHQQ", 1, 16, member.size, packed) if big else b""
        shown = (FULL_32, FULL_32) if big else (packed, member.size)
        header = LOCAL.pack(0x04034B50, 45 if big else 20, flags, member.method, clock, day, crc,
                            *shown, len(name), len(extra))
        self._central.append(self._central_header(member, name, flags, (clock, day, crc), packed))
        self._out.write(header + name + extra)
        if member.source is None:
            self._out.write(member.data)
        else:
            self._copy(member.source, member.size, member.name)
        self._offset += len(header) + len(name) + len(extra) + packed
        return crc

    def _copy(self, source: int, size: int, name: str) -> None:
        """The first `size` bytes of the file `source` written to `out`: by the kernel
        (sendfile, file to file, on Linux) where it can, else read and written here."""
        done = 0
        target = self._file()
        if target is not None:
            self._out.flush()  # sendfile writes at the file's own position: what was buffered goes first
            try:
                while done < size and (sent := os.sendfile(target, source, done, size - done)):
                    done += sent
            except OSError as error:
                # a system that copies this way only to sockets (macOS), or an output it cannot
                # copy to: Python copies, from then on; failing part way is a real error
                if done or error.errno not in KERNEL_COPY_UNSUPPORTED:
                    raise
                self._kernel_copies = False
            else:
                if done < size:
                    raise FoiError(f"{name} was {size:,} bytes and is now {done:,}: it changed while it was zipped")
                return
        while done < size:
            chunk = os.pread(source, min(size - done, COPY_CHUNK), done)
            if not chunk:
                raise FoiError(f"{name} was {size:,} bytes and is now {done:,}: it changed while it was zipped")
            self._out.write(chunk)
            done += len(chunk)

    def _file(self) -> int | None:
        """The file under `out` for the kernel to copy into; None where Python copies."""
        if self._kernel_copies:
            try:
                return self._out.fileno()
            except (io.UnsupportedOperation, AttributeError):  # no file under `out` (a buffer in memory)
                self._kernel_copies = False
        return None

    def _central_header(self, member: Member, name: bytes, flags: int, stamp: tuple[int, int, int],
                        packed: int) -> bytes:
        """The member's entry in the central directory; its local header starts at the current offset."""
        fields = [member.size, packed, self._offset]
        # zip64 gives, in this order, only the values that do not fit: size, packed size, offset
        wide = [value for value in fields if value >= LIMIT_32]
        extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        fields = [FULL_32 if value >= LIMIT_32 else value for value in fields]
        version = 45 if wide else 20
        return CENTRAL.pack(0x02014B50, (UNIX << 8) | version, version, flags, member.method, *stamp,
                            fields[1], fields[0], len(name), len(extra), 0, 0, 0,
                            (member.mode & 0xFFFF) << 16, fields[2]) + name + extra

    def close(self) -> None:
        """The central directory and the end record(s); the zip is then complete."""
        directory = b"".join(self._central)
        start, count = self._offset, len(self._central)
        self._out.write(directory)
        end = start + len(directory)
        if count >= LIMIT_16 or start >= LIMIT_32 or len(directory) >= LIMIT_32:
            self._out.write(END_64.pack(0x06064B50, END_64.size - 12, (UNIX << 8) | 45, 45, 0, 0, count, count,
                                        len(directory), start))
            self._out.write(LOCATOR_64.pack(0x07064B50, 0, end, 1))
            self._out.write(END.pack(0x06054B50, 0, 0, FULL_16, FULL_16, FULL_32, FULL_32, 0))
        else:
            self._out.write(END.pack(0x06054B50, 0, 0, count, count, len(directory), start, 0))
        self._central = []
