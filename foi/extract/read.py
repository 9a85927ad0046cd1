"""One entry point for every reader: bytes -> (status, note, tables), never a crash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from foi.extract import delimited, document, pdf, spreadsheet, text
from foi.extract.detect import detect_format
from foi.extract.safety import UnsafeFile, check_zip
from foi.extract.tables import Table

READERS: dict[str, Callable[[bytes], list[Table]]] = {
    "xlsx": spreadsheet.read_xlsx, "xlsm": spreadsheet.read_xlsx,
    "xls": spreadsheet.read_xls, "ods": spreadsheet.read_ods, "odt": spreadsheet.read_ods,
    "csv": delimited.read_csv, "docx": document.read_docx, "doc": document.read_doc,
    "rtf": document.read_rtf, "pdf": pdf.read_pdf, "html": text.read_html,
    "text": text.read_text,
}
ZIPPED = {"xlsx", "xlsm", "ods", "odt", "docx"}
NOT_READ = {
    "image": ("needs_person", "an image (a scan or photo): needs a person to read it"),
    "empty": ("empty", "the file is empty"),
    "zip": ("container", "an archive: its files are read one by one"),
    "msg": ("container", "an Outlook message: its attachments are read one by one"),
    "ole-encrypted": ("unreadable", "password protected (encrypted Office file)"),
    "xlsb": ("unreadable", "Excel binary workbook (.xlsb) is not supported: ask for xlsx or csv"),
    "ole": ("unreadable", "an OLE file of unknown kind"),
    "binary": ("unreadable", "not a document format foi knows"),
}


@dataclass
class Reading:
    """status: ok | empty | needs_person | refused_unsafe | unreadable | container."""

    status: str
    format: str
    note: str | None = None
    tables: list[Table] = field(default_factory=list)


def read_file(path: str, pdf_options: pdf.PdfOptions | None = None) -> Reading:
    """read_source of the file at `path` (read in the worker: the caller never holds it)."""
    with open(path, "rb") as handle:
        return read_source(handle.read(), pdf_options)


def read_source(data: bytes, pdf_options: pdf.PdfOptions | None = None) -> Reading:
    """Read any reply file. Parsers of hostile or broken files raise anything
    at all, so every failure is caught here and becomes a status and a note.
    pdf_options change how a PDF is read (foi.extract.pdf), defaults if None."""
    kind = detect_format(data)
    if kind in NOT_READ:
        status, note = NOT_READ[kind]
        return Reading(status, kind, note)
    try:
        if kind in ZIPPED:
            check_zip(data)
        tables = pdf.read_pdf(data, pdf_options) if kind == "pdf" else READERS[kind](data)
    except UnsafeFile as error:
        return Reading("refused_unsafe", kind, f"refused before parsing: {error}")
    except pdf.NeedsPerson as error:
        return Reading("needs_person", kind, str(error))
    except MemoryError:
        raise  # past the reading worker's limit (foi.bounded): the caller says why
    except Exception as error:  # noqa: BLE001 - third-party parsers on untrusted bytes
        return Reading("unreadable", kind, f"{kind} reader failed: {type(error).__name__}: {error}"[:500])
    if not any(any(cell.strip() for row in t.rows for cell in row) for t in tables):
        return Reading("empty", kind, "no text found", tables)
    # a capped reader notes what it left out ("only the first 250,000 cells read")
    left_out = "; ".join(dict.fromkeys(t.note for t in tables if t.note))
    return Reading("ok", kind, f"read in part: {left_out}" if left_out else None, tables)
