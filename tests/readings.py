"""How test_hostile_readers reads a hostile file in its child process: each
entry takes (filename, bytes) and returns a small JSON-able summary of what
foi made of it (never the whole of a huge table)."""

from __future__ import annotations

from collections.abc import Callable

from foi.extract.read import read_source
from foi.mail.parse import Part, parse_message
from foi.mail.unpack import unpack_parts


def _tables(tables) -> dict:
    grids = [t for t in tables if t.kind != "lines"]
    first = next((row for t in tables for row in t.rows if any(row)), [])
    return {
        "tables": [[t.kind, len(t.rows) if t.kind != "lines" else 0] for t in tables],
        "sheets": [t.rows for t in tables if t.kind == "sheet" and len(t.rows) * t.width <= 100],
        "shape": [[len(t.rows), t.width] for t in grids],
        "notes": [t.note for t in tables if getattr(t, "note", None)],
        "first": [cell[:40] for cell in first[:2]],
    }


def extract(name: str, data: bytes) -> dict:
    """foi extract's reading of one file."""
    reading = read_source(data)
    return {"status": reading.status, "note": reading.note, **_tables(reading.tables)}


def body_text(name: str, data: bytes) -> dict:
    """A reply whose HTML body is `data`, as import reads it and extract then reads its text."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = "foi@northmoor.test", "RE: your request"
    message.set_content(data.decode(), subtype="html")
    parsed = parse_message(message.as_bytes())
    reading = read_source(parsed.body_text.encode())
    return {"status": reading.status, "lines": len(parsed.body_text.splitlines()), **_tables(reading.tables)}


def csv(name: str, data: bytes) -> dict:
    from foi.extract.delimited import read_csv

    return _tables(read_csv(data))


def _tree(parts) -> dict:
    walked = [p for top in parts for p in top.walk()]
    return {
        "parts": len(walked),
        "unpacked_bytes": sum(len(p.data or b"") for top in parts for p in top.walk() if p is not top),
        "notes": [(p.filename, p.note) for p in walked if p.note],
    }


def unpack(name: str, data: bytes) -> dict:
    """import's unpacking of one attachment."""
    return _tree(unpack_parts([Part(data, name, "application/octet-stream")]))


def message(name: str, data: bytes) -> dict:
    """import's reading of a whole message (.eml or Outlook .msg) and its attachments."""
    parsed = parse_message(data)
    return {"parse_error": parsed.parse_error, **_tree(unpack_parts(parsed.attachments))}


READ: dict[str, Callable[[str, bytes], dict]] = {
    "extract": extract, "body_text": body_text, "csv": csv, "unpack": unpack, "message": message,
}
