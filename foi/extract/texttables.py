"""Tables typed or flattened into plain text: `|`-separated (with or without edge
bars), tab-separated (an HTML or Word table as a mail program writes it), and
columns aligned with spaces, with or without blank lines between the rows.

Columns of a space-aligned table come from the alignment of all its lines, not
from single spaces: a header label may hold single spaces ("Number of
children"), a column is a stretch of positions every line leaves blank with a
gap of two or more spaces. A block that does not line up, or whose cells read
like sentences, is left to the prose reader: a wrong grid would store wrong
figures, an unread block only sends its values to review.

Tables written one cell per line (a table copied out of a web page or a
document: with or without blank lines, or a bar closing each cell) are read
from the order of their cells: a header of labels or periods, then rows of a
label and as many figures; a table of one row only when periods label it.

Each grid is a Table of kind 'textgrid' whose row ids are the lines' numbers,
so every value is located as "<label> line N col C" (one cell per line:
'stacked', "<label> line N").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from foi.extract.periods import parse_period
from foi.extract.tables import Table
from foi.extract.values import parse_value

MAX_BLANKS = 2        # blank lines allowed between two rows of one table
PROSE_WORDS = 9       # a cell with more words than this is a sentence, not a cell
LABEL_WORDS = 45      # ... but a row label may be a whole question
SENTENCES = re.compile(r"[a-z][.!?]\s+[A-Z]")
RULE = re.compile(r"^[\s|:+=\-–—_]*$")   # |---|---| or +----+ lines between rows
GAP = re.compile(r"\S\s{2,}\S")
STACKED_CELL = 150    # characters: a longer line is text, not one cell of a table
STACKED_WIDTH = 12    # cells in a header row written one cell per line, at most
ANSWER_WORDS = 4      # "Information not held", "fewer than 5": a cell of figures is short
ROW_NUMBER = 50       # rows numbered 1, 2, 3 ... (a larger "label" is a figure)
YEAR = re.compile(r"^\d{4}$")
TITLE_WORDS = 20      # a longer line above a table is a paragraph, not its title ...
NUMBERED_HEADING = re.compile(r"^\s*(?:q(?:uestion)?\s*\.?\s*)?\d{1,2}[a-z]?\s*[).:]\s+[A-Za-z]", re.IGNORECASE)
BAR_CELL = re.compile(r"^\s*\|?\s*([^|]*?)\s*\|\s*$")  # one cell and its bar: "76 |", "|"


def text_grids(lines: list[str], label: str) -> list[Table]:
    """Every table found in `lines` (the body's own text, one string a line)."""
    grids: list[Table] = []
    for shape in ("pipe", "tab", "spaced"):
        for block in _blocks(lines, shape):
            grid = _grid(block, lines, shape)
            if grid is not None:
                grids.append(_table(grid, block, lines, label))
    return grids


def _shape(line: str) -> str | None:
    text = line.strip()
    if not text:
        return None
    if "|" in text and not RULE.match(text):
        return "pipe"
    if "\t" in text:
        return "tab"
    if GAP.search(line.expandtabs()):
        return "spaced"
    return None


def _blocks(lines: list[str], shape: str) -> list[list[int]]:
    """Runs of lines of one shape; a few blank lines (and, in a `|` table, rule
    lines) may sit between rows."""
    blocks: list[list[int]] = []
    run: list[int] = []
    blanks = 0
    for index, line in enumerate(lines):
        if not line.strip() or (shape == "pipe" and run and RULE.match(line)):
            blanks += not line.strip()
            if blanks > MAX_BLANKS and run:
                blocks.append(run)
                run, blanks = [], 0
            continue
        if _shape(line) == shape:
            run.append(index)
            blanks = 0
            continue
        if run:
            blocks.append(run)
        run, blanks = [], 0
    if run:
        blocks.append(run)
    return [block for block in blocks if len(block) >= 2]


def _grid(block: list[int], lines: list[str], shape: str) -> list[list[str]] | None:
    rows: list[list[str]] | None
    if shape == "pipe":
        rows = _pipe_rows([lines[i] for i in block])
    elif shape == "tab":
        rows = [[cell.strip() for cell in lines[i].strip("\n").split("\t")] for i in block]
    else:
        rows = _aligned_rows([lines[i].expandtabs().rstrip() for i in block])
    if rows is None or not _tabular(rows, shape):
        return None
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return _corner_restored(rows)


def _corner_restored(rows: list[list[str]]) -> list[list[str]]:
    """A header row that ends blank lost its corner cell when the table was
    flattened, its cells belong one column to the right: when it starts with
    a period above rows labelled by words, or starts with words above rows
    labelled by periods that all fill the column the header leaves blank."""
    head = rows[0]
    if len(head) <= 2 or not head[0] or head[-1]:
        return rows
    dated = [row for row in rows[1:] if parse_period(row[0])]
    if (parse_period(head[0]) and not dated) or (
            not parse_period(head[0]) and len(dated) >= 2 and all(row[-1] for row in dated)):
        rows[0] = ["", *head[:-1]]
    return rows


def _pipe_rows(texts: list[str]) -> list[list[str]]:
    """Cells between bars. When most lines open and close with a bar, those
    edge bars enclose the row; otherwise an opening bar leaves the first cell
    blank (a table whose corner is empty)."""
    stripped = [t.strip() for t in texts]
    edged = sum(t.startswith("|") and t.endswith("|") for t in stripped) * 2 > len(stripped)
    closed = sum(t.endswith("|") for t in stripped) * 2 > len(stripped)
    rows = []
    for text in stripped:
        cells = [cell.strip() for cell in text.split("|")]
        if edged and text.startswith("|"):
            cells = cells[1:]
        if closed and text.endswith("|"):
            cells = cells[:-1]
        rows.append(cells)
    return rows


def _aligned_rows(texts: list[str]) -> list[list[str]] | None:
    """Cut every line at the column boundaries the lines share; if they share
    none that hold, lines with the same number of cells (two or more spaces
    apart) still make a table when only the header row lacks its corner."""
    cuts = _boundaries(texts)
    if cuts:
        rows = [[text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, None])] for text in texts]
        if not any("  " in cell for row in rows for cell in row):
            return _drop_empty_columns(rows)
    counted = [re.split(r"\s{2,}", text.strip()) for text in texts]
    widths = [len(row) for row in counted]
    body = widths[1:]
    if len(set(body)) == 1 and widths[0] in (body[0], body[0] - 1):
        if widths[0] == body[0] - 1:
            counted[0] = ["", *counted[0]]
        return counted
    return None


