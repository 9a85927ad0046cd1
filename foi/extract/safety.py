"""Refuse hostile zip-based office files (zip bombs, XML entity expansion)
before any parser sees them: councils' files are small, attackers' are not."""

from __future__ import annotations

import io
import re
import zipfile

MAX_ENTRIES = 5_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_RATIO = 150  # real office XML compresses ~10-30x; bombs 1000x+
RATIO_FLOOR = 2 * 1024 * 1024  # tiny entries may have any ratio
DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeFile(Exception):
    """The file looks built to exhaust memory or time; the note says why."""


def check_zip(data: bytes) -> None:
    """Raise UnsafeFile for a zip bomb or an XML part with a DTD/entity."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnsafeFile(f"not a readable zip: {error}") from error
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UnsafeFile(f"zip has {len(entries)} entries (limit {MAX_ENTRIES})")
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_TOTAL_BYTES:
        raise UnsafeFile(f"zip would unpack to {declared:,} bytes (limit {MAX_TOTAL_BYTES:,})")
    for entry in entries:
        _check_entry(archive, entry)


def _check_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    if entry.file_size > MAX_ENTRY_BYTES:
        raise UnsafeFile(f"{entry.filename} would unpack to {entry.file_size:,} bytes")
    ratio = entry.file_size / max(entry.compress_size, 1)
    if entry.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
        raise UnsafeFile(f"{entry.filename} compresses {ratio:.0f}:1 (a zip bomb?)")
    if not entry.filename.lower().endswith((".xml", ".rels", ".vml")):
        return
    # Headers can lie about sizes: read for real, with a cap, and look for a DTD.
    seen = 0
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(1 << 16):
            seen += len(chunk)
            if seen > MAX_ENTRY_BYTES:
                raise UnsafeFile(f"{entry.filename} unpacks past {MAX_ENTRY_BYTES:,} bytes")
            if DTD.search(tail + chunk):
                raise UnsafeFile(f"{entry.filename} declares a DTD or entities "
                                 "(XML entity expansion attack?)")
            tail = chunk[-16:]
