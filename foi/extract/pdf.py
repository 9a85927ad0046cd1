"""PDF tables and text through pdfplumber; a PDF without a text layer (a scan)
is for a person to read.

Each page gives its ruled tables (cells from the drawn lines, see pdf_ruled),
its borderless tables (columns from how the words line up, see pdf_stream) and
its text as lines. A page printed sideways (a landscape table on a portrait
page) is turned upright first, so rows and columns read as a person sees them
once the page is turned.

Options (PdfOptions, given to read_pdf or read_source):

- spans: where the text of a ruled cell merged across rows or columns goes.
  "labels" (default; right for counting figures): a label merged across data
  rows names each of them, a merged figure stays in its first row only.
  "first": top-left position only. "last": bottom-right position only.
  "placed": each line of text in the row and column where it lies.
  Example: read_pdf(data, PdfOptions(spans="placed")).
- marks: a footnote mark printed small and raised after a word or figure is
  written "<s>2</s>" ("24.91<s>2</s>"), so it never joins the figure: 24.912.
  The value reader notes the mark. Default on; off: joined as printed.
- split: in borderless tables, a run of words spread over several columns is
  parted between the columns its words fall in. Default off: parted only
  where the words are set further apart than an ordinary space.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from foi.extract.pdf_guard import check_pdf
from foi.extract.pdf_ruled import SPANS, ruled_rows
from foi.extract.pdf_stream import Line, crowded_share, group_lines, stream_tables
from foi.extract.tables import Table, lines_table

MAX_PAGES = 200
WORD_GAP = 0.15  # x font size: letters further apart than this are separate words
CROWDED = 0.2  # share of a ruled table's cells holding several columns' text: shading, not a grid


class NeedsPerson(Exception):
    """Readable only by a person (a scanned page, an image)."""


@dataclass(frozen=True)
class PdfOptions:
    """How to read a PDF; the defaults suit counting figures (module docstring)."""

    spans: str = "labels"
    marks: bool = True
    split: bool = False

    def __post_init__(self) -> None:
        if self.spans not in SPANS:
            raise ValueError(f"spans must be one of {', '.join(SPANS)}, not {self.spans!r}")


def read_pdf(data: bytes, options: PdfOptions | None = None) -> list[Table]:
    import pdfplumber  # lazy: start-up

    check_pdf(data)  # bombs, loops and floods of operators are refused before pdfminer runs
    options = options or PdfOptions()
    tables: list[Table] = []
    chars = 0
    with pdfplumber.open(io.BytesIO(data)) as document:
        for number, page in enumerate(document.pages[:MAX_PAGES], start=1):
            chars += len(page.chars)
            tables += read_page(page, number, options)
            page.close()  # a read page's layout objects are not kept while the next is read
        pages = len(document.pages)
    if pages > MAX_PAGES and tables:  # said, never a silent cut: review lists the file as read in part
        tables[-1].note = f"a PDF of {pages:,} pages: only the first {MAX_PAGES} read"
    if chars == 0:
        raise NeedsPerson("no text layer (a scanned document?): needs a person")
    return tables


def read_page(page, number: int, options: PdfOptions) -> list[Table]:
    """The page's grid tables in reading order (top to bottom), then its text.
    Words are extracted once: the borderless reader and the text share them."""
    view = upright(page)
    words = [w for w in view.extract_words(x_tolerance_ratio=WORD_GAP, extra_attrs=["size"]) if w["text"].isprintable()]
    spaces = [c for c in view.chars if c["text"] == " "]
    lines = group_lines(words, spaces, options.marks)
    found = [t for t in view.find_tables() if _trusted(t, lines)]
    grids = [(table.bbox[1], ruled_rows(table, view.chars, options.spans)) for table in found]
    boxes = [table.bbox for table in found]
    free = [w for w in words if not any(_inside(w, box) for box in boxes)]
    grids += stream_tables(group_lines(free, spaces, options.marks) if found else lines, split=options.split)
    grids.sort(key=lambda item: item[0])
    tables = [Table("grid", f"page {number} table {index}", rows)
              for index, (_, rows) in enumerate(grids, start=1)]
    # the text of a ruled table is read as its grid, not again as sentences (kept as
    # blank lines, so the page's line numbers still match)
    tables.append(lines_table(f"page {number}", text_of([_outside(line, boxes) for line in lines])))
    return tables


def _outside(line, boxes: list[tuple]):
    """The line, or an empty one when every word of it lies in a ruled table's box."""
    if line.words and any(all(_inside(word, box) for word in line.words) for box in boxes):
        return Line(line.top, line.bottom, [], [])
    return line


def _trusted(table, lines) -> bool:
    """A ruled table is read as drawn unless it is a shaded box (one row or
    one column) or shading mistaken for a grid (rows of figures in one cell);
    its words are then read as a borderless table."""
    rows = table.rows
    if len(rows) < 2 or len(rows[0].cells) < 2:
        return False
    return crowded_share(table.cells, lines) <= CROWDED


def text_of(lines: list) -> str:
    """The page as lines of text, phrases joined by spaces (what pdfplumber's
    extract_text gives, with footnote marks kept apart from the figures
    they follow, and without extracting the words a second time)."""
    return "\n".join(" ".join(phrase.text for phrase in line.phrases) for line in lines)


def _inside(word: dict, box: tuple) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def upright(page):
    """The page itself, or a view of it turned a quarter so that sideways text
    reads left to right (decided by most characters' direction)."""
    turned = [c for c in page.chars if abs(c["matrix"][1]) > abs(c["matrix"][0])]
    if len(turned) * 2 <= len(page.chars):
        return page
    downward = sum(c["matrix"][1] < 0 for c in turned) * 2 > len(turned)
    return _turned_page(page, downward)


def _turned_page(page, downward: bool):
    from pdfplumber.page import DerivedPage  # lazy: start-up

    left, top, right, bottom = page.bbox

    def point(x: float, y: float) -> tuple[float, float]:
        # text running down the page: turn the page anticlockwise; up: clockwise
        return (y - top, right - x) if downward else (bottom - y, x - left)

    width, height = bottom - top, right - left

    def turn(obj: dict) -> dict:
        (ax, ay), (bx, by) = point(obj["x0"], obj["top"]), point(obj["x1"], obj["bottom"])
        new = dict(obj, x0=min(ax, bx), x1=max(ax, bx), top=min(ay, by), bottom=max(ay, by))
        new.update(width=new["x1"] - new["x0"], height=new["bottom"] - new["top"],
                   y0=height - new["bottom"], y1=height - new["top"], doctop=new["top"])
        if "pts" in obj:
            new["pts"] = [point(x, y) for x, y in obj["pts"]]
        if obj.get("object_type") == "char":
            new["upright"] = True
        return new

    class TurnedPage(DerivedPage):
        def __init__(self) -> None:
            self.bbox = (0, 0, width, height)
            super().__init__(page)
            self._objects = {kind: [turn(o) for o in objs] for kind, objs in page.objects.items()}

        @property
        def objects(self) -> dict:
            return self._objects

    return TurnedPage()