def _boundaries(texts: list[str]) -> list[int]:
    """Start positions of every column after the first: a gap blank in every
    line, two or more spaces wide in each line that has text on both sides."""
    width = max(len(t) for t in texts)
    blank = [all(p >= len(t) or t[p] == " " for t in texts) for p in range(width)]
    start = min(len(t) - len(t.lstrip()) for t in texts)
    cuts: list[int] = []
    p = start
    while p < width:
        if not blank[p]:
            p += 1
            continue
        end = p
        while end < width and blank[end]:
            end += 1
        if end < width and all(_gap_holds(t, p, end) for t in texts):
            cuts.append(end)
        p = end
    return cuts


def _gap_holds(text: str, begin: int, end: int) -> bool:
    """The blank stretch [begin, end) of one line is a column gap: the line has
    no text on one side of it, or its run of spaces there is two or more wide."""
    left = text[:begin].rstrip()
    right = text[end:].lstrip()
    if not left.strip() or not right:
        return True
    return len(text) - len(left) - len(right) >= 2


def _drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    keep = [c for c in range(len(rows[0])) if any(row[c] for row in rows)]
    return [[row[c] for c in keep] for row in rows]


def _tabular(rows: list[list[str]], shape: str) -> bool:
    """Two or more columns, two or more rows holding a figure (or a withheld
    one) after their first cell (or one such row under a header, either of
    them labelled by periods), and no cell that reads like a sentence. A
    label may be a whole question, but not two sentences; between spaces only
    the row labels and the header row may be long."""
    if max(len(row) for row in rows) < 2:
        return False
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            words = len(cell.split())
            labelled = shape != "spaced" or r == 0 or c == 0
            if words > (LABEL_WORDS if labelled else PROSE_WORDS) or (words > PROSE_WORDS and SENTENCES.search(cell)):
                return False
    valued = [row for row in rows if any(answer_cell(c) for c in row[1:])]
    if len(valued) == 1 and len(rows) == 2 and valued[0] is rows[1]:
        # one row of figures: a table when the row or its header is labelled by periods
        return bool(parse_period(rows[1][0])) or sum(bool(parse_period(c)) for c in rows[0]) >= 2
    return len(valued) >= 2


