"""xlsx read by calamine gives what openpyxl gave: the same cell text at the same
places and the same figures found, over workbooks built here with the patterns
council replies use; and the workbooks calamine would read differently, or could
not lay out at all, go to openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from hostile_files import CELLS, _sheet, _xlsx
from mailbuild import zip_of

from foi.campaign.spec import Question
from foi.extract import spreadsheet
from foi.extract.mapper import extract_values
from foi.extract.questions import QuestionMatcher
from foi.extract.read import read_source
from foi.extract.xlsx_scan import calamine_reads_alike

PERIODS = ["2022/23", "2023/24"]
QUESTIONS = [Question("referrals", number="1", text="Number of referrals to children's social care"),
             Question("missing", number="2", text="Children reported missing from care")]


def _save(book: openpyxl.Workbook, cached: dict[str, str] | None = None) -> bytes:
    """The workbook's bytes; `cached` gives formulas the results Excel would have
    stored beside them (openpyxl writes formulas without one)."""
    out = io.BytesIO()
    book.save(out)
    if not cached:
        return out.getvalue()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        sheet = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\1\2<v>{value}</v>", sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    return zip_of(parts)


def reply_with_everything() -> bytes:
    """One workbook of what replies hold: a title over merged cells, dates, times,
    percentages, numbers as text, suppression marks, formulas with their cached
    results, empty rows and columns, a hidden sheet and a very wide one."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "FOI 1234"
    sheet["B2"] = "Response to FOI request 1234"
    sheet.merge_cells("B2:E2")
    sheet.append([])
    sheet.append([None, "Question", "2022/23", "2023/24", "Note"])
    sheet.append([None, "Number of referrals to children's social care", 1234, "1,456", "see note"])
    sheet.append([None, "Children reported missing from care", "<5", 12.0, None])
    sheet.append([None, "Share re-referred", 0.25, "=C5/D5", None])
    sheet["C7"].number_format = "0%"
    sheet.append([None, "Total", "=C4+D4", 12.5, True])
    sheet.append([])
    stamped = dt.datetime(2024, 4, 2, 9, 30)  # noqa: DTZ001 - a cell's date and time carry no zone
    sheet.append([None, "Date of extract", dt.date(2024, 3, 31), stamped, dt.time(17, 5)])
    sheet["C10"].number_format = "dd/mm/yyyy"
    sheet["D10"].number_format = "[$-809]dd mmmm yyyy hh:mm;@"
    sheet["E10"].number_format = "hh:mm"
    sheet.append([None, "Time waited", dt.timedelta(hours=30), 45000, 1e-07])
    sheet["C11"].number_format = "[h]:mm"
    sheet["D11"].number_format = "mmm-yy"
    sheet.merge_cells("A12:A14")
    sheet["A12"] = "Merged down"
    sheet["B13"] = "  padded text  "
    sheet["C13"] = "line one\nline two"
    hidden = book.create_sheet("Workings")
    hidden.sheet_state = "hidden"
    hidden.append(["Children reported missing from care", 7, 9])
    wide = book.create_sheet("Wide")
    wide.append(["Question"] + [f"Col {n}" for n in range(1, 400)])
    wide.append(["Number of referrals to children's social care"] + list(range(399)))
    return _save(book, {"D7": "0.85470085470085466", "C8": "2690"})


def years_across_merged_header() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Children's services"
    sheet.merge_cells("A1:C1")
    sheet["B2"] = "Financial year"
    sheet.merge_cells("B2:C2")
    sheet.append(["", "2022/23", "2023/24"])
    sheet.append(["Number of referrals to children's social care", 310, 295])
    sheet.append(["Children reported missing from care", "*", 41])
    sheet.append(["* fewer than 5"])
    return _save(book)


def trimmed(tables) -> list[tuple[str, list[list[str]]]]:
    """Each table's label and rows without trailing empty rows and columns: openpyxl
    also gives the empty cells a sheet formats past its last value, calamine stops
    at the last value, and neither has anything there to read."""
    shown = []
    for table in tables:
        rows = [list(row) for row in table.rows]
        while rows and not any(rows[-1]):
            rows.pop()
        width = max((max((c + 1 for c, cell in enumerate(row) if cell), default=0) for row in rows), default=0)
        shown.append((table.label, [row[:width] for row in rows]))
    return shown


def found(tables) -> list[tuple]:
    matcher = QuestionMatcher(QUESTIONS)
    return [(f.question_id, f.period, f.value, f.location, f.note)
            for f in extract_values(tables, matcher, PERIODS)]


@pytest.mark.parametrize("build", [reply_with_everything, years_across_merged_header])
def test_calamine_reads_the_cells_and_finds_the_figures_openpyxl_did(build):
    data = build()
    assert calamine_reads_alike(data, spreadsheet.MAX_CELLS, spreadsheet.MAX_MERGED)
    by_calamine = spreadsheet._calamine_xlsx(data)
    by_openpyxl = spreadsheet._openpyxl_xlsx(data)
    assert by_calamine is not None
    assert trimmed(by_calamine) == trimmed(by_openpyxl)
    assert found(by_calamine) == found(by_openpyxl)
    assert found(by_calamine)  # a comparison of nothing would prove nothing


