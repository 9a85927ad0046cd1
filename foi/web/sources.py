"""A value's source, shown beside it on the review desk: the table a reader made of the
file with the cell read (or every candidate cell) highlighted, or the message's text with
the sentence read highlighted; a plain sentence when the source cannot be shown.

Where a value was read is its `source_location`, written by foi.extract.tables.Table.locate:
  "Sheet1!B4"                    a spreadsheet cell (xlsx, xls, ods)
  "csv row 3 col 2"              a CSV cell
  "table 1 row 2 col 3"          a Word table's cell (docx)
  "page 2 table 1 row 3 col 2"   a PDF table's cell
  "html table 1 row 2 col 2"     an HTML file's table cell
  "body line 12 col 2"           a cell of a table typed into text (tab or space separated)
  "body line 12", "page 2 line 7", "paragraph line 4", "line 9"
                                 a line of text (the email body, a PDF page, a Word
                                 document's paragraphs, a text or HTML file), or one cell
                                 of a table written one cell per line
  "entered by hand"              a value a person recorded: no source
A file is shown as its reader saw it: the reading foi.extract cached for this extractor
version (JSON, nothing parsed here), or else the stored file read again by the same
readers within foi.bounded's limits (a council's file is never parsed in this process).
Everything a council wrote is escaped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from hashlib import sha256 as sha256_of
from pathlib import Path

from markupsafe import Markup
from sqlite_utils import Database

from foi.blobs import blob_path
from foi.extract import EXTRACTOR_VERSION
from foi.extract.read import Reading, read_file
from foi.extract.review import explain_note
from foi.extract.run import read_body, read_within_limits
from foi.extract.settle import readings_in
from foi.extract.tables import Table, column_letter, split_blocks
from foi.extract.text import capped_lines

BODY = "message body"  # the source_file of a value read from the email's own text (foi.extract.run)
BY_HAND = "entered by hand"  # the source_location of a value a person recorded (foi.extract.store)
ROWS_AROUND = 10  # a larger table is cut to this many rows either side of the cell
COLUMNS_AROUND = 6
LINES_AROUND = 6
LONGEST_CELL = 300  # characters of a cell shown
SNIPPET = 160  # the characters of a sentence a value's note keeps ("seen: ...", foi.extract.prose)
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")

# The classes a fragment uses, for the page's own <style> (nothing is loaded from elsewhere).
SOURCE_STYLE = """
.source-fragment .source-table { border-collapse: collapse; font-size: 0.9em; }
.source-fragment .source-table th, .source-fragment .source-table td { border: 1px solid #ccc; padding: 2px 6px; }
.source-fragment .source-table th { background: #f3f3f3; color: #555; font-weight: normal; }
.source-fragment .source-cell { background: #ffe066; outline: 2px solid #b58900; font-weight: bold; }
.source-fragment .candidate-cell { background: #ffd6a5; outline: 2px dashed #c0392b; font-weight: bold; }
.source-fragment .row-header, .source-fragment .column-header { background: #e8f0fe; font-weight: bold; }
.source-fragment .gap { color: #999; text-align: center; }
.source-fragment .source-text { font-family: monospace; white-space: pre-wrap; }
.source-fragment .line-number { color: #999; display: inline-block; min-width: 3em; text-align: right; }
.source-fragment .source-sentence { background: #ffe066; }
.source-fragment .candidate-sentence { background: #ffd6a5; outline: 1px dashed #c0392b; }
.source-fragment .source-cut, .source-fragment .source-context { color: #555; font-style: italic; }
.source-fragment .source-missing { color: #8a1f11; }
"""

SHEET_CELL = re.compile(r"^(?P<label>.*)!(?P<column>[A-Z]{1,3})(?P<row>\d+)$")
GRID_CELL = re.compile(r"^(?:(?P<label>.*?) )?row (?P<row>\d+) col (?P<column>\d+)$")
LINE_CELL = re.compile(r"^(?:(?P<label>.*?) )?line (?P<row>\d+) col (?P<column>\d+)$")
LINE = re.compile(r"^(?:(?P<label>.*?) )?line (?P<row>\d+)$")


@dataclass(frozen=True)
class _Source:
    """One file of a reply (or the reply's own text, file BODY)."""

    message: int | None
    file: str | None
    sha256: str | None


@dataclass
class _Mark:
    location: str
    kind: str  # "source" (the one place read) or "candidate" (one of several readings)
    text: str | None = None  # the sentence seen there, or the candidate's raw text


@dataclass
class _Shown:
    """The marks that fall in one table of a source, by (row index, column index)."""

    table: Table
    cells: dict[tuple[int, int], _Mark] = field(default_factory=dict)


def source_fragment(db: Database, blob_dir: Path, value: dict) -> Markup:
    """HTML (escaped, self-contained) of where `value` was read: a row of answer_values or
    a value of foi.extract.review.review_campaign. The candidate cells when its note lists
    several readings, else the one cell or sentence; a sentence saying why when the source
    cannot be shown."""
    return Markup('<div class="source-fragment">{}</div>').format(_fragment(db, blob_dir, value))


def _fragment(db: Database, blob_dir: Path, value: dict) -> Markup:
    source = _source_of(db, value)
    location = _first(value, "source_location", "location")
    if location == BY_HAND:
        return _sentence("This value was entered by hand, so there is no reply to show it in.")
    if not location or (source.file is None and source.sha256 is None):
        return _sentence("foi did not record where this value was read, so its source cannot be shown.")
    readings = readings_in(value.get("note"))
    if len(readings) > 1:
        files = _attachments(db, source.message)
        wanted: dict[_Source, list[_Mark]] = {}
        for reading in readings:
            where, place = _candidate_source(source, files, reading["where"])
            wanted.setdefault(where, []).append(_Mark(place, "candidate", reading["raw"]))
    else:
        _, sentence = explain_note(value.get("note"), "")
        wanted = {source: [_Mark(location, "source", sentence)]}
    return Markup("").join(_render_source(db, blob_dir, where, places) for where, places in wanted.items())


def _first(value: dict, *keys: str):
    return next((value[k] for k in keys if value.get(k) is not None), None)


def _source_of(db: Database, value: dict) -> _Source:
    message = _first(value, "source_message", "message")
    file = _first(value, "source_file", "file")
    sha = value.get("source_sha256")  # a review value has none: found by its file name below
    if sha is None and file not in (None, BODY) and message is not None:
        row = db.execute("SELECT sha256 FROM attachments WHERE message = ? AND COALESCE(filename, original_filename) "
                         "= ? AND sha256 IS NOT NULL ORDER BY id LIMIT 1", [message, file]).fetchone()
        sha = row[0] if row else None
    return _Source(message, file, sha)


def _attachments(db: Database, message: int | None) -> list[tuple[str, str]]:
    """(name, sha256) of each stored attachment of the message; an unnamed one by its sha256's start."""
    return [(name or sha[:12], sha) for name, sha in db.execute(
        "SELECT COALESCE(filename, original_filename), sha256 FROM attachments WHERE message = ? "
        "AND sha256 IS NOT NULL", [message])]


def _candidate_source(value_source: _Source, files: list[tuple[str, str]], where: str) -> tuple[_Source, str]:
    """The file and location of a candidate reading's "FILE LOCATION" (settle.Seen.where):
    the file is the reply's own text or one of its attachments (`files`), the longest name that fits."""
    if where.startswith(BODY + " "):
        return _Source(value_source.message, BODY, None), where[len(BODY) + 1:]
    fit = max((f for f in files if where.startswith(f[0] + " ")), key=lambda f: len(f[0]), default=None)
    if fit:
        return _Source(value_source.message, *fit), where[len(fit[0]) + 1:]
    return value_source, where


# ---- reading the source again, as foi.extract did

def _render_source(db: Database, blob_dir: Path, source: _Source, marks: list[_Mark]) -> Markup:
    name = "the email's text" if source.file == BODY else source.file or "the file"
    body = _body_text(db, source.message) if source.file == BODY else None
    tables, why = _tables_of(db, blob_dir, source, body)
    if tables is None:
        return _sentence(why or f"{name} cannot be shown.")
    shown: dict[int, _Shown] = {}
    lost: list[str] = []
    for mark in marks:
        found = _find_cell(tables, mark.location)
        if found is None:
            lost.append(mark.location)
            continue
        table, row, column = found
        shown.setdefault(id(table), _Shown(table)).cells[(row, column)] = mark
    missing = [_sentence(f"{where} is not in {name} as foi reads it now, so it cannot be shown.") for where in lost]
    if not shown:
        return Markup("").join(missing)
    parts = [Markup('<p class="source-name">{}</p>').format(name)]
    for item in shown.values():
        if item.table.kind == "lines":
            # the email's every line, numbered as its reader numbered them (the quoted request too)
            parts.append(_render_text(item, capped_lines(body)[0] if body is not None else None))
        else:
            parts.append(_render_table(item))
    parts += missing
    return Markup('<div class="source">{}</div>').format(Markup("").join(parts))


def _body_text(db: Database, message: int | None) -> str | None:
    row = db.execute("SELECT body_text FROM messages WHERE id = ?", [message]).fetchone()
    return row[0] if row else None


def _tables_of(db: Database, blob_dir: Path, source: _Source,
               body: str | None) -> tuple[list[Table] | None, str | None]:
    """The tables the reader made of the source (`body`: the email's text, when the source
    is the email), or None and why they cannot be had."""
    if source.file == BODY:
        if body is None or not body.strip():
            return None, "The message this value was read from is no longer in the campaign, so it cannot be shown."
        digest = sha256_of(body.encode("utf-8")).hexdigest()
        return _reading(db, digest, lambda: read_within_limits(read_body, body), "the email's text")
    if source.sha256 is None:  # the message holds no attachment of that name (any more)
        return None, (f"The file {source.file or '(unnamed)'} is not among the attachments of the message this "
                      "value was read from, so it cannot be shown.")
    path = blob_path(blob_dir, source.sha256)
    if not path.exists():
        return None, (f"The file {source.file or source.sha256[:12]} is no longer in the blobs folder beside the "
                      f"database (blobs/{path.parent.name}/{path.name[:12]}…), so it cannot be shown. Restore the "
                      "blobs folder from a backup to see it.")
    return _reading(db, source.sha256, lambda: read_within_limits(read_file, str(path.resolve())),
                    f"The file {source.file}")


def _reading(db: Database, sha256: str, read_again, name: str) -> tuple[list[Table] | None, str | None]:
    row = db.execute("SELECT status, tables_json FROM extractions WHERE source_sha256 = ? AND extractor_version = ?",
                     [sha256, EXTRACTOR_VERSION]).fetchone()
    if row and row[0] == "ok":
        return [Table.from_dict(t) for t in json.loads(row[1] or "[]")], None
    reading: Reading = Reading(row[0], "cached", None) if row else read_again()
    if reading.status != "ok":
        return None, f"{name} could not be read again, so it cannot be shown: {reading.note or reading.status}."
    return reading.tables, None


def _find_cell(tables: list[Table], location: str) -> tuple[Table, int, int] | None:
    """The table, row index and column index `location` names (see the module docstring)."""
    for pattern, kinds in ((SHEET_CELL, ("sheet",)), (LINE_CELL, ("textgrid",)), (GRID_CELL, ("grid",))):
        match = pattern.match(location)
        if match:
            column = match["column"]
            number = _column_number(column) if pattern is SHEET_CELL else int(column)
            return _cell_at(tables, kinds, match["label"] or "", int(match["row"]), number)
    match = LINE.match(location)
    if match is None:
        return None
    label, line = match["label"] or "", int(match["row"])
    for table in tables:  # a table written one cell per line: the cell on that line
        if table.kind == "stacked" and table.label == label:
            for r, row in enumerate(table.cell_lines):
                if line in row:
                    return table, r, row.index(line)
    return _cell_at(tables, ("lines",), label, line, 1)


def _cell_at(tables: list[Table], kinds: tuple[str, ...], label: str, row: int, column: int):
    for table in tables:
        if table.kind in kinds and table.label == label and row in table.row_ids and column in table.col_ids:
            return table, table.row_ids.index(row), table.col_ids.index(column)
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# ---- the table, cut to a window around its marked cells

def _render_table(shown: _Shown) -> Markup:
    table = shown.table
    heads = _headers(table, list(shown.cells))
    rows = _window([r for r, _ in shown.cells], len(table.rows), ROWS_AROUND, {r for (r, _), _ in heads.items()})
    columns = _window([c for _, c in shown.cells], table.width, COLUMNS_AROUND, {c for (_, c), _ in heads.items()})
    name = column_letter if table.kind == "sheet" else str
    head = Markup("").join(Markup("<th>{}</th>").format(name(table.col_ids[c])) if c is not None
                           else Markup('<th class="gap">…</th>') for c in columns)
    body = [Markup('<tr><th scope="col"></th>{}</tr>').format(head)]
    for r in rows:
        if r is None:
            body.append(Markup('<tr class="gap"><th>…</th><td colspan="{}"></td></tr>').format(len(columns)))
            continue
        cells = Markup("").join(_cell(table, r, c, shown.cells, heads) for c in columns)
        body.append(Markup("<tr><th>{}</th>{}</tr>").format(_row_name(table, r), cells))
    parts = [Markup('<p class="source-context">{}</p>').format(line) for line in table.context[-3:]]
    parts.append(Markup('<p class="source-where">{}</p>').format(_where(shown)))
    cut = _cut_note(table, rows, columns)
    if cut:
        parts.append(Markup('<p class="source-cut">{}</p>').format(cut))
    if table.note:
        parts.append(Markup('<p class="source-cut">Read in part: {}.</p>').format(table.note))
    parts.append(Markup('<table class="source-table">{}</table>').format(Markup("").join(body)))
    return Markup("").join(parts)


def _row_name(table: Table, r: int) -> str:
    """The row's number in the file; the lines of its cells for a table written one cell per line."""
    if table.kind == "stacked" and table.cell_lines:
        first, last = min(table.cell_lines[r]), max(table.cell_lines[r])
        return f"lines {first}-{last}" if first != last else f"line {first}"
    return str(table.row_ids[r])


def _cell(table: Table, r: int, c: int | None, marks: dict[tuple[int, int], _Mark],
          heads: dict[tuple[int, int], str]) -> Markup:
    if c is None:
        return Markup('<td class="gap">…</td>')
    text = table.rows[r][c]
    text = text if len(text) <= LONGEST_CELL else text[:LONGEST_CELL] + "…"
    mark = marks.get((r, c))
    kind = f"{mark.kind}-cell" if mark else heads.get((r, c), "")
    return Markup('<td class="{}">{}</td>').format(kind, text) if kind else Markup("<td>{}</td>").format(text)


def _headers(table: Table, cells: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The row and column headers of each marked cell: the first column of its row and the
    first row of its column, in the block of the table it is in (foi.extract.tables.split_blocks,
    as the mapper split it, titles lifted)."""
    rows = {n: i for i, n in enumerate(table.row_ids)}
    columns = {n: i for i, n in enumerate(table.col_ids)}
    blocks = split_blocks(table) if table.kind != "lines" else []
    heads: dict[tuple[int, int], str] = {}
    for r, c in cells:
        block = next((b for b in blocks if table.row_ids[r] in b.row_ids and table.col_ids[c] in b.col_ids), None)
        top, left = (rows[block.row_ids[0]], columns[block.col_ids[0]]) if block else (0, 0)
        if c != left:
            heads[(r, left)] = "row-header"
        if r != top:
            heads[(top, c)] = "column-header"
    return {key: kind for key, kind in heads.items() if key not in cells}


def _window(marked: list[int], size: int, around: int, keep: set[int]) -> list[int | None]:
    """The indexes within `around` of a marked one, and those in `keep` (headers); None where
    indexes are left out between them."""
    wanted = sorted({i for m in marked for i in range(max(0, m - around), min(size, m + around + 1))} | keep)
    shown: list[int | None] = []
    for index in wanted:
        if shown and shown[-1] is not None and index > shown[-1] + 1:
            shown.append(None)
        shown.append(index)
    return shown


def _cut_note(table: Table, rows: list[int | None], columns: list[int | None]) -> str | None:
    shown_rows = sum(1 for r in rows if r is not None)
    shown_columns = sum(1 for c in columns if c is not None)
    if shown_rows == len(table.rows) and shown_columns == table.width:
        return None
    return (f"A large table: {shown_rows:,} of its {len(table.rows):,} rows and {shown_columns:,} of its "
            f"{table.width:,} columns are shown, around the cell read.")


def _where(shown: _Shown) -> str:
    marks = list(shown.cells.values())
    if marks[0].kind == "candidate":
        return "Read differently, highlighted: " + ", ".join(m.location for m in marks) + "."
    return f"The cell read is highlighted: {marks[0].location}."


# ---- text, with the sentence read highlighted

def _render_text(shown: _Shown, body: list[str] | None) -> Markup:
    table = shown.table
    lines = body if body is not None else [row[0] for row in table.rows]
    numbers = list(range(1, len(lines) + 1)) if body is not None else table.row_ids
    at = {numbers.index(table.row_ids[r]): mark for (r, _), mark in shown.cells.items()
          if table.row_ids[r] in numbers}
    window = [i for i in _window(list(at), len(lines), LINES_AROUND, set()) if i is not None]
    spans = {i: _span(lines, window, i, mark) for i, mark in at.items()}
    out = []
    previous = None
    for i in window:
        if previous is not None and i > previous + 1:
            out.append(Markup('<div class="source-line gap">…</div>'))
        previous = i
        highlighted = Markup("").join(_marked_part(lines[i], i, spans, at))
        out.append(Markup('<div class="source-line"><span class="line-number">{}</span> {}</div>')
                   .format(numbers[i], highlighted))
    if len(window) < len(lines):
        out.insert(0, Markup('<p class="source-cut">A long text: lines {} to {} of its {:,} are shown, around the '
                             'text read.</p>').format(numbers[window[0]], numbers[window[-1]], len(lines)))
    marks = list(at.values())
    where = ", ".join(mark.location for mark in marks)
    said = "Read differently, highlighted" if marks and marks[0].kind == "candidate" else "The text read is highlighted"
    return Markup('<p class="source-where">{}: {}.</p><div class="source-text">{}</div>'
                  ).format(said, where, Markup("").join(out))


def _span(lines: list[str], window: list[int], index: int, mark: _Mark) -> tuple[int, int, int, int]:
    """(first line, its start, last line, its end) of the sentence (or the raw text) on and
    after line `index`; the whole line when it is not found there."""
    following = [i for i in window if i >= index][:LINES_AROUND]
    joined, starts = "", []
    for i in following:
        starts.append(len(joined))
        joined += lines[i] + "\n"
    words = (mark.text or "").split()
    if words:
        found = re.search(r"\s+".join(re.escape(w) for w in words), joined)
        if found and (len(starts) == 1 or found.start() < starts[1]):
            end = found.end()
            if len(mark.text or "") >= SNIPPET:  # the note keeps the sentence's start: mark it to its end
                stop = SENTENCE_END.search(joined, end)
                end = stop.end() if stop else end
            first = max(k for k, s in enumerate(starts) if s <= found.start())
            last = max(k for k, s in enumerate(starts) if s < end)
            return (following[first], found.start() - starts[first], following[last], end - starts[last])
    return index, 0, index, len(lines[index])


def _marked_part(line: str, i: int, spans: dict, at: dict) -> list[Markup]:
    """The line's text, the part inside a highlighted span wrapped in <mark>."""
    for key, (first, start, last, end) in spans.items():
        if first <= i <= last:
            begin = start if i == first else 0
            stop = end if i == last else len(line)
            kind = "source-sentence" if at[key].kind == "source" else "candidate-sentence"
            return [Markup("{}").format(line[:begin]),
                    Markup('<mark class="{}">{}</mark>').format(kind, line[begin:stop]),
                    Markup("{}").format(line[stop:])]
    return [Markup("{}").format(line)]


def _sentence(text: str) -> Markup:
    return Markup('<p class="source-missing">{}</p>').format(text)