def _table(grid: list[list[str]], block: list[int], lines: list[str], label: str) -> Table:
    """A grid located by line; a short heading just above it is its title
    (context), which names the question of a table with no row label."""
    return Table("textgrid", label, grid, row_ids=[i + 1 for i in block], context=_heading(lines, block[0]))


def _heading(lines: list[str], first: int) -> list[str]:
    """The title of a table starting at line `first` (0-based), if it has one."""
    above = [i for i in range(max(0, first - 3), first) if lines[i].strip()]
    return [lines[above[-1]].strip()] if above and _title(lines, above[-1]) else []


def _title(lines: list[str], index: int) -> bool:
    """A short line standing alone (blank or nothing above it): a heading, not
    the last line of a paragraph or of a list of questions echoed back. A
    heading that opens with a question's number ("3. Income from ...") may be
    as long as a question: it is the question the table below answers."""
    text = lines[index]
    limit = LABEL_WORDS if NUMBERED_HEADING.match(text) else TITLE_WORDS
    return (len(text.split()) <= limit and _shape(text) is None and not text.rstrip().endswith(".")
            and (index == 0 or not lines[index - 1].strip()))


def answer_cell(text: str) -> bool:
    """What a cell of figures holds: a figure, a withheld one, or a not held
    or refused mark, in a few words (a sentence saying so is prose); not a
    period ("2019/20"), which is a heading. A sum of money is a figure too."""
    if not text.strip() or len(text.split()) > ANSWER_WORDS or parse_period(text):
        return False
    return any(parse_value(text, kind).status != "needs_review" for kind in ("count", "money"))


def stacked_grids(lines: list[str], label: str, taken: Collection[int] = ()) -> list[Table]:
    """Tables written one cell per line, row after row (how some mail programs
    turn a table into plain text; blank lines between cells are skipped): a
    header row of words, then rows of a label and figures. Each cell is
    located by its own line. Lines `taken` (1-based) by another table end a run."""
    grids: list[Table] = []
    run: list[int] = []
    for index, line in enumerate(lines):
        text = " ".join(line.split())
        if not text:
            continue
        if (index + 1 not in taken and len(text) <= STACKED_CELL
                and (_shape(line) in (None, "spaced") or BAR_CELL.match(line))
                and not (len(text.split()) > PROSE_WORDS and SENTENCES.search(text))):
            run.append(index)
            continue
        grids += _stacked(run, lines, label)
        run = []
    return grids + _stacked(run, lines, label)


def _stacked(run: list[int], lines: list[str], label: str) -> list[Table]:
    cells = [_stacked_cell(lines[i]) for i in run]
    # a bar alone marks a cell left blank: it holds the place of a figure
    answers = [answer_cell(cell) or lines[i].strip() == "|" for cell, i in zip(cells, run)]
    tables, at = [], 0
    while at < len(cells):
        found = _stacked_at(cells, answers, at)
        if found is None:
            at += 1
            continue
        header, width, starts = found
        corner = [run[at]] if header < width else []  # a blank corner the text leaves out
        rows = [[""] * (width - header) + cells[at:at + header]]
        where = [corner + run[at:at + header]]
        rows += [cells[i:i + width] for i in starts]
        where += [run[i:i + width] for i in starts]
        tables.append(Table("stacked", label, rows, row_ids=[w[-1] + 1 for w in where],
                            context=_heading(lines, run[at]), cell_lines=[[i + 1 for i in w] for w in where]))
        at = starts[-1] + width
    return tables