def test_what_the_reply_workbook_reads_as():
    sheets = dict(trimmed(read_source(reply_with_everything()).tables))
    assert list(sheets) == ["FOI 1234", "Workings", "Wide"]  # the hidden sheet is read too
    rows = sheets["FOI 1234"]
    assert rows[1] == ["", *["Response to FOI request 1234"] * 4]  # the merged title over B2:E2
    assert rows[4][1:4] == ["Number of referrals to children's social care", "1234", "1,456"]
    assert rows[5][2:4] == ["<5", "12"]
    assert rows[6][2:4] == ["0.25", "0.8547008547008547"]  # a percentage is its value; the formula's result
    assert rows[7][2:5] == ["2690", "12.5", "TRUE"]
    assert rows[9][2:5] == ["2024-03-31", "2024-04-02T09:30:00", "17:05:00"]
    assert rows[10][2:5] == ["1 day, 6:00:00", "2023-03-15", "1e-07"]
    assert [row[0] for row in rows[11:14]] == ["Merged down"] * 3
    assert rows[12][1:3] == ["padded text", "line one\nline two"]
    assert len(sheets["Wide"][0]) == 400


def far_apart_cells() -> bytes:
    """A1 and XFD1048576: laid out whole, 17 billion cells."""
    return _xlsx(_sheet(CELLS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def error_cells() -> bytes:
    return _xlsx(_sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>Rate</t></is></c>'
                        '<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'))


def long_integer() -> bytes:
    return _xlsx(_sheet('<row r="1"><c r="A1"><v>12345678901234567890</v></c></row>'))


def run_of_text_with_edge_spaces() -> bytes:
    return _xlsx(_sheet('<row r="1"><c r="A1" t="inlineStr"><is><r><t>Children in </t></r>'
                        '<r><t>care</t></r></is></c></row>'))


def cells_without_references() -> bytes:
    return _xlsx(_sheet('<row><c t="inlineStr"><is><t>Year</t></is></c><c><v>5</v></c></row>'))


@pytest.mark.parametrize("build, first_row", [
    (far_apart_cells, ["Year", "Referrals"]),
    (error_cells, ["Rate", "#DIV/0!"]),  # calamine would give an empty cell
    (long_integer, ["12345678901234567890"]),  # calamine: a float, 12345678901234567168
    (run_of_text_with_edge_spaces, ["Children in care"]),  # calamine: "Children incare"
    (cells_without_references, ["Year", "5"]),
])
def test_workbooks_calamine_would_read_otherwise_are_read_by_openpyxl(build, first_row):
    data = build()
    assert not calamine_reads_alike(data, spreadsheet.MAX_CELLS, spreadsheet.MAX_MERGED)
    reading = read_source(data)
    assert reading.status == "ok"
    assert reading.tables[0].rows[0][:len(first_row)] == first_row


def test_more_cells_than_the_cap_go_to_openpyxl_which_reads_up_to_it_and_says_so():
    data = _xlsx(_sheet(CELLS))  # four cells
    assert calamine_reads_alike(data, max_cells=4, max_merged=10)
    assert not calamine_reads_alike(data, max_cells=3, max_merged=10)


def test_too_many_merged_ranges_go_to_openpyxl():
    merges = "".join(f'<mergeCell ref="C{n}:D{n}"/>' for n in range(1, 12))
    data = _xlsx(_sheet(CELLS, f"<mergeCells>{merges}</mergeCells>"))
    assert calamine_reads_alike(data, spreadsheet.MAX_CELLS, max_merged=11)
    assert not calamine_reads_alike(data, spreadsheet.MAX_CELLS, max_merged=10)


def test_a_workbook_calamine_cannot_open_is_read_or_refused_by_openpyxl_as_before():
    data = _xlsx(_sheet(CELLS, '<mergeCells count="1"><mergeCell ref="A:A"/></mergeCells>'))
    assert calamine_reads_alike(data, spreadsheet.MAX_CELLS, spreadsheet.MAX_MERGED)
    assert spreadsheet._calamine_xlsx(data) is None  # calamine: "Range is missing the expected row component"
    reading = read_source(data)
    assert (reading.status, reading.format) == ("unreadable", "xlsx")
    assert reading.note.startswith("xlsx reader failed: TypeError: ")


def test_a_carriage_return_excel_escaped_is_read_as_the_line_break_excel_shows():
    # where the two differ: openpyxl gave the escape itself ("Children_x000D_\nin care")
    data = _xlsx(_sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>Children_x000D_\nin care</t></is></c>'
                        '<c r="B1"><v>42</v></c></row>'))
    assert read_source(data).tables[0].rows == [["Children\r\nin care", "42"]]
