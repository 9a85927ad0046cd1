"""Writing a reply's tables in each format: xlsx, csv, docx, pdf, html, and
plain-text tables (space-aligned, one cell per line, `|`-separated).

Every writer is deterministic: the same tables give the same bytes (document
dates and zip timestamps are fixed)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from dataclasses import dataclass, field

FIXED = dt.datetime(2024, 4, 1, 9, 0, 0)  # noqa: DTZ001 - document timestamps are naive by format

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Table:
    """A table as the council lays it out: display strings (or numbers for xlsx)."""
    title: str | None
    corner: str
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[object]]
    notes: list[str] = field(default_factory=list)
    sheet: str | None = None                 # sheet name, when a table has a sheet of its own

    def grid(self) -> list[list[object]]:
        return [[self.corner, *self.col_labels]] + [[label, *row] for label, row in zip(self.row_labels, self.cells)]


def text_of(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated FIXED, so the bytes do not depend on the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-04-01T09:00:00Z", content)
            dst.writestr(fixed, content)
    return out.getvalue()


# ---- spreadsheets --------------------------------------------------------------------

def write_xlsx(tables: list[Table], *, one_sheet: bool, heading: str | None = None) -> bytes:
    """Each table on a sheet of its own (named by `Table.sheet`), or all on one sheet,
    titled and separated by blank rows."""
    import openpyxl

    book = openpyxl.Workbook()
    book.properties.created = FIXED
    book.properties.modified = FIXED
    book.properties.creator = "Information Governance"
    sheets = [book.active]
    if not one_sheet:
        for _ in tables[1:]:
            sheets.append(book.create_sheet())
    for index, table in enumerate(tables):
        sheet = sheets[0] if one_sheet else sheets[index]
        if not one_sheet or index == 0:
            sheet.title = (table.sheet or f"Sheet{index + 1}")[:31]
            if heading:
                sheet.append([heading])
                sheet.append([])
        if table.title:
            sheet.append([table.title])
        for row in table.grid():
            sheet.append(list(row))
        for note in table.notes:
            sheet.append([note])
        if one_sheet:
            sheet.append([])
            sheet.append([])
    out = io.BytesIO()
    book.save(out)
    return _fixed_zip(out.getvalue())


CSV_DIALECTS = ("comma", "semicolon", "tab", "quote_all", "bom_crlf")


def write_csv(tables: list[Table], dialect: str) -> bytes:
    out = io.StringIO()
    options = {"comma": {}, "semicolon": {"delimiter": ";"}, "tab": {"delimiter": "\t"},
               "quote_all": {"quoting": csv.QUOTE_ALL}, "bom_crlf": {}}[dialect]
    writer = csv.writer(out, lineterminator="\r\n" if dialect == "bom_crlf" else "\n", **options)
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        if table.title:
            writer.writerow([table.title])
        writer.writerows([[text_of(c) for c in row] for row in table.grid()])
        for note in table.notes:
            writer.writerow([note])
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if dialect == "bom_crlf" else data


# ---- documents --------------------------------------------------------------------------

def write_docx(paragraphs: list[str], tables: list[Table]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.created = FIXED
    document.core_properties.modified = FIXED
    document.core_properties.last_printed = FIXED
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for table in tables:
        if table.title:
            document.add_paragraph(table.title)
        grid = table.grid()
        out = document.add_table(rows=len(grid), cols=len(grid[0]))
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                out.cell(r, c).text = text_of(value)
        for note in table.notes:
            document.add_paragraph(note)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _latin1(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2013", "-").encode("latin-1", "replace").decode("latin-1")


def write_pdf(paragraphs: list[str], tables: list[Table]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for table in tables:
        if table.title:
            pdf.multi_cell(0, 5, _latin1(table.title), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        grid = table.grid()
        first = 70 if max(len(text_of(r[0])) for r in grid) > 20 else 35
        rest = (190 - first) / max(1, len(grid[0]) - 1)
        with pdf.table(col_widths=(first, *([rest] * (len(grid[0]) - 1)))) as out:
            for row in grid:
                line = out.row()
                for value in row:
                    line.cell(_latin1(text_of(value)))
        for note in table.notes:
            pdf.multi_cell(0, 5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def write_html(paragraphs: list[str], tables: list[Table], after: list[str]) -> str:
    parts = ["<html><body>"]
    parts += [f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs]
    for table in tables:
        if table.title:
            parts.append(f"<p><b>{html.escape(table.title)}</b></p>")
        parts.append('<table border="1" cellpadding="3">')
        for r, row in enumerate(table.grid()):
            tag = "th" if r == 0 else "td"
            parts.append("<tr>" + "".join(f"<{tag}>{html.escape(text_of(v))}</{tag}>" for v in row) + "</tr>")
        parts.append("</table>")
        parts += [f"<p><i>{html.escape(n)}</i></p>" for n in table.notes]
    parts += [f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in after]
    parts.append("</body></html>")
    return "\n".join(parts)


# ---- plain-text tables --------------------------------------------------------------------

TEXT_TABLES = ("spaced", "spaced_gaps", "cells", "cells_gaps", "pipe", "pipe_edges")


def text_table(table: Table, style: str) -> str:
    grid = [[text_of(v) for v in row] for row in table.grid()]
    lines = [table.title] if table.title else []
    if style.startswith("spaced"):
        widths = [max(len(row[c]) for row in grid) for c in range(len(grid[0]))]
        for row in grid:
            lines.append((row[0].ljust(widths[0]) + "  " + "   ".join(
                cell.rjust(widths[c + 1]) for c, cell in enumerate(row[1:]))).rstrip())
            if style == "spaced_gaps":
                lines.append("")
    elif style.startswith("cells"):
        for row in grid:
            for cell in row:
                lines.append(cell)
                if style == "cells_gaps":
                    lines.append("")
    else:
        for row in grid:
            line = " | ".join(row)
            lines.append(f"| {line} |" if style == "pipe_edges" else line)
    lines += table.notes
    return "\n".join(lines).rstrip("\n")