def _stacked_cell(line: str) -> str:
    """The text of a cell on its own line, without the bar a copied web table
    leaves after each cell ("2017/18 |")."""
    bar = BAR_CELL.match(line)
    return " ".join((bar.group(1) if bar else line).split())


def _stacked_at(cells: list[str], answers: Sequence[bool], at: int) -> tuple[int, int, list[int]] | None:
    """(header cells, width, row starts) of a table whose header row starts at
    `at`: header cells hold no figure; each row is a label and figures. The
    header may lack its corner cell (one fewer cell than the rows)."""
    words = 0
    while at + words < len(cells) and not answers[at + words] and words < STACKED_WIDTH:
        words += 1
    if not words:
        return _numbered_header(cells, answers, at)
    if words > 1 and _prose_cell(cells[at]):
        return None  # a sentence (or a greeting) before a header that lost its corner
    # "Year" over rows labelled by period, then question numbers "1", "2" (a question is no corner)
    if words == 1 and not _prose_cell(cells[at]) and not cells[at].endswith("?"):
        numbered = _numbered_header(cells, answers, at + 1)
        if numbered and numbered[1] == numbered[0] + 1:
            return numbered[0] + 1, numbered[1], numbered[2]
    single = None  # a table of one row, taken only when no header makes two or more
    for header in range(1, words + 1):
        figures = _years_as_figures(cells, answers, cells[at:at + header + 1])
        for width in (header, header + 1):
            starts = _stacked_rows(cells, figures, at + header, width)
            if _rows_hold(cells, starts, cells[at:at + header]):
                if len(starts) > 1:
                    return header, width, starts
                single = single or (header, width, starts)
    return single


def _prose_cell(text: str) -> bool:
    """A line of a letter rather than a header cell: words ending as a sentence or a
    greeting does ("Dear Requester,", "Our response is as follows."), or a long lead-in
    ending in a colon."""
    words = len(text.split())
    return (words > 1 and text.endswith((".", ",", ";", "!"))) or (words > 3 and text.endswith(":"))


# A row labelled by a question ("Q1", "Question 2"): its cells are that question's figures.
QUESTION_LABEL = re.compile(r"^(?:q|question)\s*\.?\s*\d{1,2}[a-z]?[.:)]?$", re.IGNORECASE)


def _years_as_figures(cells: list[str], answers: Sequence[bool], labels: list[str]) -> Sequence[bool]:
    """In a table whose header or first row label is a period that is not a
    bare year ("2019/20", "April 2019 - March 2020"), or whose rows are
    labelled by question ("Q1"), a cell "2006" is a figure, not a year."""
    by_question = bool(labels) and QUESTION_LABEL.match(labels[-1]) is not None  # the first row's label
    if not by_question and not any(parse_period(text) and not YEAR.match(text) for text in labels):
        return answers
    return _YearsAsFigures(cells, answers)


class _YearsAsFigures(Sequence[bool]):
    """`answers` with a cell reading as a year counted as a figure, worked out
    only for the cells looked at: a list made afresh for every candidate header
    made reading a long run of cells quadratic (a few thousand nested HTML
    tables took minutes)."""

    def __init__(self, cells: list[str], answers: Sequence[bool]) -> None:
        self.cells, self.answers = cells, answers

    def __len__(self) -> int:
        return len(self.answers)

    def __getitem__(self, index):  # only ints are asked for
        return self.answers[index] or bool(YEAR.match(self.cells[index]))


