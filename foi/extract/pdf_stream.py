"""Tables laid out without ruling lines ("stream" tables): rows are lines of
words sharing a baseline, columns are where the words of the densest rows line
up, and every other phrase goes to the column it overlaps most.

Input is pdfplumber's words for one page (already upright), minus words that
sit inside ruled tables, so a figure is never read into two tables. Output is
(top, rows) per table found; a page of prose gives none.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from foi.extract.values import marked

PHRASE_GAP = 0.45    # words closer than this x line height, a space between, are one phrase
TIGHT_GAP = 0.2      # ... and closer than this with no space character between
LINE_OVERLAP = 0.6   # words overlapping this much of the smaller height share a line
BLOCK_GAP = 1.6      # a vertical gap above this x line height ends a table
LOOSE_GAP = 2.5      # ... or this x the page's usual gap between lines
BRIDGE = 3           # single-phrase lines (group labels) a table may run through,
                     # and caption lines above its header it may take
REACH = BRIDGE + 3   # lines either side of a table's rows looked at for captions and notes
CAPTION_GAP = 1.0    # a gap above this x line height (a blank line) ends the captions above,
CAPTION_LOOSE = 1.5  # ... or above this x the usual gap between the table's rows
NOTE_REACH = 2.0     # a note below the last row ends within this x line height of it
MIN_ROWS = 3         # lines of two or more phrases a table needs
SPAN_TITLE = 0.5     # a phrase over this share of the columns (3 or more), not
                     # starting in the first, is a caption or a note
GUTTER = 2.0        # a strip this x line height wide, crossed by no phrase, parts
                     # side-by-side columns of text (read one by one)
PROSE_LENGTH = 30    # median characters per cell above which it is running text
SUPERSCRIPT = 0.75   # a word shorter than this x its line's height is a superscript
WIDE_SPACE = 1.3     # x the usual word space: words this far apart over two columns are two cells
GLUED = 0.03         # words this close (x line height), no space between, are one word
LEADER = re.compile(r"^[.…·]+$")
FIGURE = re.compile(r"^[-+(]?[£$€]?\s?\d[\d,. ]*%?\)?$")


@dataclass
class Phrase:
    x0: float
    x1: float
    text: str
    words: list[tuple[float, float, str]] = field(default_factory=list)  # space-separated pieces

    def __post_init__(self) -> None:
        if not self.words:
            self.words = [(self.x0, self.x1, self.text)]


@dataclass
class Line:
    top: float
    bottom: float
    words: list[dict] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def stream_tables(lines: list[Line], beside: bool = False,
                  split: bool = False) -> list[tuple[float, list[list[str]]]]:
    """(top, rows) of each borderless table among the lines of a page (or,
    `beside`, of one column of text beside another: a table there must have
    MIN_ROWS rows filling the same columns, which justified prose has not).
    `split`: a phrase whose words fall in several columns is always parted
    between them (see _split_across)."""
    tables = []
    for block in _blocks(lines):
        height = median(line.height for line in block)
        taken = 0  # lines before this belong to the table above
        for first, last in _runs(block):
            lines_ = block[max(taken, first - REACH):last + 1 + REACH]
            found = _grid(_bounds(lines_, block[first], block[last], height), split)
            if found and beside and not _regular(found[1]):
                found = None
            if found:
                run, rows = found
                tables.append((run[0].top, rows))
                taken = block.index(run[-1]) + 1
            else:  # two columns of text side by side: a table may sit in either
                for side in _sides(block[first:last + 1]):
                    tables += stream_tables(side, beside=True, split=split)
    return tables


def _regular(rows: list[list[str]]) -> bool:
    shapes = Counter(tuple(bool(cell) for cell in row) for row in rows if sum(map(bool, row)) >= 2)
    return max(shapes.values(), default=0) >= MIN_ROWS


def _sides(lines: list[Line]) -> list[list[Line]]:
    """The lines cut at the widest strip (GUTTER line heights or more) that no
    phrase crosses, as the lines left of it and those right of it; none
    without such a strip."""
    spans = _merge([(p.x0, p.x1) for line in lines for p in line.phrases])
    gaps = [(b[0] - a[1], a[1], b[0]) for a, b in itertools.pairwise(spans)]
    if not gaps or max(gaps)[0] < GUTTER * median(line.height for line in lines):
        return []
    _, left, right = max(gaps)
    return [_part(lines, lambda x0, x1: x1 <= left), _part(lines, lambda x0, x1: x0 >= right)]


def _part(lines: list[Line], keep) -> list[Line]:
    part = []
    for line in lines:
        words = [w for w in line.words if keep(w["x0"], w["x1"])]
        if words:
            part.append(Line(min(w["top"] for w in words), max(w["bottom"] for w in words), words,
                             [p for p in line.phrases if keep(p.x0, p.x1)]))
    return part


def crowded_share(cells: list[tuple], lines: list[Line]) -> float:
    """Share of the text lines across a ruled table that have two figures
    apart in one cell: a "grid" drawn from cell shading, with whole rows of
    figures in one cell, rather than ruled cells. (Words spread apart in one
    cell are often justified text, so only figures count.)"""
    counts: Counter = Counter()
    for number, line in enumerate(lines):
        middle = (line.top + line.bottom) / 2
        for phrase in line.phrases:
            if not FIGURE.match(phrase.text):
                continue
            x = (phrase.x0 + phrase.x1) / 2
            for cell in cells:
                if cell[0] <= x < cell[2] and cell[1] <= middle < cell[3]:
                    counts[cell, number] += 1
                    break
    touched = {number for number, line in enumerate(lines)
               if any(cell[1] <= (line.top + line.bottom) / 2 < cell[3] for cell in cells)}
    crowded = {number for (_, number), n in counts.items() if n >= 2}
    return len(crowded) / len(touched) if touched else 0.0


def group_lines(words: list[dict], spaces: Sequence[dict] = (), marks: bool = True) -> list[Line]:
    """Words sharing most of their height are one line; a superscript, inside
    the height of its line, stays on it. `spaces` are the page's space
    characters: words typed with a space between are one phrase (one cell),
    words set apart without one are separate cells however close. `marks`:
    a raised footnote mark is written <s>mark</s>, else joined as printed."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        height = word["bottom"] - word["top"]
        for line in reversed(lines[-4:]):
            overlap = min(line.bottom, word["bottom"]) - max(line.top, word["top"])
            if overlap >= LINE_OVERLAP * min(height, line.height):
                line.words.append(word)
                if height > line.height:  # the line's band is its tallest word's
                    line.top, line.bottom = word["top"], word["bottom"]
                break
        else:
            lines.append(Line(word["top"], word["bottom"], [word]))
    lines = _attach_marks(lines)
    by_row: dict[int, list[float]] = {}
    for space in spaces:
        by_row.setdefault(int((space["top"] + space["bottom"]) / 4), []).append(space["x0"])
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
        rows = range(int(line.top / 2), int(line.bottom / 2) + 1)
        line.phrases = _phrases(line, sorted(x for row in rows for x in by_row.get(row, ())), marks)
    lines.sort(key=lambda line: line.top)
    return lines


