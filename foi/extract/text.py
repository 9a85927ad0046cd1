"""Message bodies and other plain text or HTML: lines, plus HTML tables as grids."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from foi.extract.detect import text_or_fail
from foi.extract.periods import parse_period
from foi.extract.tables import Table, lines_table
from foi.extract.values import SYMBOLS, suppressed_bounds

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


def read_text(data: bytes, label: str = "") -> list[Table]:
    lines = own_text(text_or_fail(data)).splitlines()
    return (tabbed_grids(lines, label) + stacked_grids(lines, label)
            + [Table("lines", label, [[line] for line in lines])])


def tabbed_grids(lines: list[str], label: str) -> list[Table]:
    """Runs of two or more lines whose cells are separated by tabs (an HTML or
    Word table as the mail side or Outlook's plain-text part writes it), or by
    runs of spaces with the same number of cells on each line and figures in
    them (a table typed in a plain-text email)."""
    grids: list[Table] = []
    run: list[tuple[int, list[str]]] = []
    for index, line in enumerate([*lines, ""]):
        cells = _cells(line)
        if cells and (not run or "\t" in line or len(cells) == len(run[-1][1])):
            run.append((index, cells))
            continue
        if len(run) >= 2 and any(sum(bool(FIGURE_CELL.match(c)) for c in cells) >= 2 for _, cells in run):
            grids.append(Table("textgrid", label, [c for _, c in run], row_ids=[i + 1 for i, _ in run]))
        run = [(index, cells)] if cells else []
    return grids


STACKED_CELL = 40   # characters: longer lines are text, not one cell of a table
STACKED_WIDTH = range(2, 9)


def stacked_grids(lines: list[str], label: str) -> list[Table]:
    """Tables written one cell per line, row after row (how some mail programs
    turn a table into plain text): a header row of words, then rows of a label
    or period followed by figures. The width is the narrowest that reads so.
    Each cell's location is its own line."""
    grids: list[Table] = []
    run: list[int] = []
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if len(text) <= STACKED_CELL and _cells(line) is None:
            run.append(index)
            continue
        grids += _stacked(run, lines, label)
        run = []
    return grids + _stacked(run, lines, label)


def _stacked(run: list[int], lines: list[str], label: str) -> list[Table]:
    cells = [lines[i].strip() for i in run]
    kinds = [_value_cell(cell) for cell in cells]
    tables, at = [], 0
    while at < len(cells):
        found = None
        for width in STACKED_WIDTH:
            if any(kinds[at:at + width]) or at + width > len(cells):
                continue  # a header row holds no figure
            rows = at + width
            while rows + width <= len(cells) and not kinds[rows] and all(kinds[rows + 1:rows + width]):
                rows += width
            if (rows - at) // width >= 3:  # the header and two rows at least
                found = width, rows
                break
        if not found:
            at += 1
            continue
        width, end = found
        starts = range(at, end, width)
        tables.append(Table("stacked", label, [cells[i:i + width] for i in starts],
                            row_ids=[run[i] + 1 for i in starts],
                            cell_lines=[[run[i + c] + 1 for c in range(width)] for i in starts]))
        at = end
    return tables


def _value_cell(text: str) -> bool:
    """A figure or a way of withholding one, but not a period ("2019/20")."""
    lowered = text.lower()
    if lowered in SYMBOLS or suppressed_bounds(lowered):
        return True
    return bool(FIGURE_CELL.match(text)) and parse_period(text) is None


FIGURE_CELL = re.compile(r"^[<*]?\s*[\d][\d,./\-–]*[*%]?$")
SPACED = re.compile(r"\S(?: ?\S)*")  # cells: text with single spaces inside, two or more between


def _cells(line: str) -> list[str] | None:
    if "\t" in line.strip(" ") and line.strip():
        return [cell.strip() for cell in line.split("\t")]
    cells = SPACED.findall(line)
    return cells if len(cells) >= 3 and re.search(r"\S\s{2,}\S", line) else None


class _HtmlReader(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.tables: list[list[list[str]]] = []
        self.stack: list[list[list[str]]] = []
        self.skip = 0
        self.pending_span = 1  # colspan of the cell being read

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        if tag in self.BREAKS:
            self.lines.append("")
        if tag == "table":
            self.stack.append([])
        elif tag == "tr" and self.stack:
            self.stack[-1].append([])
        elif tag in ("td", "th") and self.stack:
            if not self.stack[-1]:
                self.stack[-1].append([])
            self.stack[-1][-1].append("")
            span = dict(attrs).get("colspan") or "1"
            self.pending_span = int(span) if span.isdigit() else 1
        if tag in ("td", "th"):
            self.lines[-1] += "\t"

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        if tag in ("td", "th") and self.stack and self.stack[-1] and self.stack[-1][-1]:
            row = self.stack[-1][-1]
            row.extend([row[-1]] * (min(self.pending_span, 50) - 1))
        if tag == "table" and self.stack:
            self.tables.append(self.stack.pop())
        if tag in self.BREAKS:
            self.lines.append("")

    def handle_data(self, data):
        if self.skip:
            return
        self.lines[-1] += data.replace("\n", " ")
        if self.stack and self.stack[-1] and self.stack[-1][-1]:
            row = self.stack[-1][-1]
            row[-1] = (row[-1] + " " + data.strip()).strip()


def read_html(data: bytes, label: str = "") -> list[Table]:
    reader = _HtmlReader()
    reader.feed(text_or_fail(data))
    reader.close()
    tables = [Table("grid", f"html table {n}", rows)
              for n, rows in enumerate(reader.tables, start=1) if rows]
    lines = [re.sub(r"[ \xa0]+", " ", line).strip(" \t") for line in reader.lines]
    return tables + [lines_table(label, own_text("\n".join(lines)))]
