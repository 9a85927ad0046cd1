"""Refuse a hostile PDF before pdfplumber sees it: one pass over the raw bytes,
bounded in time and memory, that measures what reading the file would cost.

pdfminer trusts the file: it decompresses a whole stream at once (a flate bomb
of a few hundred KB becomes gigabytes), retries a damaged stream byte by byte
with a copy per byte (quadratic), follows an object that refers to itself for
ever (a /Length that is "6 0 R" where object 6 is "6 0 R"), and makes a Python
object of every drawing operator (a million lines drawn take gigabytes). So here:

- every stream is found by its `endstream` (declared lengths lie) and its
  FlateDecode data inflated piece by piece, never past MAX_STREAM_BYTES, with
  MAX_DOCUMENT_BYTES for the whole file;
- a damaged or cut-off compressed stream is refused past MAX_DAMAGED_BYTES;
- page content (streams that are not images, fonts or object streams) may hold
  at most MAX_OPERATORS drawing and text operators;
- an object that is only a reference, followed from object to object (also
  inside object streams), must end: a loop is refused.

Each refusal raises UnsafeFile with a note a person can act on. The raw bytes
are kept by the caller whatever happens.
"""

from __future__ import annotations

import re
import zlib

from foi.extract.safety import UnsafeFile

MB = 1024 * 1024
MAX_STREAM_BYTES = 100 * MB
MAX_DOCUMENT_BYTES = 200 * MB
MAX_DAMAGED_BYTES = 256 * 1024  # pdfminer reads a damaged stream again byte by byte, copying as it goes
MAX_OPERATORS = 200_000  # paths and text shown; 93 public table PDFs have at most 30,000
CHUNK = 1 << 16

STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
ALIAS = re.compile(rb"(\d+)\s+\d+\s+obj\s*(\d+)\s+\d+\s+R\s*endobj")
BARE_REF = re.compile(rb"\s*(\d+)\s+\d+\s+R\s*")
FILTER = re.compile(rb"/Filter\b")
FLATE = re.compile(rb"/Filter\s*(?:\[\s*)?/(?:FlateDecode|Fl)\b")
NOT_CONTENT = re.compile(rb"/Subtype\s*/(?:Image|Type1C|CIDFontType0C|OpenType|XML)\b|/Length[123]\b"
                         rb"|/Type\s*/(?:ObjStm|XRef|Metadata|EmbeddedFile)\b")
OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
FIRST = re.compile(rb"/First\s+(\d+)")
# operators that make a layout object each: path building and painting, text shown
OPERATOR = re.compile(rb"(?<![A-Za-z*'\"])(?:[mlcvyhSsfFBbn]|re|B\*|b\*|f\*|Tj|TJ|'|\")(?![A-Za-z*'\"])")


def check_pdf(data: bytes) -> None:
    """Raise UnsafeFile when reading `data` as a PDF would run away."""
    aliases = {int(m.group(1)): int(m.group(2)) for m in ALIAS.finditer(data)}
    total = operators = 0
    for match in STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        head = _stream_dict(data, match.start())
        body, damaged = data[start:end], False
        if FLATE.search(head):
            body, damaged = _inflate(body, MAX_STREAM_BYTES, MAX_DOCUMENT_BYTES - total)
        elif FILTER.search(head):
            continue  # other filters shrink (hex, ASCII85) or are images: not measured
        total += len(body)
        if damaged and len(body) > MAX_DAMAGED_BYTES:
            raise UnsafeFile(f"PDF stream is damaged and expands past {MAX_DAMAGED_BYTES // 1024} KB: not read "
                             "(reading it would take hours)")
        if OBJECT_STREAM.search(head):
            aliases.update(_stream_aliases(body, head))
        elif not NOT_CONTENT.search(head):
            operators += len(OPERATOR.findall(body))
            if operators > MAX_OPERATORS:
                raise UnsafeFile(f"PDF pages draw over {MAX_OPERATORS:,} lines and words: not read "
                                 "(built to exhaust memory?)")
    _check_loops(aliases)


def _stream_dict(data: bytes, at: int) -> bytes:
    """The bytes from the `obj` that opens the stream's object to its `stream`
    keyword (at most 8 KB back): its dictionary."""
    window = data[max(0, at - 8192):at]
    opened = list(OBJ.finditer(window))
    return window[opened[-1].end():] if opened else window


def _inflate(raw: bytes, stream_cap: int, left: int) -> tuple[bytes, bool]:
    """The stream inflated, piece by piece; (bytes, damaged). UnsafeFile once it
    passes `stream_cap` or what is `left` of the document's allowance."""
    inflater = zlib.decompressobj()
    out = bytearray()
    cap = min(stream_cap, left)
    pending = raw
    try:
        while pending and not inflater.eof:
            piece, pending = pending[:CHUNK], pending[CHUNK:]
            while piece and not inflater.eof:  # bytes after the end (a line break) are not data
                out += inflater.decompress(piece, CHUNK)
                piece = inflater.unconsumed_tail
                if len(out) > cap:
                    raise UnsafeFile(_too_big(stream_cap, left))
    except zlib.error:
        return bytes(out), True
    return bytes(out), not inflater.eof


def _too_big(stream_cap: int, left: int) -> str:
    if left < stream_cap:
        return f"PDF streams expand past {MAX_DOCUMENT_BYTES // MB} MB in all: not read (a compression bomb?)"
    return f"PDF stream expands past {stream_cap // MB} MB: not read (a compression bomb?)"


def _stream_aliases(body: bytes, head: bytes) -> dict[int, int]:
    """Objects inside an object stream that are only a reference to another."""
    first = FIRST.search(head)
    if not first:
        return {}
    offset = int(first.group(1))
    numbers = body[:offset].split()
    pairs = [(int(numbers[i]), int(numbers[i + 1])) for i in range(0, len(numbers) - 1, 2)
             if numbers[i].isdigit() and numbers[i + 1].isdigit()]
    found = {}
    for index, (number, at) in enumerate(pairs):
        stop = pairs[index + 1][1] if index + 1 < len(pairs) else len(body) - offset
        ref = BARE_REF.fullmatch(body[offset + at:offset + stop])
        if ref:
            found[number] = int(ref.group(1))
    return found


def _check_loops(aliases: dict[int, int]) -> None:
    """Following object to object by bare references must end somewhere."""
    done: set[int] = set()
    for start in aliases:
        path: list[int] = []
        seen: set[int] = set()
        number: int | None = start
        while number is not None and number in aliases and number not in done:
            if number in seen:
                raise UnsafeFile(f"PDF object {number} refers to itself through a loop of references: "
                                 "not read (reading it never ends)")
            seen.add(number)
            path.append(number)
            number = aliases[number]
        done.update(path)
