"""Benchmark: foi's extraction of one file (read_source + extract_values, the
reader and figure finding `foi extract` runs per attachment) against opening and
reading the same files with the same libraries directly.

500 files built at setup: 125 each of xlsx, csv, docx and pdf, each a small
table of two questions by two years with different figures.

Run: python3 bench/extract.py [--files 500] [--trials 3]
"""

import argparse
import csv
import io
import time

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


MAKERS = {"xlsx": make_xlsx, "csv": make_csv, "docx": make_docx, "pdf": make_pdf}


def raw_read(kind: str, data: bytes) -> list:
    """What a script would do with the libraries directly: every cell as a value."""
    if kind == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
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
    files = [(kinds[i % 4], MAKERS[kinds[i % 4]](rows_for(i))) for i in range(args.files)]
    print(f"setup: {len(files)} files built in {time.perf_counter() - started:.1f} s")
    matcher = QuestionMatcher(QUESTIONS)

    def foi_extract() -> None:
        found = 0
        for _, data in files:
            reading = read_source(data)
            assert reading.status == "ok", reading
            found += len(extract_values(reading.tables, matcher, PERIODS))
        assert found >= 4 * len(files), found  # every figure of every file

    def raw_libraries() -> None:
        for kind, data in files:
            assert len(raw_read(kind, data)) >= 3

    times = interleaved({"foi extract": foi_extract, "libraries": raw_libraries}, args.trials)
    report(f"read {len(files)} files and find their figures", times, "foi extract", "libraries", 2.0)


if __name__ == "__main__":
    main()