def _numbered_header(cells: list[str], answers: Sequence[bool], at: int) -> tuple[int, int, list[int]] | None:
    """A header of question numbers ("2", "3") that lost its corner, above rows
    labelled by period: its cells read as figures, so only the periods below
    tell it from a row."""
    numbers: list[int] = []
    while at + len(numbers) < len(cells) and len(numbers) < STACKED_WIDTH:
        text = cells[at + len(numbers)].rstrip(".)")
        if not text.isdigit() or not int(text) <= ROW_NUMBER or (numbers and int(text) <= numbers[-1]):
            break
        numbers.append(int(text))
    if not numbers or at + len(numbers) >= len(cells):
        return None
    # rows labelled "Year ending March 2020": a cell "1979" under them is a figure
    answers = _years_as_figures(cells, answers, [cells[at + len(numbers)]])
    starts = _stacked_rows(cells, answers, at + len(numbers), len(numbers) + 1)
    if starts and parse_period(cells[starts[0]]) and _rows_hold(cells, starts, []):
        return len(numbers), len(numbers) + 1, starts
    return None


def _rows_hold(cells: list[str], starts: list[int], head: list[str]) -> bool:
    """Two or more rows, or one row under a header of short labels, the row
    or the header labelled by periods. Rows labelled by periods start with one: a row labelled by
    words above them is a line of text taken for a row (the header shifted)."""
    if not starts:
        return False
    periods = [bool(parse_period(cells[s])) for s in starts]
    if any(periods) and not periods[0]:
        return False
    if len(starts) >= 2:
        return True
    short = all(len(h.split()) <= PROSE_WORDS and not SENTENCES.search(h) for h in head)
    return short and (periods[0] or sum(bool(parse_period(h)) for h in head) >= 2)


def _holds_figures(cells: list[str], answers: Sequence[bool], row: int, width: int) -> bool:
    """The cells after a row's label are figures; in a row labelled by a period ("2022")
    a cell that reads as a year ("2154") is a figure too."""
    by_period = parse_period(cells[row]) is not None
    return all(answers[i] or (by_period and bool(YEAR.match(cells[i]))) for i in range(row + 1, row + width))


def _stacked_rows(cells: list[str], answers: Sequence[bool], row: int, width: int) -> list[int]:
    starts: list[int] = []
    number = 0
    while row + width <= len(cells) and width >= 2 and _holds_figures(cells, answers, row, width):
        if answers[row]:  # rows numbered 1, 2, 3: a figure out of step means a shifted row
            label = cells[row].rstrip(".)")
            if not label.isdigit() or not number < int(label) <= ROW_NUMBER:
                break
            number = int(label)
        starts.append(row)
        row += width
    if row < len(cells) and TOKEN_FIGURE.match(cells[row]):
        return []  # figures left over: the rows are out of step (a blank cell lost), not a table
    return starts


# ---- rows whose cells are single spaces apart ---------------------------------------------

TOKEN_FIGURE = re.compile(r"^(?:[<>]\s?)?[£$]?\d[\d,]*(?:\.\d+)?%?$|^[*x]$")
LOOSE_LABEL = 10      # words: a longer row label is a sentence ending in figures
STOPPED_LABEL = 3     # words: a label this short may end in a full stop


def loose_grids(lines: list[str], label: str, taken: Collection[int] = ()) -> list[Table]:
    """Tables whose cells are one space apart (a table pasted as plain text):
    rows of a label and the same number (two or more) of figures, under a
    header of periods ("2019/20 2020/21"), or rows labelled by period under a
    header whose labels start with capitals ("Relief duty Main duty"). When the
    header cannot be split into as many labels as there are figures, its cells
    stay blank: the figures are then matched to no question (nothing is
    stored) rather than guessed, and the lines are not read as sentences."""
    grids: list[Table] = []
    run: list[tuple[int, str, list[str]]] = []
    blanks = 0
    wrapped = -1
    for index, line in enumerate([*lines, "."]):
        if index == wrapped:
            continue  # the figures of a row whose label wrapped, read with it
        row = None if index + 1 in taken else _loose_row(line)
        at = index  # the line a row is located on
        if row is None and run and index + 1 not in taken:
            row = _wrapped_row(lines, index, len(run[-1][2]), taken)
            if row:
                wrapped = at = index + 1
        if row and (not run or len(row[1]) == len(run[-1][2])):
            run.append((at, *row))
            blanks = 0
            continue
        if not line.strip() and run and blanks < MAX_BLANKS:
            blanks += 1
            continue
        grid = _loose_grid(run, lines, label)
        grids += [grid] if grid else []
        run = [(at, *row)] if row else []
        blanks = 0
    return grids


