"""PDF tables: borderless (stream) tables, sideways pages and row-spanned
ruled cells, each read into exact cells at exact locations."""

from __future__ import annotations

from foi.extract.read import read_source

YEARS = ["2021/22", "2022/23", "2023/24"]
ROWS = [("Referrals received", ["1,234", "987", "12,045"]),
        ("Re-referrals within 12 months", ["56", "1,102", "7"]),
        ("No further action", ["310", "42", "2,200"])]


def _grids(data: bytes) -> list:
    reading = read_source(data)
    assert reading.status == "ok", reading.note
    return [t for t in reading.tables if t.kind == "grid"]


def _stream_pdf() -> bytes:
    """A letter with a table laid out by position only: no lines drawn, the
    figures right-aligned under right-aligned year headings."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.text(20, 20, "Dear requester, the figures you asked for are below.")
    rights = [110, 140, 170]
    for y, (label, cells) in zip([40, 46, 52, 58], [("", YEARS), *ROWS]):
        if label:
            pdf.text(20, y, label)
        for right, text in zip(rights, cells):
            pdf.text(right - pdf.get_string_width(text), y, text)
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


def _text_right(pdf, right: float, y: float, text: str) -> None:
    pdf.text(right - pdf.get_string_width(text), y, text)


def test_borderless_table_takes_close_captions_and_one_note_only():
    """A caption set close above the header and a note just under the last
    row are the table's; a title a blank line above it and a source line
    under the note are not."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.text(20, 20, "Annual return")  # a blank line above the caption
    pdf.text(20, 30, "Referrals by year")
    for y, (label, cells) in zip([36, 42, 48, 54], [("", YEARS), *ROWS]):
        pdf.text(20, y, label)
        for right, text in zip([110, 140, 170], cells):
            _text_right(pdf, right, y, text)
    pdf.text(20, 60, "Figures are provisional.")
    pdf.text(20, 64.5, "Source: case management system.")
    (table,) = _grids(bytes(pdf.output()))
    assert table.rows == [["Referrals by year", "", "", ""], ["", *YEARS]] + \
        [[label, *cells] for label, cells in ROWS] + [["Figures are provisional.", "", "", ""]]

