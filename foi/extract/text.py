"""Message bodies and other plain text or HTML: lines, plus HTML tables as grids."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from foi.extract.detect import split_lines, text_or_fail
from foi.extract.periods import parse_period
from foi.extract.tables import Table
from foi.extract.texttables import loose_grids, stacked_grids, text_grids
from foi.output import plural

# Where the council's own words end and our quoted request begins: figures in
# the quoted request (its periods) must not be read as answers.
QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|_{5,}\s*$|from:\s.+|on .{6,120} wrote:\s*$"
    r"|sent from my |-----\s*forwarded)",
    re.IGNORECASE,
)


def own_text(text: str) -> str:
    """The text before the first quoted-reply marker; quoted '>' lines blanked
    (kept as empty lines so line numbers still match the message)."""
    kept: list[str] = []
    for line in text.splitlines():
        if QUOTE_START.match(line) and any(k.strip() for k in kept):
            break
        kept.append("" if line.lstrip().startswith(">") else line)
    return "\n".join(kept)


MAX_LINES = 5_000  # a council's letter is a few hundred lines; the table readers cost per line
MAX_LINE = 20_000  # characters of one line (a paragraph with no line breaks)
MAX_CELLS = 250_000  # cells kept from all the tables of one HTML file
MAX_NESTING = 50  # tables inside tables: deeper ones are read as part of the one around them


def capped_lines(text: str) -> tuple[list[str], str | None]:
    """The first MAX_LINES lines of `text`, each cut at MAX_LINE characters, and a note
    saying what was left out. Split lazily: a 70 MB text never becomes a list of
    a million lines."""
    lines: list[str] = []
    cut = 0
    for line, was_cut in split_lines(text, MAX_LINE):
        if len(lines) == MAX_LINES:
            return lines, f"text over {MAX_LINES:,} lines: only the first {MAX_LINES:,} read"
        cut += was_cut
        lines.append(line)
    return lines, (f"{plural(cut, 'line')} over {MAX_LINE:,} characters cut short" if cut else None)


def read_text(data: bytes, label: str = "") -> list[Table]:
    lines, note = capped_lines(own_text(text_or_fail(data)))
    # each reader takes its lines; a line read as a row of a table is not
    # read by the next reader, nor again as a sentence
    grids = _with_periods(text_grids(lines, label))
    grids += _with_periods(loose_grids(lines, label, _taken(grids)))
    grids += _with_periods(stacked_grids(lines, label, _taken(grids)))
    taken = _taken(grids)
    return grids + [Table("lines", label, [["" if n in taken else line] for n, line in enumerate(lines, 1)],
                          note=note)]


def _with_periods(grids: list[Table]) -> list[Table]:
    """Only a grid with a period in it can be read as a table of figures by period (the
    mapper reads nothing else from a grid); the lines of any other are left to the
    prose reader ("From schools / 500 / Total / 730" under a question is a list)."""
    return [grid for grid in grids if any(parse_period(cell) for row in grid.rows for cell in row if cell)]


def _taken(grids: list[Table]) -> set[int]:
    """The line numbers the grids were read from."""
    return {n for grid in grids for n in (grid.row_ids if grid.kind == "textgrid"
                                          else [n for row in grid.cell_lines for n in row])}


class _HtmlReader(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # text is kept as lists of pieces, joined once at the end: adding to a
        # string for every piece of a long line or cell is quadratic
        self.lines: list[list[str]] = [[]]
        self.tables: list[list[list[str]]] = []
        self.stack: list[list[list[list[str]]]] = []
        self.skip = 0
        self.pending_span = 1  # colspan of the cell being read
        self.too_deep = 0  # tables open past MAX_NESTING, read as part of the one around them
        self.cells = 0
        self.note: str | None = None

    def _room(self) -> bool:
        """Another cell fits under MAX_CELLS (past it, text is still read as lines)."""
        if self.cells < MAX_CELLS:
            return True
        self.note = f"HTML tables over {MAX_CELLS:,} cells: the rest read as text only"
        return False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        if tag in self.BREAKS:
            self.lines.append([])
        if tag == "table" and len(self.stack) >= MAX_NESTING:
            self.too_deep += 1
        elif tag == "table":
            self.stack.append([])
        elif tag == "tr" and self.stack and self._room():
            self.stack[-1].append([])
        elif tag in ("td", "th") and self.stack and self._room():
            if not self.stack[-1]:
                self.stack[-1].append([])
            self.stack[-1][-1].append([])
            self.cells += 1
            span = dict(attrs).get("colspan") or "1"
            self.pending_span = int(span) if span.isdigit() else 1
        if tag in ("td", "th"):
            self.lines[-1].append("\t")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        if tag in ("td", "th") and self.stack and self.stack[-1] and self.stack[-1][-1]:
            row = self.stack[-1][-1]
            extra = min(self.pending_span, 50) - 1
            row.extend([list(row[-1]) for _ in range(extra)])
            self.cells += extra
        if tag == "table" and self.too_deep:
            self.too_deep -= 1
        elif tag == "table" and self.stack:
            self.tables.append([[" ".join(p for p in cell if p) for cell in row] for row in self.stack.pop()])
        if tag in self.BREAKS:
            self.lines.append([])

    def handle_data(self, data):
        if self.skip:
            return
        self.lines[-1].append(data.replace("\n", " "))
        if self.stack and self.stack[-1] and self.stack[-1][-1]:
            self.stack[-1][-1][-1].append(data.strip())


def read_html(data: bytes, label: str = "") -> list[Table]:
    reader = _HtmlReader()
    reader.feed(text_or_fail(data))
    reader.close()
    tables = [Table("grid", f"html table {n}", rows)
              for n, rows in enumerate(reader.tables, start=1) if rows]
    lines, note = capped_lines(own_text("\n".join(re.sub(r"[ \xa0]+", " ", "".join(line)).strip(" \t")
                                                   for line in reader.lines)))
    notes = "; ".join(n for n in (reader.note, note) if n) or None
    return tables + [Table("lines", label, [[line] for line in lines], note=notes)]
