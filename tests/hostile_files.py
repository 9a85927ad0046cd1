"""Hostile files, written here, each built to make a reader run away: the ones
issue 16 found, and the variants an attacker would try next.

Every function returns (filename, bytes) and takes a size, so a test can use a
file just big enough to show the fault (the old code past its bounds) while
staying quick to build: each builds in seconds and in little more memory than
the file itself (compressed data is fed to zlib piece by piece).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from email.message import EmailMessage

MB = 1024 * 1024


# ---- HTML ----------------------------------------------------------------------------------

def deep_html(depth: int = 3000) -> tuple[str, bytes]:
    """Tables nested `depth` deep, never closed, a period in each: the text they
    flatten to (one cell per line) made the stacked-table reader quadratic, so
    `foi import` of a reply with this body ran past 120 s."""
    body = "<table><tr><td>2019/20</td><td>" * depth
    return "nested.html", f"<html><body>{body}</body></html>".encode()


def wide_html_cell(pieces: int = 200_000) -> tuple[str, bytes]:
    """One table cell made of many small pieces of text: adding each piece to a
    string made reading quadratic."""
    return "cell.html", ("<html><body><table><tr><td>" + "<b>7</b>" * pieces + "</td></tr></table>").encode()


# ---- PDF -----------------------------------------------------------------------------------

def _pdf(content_object: bytes, extra: list[bytes] | None = None) -> bytes:
    """A one-page PDF whose page content is object 4; `extra` objects follow as 6, 7, ..."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               content_object, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *(extra or [])]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


TEXT = b"BT /F1 12 Tf 72 700 Td (Referrals 2019/20: 42) Tj ET\n"


def _flate_stream(pieces, damaged: bool = False) -> bytes:
    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(piece) for piece in pieces) + packer.flush()
    if damaged:
        packed = packed[:-8]  # cut short: the end of the stream and its checksum are lost
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"


def plain_pdf() -> tuple[str, bytes]:
    """A harmless PDF with one line of text: the readers must still read it."""
    return "plain.pdf", _pdf(_flate_stream([TEXT]))


def pdf_length_loop() -> tuple[str, bytes]:
    """The content stream's /Length is object 6, which is object 7, which is
    object 6: pdfminer follows the references for ever (import and extract
    past 120 s: "a content stream that declares an endless length")."""
    stream = b"<< /Length 6 0 R >>\nstream\n" + TEXT + b"\nendstream"
    return "endless.pdf", _pdf(stream, [b"7 0 R", b"6 0 R"])


def pdf_flate_bomb(megabytes: int = 300) -> tuple[str, bytes]:
    """Page content that inflates to `megabytes` of spaces from well under 1 MB:
    pdfminer inflates it whole (2.1 GB)."""
    return "bomb.pdf", _pdf(_flate_stream([TEXT] + [b" " * MB] * megabytes))