def _attach_marks(lines: list[Line]) -> list[Line]:
    """A footnote mark set high enough to stick out above its line ("Others"
    with "(1)" raised) forms a line of its own at first: it goes back on the
    line beside it when it touches that line and one of its words."""
    kept: list[Line] = []
    for index, line in enumerate(lines):
        near = [other for other in lines[max(0, index - 3):index + 4] if other is not line]
        for word in list(line.words):
            host = next((other for other in near if _marks(word, other)), None)
            if host is not None:
                host.words.append(word)
                line.words.remove(word)
        if line.words:
            kept.append(line)
    return kept


def _marks(word: dict, line: Line) -> bool:
    height = word["bottom"] - word["top"]
    if height >= SUPERSCRIPT * line.height or word["bottom"] <= line.top or word["top"] >= line.bottom:
        return False
    reach = TIGHT_GAP * line.height
    return any(-reach <= word["x0"] - other["x1"] <= reach for other in line.words)


def _phrases(line: Line, spaces: list[float], marks: bool = True) -> list[Phrase]:
    phrases: list[Phrase] = []
    height = max(line.height, 1.0)
    for word in line.words:
        text, gap = word["text"], word["x0"] - phrases[-1].x1 if phrases else 0.0
        spaced = phrases and _between(spaces, phrases[-1].x1 - 1, word["x0"])
        small = word["bottom"] - word["top"] < SUPERSCRIPT * height
        if phrases and small and not spaced and gap <= TIGHT_GAP * height and _raised(word, line):
            # a footnote mark set small and high against the text before it:
            # marked, so "24.91" with mark "2" never reads as 24.912
            _extend(phrases[-1], word["x0"], word["x1"], marked(text) if marks else text, joiner="")
        elif phrases and not spaced and abs(gap) <= GLUED * height:
            _extend(phrases[-1], word["x0"], word["x1"], text, joiner="")  # one word set in two sizes
        elif phrases and (LEADER.match(text) or small
                          or gap <= (PHRASE_GAP if spaced else TIGHT_GAP) * height):
            # dot leaders and footnote marks belong to the text before them
            _extend(phrases[-1], word["x0"], word["x1"], text)
        else:
            phrases.append(Phrase(word["x0"], word["x1"], text))
    return phrases


