"""Whether an xlsx workbook is one calamine reads as openpyxl does, told from its
XML before calamine sees it.

calamine (Rust) reads a sheet several times faster than openpyxl, but it lays a
sheet out as one dense block from its first to its last cell, and a cell at A1
and one at XFD1048576 ask for hundreds of GB: the process aborts, past any
`except`. A few cell kinds it also reads differently (error values come back
empty, integers past 2**53 as floats). A sheet's XML is scanned for those with
regular expressions (no XML parse): a workbook that has any goes to openpyxl,
which streams rows with its own caps and reads those cells as they are.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from itertools import islice

# Each pattern starts with a literal, which the regex engine scans for quickly
# (a 14 MB sheet of 400,000 cells is scanned in about 0.3 s); a prefixed tag
# (<x:c>) has a pattern of its own.
CELLS = (re.compile(rb"<c[\s/>]"), re.compile(rb":c[\s/>]"))  # not <col>, <cfRule>, <c:chart>
CELL_REFS = (re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"'),  # as every writer puts it: r first
             re.compile(rb':c r="([A-Z]{1,3})([0-9]{1,7})"'))
MERGES = (re.compile(rb"mergeCell[\s/>]"),)
SHARED_STRINGS = re.compile(rb"[<:]sst[\s>]")
UNLIKE = (
    re.compile(rb"t=[\"'][ed][\"']"),  # error cells (calamine: empty), ISO date cells (it keeps some as text)
    re.compile(rb"v>\s*-?[0-9]{16,}\s*<"),  # integers past 2**53 (calamine: a float)
    re.compile(rb"<t>(?:\s|[^<]*\s<)"),  # text runs edged with spaces, not marked preserve
    re.compile(rb":t>(?:\s|[^<]*\s<)"),
)


def calamine_reads_alike(data: bytes, max_cells: int, max_merged: int) -> bool:
    """True when every sheet of the workbook spans at most `max_cells` cells (first
    to last, as calamine lays it out) in at most `max_cells` cell elements, has at
    most `max_merged` merged ranges, and holds no cell calamine reads differently.
    False too for a damaged archive: openpyxl then says what is wrong with it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        for entry in archive.infolist():
            if entry.filename.endswith(".xml") and not _part_alike(archive.read(entry), max_cells, max_merged):
                return False
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        return False
    return True


def _part_alike(xml: bytes, max_cells: int, max_merged: int) -> bool:
    if b"sheetData" not in xml:  # not a sheet: only the shared strings' text matters
        return not (SHARED_STRINGS.search(xml) and _unlike(xml))
    if _unlike(xml) or _more_than(MERGES, xml, max_merged, b"mergeCell"):
        return False
    # counted before listed (a huge sheet is openpyxl's to stream); a cell without its
    # reference lands where calamine counts it to, which the references cannot bound
    if _more_than(CELLS, xml, max_cells, b"<c", b":c"):
        return False
    refs = [ref for pattern in CELL_REFS for ref in pattern.findall(xml)]
    if len(refs) != sum(len(pattern.findall(xml)) for pattern in CELLS):
        return False
    if not refs:
        return True
    rows, columns = {row for _, row in refs}, {column for column, _ in refs}  # each converted once below
    return max(map(int, rows)) * max(map(_column_number, columns)) <= max_cells


def _unlike(xml: bytes) -> bool:
    return any(pattern.search(xml) for pattern in UNLIKE)


def _more_than(patterns: tuple[re.Pattern[bytes], ...], xml: bytes, limit: int, *starts: bytes) -> bool:
    """More than `limit` matches? Counting the literals every match starts with
    (fast, in C) settles it for all but the sheets near the limit."""
    if sum(xml.count(start) for start in starts) <= limit:
        return False
    matches = (match for pattern in patterns for match in pattern.finditer(xml))
    return sum(1 for _ in islice(matches, limit + 1)) > limit


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