def pdf_operator_flood(lines: int = 400_000) -> tuple[str, bytes]:
    """A page that draws `lines` lines (4 MB of content, 40 KB packed): pdfplumber
    makes an object of each (900,000 operators took 30 s and 1.5 GB)."""
    return "lines.pdf", _pdf(_flate_stream([TEXT] + [b"0 0 m 1 1 l S\n" * 10_000] * (lines // 10_000)))


def pdf_damaged_stream(kilobytes: int = 2048) -> tuple[str, bytes]:
    """A compressed stream cut short: pdfminer inflates it again one byte at a
    time, copying all it has each time (quadratic: minutes for a few MB)."""
    words = b"".join(b"(%d) Tj " % n for n in range(kilobytes * 1024 // 8))
    return "damaged.pdf", _pdf(_flate_stream([TEXT, b"BT /F1 1 Tf ", words[:kilobytes * 1024], b" ET"],
                                             damaged=True))


# ---- spreadsheets --------------------------------------------------------------------------

def _xlsx(sheet_xml: bytes) -> bytes:
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                               b'2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                               b'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                               b'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                               b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                               b'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                               b'"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                               b'</Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                       b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                       b'</Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                           b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                           b'2006/relationships"><sheets><sheet name="Referrals" sheetId="1" r:id="rId1"/>'
                           b'</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
                                      b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                                      b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                                      b'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _sheet(cells: str, extra: str = "", dimension: str = "A1:B2") -> bytes:
    return (f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData>{extra}</worksheet>').encode()


CELLS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Year</t></is></c><c r="B1" t="inlineStr"><is><t>Referrals'
         '</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>2019/20</t></is></c><c r="B2"><v>42</v>'
         '</c></row>')


def xlsx_huge_merge(ref: str = "A1:XFD1048576") -> tuple[str, bytes]:
    """Two rows of data and one merged range over the whole sheet: openpyxl makes
    an object of every merged cell (3.5 GB)."""
    return "merged.xlsx", _xlsx(_sheet(CELLS, f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'))


def xlsx_lying_dimension() -> tuple[str, bytes]:
    """Two rows of data under a declared dimension of the whole sheet (17 billion cells)."""
    return "dimension.xlsx", _xlsx(_sheet(CELLS, dimension="A1:XFD1048576"))


def ods_repeat_bomb(rows: int = 40, repeat: int = 1_000_000) -> tuple[str, bytes]:
    """`rows` rows, each a row repeated `repeat` times of a value repeated
    `repeat` times across: a few KB that expands without end (4 GB)."""
    cell = f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="float" office:value="7"/>'
    row = f'<table:table-row table:number-rows-repeated="{repeat}">{cell}</table:table-row>'
    return "bomb.ods", _ods(row * rows)


def ods_trailing_repeats(repeat: int = 1_000_000) -> tuple[str, bytes]:
    """Real data, then empty cells and rows repeated a million times (what
    LibreOffice writes, taken to extremes): only the data is read."""
    data = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Year</text:p></table:table-cell>'
            '<table:table-cell office:value-type="string"><text:p>Referrals</text:p></table:table-cell>'
            f'<table:table-cell table:number-columns-repeated="{repeat}"/></table:table-row>'
            '<table:table-row><table:table-cell office:value-type="string"><text:p>2019/20</text:p>'
            '</table:table-cell><table:table-cell office:value-type="float" office:value="42"/></table:table-row>'
            f'<table:table-row table:number-rows-repeated="{repeat}"><table:table-cell '
            f'table:number-columns-repeated="{repeat}"/></table:table-row>')
    return "trailing.ods", _ods(data)


def _ods(rows: str) -> bytes:
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="Referrals">{rows}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def docx_huge_table(rows: int = 200, cells: int = 100, span: int = 64) -> tuple[str, bytes]:
    """A table of `rows` rows of `cells` cells, each spanning `span` columns: each
    cell is a few bytes of XML but becomes `span` cells when read (1.3 million
    from under 2 MB of XML, so no ratio check sees it)."""
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>7</w:t></w:r></w:p></w:tc>'
    head = ('<w:tr><w:tc><w:p><w:r><w:t>Year</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Referrals</w:t></w:r>'
            '</w:p></w:tc></w:tr>')
    body = (f'<w:p><w:r><w:t>Referrals by year</w:t></w:r></w:p><w:tbl>{head}'
            + f"<w:tr>{cell * cells}</w:tr>" * rows + "</w:tbl>")
    document = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
                f'main"><w:body>{body}</w:body></w:document>').encode()
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             b'</Types>')
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return "table.docx", zip_of({"[Content_Types].xml": types, "_rels/.rels": rels, "word/document.xml": document})


# ---- CSV and text --------------------------------------------------------------------------

def big_csv(megabytes: int = 70) -> tuple[str, bytes]:
    """A legitimate-looking export of records, `megabytes` long (70 MB took
    2.5 GB and 107 s to import): it must be read, capped, in bounded memory."""
    head = b"Year,Council,Referrals,Assessments\n"
    rows = b"".join(b"2019/20,Northmoor District,%d,%d\n" % (n, n * 3) for n in range(10_000))
    return "records.csv", head + rows * (megabytes * MB // len(rows) + 1)


def one_line_csv(megabytes: int = 50) -> tuple[str, bytes]:
    """A header, then one line of `megabytes` of "1," (25 million cells in one row)."""
    return "one-line.csv", b"Year,Referrals\n2019/20,42\n" + b"1," * (megabytes * MB // 2) + b"\n"


# ---- containers ----------------------------------------------------------------------------

def zip_of(entries: dict[str, bytes]) -> bytes:
    """A zip of `entries`, the same bytes whenever it is made: each member's date is fixed (a
    date of the clock's changed the deflated size of a zip of such zips by a byte a member)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


ZIP_DATE = (2026, 3, 2, 9, 30, 0)


def zip_under_the_ratio(members: int = 60, megabytes: int = 4) -> tuple[str, bytes]:
    """A zip of `members` zips, each holding one CSV of `megabytes` of zeros: every
    archive on its own stays under the limits (each inner one is under the size
    past which its ratio counts; the outer one declares only small zips), but
    the whole tree expands to hundreds of MB from a few hundred KB."""
    inner = zip_of({"part.csv": b"Year,Referrals\n" + b"0" * (megabytes * MB)})
    return "parts.zip", zip_of({f"part-{n:03d}.zip": inner for n in range(members)})


def zip_with_big_csv(megabytes: int = 200) -> tuple[str, bytes]:
    """A zip holding one CSV of `megabytes` of varied figures (compresses about
    3:1, so no ratio check stops it): 4 GB once imported."""
    buffer = io.BytesIO()
    block = b"".join(b"2019/20,Council %d,%d,%d\n" % (n, (n * 7919) % 100_003, (n * 104_729) % 99_991)
                     for n in range(40_000))
    with (zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
          archive.open("records.csv", "w", force_zip64=True) as member):
        member.write(b"Year,Council,Referrals,Assessments\n")
        for _ in range(megabytes * MB // len(block) + 1):
            member.write(block)
    return "records.zip", buffer.getvalue()


def zip_lying_sizes(megabytes: int = 64) -> tuple[str, bytes]:
    """A zip whose member declares 100 bytes but inflates to `megabytes`: the
    declared sizes (what ratio checks look at) lie."""
    data = zip_of({"small.csv": b"0" * (megabytes * MB)})
    # patch the declared uncompressed size in the local header (offset 22) and the central directory (24)
    central = data.rindex(b"PK\x01\x02")
    out = bytearray(data)
    struct.pack_into("<I", out, 22, 100)
    struct.pack_into("<I", out, central + 24, 100)
    return "lying.zip", bytes(out)


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef(files: list[tuple[str, bytes]], mapi: bytes | None = None) -> bytes:
    """A winmail.dat holding `files`, with message properties `mapi` if given."""
    out = struct.pack("<IH", 0x223E9F78, 0x0101) + _tnef_attribute(1, 0x00089006, struct.pack("<I", 0x00010000))
    if mapi is not None:
        out += _tnef_attribute(1, 0x00069003, mapi)
    for name, data in files:
        out += _tnef_attribute(2, 0x00069002, b"\x01\x00\x00\x00" + b"\x00" * 10)
        out += _tnef_attribute(2, 0x00018010, name.encode("cp1252") + b"\x00")
        out += _tnef_attribute(2, 0x0006800F, data)
    return out


def zip_many_parts(boxes: int = 60, files: int = 100) -> tuple[str, bytes]:
    """A zip of `boxes` zips of `files` small files each: every archive is under
    the count of entries one archive may hold, the tree is not."""
    box = zip_of({f"{n}.txt": b"Year,Referrals\n2019/20,%d\n" % n for n in range(files)})
    return "parts.zip", zip_of({f"box-{n:03d}.zip": box for n in range(boxes)})


def tnef_bogus_count() -> tuple[str, bytes]:
    """Message properties that claim 4,294,967,295 properties in 8 bytes:
    tnefparse walks the count (then a crash at 4 GB: `foi sync` stopped for good)."""
    return "winmail.dat", tnef([("answer.csv", b"Year,Referrals\n2019/20,42\n")], struct.pack("<I", 0xFFFFFFFF))


def tnef_bogus_values() -> tuple[str, bytes]:
    """One multi-valued property that claims 2,000,000,000 values: tnefparse
    makes an object for each."""
    mapi = struct.pack("<IHHI", 1, 0x1003, 0x3001, 2_000_000_000) + b"\x00" * 8
    return "winmail.dat", tnef([("answer.csv", b"Year,Referrals\n2019/20,42\n")], mapi)


def nested_containers(depth_zips: int = 2, megabytes: int = 4, members: int = 30) -> tuple[str, bytes]:
    """An attached message holding a winmail.dat holding a zip of zips of CSVs
    of zeros: each container on its own is small, the tree is not."""
    inner = zip_of({"part.csv": b"Year,Referrals\n" + b"0" * (megabytes * MB)})
    for _ in range(depth_zips - 1):
        inner = zip_of({f"p{n}.zip": inner for n in range(members)})
    dat = tnef([("parts.zip", inner)])
    message = EmailMessage()
    message["From"], message["Subject"] = "foi@northmoor.test", "Fwd: the figures"
    message.set_content("Forwarded.")
    message.add_attachment(dat, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return "forwarded.eml", message.as_bytes()


# ---- Outlook .msg (OLE2) -------------------------------------------------------------------

FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _direntry(name: str, kind: int, child: int = NO_STREAM, start: int = END, size: int = 0) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NO_STREAM, NO_STREAM, child) + b"\x00" * 36
            + struct.pack("<III", start, size, 0))


def msg_sector_loop(declared: int = 0x7FFFFFF0) -> tuple[str, bytes]:
    """An Outlook message whose body stream's sectors loop (2 -> 3 -> 2) and which
    declares `declared` bytes: olefile follows the loop until it has read them
    all (4 GB). Nothing in an OLE file is compressed, so no stream can hold
    more than the file."""
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    fat = struct.pack("<IIII", FAT_SECTOR, END, 3, 2) + struct.pack("<I", FREE) * 124
    directory = (_direntry("Root Entry", 5, child=1) + _direntry("__substg1.0_1000001F", 2, start=2, size=declared)
                 + _direntry("", 0) + _direntry("", 0))
    data = "Dear requester, the figure is 42.".encode("utf-16-le").ljust(1024, b"\x00")
    return "reply.msg", header + fat + directory + data


def _ole(name: str, data: bytes) -> bytes:
    """An OLE2 file of one stream (at least 4 KB: regular sectors, no mini stream)."""
    data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\x00")
    sectors = len(data) // 512
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    chain = [FAT_SECTOR, END] + [2 + n + 1 for n in range(sectors - 1)] + [END]
    fat = struct.pack(f"<{len(chain)}I", *chain) + struct.pack("<I", FREE) * (128 - len(chain))
    directory = (_direntry("Root Entry", 5, child=1) + _direntry(name, 2, start=2, size=len(data))
                 + _direntry("", 0) + _direntry("", 0))
    return header + fat + directory + data


def _record(kind: int, data: bytes) -> bytes:
    """One BIFF record: its type, its length, its data."""
    return struct.pack("<HH", kind, len(data)) + data


def _label(row: int, column: int, text: str) -> bytes:
    return _record(0x0204, struct.pack("<HHHHB", row, column, 0, len(text), 0) + text.encode("latin-1"))


def xls_huge_merge(rows: int = 65536, columns: int = 256) -> tuple[str, bytes]:
    """An Excel 97 workbook of two rows whose MERGEDCELLS record spans `rows` x
    `columns`: xlrd pads every row to the range (16.7 million cells: 83 s and
    500 MB before, filled with the top-left text)."""
    sheet = (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))  # BOF of a worksheet
             + _record(0x0200, struct.pack("<IIHHH", 0, 2, 0, 2, 0))  # DIMENSIONS: 2 x 2
             + _label(0, 0, "Year") + _label(0, 1, "Referrals") + _label(1, 0, "2019/20")
             + _record(0x0203, struct.pack("<HHHd", 1, 1, 0, 42.0))
             + _record(0x00E5, struct.pack("<HHHHH", 1, 0, rows - 1, 0, columns - 1))  # MERGEDCELLS
             + _record(0x000A, b""))

    def workbook(sheet_at: int) -> bytes:
        return (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))  # BOF of the globals
                + _record(0x0042, struct.pack("<H", 1252))  # CODEPAGE
                + _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, 9, 0) + b"Referrals")  # BOUNDSHEET
                + _record(0x000A, b""))

    return "merged.xls", _ole("Workbook", workbook(len(workbook(0))) + sheet)
