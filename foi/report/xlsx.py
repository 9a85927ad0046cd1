"""Writing exports as an Excel workbook: the rows, plus an About sheet.

Numbers are written as numbers; text is always written as text, so a council
name such as "=HYPERLINK(...)" is shown, never run as a formula.
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@")


def _put(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None or isinstance(value, bool):
        cell.value = value if value is None else str(value).lower()
        return
    if isinstance(value, (int, float)):
        cell.value = value
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    # openpyxl guesses a formula from a leading '='; force text and tell Excel so.
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def write_xlsx(path: Path, title: str, columns: list[str], rows: list[dict],
               about: list[tuple[str, str]]) -> None:
    """One data sheet named `title` and an About sheet (sources, licence, method)."""
    book = Workbook()
    data = book.active
    assert isinstance(data, Worksheet)  # a new workbook starts with one worksheet
    data.title = title[:31]
    for c, name in enumerate(columns, 1):
        _put(data, 1, c, name)
        data.cell(row=1, column=c).font = Font(bold=True)
    for r, row in enumerate(rows, 2):
        for c, name in enumerate(columns, 1):
            _put(data, r, c, row.get(name))
    data.freeze_panes = "A2"
    sheet = book.create_sheet("About")
    for r, (heading, text) in enumerate(about, 1):
        _put(sheet, r, 1, heading)
        _put(sheet, r, 2, text)
        sheet.cell(row=r, column=1).font = Font(bold=True)
        sheet.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    book.save(path)
