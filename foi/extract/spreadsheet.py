"""Spreadsheets (xlsx/xlsm, xls, ods) to one Table per sheet, merged cells
filled with their top-left value so a merged header labels every column below it."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile

from defusedxml import ElementTree

from foi.extract.tables import Table
from foi.extract.xlsx_scan import calamine_reads_alike

MAX_CELLS = 500_000  # a reply sheet is a few hundred cells; stop runaway ranges
MAX_MERGED = 10_000  # merged ranges read from one sheet


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
    """calamine where a scan of the sheets' XML says it reads them as openpyxl does
    (foi.extract.xlsx_scan), several times faster; openpyxl for the rest."""
    if calamine_reads_alike(data, MAX_CELLS, MAX_MERGED):
        tables = _calamine_xlsx(data)
        if tables is not None:
            return tables
    return _openpyxl_xlsx(data)


def _calamine_xlsx(data: bytes) -> list[Table] | None:
    """Every worksheet (hidden ones too; not chart sheets, as openpyxl), or None
    when calamine cannot read the workbook: openpyxl then reads it or says why not."""
    import python_calamine  # lazy: start-up

    try:
        with python_calamine.CalamineWorkbook.from_object(io.BytesIO(data)) as book:
            return [_calamine_sheet(book.get_sheet_by_index(index), meta.name)
                    for index, meta in enumerate(book.sheets_metadata)
                    if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
    except python_calamine.CalamineError:
        return None
    except BaseException as error:
        # a Rust panic comes up as pyo3's PanicException, which is no Exception
        if type(error).__name__ != "PanicException":
            raise
        return None


def _calamine_sheet(sheet, title: str) -> Table:
    rows = [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])[:MAX_MERGED]]
    _merge(rows, merged)
    return Table("sheet", title, rows)


def _openpyxl_xlsx(data: bytes) -> list[Table]:
    """openpyxl in read-only mode: cells streamed row by row as the sheet holds
    them, whatever its declared dimension says, so memory follows the real
    cells. Merged ranges (which read-only mode does not give) are read from the
    sheet's XML and filled only over cells the sheet really spans."""
    import openpyxl  # lazy: start-up

    with warnings.catch_warnings():  # "no default style" and the like: not the user's business
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        return [_xlsx_sheet(sheet, archive) for sheet in book.worksheets]
    finally:
        book.close()


def _xlsx_sheet(sheet, archive: zipfile.ZipFile) -> Table:
    sheet.reset_dimensions()  # a declared dimension may lie ("A1:XFD1048576"): read what is there
    rows: list[list[str]] = []
    cells = 0
    note = None
    for row in sheet.iter_rows(values_only=True):  # iter_rows starts at A1
        cells += max(len(row), 1)
        if cells > MAX_CELLS:
            note = _over_cells(sheet.title, len(rows))
            break
        rows.append([cell_text(value) for value in row])
    _merge(rows, _merged_ranges(archive, sheet._worksheet_path))  # read-only mode hides them
    return Table("sheet", sheet.title, rows, note=note)


def _merge(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    _widen(rows, merged)
    for r0, c0, r1, c1 in merged:
        _fill(rows, r0, c0, r1, c1, keep=False)  # Excel keeps only the top-left value of a merged range


def _over_cells(sheet: str, rows: int) -> str:
    return f"sheet {sheet} holds over {MAX_CELLS:,} cells: only the first {rows:,} rows read"


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column), 0-based, of each merged range
    in the sheet's XML, read as a stream; at most MAX_MERGED of them."""
    from openpyxl.utils.cell import range_boundaries  # lazy: start-up

    found: list[tuple[int, int, int, int]] = []
    with archive.open(path.lstrip("/")) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag.endswith("}mergeCell") and len(found) < MAX_MERGED:
                try:
                    c0, r0, c1, r1 = range_boundaries(element.get("ref", ""))
                except (ValueError, TypeError):
                    continue
                if None not in (c0, r0, c1, r1):  # "A:A" (a whole column) is no range of cells
                    found.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))  # type: ignore[operator]
            if not element.tag.endswith("}mergeCells"):
                element.clear()  # keep memory flat over a long sheet
    return found


