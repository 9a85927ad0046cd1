"""CSV and its cousins: any delimiter, any of the encodings councils' systems write.

Rows are parsed one at a time from the decoded text and kept up to MAX_CELLS
(a reply's table is a few hundred cells; a 70 MB export of records is not an
answer a person reads): past that the rest is left unread with a note, so a
huge file costs a bounded time and memory instead of a table of millions of
cells. A line longer than MAX_LINE characters is cut (one 50 MB line of
delimiters would otherwise become millions of cells at once)."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator

from foi.extract.detect import DELIMITERS, delimiter_of, split_lines, text_or_fail
from foi.extract.tables import Table
from foi.output import plural

MAX_CELLS = 250_000
MAX_LINE = 65_536  # characters
HEAD = 1 << 20  # characters the delimiter is judged on


def read_csv(data: bytes) -> list[Table]:
    text = text_or_fail(data)
    head = "\n".join(line for line, _ in itertools.islice(split_lines(text[:HEAD], MAX_LINE), 50))
    sample = head
    # the rows' own count of delimiters first: the sniffer is misled by notes under the table
    delimiter = delimiter_of(head)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        except csv.Error:
            delimiter = max(DELIMITERS, key=sample.count)
    rows, note = _rows(text, delimiter)
    return [Table("grid", "csv", rows, note=note)]


def _rows(text: str, delimiter: str) -> tuple[list[list[str]], str | None]:
    """The rows, up to MAX_CELLS cells, and a note when some were left unread."""
    rows: list[list[str]] = []
    cells = 0
    cut = [0]
    for row in csv.reader(_lines(text, cut), delimiter=delimiter, quotechar='"'):
        cells += max(len(row), 1)
        if cells > MAX_CELLS:
            return rows, f"over {MAX_CELLS:,} cells: only the first {len(rows):,} rows read"
        rows.append([cell.strip() for cell in row])
    return rows, (f"{plural(cut[0], 'line')} over {MAX_LINE:,} characters cut short" if cut[0] else None)


def _lines(text: str, cut: list[int]) -> Iterator[str]:
    """The lines of `text`, counting in cut[0] those cut short."""
    for line, was_cut in split_lines(text, MAX_LINE):
        cut[0] += was_cut
        yield line
