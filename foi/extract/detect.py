"""What a file is, from its first bytes and (for zip and OLE containers) its
inside: the file name and declared type are often wrong in council replies."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = {
    b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif",
    b"II*\x00": "tiff", b"MM\x00*": "tiff", b"BM": "bmp",
}
DELIMITERS = ",;\t|"


def detect_format(data: bytes) -> str:
    """One of pdf, xlsx, xlsm, docx, ods, odt, zip, xls, doc, ole-encrypted,
    msg, ole, rtf, html, csv, text, image, empty, binary."""
    if not data.strip():
        return "empty"
    if data.lstrip()[:5] == b"%PDF-" or data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return _zip_format(data)
    if data[:8] == OLE_MAGIC:
        return _ole_format(data)
    if data[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04") and data[3:4] == b"\x00":
        return "xls"  # BIFF2-4 worksheet, before OLE containers
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    for magic in IMAGE_MAGIC:
        if data.startswith(magic):
            return "image"
    text = decode_text(data[:8192])
    if text is None:
        return "binary"
    head = text.lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or "<table" in head[:4000] or "<body" in head[:4000]:
        return "html"
    return "csv" if looks_delimited(text) else "text"


def _zip_format(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return "binary"  # a damaged or hostile directory: no reader should try it
    names = archive.namelist()
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if "mimetype" in names:
        try:
            with archive.open("mimetype") as stream:  # a few bytes: never the whole (it may be a bomb)
                kind = stream.read(80)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):
            return "zip"
        if b"spreadsheet" in kind:
            return "ods"
        if b"text" in kind:
            return "odt"
    return "zip"


def _ole_format(data: bytes) -> str:
    import olefile  # lazy: start-up

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except (OSError, ValueError, IndexError, TypeError, RecursionError):
        # olefile walks a directory tree by recursion: a chain thousands long is hostile
        return "binary"
    ole.close()
    if "encryptedpackage" in streams:
        return "ole-encrypted"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "worddocument" in streams:
        return "doc"
    if any(name.startswith("__substg1.0_") for name in streams):
        return "msg"
    return "ole"


def decode_text(data: bytes) -> str | None:
    """Text in whichever encoding councils' systems wrote it: BOMs first, then
    strict UTF-8, then cp1252 (Excel's 'CSV' on Windows), then latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start >= len(data) - 3:
                return data[:error.start].decode("utf-8")  # a character cut at our sample's end
    return data.decode("latin-1")


def split_lines(text: str, longest: int) -> Iterator[tuple[str, bool]]:
    """text.splitlines(), one line at a time (no list of a million lines, no
    copy of the text), each line cut to `longest` characters: (line, was cut)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        for line in text[start:end].splitlines():  # \r and the other breaks splitlines knows
            yield (line[:longest], True) if len(line) > longest else (line, False)
        start = end


def text_or_fail(data: bytes) -> str:
    """decode_text for a reader: bytes that are no known text are an unreadable file."""
    text = decode_text(data)
    if text is None:
        raise ValueError("not text in any known encoding")
    return text


def looks_delimited(text: str) -> bool:
    """Most lines carry the same number (>= 1) of one delimiter."""
    return delimiter_of(text) is not None


def delimiter_of(text: str) -> str | None:
    """The delimiter of a file of delimited rows, or None for text. Most lines
    carry the same number (>= 1) of it; or the rows are three or more and at
    least half the lines, the other lines (a title, notes under the table)
    carrying fewer of it; or two or more rows on top and lines carrying none of
    it below (notes). Of several that fit, a tab, semicolon or bar before the comma
    ("2019/20;1,204;<5;96": the comma groups thousands), then the one making the
    most cells of rows alike."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if len(lines) < 2:
        return None
    fits = [(fit, -order, delimiter) for order, delimiter in enumerate(DELIMITERS)
            if (fit := _fit(lines, delimiter)) is not None]
    # a comma also groups thousands and joins words; another delimiter that fits was meant
    return max(fits, key=lambda fit: (fit[2] != ",", fit[0][0] * fit[0][1], fit))[2] if fits else None


def _fit(lines: list[str], delimiter: str) -> tuple[int, int] | None:
    """How well `delimiter` makes rows of `lines`: (lines carrying the commonest count
    of it, that count), or None when it does not make a table."""
    # Quote-aware: Excel writes 1,501 as "1,501", whose comma separates nothing.
    rows = list(csv.reader(lines, delimiter=delimiter))
    counts = [len(row) - 1 for row in rows]
    commonest = max(set(counts), key=lambda n: (counts.count(n), n))
    if commonest < 1:
        return None
    table = counts.count(commonest)
    # a header and one row of figures, then notes with none of it ("Source: ...", quoted)
    on_top = commonest >= 2 and counts[:table] == [commonest] * table and not any(counts[table:])
    if table < max(2, 0.7 * len(lines)) and not on_top and not (
            table >= 3 and 2 * table >= len(lines) and max(counts) == commonest):
        return None
    if len(lines) == 2 and commonest < 2:
        return None  # two lines with a comma each is a letter more often than a table
    fields = [f for row, n in zip(rows, counts) if n == commonest for f in row]
    words = sorted(len(f.split()) for f in fields)
    if words[len(words) // 2] > 4:  # prose has long "fields"
        return None
    return table, commonest
