"""PDF tables: borderless (stream) tables, sideways pages and row-spanned
ruled cells, each read into exact cells at exact locations."""

from __future__ import annotations

import itertools

import pytest

from foi.extract.pdf import PdfOptions
from foi.extract.read import read_source

YEARS = ["2021/22", "2022/23", "2023/24"]
ROWS = [("Referrals received", ["1,234", "987", "12,045"]),
        ("Re-referrals within 12 months", ["56", "1,102", "7"]),
        ("No further action", ["310", "42", "2,200"])]


def _grids(data: bytes) -> list:
    reading = read_source(data)
    assert reading.status == "ok", reading.note
    return [t for t in reading.tables if t.kind == "grid"]


def _borderless_page(top: float, rows: list, rights=(110, 140, 170)):
    """A page with a table laid out by position only, a row every 6 mm from
    `top`: no lines drawn, each label at the left margin and each figure
    right-aligned on its column's right edge. Returns the FPDF to add to."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for n, (label, cells) in enumerate(rows):
        y = top + 6 * n
        if label:
            pdf.text(20, y, label)
        for right, text in zip(rights, cells):
            pdf.text(right - pdf.get_string_width(text), y, text)
    return pdf


def _stream_pdf() -> bytes:
    """A letter with a borderless table: figures right-aligned under
    right-aligned year headings."""
    pdf = _borderless_page(40, [("", YEARS), *ROWS])
    pdf.text(20, 20, "Dear requester, the figures you asked for are below.")
    pdf.text(20, 80, "Yours faithfully, Information Governance Team")
    return bytes(pdf.output())


def test_borderless_table_with_right_aligned_figures():
    (table,) = _grids(_stream_pdf())
    assert table.rows == [["", *YEARS]] + [[label, *cells] for label, cells in ROWS]
    assert table.locate(2, 2) == "page 1 table 1 row 3 col 3"
    assert table.rows[2][2] == "1,102"
    assert table.locate(3, 3) == "page 1 table 1 row 4 col 4" and table.rows[3][3] == "2,200"


def test_prose_is_not_a_table():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    words = ("thank you for your request for information received on 4 February 2026 we hold "
             "some of the details you asked for and they are given below with an explanation of "
             "what could not be provided under section 12 of the Act because the cost of finding "
             "it would exceed the appropriate limit set by the regulations").split()
    for x, step in ((15, 7), (110, 11)):  # two columns of justified text side by side
        pdf.set_xy(x, 20)
        pdf.multi_cell(85, 5, " ".join(words[(i * step) % len(words)] for i in range(120)), align="J")
    assert _grids(bytes(pdf.output())) == []


def _ruled_rows(pdf, rows, widths=None) -> None:
    with pdf.table(first_row_as_headings=False, col_widths=widths) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)


def test_sideways_table_is_turned_upright():
    """A landscape table printed turned a quarter on a portrait page, either
    way round, reads as it does once the page is turned."""
    from fpdf import FPDF

    rows = [["Question", *YEARS]] + [[label, *cells] for label, cells in ROWS]
    for angle in (90, -90):
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("helvetica", size=10)
        with pdf.rotation(angle, x=105, y=148):
            pdf.set_xy(40, 120)
            _ruled_rows(pdf, rows, (70, 25, 25, 25))
        (table,) = _grids(bytes(pdf.output()))
        assert table.rows == rows, angle
        assert table.locate(3, 1) == "page 1 table 1 row 4 col 2" and table.rows[3][1] == "310"


def test_row_spanned_label_names_each_row_but_a_spanned_figure_is_not_copied():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    with pdf.table(first_row_as_headings=False) as table:
        for cells in [["Team", "Service", "2023/24"]]:
            row = table.row()
            for cell in cells:
                row.cell(cell)
        row = table.row()
        row.cell("Children's services", rowspan=3)
        row.cell("Referrals")
        row.cell("1,234")
        row = table.row()
        row.cell("Assessments")
        row.cell("456", rowspan=2)  # one figure for both services
        row = table.row()
        row.cell("Reviews")
    (grid,) = _grids(bytes(pdf.output()))
    assert grid.rows == [["Team", "Service", "2023/24"],
                         ["Children's services", "Referrals", "1,234"],
                         ["Children's services", "Assessments", "456"],
                         ["Children's services", "Reviews", ""]]
    assert grid.locate(2, 2) == "page 1 table 1 row 3 col 3"


def test_ruled_and_borderless_tables_on_one_page_share_no_figure():
    """A figure is read into one table only, so it never meets itself in
    two tables of the same file."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.set_y(20)
    _ruled_rows(pdf, [["Question", "2023/24"], ["Complaints", "17"], ["Compliments", "23"]])
    for y, cells in zip([90, 96, 102, 108], [["", "2023/24"], ["Appeals", "5"], ["Upheld", "2"],
                                             ["Withdrawn", "1"]]):
        pdf.text(20, y, cells[0])
        pdf.text(120 - pdf.get_string_width(cells[1]), y, cells[1])
    first, second = _grids(bytes(pdf.output()))
    assert first.rows == [["Question", "2023/24"], ["Complaints", "17"], ["Compliments", "23"]]
    assert second.rows == [["", "2023/24"], ["Appeals", "5"], ["Upheld", "2"], ["Withdrawn", "1"]]
    assert (first.label, second.label) == ("page 1 table 1", "page 1 table 2")


