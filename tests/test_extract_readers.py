"""Readers: format from content, encodings, tables with exact locations, and
hostile files refused before parsing."""

from __future__ import annotations

import io
import re
import struct
import zipfile

from foi.extract.detect import detect_format
from foi.extract.read import read_source


def _xlsx(rows, title="Data") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_format_comes_from_content_not_name():
    from test_extract_campaign import make_ods

    assert detect_format(_xlsx([["a"]])) == "xlsx"
    assert detect_format(make_ods("S", [["a"]])) == "ods"
    assert detect_format(b"%PDF-1.4\n...") == "pdf"
    assert detect_format(b"{\\rtf1\\ansi hello}") == "rtf"
    assert detect_format(b"\x89PNG\r\n\x1a\n....") == "image"
    assert detect_format(b"<html><body><table><tr><td>1</td></tr></table></body></html>") == "html"
    assert detect_format(b"Year;Count\n2015/16;12\n2016/17;14\n") == "csv"
    assert detect_format(b"Dear Sir,\nThe answer is below, thank you.\n") == "text"
    assert detect_format(b"") == "empty"


def test_csv_encodings_and_delimiters():
    text = "Année,Nombre\n2015/16,1 234\n2016/17,<5\n"
    for data in (text.encode("utf-8-sig"), text.encode("utf-16"), text.encode("latin-1"),
                 text.replace(",", "\t").encode("cp1252"), text.replace(",", "|").encode("utf-8")):
        reading = read_source(data)
        assert reading.status == "ok", data
        assert reading.tables[0].rows == [["Année", "Nombre"], ["2015/16", "1 234"], ["2016/17", "<5"]]
        assert reading.tables[0].locate(1, 1) == "csv row 2 col 2"


def test_csv_with_quoted_thousands_is_a_table():
    """Excel's CSV quotes 1,501: the comma inside the quotes separates nothing."""
    data = b'Question,2015/16,2016/17\r\nQ1 Closed,"1,501","2,745"\r\nQ2 Stepped down,768,"1,420"\r\n'
    assert detect_format(data) == "csv"
    assert read_source(data).tables[0].rows == [["Question", "2015/16", "2016/17"],
                                                 ["Q1 Closed", "1,501", "2,745"],
                                                 ["Q2 Stepped down", "768", "1,420"]]


def test_sheet_locations_survive_splitting_into_tables():
    from foi.extract.tables import split_blocks

    data = _xlsx([["Title of the response"], [], [None, "2015/16", None, None, "2016/17"],
                  ["Referrals", "12", None, "Other", "7"]])
    table = read_source(data).tables[0]
    blocks = split_blocks(table)
    assert [(b.rows, b.context) for b in blocks] == [
        ([["", "2015/16"], ["Referrals", "12"]], ["Title of the response"]),
        ([["", "2016/17"], ["Other", "7"]], []),
    ]
    assert blocks[0].locate(1, 1) == "Data!B4" and blocks[1].locate(1, 1) == "Data!E4"


def test_docx_paragraphs_and_merged_table_cells():
    import docx

    document = docx.Document()
    document.add_paragraph("Question 2")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Referrals"
    table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "2015/16", "1", "2"
    document.add_paragraph("Question 3 is refused under section 12.")
    buffer = io.BytesIO()
    document.save(buffer)
    tables = read_source(buffer.getvalue()).tables
    assert tables[0].rows == [["Referrals"] * 3, ["2015/16", "1", "2"]]
    assert tables[0].context == ["Question 2"] and tables[0].locate(1, 2) == "table 1 row 2 col 3"
    assert tables[1].rows == [["Question 2"], ["Question 3 is refused under section 12."]]
    assert tables[1].locate(1) == "paragraph line 2"


def test_rtf_text():
    reading = read_source(rb"{\rtf1\ansi{\fonttbl\f0 Arial;}\f0 Q1 referrals\par 2015/16: 1,234\par}")
    assert reading.status == "ok"
    assert [r[0].strip() for r in reading.tables[0].rows if r[0].strip()] == ["Q1 referrals", "2015/16: 1,234"]


class _FakeOle:
    """The two streams a .doc's text lives in (olefile's container reading is its own)."""

    def __init__(self, streams):
        self.streams = streams

    def openstream(self, name):
        return io.BytesIO(self.streams[name])


def test_doc_text_through_the_piece_table():
    from foi.extract.document import _doc_text

    text = "Q1 referrals\r2015/16\x071,234\x07\r"
    word = bytearray(0x400)
    struct.pack_into("<H", word, 0x0A, 0x0200)  # text in 1Table
    word += text.encode("cp1252")
    start = 0x400
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, (start * 2) | 0x40000000, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    table = b"\x00" * 16 + clx
    struct.pack_into("<II", word, 0x01A2, 16, len(clx))
    assert _doc_text(_FakeOle({"WordDocument": bytes(word), "1Table": table})) == \
        "Q1 referrals\n2015/16\t1,234\t\n"


def test_html_body_tables_and_lines():
    html = (b"<html><body><p>Dear Sir</p><table><tr><th>Year</th><th>Referrals</th></tr>"
            b"<tr><td>2015/16</td><td>1,234</td></tr></table><p>Q3 not held</p>"
            b"<p>From: someone</p><p>2015/16: 99</p></body></html>")
    tables = read_source(html).tables
    assert tables[0].rows == [["Year", "Referrals"], ["2015/16", "1,234"]]
    assert tables[0].locate(1, 1) == "html table 1 row 2 col 2"
    lines = [row[0] for row in tables[1].rows if row[0]]
    assert lines == ["Dear Sir", "Year\tReferrals", "2015/16\t1,234", "Q3 not held"]  # quoted part cut
    assert tables[1].locate(9) == "line 10"


def test_scanned_pdf_needs_a_person():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 50, style="F")
    reading = read_source(bytes(pdf.output()))
    assert (reading.status, reading.format) == ("needs_person", "pdf")
    assert reading.note == "no text layer (a scanned document?): needs a person"


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
          b'<workbook>&lol2;</workbook>')


def test_billion_laughs_refused_before_parsing():
    for name, part in [("xl/workbook.xml", "xl/workbook.xml"), ("word/document.xml", "word/document.xml")]:
        data = _zip({"[Content_Types].xml": b"<Types/>", part: LAUGHS})
        reading = read_source(data)
        assert reading.status == "refused_unsafe"
        assert reading.note == (f"refused before parsing: {name} declares a DTD or entities "
                                "(XML entity expansion attack?)")


def test_zip_bombs_refused_before_parsing():
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (30 * 1024 * 1024)})
    reading = read_source(bomb)
    assert reading.status == "refused_unsafe"
    ratio = re.fullmatch(r"refused before parsing: xl/worksheets/sheet1\.xml compresses (\d+):1 \(a zip bomb\?\)",
                         reading.note)
    assert ratio and int(ratio.group(1)) > 150  # the ratio itself is zlib's to choose
    many = _zip({"word/document.xml": b"<w/>", **{f"word/x{i}.bin": b"" for i in range(5001)}},
                zipfile.ZIP_STORED)
    reading = read_source(many)
    assert (reading.status, reading.note) == ("refused_unsafe",
                                              "refused before parsing: zip has 5002 entries (limit 5000)")


def test_a_broken_file_is_a_status_not_a_crash():
    data = _xlsx([["a"]])
    broken = data[:200] + b"\x00" * 50 + data[250:]
    reading = read_source(broken)
    assert (reading.status, reading.format) == ("unreadable", "xlsx")
    assert reading.note.startswith("xlsx reader failed: BadZipFile: ")
