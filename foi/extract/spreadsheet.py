"""Spreadsheets (xlsx/xlsm, xls, ods) to one Table per sheet, merged cells
filled with their top-left value so a merged header labels every column below it."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile

from defusedxml import ElementTree

from foi.extract.tables import Table

MAX_CELLS = 2_000_000  # a reply sheet is a few hundred cells; stop runaway ranges


def cell_text(value: object) -> str:
    """How a person would read the cell: 1234.0 -> '1234', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> list[Table]:
    """openpyxl in full mode (not read_only): only it exposes merged ranges, and
    safety.check_zip has already bounded the size."""
    import openpyxl  # lazy: start-up

    with warnings.catch_warnings():  # "no default style" and the like: not the user's business
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    tables = []
    for sheet in book.worksheets:
        if sheet.max_row * sheet.max_column > MAX_CELLS:
            raise ValueError(f"sheet {sheet.title} spans {sheet.max_row}x{sheet.max_column} cells")
        rows = [[cell_text(value) for value in row]
                for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            _fill(rows, merged.min_row - 1, merged.min_col - 1, merged.max_row - 1, merged.max_col - 1)
        tables.append(Table("sheet", sheet.title, rows))  # iter_rows starts at A1
    return tables


def _fill(rows: list[list[str]], r0: int, c0: int, r1: int, c1: int) -> None:
    if r0 >= len(rows) or c0 >= len(rows[r0]):
        return
    value = rows[r0][c0]
    for r in range(r0, min(r1, len(rows) - 1) + 1):
        for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
            if not rows[r][c]:
                rows[r][c] = value


def read_xls(data: bytes) -> list[Table]:
    import xlrd  # lazy: start-up

    book = xlrd.open_workbook(file_contents=data, formatting_info=True,
                              logfile=io.StringIO())  # xlrd logs to stdout otherwise
    tables = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        rows = [[_xls_cell(book, sheet.cell(r, c)) for c in range(sheet.ncols)]
                for r in range(sheet.nrows)]
        for r0, r1, c0, c1 in sheet.merged_cells:
            _fill(rows, r0, c0, r1 - 1, c1 - 1)
        tables.append(Table("sheet", sheet.name, rows))
    return tables


def _xls_cell(book, cell) -> str:
    import xlrd  # lazy: start-up

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return cell_text(cell.value)


ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
MAX_REPEAT = 1000  # LibreOffice writes "repeat this empty cell 16384 times"


def read_ods(data: bytes) -> list[Table]:
    """ODS content.xml read directly with defusedxml: small, and no unmaintained
    dependency (odfpy) for a format with a simple table model."""
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("content.xml"))
    return [_ods_sheet(sheet) for sheet in root.iter(_q("table", "table"))]


def _q(ns: str, name: str) -> str:
    return f"{{{ODS[ns]}}}{name}"


def _ods_sheet(sheet) -> Table:
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []
    for row in sheet.iter(_q("table", "table-row")):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                continue
            repeat = min(int(cell.get(_q("table", "number-columns-repeated"), "1")), MAX_REPEAT)
            text = _ods_value(cell)
            across = int(cell.get(_q("table", "number-columns-spanned"), "1"))
            down = int(cell.get(_q("table", "number-rows-spanned"), "1"))
            if across > 1 or down > 1:
                spans.append((len(rows), len(cells), len(rows) + down - 1, len(cells) + across - 1))
            cells.extend([text] * repeat)
        while cells and not cells[-1]:
            cells.pop()
        repeat = min(int(row.get(_q("table", "number-rows-repeated"), "1")), MAX_REPEAT)
        rows.extend([list(cells) for _ in range(repeat if cells else min(repeat, 1))])
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    for r0, c0, r1, c1 in spans:
        _fill(rows, r0, c0, r1, c1)
    return Table("sheet", sheet.get(_q("table", "name"), "Sheet"), rows)


def _ods_value(cell) -> str:
    kind = cell.get(_q("office", "value-type"))
    if kind in ("float", "percentage", "currency"):
        return cell_text(float(cell.get(_q("office", "value"), "0")))
    if kind == "date":
        return cell.get(_q("office", "date-value"), "")[:10]
    paragraphs = ["".join(p.itertext()) for p in cell.iter(_q("text", "p"))]
    return "\n".join(paragraphs).strip()