LEFTS, TOPS = (20, 80, 130, 170), (20, 30, 40, 50, 60)  # mm: a ruled 3 x 4 grid


def _ruled_grid_pdf(cells) -> bytes:
    """Ruled cells drawn as rectangles; each (row, col, text, size, char
    spacing in pt, x offset in mm) is written on the cell's baseline."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for top, bottom in itertools.pairwise(TOPS):
        for left, right in itertools.pairwise(LEFTS):
            pdf.rect(left, top, right - left, bottom - top)
    for r, c, text, size, spacing, dx in cells:
        pdf.set_font("helvetica", size=size)
        pdf.set_char_spacing(spacing)
        pdf.text(LEFTS[c] + 2 + dx, TOPS[r] + 7, text)
    return bytes(pdf.output())


def test_ruled_cell_words_survive_filler_spaces_letter_spacing_and_tiny_print():
    """pdfplumber's fixed 3 pt word gap reads these cells as 'D e l h i a n d
    M u m b a i' (a run of spaces drawn over the text), 'N o r t h W e s t'
    (letters set 4 pt apart) and 'Total19' (4 pt print, words 2 pt apart)."""
    plain = [(0, c, text, 10, 0, 0) for c, text in enumerate(["Area", "Office", "Staff"])]
    data = _ruled_grid_pdf(plain + [
        (1, 0, " " * 40, 10, 0, 0), (1, 0, "Delhi and Mumbai", 10, 0, 0),
        (1, 1, "Kota", 10, 0, 0), (1, 2, "12", 10, 0, 0),
        (2, 0, "North West", 10, 4, 0), (2, 1, "Leeds", 10, 0, 0), (2, 2, "7", 10, 0, 0),
        (3, 0, "Total", 4, 0, 0), (3, 0, "19", 4, 0, (8.892 + 2) / 2.8346), (3, 2, "19", 10, 0, 0),
    ])
    (grid,) = _grids(data)
    assert grid.rows == [["Area", "Office", "Staff"], ["Delhi and Mumbai", "Kota", "12"],
                         ["North West", "Leeds", "7"], ["Total 19", "", "19"]]


def _merged_cells_pdf() -> bytes:
    """A label over two rows (two lines of text), a figure over three, and a
    total label over two columns."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    with pdf.table(first_row_as_headings=False, col_widths=(50, 30, 30)) as table:
        row = table.row()
        for text in ("Team", "Quarter", "Cases"):
            row.cell(text)
        row = table.row()
        row.cell("Adult\nservices", rowspan=2)
        row.cell("Q1")
        row.cell("1,234", rowspan=3)
        table.row().cell("Q2")
        row = table.row()
        row.cell("Carers")
        row.cell("Q3")
        row = table.row()
        row.cell("Total for the year", colspan=2)
        row.cell("1,290")
    return bytes(pdf.output())


