"""Word-processor files: docx tables and paragraphs, and the text of .doc and .rtf."""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile

from defusedxml import ElementTree
from striprtf.striprtf import rtf_to_text

from foi.extract.safety import UnsafeFile
from foi.extract.tables import Table, lines_table


def read_docx(data: bytes) -> list[Table]:
    """Tables and paragraphs in document order, each table carrying the
    paragraphs just above it (often "Question 2" or a caption) as context."""
    _check_docx_size(data)
    paragraphs: list[str] = []
    tables: list[Table] = []
    for child in _document_body(data).iterchildren():
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs.append(_text(child))
        elif tag == "tbl":
            rows = _docx_rows(child, MAX_CELLS - sum(len(t.rows) * t.width for t in tables))
            above = [p.strip() for p in paragraphs if p.strip()][-2:]
            note = None if rows.complete else f"tables over {MAX_CELLS:,} cells: only the first {len(rows):,} rows read"
            tables.append(Table("grid", f"table {len(tables) + 1}", rows, context=above, note=note))
    text_table = Table("lines", "paragraph", [[p] for p in paragraphs])
    return tables + [text_table]


def _document_body(data: bytes):
    """The w:body of the package's main document part, found and parsed as
    python-docx does (its relationship and content types, its XML parser), but
    without the styles, numbering, settings and other parts python-docx parses
    on open: in a typical reply those are most of the XML, and nothing here
    reads them."""
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT  # lazy: start-up
    from docx.oxml.parser import parse_xml  # lazy: start-up

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        targets = [rel.get("Target", "") for rel in _xml(archive, "_rels/.rels")
                   if rel.get("Type") == RT.OFFICE_DOCUMENT and rel.get("TargetMode") != "External"]
        if len(targets) != 1:
            raise ValueError(f"{len(targets)} main document parts (a Word file has one)")
        part = posixpath.normpath(posixpath.join("/", targets[0]))
        content_type = _content_type(_xml(archive, "[Content_Types].xml"), part)
        if content_type != CT.WML_DOCUMENT_MAIN:
            raise ValueError(f"not a Word file, content type is '{content_type}'")
        body = parse_xml(archive.read(part[1:])).body
    if body is None:
        raise ValueError("the document part has no body")
    return body


def _xml(archive: zipfile.ZipFile, name: str):
    return ElementTree.fromstring(archive.read(name))


def _content_type(types, part: str) -> str | None:
    """The part's content type: its Override, else the Default of its extension
    (names compared without case, as the Open Packaging Conventions say)."""
    by_part = {t.get("PartName", "").lower(): t.get("ContentType") for t in types if t.tag.endswith("}Override")}
    by_extension = {t.get("Extension", "").lower(): t.get("ContentType") for t in types
                    if t.tag.endswith("}Default")}
    return by_part.get(part.lower()) or by_extension.get(posixpath.splitext(part)[1][1:].lower())


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCUMENT_XML = 25 * 1024 * 1024  # a 500-page report of tables is under 20 MB of XML
MAX_CELLS = 250_000  # cells kept from all the tables of one document


def _check_docx_size(data: bytes) -> None:
    """python-docx holds the whole document as an XML tree (about ten times its
    size): a document part bigger than any real reply is refused, not parsed.
    safety.check_zip has already read each part for real, so the sizes are true."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if entry.filename.startswith("word/") and entry.file_size > MAX_DOCUMENT_XML:
                raise UnsafeFile(f"{entry.filename} is {entry.file_size / 1024 / 1024:.0f} MB of XML "
                                 f"(limit {MAX_DOCUMENT_XML // 1024 // 1024} MB): not read")


def _text(element) -> str:
    return "".join(node.text or "" for node in element.iter(W + "t", W + "tab"))


class _Rows(list):
    complete = True


def _docx_rows(table, room: int) -> _Rows:
    """Rows of a w:tbl from the XML itself: a cell spanning columns (gridSpan)
    or rows (vMerge) gives its text to every position it covers; no more than
    `room` cells (a span of 64 columns makes 64 cells of a few bytes of XML)."""
    rows = _Rows()
    for tr in table.iterchildren(W + "tr"):
        room -= sum(len(row) for row in rows[-1:])
        if room <= 0:
            rows.complete = False
            break
        row: list[str] = []
        for tc in tr.iterchildren(W + "tc"):
            props = tc.find(W + "tcPr")
            span, merged = 1, False
            if props is not None:
                grid_span = props.find(W + "gridSpan")
                span = int(grid_span.get(W + "val", "1")) if grid_span is not None else 1
                v_merge = props.find(W + "vMerge")
                merged = v_merge is not None and v_merge.get(W + "val", "continue") == "continue"
            text = "\n".join(_text(p) for p in tc.iter(W + "p")).strip()
            if merged and rows and len(rows[-1]) > len(row):
                text = rows[-1][len(row)]
            row.extend([text] * min(max(span, 1), 64))
        rows.append(row)
    return rows


def read_rtf(data: bytes) -> list[Table]:
    text = rtf_to_text(data.decode("latin-1"), errors="ignore")
    return [lines_table("", text)]


def read_doc(data: bytes) -> list[Table]:
    """Word 97-2003 text through its piece table (olefile reads the container)."""
    import olefile  # lazy: start-up

    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        text = _doc_text(ole)
    finally:
        ole.close()
    return [lines_table("", text)]


def _doc_text(ole) -> str:
    word = ole.openstream("WordDocument").read()
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:
        raise ValueError("the .doc is password protected")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    clx = ole.openstream(table_name).read()[fc_clx:fc_clx + lcb_clx]
    pieces = []
    position = 0
    while position < len(clx) and clx[position] == 0x01:  # skip Prc blocks
        position += 3 + struct.unpack_from("<H", clx, position + 1)[0]
    if position >= len(clx) or clx[position] != 0x02:
        raise ValueError("no piece table in the .doc")
    size = struct.unpack_from("<I", clx, position + 1)[0]
    plc = clx[position + 5:position + 5 + size]
    count = (size - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    for index in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)[0]
        length = cps[index + 1] - cps[index]
        if fc & 0x40000000:
            start = (fc & ~0x40000000) // 2
            pieces.append(word[start:start + length].decode("cp1252", errors="replace"))
        else:
            pieces.append(word[fc:fc + 2 * length].decode("utf-16-le", errors="replace"))
    text = "".join(pieces)
    # Word marks paragraphs with \r and table cells with \x07.
    return text.replace("\x07", "\t").replace("\r", "\n").replace("\x0b", "\n")