def _widen(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    """Rows made rectangular, as wide and as long as the cells and merged ranges
    reach, as a person sees the sheet; but a merged range that would take the
    sheet past MAX_CELLS (one spanning a million rows) adds no cells at all."""
    height = max([len(rows)] + [r1 + 1 for r0, _, r1, _ in merged if r0 < len(rows)])
    width = max([len(row) for row in rows] + [c1 + 1 for _, c0, _, c1 in merged], default=0)
    if height * width > MAX_CELLS:
        height, width = len(rows), max((len(row) for row in rows), default=0)
    rows.extend([] for _ in range(height - len(rows)))
    for row in rows:
        row.extend([""] * (width - len(row)))


def _fill(rows: list[list[str]], r0: int, c0: int, r1: int, c1: int, keep: bool = True) -> None:
    """The merged range's top-left value in each of its cells the rows hold
    (`keep`: only in those left empty)."""
    if r0 >= len(rows) or c0 >= len(rows[r0]):
        return
    value = rows[r0][c0]
    for r in range(r0, min(r1, len(rows) - 1) + 1):
        for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
            if not (keep and rows[r][c]):
                rows[r][c] = value


def read_xls(data: bytes) -> list[Table]:
    import xlrd  # lazy: start-up

    # ragged: a row holds the cells it has, not as many as a DIMENSIONS record claims
    book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True,
                              logfile=io.StringIO())  # xlrd logs to stdout otherwise
    tables = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        # as wide as the sheet says when that is a plausible size, else as its cells reach
        wide = sheet.ncols if sheet.nrows * sheet.ncols <= MAX_CELLS else 0
        rows: list[list[str]] = []
        cells = 0
        for r in range(sheet.nrows):
            row = [_xls_cell(book, sheet.cell(r, c)) for c in range(sheet.row_len(r))]
            cells += max(len(row), wide, 1)
            if cells > MAX_CELLS:
                break
            rows.append(row + [""] * (wide - len(row)))
        for r0, r1, c0, c1 in sheet.merged_cells:
            _fill(rows, r0, c0, r1 - 1, c1 - 1)
        tables.append(Table("sheet", sheet.name, rows,
                            note=_over_cells(sheet.name, len(rows)) if cells > MAX_CELLS else None))
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
    """ODS content.xml read as a stream with defusedxml (no unmaintained odfpy for a
    simple table model): each row is read and dropped, so memory follows the
    cells kept, not the size of the XML."""
    tables: list[Table] = []
    sheets: list[_OdsSheet] = []
    with zipfile.ZipFile(io.BytesIO(data)).open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if element.tag == _q("table", "table"):
                if event == "start":
                    sheets.append(_OdsSheet(element.get(_q("table", "name"), "Sheet")))
                elif sheets:
                    tables.append(sheets.pop().table())
            elif event == "end" and element.tag == _q("table", "table-row") and sheets:
                sheets[-1].add_row(element)
                element.clear()
    return tables


def _q(ns: str, name: str) -> str:
    return f"{{{ODS[ns]}}}{name}"


def _count(element, name: str) -> int:
    value = element.get(_q("table", name), "1")
    return int(value) if value.isdigit() else 1


class _OdsSheet:
    """One sheet's rows as they stream past. A repeat ("this empty cell 16384
    times", "this row a million times") is written out only up to MAX_REPEAT and
    only before real data: trailing empty repeats are never expanded, and the
    sheet stops at MAX_CELLS with a note."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[list[str]] = []
        self.spans: list[tuple[int, int, int, int]] = []
        self.cells = 0
        self.note: str | None = None

    def add_row(self, row) -> None:
        if self.note:
            return
        cells = self._cells(row)
        repeat = min(_count(row, "number-rows-repeated"), MAX_REPEAT)
        for _ in range(repeat if cells else 1):
            self.cells += max(len(cells), 1)
            if self.cells > MAX_CELLS:
                self.note = _over_cells(self.name, len(self.rows))
                return
            self.rows.append(list(cells))

    def _cells(self, row) -> list[str]:
        cells: list[str] = []
        empty = 0  # empty cells seen but not yet written: kept only if a value follows
        for cell in row:
            if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                continue
            repeat = min(_count(cell, "number-columns-repeated"), MAX_REPEAT)
            text = _ods_value(cell)
            across, down = _count(cell, "number-columns-spanned"), _count(cell, "number-rows-spanned")
            if across > 1 or down > 1:
                at = len(cells) + empty
                self.spans.append((len(self.rows), at, len(self.rows) + down - 1, at + across - 1))
            if not text:
                empty += repeat
                continue
            cells.extend([""] * empty)
            cells.extend([text] * repeat)
            empty = 0
            if len(cells) > MAX_CELLS:
                break
        return cells

    def table(self) -> Table:
        rows = self.rows
        while rows and not any(rows[-1]):
            rows.pop()
        width = max((len(r) for r in rows), default=0)
        rows = [r + [""] * (width - len(r)) for r in rows]
        for r0, c0, r1, c1 in self.spans:
            _fill(rows, r0, c0, r1, c1)
        return Table("sheet", self.name, rows, note=self.note)


def _ods_value(cell) -> str:
    kind = cell.get(_q("office", "value-type"))
    if kind in ("float", "percentage", "currency"):
        return cell_text(float(cell.get(_q("office", "value"), "0")))
    if kind == "date":
        return cell.get(_q("office", "date-value"), "")[:10]
    paragraphs = ["".join(p.itertext()) for p in cell.iter(_q("text", "p"))]
    return "\n".join(paragraphs).strip()