def _raised(word: dict, line: Line) -> bool:
    """Set above the line's baseline: its bottom well clear of the line's."""
    return line.bottom - word["bottom"] > 0.25 * (word["bottom"] - word["top"])


def _extend(phrase: Phrase, x0: float, x1: float, text: str, joiner: str = " ") -> None:
    """Add text at x0..x1 to the phrase: a word of its own after a space, or
    the end of the phrase's last word with no joiner."""
    phrase.x1, phrase.text = max(phrase.x1, x1), f"{phrase.text}{joiner}{text}"
    if joiner:
        phrase.words.append((x0, x1, text))
    else:
        start, end, before = phrase.words[-1]
        phrase.words[-1] = (start, max(end, x1), before + text)


def _between(xs: list[float], low: float, high: float) -> bool:
    index = bisect_left(xs, low)
    return index < len(xs) and xs[index] < high


def _blocks(lines: list[Line]) -> list[list[Line]]:
    """Lines separated by no more than an ordinary gap: BLOCK_GAP line heights,
    or more where the page's lines are set loosely (sections of a table a
    blank line apart stay one table under their column headers)."""
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines) if b.top > a.bottom]
    limit = max(BLOCK_GAP * median(line.height for line in lines),
                LOOSE_GAP * median(gaps) if gaps else 0.0)
    blocks = [[lines[0]]]
    for line in lines[1:]:
        if line.top - blocks[-1][-1].bottom > limit:
            blocks.append([])
        blocks[-1].append(line)
    return blocks


def _runs(block: list[Line]) -> list[tuple[int, int]]:
    """(first, last) index of each stretch of lines with two or more phrases,
    through up to BRIDGE single-phrase lines (a group label, a wrapped cell)."""
    runs: list[tuple[int, int]] = []
    first: int | None = None
    last = 0  # meaningful only while `first` is set
    for index, line in enumerate(block):
        if len(line.phrases) < 2:
            continue
        if first is not None and index - last - 1 > BRIDGE:
            runs.append((first, last))
            first = None
        if first is None:
            first = index
        last = index
    if first is not None:
        runs.append((first, last))
    return [(a, b) for a, b in runs if sum(len(line.phrases) >= 2 for line in block[a:b + 1]) >= MIN_ROWS]


def _bounds(lines: list[Line], first: Line, last: Line, height: float) -> list[Line]:
    """The table's lines: its rows from the first to the last line spread over
    two or more columns, the caption lines just above (up to BRIDGE, none
    further from the line below it than a blank line or, in a loosely set
    table, than its rows are apart; a header piece over one column only is
    part of the header) and a note directly below (ending
    within NOTE_REACH line heights of the last row), and below that the
    rest of a cell wrapped over several lines."""
    top, bottom = lines.index(first), lines.index(last)
    columns = _columns(lines[top:bottom + 1])
    spread = [len({_column_of(p, columns) for p in line.phrases}) for line in lines]
    while bottom > top and spread[bottom] < 2:
        bottom -= 1
    gaps = [b.top - a.bottom for a, b in zip(lines[top:bottom], lines[top + 1:bottom + 1])]
    limit = max(CAPTION_GAP * height, CAPTION_LOOSE * median(gaps) if gaps else 0.0)
    captions = 0
    while top > 0 and lines[top].top - lines[top - 1].bottom <= limit:
        above = lines[top - 1]
        if not _header_piece(above, columns):
            if captions == BRIDGE:
                break
            captions += 1
        top -= 1
    end = bottom + 1
    while end < len(lines) and (lines[end].bottom - lines[bottom].bottom <= NOTE_REACH * height or (
            _header_piece(lines[end], columns) and lines[end].top - lines[end - 1].bottom <= limit)):
        end += 1
    return lines[top:end]


def _header_piece(line: Line, columns: list[tuple[float, float]]) -> bool:
    """A single phrase within one column other than the first: a heading or
    a cell wrapped over several lines."""
    if len(line.phrases) != 1:
        return False
    spanned = _touched((line.phrases[0].x0, line.phrases[0].x1), columns)
    return len(spanned) == 1 and spanned[0] > 0


