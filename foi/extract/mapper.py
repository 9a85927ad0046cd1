"""Finding the campaign's figures in tables and text.

A grid is read in either orientation: periods across a header row (questions
down the side) or periods down a column (questions across the top). Titles,
notes, the sheet name and captions are the table's context: a table with one
row or column of figures and no label of its own takes its question from there.
Totals rows are skipped, never taken for a period.
"""

from __future__ import annotations

import re

from foi.extract.found import Found
from foi.extract.periods import match_period, parse_period
from foi.extract.prose import map_lines
from foi.extract.questions import Match, QuestionMatcher
from foi.extract.tables import Table, split_blocks
from foi.extract.values import figure_kind, footnote_bounds, parse_value
from foi.language import confidence as sure

FOOTNOTE_START = set("*†‡[cxCX")
TOTAL = re.compile(r"^\s*(grand\s+)?(sub\s*-?\s*)?totals?\b", re.IGNORECASE)


def extract_values(tables: list[Table], matcher: QuestionMatcher, periods: list[str]) -> list[Found]:
    found: list[Found] = []
    for table in tables:
        if table.kind == "lines":
            found += map_lines(table, matcher, periods)
            continue
        for block in split_blocks(table):
            found += map_grid(block, matcher, periods)
    return apply_footnotes(found, tables)


def apply_footnotes(found: list[Found], tables: list[Table]) -> list[Found]:
    """A symbol ('*') the same file defines ("* fewer than 5") hides a number in
    those bounds. Only the first definition of a symbol counts."""
    notes: dict[str, tuple[float, float | None, str]] = {}
    for table in tables:
        for row in table.rows:
            for cell in row:
                if cell.lstrip()[:1] in FOOTNOTE_START:
                    defined = footnote_bounds(cell)
                    if defined and defined[0] not in notes:
                        notes[defined[0]] = (defined[1], defined[2], " ".join(cell.split())[:80])
    if not notes:
        return found
    for item in found:
        value = item.value
        symbol = value.raw.strip().lower()
        if value.status == "suppressed" and value.upper is None and symbol in notes:
            value.lower, value.upper, said = notes[symbol]
            item.note = "; ".join(n for n in (item.note, f"'{value.raw.strip()}' defined by the note '{said}'") if n)
    return found


def _period_cells(cells: list[str], periods: list[str]) -> dict[int, tuple[str, float, str | None]]:
    hits = {}
    for index, cell in enumerate(cells):
        period = parse_period(cell) if cell else None
        if period:
            label, confidence, note = match_period(period, periods)
            if label:
                hits[index] = (label, confidence, note)
    return hits


def map_grid(block: Table, matcher: QuestionMatcher, periods: list[str]) -> list[Found]:
    across = max(((r, _period_cells(block.rows[r], periods)) for r in range(min(6, len(block.rows)))),
                 key=lambda item: len(item[1]), default=(0, {}))
    columns = [[row[c] for row in block.rows] for c in range(min(4, block.width))]
    down = max(((c, _period_cells(col, periods)) for c, col in enumerate(columns)),
               key=lambda item: len(item[1]), default=(0, {}))
    if not across[1] and not down[1]:
        return []
    if len(across[1]) >= len(down[1]):
        return _read(block, matcher, across[0], across[1], transpose=False)
    return _read(block, matcher, down[0], down[1], transpose=True)


def _read(block: Table, matcher: QuestionMatcher, header: int,
          period_at: dict[int, tuple[str, float, str | None]], transpose: bool) -> list[Found]:
    """Read one orientation; with transpose the roles of rows and columns swap
    ("lines" are then columns). `header` is the row (or column) holding periods."""
    def cell(line: int, position: int) -> str:
        return block.rows[position][line] if transpose else block.rows[line][position]

    def locate(line: int, position: int) -> str:
        return block.locate(position, line) if transpose else block.locate(line, position)

    count, positions = (block.width, len(block.rows)) if transpose else (len(block.rows), block.width)
    first = min(period_at)
    # transposed, a column's label is the header text above the first period
    # row; otherwise a row's label is the stub left of the first period column
    stub = list(range(first)) if first > 0 else [p for p in range(positions) if p not in period_at]
    matches: list[tuple[int, Match]] = []
    candidates: list[int] = []
    for line in range(count):
        if line == header:
            continue
        if line < header and not transpose:
            continue
        label = " ".join(cell(line, p) for p in stub if cell(line, p))
        if TOTAL.match(label) or parse_period(label):
            continue
        if not any(cell(line, p).strip() for p in period_at):
            continue
        candidates.append(line)
        # the nearest header cell first: a merged title above it names every column
        nearest = cell(line, stub[-1]) if stub and transpose else ""
        match = matcher.match(nearest) if nearest else None
        match = match or matcher.match(label)
        if match:
            matches.append((line, match))
    if not matches:
        context = _context_match(block, matcher) or matcher.match(" ".join(block.context + [block.label]))
        if context and len(candidates) == 1:
            confidence = round(context.confidence * sure.FROM_CONTEXT, 2)
            matches = [(candidates[0], Match(context.question, confidence, "context"))]
    def label_of(line: int) -> str:
        return " ".join(cell(line, p) for p in range(min(first, 3)) if cell(line, p)) or block.label

    return [_found(match, cell(line, position), locate(line, position), period_at[position],
                   f"{label_of(line)} / {cell(header, position)} = {cell(line, position) or '(blank)'}")
            for line, match in matches for position in sorted(period_at)]


def _context_match(block: Table, matcher: QuestionMatcher) -> Match | None:
    for text in [block.label, *reversed(block.context)]:
        match = matcher.match(text)
        if match:
            return match
    return matcher.sole()


def _found(match: Match, raw: str, location: str, period: tuple[str, float, str | None],
           snippet: str) -> Found:
    label, period_confidence, note = period
    value = parse_value(raw, figure_kind(match.question))
    notes = "; ".join(n for n in (note, value.note, f"matched by {match.how}") if n)
    confidence = min(match.confidence, period_confidence, sure.CERTAIN if value.sure else sure.UNSURE)
    return Found(match.question.id, label, value, location, confidence, snippet[:160], notes)