def test_merged_cell_text_goes_where_the_spans_option_says():
    data = _merged_cells_pdf()
    head = [["Team", "Quarter", "Cases"]]

    def rows(spans: str | None) -> list[list[str]]:
        reading = read_source(data, PdfOptions(spans=spans) if spans else None)
        (grid,) = [t for t in reading.tables if t.kind == "grid"]
        return grid.rows[1:] if grid.rows[:1] == head else grid.rows

    assert rows(None) == rows("labels") == [  # the label names both its rows, the figure is not copied
        ["Adult\nservices", "Q1", "1,234"], ["Adult\nservices", "Q2", ""], ["Carers", "Q3", ""],
        ["Total for the year", "", "1,290"]]
    assert rows("first") == [
        ["Adult\nservices", "Q1", "1,234"], ["", "Q2", ""], ["Carers", "Q3", ""],
        ["Total for the year", "", "1,290"]]
    assert rows("last") == [
        ["", "Q1", ""], ["Adult\nservices", "Q2", ""], ["Carers", "Q3", "1,234"],
        ["", "Total for the year", "1,290"]]
    assert rows("placed") == [  # each line in the row it lies in; the figure is centred on Q2
        ["Adult", "Q1", ""], ["services", "Q2", "1,234"], ["Carers", "Q3", ""],
        ["Total for the year", "", "1,290"]]


def test_unknown_spans_option_is_refused():
    with pytest.raises(ValueError, match="spans must be one of labels, first, last, placed"):
        PdfOptions(spans="middle")


def test_raised_footnote_mark_is_kept_apart_from_the_figure():
    """"1,102" with a small raised "1" (a footnote) must not read as 11,021."""
    from foi.extract.values import parse_value

    pdf = _borderless_page(40, [("", YEARS), *ROWS])
    pdf.set_font("helvetica", size=6)
    pdf.text(140, 50.5, "1")  # raised after "1,102" (baseline 52), touching it
    pdf.set_font("helvetica", size=10)
    pdf.text(20, 70, "1 Includes referrals transferred in from another authority.")
    reading = read_source(bytes(pdf.output()))
    (table,) = [t for t in reading.tables if t.kind == "grid"]
    assert table.rows[2] == ["Re-referrals within 12 months", "56", "1,102<s>1</s>", "7"]
    value = parse_value(table.rows[2][2])
    assert (value.status, value.value, value.note) == ("answered", 1102.0, "footnote mark '1'")
    (text,) = [t for t in reading.tables if t.kind == "lines"]
    assert ["Re-referrals within 12 months 56 1,102<s>1</s> 7"] in text.rows
    # marks off: joined as printed (what a plain text extraction gives)
    (table,) = [t for t in read_source(bytes(pdf.output()), PdfOptions(marks=False)).tables if t.kind == "grid"]
    assert table.rows[2] == ["Re-referrals within 12 months", "56", "1,1021", "7"]


def test_close_set_header_cells_are_split_but_a_group_heading_is_not():
    """Two headers typed with a space between but set a little wider than a
    space, each over its own column, are two cells; a heading over a group of
    columns with ordinary spaces ("All children") stays one cell."""
    rights = (110, 140, 157)
    pdf = _borderless_page(46, ROWS, rights)
    space, width = pdf.get_string_width(" "), pdf.get_string_width
    # "All" ends over column 2, "children" begins over column 3
    pdf.text(rights[1] - width("All"), 34, "All children")
    pdf.text(rights[1] - width("Referred"), 40, "Referred ")  # the space is typed...
    pdf.text(rights[1] + 1.6 * space, 40, "Re-referred")  # ...and the next cell set 1.6 spaces on
    rows = _grids(bytes(pdf.output()))[0].rows
    # the heading goes to the column it overlaps most, whole
    assert rows[:2] == [["", "", "", "All children"], ["", "", "Referred", "Re-referred"]]
    # split: words parted between the columns they fall in, whatever the space
    split = [t for t in read_source(bytes(pdf.output()), PdfOptions(split=True)).tables if t.kind == "grid"]
    assert split[0].rows[:2] == [["", "", "All", "children"], ["", "", "Referred", "Re-referred"]]


def test_borderless_table_takes_close_captions_and_one_note_only():
    """A caption set close above the header and a note just under the last
    row are the table's; a title a blank line above it and a source line
    under the note are not."""
    pdf = _borderless_page(36, [("", YEARS), *ROWS])
    pdf.text(20, 20, "Annual return")  # a blank line above the caption
    pdf.text(20, 30, "Referrals by year")
    pdf.text(20, 60, "Figures are provisional.")
    pdf.text(20, 64.5, "Source: case management system.")
    (table,) = _grids(bytes(pdf.output()))
    assert table.rows == [["Referrals by year", "", "", ""], ["", *YEARS]] + \
        [[label, *cells] for label, cells in ROWS] + [["Figures are provisional.", "", "", ""]]

