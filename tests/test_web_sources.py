"""The review desk shows each value beside its source (issue 19, item 2): replies built
here are imported and extracted through the CLI, then source_fragment renders where each
stored value was read: the table with the cell and its headers marked, the email's text
with the sentence marked, every candidate cell of a value read differently, or a sentence
saying why the source cannot be shown."""

from __future__ import annotations

import io
import re
from pathlib import Path

from foi.blobs import blob_dir
from foi.db import connect
from foi.extract.review import review_campaign
from foi.web.sources import source_fragment
from tests.builders import VISITS_CAMPAIGN, sent_to_barnsley
from tests.mailfixtures import reply_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SCRIPT = "<script>alert('visits')</script>"
SHEET = "<img src=x onerror=alert(2)>"  # a sheet's name is the council's too
HANDLER = '"onmouseover=alert(1) x="'


def marked(fragment: str) -> dict[str, list[str]]:
    """The text of every cell or sentence of the fragment by its class."""
    found: dict[str, list[str]] = {}
    for _, kind, text in re.findall(r'<(td|mark) class="([^"]+)">(.*?)</\1>', fragment):
        found.setdefault(kind, []).append(text)
    return found


def rows(fragment: str) -> list[list[str]]:
    """The table's rows as shown: the row number, then each cell's text."""
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", fragment)]


def workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = "Home visits by the outreach team"
    for row in ([], ["Year", "Home visits"], ["2022/23", 366], ["2023/24", 380], ["2024/25", 412], [],
                [SCRIPT], [HANDLER]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def word_table() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("The figures you asked for are below.")
    table = document.add_table(rows=1, cols=2)
    for cell, text in zip(table.rows[0].cells, ["Year", "Home visits"]):
        cell.text = text
    for year, visits in (("2023/24", "290"), ("2024/25", "301")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = year, visits
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_table() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Barnsley Council\nThe figures you asked for are below.")
    pdf.ln(6)
    with pdf.table() as table:
        row = table.row()
        row.cell("Year")
        row.cell("Home visits")
        for year, visits in (("2023/24", "1,020"), ("2024/25", "1,104")):
            row = table.row()
            row.cell(year)
            row.cell(visits)
    return bytes(pdf.output())


def answered(run, monkeypatch, body: str, files: dict[str, tuple[bytes, str]] | None = None) -> tuple:
    """The visits campaign answered by Barnsley with `body` and `files`, imported (and so
    extracted) by the CLI; the database and the value in force."""
    reference = sent_to_barnsley(run, monkeypatch, "visits", VISITS_CAMPAIGN)
    run("import", str(reply_file(reference, body, files)))
    db = connect(Path("campaign.db"))
    return db, next(db.query("SELECT * FROM answer_values WHERE current = 1"))


def fragment(db, value: dict) -> str:
    return str(source_fragment(db, blob_dir(Path("campaign.db")), value))


def test_a_spreadsheet_cell_is_shown_in_its_sheet_with_its_headers(run, monkeypatch):
    db, value = answered(run, monkeypatch, "Please find our answer attached.", {"visits.xlsx": (workbook(), XLSX)})
    assert (value["source_file"], value["source_location"], value["value"]) == ("visits.xlsx", f"{SHEET}!B6", 412)
    shown = fragment(db, value)
    assert marked(shown) == {"source-cell": ["412"], "row-header": ["2024/25"], "column-header": ["Home visits"]}
    assert rows(shown)[:7] == [["", "A", "B"], ["1", "Home visits by the outreach team", ""], ["2", "", ""],
                               ["3", "Year", "Home visits"], ["4", "2022/23", "366"], ["5", "2023/24", "380"],
                               ["6", "2024/25", "412"]]
    assert "The cell read is highlighted: &lt;img src=x onerror=alert(2)&gt;!B6." in shown
    # a council's cell text is shown as text: no element, no attribute
    assert ["8", "&lt;script&gt;alert(&#39;visits&#39;)&lt;/script&gt;", ""] in rows(shown)
    assert ["9", "&#34;onmouseover=alert(1) x=&#34;", ""] in rows(shown)
    assert "<script" not in shown and '"onmouseover' not in shown and "<img" not in shown
    # with no reading kept for this extractor version, the file is read again (in the worker) to the same table
    db.execute("DELETE FROM extractions")
    db.conn.commit()
    assert fragment(db, value) == shown


def test_a_word_table_and_a_pdf_table_mark_the_cell_read(run, monkeypatch):
    db, value = answered(run, monkeypatch, "Please find our answer attached.",
                         {"visits.docx": (word_table(), DOCX)})
    assert (value["source_location"], value["value"]) == ("table 1 row 3 col 2", 301)
    shown = fragment(db, value)
    assert marked(shown) == {"source-cell": ["301"], "row-header": ["2024/25"], "column-header": ["Home visits"]}
    assert rows(shown) == [["", "1", "2"], ["1", "Year", "Home visits"], ["2", "2023/24", "290"],
                           ["3", "2024/25", "301"]]
    assert '<p class="source-context">The figures you asked for are below.</p>' in shown

    reference = db.execute("SELECT reference FROM requests").fetchone()[0]
    run("import", str(reply_file(reference, "Please find our answer attached.",
                                 {"visits.pdf": (pdf_table(), "application/pdf")}, day=17)))
    pdf_value = next(db.query("SELECT * FROM answer_values WHERE current = 1"))
    assert (pdf_value["source_location"], pdf_value["value"]) == ("page 1 table 1 row 3 col 2", 1104)
    shown = fragment(db, pdf_value)
    assert marked(shown) == {"source-cell": ["1,104"], "row-header": ["2024/25"], "column-header": ["Home visits"]}
    assert rows(shown)[2] == ["2", "2023/24", "1,020"]


def test_a_figure_in_the_email_text_is_shown_in_its_sentence(run, monkeypatch):
    body = (f"Dear Data Project,\n\nHere is our response to your request.\nOur reference: {SCRIPT}\n"
            "In 2024/25 the outreach team made 316 home visits. We hope this helps.\n\nRegards")
    db, value = answered(run, monkeypatch, body)
    assert (value["source_file"], value["source_location"], value["value"]) == ("message body", "body line 5", 316)
    shown = fragment(db, value)
    assert marked(shown) == {"source-sentence": ["In 2024/25 the outreach team made 316 home visits."]}
    assert ('<span class="line-number">5</span> <mark class="source-sentence">In 2024/25 the outreach team made '
            '316 home visits.</mark> We hope this helps.</div>') in shown
    assert ('<span class="line-number">4</span> Our reference: &lt;script&gt;alert(&#39;visits&#39;)&lt;/script&gt;'
            '</div>') in shown


def test_a_long_sentence_is_marked_to_its_end(run, monkeypatch):
    refusal = ("We estimate that finding and extracting the number of home visits made by the outreach team would "
               "exceed the appropriate limit of £450 set for local authorities, as every visit record would have "
               "to be read by hand.")
    db, value = answered(run, monkeypatch, f"Dear Data Project,\n\n{refusal} Section 12 applies.\n\nRegards")
    assert (value["status"], value["source_location"]) == ("refused", "body line 3")
    assert len(value["note"].split("seen: ")[1]) == 160  # the note keeps the sentence's start
    assert marked(fragment(db, value)) == {"source-sentence": [refusal]}


def test_a_long_email_is_cut_to_the_lines_around_the_sentence_and_says_so(run, monkeypatch):
    filler = "".join(f"Paragraph {n} of our letter says nothing about figures.\n" for n in range(1, 41))
    db, value = answered(run, monkeypatch, f"Here is our response to your request.\n{filler}"
                         "In 2024/25 the outreach team made 316 home visits.\n" + filler + "Regards")
    assert value["source_location"] == "body line 42"
    shown = fragment(db, value)
    assert marked(shown) == {"source-sentence": ["In 2024/25 the outreach team made 316 home visits."]}
    assert "A long text: lines 36 to 48 of its 83 are shown, around the text read." in shown
    assert re.findall(r'<span class="line-number">(\d+)</span>', shown) == [str(n) for n in range(36, 49)]


def test_a_table_typed_into_the_email_is_shown_as_a_table(run, monkeypatch):
    tabbed = ("Dear Data Project,\n\nHere is our response to your request.\n\nYear\tHome visits\tStaff\n"
              "2022/23\t250\t4\n2023/24\t290\t5\n2024/25\t301\t6\n\nRegards")
    db, value = answered(run, monkeypatch, tabbed)
    assert (value["source_location"], value["value"]) == ("body line 8 col 2", 301)
    shown = fragment(db, value)
    assert marked(shown) == {"source-cell": ["301"], "row-header": ["2024/25"], "column-header": ["Home visits"]}
    assert rows(shown) == [["", "1", "2", "3"], ["5", "Year", "Home visits", "Staff"], ["6", "2022/23", "250", "4"],
                           ["7", "2023/24", "290", "5"], ["8", "2024/25", "301", "6"]]

    # one cell per line: each row is named by the lines its cells are on
    stacked = ("Dear Data Project,\n\nHere is our response to your request.\n\nYear\nHome visits\n2023/24\n290\n"
               "2024/25\n301\n\nRegards")
    reference = db.execute("SELECT reference FROM requests").fetchone()[0]
    run("import", str(reply_file(reference, stacked, day=17)))
    value = next(db.query("SELECT * FROM answer_values WHERE current = 1"))
    assert (value["source_location"], value["value"]) == ("body line 10", 301)
    shown = fragment(db, value)
    assert marked(shown) == {"source-cell": ["301"], "row-header": ["2024/25"], "column-header": ["Home visits"]}
    assert rows(shown) == [["", "1", "2"], ["lines 5-6", "Year", "Home visits"], ["lines 7-8", "2023/24", "290"],
                           ["lines 9-10", "2024/25", "301"]]


def test_a_figure_in_a_pdf_letter_is_shown_in_its_sentence(run, monkeypatch):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Barnsley Council\nYour request about home visits.\n"
                         "In 2024/25 the outreach team made 733 home visits.\nYours faithfully")
    db, value = answered(run, monkeypatch, "Please find our answer attached.",
                         {"letter.pdf": (bytes(pdf.output()), "application/pdf")})
    assert (value["source_location"], value["value"]) == ("page 1 line 3", 733)
    shown = fragment(db, value)
    assert marked(shown) == {"source-sentence": ["In 2024/25 the outreach team made 733 home visits."]}
    assert re.findall(r'<span class="line-number">(\d+)</span> ([^<]*)', shown) == [
        ("1", "Barnsley Council"), ("2", "Your request about home visits."), ("3", ""), ("4", "Yours faithfully")]


def test_readings_that_disagree_are_each_marked_where_they_were_read(run, monkeypatch):
    figures = b"Year,Home visits\r\n2022/23,300\r\n2023/24,310\r\n2024/25,316\r\n"
    db, value = answered(run, monkeypatch, "Dear Sir,\n\nIn 2024/25 the outreach team made 320 home visits.",
                         {"visits.csv": (figures, "text/csv")})
    assert value["status"] == "needs_review"
    (review,) = review_campaign(db, "visits")["values"]  # the review list's row (file, location, message)
    for row in (value, review):
        shown = fragment(db, row)
        assert marked(shown) == {"candidate-cell": ["316"], "row-header": ["2024/25"],
                                 "column-header": ["Home visits"], "candidate-sentence": ["320"]}
        assert "Read differently, highlighted: csv row 4 col 2." in shown
        assert "Read differently, highlighted: body line 3." in shown


def test_a_large_table_is_cut_to_the_rows_around_the_cell_and_says_so(run, monkeypatch):
    teams = "".join(f"Team {n},{n * 7}\r\n" for n in range(1, 301)).encode()
    figures = b"Year,Home visits\r\n2022/23,300\r\n2023/24,310\r\n2024/25,316\r\n"
    db, value = answered(run, monkeypatch, "Please find our answer attached.",
                         {"visits.csv": (figures, "text/csv"), "teams.csv": (b"Team,Visits\r\n" + teams, "text/csv")})
    # a value read deep in a long file: the stored value pointed at row 151 of teams.csv
    deep = {**value, "source_file": "teams.csv", "source_sha256": None, "source_location": "csv row 151 col 2"}
    shown = fragment(db, deep)
    assert marked(shown) == {"source-cell": ["1050"], "row-header": ["Team 150"], "column-header": ["Visits"]}
    numbers = [row[0] for row in rows(shown)[1:]]
    assert numbers == ["1", "…", *map(str, range(141, 162))]
    assert "A large table: 22 of its 301 rows and 2 of its 2 columns are shown, around the cell read." in shown


def test_a_source_that_cannot_be_shown_says_why(run, monkeypatch):
    db, value = answered(run, monkeypatch, "Please find our answer attached.", {"visits.xlsx": (workbook(), XLSX)})
    assert fragment(db, {**value, "source_location": "Visits!B6"}) == (
        '<div class="source-fragment"><p class="source-missing">Visits!B6 is not in visits.xlsx as foi reads it now, '
        'so it cannot be shown.</p></div>')
    sha = value["source_sha256"]
    Path(blob_dir(Path("campaign.db")), sha[:2], sha).unlink()
    assert fragment(db, value) == (
        '<div class="source-fragment"><p class="source-missing">The file visits.xlsx is no longer in the blobs folder '
        f'beside the database (blobs/{sha[:2]}/{sha[:12]}…), so it cannot be shown. Restore the blobs folder from a '
        'backup to see it.</p></div>')
    assert fragment(db, {**value, "source_file": None, "source_sha256": None, "source_message": None}) == (
        '<div class="source-fragment"><p class="source-missing">foi did not record where this value was read, so its '
        'source cannot be shown.</p></div>')

    run("answer", "visits", "BNS", "visits", "2024/25", "<5", "--note", "the council's letter, page 2")
    by_hand = next(db.query("SELECT * FROM answer_values WHERE current = 1"))
    assert fragment(db, by_hand) == ('<div class="source-fragment"><p class="source-missing">This value was entered '
                                     'by hand, so there is no reply to show it in.</p></div>')