def _loose_row(line: str) -> tuple[str, list[str]] | None:
    """(label, figures) of a line ending in two or more figures."""
    words, figures = _split_figures(line)
    if words and figures and not parse_period(" ".join(words)) and parse_period(" ".join(words + figures[:1])):
        words.append(figures.pop(0))  # "Year ending March 2022 12 15": the year is the label's
    text = _loose_label(words)
    if len(figures) < 2 or not text:
        return None
    return text, figures


def _split_figures(line: str) -> tuple[list[str], list[str]]:
    """The words of a line and the figures it ends with."""
    words = line.split()
    figures: list[str] = []
    while words and TOKEN_FIGURE.match(words[-1]):
        figures.insert(0, words.pop())
    return words, figures


def _loose_label(words: list[str]) -> str:
    """The label of a loose row, or "" when the words read as a sentence. A
    full stop ends a sentence, but a label of a few words may carry one
    ("Direct placements.")."""
    text = " ".join(words)
    if not text or len(words) > LOOSE_LABEL or SENTENCES.search(text):
        return ""
    if text.endswith(".") and (len(words) > STOPPED_LABEL or not text[:1].isupper()):
        return ""
    return text


def _wrapped_row(lines: list[str], index: int, width: int, taken: Collection[int]) -> tuple[str, list[str]] | None:
    """A row whose label stands alone on its line and whose figures (as many as
    the rows above hold) fill the next line: the label wrapped. The row is
    located on its figures' line."""
    following = index + 1
    if following >= len(lines) or following + 1 in taken or _loose_row(lines[index]):
        return None
    label, stray = _split_figures(lines[index])
    words, figures = _split_figures(lines[following])
    text = _loose_label(label)
    if stray or words or len(figures) != width or not text or parse_period(text):
        return None
    return text, figures


def _loose_grid(run: list[tuple[int, str, list[str]]], lines: list[str], label: str) -> Table | None:
    if len(run) < 2:
        return None
    width = len(run[0][2])
    by_period = all(parse_period(text) for _, text, _ in run)
    above = [i for i in range(max(0, run[0][0] - 3), run[0][0]) if lines[i].strip()]
    head = _loose_header(lines[above[-1]], width, by_period) if above else None
    if head is None and not by_period:
        return None  # figures under no header of periods: a list for the prose reader
    ids = ([above[-1] + 1] if head else []) + [i + 1 for i, _, _ in run]
    rows = ([head] if head else [[""] * (width + 1)]) + [[text, *figures] for _, text, figures in run]
    if not head:
        ids = [max(1, run[0][0])] + ids  # a blank header row, placed on the line above the rows
    return Table("textgrid", label, rows, row_ids=ids, context=_heading(lines, above[-1] if head else run[0][0]))


def _loose_header(text: str, width: int, by_period: bool) -> list[str] | None:
    """The header row above loose rows: periods one space apart, or (for rows
    labelled by period) labels each starting with a capital letter."""
    words = text.split()
    if not by_period:
        # periods one space apart, perhaps after the words naming the column of labels
        periods = words[len(words) - width:] if len(words) >= width else []
        corner = words[:len(words) - width]
        if not periods or not all(parse_period(w) for w in periods) or any(parse_period(w) for w in corner):
            return None
        return [" ".join(corner), *periods] if len(corner) <= LOOSE_LABEL else None
    if any(TOKEN_FIGURE.match(w) for w in words[-1:]) or SENTENCES.search(text):
        return None
    starts = [n for n, w in enumerate(words) if w[:1].isupper()]
    if not starts or starts[0] != 0 or len(starts) not in (width, width + 1):
        return [""] * (width + 1)
    labels = [" ".join(words[a:b]) for a, b in zip(starts, [*starts[1:], len(words)])]
    return labels if len(labels) == width + 1 else ["", *labels]
