"""Ruled tables (cells from drawn lines, found by pdfplumber's find_tables):
the text of each cell, and where the text of a cell merged across several
rows or columns goes.

The grid's rows start at each distinct cell top and its columns at each
distinct cell left, as pdfplumber numbers them. A merged cell covers several
grid positions; `spans` says which of them get its text:

- "labels" (the default): the top-left position; and a label merged across
  data rows also names each of them ("GMC" covering five rows of figures is
  the plan type of each). A merged figure stays in its first row only (a sum
  would count it twice); header rows get nothing copied.
- "first": the top-left position only.
- "last": the bottom-right position only.
- "placed": each line of text where it physically lies: the row its middle is
  in, and the column it fills most completely (a share of the column's width).
  A figure centred on a three-row span lands in the middle row; a label whose
  two lines lie in two rows is split between them.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from dataclasses import dataclass
from statistics import median

from foi.extract.pdf_stream import FIGURE

SPANS = ("labels", "first", "last", "placed")
WORD_GAP = 0.15       # x font size: a gap this much wider than the cell's usual
                      # letter spacing separates words
LINE_TOLERANCE = 3    # points: words whose tops differ less are one line of a cell
FILLER_OVERLAP = 0.5  # a space glyph overlapping a letter by this share of its
                      # width is filler laid over the text, not a word break


@dataclass(frozen=True)
class Grid:
    lefts: list[float]   # each column's left edge
    tops: list[float]    # each row's top edge
    right: float
    bottom: float

    @classmethod
    def of(cls, table) -> Grid:
        cells = table.cells
        return cls(sorted({c[0] for c in cells}), sorted({c[1] for c in cells}),
                   table.bbox[2], table.bbox[3])

    def position(self, x: float, y: float) -> tuple[int, int]:
        return bisect_right(self.tops, y) - 1, bisect_right(self.lefts, x) - 1

    def span(self, cell) -> tuple[int, int, int, int]:
        """(first row, first column, last row, last column) a cell covers."""
        x0, top, x1, bottom = cell
        return (self.tops.index(top), self.lefts.index(x0),
                bisect_right(self.tops, bottom - 0.01) - 1, bisect_right(self.lefts, x1 - 0.01) - 1)

    def column_edges(self, c: int) -> tuple[float, float]:
        return self.lefts[c], (self.lefts + [self.right])[c + 1]


def ruled_rows(table, chars: list[dict], spans: str = "labels") -> list[list[str]]:
    """The table's cell text as rows, merged cells' text placed per `spans`."""
    grid = Grid.of(table)
    at = _chars_by_position(grid, table.bbox, chars)
    out = [[""] * len(grid.lefts) for _ in grid.tops]
    for cell in table.cells:
        r0, c0, r1, c1 = grid.span(cell)
        mine = [ch for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) for ch in at.get((r, c), [])]
        lines = cell_lines(mine)
        if spans == "placed" and (r0, c0) != (r1, c1):
            _place(out, grid, lines, (r0, c0, r1, c1))
        else:
            r, c = (r1, c1) if spans == "last" else (r0, c0)
            out[r][c] = "\n".join(_text(line) for line in lines)
    if spans == "labels":
        _copy_labels(out, [grid.span(cell) for cell in table.cells])
    return out


def _chars_by_position(grid: Grid, box, chars: list[dict]) -> dict[tuple[int, int], list[dict]]:
    """Chars by the grid position their middle lies in (pdfplumber's rule for
    which cell a char belongs to)."""
    at: dict[tuple[int, int], list[dict]] = {}
    x0, top, x1, bottom = box
    for ch in chars:
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if x0 <= x < x1 and top <= y < bottom:
            at.setdefault(grid.position(x, y), []).append(ch)
    return at


def cell_lines(chars: list[dict]) -> list[list[dict]]:
    """A cell's words grouped into lines, top to bottom. Words break at space
    glyphs (except filler spaces laid over letters) and at gaps wider than the
    cell's own letter spacing by WORD_GAP x font size: letter-spaced text stays
    whole words, and tiny print is not run together by a fixed 3 pt."""
    from pdfplumber.utils import cluster_objects  # lazy: start-up
    from pdfplumber.utils.text import WordExtractor  # lazy: start-up

    chars = _without_filler(chars)
    if not chars:
        return []
    extractor = WordExtractor(x_tolerance=_word_tolerance(chars))
    return cluster_objects(extractor.extract_words(chars), "top", LINE_TOLERANCE)


def _text(line: list[dict]) -> str:
    return " ".join(word["text"] for word in line)


def _lines_of_glyphs(chars: list[dict]) -> list[list[dict]]:
    from pdfplumber.utils import cluster_objects  # lazy: start-up

    return [sorted(line, key=lambda ch: ch["x0"]) for line in cluster_objects(chars, "top", LINE_TOLERANCE)]


def _without_filler(chars: list[dict]) -> list[dict]:
    """Drop space glyphs that lie over letters of the same line: a run of
    spaces drawn across a cell would otherwise split every word into letters."""
    drop = set()
    for line in _lines_of_glyphs(chars):
        letters = [ch for ch in line if not ch["text"].isspace()]
        starts = [ch["x0"] for ch in letters]
        for ch in line:
            if ch["text"].isspace():
                at = bisect_right(starts, ch["x0"])
                near = letters[max(at - 1, 0):at + 1]
                width = max(ch["x1"] - ch["x0"], 0.01)
                if any(min(ch["x1"], n["x1"]) - max(ch["x0"], n["x0"]) > FILLER_OVERLAP * width
                       for n in near):
                    drop.add(id(ch))
    return [ch for ch in chars if id(ch) not in drop]


def _word_tolerance(chars: list[dict]) -> float:
    """The gap (points) above which letters are separate words: the cell's
    usual gap between neighbouring letters plus WORD_GAP x its font size."""
    gaps = []
    for line in _lines_of_glyphs([ch for ch in chars if not ch["text"].isspace()]):
        gaps += [b["x0"] - a["x1"] for a, b in itertools.pairwise(line)]
    spacing = max(median(gaps), 0.0) if gaps else 0.0
    return spacing + WORD_GAP * median(ch["size"] for ch in chars)


def _place(out: list[list[str]], grid: Grid, lines: list[list[dict]], span: tuple[int, int, int, int]) -> None:
    """Each line of a merged cell into the row and column of the span where it lies."""
    r0, c0, r1, c1 = span
    for line in lines:
        top, bottom = min(w["top"] for w in line), max(w["bottom"] for w in line)
        x0, x1 = min(w["x0"] for w in line), max(w["x1"] for w in line)
        r = min(max(grid.position(0, (top + bottom) / 2)[0], r0), r1)

        def filled(c: int, x0: float = x0, x1: float = x1) -> float:
            left, right = grid.column_edges(c)
            return max(min(x1, right) - max(x0, left), 0) / max(right - left, 0.01)

        c = max(range(c0, c1 + 1), key=filled)
        out[r][c] = "\n".join(filter(None, [out[r][c], _text(line)]))


def _copy_labels(out: list[list[str]], spans: list[tuple[int, int, int, int]]) -> None:
    """A label merged across rows names each data row it spans (in its first
    column); a figure, or a label over header rows, is not copied."""
    first_data = next((r for r, row in enumerate(out) if any(FIGURE.match(t) for t in row)), len(out))
    for r0, c0, r1, _ in spans:
        text = out[r0][c0]
        if r1 > r0 and text and not FIGURE.match(text):
            for r in range(max(r0, first_data) + 1, r1 + 1):
                out[r][c0] = text
