"""docx read from its main document part alone gives what python-docx's whole
package gave: the same tables, paragraphs and context; and a package that is no
Word document is still refused with a reason."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml.etree import XMLSyntaxError

from foi.extract import document
from foi.extract.read import read_source


def reply_document() -> bytes:
    """Paragraphs, a table with a cell spanning columns and one spanning rows, and a
    second table under its own heading."""
    built = docx.Document()
    built.add_paragraph("Dear Ms Smith,")
    built.add_paragraph("Question 1: referrals")
    table = built.add_table(rows=4, cols=3)
    for r, row in enumerate([["Year", "2022/23", "2023/24"], ["Referrals", "310", "295"],
                             ["Re-referrals", "41", "<5"], ["Note", "", ""]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(3, 0).merge(table.cell(3, 2)).text = "Figures are provisional"
    table.cell(1, 0).merge(table.cell(2, 0))
    built.add_paragraph("Question 2: children missing from care")
    second = built.add_table(rows=2, cols=2)
    second.cell(0, 0).text, second.cell(0, 1).text = "2023/24", "Missing"
    second.cell(1, 0).text, second.cell(1, 1).text = "Total", "1,204"
    built.add_paragraph("Yours sincerely")
    out = io.BytesIO()
    built.save(out)
    return out.getvalue()


def _by_python_docx(data: bytes):
    return docx.Document(io.BytesIO(data)).element.body


def shown(reading) -> tuple:
    return reading.status, [(t.kind, t.label, t.rows, t.context, t.note) for t in reading.tables]


def test_the_main_part_alone_reads_as_the_whole_package_did(monkeypatch):
    data = reply_document()
    alone = shown(read_source(data))
    monkeypatch.setattr(document, "_document_body", _by_python_docx)
    assert alone == shown(read_source(data))
    status, tables = alone
    assert status == "ok"
    # the cell spanning two rows (python-docx's merge keeps both texts) in each of them
    assert tables[0][2][1:3] == [["Referrals\nRe-referrals", "310", "295"], ["Referrals\nRe-referrals", "41", "<5"]]
    assert tables[0][2][3] == ["Figures are provisional"] * 3  # the cell spanning columns
    assert tables[1][3] == ["Question 1: referrals", "Question 2: children missing from care"]  # context above


def _rewritten(data: bytes, **parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, parts.get(name.replace("/", "_").replace(".", "_"), source.read(name)))
    return out.getvalue()


def test_a_damaged_styles_part_no_longer_stops_the_reading():
    data = _rewritten(reply_document(), word_styles_xml=b"<w:styles")
    with pytest.raises(XMLSyntaxError):  # what python-docx, which parses every part, makes of it
        docx.Document(io.BytesIO(data))
    reading = read_source(data)
    assert reading.status == "ok"
    assert reading.tables[1].rows[1] == ["Total", "1,204"]


def test_a_package_whose_main_part_is_not_a_word_document_is_refused_with_the_reason():
    data = reply_document()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    macro = types.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
    assert macro != types
    reading = read_source(_rewritten(data, **{"[Content_Types]_xml": macro}))
    assert (reading.status, reading.format) == ("unreadable", "docx")
    assert reading.note == ("docx reader failed: ValueError: not a Word file, content type is "
                            "'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml'")
