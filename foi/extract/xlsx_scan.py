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

# <c ...> and <x:c ...>, not <col>, <cfRule>, <c:chart>
CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell[\s/>]")
SHARED_STRINGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst[\s>]")
UNLIKE = re.compile(
    rb"\bt=\"(?:e|d)\""  # error cells (calamine: empty) and ISO date cells (it keeps some as text)
    rb"|<(?:[A-Za-z_][\w.-]*:)?v>\s*-?[0-9]{16,}\s*<"  # integers past 2**53 (calamine: a float)
    rb"|<(?:[A-Za-z_][\w.-]*:)?t>(?:\s|[^<]*\s<)"  # text runs edged with spaces, not marked preserve
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
        return not (SHARED_STRINGS.search(xml) and UNLIKE.search(xml))
    if UNLIKE.search(xml):
        return False
    if len(MERGE.findall(xml)) > max_merged:
        return False
    cells = len(CELL.findall(xml))
    refs = CELL_REF.findall(xml)
    if cells > max_cells or len(refs) != cells:  # a cell without its reference: where it lands is calamine's guess
        return False
    if not refs:
        return True
    columns = {column for column, _ in refs}  # a set first: few distinct values, no Python loop per cell
    last_row = max(int(row) for row in {row for _, row in refs})
    last_column = max(_column_number(column) for column in columns)
    return last_row * last_column <= max_cells


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
