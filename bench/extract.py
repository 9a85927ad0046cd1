"""Benchmark: foi's extraction of one file (read_source + extract_values, the
reader and figure finding `foi extract` runs per attachment) against opening and
reading the same files with the same libraries directly.

500 files built at setup, in turn xlsx, xls, ods, csv, docx and pdf (84 or 83
of each), each a small table of two questions by two years with different
figures. The libraries side reads xlsx with openpyxl, xls with xlrd, csv with
the csv module, docx with python-docx, pdf with pdfplumber and ods with
python-calamine (openpyxl does not read ods; calamine is the fastest reader a
script could pick). Target: foi, which also finds the figures, in less time
than the libraries only read the cells.

Run: python3 bench/extract.py [--files 500] [--trials 3]
"""

import argparse
import csv
import io
import struct
import time
import zipfile

import common  # noqa: F401 - sets sys.path
from common import interleaved, report

from foi.campaign.spec import Question
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.read import read_source

PERIODS = ["2023/24", "2024/25"]
QUESTIONS = [Question("placed_out_of_area", number="1", text="Children placed more than 20 miles from home"),
             Question("missing", number="2", text="Children reported missing from care")]


def rows_for(i: int) -> list[list[str]]:
    return [["Question", *PERIODS],
            ["Children placed more than 20 miles from home", str(10 + i % 50), str(12 + i % 40)],
            ["Children reported missing from care", str(3 + i % 9), str(5 + i % 7)]]


def make_xlsx(rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([int(c) if c.isdigit() else c for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_xls(rows) -> bytes:
    """An Excel 97 (BIFF8) workbook of one sheet, strings as LABEL records and
    figures as NUMBER records, as report writers make them."""
    from hostile_files import _label, _ole, _record  # the tests' BIFF and OLE writers

    cells = b"".join(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(value))) if value.isdigit()
                     else _label(r, c, value) for r, row in enumerate(rows) for c, value in enumerate(row))
    sheet = (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))  # BOF of a worksheet
             + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, len(rows[0]), 0))  # DIMENSIONS
             + cells + _record(0x000A, b""))

    def globals_at(sheet_at: int) -> bytes:
        return (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))  # BOF of the globals
                + _record(0x0042, struct.pack("<H", 1252))  # CODEPAGE
                + _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, 6, 0) + b"Sheet1")  # BOUNDSHEET
                + _record(0x000A, b""))

    return _ole("Workbook", globals_at(len(globals_at(0))) + sheet)


ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def make_ods(rows) -> bytes:
    def cell(value: str) -> str:
        kind = f'"float" office:value="{value}"' if value.isdigit() else '"string"'
        return f"<table:table-cell office:value-type={kind}><text:p>{value}</text:p></table:table-cell>"

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="Sheet1">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()


def make_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def make_docx(rows) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Our response to your request is below.")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(rows) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    with pdf.table() as table:
        for row in rows:
            line = table.row()
            for value in row:
                line.cell(value)
    return bytes(pdf.output())


MAKERS = {"xlsx": make_xlsx, "xls": make_xls, "ods": make_ods, "csv": make_csv, "docx": make_docx, "pdf": make_pdf}


def raw_read(kind: str, data: bytes) -> list:
    """What a script would do with the libraries directly: every cell as a value."""
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    if kind == "xls":
        import xlrd

        book = xlrd.open_workbook(file_contents=data)
        return [sheet.row_values(r) for sheet in book.sheets() for r in range(sheet.nrows)]
    if kind == "ods":
        import python_calamine

        with python_calamine.CalamineWorkbook.from_object(io.BytesIO(data)) as book:
            return [row for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()]
    if kind == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if kind == "docx":
        import docx

        return [[cell.text for cell in row.cells] for t in docx.Document(io.BytesIO(data)).tables for row in t.rows]
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [row for page in pdf.pages for table in page.extract_tables() for row in table]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    kinds = list(MAKERS)
    files = [(kinds[i % len(kinds)], MAKERS[kinds[i % len(kinds)]](rows_for(i))) for i in range(args.files)]
    print(f"setup: {len(files)} files built in {time.perf_counter() - started:.1f} s")
    matcher = QuestionMatcher(QUESTIONS)

    def foi_extract() -> None:
        found = 0
        for _, data in files:
            reading = read_source(data)
            assert reading.status == "ok" and not reading.note, reading
            found += len(extract_values(reading.tables, matcher, PERIODS))
        assert found >= 4 * len(files), found  # every figure of every file

    def raw_libraries() -> None:
        for kind, data in files:
            assert len(raw_read(kind, data)) >= 3

    times = interleaved({"foi extract": foi_extract, "libraries": raw_libraries}, args.trials)
    report(f"read {len(files)} files and find their figures", times, "foi extract", "libraries", 1.0)


if __name__ == "__main__":
    main()
