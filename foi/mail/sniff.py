"""What a blob of bytes really is, from its content rather than its label.

Councils' systems label attachments loosely (application/octet-stream,
document/pdf, a .xls that is really HTML), so every decision about how to
unpack or extract a part starts here. Pure functions on bytes.
"""

import io
import re
import zipfile

PDF = "application/pdf"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLS = "application/vnd.ms-excel"
DOC = "application/msword"
PPT = "application/vnd.ms-powerpoint"
MSG = "application/vnd.ms-outlook"
OLE2 = "application/x-ole-storage"
TNEF = "application/ms-tnef"
RTF = "application/rtf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TIFF = "image/tiff"
EML = "message/rfc822"
CSV = "text/csv"
HTML = "text/html"
TEXT = "text/plain"
BINARY = "application/octet-stream"

# Extensions for naming parts that arrive without a name.
EXTENSIONS = {
    PDF: ".pdf", ZIP: ".zip", XLSX: ".xlsx", DOCX: ".docx", PPTX: ".pptx",
    XLS: ".xls", DOC: ".doc", PPT: ".ppt", MSG: ".msg", TNEF: ".dat", RTF: ".rtf",
    PNG: ".png", JPEG: ".jpg", GIF: ".gif", TIFF: ".tif", EML: ".eml", CSV: ".csv",
    HTML: ".html", TEXT: ".txt", BINARY: ".bin",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC = b"\x78\x9f\x3e\x22"

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?", re.MULTILINE)
_MAIL_HEADERS = (
    b"from", b"to", b"subject", b"date", b"message-id", b"received", b"return-path",
    b"mime-version", b"delivered-to", b"content-type", b"x-original-to", b"reply-to",
)


def detect_type(data: bytes, declared: str | None = None, filename: str | None = None) -> str:
    """The MIME type `data` really has; `declared` and `filename` only break ties."""
    head = data[:8]
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head == OLE2_MAGIC:
        return _ole2_kind(data, filename)
    if head.startswith(TNEF_MAGIC):
        return TNEF
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    return _text_kind(data, declared, filename)


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as stream:  # a few bytes: never the whole (it may be a bomb)
                    mimetype = stream.read(200).decode("ascii", "replace").strip()
                if mimetype.startswith("application/vnd.oasis.opendocument"):
                    return mimetype
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, KeyError, EOFError, RuntimeError):
        return ZIP
    if "[Content_Types].xml" in names:
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
    return ZIP


def _ole2_kind(data: bytes, filename: str | None) -> str:
    """OLE2 holds xls, doc, ppt and Outlook .msg alike: look at the stream names."""
    import olefile  # lazy: start-up

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))  # bytes under 1536 long would be taken as a file name
    except (OSError, ValueError, IndexError, TypeError, RecursionError):  # a directory chain thousands deep
        return OLE2
    try:
        names = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError, RecursionError):
        return OLE2
    finally:
        ole.close()
    if "__properties_version1.0" in names or any(n.startswith("__substg1.0_") for n in names):
        return MSG
    if "workbook" in names or "book" in names:
        return XLS
    if "worddocument" in names:
        return DOC
    if "powerpoint document" in names:
        return PPT
    return OLE2


def _text_kind(data: bytes, declared: str | None, filename: str | None) -> str:
    sample = data[:4096]
    if not sample or b"\x00" in sample:
        return BINARY if sample else (declared or TEXT)
    if looks_like_email(sample):
        return EML
    lowered = sample.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered:
        return HTML
    if _looks_like_csv(sample, filename):
        return CSV
    if _mostly_printable(sample):
        return TEXT
    return BINARY


def _looks_like_csv(sample: bytes, filename: str | None) -> bool:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return bool(filename and filename.lower().endswith(".csv"))
    for separator in (b",", b"\t", b";"):
        counts = {line.count(separator) for line in lines[:-1]}
        if len(counts) == 1 and counts.pop() >= 1:
            return True
    return bool(filename and filename.lower().endswith(".csv"))


def _mostly_printable(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        pass
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return controls <= len(sample) // 100


def looks_like_email(data: bytes) -> bool:
    """True when `data` starts with an RFC 5322 header block (optionally after an
    mbox 'From ' line): valid header lines only, including ones mail carries
    (two of them, or one when the block visibly ends before the body)."""
    text = data[:16384].replace(b"\r\n", b"\n")
    if text.startswith(b"From "):
        text = text.split(b"\n", 1)[-1]
    text = text.lstrip(b"\n")
    block, ended, _ = text.partition(b"\n\n")
    lines = block.rstrip(b"\n").split(b"\n")
    if not ended and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last header in half
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].strip().lower())
    known = len(names & set(_MAIL_HEADERS))
    return known >= 2 or (known == 1 and bool(ended))


def is_outlook_msg(data: bytes) -> bool:
    return data[:8] == OLE2_MAGIC and _ole2_kind(data, None) == MSG
