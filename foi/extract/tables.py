"""The one shape every reader returns: a grid of cell text with exact locations."""

from __future__ import annotations

from dataclasses import dataclass, field

from foi.extract.periods import parse_period


@dataclass
class Table:
    """A grid of cell text.

    `kind` decides how a location is written: 'sheet' -> "Sheet1!B3";
    'grid' -> "<label> row R col C" (pdf, docx, csv, html tables);
    'lines' -> "<label> line N" (one cell per row: body, paragraphs, page text);
    'textgrid' -> "<label> line N col C" (tab-separated lines of text);
    'stacked' -> "<label> line N" (a table written one cell per line: each
    cell's own line, from `cell_lines`).
    `row_ids`/`col_ids` are the 1-based positions in the original, kept when a
    sheet is split into several tables. `note` says what a capped reader left out.
    """

    kind: str
    label: str
    rows: list[list[str]]
    row_ids: list[int] = field(default_factory=list)
    col_ids: list[int] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    cell_lines: list[list[int]] = field(default_factory=list)
    # what the reader left out and why ("only the first 12,000 rows read"): a
    # capped table is still read, and a person is told it is not all there
    note: str | None = None

    def __post_init__(self) -> None:
        width = max((len(row) for row in self.rows), default=0)
        self.rows = [list(row) + [""] * (width - len(row)) for row in self.rows]
        if not self.row_ids:
            self.row_ids = list(range(1, len(self.rows) + 1))
        if not self.col_ids:
            self.col_ids = list(range(1, width + 1))

    @property
    def width(self) -> int:
        return len(self.col_ids)

    def locate(self, r: int, c: int = 0) -> str:
        row, col = self.row_ids[r], self.col_ids[c]
        if self.kind == "sheet":
            return f"{self.label}!{column_letter(col)}{row}"
        if self.kind == "lines":
            return f"{self.label} line {row}".strip()
        if self.kind == "stacked":
            return f"{self.label} line {self.cell_lines[r][c]}".strip()
        if self.kind == "textgrid":  # cells of a tab-separated line of text
            return f"{self.label} line {row} col {col}".strip()
        return f"{self.label} row {row} col {col}".strip()

    def to_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "rows": self.rows,
                "row_ids": self.row_ids, "col_ids": self.col_ids, "context": self.context,
                "cell_lines": self.cell_lines, **({"note": self.note} if self.note else {})}

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(**data)


def column_letter(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def lines_table(label: str, text: str) -> Table:
    """Plain text as a one-column table, one row per line (blank lines kept so
    line numbers match what a person sees)."""
    lines = text.splitlines()
    return Table("lines", label, [[line] for line in lines])


def split_blocks(table: Table) -> list[Table]:
    """Split a sheet into its separate tables on blank rows and then blank
    columns; one-column blocks (titles, notes) become context of the block below."""
    blocks: list[Table] = []
    pending: list[str] = []
    for rows in _runs([any(cell.strip() for cell in row) for row in table.rows]):
        for cols in _runs([any(table.rows[r][c].strip() for r in rows)
                           for c in range(table.width)]):
            block = Table(table.kind, table.label,
                          [[table.rows[r][c] for c in cols] for r in rows],
                          [table.row_ids[r] for r in rows], [table.col_ids[c] for c in cols],
                          list(table.context),
                          [[table.cell_lines[r][c] for c in cols] for r in rows] if table.cell_lines else [])
            if block.width == 1:
                pending.extend(row[0].strip() for row in block.rows if row[0].strip())
                continue
            block.context += pending
            pending = []
            blocks.append(_lift_titles(block))
    return blocks


def _runs(flags: list[bool]) -> list[list[int]]:
    runs: list[list[int]] = []
    current: list[int] = []
    for index, flag in enumerate(flags):
        if flag:
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _lift_titles(block: Table) -> Table:
    """Leading rows with text in the first cell only are titles: move them to
    context (but not a lone period, which is a header)."""
    while (len(block.rows) > 1 and block.rows[0][0].strip() and not any(c.strip() for c in block.rows[0][1:])
           and not parse_period(block.rows[0][0])):
        block.context.append(block.rows[0][0].strip())
        block.rows.pop(0)
        block.row_ids.pop(0)
        if block.cell_lines:
            block.cell_lines.pop(0)
    return block