def _columns(run: list[Line]) -> list[tuple[float, float]]:
    """Column extents from the densest lines, then any phrase clear of
    them all (a column filled in only a few rows) makes a column of its own."""
    counts = Counter(len(line.phrases) for line in run if len(line.phrases) >= 2)
    mode = max(counts, key=lambda n: (counts[n], n))
    columns = _merge([(p.x0, p.x1) for line in run if len(line.phrases) >= mode for p in line.phrases])
    loose = [(p.x0, p.x1) for line in run for p in line.phrases
             if not _touched((p.x0, p.x1), columns)]
    return sorted(columns + _merge(loose))


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def _touched(span: tuple[float, float], columns: list[tuple[float, float]]) -> list[int]:
    """The columns a horizontal extent reaches into, left to right."""
    return [c for c, column in enumerate(columns) if _overlap(span, column) > 0]


def _column_of(phrase: Phrase, columns: list[tuple[float, float]], alone: bool = False) -> int:
    """The column a phrase overlaps most; a line of one phrase running across
    three or more columns (a note) goes to the first column it covers whole."""
    span = (phrase.x0, phrase.x1)
    touched = _touched(span, columns)
    if alone and len(touched) >= 3:
        covered = [c for c in touched if span[0] <= columns[c][0] and columns[c][1] <= span[1]]
        if covered:
            return covered[0]
    return max(range(len(columns)), key=lambda c: (_overlap(span, columns[c]), -c))


def _split_across(phrase: Phrase, columns: list[tuple[float, float]], space: float,
                  always: bool = False) -> list[Phrase]:
    """A phrase whose words each reach into exactly one column, two or more
    columns in all, parted where the columns change by more than an ordinary
    space, is cells set close together ("method" | "sterilization" under tight
    headers), not one cell spanning them ("Modern method" over a group).
    `always`: parted between its columns whatever the space."""
    if len(phrase.words) < 2:
        return [phrase]
    homes: list[int] = []
    for x0, x1, _ in phrase.words:
        reached = _touched((x0, x1), columns)
        if len(reached) != 1:
            return [phrase]
        homes.append(reached[0])
    parted = [b[0] - a[1] > WIDE_SPACE * space
              for a, b, h, k in zip(phrase.words, phrase.words[1:], homes, homes[1:]) if h != k]
    if not parted or not (always or all(parted)) or homes != sorted(homes):
        return [phrase]
    pieces: list[Phrase] = []
    befores: list[int | None] = [None, *homes]
    for (x0, x1, text), home, before in zip(phrase.words, homes, befores):
        if home == before:
            _extend(pieces[-1], x0, x1, text)
        else:
            pieces.append(Phrase(x0, x1, text))
    return pieces


def _word_space(run: list[Line]) -> float:
    """The usual space between words of one phrase in these lines."""
    gaps = [b[0] - a[1] for line in run for phrase in line.phrases
            for a, b in zip(phrase.words, phrase.words[1:])]
    return median(gaps) if gaps else 0.0


def _is_title(line: Line, columns: list[tuple[float, float]]) -> bool:
    """A phrase over several columns that does not start in the first one is a
    caption or a note above or below the table, not a row of it."""
    for phrase in line.phrases:
        spanned = _touched((phrase.x0, phrase.x1), columns)
        if len(spanned) >= max(3, SPAN_TITLE * len(columns)) and spanned[0] > 0:
            return True
    return False


def _grid(run: list[Line], split: bool = False) -> tuple[list[Line], list[list[str]]] | None:
    """The run's lines (titles and notes at either end dropped) and rows."""
    columns = _columns(run)
    while run and _is_title(run[0], columns):
        run = run[1:]
    while run and _is_title(run[-1], columns):
        run = run[:-1]
    if len(columns) < 2 or sum(len(line.phrases) >= 2 for line in run) < MIN_ROWS:
        return None
    rows = []
    space = _word_space(run)
    for line in run:
        row = [""] * len(columns)
        for phrase in line.phrases:
            for piece in _split_across(phrase, columns, space, always=split):
                c = _column_of(piece, columns, alone=len(line.phrases) == 1)
                row[c] = f"{row[c]} {piece.text}".strip()
        rows.append(row)
    if median(len(cell) for row in rows for cell in row if cell) > PROSE_LENGTH:
        return None
    return run, rows
